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

/// The work summary of a period, one paragraph per part of the work, in the article's words;
/// a part with nothing recorded is left out rather than written as zero.
pub fn work_summary(from: chrono::NaiveDate, to: chrono::NaiveDate, s: &crate::stats::metrics::Stats) -> Vec<String> {
    use Phrase::*;
    let date = |d: chrono::NaiveDate| crate::proposals::documents::chinese_date(d);
    let mut out = Vec::new();
    let mut going_out = Vec::new();
    if s.people_visited > 0 {
        going_out.push(format!("共走访委员及界别群众{}", figure(s.people_visited, "人", About)));
    }
    if s.home_visits > 0 {
        going_out.push(format!("其中走进群众家中{}", figure(s.home_visits, "人次", About)));
    }
    if let Some(d) = s.duty_days_per_week.filter(|d| *d > 0.0) {
        going_out.push(format!("主席会议成员平均每周下基层{d:.1}天"));
    }
    if !going_out.is_empty() {
        out.push(format!("{}至{}，{}。", date(from), date(to), going_out.join("，")));
    }
    let mut consulting = Vec::new();
    if s.consultations > 0 {
        consulting.push(format!("开展协商活动{}", figure(s.consultations, "场（次）", Exact)));
    }
    if s.proposals > 0 {
        let mut p = format!("提出提案{}", figure(s.proposals, "件", Exact));
        if s.proposals_filed > 0 {
            p.push_str(&format!("，立案{}", figure(s.proposals_filed, "件", Exact)));
        }
        consulting.push(p);
    }
    if s.research_reports > 0 {
        consulting.push(format!("撰写调研报告{}", figure(s.research_reports, "篇", Exact)));
    }
    if s.opinion_reports > 0 {
        consulting.push(format!("报送社情民意{}", figure(s.opinion_reports, "条", Exact)));
    }
    if !consulting.is_empty() {
        out.push(format!("{}。", consulting.join("，")));
    }
    let mut studios = Vec::new();
    if s.citizens_received > 0 {
        studios.push(format!("委员工作室接待群众{}", figure(s.citizens_received, "人次", About)));
    }
    if s.demands > 0 {
        studios.push(format!("收集群众意见{}", figure(s.demands, "条", Exact)));
    }
    if s.demands_resolved > 0 {
        studios.push(format!("为群众协商解决实际问题{}", figure(s.demands_resolved, "个", Exact)));
    }
    if !studios.is_empty() {
        out.push(format!("{}。", studios.join("，")));
    }
    let mut activities = Vec::new();
    if s.activities > 0 {
        activities.push(format!("组织学习培训、志愿服务等活动{}", figure(s.activities, "次", Exact)));
    }
    if s.volunteer_person_times > 0 {
        activities.push(format!("开展志愿服务{}", figure(s.volunteer_person_times, "人次", About)));
    }
    if s.households_assisted > 0 {
        let mut a = format!("走访慰问困难群众{}", figure(s.households_assisted, "户", About));
        if s.assistance_yuan > 0.0 {
            a.push_str(&format!("，发放慰问金{}", money((s.assistance_yuan * 100.0).round() as i64)));
        }
        activities.push(a);
    }
    if !activities.is_empty() {
        out.push(format!("{}。", activities.join("，")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_writes_the_articles_sentences_from_the_figures() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2022, m, day).unwrap();
        let mut s = crate::stats::metrics::Stats::default();
        (s.people_visited, s.home_visits, s.consultations, s.proposals, s.proposals_filed) = (608, 50, 37, 164, 143);
        (s.citizens_received, s.demands, s.demands_resolved, s.households_assisted, s.assistance_yuan) = (376, 90, 38, 327, 204_000.0);
        let text = work_summary(d(1, 1), d(4, 19), &s);
        assert_eq!(text[0], "二〇二二年一月一日至二〇二二年四月十九日，共走访委员及界别群众600多人，其中走进群众家中50人次。");
        assert_eq!(text[1], "开展协商活动37场（次），提出提案164件，立案143件。");
        assert_eq!(text[2], "委员工作室接待群众370多人次，收集群众意见90条，为群众协商解决实际问题38个。");
        assert_eq!(text[3], "走访慰问困难群众320多户，发放慰问金20多万元。");
        assert!(work_summary(d(1, 1), d(1, 2), &Default::default()).is_empty(), "nothing recorded, nothing claimed");
    }

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
