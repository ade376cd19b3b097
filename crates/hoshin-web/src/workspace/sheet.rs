//! The canonical workbook in the workspace: download the working copy as a workbook, edit it in Excel, upload
//! it (or its CSV), see every change and every row-level problem, and save it in one write — nothing is
//! written before the confirmation, and a confirmation over someone else's save is refused.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use hoshin_core::canonical::{to_sheets, Header};
use hoshin_core::{Action, Era, Lang, PolicyContent};
use hoshin_import::canonical::{canonical_csv_rows, read_canonical};
use hoshin_store::{PolicyKey, StoreError, WorkingCopy};

use super::actuals::read_upload;
use super::forms::get;
use super::{
    editor_url, policy_key, posted, render_private, see_other, store_page, work_words, Account, Work, WorkWords,
};
use crate::diff::{self, Line};
use crate::pages::{page_error, Chrome, OrPage, PageError};
use crate::{AppState, WebError};

pub struct ChangeView {
    pub label: String,
    pub change: &'static str,
    pub lines: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "sheet_import.html")]
struct SheetPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    heading: String,
    base: String,
    locked: bool,
    error: Vec<String>,
    changes: Option<Vec<ChangeView>>,
    csv: String,
    revision: i64,
}

/// Loads the working copy for editing.
async fn load(state: &AppState, account: &Account, key: &PolicyKey, chrome: &Chrome) -> Result<WorkingCopy, PageError> {
    super::editor::load(state, account, key, Action::Edit, chrome).await
}

fn heading(key: &PolicyKey, t: &WorkWords, lang: Lang) -> String {
    format!("{} {} — {}", key.fiscal_year.label(lang), key.organization.name, t.sheet)
}

fn show(
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    copy: &WorkingCopy,
    error: Vec<String>,
    preview: Option<(&PolicyContent, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(account, uri, heading(key, t, account.lang));
    let chrome = &work.chrome;
    let changes = preview.as_ref().map(|(content, _)| {
        diff::diff(&copy.content, content)
            .into_iter()
            .map(|change| ChangeView {
                label: change.label(&copy.content, content, chrome.w),
                change: change.change.word(chrome.w),
                lines: change
                    .lines
                    .into_iter()
                    .filter_map(|line| match line {
                        Line::Added(text) => Some(("ins", text)),
                        Line::Removed(text) => Some(("del", text)),
                        Line::Same(_) => None,
                    })
                    .collect(),
            })
            .collect()
    });
    let page = SheetPage {
        heading: chrome.title.clone(),
        base: editor_url(chrome.links.prefix(), key, ""),
        locked: copy.submitted.is_some(),
        error,
        changes,
        csv: preview.map(|(_, csv)| csv).unwrap_or_default(),
        revision: copy.revision,
        chrome,
        work: &work,
        t,
    };
    render_private(&page, chrome, status)
}

pub async fn page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).sheet);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    show(&account, &uri, &key, &copy, Vec::new(), None, StatusCode::OK)
}

/// The working copy as the canonical workbook.
pub async fn download(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).sheet);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    account.require(Action::ReadDrafts, Some(&key.organization), &chrome)?;
    let copy = store_page(state.store.working_copy(&key).await, &chrome)?;
    let header = Header {
        organization: key.organization.clone(),
        fiscal_year: key.fiscal_year,
        stage: copy.stage,
        era: copy.era,
    };
    let bytes = hoshin_render::sheet::write_xlsx(&to_sheets(&header, &copy.content))
        .map_err(|error| WebError::Unavailable(error.to_string()))
        .or_page(&chrome)?;
    let file_name = format!("working-copy-{}-r{}.xlsx", key.fiscal_year.start_year(), copy.revision);
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// Reads an uploaded workbook and shows what it would change.
pub async fn preview(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let upload = read_upload(multipart, lang).await.or_page(&Chrome::new(lang, &uri, t.sheet))?;
    let (chrome, key) = posted(&account, &uri, &params, &upload.fields, t.sheet)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    let refuse =
        |messages: Vec<String>| show(&account, &uri, &key, &copy, messages, None, StatusCode::UNPROCESSABLE_ENTITY);
    let Some(bytes) = upload.file else { return refuse(vec![t.choose_file.to_string()]) };
    let (header, content) = match read_canonical(&bytes) {
        None => return refuse(vec![t.not_canonical.to_string()]),
        Some(Err(error)) => return refuse(error.messages(lang)),
        Some(Ok(read)) => read,
    };
    if header.organization != key.organization || header.fiscal_year != key.fiscal_year {
        let named = format!("{} {}", header.fiscal_year.label(lang), header.organization.name);
        return refuse(vec![format!("{}: {named}", t.another_policy)]);
    }
    if !same_era(&header, &copy) {
        return refuse(vec![t.another_era.to_string()]);
    }
    let csv = hoshin_import::table::write_csv(&canonical_csv_rows(&to_sheets(&header, &content)));
    show(&account, &uri, &key, &copy, Vec::new(), Some((&content, csv)), StatusCode::OK)
}

/// Saves the previewed workbook, read again from the text the preview carried.
pub async fn apply(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let (chrome, key) = posted(&account, &uri, &params, &form, t.sheet)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    if copy.submitted.is_some() {
        return Err(WebError::Conflict(t.locked.to_string())).or_page(&chrome);
    }
    let read = read_canonical(get(&form, "csv").unwrap_or_default().as_bytes());
    let Some(Ok((header, content))) = read else {
        return Err(page_error(&chrome, WebError::BadRequest(t.not_canonical.to_string())));
    };
    if header.organization != key.organization || header.fiscal_year != key.fiscal_year {
        return Err(page_error(&chrome, WebError::BadRequest(t.another_policy.to_string())));
    }
    if !same_era(&header, &copy) {
        return Err(page_error(&chrome, WebError::BadRequest(t.another_era.to_string())));
    }
    let read_revision: i64 = get(&form, "revision").and_then(|r| r.parse().ok()).unwrap_or(-1);
    let stale = |copy: &WorkingCopy, content: &PolicyContent| {
        let csv = get(&form, "csv").unwrap_or_default().to_string();
        show(
            &account,
            &uri,
            &key,
            copy,
            vec![t.changed_since_preview.to_string()],
            Some((content, csv)),
            StatusCode::CONFLICT,
        )
    };
    if copy.revision != read_revision {
        return stale(&copy, &content);
    }
    match state.store.save_working_copy(&key, copy.revision, copy.stage, &content, &account.user.name).await {
        Ok(_) => Ok(see_other(&format!("{}?saved=1", editor_url(chrome.links.prefix(), &key, "")))),
        Err(StoreError::Conflict(_)) => {
            let copy = load(&state, &account, &key, &chrome).await?;
            stale(&copy, &content)
        }
        Err(other) => Err(WebError::from(other)).or_page(&chrome),
    }
}

/// Whether a workbook reads era-less years in the era the working copy is stored with: the copy keeps its
/// era, so content read in another would change meaning when it is loaded again.
fn same_era(header: &Header, copy: &WorkingCopy) -> bool {
    let own = |era: Option<Era>| era.or_else(|| Era::of(copy.key.fiscal_year));
    own(header.era) == own(copy.era)
}
