//! Actuals in bulk: a template to download, a sheet uploaded (CSV, xlsx, xls, ods) or pasted, a preview of
//! every change with the computed mark and its explanation, and a confirmation that writes all of it in one
//! save, or nothing.
//!
//! The preview carries the rows it read and the revision it planned against. On confirmation the rows are
//! planned again; when the working copy changed in between, the new plan is shown instead of being saved.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use hoshin_core::actuals::{plan, template, Change, Column, Plan};
use hoshin_core::{Action, Indicator, Lang, Mark, Rule, TargetText};
use hoshin_import::table::{self, TableError};
use hoshin_store::{PolicyKey, StoreError, WorkingCopy};

use super::forms::get;
use super::{editor_url, policy_key, posted, render_private, see_other, work_words, Account, Work, WorkWords};
use crate::pages::{Chrome, OrPage, PageError};
use crate::{AppState, WebError};

/// The largest sheet read: the same limit as a document.
pub const MAX_UPLOAD_BYTES: usize = hoshin_import::MAX_INPUT_BYTES;

pub struct ProblemView {
    pub row: usize,
    pub message: String,
}

pub struct ChangeView {
    pub row: usize,
    pub indicator: String,
    pub href: String,
    pub year: String,
    pub actual_before: String,
    pub actual_after: String,
    pub mark_before: String,
    pub mark_after: String,
    pub computed: String,
    pub explanation: Vec<String>,
    pub differs: bool,
}

pub struct PreviewView {
    pub changes: Vec<ChangeView>,
    pub problems: Vec<ProblemView>,
    pub writable: bool,
    /// The rows read, as JSON, for the confirmation.
    pub rows: String,
    pub revision: i64,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "actuals.html")]
struct ActualsPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    title: String,
    base: String,
    locked: bool,
    pasted: String,
    error: Option<String>,
    preview: Option<PreviewView>,
    columns: Vec<&'static str>,
}

/// Loads the working copy for editing.
async fn load(state: &AppState, account: &Account, key: &PolicyKey, chrome: &Chrome) -> Result<WorkingCopy, PageError> {
    super::editor::load(state, account, key, Action::Edit, chrome).await
}

fn title(key: &PolicyKey, t: &WorkWords, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{} — {} {}運営方針", t.actuals, key.fiscal_year.label(lang), key.organization.name),
        Lang::En => format!("{} — {}, {}", t.actuals, key.organization.name, key.fiscal_year.label(lang)),
    }
}

struct Shown {
    pasted: String,
    error: Option<String>,
    preview: Option<PreviewView>,
    status: StatusCode,
}

fn show(
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    copy: &WorkingCopy,
    shown: Shown,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(account, uri, title(key, t, account.lang));
    let page = ActualsPage {
        title: title(key, t, account.lang),
        base: editor_url(work.prefix(), key, ""),
        locked: copy.submitted.is_some(),
        pasted: shown.pasted,
        error: shown.error,
        preview: shown.preview,
        columns: headers(account.lang),
        chrome: &work.chrome,
        work: &work,
        t,
    };
    render_private(&page, &work.chrome, shown.status)
}

pub async fn page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).actuals);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    let shown = Shown { pasted: String::new(), error: None, preview: None, status: StatusCode::OK };
    show(&account, &uri, &key, &copy, shown)
}

/// The template: the policy's indicators with what it holds for its year, as CSV that Excel opens.
pub async fn template_csv(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).actuals);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    let csv = table::write_csv(&template(&copy.content, key.fiscal_year, account.lang));
    let file_name = format!("actuals-{}.csv", key.fiscal_year.start_year());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        csv,
    )
        .into_response())
}

/// What a multipart form sent: its text fields and the chosen file, if any.
pub(super) struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Option<Vec<u8>>,
}

