//! `/`: organizations × fiscal years, each cell with the stage reached and the count of A/B marks.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::{organization_order, Lang, COMMON_INDICATORS};

use super::{render, Chrome, OrPage, PageError};
use crate::AppState;

pub struct Cell {
    pub href: String,
    pub stage: String,
    pub indicators: u64,
    /// True when any indicator carries a published mark.
    pub marked: bool,
    pub a: u64,
    pub b: u64,
    pub differing: u64,
}

pub struct Row {
    pub name: String,
    pub city: Option<String>,
    pub href: String,
    pub cells: Vec<Option<Cell>>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    years: Vec<String>,
    rows: Vec<Row>,
    /// Common indicators with data: (label, link to the latest year's comparison).
    commons: Vec<(String, String)>,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, chrome_title(lang));
    let overview = state.store.overview().await.or_page(&chrome)?;
    let mut years: Vec<_> = overview.iter().map(|row| row.summary.key.fiscal_year).collect();
    years.sort();
    years.dedup();
    // Newest year first: that is what a reader looks for.
    years.reverse();
    let mut organizations: Vec<_> = overview.iter().map(|row| row.summary.key.organization.clone()).collect();
    organizations.sort_by_key(organization_order);
    organizations.dedup();
    let rows = organizations
        .iter()
        .map(|organization| Row {
            name: organization.name.clone(),
            city: organization.city.clone(),
            href: chrome.links.organization(organization),
            cells: years
                .iter()
                .map(|year| {
                    overview
                        .iter()
                        .find(|row| {
                            &row.summary.key.organization == organization && row.summary.key.fiscal_year == *year
                        })
                        .map(|row| Cell {
                            href: chrome.links.policy(&row.summary.key),
                            stage: row
                                .summary
                                .latest_stage
                                .map_or_else(String::new, |stage| stage.label(lang).to_string()),
                            indicators: row.indicators,
                            marked: row.published_a + row.published_b > 0,
                            a: row.published_a,
                            b: row.published_b,
                            differing: row.differing,
                        })
                })
                .collect(),
        })
        .collect();
    let latest_marked = overview
        .iter()
        .filter(|row| row.published_a + row.published_b > 0)
        .map(|row| row.summary.key.fiscal_year)
        .max();
    let commons = match latest_marked.or(years.first().copied()) {
        Some(year) => COMMON_INDICATORS
            .iter()
            .map(|common| {
                (format!("{}（{}）", common.wording, year.label(lang)), chrome.links.compare(common.key, year))
            })
            .collect(),
        None => Vec::new(),
    };
    let page = HomePage { years: years.iter().map(|year| chrome.year(*year)).collect(), rows, commons, chrome };
    render(&page, &page.chrome)
}

fn chrome_title(lang: Lang) -> &'static str {
    crate::i18n::words(lang).home_title
}
