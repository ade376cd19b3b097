//! The yearly cycle: an editor submits the working copy as a stage, the approver publishes it (an immutable
//! version the public site then shows) or returns it with a note, the editor may withdraw a submission, and
//! next year's first draft starts from this year's policy by roll-over.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Form;
use hoshin_core::{Action, Lang, Stage};
use hoshin_store::PolicyKey;

use super::editor::next_stages;
use super::forms::get;
use super::{editor_url, posted, see_other, store_page, work_words, Account};
use crate::pages::{Chrome, OrPage, PageError};
use crate::{AppState, WebError};

/// The checks every review action shares: the CSRF token, the policy, the role and the revision read.
async fn prepare(
    account: &Account,
    uri: &Uri,
    params: &(String, String, String),
    form: &[(String, String)],
    action: Action,
) -> Result<(Chrome, PolicyKey, i64), PageError> {
    let (chrome, key) = posted(account, uri, params, form, work_words(account.lang).review)?;
    account.require(action, Some(&key.organization), &chrome)?;
    let revision = get(form, "revision")
        .and_then(|revision| revision.parse().ok())
        .ok_or_else(|| WebError::BadRequest("the form names no revision: reload the editor".into()))
        .or_page(&chrome)?;
    Ok((chrome, key, revision))
}

fn back(chrome: &Chrome, key: &PolicyKey) -> Response {
    see_other(&editor_url(chrome.links.prefix(), key, "?saved=1"))
}

pub async fn submit(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key, revision) = prepare(&account, &uri, &path, &form, Action::Submit).await?;
    let versions = store_page(state.store.versions(&key).await, &chrome)?;
    let allowed = next_stages(versions.last().map(|version| version.stage));
    let code = get(&form, "stage").unwrap_or_default();
    let stage = Stage::from_code(code)
        .filter(|stage| allowed.contains(stage))
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|stage| stage.label(account.lang)).collect();
            WebError::BadRequest(match account.lang {
                Lang::Ja => format!("「{code}」の段階では公表できません。選べる段階: {}", names.join("、")),
                Lang::En => format!("cannot publish as 「{code}」; possible stages: {}", names.join(", ")),
            })
        })
        .or_page(&chrome)?;
    store_page(state.store.submit(&key, revision, stage, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key))
}

pub async fn withdraw(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key, revision) = prepare(&account, &uri, &path, &form, Action::Submit).await?;
    store_page(state.store.withdraw(&key, revision, None, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key))
}

pub async fn return_to_editors(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key, revision) = prepare(&account, &uri, &path, &form, Action::Publish).await?;
    let note = get(&form, "note").map(str::trim).filter(|note| !note.is_empty());
    store_page(state.store.withdraw(&key, revision, note, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key))
}

pub async fn publish(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key, revision) = prepare(&account, &uri, &path, &form, Action::Publish).await?;
    let copy = store_page(state.store.working_copy(&key).await, &chrome)?;
    if copy.submitted.is_none() {
        return Err(WebError::Conflict(match account.lang {
            Lang::Ja => {
                "承認を依頼されていない作業中の版は公表できません。編集者が承認を依頼してから公表してください。".into()
            }
            Lang::En => "only a working copy submitted for approval can be published.".into(),
        }))
        .or_page(&chrome);
    }
    store_page(state.store.publish(&key, revision, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key))
}

/// Starts next year's first draft from this year's latest published version.
pub async fn roll_over(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &path, &form, work_words(account.lang).roll_over)?;
    account.require(Action::Edit, Some(&key.organization), &chrome)?;
    let latest = store_page(state.store.latest(&key).await, &chrome)?;
    let next_year = key
        .fiscal_year
        .next()
        .ok_or_else(|| WebError::BadRequest("there is no next fiscal year".into()))
        .or_page(&chrome)?;
    let next = PolicyKey { organization: key.organization.clone(), fiscal_year: next_year };
    let content = hoshin_core::rollover::roll_over(&latest.content, key.fiscal_year);
    store_page(state.store.create_draft(&next, Stage::FirstDraft, &content, &account.user.name).await, &chrome)?;
    Ok(see_other(&editor_url(chrome.links.prefix(), &next, "")))
}
