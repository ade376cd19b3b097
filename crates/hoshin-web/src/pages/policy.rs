//! `/policies/{city}/{name}/{year}`: the whole document laid out like the common format, any published
//! stage selectable (`?version=SEQ`), and `…/diff?from=SEQ&to=SEQ`: the difference between two stages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse as _, Response};
use axum::Extension;
use hoshin_core::{
    check_mark, Budget, BudgetKind, BulletGroup, FiscalYear, Indicator, IssueId, Lang, MarkCheck, Rule, TargetChange,
    TargetText,
};
use hoshin_store::{PolicyKey, Source, StoredPolicy, VersionInfo};
use serde::Deserialize;

use super::{fiscal_year_param, pick_version, render, Chrome, MarkView, OrPage, PageError};
use crate::diff::{anchor, Change, Line};
use crate::i18n::Words;
use crate::links::organization_from_path;
use crate::AppState;

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

pub struct VersionView {
    pub seq: i64,
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct BudgetView {
    pub label: String,
    pub amount: String,
}

pub struct GroupView {
    pub heading: Option<String>,
    pub bullets: Vec<String>,
    /// Links to the indicators the group points to: (label, anchor).
    pub links: Vec<(String, String)>,
}

pub struct YearView {
    pub year: String,
    pub actual: String,
    pub mark: String,
}

pub struct IndicatorView {
    pub anchor: String,
    pub number: String,
    pub wording: String,
    pub target: String,
    pub target_change: Option<&'static str>,
    pub not_evaluable: Option<String>,
    pub data_source: Option<String>,
    pub notes: Vec<String>,
    pub actual: String,
    pub previous: String,
    pub published: Option<MarkView>,
    pub published_text: String,
    pub computed: Option<MarkView>,
    /// (label, class) of the check of the two marks, when both exist.
    pub check: Option<(&'static str, &'static str)>,
    pub explanation: Vec<String>,
    pub href: Option<String>,
    /// Yearly results other than the policy's own year (older layouts' ○/— histories).
    pub history: Vec<YearView>,
}

pub struct ActivityView {
    pub name: String,
    pub planned: String,
    pub actuals: Vec<(String, String)>,
}

pub struct InitiativeView {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub budgets: Vec<BudgetView>,
    pub activities: Vec<ActivityView>,
    pub process_indicators: Vec<IndicatorView>,
    pub council_opinions: Vec<String>,
    pub mid_year_review: Option<String>,
}

pub struct StrategyView {
    pub anchor: String,
    pub id: String,
    pub title: String,
    pub desired_state: Option<String>,
    pub direction: Option<String>,
    pub outcome_indicators: Vec<IndicatorView>,
    pub current_state: Vec<String>,
    pub challenges: Vec<String>,
    pub initiatives: Vec<InitiativeView>,
    pub single_year_targets: Vec<IndicatorView>,
    pub self_evaluation: Option<String>,
    pub improvement: Option<String>,
    pub mid_year_review: Option<String>,
}

pub struct IssueView {
    pub anchor: String,
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub budgets: Vec<BudgetView>,
    pub problem_recognition: Vec<GroupView>,
    pub strategies: Vec<GroupView>,
    pub desired_state: Option<String>,
    pub indicators: Vec<IndicatorView>,
    pub detailed_strategies: Vec<StrategyView>,
    pub self_evaluation: Option<String>,
    pub future_policy: Option<String>,
    pub sdg_goals: String,
    /// Opinions about the issue or an item inside it (〈参考〉区政会議等意見).
    pub opinions: Vec<crate::council::OpinionView>,
}

pub struct ReformView {
    pub title: String,
    pub summary: Vec<String>,
    pub targets: Vec<IndicatorView>,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    heading: String,
    organization_href: String,
    organization: String,
    year: String,
    stage: String,
    published_at: String,
    source: String,
    versions: Vec<VersionView>,
    diff_action: String,
    diff_from: i64,
    diff_to: i64,
    head: Option<String>,
    goal: Option<String>,
    mission: Vec<String>,
    approach: Vec<String>,
    issues: Vec<IssueView>,
    self_evaluation: Option<String>,
    future_policy: Option<String>,
    reform: Vec<ReformView>,
    sdg_goals: String,
    notes: Vec<String>,
    json_href: String,
    sheet_href: String,
    pdf_href: String,
    layout_href: String,
    current_seq: i64,
    /// Opinions about the policy as a whole.
    opinions: Vec<crate::council::OpinionView>,
    ledger_href: String,
    c: &'static crate::council::CouncilWords,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let mut chrome = Chrome::new(lang, &uri, name.clone());
    let key = PolicyKey {
        organization: organization_from_path(&city, &name),
        fiscal_year: fiscal_year_param(&year).or_page(&chrome)?,
    };
    let versions = state.store.versions(&key).await.or_page(&chrome)?;
    let chosen = &pick_version(&versions, query.version.as_deref(), versions.last(), "version").or_page(&chrome)?;
    let stored = state.store.version(chosen.id).await.or_page(&chrome)?;
    let series = state.store.organization_series(&key.organization).await.or_page(&chrome)?;
    let mut series_ids: HashMap<(Option<String>, Option<i64>, String), i64> = HashMap::new();
    for series in &series {
        for point in series.points.iter().filter(|point| point.fiscal_year == key.fiscal_year) {
            series_ids.insert((point.issue.clone(), point.number, point.wording.clone()), series.id);
        }
    }
    let builder =
        ViewBuilder { lang, w: chrome.w, fiscal_year: key.fiscal_year, series_ids: &series_ids, links: chrome.links };
    let content = &stored.content;
    let heading = format!("{} {} {}", key.organization.name, key.fiscal_year.label(lang), chrome.w.policy_title_suffix);
    chrome.title = heading.clone();
    let filter = hoshin_store::OpinionFilter {
        organization: Some(key.organization.clone()),
        fiscal_year: Some(key.fiscal_year),
        state: Some(hoshin_core::council::OpinionState::Published),
    };
    let opinions = state.store.opinions(&filter).await.or_page(&chrome)?;
    let mut issues: Vec<IssueView> =
        content.issues.iter().enumerate().map(|(index, issue)| builder.issue(index, issue)).collect();
    for (index, issue) in issues.iter_mut().enumerate() {
        let base = format!("issues/{}", index + 1);
        issue.opinions = opinions
            .iter()
            .filter(|opinion| opinion.item_path == base || opinion.item_path.starts_with(&format!("{base}/")))
            .map(|opinion| crate::council::opinion_view(opinion, Some(content), &chrome))
            .collect();
    }
    let whole: Vec<crate::council::OpinionView> = opinions
        .iter()
        .filter(|opinion| !opinion.item_path.starts_with("issues/"))
        .map(|opinion| crate::council::opinion_view(opinion, Some(content), &chrome))
        .collect();
    let page = PolicyPage {
        heading,
        organization_href: chrome.links.organization(&key.organization),
        organization: key.organization.name.clone(),
        year: key.fiscal_year.label(lang),
        stage: chosen.stage.label(lang).to_string(),
        published_at: super::display_time(&chosen.created_at),
        source: source_text(&stored.version, chrome.w),
        versions: version_views(&versions, chosen.seq, &key, &chrome),
        diff_action: format!("{}/diff", chrome.links.policy(&key)),
        diff_from: versions.iter().rev().nth(1).map_or(chosen.seq, |version| version.seq),
        diff_to: versions.last().map_or(chosen.seq, |version| version.seq),
        head: content.head.clone(),
        goal: content.goal.clone(),
        mission: content.mission.clone(),
        approach: content.approach.clone(),
        issues,
        self_evaluation: content.self_evaluation.clone(),
        future_policy: content.future_policy.clone(),
        reform: content
            .reform_plan_items
            .iter()
            .map(|item| ReformView {
                title: match item.number {
                    Some(number) => format!("{number}. {}", item.title),
                    None => item.title.clone(),
                },
                summary: item.summary.clone(),
                targets: item
                    .targets
                    .iter()
                    .map(|indicator| builder.indicator(indicator, None, String::new()))
                    .collect(),
            })
            .collect(),
        sdg_goals: sdg_text(&content.sdg_goals),
        notes: content.notes.iter().map(|note| note.text.clone()).collect(),
        json_href: api_policy_href(&key, chosen.seq),
        sheet_href: format!("{}/sheet", chrome.links.policy(&key)),
        pdf_href: format!("{}/policy.pdf", chrome.links.policy(&key)),
        layout_href: format!("{}/layout.xlsx", chrome.links.policy(&key)),
        current_seq: chosen.seq,
        opinions: whole,
        ledger_href: crate::council::ledger_url(chrome.links.prefix(), &key.organization, Some(key.fiscal_year)),
        c: crate::council::council_words(lang),
        chrome,
    };
    render(&page, &page.chrome)
}

fn api_policy_href(key: &PolicyKey, seq: i64) -> String {
    format!(
        "/api/v1/policies/{}/{}?version={seq}",
        crate::links::organization_path(&key.organization),
        key.fiscal_year.start_year()
    )
}

fn version_views(versions: &[VersionInfo], current: i64, key: &PolicyKey, chrome: &Chrome) -> Vec<VersionView> {
    versions
        .iter()
        .map(|version| VersionView {
            seq: version.seq,
            href: chrome.links.policy_version(key, version.seq),
            label: format!("{} ({})", version.stage.label(chrome.lang), super::display_time(&version.created_at)),
            current: version.seq == current,
        })
        .collect()
}

fn source_text(version: &VersionInfo, w: &Words) -> String {
    match &version.source {
        Source::Import { file_name, sha256 } => {
            format!("{file_name} (SHA-256 {}…)", sha256.get(..12).unwrap_or(sha256))
        }
        Source::Editor => w.source_editor.to_string(),
    }
}

fn sdg_text(goals: &[u8]) -> String {
    goals.iter().map(|goal| goal.to_string()).collect::<Vec<_>>().join("・")
}

/// Builds the views of one policy's parts.
struct ViewBuilder<'a> {
    lang: Lang,
    w: &'static Words,
    fiscal_year: FiscalYear,
    series_ids: &'a HashMap<(Option<String>, Option<i64>, String), i64>,
    links: crate::Links,
}

