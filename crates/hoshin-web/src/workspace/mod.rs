//! The signed-in workspace: signing in ([`account`]), editing working copies item by item ([`editor`]), the
//! yearly cycle of submitting, approving, publishing and rolling over ([`cycle`]), and user management
//! ([`users`]). Every page here is private (`Cache-Control: no-store`, never in the response cache), needs a
//! session, and asks [`hoshin_core::allowed`] before it shows or changes anything; every POST carries the
//! session's CSRF token.

mod account;
mod actuals;
mod common;
mod council;
mod cycle;
mod editor;
mod forms;
mod sheet;
mod todo;
mod users;
mod words;

use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use hoshin_core::{allowed, Action, Lang, Organization};
use hoshin_store::{PolicyKey, User};

pub use editor::item_label;
pub use words::{work_words, WorkWords};

use crate::links::{encode_query, organization_path};
use crate::pages::{fiscal_year_param, Chrome, OrPage, PageError};
use crate::{auth, AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route("/logout-everywhere", post(account::logout_everywhere))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/edit", get(editor::dashboard))
        .route("/edit/preview", get(editor::preview))
        .route("/edit/todo", get(todo::page))
        .route("/inbox", get(council::inbox))
        .route("/edit/{city}/{name}/{year}/council", get(council::records))
        .route("/edit/{city}/{name}/{year}/council/members", post(council::add_member))
        .route("/edit/{city}/{name}/{year}/council/meetings", post(council::add_meeting))
        .route("/edit/{city}/{name}/{year}/council/opinions", post(council::enter_opinion))
        .route("/edit/{city}/{name}/{year}/council/moderate", post(council::moderate))
        .route("/edit/{city}/{name}/{year}/council/respond", post(council::respond))
        .route("/edit/{city}/{name}/{year}/council/offer-actual", post(council::offer_actual))
        .route("/edit/{city}/{name}/{year}/opinion", get(council::opinion_page).post(council::give_opinion))
        .route("/edit/{city}/{name}/{year}/ratings", get(council::ratings_page).post(council::save_ratings))
        .route("/edit/{city}/{name}/{year}", get(editor::page))
        .route("/edit/{city}/{name}/{year}/item", get(editor::item_page).post(editor::save_item))
        .route("/edit/{city}/{name}/{year}/new", get(editor::new_page).post(editor::create_item))
        .route("/edit/{city}/{name}/{year}/move", post(editor::move_item))
        .route("/edit/{city}/{name}/{year}/remove", get(editor::remove_page).post(editor::remove_item))
        .route("/edit/{city}/{name}/{year}/history", get(editor::history))
        .route(
            "/edit/{city}/{name}/{year}/actuals",
            get(actuals::page)
                .post(actuals::preview)
                .layer(DefaultBodyLimit::max(actuals::MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/edit/{city}/{name}/{year}/actuals.csv", get(actuals::template_csv))
        .route(
            "/edit/{city}/{name}/{year}/sheet",
            get(sheet::page).post(sheet::preview).layer(DefaultBodyLimit::max(actuals::MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/edit/{city}/{name}/{year}/sheet.xlsx", get(sheet::download))
        .route(
            "/edit/{city}/{name}/{year}/sheet/apply",
            post(sheet::apply).layer(DefaultBodyLimit::max(actuals::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/edit/{city}/{name}/{year}/actuals/apply",
            post(actuals::apply).layer(DefaultBodyLimit::max(actuals::MAX_UPLOAD_BYTES)),
        )
        .route("/edit/{city}/{name}/{year}/submit", post(cycle::submit))
        .route("/edit/{city}/{name}/{year}/withdraw", post(cycle::withdraw))
        .route("/edit/{city}/{name}/{year}/publish", post(cycle::publish))
        .route("/edit/{city}/{name}/{year}/return", post(cycle::return_to_editors))
        .route("/edit/{city}/{name}/{year}/roll-over", post(cycle::roll_over))
        .route("/admin/users", get(users::page).post(users::create))
        .route("/admin/common", get(common::page).post(common::decide))
        .route("/admin/users/{name}", post(users::change))
        .layer(axum::middleware::from_fn(private))
}

/// Every workspace response is private, and a POST from another site is refused before any handler runs.
async fn private(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && !auth::same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "cross-site form submissions are refused").into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    headers.insert(header::VARY, header::HeaderValue::from_static("cookie"));
    response
}

/// The signed-in account of a request. A request without a valid session is sent to the sign-in page.
pub struct Account {
    pub user: User,
    pub csrf: String,
    pub session_hash: String,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Account {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Account, Response> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or(Lang::Ja);
        match auth::current_session(state.store.as_ref(), &parts.headers).await {
            Ok(Some((session, session_hash))) => {
                Ok(Account { user: session.user, csrf: session.csrf_token, session_hash, lang })
            }
            // The database cannot say who this is: say so, rather than send a signed-in user to sign in.
            Err(error) => {
                let chrome = Chrome::new(lang, &parts.uri, crate::i18n::words(lang).error_title);
                Err(crate::pages::page_error(&chrome, WebError::from(error)).into_response())
            }
            Ok(None) => {
                let prefix = crate::Links::new(lang).prefix();
                let next = parts.uri.path_and_query().map_or("/edit", |pq| pq.as_str());
                let next =
                    if parts.method == Method::GET { format!("{prefix}{next}") } else { format!("{prefix}/edit") };
                Err(Redirect::to(&format!("{prefix}/login?next={}", encode_query(&next))).into_response())
            }
        }
    }
}

impl Account {
    pub fn can(&self, action: Action, organization: Option<&Organization>) -> bool {
        allowed(self.user.role, self.user.organization.as_ref(), action, organization)
    }

    /// Refuses with a page that says what the account may not do.
    pub fn require(
        &self,
        action: Action,
        organization: Option<&Organization>,
        chrome: &Chrome,
    ) -> Result<(), PageError> {
        if self.can(action, organization) {
            return Ok(());
        }
        let what = organization.map_or(String::new(), |organization| organization.name.clone());
        let message = match self.lang {
            Lang::Ja => format!(
                "{}（{}）の権限では、{what}のこの操作はできません。",
                self.user.name,
                self.user.role.label(self.lang)
            ),
            Lang::En => format!(
                "{} ({}) may not do this{}.",
                self.user.name,
                self.user.role.label(self.lang),
                if what.is_empty() { String::new() } else { format!(" for {what}") }
            ),
        };
        Err(WebError::Forbidden(message)).or_page(chrome)
    }

    /// Checks the form's CSRF token against the session's.
    pub fn check_csrf(&self, sent: Option<&str>, chrome: &Chrome) -> Result<(), PageError> {
        if sent.is_some_and(|sent| auth::same_token(sent, &self.csrf)) {
            return Ok(());
        }
        let message = match self.lang {
            Lang::Ja => "フォームの有効期限が切れているか、別のサイトから送信されました。ページを読み込み直してからやり直してください。",
            Lang::En => "the form has expired or came from another site: reload the page and try again.",
        };
        Err(WebError::Forbidden(message.into())).or_page(chrome)
    }

    /// The organizations whose drafts the account may read: `None` for all.
    pub fn scope(&self) -> Option<&Organization> {
        match self.user.role {
            hoshin_core::Role::Administrator => None,
            _ => self.user.organization.as_ref(),
        }
    }
}

/// What every workspace page shows around its content.
pub struct Work {
    pub chrome: Chrome,
    pub t: &'static WorkWords,
    pub user: User,
    pub csrf: String,
    pub role: &'static str,
    pub can_manage_users: bool,
}

impl Work {
    pub fn new(account: &Account, uri: &axum::http::Uri, title: impl Into<String>) -> Work {
        Work {
            chrome: Chrome::new(account.lang, uri, title),
            t: work_words(account.lang),
            user: account.user.clone(),
            csrf: account.csrf.clone(),
            role: account.user.role.label(account.lang),
            can_manage_users: account.can(Action::ManageUsers, None),
        }
    }

    pub fn prefix(&self) -> &'static str {
        self.chrome.links.prefix()
    }

    pub fn dashboard(&self) -> String {
        format!("{}/edit", self.prefix())
    }

    pub fn inbox(&self) -> String {
        format!("{}/inbox", self.prefix())
    }

    pub fn users(&self) -> String {
        format!("{}/admin/users", self.prefix())
    }

    pub fn account(&self) -> String {
        format!("{}/account", self.prefix())
    }

    pub fn logout(&self) -> String {
        format!("{}/logout", self.prefix())
    }
}

/// The editor's URL of a policy, and of its sub-pages.
pub fn editor_url(prefix: &str, key: &PolicyKey, rest: &str) -> String {
    format!("{prefix}/edit/{}/{}{rest}", organization_path(&key.organization), key.fiscal_year.start_year())
}

/// The policy a `/edit/{city}/{name}/{year}` path names.
pub fn policy_key(city: &str, name: &str, year: &str) -> Result<PolicyKey, WebError> {
    Ok(PolicyKey {
        organization: crate::links::organization_from_path(city, name),
        fiscal_year: fiscal_year_param(year)?,
    })
}

/// What every POST to a policy's workspace route checks first: the CSRF token and the policy the path names.
pub fn posted(
    account: &Account,
    uri: &axum::http::Uri,
    (city, name, year): &(String, String, String),
    form: &[(String, String)],
    title: &str,
) -> Result<(Chrome, PolicyKey), PageError> {
    let chrome = Chrome::new(account.lang, uri, title);
    account.check_csrf(forms::get(form, "csrf"), &chrome)?;
    let key = policy_key(city, name, year).or_page(&chrome)?;
    Ok((chrome, key))
}

/// Renders a private page.
pub fn render_private(template: &impl Template, chrome: &Chrome, status: StatusCode) -> Result<Response, PageError> {
    let body = template
        .render()
        .map_err(|error| WebError::Unavailable(format!("the page cannot be drawn: {error}")))
        .or_page(chrome)?;
    Ok((status, Html(body)).into_response())
}

/// A redirect after a successful POST (303: the browser GETs the target).
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// The `next` of a sign-in: a path on this site, never another site.
pub fn local_path(next: Option<&str>, default: &str) -> String {
    match next {
        Some(next) if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') => next.to_string(),
        _ => default.to_string(),
    }
}

/// The whole store error as a page, with conflicts explained.
pub fn store_page<T>(result: Result<T, hoshin_store::StoreError>, chrome: &Chrome) -> Result<T, PageError> {
    result.map_err(WebError::from).or_page(chrome)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn sign_in_goes_back_only_to_this_site() {
        assert_eq!(local_path(Some("/edit/x"), "/edit"), "/edit/x");
        assert_eq!(local_path(Some("//evil.example/"), "/edit"), "/edit");
        assert_eq!(local_path(Some("https://evil.example/"), "/edit"), "/edit");
        assert_eq!(local_path(Some("/\\evil.example"), "/edit"), "/edit");
        assert_eq!(local_path(None, "/edit"), "/edit");
    }
}
