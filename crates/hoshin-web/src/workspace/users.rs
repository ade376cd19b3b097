//! User management for city administrators: the list of accounts, adding one, changing a role, resetting a
//! password, disabling and enabling. Every change is in the audit log (without the password).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use hoshin_core::{Action, Lang, Organization, Role};
use hoshin_store::{NewUser, UserChange};

use super::forms::{get, OptionView};
use super::{render_private, see_other, store_page, work_words, Account, Work, WorkWords};
use crate::pages::{display_time, Chrome, OrPage, PageError};
use crate::{auth, AppState, WebError};

pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub role: &'static str,
    pub role_code: &'static str,
    pub organization: String,
    pub disabled: bool,
    pub created_at: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    rows: Vec<UserRow>,
    roles: Vec<OptionView>,
    error: Option<String>,
}

fn organization_text(organization: Option<&Organization>) -> String {
    organization.map_or(String::new(), |o| format!("{}/{}", o.city.as_deref().unwrap_or(""), o.name))
}

/// `大阪市/住吉区` (or `住吉区` alone, taken as 大阪市's); empty for none.
fn read_organization(text: &str) -> Option<Organization> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(match text.split_once('/') {
        Some((city, name)) if !city.trim().is_empty() => Organization::new(name.trim(), Some(city.trim())),
        Some((_, name)) => Organization::new(name.trim(), None),
        None => Organization::new(text, Some("大阪市")),
    })
}

async fn users_page(
    state: &AppState,
    account: &Account,
    uri: &Uri,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(account, uri, t.users);
    account.require(Action::ManageUsers, None, &work.chrome)?;
    let users = store_page(state.store.users().await, &work.chrome)?;
    let rows = users
        .into_iter()
        .map(|user| UserRow {
            action: format!("{}/admin/users/{}", work.prefix(), crate::links::encode_segment(&user.name)),
            display_name: user.display_name.clone().unwrap_or_default(),
            role: user.role.label(account.lang),
            role_code: user.role.code(),
            organization: organization_text(user.organization.as_ref()),
            disabled: user.disabled,
            created_at: display_time(&user.created_at),
            name: user.name,
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .map(|role| OptionView {
            code: role.code().into(),
            label: role.label(account.lang).into(),
            selected: role == Role::Editor,
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = UsersPage { chrome: &work.chrome, work: &work, t, rows, roles, error };
    render_private(&page, &work.chrome, status)
}

pub async fn page(State(state): State<AppState>, account: Account, uri: Uri) -> Result<Response, PageError> {
    users_page(&state, &account, &uri, None).await
}

fn password_message(error: &auth::PasswordError, lang: Lang) -> String {
    match (lang, error) {
        (Lang::Ja, auth::PasswordError::TooShort) => {
            format!("パスワードが短すぎます。{}文字以上にしてください。", auth::MIN_PASSWORD_CHARS)
        }
        (_, error) => error.to_string(),
    }
}

async fn hash(password: String) -> Result<String, auth::PasswordError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .unwrap_or_else(|error| Err(auth::PasswordError::Hash(error.to_string())))
}

pub async fn create(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).users);
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    account.require(Action::ManageUsers, None, &chrome)?;
    let role = Role::from_code(get(&form, "role").unwrap_or_default())
        .ok_or_else(|| WebError::BadRequest("choose a role".into()))
        .or_page(&chrome)?;
    let password_hash = match hash(get(&form, "password").unwrap_or_default().to_string()).await {
        Ok(hash) => hash,
        Err(error) => return users_page(&state, &account, &uri, Some(password_message(&error, account.lang))).await,
    };
    let user = NewUser {
        name: get(&form, "name").unwrap_or_default().trim().to_string(),
        display_name: get(&form, "display_name").map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
        role,
        organization: read_organization(get(&form, "organization").unwrap_or_default()),
        password_hash,
    };
    match state.store.create_user(&user, &account.user.name).await {
        Ok(_) => Ok(see_other(&format!("{}/admin/users", chrome.links.prefix()))),
        Err(error @ (hoshin_store::StoreError::Invalid(_) | hoshin_store::StoreError::Conflict(_))) => {
            users_page(&state, &account, &uri, Some(error.to_string())).await
        }
        Err(other) => Err(WebError::from(other)).or_page(&chrome),
    }
}

pub async fn change(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(name): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).users);
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    account.require(Action::ManageUsers, None, &chrome)?;
    let change = match get(&form, "op").unwrap_or_default() {
        "role" => UserChange::Role {
            role: Role::from_code(get(&form, "role").unwrap_or_default())
                .ok_or_else(|| WebError::BadRequest("choose a role".into()))
                .or_page(&chrome)?,
            organization: read_organization(get(&form, "organization").unwrap_or_default()),
        },
        "disable" => UserChange::Disabled(true),
        "enable" => UserChange::Disabled(false),
        "password" => match hash(get(&form, "password").unwrap_or_default().to_string()).await {
            Ok(hash) => UserChange::Password(hash),
            Err(error) => {
                return users_page(&state, &account, &uri, Some(password_message(&error, account.lang))).await
            }
        },
        other => {
            return Err(WebError::BadRequest(format!("「{other}」 is not a change of an account"))).or_page(&chrome)
        }
    };
    if name == account.user.name && matches!(change, UserChange::Disabled(true) | UserChange::Role { .. }) {
        let message = match account.lang {
            Lang::Ja => "自分自身を無効にしたり、自分の役割を変えたりはできません。ほかの市管理者に依頼してください。",
            Lang::En => "you cannot disable yourself or change your own role: ask another administrator.",
        };
        return users_page(&state, &account, &uri, Some(message.into())).await;
    }
    match state.store.update_user(&name, &change, &account.user.name).await {
        Ok(_) => Ok(see_other(&format!("{}/admin/users", chrome.links.prefix()))),
        Err(error @ hoshin_store::StoreError::Invalid(_)) => {
            users_page(&state, &account, &uri, Some(error.to_string())).await
        }
        Err(other) => Err(WebError::from(other)).or_page(&chrome),
    }
}
