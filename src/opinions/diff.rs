//! The difference between a report as written and as the information office adopted it, by
//! character (Chinese has no spaces to split words on): the longest common subsequence, then
//! single characters left standing between two changes are folded into them so the edit reads
//! as phrases replaced rather than a sprinkle of letters. Pure.

/// What happened to a stretch of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    /// Only in the edited text.
    Added,
    /// Only in the original.
    Removed,
}

/// A stretch of text with one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub change: Change,
    pub text: String,
}

impl Span {
    fn new(change: Change, chars: &[char]) -> Span {
        Span { change, text: chars.iter().collect() }
    }

    /// The CSS class of the stretch.
    pub fn class(&self) -> &'static str {
        match self.change {
            Change::Same => "same",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// Above this many cells (original × edited characters between the common ends) the table
/// would cost too much memory; the middle is then shown as removed and added whole.
const MAX_CELLS: usize = 4_000_000;

/// The spans that turn `old` into `new`: the original is the same and removed spans in order,
/// the edited text the same and added ones.
pub fn diff(old: &str, new: &str) -> Vec<Span> {
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out = Vec::new();
    push(&mut out, Change::Same, &a[..prefix]);
    for (change, c) in middle(mid_a, mid_b) {
        push(&mut out, change, &[c]);
    }
    push(&mut out, Change::Same, &a[a.len() - suffix..]);
    fold_islands(out)
}

/// The middle part, character by character.
fn middle(a: &[char], b: &[char]) -> Vec<(Change, char)> {
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return a.iter().map(|c| (Change::Removed, *c)).chain(b.iter().map(|c| (Change::Added, *c))).collect();
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..] (at most 2,000 characters,
    // since the table has at most 4,000,000 cells, so u16 holds it).
    let w = b.len() + 1;
    let mut lcs = vec![0u16; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] { lcs[(i + 1) * w + j + 1] + 1 } else { lcs[(i + 1) * w + j].max(lcs[i * w + j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push((Change::Same, a[i]));
            (i, j) = (i + 1, j + 1);
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            out.push((Change::Removed, a[i]));
            i += 1;
        } else {
            out.push((Change::Added, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|c| (Change::Removed, *c)));
    out.extend(b[j..].iter().map(|c| (Change::Added, *c)));
    out
}

fn push(out: &mut Vec<Span>, change: Change, chars: &[char]) {
    if chars.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.change == change => last.text.extend(chars),
        _ => out.push(Span::new(change, chars)),
    }
}

/// A run of changes, including the one-character islands of sameness inside it, becomes one
/// removed span and one added span.
fn fold_islands(spans: Vec<Span>) -> Vec<Span> {
    let n = spans.len();
    let island = |i: usize, s: &Span| s.change == Change::Same && s.text.chars().count() <= 1 && i > 0 && i + 1 < n;
    let mut out: Vec<Span> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    for (i, s) in spans.iter().enumerate() {
        if s.change == Change::Same && !island(i, s) {
            flush(&mut out, &mut removed, &mut added);
            out.push(s.clone());
            continue;
        }
        if s.change != Change::Added {
            removed.push_str(&s.text);
        }
        if s.change != Change::Removed {
            added.push_str(&s.text);
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

fn flush(out: &mut Vec<Span>, removed: &mut String, added: &mut String) {
    for (change, text) in [(Change::Removed, removed), (Change::Added, added)] {
        if !text.is_empty() {
            out.push(Span { change, text: std::mem::take(text) });
        }
    }
}

/// Whether the edit changed anything.
pub fn changed(spans: &[Span]) -> bool {
    spans.iter().any(|s| s.change != Change::Same)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Change::*;

    fn spans(list: &[(Change, &str)]) -> Vec<Span> {
        list.iter().map(|(c, t)| Span { change: *c, text: t.to_string() }).collect()
    }

    /// The original and the edited text, read back from the spans.
    fn sides(d: &[Span]) -> (String, String) {
        let side = |skip: Change| d.iter().filter(|s| s.change != skip).map(|s| s.text.as_str()).collect::<String>();
        (side(Added), side(Removed))
    }

    #[test]
    fn unchanged_text_is_one_span_and_empty_sides_are_whole() {
        assert_eq!(diff("停车难", "停车难"), spans(&[(Same, "停车难")]));
        assert!(!changed(&diff("停车难", "停车难")));
        assert_eq!(diff("", "新增内容"), spans(&[(Added, "新增内容")]));
        assert_eq!(diff("删去", ""), spans(&[(Removed, "删去")]));
        assert!(diff("", "").is_empty());
    }

    #[test]
    fn an_edit_shows_what_was_removed_and_added_in_place() {
        let d = diff("建议尽快解决停车难问题。", "建议区住建局尽快解决老旧小区停车难问题。");
        assert_eq!(d, spans(&[(Same, "建议"), (Added, "区住建局"), (Same, "尽快解决"), (Added, "老旧小区"), (Same, "停车难问题。")]));
        let d = diff("群众反映强烈", "居民意见较大");
        assert_eq!(d, spans(&[(Removed, "群众反映强烈"), (Added, "居民意见较大")]), "no stray shared character is left between the changes");
        assert!(changed(&d));
    }

    #[test]
    fn a_single_character_between_two_changes_is_folded_in() {
        // "的" is common to both but would split the replacement in two.
        let d = diff("甲的乙", "丙的丁");
        assert_eq!(d, spans(&[(Removed, "甲的乙"), (Added, "丙的丁")]));
        let d = diff("关于停车", "关于加强停车");
        assert_eq!(d, spans(&[(Same, "关于"), (Added, "加强"), (Same, "停车")]), "islands only inside changes");
    }

    #[test]
    fn both_texts_are_always_recovered() {
        let cases = [
            ("一、基本情况\n书院路街道老旧小区停车位不足。\n二、建议\n建设临时停车场。", "一、基本情况\n书院路街道12个老旧小区停车位严重不足。\n二、建议\n利用闲置地块建设临时停车场，错时开放机关停车位。"),
            ("abcabba", "cbabac"),
            ("群众反映", "反映群众"),
            ("🚗车位", "🚙车位"),
        ];
        for (old, new) in cases {
            assert_eq!(sides(&diff(old, new)), (old.to_string(), new.to_string()), "{old} → {new}");
        }
    }

    #[test]
    fn huge_middles_fall_back_to_removed_and_added() {
        let (old, new) = ("甲".repeat(2500), "乙".repeat(2500));
        let d = diff(&format!("头{old}尾"), &format!("头{new}尾"));
        assert_eq!(d.iter().map(|s| s.change).collect::<Vec<_>>(), [Same, Removed, Added, Same]);
        assert_eq!(d[1].class(), "removed");
    }
}
