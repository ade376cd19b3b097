//! The HTML pages. Each handler reads the store, builds a view (plain data, already in the request's
//! language) and renders it with an askama template from `templates/`. Japanese at `/…`, English at `/en/…`.

mod audit;
mod changes;
pub mod compare;
mod home;
mod indicator;
mod organization;
mod policy;
mod search;

pub use search::{SearchParams, MAX_HITS};

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use hoshin_core::{FiscalYear, Lang, Mark};

use crate::i18n::{words, Words};
use crate::{AppState, Links, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/organizations/{city}/{name}", get(organization::page))
        .route("/organizations/{city}/{name}/changes/{year}", get(changes::page))
        .route("/policies/{city}/{name}/{year}", get(policy::page))
        .route("/policies/{city}/{name}/{year}/diff", get(policy::diff_page))
        .route("/policies/{city}/{name}/{year}/{file}", get(policy::sheet_file))
        .route("/indicators/{id}", get(indicator::page))
        .route("/compare", get(compare::index))
        .route("/compare/{key}/{year}", get(compare::page))
        .route("/search", get(search::page))
        .route("/audit", get(audit::summary))
        .route("/audit/{city}/{name}", get(audit::organization))
}

/// What every page shows around its content: the language, the words, the links and the title.
pub struct Chrome {
    pub lang: Lang,
    pub w: &'static Words,
    pub links: Links,
    pub title: String,
    /// The same page in the other language.
    pub switch: String,
}

impl Chrome {
    pub fn new(lang: Lang, uri: &Uri, title: impl Into<String>) -> Chrome {
        let links = Links::new(lang);
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        Chrome { lang, w: words(lang), links, title: title.into(), switch: links.switch(path_and_query) }
    }

    pub fn year(&self, fiscal_year: FiscalYear) -> String {
        fiscal_year.label(self.lang)
    }
}

/// A page that could not be shown: its status and an HTML page that says why, in the request's language.
pub struct PageError {
    pub chrome: Chrome,
    pub error: WebError,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: &'a Chrome,
    heading: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let heading = match self.error {
            WebError::NotFound(_) => self.chrome.w.not_found_title,
            _ => self.chrome.w.error_title,
        };
        let message = match &self.error {
            WebError::NotFound(detail) => format!("{} ({detail})", self.chrome.w.not_found_body),
            other => other.message_in(self.chrome.lang),
        };
        let page = ErrorPage { chrome: &self.chrome, heading, message: &message };
        let body = page.render().unwrap_or_else(|_| message.clone());
        (self.error.status(), [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
    }
}

/// Turns a store or parameter error into a page in the request's language.
pub trait OrPage<T> {
    fn or_page(self, chrome: &Chrome) -> Result<T, PageError>;
}

impl<T, E: Into<WebError>> OrPage<T> for Result<T, E> {
    fn or_page(self, chrome: &Chrome) -> Result<T, PageError> {
        self.map_err(|error| page_error(chrome, error.into()))
    }
}

/// An error as a page in the request's language.
pub fn page_error(chrome: &Chrome, error: WebError) -> PageError {
    PageError {
        chrome: Chrome {
            lang: chrome.lang,
            w: chrome.w,
            links: chrome.links,
            title: chrome.w.error_title.to_string(),
            switch: chrome.switch.clone(),
        },
        error,
    }
}

/// Renders a page with the cache headers pages share.
pub fn render(template: &impl Template, chrome: &Chrome) -> Result<Response, PageError> {
    let body = template
        .render()
        .map_err(|error| WebError::Unavailable(format!("the page cannot be drawn: {error}")))
        .or_page(chrome)?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Html(body)).into_response())
}

/// Any path no route takes: a helpful 404 page.
pub async fn not_found(State(_): State<AppState>, Extension(lang): Extension<Lang>, request: Request) -> Response {
    let uri = request.uri().clone();
    if uri.path().starts_with("/api/") {
        return WebError::NotFound(format!("no API route {}; see /api/v1/openapi.json", uri.path())).into_response();
    }
    let chrome = Chrome::new(lang, &uri, words(lang).not_found_title);
    PageError { chrome, error: WebError::NotFound(uri.path().to_string()) }.into_response()
}

