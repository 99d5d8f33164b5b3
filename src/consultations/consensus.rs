//! Online deliberation before a meeting: which short statements have broad agreement across the
//! participants and which divide them. Pure arithmetic on the vote matrix, in the manner of
//! Pol.is: participants are grouped by how they voted (k-means on their vote vectors, k chosen
//! by silhouette), then each statement is judged by every group's agreement, so that a
//! statement loved by one large camp and rejected by another is "divisive", not "popular".
use serde::{Deserialize, Serialize};

/// One vote on one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Agree,
    Disagree,
    Pass,
}

impl Vote {
    pub const ALL: [Vote; 3] = [Self::Agree, Self::Disagree, Self::Pass];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Disagree => "disagree",
            Self::Pass => "pass",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    fn value(self) -> f64 {
        match self {
            Self::Agree => 1.0,
            Self::Disagree => -1.0,
            Self::Pass => 0.0,
        }
    }
}

/// What a statement is, judged across the opinion groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every group mostly agrees (共识).
    Agreement,
    /// Every group mostly disagrees.
    Rejection,
    /// One group mostly agrees and another mostly disagrees (分歧).
    Divisive,
    /// No clear picture yet.
    Unclear,
}

/// A group's votes on one statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub agree: u32,
    pub disagree: u32,
    pub pass: u32,
}

impl Tally {
    fn add(&mut self, v: Vote) {
        match v {
            Vote::Agree => self.agree += 1,
            Vote::Disagree => self.disagree += 1,
            Vote::Pass => self.pass += 1,
        }
    }

    pub fn seen(&self) -> u32 {
        self.agree + self.disagree + self.pass
    }

    /// Agreement with one imagined agree and one imagined other vote (Laplace), so that two
    /// votes out of two do not count as certain.
    pub fn agree_share(&self) -> f64 {
        (self.agree as f64 + 1.0) / (self.seen() as f64 + 2.0)
    }

    pub fn disagree_share(&self) -> f64 {
        (self.disagree as f64 + 1.0) / (self.seen() as f64 + 2.0)
    }
}

/// One statement's result.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StatementResult {
    /// The statement's index in the input.
    pub statement: usize,
    pub total: Tally,
    /// Per opinion group, in the order of `Analysis::groups`.
    pub groups: Vec<Tally>,
    pub verdict: Verdict,
    /// For agreement: the lowest group's agreement; for divisive statements: how far the
    /// groups' (agree − disagree) shares lie apart. Higher is clearer.
    pub score: f64,
}

/// The deliberation's picture.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Analysis {
    /// The opinion groups as participant indices (largest group first). Participants with
    /// fewer than `MIN_VOTES` votes are in none.
    pub groups: Vec<Vec<usize>>,
    pub statements: Vec<StatementResult>,
}

impl Analysis {
    /// Statements of one verdict, clearest first.
    pub fn with_verdict(&self, v: Verdict) -> Vec<&StatementResult> {
        let mut out: Vec<&StatementResult> = self.statements.iter().filter(|s| s.verdict == v).collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.statement.cmp(&b.statement)));
        out
    }
}

/// A participant is grouped once they voted on this many statements (or on all, if fewer).
pub const MIN_VOTES: usize = 3;
/// Each group's (smoothed) share needed for agreement or rejection.
const CONSENSUS: f64 = 0.6;
/// A group "mostly" agrees or disagrees above this share, for divisive statements.
const LEANING: f64 = 0.5;
/// Below this silhouette the votes show no groups: everyone is one group.
const MIN_SILHOUETTE: f64 = 0.25;
const MAX_GROUPS: usize = 5;

/// Analyses `votes[participant][statement]` (None: not voted).
pub fn analyse(votes: &[Vec<Option<Vote>>], statements: usize) -> Analysis {
    let needed = MIN_VOTES.min(statements).max(1);
    let active: Vec<usize> = (0..votes.len()).filter(|&p| votes[p].iter().flatten().count() >= needed).collect();
    let points: Vec<Vec<Option<f64>>> = active.iter().map(|&p| (0..statements).map(|s| votes[p].get(s).copied().flatten().map(Vote::value)).collect()).collect();
    let labels = cluster(&project(&points));
    let count = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &g) in labels.iter().enumerate() {
        groups[g].push(active[i]);
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let results = (0..statements).map(|s| judge(votes, &groups, s)).collect();
    Analysis { groups, statements: results }
}

