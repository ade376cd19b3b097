//! The yearly cycle's pure parts: starting next year's first draft from this year's policy (roll-over),
//! labelling how an indicator's target changed from last year (目標値UP / 目標値修正 / 新規指標), and the
//! checklist of what a working copy still lacks before its next stage.

use crate::era::FiscalYear;
use crate::judgment::Mark;
use crate::lineage::{match_lineage, LineageKey};
use crate::model::{Budget, BudgetKind, Indicator, IssueId, PolicyContent, Stage, TargetText};
use crate::target::{Condition, Period, Target, TargetChange};
use crate::text::compact;
use crate::Lang;

/// Next year's first draft from `previous`, the policy of `previous_year`.
///
/// Carried: the head, goal, mission and approach; every issue with its problem recognition, strategies,
/// desired state and indicators (wording, target, source, notes); the detailed layout's strategies,
/// initiatives and activities; reform-plan items and SDG goals. Each indicator's actual of `previous_year`
/// becomes its 前年度実績. Budgets slide by a year: the FY N budget is kept as the new document's previous-year
/// budget, and the new year's budget and the settled accounts are left for the editor (the checklist lists
/// them). Cleared: results, published marks, self-evaluations, future policies, mid-year reviews, quoted
/// council opinions, dated notes and target-change labels (a carried target is unchanged).
pub fn roll_over(previous: &PolicyContent, previous_year: FiscalYear) -> PolicyContent {
    let mut next = previous.clone();
    next.title = previous.title.as_ref().map(|title| next_title(title, previous_year));
    next.self_evaluation = None;
    next.future_policy = None;
    next.notes.clear();
    for issue in &mut next.issues {
        issue.budgets = slide(&issue.budgets, previous_year);
        issue.self_evaluation = None;
        issue.future_policy = None;
        for indicator in &mut issue.indicators {
            carry(indicator, previous_year);
        }
        for strategy in &mut issue.detailed_strategies {
            strategy.self_evaluation = None;
            strategy.improvement = None;
            strategy.mid_year_review = None;
            for indicator in strategy.outcome_indicators.iter_mut().chain(&mut strategy.single_year_targets) {
                carry(indicator, previous_year);
            }
            for initiative in &mut strategy.initiatives {
                initiative.budgets = slide(&initiative.budgets, previous_year);
                initiative.mid_year_review = None;
                initiative.council_opinions.clear();
                for activity in &mut initiative.activities {
                    activity.actuals.clear();
                }
                for indicator in &mut initiative.process_indicators {
                    carry(indicator, previous_year);
                }
            }
        }
    }
    for item in &mut next.reform_plan_items {
        for indicator in &mut item.targets {
            carry(indicator, previous_year);
        }
    }
    next
}

fn carry(indicator: &mut Indicator, previous_year: FiscalYear) {
    indicator.previous_actual = indicator.result(previous_year).and_then(|result| result.actual.clone());
    indicator.results.clear();
    indicator.target_change = None;
}

/// Keeps the budget planned for `previous_year`; the next year's columns are the editor's to fill.
fn slide(budgets: &[Budget], previous_year: FiscalYear) -> Vec<Budget> {
    budgets
        .iter()
        .filter(|budget| budget.fiscal_year == previous_year && budget.kind == BudgetKind::Planned)
        .cloned()
        .collect()
}

/// 「令和6年度 住吉区運営方針」 → 「令和7年度 住吉区運営方針」; a title without the year stays as it is.
fn next_title(title: &str, previous_year: FiscalYear) -> String {
    let Some(next_year) = previous_year.next() else { return title.to_string() };
    title
        .replace(&previous_year.era_label(), &next_year.era_label())
        .replace(&format!("{}年度", previous_year.start_year()), &format!("{}年度", next_year.start_year()))
}

