//! `/compare`: the common indicators and the years they have values; `/compare/{key}/{year}`: a common
//! indicator across all organizations for a year — a ranked table and a chart, with each organization's own
//! target, its mark and the survey source.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::{Lang, COMMON_INDICATORS};

use super::{fiscal_year_param, not_found_page, render, Chrome, MarkView, OrPage, PageError};
use crate::chart::{number, Bar, BarChart};
use crate::AppState;
use hoshin_store::LeagueRow;

pub struct CommonView {
    pub wording: String,
    /// (year label, link, organizations with a value).
    pub years: Vec<(String, String, usize)>,
}

#[derive(Template)]
#[template(path = "compare_index.html")]
struct IndexPage {
    chrome: Chrome,
    commons: Vec<CommonView>,
}

/// The city's common indicators and the ones administrators confirmed, as (key, wording).
pub async fn all_common(store: &dyn hoshin_store::Store) -> Result<Vec<(String, String)>, crate::WebError> {
    let mut out: Vec<(String, String)> =
        COMMON_INDICATORS.iter().map(|common| (common.key.to_string(), common.wording.to_string())).collect();
    let groups = store.common_groups().await?;
    out.extend(groups.into_iter().filter(|group| group.confirmed).map(|group| (group.key, group.wording)));
    Ok(out)
}

async fn common_indicators(state: &AppState, chrome: &Chrome) -> Result<Vec<(String, String)>, PageError> {
    all_common(state.store.as_ref()).await.or_page(chrome)
}

pub async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, crate::i18n::words(lang).compare_title);
    let years = state.store.fiscal_years().await.or_page(&chrome)?;
    let mut commons = Vec::new();
    for (key, wording) in common_indicators(&state, &chrome).await? {
        let mut with_values = Vec::new();
        for year in years.iter().rev() {
            let rows = state.store.league_table(&key, *year).await.or_page(&chrome)?;
            let count = rows.iter().filter(|row| row.point.value.is_some()).count();
            if !rows.is_empty() {
                with_values.push((year.label(lang), chrome.links.compare(&key, *year), count));
            }
        }
        commons.push(CommonView { wording, years: with_values });
    }
    let page = IndexPage { commons, chrome };
    render(&page, &page.chrome)
}

pub struct LeagueView {
    /// The organization's trend misses its target at the deadline.
    pub at_risk: bool,
    pub rank: String,
    pub organization: String,
    pub organization_href: String,
    pub indicator_href: String,
    pub actual: String,
    pub target: String,
    pub published: Option<MarkView>,
    pub computed: Option<MarkView>,
    pub data_source: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    heading: String,
    year: String,
    rows: Vec<LeagueView>,
    chart: String,
    other_years: Vec<(String, String)>,
    csv_href: String,
    json_href: String,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((key, year)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let mut chrome = Chrome::new(lang, &uri, crate::i18n::words(lang).compare_title);
    let Some((_, wording)) = common_indicators(&state, &chrome).await?.into_iter().find(|(common, _)| *common == key)
    else {
        return Err(not_found_page(&chrome, format!("common indicator {key}")));
    };
    let fiscal_year = fiscal_year_param(&year).or_page(&chrome)?;
    let table = state.store.league_table(&key, fiscal_year).await.or_page(&chrome)?;
    // Whether each organization's trend misses its target at the deadline, from the document the row came from.
    let mut at_risk = Vec::with_capacity(table.len());
    for row in &table {
        let stored = state.store.version(row.point.version_id).await.or_page(&chrome)?;
        at_risk.push(
            row.point.actual.is_some()
                && super::indicator::indicator_of(&stored.content, &row.point)
                    .and_then(|indicator| hoshin_core::projection::project(indicator, row.point.fiscal_year))
                    .is_some_and(|projection| projection.at_risk),
        );
    }
    let rows = table
        .iter()
        .zip(&at_risk)
        .map(|(row, at_risk)| LeagueView {
            at_risk: *at_risk,
            rank: if row.point.value.is_some() { row.rank.to_string() } else { "—".into() },
            organization: row.organization.name.clone(),
            organization_href: chrome.links.organization(&row.organization),
            indicator_href: chrome.links.indicator(row.series_id),
            actual: {
                let actual = match (&row.point.actual, row.point.value) {
                    (Some(actual), _) => actual.clone(),
                    (None, Some(value)) => number(value),
                    _ => String::new(),
                };
                // A survey share with its sample size carries its margin of error: close ranks may be noise.
                match (crate::opendata::margin_of_error(&row.point), row.point.sample_size) {
                    (Some(margin), Some(n)) => format!("{actual} ±{margin:.1} (n={n})"),
                    _ => actual,
                }
            },
            target: row.point.target.clone().unwrap_or_default(),
            published: MarkView::of_letter(row.point.published_mark.as_deref()),
            computed: MarkView::of_letter(row.point.computed_mark.as_deref()),
            data_source: row.point.data_source.clone().unwrap_or_default(),
        })
        .collect();
    let chart = bar_chart(&wording, &fiscal_year.label(lang), &table, lang).render();
    let years = state.store.fiscal_years().await.or_page(&chrome)?;
    let heading = wording.clone();
    chrome.title = format!("{heading} {}", fiscal_year.label(lang));
    let page = ComparePage {
        heading,
        year: fiscal_year.label(lang),
        rows,
        chart,
        other_years: years
            .iter()
            .rev()
            .filter(|year| **year != fiscal_year)
            .map(|year| (year.label(lang), chrome.links.compare(&key, *year)))
            .collect(),
        csv_href: format!("/data/compare/{}/{}.csv", key, fiscal_year.start_year()),
        json_href: format!("/api/v1/compare/{}/{}", key, fiscal_year.start_year()),
        chrome,
    };
    render(&page, &page.chrome)
}

/// The comparison as bars, best first, each with the organization's own target as a tick.
fn bar_chart(wording: &str, year: &str, table: &[LeagueRow], lang: Lang) -> BarChart {
    let unit = table.iter().find_map(|row| row.point.unit.clone());
    let bars: Vec<Bar> = table
        .iter()
        .map(|row| Bar {
            label: row.organization.name.clone(),
            value: row.point.value,
            mark: row.point.published_mark.clone().or_else(|| row.point.computed_mark.clone()),
            target: super::indicator::threshold(&row.point, unit.as_deref()).map(|(value, _)| value),
        })
        .collect();
    let listed: Vec<String> = table
        .iter()
        .map(|row| match row.point.value {
            Some(value) => format!("{} {}{}", row.organization.name, number(value), unit.as_deref().unwrap_or("")),
            None => row.organization.name.clone(),
        })
        .collect();
    let description = match lang {
        Lang::Ja => format!("{wording}（{year}）の高い順: {}", listed.join("、")),
        Lang::En => format!("{wording} ({year}), highest first: {}", listed.join(", ")),
    };
    BarChart { title: format!("{wording} {year}"), description, unit, bars }
}
