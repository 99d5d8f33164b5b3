//! Proposals with similar titles, shown to staff during review so that duplicates of the same
//! session can be merged (并案). Titles are short and formulaic ("关于……的建议"), so the
//! comparison is on the meaningful words only: jieba segmentation minus a short stop list of
//! the words every title has.
use std::collections::HashSet;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// Loading jieba's embedded dictionary takes a noticeable moment, so it is done once, on the
/// first comparison, and shared.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Words that occur in almost every proposal title, or only join its words, and so say nothing
/// about its subject: the frame (关于…的建议/提案), function words, the stock verbs of policy
/// language and "our district".
const STOP_WORDS: &[&str] = &[
    // the frame of a title
    "关于", "建议", "提案", "意见", "几点", "若干", "对策", "工作", "问题", "有关", "相关",
    // function words
    "的", "对", "对于", "在", "和", "与", "及", "以及", "等", "为", "把", "将", "了", "是", "中",
    // stock verbs
    "加强", "进一步", "推进", "推动", "加快", "加大", "强化", "完善", "提升",
    "提高", "促进", "做好", "切实", "发展", "大力",
    // the place every title is about
    "我区", "我市", "我县", "全区", "全市", "本区", "本市",
];

/// The words of a title that carry meaning: jieba's precise segmentation (`cut`, with HMM for
/// names not in the dictionary), without punctuation and spaces and without the stop words;
/// digits and Latin words are kept (lower-cased). Each word once, in order of first appearance.
///
/// Precise rather than search mode: search mode adds every dictionary sub-word of a compound
/// (中小学生 → 中小, 小学, 学生, 中小学, 小学生, 中小学生; 风光带 → 光带), which swells short titles
/// and makes unrelated titles share fragments such as 小学. The price: 交通安全 does not match
/// a title that says only 交通.
pub fn keywords(title: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    JIEBA
        .cut(title, true)
        .into_iter()
        .map(|token| token.word.trim().to_lowercase())
        .filter(|word| is_meaningful(word))
        .filter(|word| seen.insert(word.clone()))
        .collect()
}

/// A word counts if it has at least one letter or digit (punctuation and spaces do not) and
/// is not a stop word.
fn is_meaningful(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric) && !STOP_WORDS.contains(&word)
}

/// Overlap of two keyword sets in 0.0..=1.0, as the Dice coefficient 2|A∩B| / (|A| + |B|).
///
/// Dice rather than Jaccard because titles are short (three to six keywords): one extra word
/// in one title halves Jaccard's score much sooner, and the review wants to see near
/// duplicates rather than miss them. (The two rank pairs the same way; only the scale of the
/// threshold differs.) Two empty sets score 0: nothing in common is not a match.
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    let a: HashSet<&str> = a.iter().map(String::as_str).collect();
    let b: HashSet<&str> = b.iter().map(String::as_str).collect();
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * a.intersection(&b).count() as f64 / total as f64
}

/// The candidates most similar to `title`: (id, score) with score ≥ `min`, best first (ties by
/// id, for a stable list), at most `limit`. A candidate with nothing in common (score 0) is
/// never returned, even with `min` = 0. The caller leaves the proposal itself out of
/// `candidates`.
pub fn most_similar(title: &str, candidates: &[(i64, String)], min: f64, limit: usize) -> Vec<(i64, f64)> {
    let words = keywords(title);
    let mut scored: Vec<(i64, f64)> = candidates
        .iter()
        .map(|(id, other)| (*id, similarity(&words, &keywords(other))))
        .filter(|&(_, score)| score > 0.0 && score >= min)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(limit);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(a: &str, b: &str) -> f64 {
        similarity(&keywords(a), &keywords(b))
    }

    #[test]
    fn same_subject_in_other_words_is_similar() {
        let s = score("关于加强老旧小区改造的建议", "关于推进老旧小区改造工作的提案");
        assert!(s >= 0.5, "{s}");
    }

    #[test]
    fn different_subject_is_not_similar() {
        let s = score("关于加强老旧小区改造的建议", "关于发展乡村旅游的建议");
        assert!(s < 0.2, "{s}");
    }

    #[test]
    fn same_place_different_measure_is_partly_similar() {
        let school = score("关于在友谊小学门口设置减速带的建议", "关于友谊小学周边交通安全的建议");
        let unrelated = score("关于在友谊小学门口设置减速带的建议", "关于发展乡村旅游的建议");
        assert!(school >= 0.3, "{school}");
        assert!(unrelated < 0.2, "{unrelated}");
    }

    #[test]
    fn keywords_drop_frame_and_punctuation_but_keep_digits() {
        let words = keywords("关于进一步推进5G基站建设的建议。");
        assert!(words.contains(&"5g".to_string()), "{words:?}");
        assert!(words.contains(&"基站".to_string()), "{words:?}");
        for stop in ["关于", "进一步", "推进", "的", "建议", "。"] {
            assert!(!words.contains(&stop.to_string()), "{stop} in {words:?}");
        }
    }

    #[test]
    fn keywords_are_unique() {
        let words = keywords("关于老旧小区改造和老旧小区物业管理的建议");
        let unique: HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), words.len(), "{words:?}");
    }

    #[test]
    fn most_similar_orders_filters_and_limits() {
        let candidates = vec![
            (1, "关于发展乡村旅游的建议".to_string()),
            (2, "关于老旧小区加装电梯的建议".to_string()),
            (3, "关于推进老旧小区改造工作的提案".to_string()),
            (4, "关于老旧小区改造资金筹措的建议".to_string()),
        ];
        let all = most_similar("关于加强老旧小区改造的建议", &candidates, 0.2, 10);
        let ids: Vec<i64> = all.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids[0], 3, "{all:?}");
        assert!(!ids.contains(&1), "{all:?}");
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "{all:?}");
        let top = most_similar("关于加强老旧小区改造的建议", &candidates, 0.2, 1);
        assert_eq!(top, all[..1].to_vec());
    }

    #[test]
    fn empty_titles_score_zero() {
        assert!(keywords("").is_empty());
        assert_eq!(score("", ""), 0.0);
        assert_eq!(score("", "关于发展乡村旅游的建议"), 0.0);
        assert_eq!(score("关于的建议", "关于的建议"), 0.0);
        let candidates = vec![(1, String::new()), (2, "关于发展乡村旅游的建议".to_string())];
        assert!(most_similar("", &candidates, 0.0, 5).is_empty());
        assert!(most_similar("关于发展乡村旅游的建议", &[], 0.0, 5).is_empty());
    }

    /// The stop list leaves the words that carry the subject (judged on real titles).
    #[test]
    fn sample_titles_keep_their_subject_words() {
        let cases: [(&str, &[&str]); 5] = [
            ("关于加强老旧小区改造的建议", &["老旧", "小区", "改造"]),
            ("关于在友谊小学门口设置减速带的建议", &["友谊", "小学", "门口", "设置", "减速带"]),
            ("关于进一步推进5G基站建设的建议", &["5g", "基站", "建设"]),
            ("关于我区中小学生课后延时服务的几点建议", &["中小学生", "课后", "延时", "服务"]),
            ("关于加快湘江风光带（岳塘段）建设的提案", &["湘江", "风光带", "岳塘段", "建设"]),
        ];
        for (title, expected) in cases {
            assert_eq!(keywords(title), expected, "{title}");
        }
    }
}