impl ViewBuilder<'_> {
    fn issue(&self, index: usize, issue: &hoshin_core::Issue) -> IssueView {
        let base = format!("issues/{}", index + 1);
        let indicator_anchor = |number: u32| -> Option<String> {
            let position = issue.indicators.iter().position(|indicator| indicator.number == Some(number))?;
            Some(anchor(&format!("{base}/indicators/{}", position + 1)))
        };
        let groups = |groups: &[BulletGroup]| -> Vec<GroupView> {
            groups
                .iter()
                .map(|group| GroupView {
                    heading: group.heading.clone(),
                    bullets: group.bullets.clone(),
                    links: group
                        .indicator_links
                        .iter()
                        .filter_map(|number| {
                            Some((
                                format!("{} {}", self.w.outcome_indicators, circled(*number)),
                                indicator_anchor(*number)?,
                            ))
                        })
                        .collect(),
                })
                .collect()
        };
        IssueView {
            anchor: anchor(&base),
            id: issue.id.to_string(),
            title: issue.title.clone(),
            summary: issue.summary.clone(),
            budgets: self.budgets(&issue.budgets),
            problem_recognition: groups(&issue.problem_recognition),
            strategies: groups(&issue.strategies),
            desired_state: issue.desired_state.clone(),
            indicators: issue
                .indicators
                .iter()
                .enumerate()
                .map(|(position, indicator)| {
                    self.indicator(indicator, Some(issue.id), anchor(&format!("{base}/indicators/{}", position + 1)))
                })
                .collect(),
            detailed_strategies: issue
                .detailed_strategies
                .iter()
                .enumerate()
                .map(|(position, strategy)| StrategyView {
                    anchor: anchor(&format!("{base}/detailed_strategies/{}", position + 1)),
                    id: strategy.id.clone(),
                    title: strategy.title.clone(),
                    desired_state: strategy.desired_state.clone(),
                    direction: strategy.direction.clone(),
                    outcome_indicators: strategy
                        .outcome_indicators
                        .iter()
                        .map(|indicator| self.indicator(indicator, Some(issue.id), String::new()))
                        .collect(),
                    current_state: strategy.current_state.clone(),
                    challenges: strategy.challenges.clone(),
                    initiatives: strategy
                        .initiatives
                        .iter()
                        .map(|initiative| InitiativeView {
                            id: initiative.id.clone(),
                            title: initiative.title.clone(),
                            summary: initiative.summary.clone(),
                            budgets: self.budgets(&initiative.budgets),
                            activities: initiative
                                .activities
                                .iter()
                                .map(|activity| ActivityView {
                                    name: activity.name.clone(),
                                    planned: activity
                                        .planned_level
                                        .as_ref()
                                        .map(|level| level.original.clone())
                                        .unwrap_or_default(),
                                    actuals: activity
                                        .actuals
                                        .iter()
                                        .map(|(year, value)| (year.short_label(), value.original.clone()))
                                        .collect(),
                                })
                                .collect(),
                            process_indicators: initiative
                                .process_indicators
                                .iter()
                                .map(|indicator| self.indicator(indicator, Some(issue.id), String::new()))
                                .collect(),
                            council_opinions: initiative
                                .council_opinions
                                .iter()
                                .map(|opinion| match &opinion.source {
                                    Some(source) => format!("{}（{source}）", opinion.text),
                                    None => opinion.text.clone(),
                                })
                                .collect(),
                            mid_year_review: initiative.mid_year_review.clone(),
                        })
                        .collect(),
                    single_year_targets: strategy
                        .single_year_targets
                        .iter()
                        .map(|indicator| self.indicator(indicator, Some(issue.id), String::new()))
                        .collect(),
                    self_evaluation: strategy.self_evaluation.clone(),
                    improvement: strategy.improvement.clone(),
                    mid_year_review: strategy.mid_year_review.clone(),
                })
                .collect(),
            self_evaluation: issue.self_evaluation.clone(),
            future_policy: issue.future_policy.clone(),
            sdg_goals: sdg_text(&issue.sdg_goals),
            opinions: Vec::new(),
        }
    }

    fn budgets(&self, budgets: &[Budget]) -> Vec<BudgetView> {
        budgets
            .iter()
            .map(|budget| BudgetView {
                label: format!(
                    "{} {}",
                    budget.fiscal_year.label(self.lang),
                    match budget.kind {
                        BudgetKind::Settled => self.w.budget_settled,
                        BudgetKind::Planned => self.w.budget_planned,
                    }
                ),
                amount: match budget.amount.yen {
                    Some(yen) if budget.amount.original.trim().is_empty() => format!("{yen}円"),
                    Some(_) => budget.amount.original.clone(),
                    None => format!("{} ({})", budget.amount.original, self.w.no_amount),
                },
            })
            .collect()
    }

    fn indicator(&self, indicator: &Indicator, issue: Option<IssueId>, anchor: String) -> IndicatorView {
        let year = self.fiscal_year;
        let result = indicator.result(year);
        let published = result.and_then(|result| result.published_mark.as_ref());
        let (computed, check, explanation) = indicator
            .judge_year(year, Rule::default(), |judgment| {
                let check = match check_mark(published.map(|mark| mark.mark), judgment) {
                    MarkCheck::Agrees(_) => Some((self.w.agrees, "agrees")),
                    MarkCheck::Differs { .. } => Some((self.w.differs, "flag")),
                    MarkCheck::NotComparable { .. } => None,
                };
                (judgment.mark().map(MarkView::of), check, judgment.explanation(self.lang))
            })
            .unwrap_or((None, None, Vec::new()));
        let key = (issue.map(|issue| issue.to_string()), indicator.number.map(i64::from), indicator.wording.clone());
        IndicatorView {
            anchor,
            number: indicator.number.map(circled).unwrap_or_default(),
            wording: indicator.wording.clone(),
            target: hoshin_import::printed_target(indicator).to_string(),
            target_change: indicator.target_change.map(|change| match (change, self.lang) {
                (TargetChange::Raised, Lang::Ja) => "目標値UP",
                (TargetChange::Reset, Lang::Ja) => "目標値修正",
                (TargetChange::New, Lang::Ja) => "新規指標",
                (TargetChange::Raised, Lang::En) => "target raised",
                (TargetChange::Reset, Lang::En) => "target reset",
                (TargetChange::New, Lang::En) => "new indicator",
            }),
            not_evaluable: match &indicator.target {
                Some(TargetText::NotEvaluable { reason, .. }) => Some(format!("{}: {reason}", self.w.not_evaluable)),
                _ => None,
            },
            data_source: indicator.data_source.clone(),
            notes: indicator.notes.clone(),
            actual: result
                .and_then(|result| result.actual.as_ref())
                .map(|actual| actual.original.clone())
                .unwrap_or_default(),
            previous: indicator.previous_actual.as_ref().map(|previous| previous.original.clone()).unwrap_or_default(),
            published: published.map(|mark| MarkView::of(mark.mark)),
            published_text: published.map(|mark| mark.original.clone()).unwrap_or_default(),
            computed,
            check,
            explanation,
            href: self.series_ids.get(&key).map(|id| self.links.indicator(*id)),
            history: indicator
                .results
                .iter()
                .filter(|result| result.fiscal_year != year)
                .map(|result| YearView {
                    year: result.fiscal_year.short_label(),
                    actual: result.actual.as_ref().map(|actual| actual.original.clone()).unwrap_or_default(),
                    mark: result.published_mark.as_ref().map(|mark| mark.original.clone()).unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// ①…⑳ as printed, else the number.
fn circled(number: u32) -> String {
    match number {
        1..=20 => char::from_u32(0x2460 + number - 1).map_or_else(|| number.to_string(), String::from),
        _ => number.to_string(),
    }
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

pub struct FieldDiffView {
    pub label: String,
    pub href: String,
    pub change: &'static str,
    pub lines: Vec<(&'static str, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    chrome: Chrome,
    heading: String,
    policy_href: String,
    from_label: String,
    to_label: String,
    versions: Vec<VersionView>,
    diff_action: String,
    diff_from: i64,
    diff_to: i64,
    fields: Vec<FieldDiffView>,
}

pub async fn diff_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<DiffQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let mut chrome = Chrome::new(lang, &uri, name.clone());
    let key = PolicyKey {
        organization: organization_from_path(&city, &name),
        fiscal_year: fiscal_year_param(&year).or_page(&chrome)?,
    };
    let versions = state.store.versions(&key).await.or_page(&chrome)?;
    let from =
        pick_version(&versions, query.from.as_deref(), versions.iter().rev().nth(1).or(versions.first()), "from")
            .or_page(&chrome)?;
    let to = pick_version(&versions, query.to.as_deref(), versions.last(), "to").or_page(&chrome)?;
    let before: StoredPolicy = state.store.version(from.id).await.or_page(&chrome)?;
    let after: StoredPolicy = state.store.version(to.id).await.or_page(&chrome)?;
    let changes = crate::diff::diff(&before.content, &after.content);
    let fields = changes
        .iter()
        .map(|change| FieldDiffView {
            label: change.label(&before.content, &after.content, chrome.w),
            href: format!(
                "{}#{}",
                chrome.links.policy_version(&key, if change.change == Change::Removed { from.seq } else { to.seq }),
                anchor(&change.path)
            ),
            change: change.change.word(chrome.w),
            lines: change
                .lines
                .iter()
                .map(|line| match line {
                    Line::Same(text) => ("same", " ", text.clone()),
                    Line::Added(text) => ("ins", "＋", text.clone()),
                    Line::Removed(text) => ("del", "－", text.clone()),
                })
                .collect(),
        })
        .collect();
    let heading = format!("{} {} {}", key.organization.name, key.fiscal_year.label(lang), chrome.w.diff_title);
    chrome.title = heading.clone();
    let page = DiffPage {
        heading,
        policy_href: chrome.links.policy(&key),
        from_label: format!("{}. {}", from.seq, from.stage.label(lang)),
        to_label: format!("{}. {}", to.seq, to.stage.label(lang)),
        versions: version_views(&versions, to.seq, &key, &chrome),
        diff_action: format!("{}/diff", chrome.links.policy(&key)),
        diff_from: from.seq,
        diff_to: to.seq,
        fields,
        chrome,
    };
    render(&page, &page.chrome)
}

#[derive(Clone, Copy)]
enum FileFormat {
    Pdf,
    Layout,
    Sheet,
    Csv,
}

/// `/policies/{city}/{name}/{year}/policy.pdf`, `sheet.xlsx` and `sheet.csv`: a published version in the canonical form
/// (`?version=N`, default the latest), which `hoshin import` and the workspace read back exactly.
pub async fn sheet_file(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name, year, file)): Path<(String, String, String, String)>,
    Query(query): Query<VersionQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, name.clone());
    let key = PolicyKey {
        organization: organization_from_path(&city, &name),
        fiscal_year: fiscal_year_param(&year).or_page(&chrome)?,
    };
    let format = match file.as_str() {
        "sheet.xlsx" => FileFormat::Sheet,
        "sheet.csv" => FileFormat::Csv,
        "policy.pdf" => FileFormat::Pdf,
        "layout.xlsx" => FileFormat::Layout,
        _ => return Err(super::not_found_page(&chrome, file)),
    };
    let versions = state.store.versions(&key).await.or_page(&chrome)?;
    let chosen = pick_version(&versions, query.version.as_deref(), versions.last(), "version").or_page(&chrome)?;
    let stored = state.store.version(chosen.id).await.or_page(&chrome)?;
    let header = hoshin_core::canonical::Header {
        organization: key.organization.clone(),
        fiscal_year: key.fiscal_year,
        stage: chosen.stage,
        era: stored.era,
    };
    // An ASCII file name: the organization's name is in the file itself.
    let stem = format!("policy-{}-v{}", key.fiscal_year.start_year(), chosen.seq);
    let unavailable = |error: hoshin_render::RenderError| crate::WebError::Unavailable(error.to_string());
    let (content_type, name, bytes) = match format {
        FileFormat::Csv => {
            let sheets = hoshin_core::canonical::to_sheets(&header, &stored.content);
            let text = hoshin_import::table::write_csv(&hoshin_import::canonical::canonical_csv_rows(&sheets));
            ("text/csv; charset=utf-8", format!("{stem}.csv"), text.into_bytes())
        }
        FileFormat::Layout => {
            let bytes =
                hoshin_render::layout::write_layout(&header, &stored.content).map_err(unavailable).or_page(&chrome)?;
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", format!("{stem}-layout.xlsx"), bytes)
        }
        FileFormat::Sheet => {
            let sheets = hoshin_core::canonical::to_sheets(&header, &stored.content);
            let bytes = hoshin_render::sheet::write_xlsx(&sheets).map_err(unavailable).or_page(&chrome)?;
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", format!("{stem}.xlsx"), bytes)
        }
        FileFormat::Pdf => {
            let content = stored.content.clone();
            let bytes = tokio::task::spawn_blocking(move || {
                let fonts = crate::fonts().map_err(|message| crate::WebError::Unavailable(message.clone()))?;
                hoshin_render::pdf::render_pdf(&header, &content, fonts).map_err(unavailable)
            })
            .await
            .map_err(|error| crate::WebError::Unavailable(format!("the PDF could not be made: {error}")))
            .and_then(|result| result)
            .or_page(&chrome)?;
            ("application/pdf", format!("{stem}.pdf"), bytes)
        }
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::circled;

    #[test]
    fn circled_numbers() {
        assert_eq!(circled(1), "①");
        assert_eq!(circled(14), "⑭");
        assert_eq!(circled(21), "21");
    }
}
