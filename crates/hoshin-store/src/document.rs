//! The stored form of a policy's content: a JSON document owned by the store, not by the core.
//!
//! Parsed values are stored as the text the document printed (a target, a measure, an amount of money) and
//! read again with the core's parsers on load, in the era the document was read in. The parsers are pure,
//! so a load gives back exactly the value that was saved (`tests/conformance.rs` checks this on every sample),
//! and a better parser improves stored policies without a migration.
//!
//! The format is versioned by [`FORMAT`]; a change of shape is a new number with a reader for the old one.
//! Keys are English, lower case; empty lists and absent values are left out, so a document is deterministic
//! for a given content.

use hoshin_core::{
    parse_measure, parse_money, parse_target, Activity, Budget, BudgetKind, BulletGroup, CouncilOpinion, DatedNote,
    Era, FiscalYear, Indicator, IndicatorKind, Initiative, Issue, IssueId, Mark, Measure, ParseContext, PolicyContent,
    PublishedMark, ReformPlanItem, Stage, Strategy, Target, TargetChange, TargetError, TargetText, YearResult,
};
use serde::{Deserialize, Serialize};

/// The version of the document format written by this build.
pub const FORMAT: u32 = 1;

/// Why a stored document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the stored document is not valid JSON of format {FORMAT}: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the stored document has format {0}; this build reads format {FORMAT}")]
    Format(u32),
    #[error("the stored document has an invalid {field}: {value}")]
    Invalid { field: &'static str, value: String },
}

/// Serialises content read (or edited) in `era`.
pub fn to_json(content: &PolicyContent, era: Option<Era>) -> String {
    let document = Doc::from_content(content, era);
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(&document).unwrap_or_default()
}

/// Reads a stored document back into content, with the era it was read in.
pub fn from_json(json: &str) -> Result<(PolicyContent, Option<Era>), DocumentError> {
    let document: Doc = serde_json::from_str(json)?;
    if document.format != FORMAT {
        return Err(DocumentError::Format(document.format));
    }
    let era = match document.era.as_deref() {
        None => None,
        Some(name) => Some(Era::from_name(name).ok_or_else(|| invalid("era", name))?),
    };
    let context = ParseContext { era };
    Ok((document.into_content(context)?, era))
}

fn invalid(field: &'static str, value: impl ToString) -> DocumentError {
    DocumentError::Invalid { field, value: value.to_string() }
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Serialize, Deserialize)]
struct Doc {
    format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    era: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    head: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    goal: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mission: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    approach: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    issues: Vec<IssueDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    self_evaluation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    future_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reform_plan_items: Vec<ReformDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sdg_goals: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<NoteDoc>,
}