fn judge(votes: &[Vec<Option<Vote>>], groups: &[Vec<usize>], s: usize) -> StatementResult {
    let mut total = Tally::default();
    for v in votes.iter().filter_map(|row| row.get(s).copied().flatten()) {
        total.add(v);
    }
    let tallies: Vec<Tally> = groups
        .iter()
        .map(|g| {
            let mut t = Tally::default();
            for v in g.iter().filter_map(|&p| votes[p].get(s).copied().flatten()) {
                t.add(v);
            }
            t
        })
        .collect();
    // Only groups that saw the statement judge it.
    let seen: Vec<&Tally> = tallies.iter().filter(|t| t.seen() > 0).collect();
    let min_agree = seen.iter().map(|t| t.agree_share()).fold(f64::INFINITY, f64::min);
    let min_reject = seen.iter().map(|t| t.disagree_share()).fold(f64::INFINITY, f64::min);
    let lean: Vec<f64> = seen.iter().map(|t| (t.agree as f64 - t.disagree as f64) / t.seen() as f64).collect();
    let spread = lean.iter().copied().fold(f64::NEG_INFINITY, f64::max) - lean.iter().copied().fold(f64::INFINITY, f64::min);
    let some_agree = seen.iter().any(|t| t.agree as f64 / t.seen() as f64 > LEANING);
    let some_reject = seen.iter().any(|t| t.disagree as f64 / t.seen() as f64 > LEANING);
    let (verdict, score) = if seen.is_empty() {
        (Verdict::Unclear, 0.0)
    } else if min_agree >= CONSENSUS {
        (Verdict::Agreement, min_agree)
    } else if min_reject >= CONSENSUS {
        (Verdict::Rejection, min_reject)
    } else if some_agree && some_reject && seen.len() > 1 {
        (Verdict::Divisive, spread)
    } else {
        (Verdict::Unclear, 0.0)
    };
    StatementResult { statement: s, total, groups: tallies, verdict, score }
}

