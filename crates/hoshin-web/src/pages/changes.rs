//! `/organizations/{city}/{name}/changes/{year}`: what changed in an organization's policy from the year
//! before, as a readable list (issues, indicators matched by lineage, targets, budgets).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::change::compare;
use hoshin_core::Lang;
use hoshin_store::PolicyKey;

use super::{fiscal_year_param, not_found_page, render, Chrome, OrPage, PageError};
use crate::links::organization_from_path;
use crate::AppState;

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    chrome: Chrome,
    heading: String,
    organization_href: String,
    before_href: String,
    after_href: String,
    changes: Vec<(&'static str, String)>,
}

/// The URL of the change report into `key`'s year.
pub fn changes_url(chrome: &Chrome, key: &PolicyKey) -> String {
    format!("{}/changes/{}", chrome.links.organization(&key.organization), key.fiscal_year.start_year())
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name, year)): Path<(String, String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let organization = organization_from_path(&city, &name);
    let mut chrome = Chrome::new(lang, &uri, organization.name.clone());
    let after_year = fiscal_year_param(&year).or_page(&chrome)?;
    let Some(before_year) = after_year.previous() else {
        return Err(not_found_page(&chrome, year));
    };
    let after_key = PolicyKey { organization: organization.clone(), fiscal_year: after_year };
    let before_key = PolicyKey { organization: organization.clone(), fiscal_year: before_year };
    let after = state.store.latest(&after_key).await.or_page(&chrome)?;
    let before = state.store.latest(&before_key).await.or_page(&chrome)?;
    let heading = match lang {
        Lang::Ja => format!("{} {}から{}への変更", organization.name, before_year.label(lang), after_year.label(lang)),
        Lang::En => {
            format!("{}: changes from {} to {}", organization.name, before_year.label(lang), after_year.label(lang))
        }
    };
    chrome.title = heading.clone();
    let changes = compare(&before.content, before_year, &after.content, after_year)
        .iter()
        .map(|change| (change.code(), change.message(lang)))
        .collect();
    let page = ChangesPage {
        organization_href: chrome.links.organization(&organization),
        before_href: chrome.links.policy(&before_key),
        after_href: chrome.links.policy(&after_key),
        heading,
        changes,
        chrome,
    };
    render(&page, &page.chrome)
}