/// How `current`'s target changed from last year's policy: 新規指標 when no indicator of `previous` is the
/// same one (by lineage), none when the target reads the same, 目標値UP when it was raised after last year's
/// target was met, and 目標値修正 for any other change.
pub fn target_change(
    previous: &PolicyContent,
    previous_year: FiscalYear,
    issue: Option<IssueId>,
    current: &Indicator,
) -> Option<TargetChange> {
    let earlier = previous.indicators();
    let keys: Vec<LineageKey<'_>> = earlier
        .iter()
        .map(|(issue, indicator)| LineageKey { issue: *issue, number: indicator.number, wording: &indicator.wording })
        .collect();
    let key = LineageKey { issue, number: current.number, wording: &current.wording };
    let Some(found) = match_lineage(&keys, std::slice::from_ref(&key)).into_iter().next().flatten() else {
        return Some(TargetChange::New);
    };
    let (_, before) = earlier[found.earlier];
    let text = |indicator: &Indicator| indicator.target.as_ref().map(|target| compact(target.text()));
    if text(before) == text(current) {
        return None;
    }
    let met = before.computed_mark(previous_year) == Some(Mark::Achieved)
        || before
            .result(previous_year)
            .and_then(|result| result.published_mark.as_ref())
            .is_some_and(|mark| mark.mark == Mark::Achieved);
    let raised = match (
        before.target.as_ref().and_then(TargetText::target),
        current.target.as_ref().and_then(TargetText::target),
    ) {
        (Some(before), Some(after)) => is_raised(before, after),
        _ => false,
    };
    Some(if met && raised { TargetChange::Raised } else { TargetChange::Reset })
}

/// Whether `after` asks for more than `before`: the first fixed thresholds compared in the direction that is
/// better (higher for 以上, lower for 以下).
fn is_raised(before: &Target, after: &Target) -> bool {
    let threshold = |target: &Target| {
        target.conditions.iter().find_map(|condition| match condition {
            Condition::Absolute { comparator, value, .. } => Some((comparator.higher_is_better(), value.clone())),
            Condition::Relative { .. } => None,
        })
    };
    let (Some((higher, old)), Some((higher_after, new))) = (threshold(before), threshold(after)) else { return false };
    if higher != higher_after || !old.unit.compatible_with(&new.unit) {
        return false;
    }
    let Some(difference) = new.value.checked_sub(old.value) else { return false };
    if difference.is_zero() {
        return false;
    }
    difference.is_negative() != higher
}

/// Something a working copy lacks before its next stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The item it is about, as an [`crate::edit::ItemPath`] text (`issues/2/indicators/1`; `""` for the policy).
    pub path: String,
    pub what: Lack,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lack {
    Goal,
    Issues,
    IssueTitle,
    Strategies,
    Indicators,
    Target,
    /// The target could not be read: it will not be judged.
    TargetNotEvaluable,
    /// The target's deadline is before the policy's year.
    TargetPastDeadline(FiscalYear),
    /// No budget of this kind for this year.
    Budget(FiscalYear, BudgetKind),
    Actual(FiscalYear),
    PublishedMark(FiscalYear),
    SelfEvaluation,
    FuturePolicy,
}

/// The part of the work a [`Lack`] belongs to, as a to-do list groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Plan,
    Targets,
    Actuals,
    Evaluation,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Actuals, Part::Evaluation, Part::Targets, Part::Plan];

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Part::Plan, Lang::Ja) => "計画（目標・経営課題・戦略・予算）",
            (Part::Targets, Lang::Ja) => "目標値",
            (Part::Actuals, Lang::Ja) => "実績と区の評価",
            (Part::Evaluation, Lang::Ja) => "自己評価と今後の方針",
            (Part::Plan, Lang::En) => "Plan (goal, issues, strategies, budgets)",
            (Part::Targets, Lang::En) => "Targets",
            (Part::Actuals, Lang::En) => "Actuals and published marks",
            (Part::Evaluation, Lang::En) => "Self-evaluation and future policy",
        }
    }
}