/// The published policies of one organization, newest year first; a 404 page naming it when there is none.
pub async fn organization_policies(
    state: &AppState,
    organization: &hoshin_core::Organization,
    chrome: &Chrome,
) -> Result<Vec<hoshin_store::PolicyOverview>, PageError> {
    let overview = state.store.overview().await.or_page(chrome)?;
    let mut policies: Vec<_> =
        overview.into_iter().filter(|row| &row.summary.key.organization == organization).collect();
    if policies.is_empty() {
        return Err(not_found_page(chrome, organization.name.clone()));
    }
    policies.sort_by_key(|row| std::cmp::Reverse(row.summary.key.fiscal_year));
    Ok(policies)
}

/// A fiscal year from a path segment: `2024`, `令和6年度`, `R6`.
pub fn fiscal_year_param(text: &str) -> Result<FiscalYear, WebError> {
    hoshin_core::parse_fiscal_year(text, None)
        .ok()
        .or_else(|| text.parse().ok().and_then(FiscalYear::new))
        .ok_or_else(|| WebError::NotFound(format!("「{text}」 is not a fiscal year: write it as 2024 or 令和6年度")))
}

/// The published version a query parameter names (`version=2`), else `default`. The pages and the API
/// read `?version=`, `?from=` and `?to=` with it; `parameter` names the parameter in messages.
pub fn pick_version(
    versions: &[hoshin_store::VersionInfo],
    text: Option<&str>,
    default: Option<&hoshin_store::VersionInfo>,
    parameter: &str,
) -> Result<hoshin_store::VersionInfo, WebError> {
    match text.filter(|text| !text.is_empty()) {
        None => default.cloned().ok_or_else(|| WebError::NotFound("the policy has no published version".into())),
        Some(text) => {
            let seq: i64 = text.parse().map_err(|_| {
                WebError::BadRequest(format!("{parameter}={text}: give the number of a published version (1, 2, …)"))
            })?;
            versions
                .iter()
                .find(|version| version.seq == seq)
                .cloned()
                .ok_or_else(|| WebError::NotFound(format!("{parameter}={seq}: the policy has no version {seq}")))
        }
    }
}

/// A mark letter as the pages show it, with its class.
pub struct MarkView {
    pub letter: &'static str,
    pub class: &'static str,
}

impl MarkView {
    pub fn of(mark: Mark) -> MarkView {
        match mark {
            Mark::Achieved => MarkView { letter: "A", class: "mark mark-A" },
            Mark::NotAchieved => MarkView { letter: "B", class: "mark mark-B" },
        }
    }

    pub fn of_letter(letter: Option<&str>) -> Option<MarkView> {
        match letter {
            Some("A") => Some(MarkView::of(Mark::Achieved)),
            Some("B") => Some(MarkView::of(Mark::NotAchieved)),
            _ => None,
        }
    }
}

pub fn not_found_page(chrome: &Chrome, what: String) -> PageError {
    PageError {
        chrome: Chrome {
            lang: chrome.lang,
            w: chrome.w,
            links: chrome.links,
            title: chrome.w.not_found_title.to_string(),
            switch: chrome.switch.clone(),
        },
        error: WebError::NotFound(what),
    }
}

/// A stored UTC time (`2026-11-21T08:04:15.658Z`) as the pages show it: Japan time, to the minute
/// (「2026-11-21 17:04 JST」). Text that is not such a time is shown as it is.
pub fn display_time(iso: &str) -> String {
    let parse = || -> Option<(i64, u32, u32)> {
        let (date, time) = iso.strip_suffix('Z').unwrap_or(iso).split_once('T')?;
        let mut date = date.split('-').map(str::parse::<i64>);
        let (year, month, day): (i64, i64, i64) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
        let mut time = time.split(':');
        let (hour, minute): (u32, u32) = (time.next()?.parse().ok()?, time.next()?.parse().ok()?);
        Some((days_from_civil(year, month, day)?, hour, minute))
    };
    let Some((days, hour, minute)) = parse() else { return iso.to_string() };
    let minutes = days * 24 * 60 + i64::from(hour) * 60 + i64::from(minute) + 9 * 60;
    let (days, rest) = (minutes.div_euclid(24 * 60), minutes.rem_euclid(24 * 60));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} JST", rest / 60, rest % 60)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::display_time;

    #[test]
    fn times_are_shown_in_japan_time() {
        assert_eq!(display_time("2026-11-21T08:04:15.658Z"), "2026-11-21 17:04 JST");
        // Past midnight in Japan, and across a year's end.
        assert_eq!(display_time("2024-12-31T16:30:00Z"), "2025-01-01 01:30 JST");
        assert_eq!(display_time("2024-02-28T20:00:00Z"), "2024-02-29 05:00 JST");
        assert_eq!(display_time("not a time"), "not a time");
    }
}