/// The participants' votes seen along the two directions in which they differ most (principal
/// components), as Pol.is does: a statement not voted on counts as that statement's average, so
/// a missing vote neither agrees nor disagrees. In two dimensions camps stand apart clearly
/// where thirty-odd raw dimensions of mostly small differences blur them.
fn project(points: &[Vec<Option<f64>>]) -> Vec<Vec<f64>> {
    let Some(dims) = points.first().map(Vec::len) else { return Vec::new() };
    let mean: Vec<f64> = (0..dims)
        .map(|d| {
            let seen: Vec<f64> = points.iter().filter_map(|p| p[d]).collect();
            if seen.is_empty() { 0.0 } else { seen.iter().sum::<f64>() / seen.len() as f64 }
        })
        .collect();
    let centred: Vec<Vec<f64>> = points.iter().map(|p| (0..dims).map(|d| p[d].map_or(0.0, |v| v - mean[d])).collect()).collect();
    let mut axes: Vec<Vec<f64>> = Vec::new();
    for _ in 0..2.min(dims) {
        if let Some(axis) = principal_axis(&centred, &axes) {
            axes.push(axis);
        }
    }
    centred.iter().map(|p| axes.iter().map(|a| dot(p, a)).collect()).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The direction of greatest spread of `rows` at right angles to `found`, by power iteration
/// from a fixed start (deterministic); `None` when nothing is left to explain.
fn principal_axis(rows: &[Vec<f64>], found: &[Vec<f64>]) -> Option<Vec<f64>> {
    let dims = rows.first()?.len();
    let orthogonal = |mut v: Vec<f64>| {
        for f in found {
            let k = dot(&v, f);
            v.iter_mut().zip(f).for_each(|(x, y)| *x -= k * y);
        }
        v
    };
    let norm = |v: &[f64]| dot(v, v).sqrt();
    let mut v = orthogonal((0..dims).map(|d| 1.0 + d as f64 / dims as f64).collect());
    for _ in 0..200 {
        // (XᵀX) v without forming XᵀX.
        let scores: Vec<f64> = rows.iter().map(|r| dot(r, &v)).collect();
        let next = orthogonal((0..dims).map(|d| rows.iter().zip(&scores).map(|(r, s)| r[d] * s).sum()).collect());
        let n = norm(&next);
        if n < 1e-9 {
            return None;
        }
        let next: Vec<f64> = next.into_iter().map(|x| x / n).collect();
        let settled = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) < 1e-10;
        v = next;
        if settled {
            break;
        }
    }
    Some(v)
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

/// Group labels for `points`: the k in 2..=5 with the best silhouette, or one group when no
/// k separates them well. A group must hold at least two participants and a tenth of them: a
/// lone dissenter is a voice, not a camp.
fn cluster(points: &[Vec<f64>]) -> Vec<usize> {
    let smallest = (points.len() / 10).max(2);
    let mut best = (MIN_SILHOUETTE, vec![0; points.len()]);
    for k in 2..=MAX_GROUPS.min(points.len().saturating_sub(1)) {
        let labels = kmeans(points, k);
        if (0..k).any(|c| labels.iter().filter(|l| **l == c).count() < smallest) {
            continue;
        }
        let score = silhouette(points, &labels, k);
        if score > best.0 + 1e-9 {
            best = (score, labels);
        }
    }
    best.1
}

/// Lloyd's k-means with a deterministic farthest-first start: the same votes always give the
/// same groups.
fn kmeans(points: &[Vec<f64>], k: usize) -> Vec<usize> {
    let dims = points[0].len();
    let mut centres: Vec<Vec<f64>> = vec![points[0].clone()];
    while centres.len() < k {
        let far = (0..points.len())
            .max_by(|&a, &b| {
                let da = centres.iter().map(|c| distance(&points[a], c)).fold(f64::INFINITY, f64::min);
                let db = centres.iter().map(|c| distance(&points[b], c)).fold(f64::INFINITY, f64::min);
                da.total_cmp(&db).then(b.cmp(&a))
            })
            .expect("there are points");
        centres.push(points[far].clone());
    }
    let mut labels = vec![0; points.len()];
    for _ in 0..100 {
        let next: Vec<usize> = points
            .iter()
            .map(|p| (0..k).min_by(|&a, &b| distance(p, &centres[a]).total_cmp(&distance(p, &centres[b])).then(a.cmp(&b))).expect("k > 0"))
            .collect();
        let changed = next != labels;
        labels = next;
        for (c, centre) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f64>> = points.iter().zip(&labels).filter(|(_, l)| **l == c).map(|(p, _)| p).collect();
            if !members.is_empty() {
                *centre = (0..dims).map(|d| members.iter().map(|m| m[d]).sum::<f64>() / members.len() as f64).collect();
            }
        }
        if !changed {
            break;
        }
    }
    labels
}

