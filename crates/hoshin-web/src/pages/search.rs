//! `/search?q=…&organization=CITY/NAME&year=2024&page=N`: search across all policies and years, hits with
//! highlighted snippets linked to their place in the policy, narrowed by organization and year.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::{organization_order, Lang, Organization};
use hoshin_store::{search::Query as SearchQuery, SearchFilter, SearchHit};
use serde::Deserialize;

use super::{fiscal_year_param, render, Chrome, OrPage, PageError};
use crate::diff::anchor;
use crate::links::{encode_query, organization_from_path};
use crate::{AppState, WebError};

/// Hits per page.
pub const PAGE_SIZE: usize = 20;
/// The most hits a search shows (pages × size).
pub const MAX_HITS: usize = 1000;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub organization: Option<String>,
    pub year: Option<String>,
    pub page: Option<String>,
}

impl SearchParams {
    /// The filter and page the parameters ask for; a parameter that cannot be read says how to write it.
    pub fn filter(&self) -> Result<(SearchFilter, usize), WebError> {
        let organization = match self.organization.as_deref().filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => {
                let (city, name) = text.split_once('/').ok_or_else(|| {
                    WebError::BadRequest(format!("organization={text}: write it as CITY/NAME, e.g. 大阪市/住吉区"))
                })?;
                Some(organization_from_path(city, name))
            }
        };
        let fiscal_year = match self.year.as_deref().filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => Some(fiscal_year_param(text).map_err(|_| {
                WebError::BadRequest(format!("year={text}: write the fiscal year as 2024 or 令和6年度"))
            })?),
        };
        let page = match self.page.as_deref().filter(|text| !text.is_empty()) {
            None => 1,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|page| (1..=MAX_HITS / PAGE_SIZE).contains(page))
                .ok_or_else(|| {
                    WebError::BadRequest(format!("page={text}: give a page number from 1 to {}", MAX_HITS / PAGE_SIZE))
                })?,
        };
        Ok((SearchFilter { organization, fiscal_year }, page))
    }
}

pub struct HitView {
    pub title: String,
    pub href: String,
    pub field: String,
    /// The snippet in pieces: (highlighted, text).
    pub snippet: Vec<(bool, String)>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    organizations: Vec<(String, String, bool)>,
    years: Vec<(i32, String, bool)>,
    searched: bool,
    total: usize,
    hits: Vec<HitView>,
    message: Option<String>,
    previous: Option<String>,
    next: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(params): Query<SearchParams>,
    uri: Uri,
) -> Result<Response, PageError> {
    let mut chrome = Chrome::new(lang, &uri, crate::i18n::words(lang).search_title);
    let (filter, page_number) = params.filter().or_page(&chrome)?;
    let q = params.q.clone().unwrap_or_default();
    let overview = state.store.overview().await.or_page(&chrome)?;
    let mut organizations: Vec<Organization> =
        overview.iter().map(|row| row.summary.key.organization.clone()).collect();
    organizations.sort_by_key(organization_order);
    organizations.dedup();
    let mut years: Vec<_> = overview.iter().map(|row| row.summary.key.fiscal_year).collect();
    years.sort();
    years.dedup();
    years.reverse();
    let (mut hits, mut message, mut total): (Vec<HitView>, Option<String>, usize) = (Vec::new(), None, 0);
    let searched = !q.trim().is_empty();
    if searched {
        match state.store.search(&q, &filter, MAX_HITS).await {
            Ok(found) => {
                total = found.len();
                let terms = SearchQuery::parse(&q).map(|query| query.terms).unwrap_or_default();
                hits = found
                    .iter()
                    .skip((page_number - 1) * PAGE_SIZE)
                    .take(PAGE_SIZE)
                    .map(|hit| hit_view(hit, &terms, &chrome))
                    .collect();
            }
            Err(hoshin_store::StoreError::Invalid(text)) => message = Some(text),
            Err(other) => return Err(other).or_page(&chrome),
        }
        chrome.title = format!("{q} — {}", chrome.w.search_title);
    }
    let link = |page: usize| {
        let mut href = format!("{}?q={}", chrome.links.search(), encode_query(&q));
        if let Some(organization) = &params.organization {
            href.push_str(&format!("&organization={}", encode_query(organization)));
        }
        if let Some(year) = &params.year {
            href.push_str(&format!("&year={}", encode_query(year)));
        }
        href.push_str(&format!("&page={page}"));
        href
    };
    let previous = (page_number > 1).then(|| link(page_number - 1));
    let next = (page_number * PAGE_SIZE < total).then(|| link(page_number + 1));
    let page = SearchPage {
        q,
        organizations: organizations
            .iter()
            .map(|organization| {
                let value = format!("{}/{}", organization.city.as_deref().unwrap_or("-"), organization.name);
                let selected = filter.organization.as_ref() == Some(organization);
                (value, organization.name.clone(), selected)
            })
            .collect(),
        years: years
            .iter()
            .map(|year| (year.start_year(), year.label(lang), filter.fiscal_year == Some(*year)))
            .collect(),
        searched,
        total,
        hits,
        message,
        previous,
        next,
        chrome,
    };
    render(&page, &page.chrome)
}

fn hit_view(hit: &SearchHit, terms: &[String], chrome: &Chrome) -> HitView {
    HitView {
        title: format!("{} {}", hit.key.organization.name, hit.key.fiscal_year.label(chrome.lang)),
        href: format!("{}#{}", chrome.links.policy(&hit.key), anchor(&hit.field)),
        field: field_name(&hit.field, chrome),
        snippet: highlight(&hit.snippet, terms),
    }
}

/// The field as a reader names it, without the document at hand (issue positions as numbers).
fn field_name(path: &str, chrome: &Chrome) -> String {
    crate::diff::field_label(&hoshin_core::PolicyContent::default(), path, chrome.w)
}

/// Splits a snippet whose hits the store wrote as 【term】 into plain and highlighted pieces.
pub fn highlight(snippet: &str, terms: &[String]) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut rest = snippet;
    'outer: while !rest.is_empty() {
        let mut best: Option<(usize, &String)> = None;
        for term in terms {
            let marked = format!("【{term}】");
            if let Some(position) = rest.find(&marked) {
                if best.is_none_or(|(best_position, _)| position < best_position) {
                    best = Some((position, term));
                }
            }
        }
        match best {
            Some((position, term)) => {
                if position > 0 {
                    out.push((false, rest[..position].to_string()));
                }
                out.push((true, term.clone()));
                rest = &rest[position + term.len() + "【】".len()..];
            }
            None => {
                out.push((false, rest.to_string()));
                break 'outer;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn snippets_are_split_at_the_marked_terms() {
        let terms = vec!["防災".to_string()];
        assert_eq!(
            highlight("…地域の【防災】力と【要援護者】の【防災】", &terms),
            vec![
                (false, "…地域の".to_string()),
                (true, "防災".to_string()),
                (false, "力と【要援護者】の".to_string()),
                (true, "防災".to_string()),
            ]
        );
        assert_eq!(highlight("なし", &terms), vec![(false, "なし".to_string())]);
    }
}
