//! `/indicators/{id}`: one indicator series over the years — a chart with the target line (SVG, no script),
//! the values in a table, the published and computed marks with the judgment's explanation, and the history
//! of its wording and target.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::{
    judge, parse_target, Condition, FiscalYear, Lang, ParseContext, PolicyContent, Rule, TargetText, COMMON_INDICATORS,
};
use hoshin_store::{Series, SeriesPoint};

use super::{not_found_page, render, Chrome, MarkView, OrPage, PageError};
use crate::chart::{number, Chart, ChartPoint};
use crate::AppState;

pub struct YearRow {
    pub year: String,
    pub target: String,
    pub actual: String,
    pub published: Option<MarkView>,
    pub computed: Option<MarkView>,
    pub differs: bool,
    pub explanation: Vec<String>,
    pub policy_href: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    heading: String,
    organization: String,
    organization_href: String,
    common: Option<(String, String)>,
    data_source: Option<String>,
    chart: String,
    rows: Vec<YearRow>,
    wordings: Vec<(String, String)>,
    targets: Vec<(String, String)>,
    csv_href: String,
    json_href: String,
    projection: Vec<String>,
    at_risk: bool,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    let mut chrome = Chrome::new(lang, &uri, id.clone());
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found_page(&chrome, format!("indicator {id}")));
    };
    let series = state.store.series(id).await.or_page(&chrome)?;
    let Some(latest) = series.points.last() else {
        return Err(not_found_page(&chrome, format!("indicator {id}")));
    };
    // The documents the years come from, each read once: for the explanations, and for the link to the
    // document a year's value was read from (FY2023's actual may come from the FY2024 document).
    let mut documents: HashMap<i64, (PolicyContent, FiscalYear, i64)> = HashMap::new();
    for point in &series.points {
        if let std::collections::hash_map::Entry::Vacant(entry) = documents.entry(point.version_id) {
            let stored = state.store.version(point.version_id).await.or_page(&chrome)?;
            entry.insert((stored.content, stored.key.fiscal_year, stored.version.seq));
        }
    }
    let rows: Vec<YearRow> = series
        .points
        .iter()
        .map(|point| {
            let published = point.published_mark.as_deref();
            let computed = point.computed_mark.as_deref();
            YearRow {
                year: point.fiscal_year.label(lang),
                target: point.target.clone().unwrap_or_default(),
                actual: point.actual.clone().unwrap_or_default(),
                published: MarkView::of_letter(published),
                computed: MarkView::of_letter(computed),
                differs: matches!((published, computed), (Some(p), Some(c)) if p != c),
                explanation: documents
                    .get(&point.version_id)
                    .filter(|_| point.actual.is_some())
                    .map(|(content, _, _)| explanation(content, point, lang))
                    .unwrap_or_default(),
                policy_href: documents.get(&point.version_id).map_or_else(String::new, |(_, year, seq)| {
                    let key = hoshin_store::PolicyKey { organization: series.organization.clone(), fiscal_year: *year };
                    chrome.links.policy_version(&key, *seq)
                }),
            }
        })
        .collect();
    let common = series.common_key.as_deref().and_then(|key| {
        let year = series.points.iter().rev().find(|point| point.value.is_some()).map(|point| point.fiscal_year)?;
        let wording = COMMON_INDICATORS.iter().find(|common| common.key == key)?.wording;
        Some((wording.to_string(), chrome.links.compare(key, year)))
    });
    let heading = latest.wording.clone();
    chrome.title = format!("{heading} — {}", series.organization.name);
    // The projection to the deadline, from the latest year with a value.
    let projection = series.points.iter().rev().find(|point| point.actual.is_some()).and_then(|point| {
        let (content, _, _) = documents.get(&point.version_id)?;
        hoshin_core::projection::project(indicator_of(content, point)?, point.fiscal_year)
    });
    let page = IndicatorPage {
        at_risk: projection.as_ref().is_some_and(|projection| projection.at_risk),
        projection: projection.as_ref().map(|projection| projection.explain(lang)).unwrap_or_default(),
        organization: series.organization.name.clone(),
        organization_href: chrome.links.organization(&series.organization),
        common,
        data_source: series.points.iter().rev().find_map(|point| point.data_source.clone()),
        chart: match &projection {
            Some(projection) => with_outlook(chart(&series, lang), &series, projection).render(),
            None => chart(&series, lang).render(),
        },
        rows,
        wordings: history(&series.points, |point| Some(point.wording.clone())),
        targets: history(&series.points, |point| point.target.clone()),
        csv_href: format!("/data/indicators/{id}.csv"),
        json_href: format!("/api/v1/indicators/{id}"),
        heading,
        chrome,
    };
    render(&page, &page.chrome)
}

/// The chart of a series: values by year, the mark written at each point (the ward's, else the computed one),
/// and the latest target as a line where it is a fixed value in the series' unit.
pub fn chart(series: &Series, lang: Lang) -> Chart {
    let unit = series.points.iter().rev().find_map(|point| point.unit.clone());
    let points: Vec<ChartPoint> = series
        .points
        .iter()
        .map(|point| ChartPoint {
            label: point.fiscal_year.short_label(),
            value: point.value,
            mark: point.published_mark.clone().or_else(|| point.computed_mark.clone()),
        })
        .collect();
    let target = series.points.iter().rev().find_map(|point| target_line(point, unit.as_deref(), lang));
    let wording = series.points.last().map(|point| point.wording.clone()).unwrap_or_default();
    let values: Vec<String> = series
        .points
        .iter()
        .filter_map(|point| {
            let value = point.value?;
            let mark = point.published_mark.as_deref().or(point.computed_mark.as_deref());
            Some(format!(
                "{} {}{}{}",
                point.fiscal_year.short_label(),
                number(value),
                unit.as_deref().unwrap_or(""),
                mark.map(|mark| format!(" ({mark})")).unwrap_or_default()
            ))
        })
        .collect();
    let mut description = match lang {
        Lang::Ja => format!("{}の推移: {}。", series.organization.name, values.join("、")),
        Lang::En => format!("{} over the years: {}.", series.organization.name, values.join(", ")),
    };
    if let Some((_, label)) = &target {
        description.push_str(label);
    }
    Chart { title: wording, description, unit, points, target, outlook: None }
}