/// The mean silhouette of a labelling (−1 … 1; higher: tighter, better separated groups).
fn silhouette(points: &[Vec<f64>], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    let mut sum = 0.0;
    for i in 0..n {
        let mut dist_sum = vec![0.0; k];
        let mut count = vec![0usize; k];
        for j in (0..n).filter(|&j| j != i) {
            dist_sum[labels[j]] += distance(&points[i], &points[j]);
            count[labels[j]] += 1;
        }
        let own = labels[i];
        if count[own] == 0 {
            continue; // a group of one scores 0
        }
        let a = dist_sum[own] / count[own] as f64;
        let b = (0..k).filter(|&c| c != own && count[c] > 0).map(|c| dist_sum[c] / count[c] as f64).fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            sum += (b - a) / a.max(b).max(1e-12);
        }
    }
    sum / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use Vote::*;

    /// Rows from strings: a agree, d disagree, p pass, . not voted.
    fn matrix(rows: &[&str]) -> Vec<Vec<Option<Vote>>> {
        rows.iter()
            .map(|r| {
                r.chars()
                    .map(|c| match c {
                        'a' => Some(Agree),
                        'd' => Some(Disagree),
                        'p' => Some(Pass),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn two_camps_agree_on_one_thing_and_split_on_another() {
        // Statements: 0 everyone agrees, 1 camp A agrees / camp B disagrees, 2 everyone
        // disagrees, 3 camp B agrees / camp A disagrees, 4 nobody is sure.
        let votes = matrix(&[
            "aadd.", "aadda", "aaddp", "aadd.", "apddp", "aadd.", // camp A (0–5)
            "adda.", "adda.", "addap", "adda.", "adpa.", // camp B (6–10)
        ]);
        let r = analyse(&votes, 5);
        assert_eq!(r.groups, vec![vec![0, 1, 2, 3, 4, 5], vec![6, 7, 8, 9, 10]], "the camps are found");
        let verdicts: Vec<Verdict> = r.statements.iter().map(|s| s.verdict).collect();
        assert_eq!(verdicts, [Verdict::Agreement, Verdict::Divisive, Verdict::Rejection, Verdict::Divisive, Verdict::Unclear]);
        assert_eq!(r.statements[0].total, Tally { agree: 11, disagree: 0, pass: 0 });
        assert_eq!(r.statements[1].groups, vec![Tally { agree: 5, disagree: 0, pass: 1 }, Tally { agree: 0, disagree: 5, pass: 0 }]);
        assert_eq!(r.with_verdict(Verdict::Divisive).first().map(|s| s.statement), Some(3), "3 splits the camps completely, 1 has a pass");
    }

    #[test]
    fn a_popular_statement_is_divisive_when_one_camp_rejects_it() {
        // 8 of 11 agree with statement 0 — a majority — but the whole of camp B disagrees.
        let votes = matrix(&["aaa", "aaa", "aaa", "aaa", "aaa", "aaa", "aaa", "aaa", "ddd", "ddd", "ddd"]);
        let r = analyse(&votes, 3);
        assert_eq!(r.groups.len(), 2);
        assert!(r.statements.iter().all(|s| s.verdict == Verdict::Divisive), "{:?}", r.statements);
    }

    #[test]
    fn without_camps_everyone_is_one_group_and_the_majority_decides() {
        let votes = matrix(&["aad", "aad", "aad", "aad", "aap", "aad"]);
        let r = analyse(&votes, 3);
        assert_eq!(r.groups, vec![vec![0, 1, 2, 3, 4, 5]], "identical voters are one group");
        let verdicts: Vec<Verdict> = r.statements.iter().map(|s| s.verdict).collect();
        assert_eq!(verdicts, [Verdict::Agreement, Verdict::Agreement, Verdict::Rejection]);
    }

    #[test]
    fn few_votes_are_not_certainty_and_light_voters_are_not_grouped() {
        // Two agrees out of two: smoothed to 3/4 ≥ 0.6, agreement; one agree of one: 2/3.
        // A participant with a single vote counts in the totals but joins no group.
        let votes = matrix(&["a..", "a..", "d.."]);
        let r = analyse(&votes, 3);
        assert!(r.groups.iter().all(|g| g.is_empty()) || r.groups.is_empty(), "nobody voted three times");
        assert_eq!(r.statements[0].total, Tally { agree: 2, disagree: 1, pass: 0 });
        assert_eq!(r.statements[0].verdict, Verdict::Unclear, "no group has seen it");
        assert!((Tally { agree: 2, disagree: 0, pass: 0 }.agree_share() - 0.75).abs() < 1e-12);
    }

    #[test]
    fn the_same_votes_give_the_same_groups() {
        let votes = matrix(&["aadd", "daad", "aadd", "dada", "aadp", "daad", "ddaa", "aadd"]);
        assert_eq!(analyse(&votes, 4), analyse(&votes, 4));
    }

    #[test]
    fn the_projection_keeps_camps_apart_and_ignores_missing_votes() {
        // Two camps split on statements 0 and 1; statement 2 is missing for half of them.
        let votes = matrix(&["aad", "aa.", "aad", "dda", "dd.", "dda"]);
        let points: Vec<Vec<Option<f64>>> = votes.iter().map(|r| r.iter().map(|v| v.map(Vote::value)).collect()).collect();
        let p = project(&points);
        assert_eq!(p.len(), 6);
        let first: Vec<f64> = p.iter().map(|x| x[0]).collect();
        assert!(first[..3].iter().all(|x| x.signum() == first[0].signum()) && first[3..].iter().all(|x| x.signum() == -first[0].signum()), "{first:?}");
        assert!((first[1] - first[0]).abs() < 1.0, "a missing vote keeps a voter with its camp");
    }

    #[test]
    fn vote_codes_round_trip() {
        for v in Vote::ALL {
            assert_eq!(Vote::from_code(v.as_str()), Some(v));
        }
        assert_eq!(Vote::from_code("maybe"), None);
    }
}