impl Lack {
    pub fn part(&self) -> Part {
        match self {
            Lack::Goal | Lack::Issues | Lack::IssueTitle | Lack::Strategies | Lack::Indicators | Lack::Budget(..) => {
                Part::Plan
            }
            Lack::Target | Lack::TargetNotEvaluable | Lack::TargetPastDeadline(_) => Part::Targets,
            Lack::Actual(_) | Lack::PublishedMark(_) => Part::Actuals,
            Lack::SelfEvaluation | Lack::FuturePolicy => Part::Evaluation,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            Lack::Goal => (if ja { "目標が未記入です" } else { "the goal is empty" }).into(),
            Lack::Issues => (if ja { "経営課題がありません" } else { "there is no management issue" }).into(),
            Lack::IssueTitle => (if ja { "経営課題の名称が未記入です" } else { "the issue has no title" }).into(),
            Lack::Strategies => (if ja { "主な戦略が未記入です" } else { "the issue has no strategy" }).into(),
            Lack::Indicators => {
                (if ja { "アウトカム指標がありません" } else { "the issue has no outcome indicator" }).into()
            }
            Lack::Target => (if ja { "目標値が未記入です" } else { "the indicator has no target" }).into(),
            Lack::TargetNotEvaluable => (if ja {
                "目標値を読み取れないため、達成状況を判定できません"
            } else {
                "the target cannot be read, so it cannot be judged"
            })
            .into(),
            Lack::TargetPastDeadline(year) => {
                if ja {
                    format!("目標の期限（{}）が過ぎています。目標値を見直してください", year.era_label())
                } else {
                    format!("the target's deadline ({}) has passed: review the target", year.label(lang))
                }
            }
            Lack::Budget(year, kind) => {
                let kind_ja = if *kind == BudgetKind::Settled { "決算額" } else { "予算額" };
                let kind_en = if *kind == BudgetKind::Settled { "settled accounts" } else { "budget" };
                if ja {
                    format!("{}の{kind_ja}が未記入です", year.era_label())
                } else {
                    format!("the {kind_en} of {} is missing", year.label(lang))
                }
            }
            Lack::Actual(year) => {
                if ja {
                    format!("{}の実績が未入力です", year.era_label())
                } else {
                    format!("the actual of {} is missing", year.label(lang))
                }
            }
            Lack::PublishedMark(year) => {
                if ja {
                    format!("{}の達成状況（A/B）が未入力です", year.era_label())
                } else {
                    format!("the published mark of {} is missing", year.label(lang))
                }
            }
            Lack::SelfEvaluation => {
                (if ja { "自己評価が未記入です" } else { "the self-evaluation is empty" }).into()
            }
            Lack::FuturePolicy => (if ja { "今後の方針が未記入です" } else { "the future policy is empty" }).into(),
        }
    }
}

