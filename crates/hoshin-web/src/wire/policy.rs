//! The JSON of a policy's content ([`ContentJson`]), served by the API, and of `hoshin parse --json`
//! ([`ParsedJson`]: the content with its diagnostics and coverage). Other tools rely on the top-level keys
//! (README.md, the OpenAPI document); every value keeps the text as printed beside what was read from it.

use hoshin_core::PolicyContent;
use hoshin_core::{
    check_mark, Activity, Budget, BudgetKind, BulletGroup, Indicator, IndicatorKind, Initiative, Issue, Lang,
    MarkCheck, ReformPlanItem, Rule, Strategy, TargetChange, TargetText, YearResult,
};
use hoshin_import::{printed_target, Encoding, LineUse, Pairing, Parsed};
use serde::Serialize;

use super::TargetJson;

#[derive(Debug, Serialize)]
pub struct ParsedJson {
    pub source: String,
    pub encoding: &'static str,
    /// "text" (PDF text), "html" (a web page) or "markdown" (converter output).
    pub format: &'static str,
    /// "common", "detailed", "summary" or "unknown".
    pub layout: &'static str,
    pub organization: Option<String>,
    pub city: Option<String>,
    /// Gregorian start year, e.g. 2024.
    pub fiscal_year: Option<i32>,
    /// The latest stage the document shows: first_draft, draft, final, revision, mid_year_review, year_end.
    pub stage: &'static str,
    #[serde(flatten)]
    pub content: ContentJson,
    /// The rule the computed marks were judged with.
    pub rule: &'static str,
    pub diagnostics: Vec<DiagnosticJson>,
    pub coverage: CoverageJson,
}

/// Everything a JSON value needs from its surroundings: the rule, the language of explanations, and how
/// year-end rows were paired (known only right after parsing).
pub struct Context<'p> {
    pub rule: Rule,
    pub lang: Lang,
    pub pairings: &'p [Pairing],
}

/// What a policy says, as JSON: every field of the common format and the older layouts.
#[derive(Debug, Serialize)]
pub struct ContentJson {
    pub head: Option<String>,
    pub title: Option<String>,
    pub goal: Option<String>,
    pub mission: Vec<String>,
    pub approach: Vec<String>,
    pub sdg_goals: Vec<u8>,
    pub issues: Vec<IssueJson>,
    pub self_evaluation: Option<String>,
    pub future_policy: Option<String>,
    pub reform_plan_items: Vec<ReformPlanItemJson>,
    pub notes: Vec<NoteJson>,
}

impl ContentJson {
    pub fn new(content: &PolicyContent, context: &Context<'_>) -> ContentJson {
        ContentJson {
            head: content.head.clone(),
            title: content.title.clone(),
            goal: content.goal.clone(),
            mission: content.mission.clone(),
            approach: content.approach.clone(),
            sdg_goals: content.sdg_goals.clone(),
            issues: content.issues.iter().map(|issue| IssueJson::new(issue, context)).collect(),
            self_evaluation: content.self_evaluation.clone(),
            future_policy: content.future_policy.clone(),
            reform_plan_items: content
                .reform_plan_items
                .iter()
                .map(|item| ReformPlanItemJson::new(item, context))
                .collect(),
            notes: content
                .notes
                .iter()
                .map(|note| NoteJson {
                    text: note.text.clone(),
                    date: note.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                    stage: note.stage.map(|stage| stage.code()),
                })
                .collect(),
        }
    }
}