pub(super) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
    lang: Lang,
) -> Result<Upload, WebError> {
    let too_large = || match lang {
        Lang::Ja => format!("ファイルが大きすぎます。{}MBまでのファイルを指定してください。", MAX_UPLOAD_BYTES >> 20),
        Lang::En => format!("the file is too large; give a file of up to {} MB.", MAX_UPLOAD_BYTES >> 20),
    };
    let unreadable = |reason: String| match lang {
        Lang::Ja => format!("送信された内容を読めません（{reason}）。ページを読み込み直してやり直してください。"),
        Lang::En => format!("the form could not be read ({reason}); reload the page and try again."),
    };
    let mut multipart = multipart.map_err(|rejection| WebError::BadRequest(unreadable(rejection.body_text())))?;
    let mut upload = Upload { fields: Vec::new(), file: None };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::BadRequest(too_large()))
            }
            Err(error) => return Err(WebError::BadRequest(unreadable(error.body_text()))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::BadRequest(too_large()))
            }
            Err(error) => return Err(WebError::BadRequest(unreadable(error.body_text()))),
        };
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(WebError::BadRequest(too_large()));
        }
        if is_file {
            if !bytes.is_empty() {
                upload.file = Some(bytes.to_vec());
            }
        } else {
            upload.fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(upload)
}

/// Reads the sheet and shows what it would change.
pub async fn preview(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let chrome = Chrome::new(lang, &uri, t.actuals);
    let upload = read_upload(multipart, lang).await.or_page(&chrome)?;
    let (chrome, key) = posted(&account, &uri, &params, &upload.fields, t.actuals)?;
    let copy = load(&state, &account, &key, &chrome).await?;
    let pasted = get(&upload.fields, "text").unwrap_or_default().to_string();
    let read = match &upload.file {
        Some(bytes) => table::read_file(bytes),
        None => table::read_text(&pasted),
    };
    let rows: Vec<(usize, Vec<String>)> = match read {
        Ok(rows) => rows.into_iter().map(|row| (row.number, row.cells)).collect(),
        Err(error) => {
            let message = match error {
                TableError::Empty if upload.file.is_none() => match lang {
                    Lang::Ja => "ファイルを選ぶか、表を貼り付けてください。".to_string(),
                    Lang::En => "choose a file or paste a table.".to_string(),
                },
                other => other.message(lang),
            };
            let shown = Shown { pasted, error: Some(message), preview: None, status: StatusCode::UNPROCESSABLE_ENTITY };
            return show(&account, &uri, &key, &copy, shown);
        }
    };
    show_plan(&account, &uri, &key, &copy, &rows, pasted)
}

/// Plans `rows` against the working copy and shows the preview, with the confirmation when it can be saved.
pub fn show_plan(
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    copy: &WorkingCopy,
    rows: &[(usize, Vec<String>)],
    pasted: String,
) -> Result<Response, PageError> {
    let planned = plan(&copy.content, key.fiscal_year, rows);
    let status = if planned.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let base = editor_url(crate::Links::new(account.lang).prefix(), key, "");
    let preview = preview_view(&planned, rows, copy, &base, account.lang);
    show(account, uri, key, copy, Shown { pasted, error: None, preview: Some(preview), status })
}

/// Plans the confirmed rows again and saves them, or shows the new plan when the policy changed meanwhile.
pub async fn apply(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let (chrome, key) = posted(&account, &uri, &params, &form, t.actuals)?;
    let rows: Vec<(usize, Vec<String>)> = serde_json::from_str(get(&form, "rows").unwrap_or_default())
        .map_err(|_| WebError::BadRequest(t.changed_since_preview.to_string()))
        .or_page(&chrome)?;
    let read_revision: i64 = get(&form, "revision").and_then(|r| r.parse().ok()).unwrap_or(-1);
    let copy = load(&state, &account, &key, &chrome).await?;
    if copy.submitted.is_some() {
        return Err(WebError::Conflict(t.locked.to_string())).or_page(&chrome);
    }
    let base = editor_url(chrome.links.prefix(), &key, "");
    let planned = plan(&copy.content, key.fiscal_year, &rows);
    let again = |copy: &WorkingCopy, planned: &Plan, error: &str| {
        let preview = preview_view(planned, &rows, copy, &base, lang);
        let shown = Shown {
            pasted: String::new(),
            error: Some(error.to_string()),
            preview: Some(preview),
            status: StatusCode::CONFLICT,
        };
        show(&account, &uri, &key, copy, shown)
    };
    if copy.revision != read_revision || !planned.is_writable() {
        return again(&copy, &planned, t.changed_since_preview);
    }
    match state.store.save_working_copy(&key, copy.revision, copy.stage, &planned.content, &account.user.name).await {
        Ok(_) => Ok(see_other(&format!("{base}?saved=1"))),
        Err(StoreError::Conflict(_)) => {
            let copy = load(&state, &account, &key, &chrome).await?;
            let planned = plan(&copy.content, key.fiscal_year, &rows);
            again(&copy, &planned, t.changed_since_preview)
        }
        Err(other) => Err(WebError::from(other)).or_page(&chrome),
    }
}