/// The chart with the outlook drawn to the deadline: the future years as empty points, the expected-progress
/// line from the baseline and the projected trend from the latest value.
fn with_outlook(mut chart: Chart, series: &Series, projection: &hoshin_core::projection::Projection) -> Chart {
    let first = series.points.first().map(|point| point.fiscal_year);
    let last = series.points.last().map(|point| point.fiscal_year);
    let (Some(first), Some(mut year)) = (first, last) else { return chart };
    while year < projection.deadline {
        let Some(next) = year.next() else { return chart };
        chart.points.push(ChartPoint { label: next.short_label(), value: None, mark: None });
        year = next;
    }
    let index_of = |fiscal_year: hoshin_core::FiscalYear| {
        usize::try_from(fiscal_year.start_year() - first.start_year()).ok().filter(|&at| at < chart.points.len())
    };
    let (Some(base), Some(latest), Some(deadline)) = (
        projection.points.first().and_then(|(year, _)| index_of(*year)),
        index_of(projection.year),
        index_of(projection.deadline),
    ) else {
        return chart;
    };
    // Only when the axis holds one point per year, so that the lines fall on their years.
    if chart.points.len() != deadline + 1 {
        return chart;
    }
    chart.outlook = Some(crate::chart::Outlook {
        baseline: (base, projection.points[0].1),
        latest: (latest, projection.actual),
        deadline: (deadline, projection.threshold),
        projected: projection.projected,
    });
    chart
}

/// The target of a year as a line: its first fixed threshold in the series' unit.
fn target_line(point: &SeriesPoint, unit: Option<&str>, lang: Lang) -> Option<(f64, String)> {
    let (value, target) = threshold(point, unit)?;
    let rendered = match lang {
        Lang::Ja => format!("目標 {}", target.render_ja()),
        Lang::En => format!("Target: {}", target.render_en()),
    };
    Some((value, rendered))
}

/// The first fixed threshold of a point's target (「55%以上」 → 55) in `unit` when given, with the target: what
/// charts draw as the target line or tick.
pub(super) fn threshold(point: &SeriesPoint, unit: Option<&str>) -> Option<(f64, hoshin_core::Target)> {
    let text = point.target.as_deref()?;
    let target = parse_target(text, ParseContext::for_year(point.fiscal_year)).ok()?;
    let value = target.conditions.iter().find_map(|condition| match condition {
        Condition::Absolute { value, per: None, .. }
            if unit.is_none_or(|unit| value.unit.symbol() == unit || value.unit.symbol().is_empty()) =>
        {
            Some(value.value.to_f64())
        }
        _ => None,
    })?;
    Some((value, target))
}

/// The judgment of a year, explained, from the document the year's row was read from.
/// The indicator of a document that a series point was read from.
pub(super) fn indicator_of<'a>(content: &'a PolicyContent, point: &SeriesPoint) -> Option<&'a hoshin_core::Indicator> {
    content
        .indicators()
        .into_iter()
        .find(|(issue, indicator)| {
            issue.map(|issue| issue.to_string()) == point.issue
                && indicator.number.map(i64::from) == point.number
                && indicator.wording == point.wording
        })
        .map(|(_, indicator)| indicator)
}

fn explanation(content: &PolicyContent, point: &SeriesPoint, lang: Lang) -> Vec<String> {
    let Some(indicator) = indicator_of(content, point) else {
        return Vec::new();
    };
    let Some(target) = indicator.target.as_ref().and_then(TargetText::target) else {
        return match &indicator.target {
            Some(TargetText::NotEvaluable { reason, .. }) => vec![reason.to_string()],
            _ => Vec::new(),
        };
    };
    let observations = indicator.observations(point.fiscal_year);
    if !observations.iter().any(|observation| observation.fiscal_year == point.fiscal_year) {
        return Vec::new();
    }
    let mut lines = judge(target, &observations, point.fiscal_year, Rule::default()).explanation(lang);
    // With the survey's sample size: the margin of error, and whether the gap and the change exceed it.
    lines.extend(hoshin_core::survey::explain(indicator, point.fiscal_year, lang));
    lines
}

/// Runs of equal values: (years, value), e.g. ("R4–R6", "…の割合").
fn history(points: &[SeriesPoint], value: impl Fn(&SeriesPoint) -> Option<String>) -> Vec<(String, String)> {
    let mut runs: Vec<(FiscalYear, FiscalYear, String)> = Vec::new();
    for point in points {
        let Some(text) = value(point) else { continue };
        match runs.last_mut() {
            Some((_, last, previous)) if *previous == text => *last = point.fiscal_year,
            _ => runs.push((point.fiscal_year, point.fiscal_year, text)),
        }
    }
    runs.into_iter()
        .map(|(first, last, text)| {
            let years = if first == last {
                first.short_label()
            } else {
                format!("{}–{}", first.short_label(), last.short_label())
            };
            (years, text)
        })
        .collect()
}
