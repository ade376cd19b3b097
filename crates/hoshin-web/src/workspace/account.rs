//! Signing in and out, and the account's own page (its password, signing out everywhere).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::{Extension, Form};
use hoshin_core::Lang;
use hoshin_store::UserChange;
use serde::Deserialize;

use super::forms::get;
use super::{local_path, render_private, see_other, store_page, work_words, Account, Work, WorkWords};
use crate::pages::{Chrome, OrPage, PageError};
use crate::{auth, AppState, ClientAddr, WebError};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: &'a Chrome,
    t: &'static WorkWords,
    action: String,
    next: String,
    csrf: String,
    name: String,
    error: Option<&'static str>,
}

fn login_form(
    lang: Lang,
    uri: &Uri,
    next: &str,
    csrf: &str,
    name: &str,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = work_words(lang);
    let chrome = Chrome::new(lang, uri, t.sign_in);
    let page = LoginPage {
        action: format!("{}/login", chrome.links.prefix()),
        next: next.to_string(),
        csrf: csrf.to_string(),
        name: name.to_string(),
        error,
        chrome: &chrome,
        t,
    };
    render_private(&page, &chrome, status)
}

/// The sign-in form. It sets the double-submit cookie its POST must echo.
pub async fn login_page(
    Extension(lang): Extension<Lang>,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let token = auth::cookie(&headers, auth::LOGIN_COOKIE).map_or_else(auth::new_token, str::to_string);
    let next = local_path(query.next.as_deref(), &format!("{}/edit", crate::Links::new(lang).prefix()));
    let mut response = login_form(lang, &uri, &next, &token, "", None, StatusCode::OK)?;
    response.headers_mut().insert(header::SET_COOKIE, auth::set_cookie(&headers, auth::LOGIN_COOKIE, &token, None));
    Ok(response)
}

pub async fn login(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    client: Option<Extension<ClientAddr>>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = work_words(lang);
    let chrome = Chrome::new(lang, &uri, t.sign_in);
    let name = get(&form, "name").unwrap_or_default().trim().to_string();
    let password = get(&form, "password").unwrap_or_default().to_string();
    let next = local_path(get(&form, "next"), &format!("{}/edit", chrome.links.prefix()));
    let cookie_token = auth::cookie(&headers, auth::LOGIN_COOKIE).unwrap_or_default();
    if !auth::same_token(cookie_token, get(&form, "csrf").unwrap_or_default()) {
        let message = match lang {
            Lang::Ja => "ログインフォームの有効期限が切れました。ページを読み込み直してからやり直してください。",
            Lang::En => "the sign-in form has expired: reload the page and try again.",
        };
        return Err(WebError::Forbidden(message.into())).or_page(&chrome);
    }
    let client = client.map_or_else(|| "local".to_string(), |Extension(ClientAddr(addr))| addr.ip().to_string());
    if !state.logins.allows(&name, &client) {
        return login_form(
            lang,
            &uri,
            &next,
            cookie_token,
            &name,
            Some(t.too_many_logins),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let record = state.store.login_record(&name).await.ok().filter(|(user, _)| !user.disabled);
    let hash = record.as_ref().map(|(_, hash)| hash.clone());
    // argon2 takes tens of milliseconds of CPU: off the async threads.
    let verified = tokio::task::spawn_blocking(move || auth::verify_or_waste_time(hash.as_deref(), &password))
        .await
        .unwrap_or(false);
    let Some((user, _)) = record.filter(|_| verified) else {
        state.logins.failed(&name, &client);
        return login_form(lang, &uri, &next, cookie_token, &name, Some(t.bad_login), StatusCode::UNAUTHORIZED);
    };
    state.logins.succeeded(&name);
    // A new session every time: a token planted before sign-in is never promoted.
    if let Some(old) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        let _ = state.store.delete_session(&auth::token_hash(old)).await;
    }
    let token = auth::new_token();
    store_page(
        state.store.create_session(&auth::token_hash(&token), user.id, &auth::new_token(), auth::unix_now()).await,
        &chrome,
    )?;
    let mut response = see_other(&next);
    let cookies = response.headers_mut();
    cookies.append(header::SET_COOKIE, auth::set_cookie(&headers, auth::SESSION_COOKIE, &token, None));
    cookies.append(header::SET_COOKIE, auth::set_cookie(&headers, auth::LOGIN_COOKIE, "", Some(0)));
    Ok(response)
}

fn signed_out(lang: Lang, headers: &HeaderMap) -> Response {
    let mut response = see_other(&crate::Links::new(lang).home());
    response.headers_mut().insert(header::SET_COOKIE, auth::set_cookie(headers, auth::SESSION_COOKIE, "", Some(0)));
    response
}

pub async fn logout(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).sign_out);
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    store_page(state.store.delete_session(&account.session_hash).await, &chrome)?;
    Ok(signed_out(account.lang, &headers))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).sign_out_everywhere);
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    store_page(state.store.delete_sessions(account.user.id).await, &chrome)?;
    Ok(signed_out(account.lang, &headers))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    organization: String,
    message: Option<String>,
    error: Option<String>,
}

fn account_page(
    account: &Account,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(account, uri, t.account);
    let page = AccountPage {
        organization: account.user.organization.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        chrome: &work.chrome,
        work: &work,
        t,
        message,
        error: error.clone(),
    };
    render_private(&page, &work.chrome, if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK })
}

pub async fn page(account: Account, uri: Uri) -> Result<Response, PageError> {
    account_page(&account, &uri, None, None)
}

/// A new password for the signed-in account: every other session ends, this browser gets a new one.
pub async fn change_password(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let chrome = Chrome::new(account.lang, &uri, t.account);
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    let current = get(&form, "current").unwrap_or_default().to_string();
    let new = get(&form, "new").unwrap_or_default().to_string();
    let (_, hash) = store_page(state.store.login_record(&account.user.name).await, &chrome)?;
    let checked = tokio::task::spawn_blocking(move || {
        if !auth::verify_password(&hash, &current) {
            return Err(None);
        }
        auth::hash_password(&new).map_err(Some)
    })
    .await
    .unwrap_or(Err(None));
    let hash = match checked {
        Ok(hash) => hash,
        Err(None) => return account_page(&account, &uri, None, Some(t.bad_login.to_string())),
        Err(Some(error)) => {
            let message = match (account.lang, error) {
                (Lang::Ja, auth::PasswordError::TooShort) => {
                    format!("パスワードが短すぎます。{}文字以上にしてください。", auth::MIN_PASSWORD_CHARS)
                }
                (_, error) => error.to_string(),
            };
            return account_page(&account, &uri, None, Some(message));
        }
    };
    store_page(
        state.store.update_user(&account.user.name, &UserChange::Password(hash), &account.user.name).await,
        &chrome,
    )?;
    let token = auth::new_token();
    store_page(
        state
            .store
            .create_session(&auth::token_hash(&token), account.user.id, &auth::new_token(), auth::unix_now())
            .await,
        &chrome,
    )?;
    let mut response = see_other(&format!("{}/account", chrome.links.prefix()));
    response.headers_mut().insert(header::SET_COOKIE, auth::set_cookie(&headers, auth::SESSION_COOKIE, &token, None));
    Ok(response)
}