fn preview_view(
    planned: &Plan,
    rows: &[(usize, Vec<String>)],
    copy: &WorkingCopy,
    base: &str,
    lang: Lang,
) -> PreviewView {
    let changes: Vec<ChangeView> = planned.changes.iter().map(|change| change_view(change, base, lang)).collect();
    let problems: Vec<ProblemView> = planned
        .problems
        .iter()
        .map(|found| ProblemView { row: found.row, message: found.problem.message(lang) })
        .collect();
    let summary = match lang {
        Lang::Ja => format!(
            "変更される指標 {}件、変更のない行 {}行、問題のある行 {}行",
            changes.len(),
            planned.unchanged.len(),
            problems.len()
        ),
        Lang::En => format!(
            "{} indicators change, {} rows change nothing, {} rows have problems",
            changes.len(),
            planned.unchanged.len(),
            problems.len()
        ),
    };
    PreviewView {
        writable: planned.is_writable(),
        rows: serde_json::to_string(rows).unwrap_or_default(),
        revision: copy.revision,
        changes,
        problems,
        summary,
    }
}

fn change_view(change: &Change, base: &str, lang: Lang) -> ChangeView {
    let year = change.fiscal_year;
    let actual = |indicator: &Indicator| {
        let result = indicator.result(year);
        result
            .and_then(|result| result.actual.as_ref())
            .map_or_else(|| "—".to_string(), |actual| actual.original.clone())
    };
    let mark = |indicator: &Indicator| {
        let result = indicator.result(year);
        result
            .and_then(|result| result.published_mark.as_ref())
            .map_or_else(|| "—".to_string(), |mark| mark.original.clone())
    };
    let t = work_words(lang);
    let judged = match &change.after.target {
        Some(TargetText::NotEvaluable { reason, .. }) => Some((None, vec![reason.to_string()])),
        _ => change.after.judge_year(year, Rule::default(), |judgment| (judgment.mark(), judgment.explanation(lang))),
    };
    let (computed, explanation): (Option<Mark>, Vec<String>) = judged.unwrap_or((None, Vec::new()));
    let published = change.after.result(year).and_then(|result| result.published_mark.as_ref()).map(|mark| mark.mark);
    let number = change.after.number.map_or_else(String::new, hoshin_core::text::circled);
    let issue = match lang {
        Lang::Ja => format!("経営課題{}", change.issue),
        Lang::En => format!("Issue {}", change.issue),
    };
    ChangeView {
        row: change.row,
        indicator: format!("{issue} {number} {}", change.after.wording),
        href: format!("{base}/item?path={}", change.path),
        year: year.label(lang),
        actual_before: actual(&change.before),
        actual_after: actual(&change.after),
        mark_before: mark(&change.before),
        mark_after: mark(&change.after),
        computed: computed.map_or_else(|| t.not_judged.to_string(), |mark| mark.letter().to_string()),
        differs: matches!((published, computed), (Some(published), Some(computed)) if published != computed),
        explanation,
    }
}

/// The column headers of the template, for the page's help and the preview's table.
fn headers(lang: Lang) -> Vec<&'static str> {
    Column::ALL.iter().map(|column| column.label(lang)).collect()
}