impl ParsedJson {
    pub fn new(source: &str, encoding: Encoding, parsed: &Parsed, rule: Rule, lang: Lang) -> ParsedJson {
        let context = Context { rule, lang, pairings: &parsed.pairings };
        ParsedJson {
            source: source.to_string(),
            encoding: encoding.name(),
            format: parsed.format.code(),
            layout: parsed.layout.code(),
            organization: parsed.organization.as_ref().map(|organization| organization.name.clone()),
            city: parsed.organization.as_ref().and_then(|organization| organization.city.clone()),
            fiscal_year: parsed.fiscal_year.map(hoshin_core::FiscalYear::start_year),
            stage: parsed.stage.code(),
            content: ContentJson::new(&parsed.content, &context),
            rule: rule.name(),
            diagnostics: parsed
                .diagnostics
                .iter()
                .map(|diagnostic| DiagnosticJson {
                    severity: diagnostic.severity.code(),
                    line: diagnostic.line,
                    message: diagnostic.message.clone(),
                })
                .collect(),
            coverage: CoverageJson::new(parsed),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct NoteJson {
    pub text: String,
    /// ISO date.
    pub date: Option<String>,
    pub stage: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct DiagnosticJson {
    /// "info", "warning" or "error".
    pub severity: &'static str,
    /// 1-based source line.
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct CoverageJson {
    /// Non-blank source lines.
    pub lines: usize,
    pub fields: usize,
    pub labels: usize,
    pub furniture: usize,
    /// Lines of a table that a converter rendered again, read once.
    pub repeated: usize,
    pub unassigned: Vec<UnassignedJson>,
}

#[derive(Debug, Serialize)]
pub struct UnassignedJson {
    pub line: usize,
    pub text: String,
}

impl CoverageJson {
    fn new(parsed: &Parsed) -> CoverageJson {
        let coverage = &parsed.coverage;
        CoverageJson {
            lines: coverage.lines.len(),
            fields: coverage.count(|line_use| matches!(line_use, LineUse::Field(_))),
            labels: coverage.count(|line_use| matches!(line_use, LineUse::Label(_))),
            furniture: coverage.count(|line_use| matches!(line_use, LineUse::Furniture(_))),
            repeated: coverage.count(|line_use| matches!(line_use, LineUse::Repeat { .. })),
            unassigned: coverage
                .unassigned_text
                .iter()
                .map(|(line, text)| UnassignedJson { line: *line, text: text.trim().to_string() })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BudgetJson {
    pub fiscal_year: i32,
    /// "settled" (決算額) or "planned" (予算額).
    pub kind: &'static str,
    /// Integer yen, or null for 「— 円」.
    pub yen: Option<i64>,
    pub text: String,
}

fn budgets(budgets: &[Budget]) -> Vec<BudgetJson> {
    budgets
        .iter()
        .map(|budget| BudgetJson {
            fiscal_year: budget.fiscal_year.start_year(),
            kind: match budget.kind {
                BudgetKind::Settled => "settled",
                BudgetKind::Planned => "planned",
            },
            yen: budget.amount.yen,
            text: budget.amount.original.clone(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct GroupJson {
    pub heading: Option<String>,
    pub bullets: Vec<String>,
    /// Numbers of the outcome indicators of the issue this group points to.
    pub indicator_links: Vec<u32>,
}

fn groups(groups: &[BulletGroup]) -> Vec<GroupJson> {
    groups
        .iter()
        .map(|group| GroupJson {
            heading: group.heading.clone(),
            bullets: group.bullets.clone(),
            indicator_links: group.indicator_links.clone(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct IssueJson {
    /// As printed: "1", "1-(1)".
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub budgets: Vec<BudgetJson>,
    pub problem_recognition: Vec<GroupJson>,
    pub strategies: Vec<GroupJson>,
    pub desired_state: Option<String>,
    pub indicators: Vec<IndicatorJson>,
    pub detailed_strategies: Vec<StrategyJson>,
    pub self_evaluation: Option<String>,
    pub future_policy: Option<String>,
    pub sdg_goals: Vec<u8>,
}

impl IssueJson {
    fn new(issue: &Issue, context: &Context<'_>) -> IssueJson {
        IssueJson {
            id: issue.id.to_string(),
            title: issue.title.clone(),
            summary: issue.summary.clone(),
            budgets: budgets(&issue.budgets),
            problem_recognition: groups(&issue.problem_recognition),
            strategies: groups(&issue.strategies),
            desired_state: issue.desired_state.clone(),
            indicators: issue
                .indicators
                .iter()
                .map(|indicator| IndicatorJson::new(indicator, Some(issue), context))
                .collect(),
            detailed_strategies: issue
                .detailed_strategies
                .iter()
                .map(|strategy| StrategyJson::new(strategy, context))
                .collect(),
            self_evaluation: issue.self_evaluation.clone(),
            future_policy: issue.future_policy.clone(),
            sdg_goals: issue.sdg_goals.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct StrategyJson {
    pub id: String,
    pub title: String,
    pub desired_state: Option<String>,
    pub direction: Option<String>,
    pub outcome_indicators: Vec<IndicatorJson>,
    pub current_state: Vec<String>,
    pub challenges: Vec<String>,
    pub initiatives: Vec<InitiativeJson>,
    pub single_year_targets: Vec<IndicatorJson>,
    pub self_evaluation: Option<String>,
    pub improvement: Option<String>,
    pub mid_year_review: Option<String>,
}

impl StrategyJson {
    fn new(strategy: &Strategy, context: &Context<'_>) -> StrategyJson {
        let indicators =
            |list: &[Indicator]| list.iter().map(|indicator| IndicatorJson::new(indicator, None, context)).collect();
        StrategyJson {
            id: strategy.id.clone(),
            title: strategy.title.clone(),
            desired_state: strategy.desired_state.clone(),
            direction: strategy.direction.clone(),
            outcome_indicators: indicators(&strategy.outcome_indicators),
            current_state: strategy.current_state.clone(),
            challenges: strategy.challenges.clone(),
            initiatives: strategy
                .initiatives
                .iter()
                .map(|initiative| InitiativeJson::new(initiative, context))
                .collect(),
            single_year_targets: indicators(&strategy.single_year_targets),
            self_evaluation: strategy.self_evaluation.clone(),
            improvement: strategy.improvement.clone(),
            mid_year_review: strategy.mid_year_review.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct InitiativeJson {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub budgets: Vec<BudgetJson>,
    pub activities: Vec<ActivityJson>,
    pub process_indicators: Vec<IndicatorJson>,
    pub council_opinions: Vec<CouncilOpinionJson>,
    pub mid_year_review: Option<String>,
}

impl InitiativeJson {
    fn new(initiative: &Initiative, context: &Context<'_>) -> InitiativeJson {
        InitiativeJson {
            id: initiative.id.clone(),
            title: initiative.title.clone(),
            summary: initiative.summary.clone(),
            budgets: budgets(&initiative.budgets),
            activities: initiative.activities.iter().map(ActivityJson::new).collect(),
            process_indicators: initiative
                .process_indicators
                .iter()
                .map(|indicator| IndicatorJson::new(indicator, None, context))
                .collect(),
            council_opinions: initiative
                .council_opinions
                .iter()
                .map(|opinion| CouncilOpinionJson { text: opinion.text.clone(), source: opinion.source.clone() })
                .collect(),
            mid_year_review: initiative.mid_year_review.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CouncilOpinionJson {
    pub text: String,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ActivityJson {
    pub name: String,
    pub planned_level: Option<String>,
    pub actuals: Vec<YearValueJson>,
}

#[derive(Debug, Serialize)]
pub struct YearValueJson {
    pub fiscal_year: i32,
    pub value: String,
}

impl ActivityJson {
    fn new(activity: &Activity) -> ActivityJson {
        ActivityJson {
            name: activity.name.clone(),
            planned_level: activity.planned_level.as_ref().map(|level| level.original.clone()),
            actuals: activity
                .actuals
                .iter()
                .map(|(year, value)| YearValueJson { fiscal_year: year.start_year(), value: value.original.clone() })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ReformPlanItemJson {
    pub number: Option<u32>,
    pub title: String,
    pub summary: Vec<String>,
    pub targets: Vec<IndicatorJson>,
}

impl ReformPlanItemJson {
    fn new(item: &ReformPlanItem, context: &Context<'_>) -> ReformPlanItemJson {
        ReformPlanItemJson {
            number: item.number,
            title: item.title.clone(),
            summary: item.summary.clone(),
            targets: item.targets.iter().map(|indicator| IndicatorJson::new(indicator, None, context)).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct IndicatorJson {
    /// "outcome" or "process".
    pub kind: &'static str,
    pub number: Option<u32>,
    pub wording: String,
    /// The target as printed.
    pub target_text: String,
    /// The target as read, or null when it could not be read.
    pub target: Option<TargetJson>,
    pub not_evaluable_reason: Option<String>,
    /// "raised" (目標値UP), "reset" (目標値修正), "new" (新規指標) or null.
    pub target_change: Option<&'static str>,
    pub reform_plan: bool,
    pub data_source: Option<String>,
    pub notes: Vec<String>,
    pub results: Vec<ResultJson>,
    /// 前年度実績 as printed; 「－」 when the document printed no value.
    pub previous_actual: Option<String>,
    /// How the year-end row was assembled from scrambled PDF text: "certain" or "by_order", with the lines.
    pub pairing: Option<PairingJson>,
}

#[derive(Debug, Serialize)]
pub struct PairingJson {
    pub confidence: &'static str,
    pub lines: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct ResultJson {
    pub fiscal_year: i32,
    pub actual: Option<String>,
    /// The ward's published mark normalised: "A" (A, ○) or "B" (B, —).
    pub mark: Option<&'static str>,
    /// The mark as printed.
    pub mark_text: Option<String>,
    /// That year's own target where printed (「R3指標: 80%」).
    pub year_target: Option<String>,
    /// The mark computed from the target with the rule: "A", "B", or null when not evaluable.
    pub computed_mark: Option<&'static str>,
    /// "agrees", "differs" or "not_comparable".
    pub check: &'static str,
    pub explanation: Vec<String>,
}

impl IndicatorJson {
    pub fn new(indicator: &Indicator, issue: Option<&Issue>, context: &Context<'_>) -> IndicatorJson {
        let (target, reason) = match &indicator.target {
            Some(TargetText::Parsed(target)) => (Some(TargetJson::new(target)), None),
            Some(TargetText::NotEvaluable { reason, .. }) => (None, Some(reason.to_string())),
            None => (None, None),
        };
        let pairing = issue.zip(indicator.number).and_then(|(issue, number)| {
            context.pairings.iter().find(|pairing| pairing.issue == issue.id && pairing.number == number)
        });
        IndicatorJson {
            kind: match indicator.kind {
                IndicatorKind::Outcome => "outcome",
                IndicatorKind::Process => "process",
            },
            number: indicator.number,
            wording: indicator.wording.clone(),
            target_text: printed_target(indicator).to_string(),
            target,
            not_evaluable_reason: reason,
            target_change: indicator.target_change.map(|change| match change {
                TargetChange::Raised => "raised",
                TargetChange::Reset => "reset",
                TargetChange::New => "new",
            }),
            reform_plan: indicator.reform_plan,
            data_source: indicator.data_source.clone(),
            notes: indicator.notes.clone(),
            results: indicator.results.iter().map(|result| ResultJson::new(indicator, result, context)).collect(),
            previous_actual: indicator.previous_actual.as_ref().map(|previous| previous.original.clone()),
            pairing: pairing
                .map(|pairing| PairingJson { confidence: pairing.confidence.code(), lines: pairing.lines.clone() }),
        }
    }
}

impl ResultJson {
    fn new(indicator: &Indicator, result: &YearResult, context: &Context<'_>) -> ResultJson {
        let published = result.published_mark.as_ref().map(|mark| mark.mark);
        let judged = indicator.judge_year(result.fiscal_year, context.rule, |judgment| {
            let check = match check_mark(published, judgment) {
                MarkCheck::Agrees(_) => "agrees",
                MarkCheck::Differs { .. } => "differs",
                MarkCheck::NotComparable { .. } => "not_comparable",
            };
            (judgment.mark().map(|mark| mark.letter()), check, judgment.explanation(context.lang))
        });
        let (computed_mark, check, explanation) = judged.unwrap_or((None, "not_comparable", Vec::new()));
        ResultJson {
            fiscal_year: result.fiscal_year.start_year(),
            actual: result.actual.as_ref().map(|actual| actual.original.clone()),
            mark: published.map(|mark| mark.letter()),
            mark_text: result.published_mark.as_ref().map(|mark| mark.original.clone()),
            year_target: result.year_target.as_ref().map(|target| target.original.clone()),
            computed_mark,
            check,
            explanation,
        }
    }
}