/// What `content`, the policy of `fiscal_year`, lacks before it can be published as `stage`. Plans
/// (素案 → 改定) need a goal, issues with strategies and indicators, readable targets and the year's budget;
/// the year-end evaluation also needs each indicator's actual and mark, and each issue's self-evaluation
/// and future policy.
pub fn checklist(content: &PolicyContent, fiscal_year: FiscalYear, stage: Stage) -> Vec<Missing> {
    let mut out = Vec::new();
    let mut lack = |path: String, what: Lack| out.push(Missing { path, what });
    let year_end = stage == Stage::YearEnd;
    if content.goal.as_deref().is_none_or(|goal| goal.trim().is_empty()) {
        lack(String::new(), Lack::Goal);
    }
    if content.issues.is_empty() {
        lack(String::new(), Lack::Issues);
    }
    for (i, issue) in content.issues.iter().enumerate() {
        let base = format!("issues/{}", i + 1);
        if issue.title.trim().is_empty() {
            lack(base.clone(), Lack::IssueTitle);
        }
        let detailed = !issue.detailed_strategies.is_empty();
        if issue.strategies.is_empty() && !detailed {
            lack(base.clone(), Lack::Strategies);
        }
        if issue.indicators.is_empty() && !detailed {
            lack(base.clone(), Lack::Indicators);
        }
        if !issue.budgets.is_empty() || !detailed {
            let has = |kind: BudgetKind, year: FiscalYear| {
                issue.budgets.iter().any(|budget| budget.kind == kind && budget.fiscal_year == year)
            };
            if !has(BudgetKind::Planned, fiscal_year) {
                lack(base.clone(), Lack::Budget(fiscal_year, BudgetKind::Planned));
            }
            if let Some(settled_year) = fiscal_year.offset(-2) {
                if !has(BudgetKind::Settled, settled_year) {
                    lack(base.clone(), Lack::Budget(settled_year, BudgetKind::Settled));
                }
            }
        }
        for (j, indicator) in issue.indicators.iter().enumerate() {
            let path = format!("{base}/indicators/{}", j + 1);
            match &indicator.target {
                None => lack(path.clone(), Lack::Target),
                Some(TargetText::NotEvaluable { .. }) => lack(path.clone(), Lack::TargetNotEvaluable),
                Some(TargetText::Parsed(target)) => {
                    let deadline = match target.period {
                        Period::ByDeadline(deadline) | Period::EveryYear { until: Some(deadline) } => Some(deadline),
                        Period::Cumulative { to, .. } => Some(to),
                        _ => None,
                    };
                    if let Some(deadline) = deadline.filter(|deadline| *deadline < fiscal_year) {
                        lack(path.clone(), Lack::TargetPastDeadline(deadline));
                    }
                }
            }
            if year_end {
                let result = indicator.result(fiscal_year);
                if result.and_then(|result| result.actual.as_ref()).is_none() {
                    lack(path.clone(), Lack::Actual(fiscal_year));
                }
                if result.and_then(|result| result.published_mark.as_ref()).is_none() {
                    lack(path.clone(), Lack::PublishedMark(fiscal_year));
                }
            }
        }
        // The detailed layout evaluates each strategy (自己評価 and 改善策) instead of the issue.
        let strategies_evaluated = detailed
            && issue
                .detailed_strategies
                .iter()
                .all(|strategy| strategy.self_evaluation.as_deref().is_some_and(|text| !text.trim().is_empty()));
        if year_end && !strategies_evaluated {
            if issue.self_evaluation.as_deref().is_none_or(|text| text.trim().is_empty()) {
                lack(base.clone(), Lack::SelfEvaluation);
            }
            if issue.future_policy.as_deref().is_none_or(|text| text.trim().is_empty()) {
                lack(base.clone(), Lack::FuturePolicy);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IndicatorKind, Issue, PublishedMark, YearResult};
    use crate::{parse_measure, parse_money, parse_target, ParseContext};

    fn year(start: i32) -> FiscalYear {
        FiscalYear::new(start).unwrap()
    }

    fn indicator(wording: &str, target: &str, actual: Option<&str>, fiscal_year: FiscalYear) -> Indicator {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, wording);
        indicator.number = Some(1);
        indicator.target = Some(TargetText::Parsed(parse_target(target, ParseContext::for_year(fiscal_year)).unwrap()));
        if let Some(actual) = actual {
            indicator.results.push(YearResult {
                fiscal_year,
                actual: Some(parse_measure(actual).unwrap()),
                published_mark: Some(PublishedMark {
                    mark: Mark::Achieved,
                    original: "A".into(),
                    shared_with: vec![],
                    reason: None,
                }),
                year_target: None,
            });
        }
        indicator
    }

    fn policy(fiscal_year: FiscalYear) -> PolicyContent {
        let mut issue = Issue::new(IssueId::Single(1), "防災");
        issue.indicators.push(indicator("防災訓練に参加した区民の割合", "60%以上", Some("62%"), fiscal_year));
        issue.budgets = vec![
            Budget {
                fiscal_year: fiscal_year.offset(-2).unwrap(),
                kind: BudgetKind::Settled,
                amount: parse_money("10百万円").unwrap(),
            },
            Budget {
                fiscal_year: fiscal_year.offset(-1).unwrap(),
                kind: BudgetKind::Planned,
                amount: parse_money("11百万円").unwrap(),
            },
            Budget { fiscal_year, kind: BudgetKind::Planned, amount: parse_money("12百万円").unwrap() },
        ];
        issue.self_evaluation = Some("順調".into());
        issue.strategies.push(crate::model::BulletGroup {
            heading: None,
            bullets: vec!["地域の防災訓練を支援する".into()],
            indicator_links: vec![1],
        });
        PolicyContent {
            title: Some("令和6年度 住吉区運営方針".into()),
            goal: Some("安全なまち".into()),
            issues: vec![issue],
            ..PolicyContent::default()
        }
    }

    #[test]
    fn roll_over_carries_the_plan_and_clears_the_results() {
        let fy2024 = year(2024);
        let next = roll_over(&policy(fy2024), fy2024);
        assert_eq!(next.title.as_deref(), Some("令和7年度 住吉区運営方針"));
        assert_eq!(next.goal.as_deref(), Some("安全なまち"));
        let issue = &next.issues[0];
        assert_eq!(issue.self_evaluation, None);
        let indicator = &issue.indicators[0];
        assert!(indicator.results.is_empty());
        assert_eq!(indicator.previous_actual.as_ref().map(|m| m.original.as_str()), Some("62%"));
        assert_eq!(indicator.target.as_ref().map(TargetText::text), Some("60%以上"));
        let budgets: Vec<(i32, Option<i64>)> =
            issue.budgets.iter().map(|b| (b.fiscal_year.start_year(), b.amount.yen)).collect();
        assert_eq!(budgets, [(2024, Some(12_000_000))], "FY2024's budget becomes the previous-year column");
        let missing: Vec<Lack> = checklist(&next, year(2025), Stage::FirstDraft).into_iter().map(|m| m.what).collect();
        assert_eq!(
            missing,
            [Lack::Budget(year(2025), BudgetKind::Planned), Lack::Budget(year(2023), BudgetKind::Settled)]
        );
    }

    #[test]
    fn target_changes_are_labelled_from_what_changed_and_whether_the_target_was_met() {
        let fy2024 = year(2024);
        let previous = policy(fy2024);
        let issue = Some(IssueId::Single(1));
        let current = |target: &str| indicator("防災訓練に参加した区民の割合", target, None, year(2025));
        assert_eq!(target_change(&previous, fy2024, issue, &current("60%以上")), None);
        assert_eq!(target_change(&previous, fy2024, issue, &current("65%以上")), Some(TargetChange::Raised));
        assert_eq!(target_change(&previous, fy2024, issue, &current("55%以上")), Some(TargetChange::Reset));
        let new = indicator("子育て支援に満足している区民の割合", "50%以上", None, year(2025));
        assert_eq!(target_change(&previous, fy2024, issue, &new), Some(TargetChange::New));
        // Raised while last year's target was missed: re-set, not UP.
        let mut missed = previous.clone();
        missed.issues[0].indicators[0] = indicator("防災訓練に参加した区民の割合", "60%以上", Some("50%"), fy2024);
        missed.issues[0].indicators[0].results[0].published_mark = None;
        assert_eq!(target_change(&missed, fy2024, issue, &current("65%以上")), Some(TargetChange::Reset));
    }

    #[test]
    fn the_year_end_checklist_asks_for_actuals_marks_and_evaluations() {
        let fy2024 = year(2024);
        let mut content = policy(fy2024);
        assert!(checklist(&content, fy2024, Stage::YearEnd).iter().any(|m| m.what == Lack::FuturePolicy));
        content.issues[0].future_policy = Some("継続".into());
        assert_eq!(checklist(&content, fy2024, Stage::YearEnd), []);
        content.issues[0].indicators[0].results.clear();
        let missing: Vec<(String, Lack)> =
            checklist(&content, fy2024, Stage::YearEnd).into_iter().map(|m| (m.path, m.what)).collect();
        assert_eq!(
            missing,
            [
                ("issues/1/indicators/1".to_string(), Lack::Actual(fy2024)),
                ("issues/1/indicators/1".to_string(), Lack::PublishedMark(fy2024)),
            ]
        );
        assert!(checklist(&content, fy2024, Stage::Final).is_empty(), "plans need no actuals");
    }
}
