//! `/organizations/{city}/{name}`: an organization's policies by year and its indicators with their latest
//! status.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::Lang;

use super::{render, Chrome, MarkView, OrPage, PageError};
use crate::links::organization_from_path;
use crate::AppState;

pub struct PolicyRow {
    pub href: String,
    pub year: String,
    pub stage: String,
    pub versions: i64,
    pub marked: bool,
    pub a: u64,
    pub b: u64,
    pub differing: u64,
    /// The change report from the year before, when both years are published.
    pub changes_href: Option<String>,
}

pub struct IndicatorRow {
    /// The trend misses the target at its deadline (see the indicator page).
    pub at_risk: bool,
    pub href: String,
    pub wording: String,
    pub issue: Option<String>,
    pub year: String,
    pub target: String,
    pub actual: String,
    pub published: Option<MarkView>,
    pub computed: Option<MarkView>,
    pub differs: bool,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    council_href: String,
    opinion_box_href: String,
    c: &'static crate::council::CouncilWords,
    name: String,
    city: Option<String>,
    policies: Vec<PolicyRow>,
    indicators: Vec<IndicatorRow>,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let organization = organization_from_path(&city, &name);
    let mut chrome = Chrome::new(lang, &uri, organization.name.clone());
    let policies = super::organization_policies(&state, &organization, &chrome).await?;
    let series = state.store.organization_series(&organization).await.or_page(&chrome)?;
    // The documents of the latest points, each read once, for the projection to each target's deadline.
    let mut documents: std::collections::HashMap<i64, hoshin_core::PolicyContent> = std::collections::HashMap::new();
    for series in &series {
        if let Some(point) = series.points.iter().rev().find(|point| point.actual.is_some()) {
            if let std::collections::hash_map::Entry::Vacant(entry) = documents.entry(point.version_id) {
                entry.insert(state.store.version(point.version_id).await.or_page(&chrome)?.content);
            }
        }
    }
    let mut indicators: Vec<(Option<String>, Option<i64>, IndicatorRow)> = series
        .iter()
        .filter_map(|series| {
            // The latest year with an actual, else the latest year.
            let latest = series.points.iter().rev().find(|point| point.actual.is_some()).or(series.points.last())?;
            let published = MarkView::of_letter(latest.published_mark.as_deref());
            let computed = MarkView::of_letter(latest.computed_mark.as_deref());
            let differs = matches!((&latest.published_mark, &latest.computed_mark), (Some(p), Some(c)) if p != c);
            let at_risk = latest.actual.is_some()
                && documents
                    .get(&latest.version_id)
                    .and_then(|content| super::indicator::indicator_of(content, latest))
                    .and_then(|indicator| hoshin_core::projection::project(indicator, latest.fiscal_year))
                    .is_some_and(|projection| projection.at_risk);
            Some((
                latest.issue.clone(),
                latest.number,
                IndicatorRow {
                    href: chrome.links.indicator(series.id),
                    wording: latest.wording.clone(),
                    issue: latest.issue.clone(),
                    year: latest.fiscal_year.label(lang),
                    target: latest.target.clone().unwrap_or_default(),
                    actual: latest.actual.clone().unwrap_or_default(),
                    published,
                    computed,
                    differs,
                    at_risk,
                },
            ))
        })
        .collect();
    indicators.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    chrome.title = organization.name.clone();
    let page = OrganizationPage {
        council_href: crate::council::ledger_url(chrome.links.prefix(), &organization, None),
        opinion_box_href: crate::council::opinion_box_url(chrome.links.prefix(), &organization),
        c: crate::council::council_words(lang),
        name: organization.name.clone(),
        city: organization.city.clone(),
        policies: policies
            .iter()
            .map(|row| PolicyRow {
                href: chrome.links.policy(&row.summary.key),
                year: row.summary.key.fiscal_year.label(lang),
                stage: row.summary.latest_stage.map_or_else(String::new, |stage| stage.label(lang).to_string()),
                versions: row.summary.versions,
                marked: row.published_a + row.published_b > 0,
                a: row.published_a,
                b: row.published_b,
                differing: row.differing,
                changes_href: row
                    .summary
                    .key
                    .fiscal_year
                    .previous()
                    .filter(|previous| policies.iter().any(|other| other.summary.key.fiscal_year == *previous))
                    .map(|_| super::changes::changes_url(&chrome, &row.summary.key)),
            })
            .collect(),
        indicators: indicators.into_iter().map(|(_, _, row)| row).collect(),
        chrome,
    };
    render(&page, &page.chrome)
}
