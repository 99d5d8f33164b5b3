//! The work summary's figures in the article's style: exact counts of items (件, 条, 场, 个), and
//! people and money rounded down with 多 ("560多人", "20多万元") — but only where the true
//! figure is above the stated one, so a summary never claims more than the records hold.

/// A figure as the summary writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// Items counted one by one: the exact number.
    Exact,
    /// People (人, 人次, 户) and things given: rounded down to two significant figures with 多.
    About,
}

/// Writes `n` followed by `unit`: `Exact` as is; `About` keeps two significant figures, counts
/// from ten thousand up in 万, and adds 多 only when something was cut off.
pub fn figure(n: u64, unit: &str, phrase: Phrase) -> String {
    match phrase {
        Phrase::Exact => format!("{n}{unit}"),
        Phrase::About if n >= 10_000 => {
            // In 万: the whole 万 kept to two significant figures; anything below them is 多.
            let wan = n / 10_000;
            let kept = two_figures(wan);
            let more = kept * 10_000 < n;
            format!("{kept}{}万{unit}", if more { "多" } else { "" })
        }
        Phrase::About => {
            let kept = two_figures(n);
            format!("{kept}{}{unit}", if kept < n { "多" } else { "" })
        }
    }
}

/// `n` rounded down to its two leading digits (633 → 630, 85 → 85, 7 → 7).
fn two_figures(n: u64) -> u64 {
    let mut scale = 1;
    while n / scale >= 100 {
        scale *= 10;
    }
    n / scale * scale
}

/// Money in fen as the summary writes it, in yuan (rounded with 多 as people are).
pub fn money(fen: i64) -> String {
    figure((fen.max(0) / 100) as u64, "元", Phrase::About)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_exact_people_and_money_are_rounded_down_with_duo() {
        assert_eq!(figure(33, "场（次）", Phrase::Exact), "33场（次）");
        assert_eq!(figure(164, "件", Phrase::Exact), "164件");
        assert_eq!(figure(633, "人", Phrase::About), "630多人");
        assert_eq!(figure(560, "人", Phrase::About), "560人", "no 多 when nothing was cut off");
        assert_eq!(figure(327, "户", Phrase::About), "320多户");
        assert_eq!(figure(85, "人次", Phrase::About), "85人次", "two figures are kept whole");
        assert_eq!(figure(7, "人", Phrase::About), "7人");
        assert_eq!(figure(0, "人", Phrase::About), "0人");
        assert_eq!(money(20_400_000), "20多万元", "204,000 yuan");
        assert_eq!(money(20_000_000), "20万元");
        assert_eq!(figure(520_000, "个", Phrase::About), "52万个");
        assert_eq!(figure(1_234_567, "人次", Phrase::About), "120多万人次");
        assert_eq!(figure(9_999, "元", Phrase::About), "9900多元");
    }

    #[test]
    fn a_stated_figure_never_exceeds_the_true_one() {
        for n in (0..200_000u64).step_by(37) {
            let s = figure(n, "", Phrase::About);
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            let stated: u64 = digits.parse().unwrap();
            let stated = if s.contains('万') { stated * 10_000 } else { stated };
            assert!(stated <= n, "{n} → {s}");
            assert_eq!(s.contains('多'), stated < n, "{n} → {s}: 多 exactly when cut");
        }
    }
}