#[derive(Serialize, Deserialize)]
struct IssueDoc {
    id: String,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    budgets: Vec<BudgetDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    problem_recognition: Vec<GroupDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    strategies: Vec<GroupDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desired_state: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    indicators: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    detailed_strategies: Vec<StrategyDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    self_evaluation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    future_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sdg_goals: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct BudgetDoc {
    fiscal_year: i32,
    /// `settled` (決算額) or `planned` (予算額).
    kind: String,
    /// The amount as printed.
    amount: String,
}

#[derive(Serialize, Deserialize)]
struct GroupDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heading: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    bullets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    indicator_links: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct IndicatorDoc {
    /// `outcome` or `process`.
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<u32>,
    wording: String,
    /// The target as printed; read again on load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    /// For a target that could not be read, the text the reader tried when it differs from `target` (the
    /// importer may try the whole sentence): reading it again gives back the same reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_tried: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sample_sizes: Vec<(i32, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    results: Vec<ResultDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_actual: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    /// `raised`, `reset` or `new`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_change: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    reform_plan: bool,
}

#[derive(Serialize, Deserialize)]
struct ResultDoc {
    fiscal_year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actual: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published_mark: Option<MarkDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year_target: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct MarkDoc {
    /// `A` or `B`.
    mark: String,
    original: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shared_with: Vec<u32>,
    /// Why the mark differs from the computed one, when an editor entered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StrategyDoc {
    id: String,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desired_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    direction: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outcome_indicators: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    current_state: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    challenges: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    initiatives: Vec<InitiativeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    single_year_targets: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    self_evaluation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    improvement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mid_year_review: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct InitiativeDoc {
    id: String,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    budgets: Vec<BudgetDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    activities: Vec<ActivityDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    process_indicators: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    council_opinions: Vec<OpinionDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mid_year_review: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ActivityDoc {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    planned_level: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    actuals: Vec<(i32, String)>,
}

#[derive(Serialize, Deserialize)]
struct OpinionDoc {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ReformDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<u32>,
    title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    summary: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    targets: Vec<IndicatorDoc>,
}

#[derive(Serialize, Deserialize)]
struct NoteDoc {
    text: String,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
}

// Writing.

impl Doc {
    fn from_content(content: &PolicyContent, era: Option<Era>) -> Doc {
        Doc {
            format: FORMAT,
            era: era.map(|era| era.abbreviation().to_string()),
            head: content.head.clone(),
            title: content.title.clone(),
            goal: content.goal.clone(),
            mission: content.mission.clone(),
            approach: content.approach.clone(),
            issues: content.issues.iter().map(IssueDoc::from_issue).collect(),
            self_evaluation: content.self_evaluation.clone(),
            future_policy: content.future_policy.clone(),
            reform_plan_items: content
                .reform_plan_items
                .iter()
                .map(|item| ReformDoc {
                    number: item.number,
                    title: item.title.clone(),
                    summary: item.summary.clone(),
                    targets: item.targets.iter().map(IndicatorDoc::from_indicator).collect(),
                })
                .collect(),
            sdg_goals: content.sdg_goals.clone(),
            notes: content
                .notes
                .iter()
                .map(|note| NoteDoc {
                    text: note.text.clone(),
                    date: note.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                    stage: note.stage.map(|stage| stage.code().to_string()),
                })
                .collect(),
        }
    }
}

impl IssueDoc {
    fn from_issue(issue: &Issue) -> IssueDoc {
        IssueDoc {
            id: issue.id.to_string(),
            title: issue.title.clone(),
            summary: issue.summary.clone(),
            budgets: issue.budgets.iter().map(BudgetDoc::from_budget).collect(),
            problem_recognition: issue.problem_recognition.iter().map(GroupDoc::from_group).collect(),
            strategies: issue.strategies.iter().map(GroupDoc::from_group).collect(),
            desired_state: issue.desired_state.clone(),
            indicators: issue.indicators.iter().map(IndicatorDoc::from_indicator).collect(),
            detailed_strategies: issue.detailed_strategies.iter().map(StrategyDoc::from_strategy).collect(),
            self_evaluation: issue.self_evaluation.clone(),
            future_policy: issue.future_policy.clone(),
            sdg_goals: issue.sdg_goals.clone(),
        }
    }
}

impl BudgetDoc {
    fn from_budget(budget: &Budget) -> BudgetDoc {
        BudgetDoc {
            fiscal_year: budget.fiscal_year.start_year(),
            kind: match budget.kind {
                BudgetKind::Settled => "settled",
                BudgetKind::Planned => "planned",
            }
            .to_string(),
            amount: budget.amount.original.clone(),
        }
    }
}

impl GroupDoc {
    fn from_group(group: &BulletGroup) -> GroupDoc {
        GroupDoc {
            heading: group.heading.clone(),
            bullets: group.bullets.clone(),
            indicator_links: group.indicator_links.clone(),
        }
    }
}

fn change_code(change: TargetChange) -> &'static str {
    match change {
        TargetChange::Raised => "raised",
        TargetChange::Reset => "reset",
        TargetChange::New => "new",
    }
}

impl IndicatorDoc {
    fn from_indicator(indicator: &Indicator) -> IndicatorDoc {
        IndicatorDoc {
            kind: match indicator.kind {
                IndicatorKind::Outcome => "outcome",
                IndicatorKind::Process => "process",
            }
            .to_string(),
            number: indicator.number,
            wording: indicator.wording.clone(),
            target: indicator.target.as_ref().map(|target| target.text().to_string()),
            target_tried: match &indicator.target {
                Some(TargetText::NotEvaluable { text, reason }) => {
                    Some(tried_text(reason)).filter(|tried| tried != text)
                }
                _ => None,
            },
            data_source: indicator.data_source.clone(),
            sample_sizes: indicator.sample_sizes.iter().map(|(year, size)| (year.start_year(), *size)).collect(),
            results: indicator
                .results
                .iter()
                .map(|result| ResultDoc {
                    fiscal_year: result.fiscal_year.start_year(),
                    actual: result.actual.as_ref().map(|actual| actual.original.clone()),
                    published_mark: result.published_mark.as_ref().map(|mark| MarkDoc {
                        mark: mark.mark.letter().to_string(),
                        original: mark.original.clone(),
                        shared_with: mark.shared_with.clone(),
                        reason: mark.reason.clone(),
                    }),
                    year_target: result.year_target.as_ref().map(|target| target.original.clone()),
                })
                .collect(),
            previous_actual: indicator.previous_actual.as_ref().map(|actual| actual.original.clone()),
            notes: indicator.notes.clone(),
            target_change: indicator.target_change.map(|change| change_code(change).to_string()),
            reform_plan: indicator.reform_plan,
        }
    }
}

impl StrategyDoc {
    fn from_strategy(strategy: &Strategy) -> StrategyDoc {
        StrategyDoc {
            id: strategy.id.clone(),
            title: strategy.title.clone(),
            desired_state: strategy.desired_state.clone(),
            direction: strategy.direction.clone(),
            outcome_indicators: strategy.outcome_indicators.iter().map(IndicatorDoc::from_indicator).collect(),
            current_state: strategy.current_state.clone(),
            challenges: strategy.challenges.clone(),
            initiatives: strategy
                .initiatives
                .iter()
                .map(|initiative| InitiativeDoc {
                    id: initiative.id.clone(),
                    title: initiative.title.clone(),
                    summary: initiative.summary.clone(),
                    budgets: initiative.budgets.iter().map(BudgetDoc::from_budget).collect(),
                    activities: initiative
                        .activities
                        .iter()
                        .map(|activity| ActivityDoc {
                            name: activity.name.clone(),
                            planned_level: activity.planned_level.as_ref().map(|level| level.original.clone()),
                            actuals: activity
                                .actuals
                                .iter()
                                .map(|(year, actual)| (year.start_year(), actual.original.clone()))
                                .collect(),
                        })
                        .collect(),
                    process_indicators: initiative
                        .process_indicators
                        .iter()
                        .map(IndicatorDoc::from_indicator)
                        .collect(),
                    council_opinions: initiative
                        .council_opinions
                        .iter()
                        .map(|opinion| OpinionDoc { text: opinion.text.clone(), source: opinion.source.clone() })
                        .collect(),
                    mid_year_review: initiative.mid_year_review.clone(),
                })
                .collect(),
            single_year_targets: strategy.single_year_targets.iter().map(IndicatorDoc::from_indicator).collect(),
            self_evaluation: strategy.self_evaluation.clone(),
            improvement: strategy.improvement.clone(),
            mid_year_review: strategy.mid_year_review.clone(),
        }
    }
}

/// The text a target error was raised on.
fn tried_text(reason: &TargetError) -> String {
    match reason {
        TargetError::Empty => String::new(),
        TargetError::Unreadable(text) | TargetError::ConflictingPeriods(text) => text.clone(),
        TargetError::Year { text, .. } => text.clone(),
    }
}

// Reading.

fn year(value: i32) -> Result<FiscalYear, DocumentError> {
    FiscalYear::new(value).ok_or_else(|| invalid("fiscal year", value))
}

fn measure(text: &str) -> Result<Measure, DocumentError> {
    parse_measure(text).map_err(|error| invalid("measure", format!("「{text}」: {error}")))
}

fn target(text: &str, context: ParseContext) -> Result<Target, DocumentError> {
    parse_target(text, context).map_err(|error| invalid("target", error))
}

impl Doc {
    fn into_content(self, context: ParseContext) -> Result<PolicyContent, DocumentError> {
        Ok(PolicyContent {
            head: self.head,
            title: self.title,
            goal: self.goal,
            mission: self.mission,
            approach: self.approach,
            issues: self.issues.into_iter().map(|issue| issue.into_issue(context)).collect::<Result<_, _>>()?,
            self_evaluation: self.self_evaluation,
            future_policy: self.future_policy,
            reform_plan_items: self
                .reform_plan_items
                .into_iter()
                .map(|item| {
                    Ok(ReformPlanItem {
                        number: item.number,
                        title: item.title,
                        summary: item.summary,
                        targets: indicators(item.targets, context)?,
                    })
                })
                .collect::<Result<_, DocumentError>>()?,
            sdg_goals: self.sdg_goals,
            notes: self
                .notes
                .into_iter()
                .map(|note| {
                    Ok(DatedNote {
                        text: note.text,
                        date: note.date.as_deref().map(date).transpose()?,
                        stage: note
                            .stage
                            .as_deref()
                            .map(|code| Stage::from_code(code).ok_or_else(|| invalid("stage", code)))
                            .transpose()?,
                    })
                })
                .collect::<Result<_, DocumentError>>()?,
        })
    }
}

fn date(text: &str) -> Result<(i32, u32, u32), DocumentError> {
    let mut parts = text.split('-');
    let mut next = || parts.next().and_then(|part| part.parse::<i64>().ok());
    match (next(), next(), next()) {
        (Some(y), Some(m), Some(d)) => Ok((
            i32::try_from(y).map_err(|_| invalid("date", text))?,
            u32::try_from(m).map_err(|_| invalid("date", text))?,
            u32::try_from(d).map_err(|_| invalid("date", text))?,
        )),
        _ => Err(invalid("date", text)),
    }
}

fn budgets(docs: Vec<BudgetDoc>) -> Result<Vec<Budget>, DocumentError> {
    docs.into_iter()
        .map(|budget| {
            Ok(Budget {
                fiscal_year: year(budget.fiscal_year)?,
                kind: match budget.kind.as_str() {
                    "settled" => BudgetKind::Settled,
                    "planned" => BudgetKind::Planned,
                    other => return Err(invalid("budget kind", other)),
                },
                amount: parse_money(&budget.amount)
                    .map_err(|error| invalid("amount", format!("「{}」: {error}", budget.amount)))?,
            })
        })
        .collect()
}

fn groups(docs: Vec<GroupDoc>) -> Vec<BulletGroup> {
    docs.into_iter()
        .map(|group| BulletGroup {
            heading: group.heading,
            bullets: group.bullets,
            indicator_links: group.indicator_links,
        })
        .collect()
}

fn indicators(docs: Vec<IndicatorDoc>, context: ParseContext) -> Result<Vec<Indicator>, DocumentError> {
    docs.into_iter().map(|doc| doc.into_indicator(context)).collect()
}

impl IssueDoc {
    fn into_issue(self, context: ParseContext) -> Result<Issue, DocumentError> {
        Ok(Issue {
            id: IssueId::parse(&self.id).ok_or_else(|| invalid("issue id", &self.id))?,
            title: self.title,
            summary: self.summary,
            budgets: budgets(self.budgets)?,
            problem_recognition: groups(self.problem_recognition),
            strategies: groups(self.strategies),
            desired_state: self.desired_state,
            indicators: indicators(self.indicators, context)?,
            detailed_strategies: self
                .detailed_strategies
                .into_iter()
                .map(|strategy| strategy.into_strategy(context))
                .collect::<Result<_, _>>()?,
            self_evaluation: self.self_evaluation,
            future_policy: self.future_policy,
            sdg_goals: self.sdg_goals,
        })
    }
}

impl IndicatorDoc {
    fn into_indicator(self, context: ParseContext) -> Result<Indicator, DocumentError> {
        let kind = match self.kind.as_str() {
            "outcome" => IndicatorKind::Outcome,
            "process" => IndicatorKind::Process,
            other => return Err(invalid("indicator kind", other)),
        };
        let results = self
            .results
            .into_iter()
            .map(|result| {
                Ok(YearResult {
                    fiscal_year: year(result.fiscal_year)?,
                    actual: result.actual.as_deref().map(measure).transpose()?,
                    published_mark: result
                        .published_mark
                        .map(|mark| {
                            Ok(PublishedMark {
                                mark: match mark.mark.as_str() {
                                    "A" => Mark::Achieved,
                                    "B" => Mark::NotAchieved,
                                    other => return Err(invalid("mark", other)),
                                },
                                original: mark.original,
                                shared_with: mark.shared_with,
                                reason: mark.reason,
                            })
                        })
                        .transpose()?,
                    year_target: result.year_target.as_deref().map(|text| target(text, context)).transpose()?,
                })
            })
            .collect::<Result<_, DocumentError>>()?;
        Ok(Indicator {
            kind,
            number: self.number,
            wording: self.wording,
            target: match (self.target, self.target_tried) {
                (Some(text), Some(tried)) => match parse_target(&tried, context) {
                    Err(reason) => Some(TargetText::NotEvaluable { text, reason }),
                    Ok(_) => return Err(invalid("target", format!("「{tried}」 is readable but stored as not"))),
                },
                (Some(text), None) => Some(match parse_target(&text, context) {
                    Ok(target) => TargetText::Parsed(target),
                    Err(reason) => TargetText::NotEvaluable { text, reason },
                }),
                (None, _) => None,
            },
            data_source: self.data_source,
            sample_sizes: self
                .sample_sizes
                .into_iter()
                .map(|(fiscal_year, size)| Ok((year(fiscal_year)?, size)))
                .collect::<Result<_, DocumentError>>()?,
            results,
            previous_actual: self.previous_actual.as_deref().map(measure).transpose()?,
            notes: self.notes,
            target_change: self
                .target_change
                .map(|code| match code.as_str() {
                    "raised" => Ok(TargetChange::Raised),
                    "reset" => Ok(TargetChange::Reset),
                    "new" => Ok(TargetChange::New),
                    other => Err(invalid("target change", other)),
                })
                .transpose()?,
            reform_plan: self.reform_plan,
        })
    }
}

impl StrategyDoc {
    fn into_strategy(self, context: ParseContext) -> Result<Strategy, DocumentError> {
        Ok(Strategy {
            id: self.id,
            title: self.title,
            desired_state: self.desired_state,
            direction: self.direction,
            outcome_indicators: indicators(self.outcome_indicators, context)?,
            current_state: self.current_state,
            challenges: self.challenges,
            initiatives: self
                .initiatives
                .into_iter()
                .map(|initiative| {
                    Ok(Initiative {
                        id: initiative.id,
                        title: initiative.title,
                        summary: initiative.summary,
                        budgets: budgets(initiative.budgets)?,
                        activities: initiative
                            .activities
                            .into_iter()
                            .map(|activity| {
                                Ok(Activity {
                                    name: activity.name,
                                    planned_level: activity.planned_level.as_deref().map(measure).transpose()?,
                                    actuals: activity
                                        .actuals
                                        .into_iter()
                                        .map(|(fiscal_year, text)| Ok((year(fiscal_year)?, measure(&text)?)))
                                        .collect::<Result<_, DocumentError>>()?,
                                })
                            })
                            .collect::<Result<_, DocumentError>>()?,
                        process_indicators: indicators(initiative.process_indicators, context)?,
                        council_opinions: initiative
                            .council_opinions
                            .into_iter()
                            .map(|opinion| CouncilOpinion { text: opinion.text, source: opinion.source })
                            .collect(),
                        mid_year_review: initiative.mid_year_review,
                    })
                })
                .collect::<Result<_, DocumentError>>()?,
            single_year_targets: indicators(self.single_year_targets, context)?,
            self_evaluation: self.self_evaluation,
            improvement: self.improvement,
            mid_year_review: self.mid_year_review,
        })
    }
}
