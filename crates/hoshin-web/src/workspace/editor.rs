//! Editing a working copy: the list of policies an account may edit, the outline of one policy with its
//! checklist and review panel, an item's form (every field, parsed on submit and previewed as you type), adding,
//! moving and removing items, and each item's history from the audit log.
//!
//! A save names the revision the editor read. When someone else saved in between, the save still goes on if
//! the item itself is as the editor opened it (its fingerprint matches): edits of different items never
//! collide. When the item changed too, the editor gets the conflict page with both versions and loses nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use hoshin_core::edit::{self, Collection, EditContext, FieldError, FormValues, Item, ItemPath, OutlineEntry, Reading};
use hoshin_core::rollover::{checklist, target_change};
use hoshin_core::{Action, Era, Lang, Rule, Stage, TargetText};
use hoshin_store::{PolicyKey, StoreError, WorkingCopy};
use serde::Deserialize;

use super::forms::{field_texts, field_views, fingerprint, form_values, get, FieldView, OptionView};
use super::{
    editor_url, policy_key, posted, render_private, see_other, store_page, work_words, Account, Work, WorkWords,
};
use crate::diff::{self, Line};
use crate::i18n::words;
use crate::pages::{display_time, Chrome, OrPage, PageError};
use crate::{AppState, WebError};

/// The stages a working copy may be published as after `latest`: the plan stages in order until 確定, then
/// 改定, 中間振り返り and 年度末評価 (a stage may be published again to correct it).
pub fn next_stages(latest: Option<Stage>) -> Vec<Stage> {
    match latest {
        None => vec![Stage::FirstDraft, Stage::Draft, Stage::Final],
        Some(latest) if latest < Stage::Final => {
            Stage::ALL.into_iter().filter(|stage| *stage >= latest && *stage <= Stage::Final).collect()
        }
        Some(Stage::YearEnd) => vec![Stage::YearEnd],
        Some(latest) => [Stage::Revision, Stage::MidYearReview, Stage::YearEnd]
            .into_iter()
            .filter(|stage| *stage == Stage::Revision || *stage >= latest)
            .collect(),
    }
}

pub fn policy_title(key: &PolicyKey, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{} {}運営方針", key.fiscal_year.label(lang), key.organization.name),
        Lang::En => format!("{} operating policy, {}", key.organization.name, key.fiscal_year.label(lang)),
    }
}

fn context(copy: &WorkingCopy) -> EditContext {
    EditContext { era: copy.era.or_else(|| Era::of(copy.key.fiscal_year)), ..EditContext::new(copy.key.fiscal_year) }
}

// The dashboard.

pub struct DraftRow {
    pub title: String,
    pub href: String,
    pub stage: &'static str,
    pub latest: String,
    pub state: String,
    pub missing: usize,
    pub todo_anchor: String,
    pub roll_over: Option<String>,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct DashboardPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    rows: Vec<DraftRow>,
}

pub async fn dashboard(State(state): State<AppState>, account: Account, uri: Uri) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(&account, &uri, t.workspace);
    let drafts = store_page(state.store.drafts().await, &work.chrome)?;
    let mut rows = Vec::new();
    for draft in &drafts {
        if !account.can(Action::ReadDrafts, Some(&draft.key.organization)) {
            continue;
        }
        let next_exists = drafts.iter().any(|other| {
            other.key.organization == draft.key.organization
                && Some(other.key.fiscal_year) == draft.key.fiscal_year.next()
        });
        let copy = store_page(state.store.working_copy(&draft.key).await, &work.chrome)?;
        let missing = checklist(&copy.content, draft.key.fiscal_year, copy.stage).len();
        let state_text = match (&draft.submitted, draft.edited, draft.versions) {
            (Some(_), _, _) => t.submitted.to_string(),
            (None, _, 0) => t.unpublished.to_string(),
            (None, true, _) => t.edited.to_string(),
            (None, false, _) => t.not_edited.to_string(),
        };
        rows.push(DraftRow {
            title: policy_title(&draft.key, account.lang),
            href: editor_url(work.prefix(), &draft.key, ""),
            stage: draft.stage.label(account.lang),
            latest: draft.latest_stage.map_or_else(|| "—".to_string(), |stage| stage.label(account.lang).to_string()),
            state: state_text,
            missing,
            todo_anchor: super::todo::anchor(&draft.key),
            roll_over: (!next_exists && draft.versions > 0 && account.can(Action::Edit, Some(&draft.key.organization)))
                .then(|| editor_url(work.prefix(), &draft.key, "/roll-over")),
        });
    }
    let page = DashboardPage { chrome: &work.chrome, work: &work, t, rows };
    render_private(&page, &work.chrome, StatusCode::OK)
}

// The editor page: outline, checklist, review.

pub struct EntryView {
    pub item: bool,
    pub depth: usize,
    pub label: String,
    pub path: String,
    pub edit_href: String,
    pub history_href: String,
    pub remove_href: String,
    pub original: String,
    pub can_up: bool,
    pub can_down: bool,
    pub anchor: String,
}

pub struct MissingView {
    pub href: String,
    pub item: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    title: String,
    base: String,
    public_href: Option<String>,
    stage: &'static str,
    state: String,
    submitted_by: Option<String>,
    review_note: Option<String>,
    revision: i64,
    entries: Vec<EntryView>,
    missing: Vec<MissingView>,
    can_edit: bool,
    can_submit: bool,
    can_publish: bool,
    can_opine: bool,
    can_manage_council: bool,
    c: &'static crate::council::CouncilWords,
    ledger_href: String,
    locked: bool,
    stages: Vec<OptionView>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub fn item_label(item: &Item, lang: Lang) -> String {
    let (code, text) = item.summary();
    let kind = item.kind().label(lang);
    match code {
        Some(code) => format!("{kind} {code} {text}"),
        None => format!("{kind} {text}"),
    }
}

/// Loads a working copy after checking that the account may take `action` on it.
pub(super) async fn load(
    state: &AppState,
    account: &Account,
    key: &PolicyKey,
    action: Action,
    chrome: &Chrome,
) -> Result<WorkingCopy, PageError> {
    account.require(action, Some(&key.organization), chrome)?;
    store_page(state.store.working_copy(key).await, chrome)
}

pub async fn page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let key = policy_key(&city, &name, &year).or_page(&Chrome::new(lang, &uri, t.editor_title))?;
    let work = Work::new(&account, &uri, format!("{} — {}", policy_title(&key, lang), t.editor_title));
    let chrome = &work.chrome;
    let copy = load(&state, &account, &key, Action::ReadDrafts, chrome).await?;
    let versions = store_page(state.store.versions(&key).await, chrome)?;
    let base = editor_url(work.prefix(), &key, "");
    let can_edit = account.can(Action::Edit, Some(&key.organization));
    let locked = copy.submitted.is_some();
    let content = &copy.content;
    let mut entries = Vec::new();
    for entry in edit::outline(content) {
        match entry {
            OutlineEntry::Item { path, position, siblings, .. } => {
                let Some(item) = edit::item(content, &path) else { continue };
                let text = path.to_string();
                entries.push(EntryView {
                    item: true,
                    depth: path.depth(),
                    label: if path.is_root() { t.outline.to_string() } else { item_label(&item, lang) },
                    edit_href: format!("{base}/item?path={text}"),
                    history_href: format!("{base}/history?path={text}"),
                    remove_href: format!("{base}/remove?path={text}"),
                    original: fingerprint(&item),
                    can_up: !path.is_root() && position > 0,
                    can_down: !path.is_root() && position + 1 < siblings,
                    anchor: crate::diff::anchor(&text),
                    path: text,
                });
            }
            OutlineEntry::Collection { parent, collection, .. } => {
                let parent_text = parent.to_string();
                entries.push(EntryView {
                    item: false,
                    depth: parent.depth() + 1,
                    label: collection.label(lang).to_string(),
                    edit_href: format!("{base}/new?parent={parent_text}&collection={}", collection.name()),
                    history_href: String::new(),
                    remove_href: String::new(),
                    original: String::new(),
                    can_up: false,
                    can_down: false,
                    anchor: String::new(),
                    path: parent_text,
                });
            }
        }
    }
    let missing = checklist(content, key.fiscal_year, copy.stage)
        .into_iter()
        .map(|missing| {
            let item = ItemPath::parse(&missing.path)
                .and_then(|path| edit::item(content, &path))
                .filter(|item| item.kind() != edit::ItemKind::Policy)
                .map_or_else(|| t.outline.to_string(), |item| item_label(&item, lang));
            MissingView {
                href: format!("{base}/item?path={}", missing.path),
                item,
                message: missing.what.message(lang),
            }
        })
        .collect();
    let latest = versions.last().map(|version| version.stage);
    let stages = next_stages(latest)
        .into_iter()
        .map(|stage| OptionView {
            code: stage.code().to_string(),
            label: stage.label(lang).to_string(),
            selected: stage == copy.stage,
        })
        .collect();
    let state_text = match (&copy.submitted, copy.edited, versions.is_empty()) {
        (Some(_), _, _) => t.submitted.to_string(),
        (None, _, true) => t.unpublished.to_string(),
        (None, true, false) => t.edited.to_string(),
        (None, false, false) => t.not_edited.to_string(),
    };
    let page = EditorPage {
        title: policy_title(&key, lang),
        public_href: (!versions.is_empty()).then(|| chrome.links.policy(&key)),
        stage: copy.stage.label(lang),
        state: state_text,
        submitted_by: copy.submitted.as_ref().map(|s| format!("{} ({})", s.by, display_time(&s.at))),
        review_note: copy.review_note.clone(),
        revision: copy.revision,
        entries,
        missing,
        can_edit: can_edit && !locked,
        can_submit: account.can(Action::Submit, Some(&key.organization)),
        can_publish: account.can(Action::Publish, Some(&key.organization)),
        can_opine: account.can(Action::Opine, Some(&key.organization)),
        can_manage_council: account.can(Action::ManageCouncil, Some(&key.organization)),
        c: crate::council::council_words(lang),
        ledger_href: crate::council::ledger_url(chrome.links.prefix(), &key.organization, Some(key.fiscal_year)),
        locked,
        stages,
        saved: query.saved.is_some(),
        base,
        chrome,
        work: &work,
        t,
    };
    render_private(&page, chrome, StatusCode::OK)
}

// An item's form.

pub struct JudgmentView {
    pub mark: String,
    pub explanation: Vec<String>,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    heading: String,
    action: String,
    back: String,
    history: String,
    path: String,
    parent: String,
    collection: String,
    revision: i64,
    original: String,
    fields: Vec<FieldView>,
    has_errors: bool,
    conflict: Vec<(&'static str, String)>,
    judgment: Option<JudgmentView>,
    year: i32,
}

#[derive(Deserialize)]
pub struct ItemQuery {
    path: Option<String>,
    parent: Option<String>,
    collection: Option<String>,
}

/// What the form is about: an existing item, or a new one for a collection.
enum Target {
    Existing(ItemPath),
    New(ItemPath, Collection),
}

struct FormState<'a> {
    values: FormValues,
    errors: Vec<FieldError>,
    conflict: Vec<(&'static str, String)>,
    status: StatusCode,
    item: Item,
    revision: i64,
    original: String,
    copy: &'a WorkingCopy,
}

impl<'a> FormState<'a> {
    /// A form as opened: the item's own values, read at the working copy's revision.
    fn opened(item: Item, original: String, copy: &'a WorkingCopy) -> FormState<'a> {
        FormState {
            values: FormValues::from_fields(&item.fields()),
            errors: Vec::new(),
            conflict: Vec::new(),
            status: StatusCode::OK,
            revision: copy.revision,
            original,
            item,
            copy,
        }
    }

    /// A sent form that was refused: the values as sent, with their errors and the revision first read.
    fn refused(
        item: Item,
        values: FormValues,
        errors: Vec<FieldError>,
        revision: i64,
        original: String,
        copy: &'a WorkingCopy,
    ) -> FormState<'a> {
        FormState {
            values,
            errors,
            conflict: Vec::new(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            revision,
            original,
            item,
            copy,
        }
    }
}

fn judgment_of(item: &Item, copy: &WorkingCopy, lang: Lang) -> Option<JudgmentView> {
    let Item::Indicator(indicator) = item else { return None };
    let year = copy.key.fiscal_year;
    let t = work_words(lang);
    match &indicator.target {
        Some(TargetText::NotEvaluable { reason, .. }) => {
            Some(JudgmentView { mark: t.not_judged.to_string(), explanation: vec![reason.to_string()] })
        }
        _ => indicator.judge_year(year, Rule::default(), |judgment| JudgmentView {
            mark: judgment.mark().map_or_else(|| t.not_judged.to_string(), |mark| mark.letter().to_string()),
            explanation: judgment.explanation(lang),
        }),
    }
}

fn item_form(
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    target: &Target,
    form: FormState<'_>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let heading = match target {
        Target::Existing(path) if path.is_root() => format!("{} — {}", policy_title(key, lang), t.edit),
        Target::Existing(_) => item_label(&form.item, lang),
        Target::New(_, collection) => format!("{} — {}", collection.label(lang), t.add),
    };
    let work = Work::new(account, uri, heading.clone());
    let base = editor_url(work.prefix(), key, "");
    let (action, path, parent, collection) = match target {
        Target::Existing(path) => (format!("{base}/item"), path.to_string(), String::new(), String::new()),
        Target::New(parent, collection) => {
            (format!("{base}/new"), String::new(), parent.to_string(), collection.name().to_string())
        }
    };
    let page = ItemPage {
        heading,
        back: format!("{base}#{}", crate::diff::anchor(&path)),
        history: format!("{base}/history?path={path}"),
        action,
        fields: field_views(&form.item, &form.values, &form.errors, context(form.copy), lang),
        has_errors: !form.errors.is_empty(),
        conflict: form.conflict,
        judgment: judgment_of(&form.item, form.copy, lang),
        revision: form.revision,
        original: form.original,
        year: key.fiscal_year.start_year(),
        path,
        parent,
        collection,
        chrome: &work.chrome,
        work: &work,
        t,
    };
    render_private(&page, &work.chrome, form.status)
}

fn parse_path(text: Option<&str>, chrome: &Chrome) -> Result<ItemPath, PageError> {
    let text = text.unwrap_or_default();
    ItemPath::parse(text)
        .ok_or_else(|| WebError::BadRequest(format!("「{text}」 is not an item of a policy")))
        .or_page(chrome)
}

fn existing(copy: &WorkingCopy, path: &ItemPath, chrome: &Chrome) -> Result<Item, PageError> {
    edit::item(&copy.content, path)
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "the policy has no item {path}: it may have been removed or moved; reload the editor"
            ))
        })
        .or_page(chrome)
}

pub async fn item_page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<ItemQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).edit);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
    let path = parse_path(query.path.as_deref(), &chrome)?;
    let item = existing(&copy, &path, &chrome)?;
    let original = fingerprint(&item);
    item_form(&account, &uri, &key, &Target::Existing(path), FormState::opened(item, original, &copy))
}

pub async fn new_page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<ItemQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, work_words(account.lang).add);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
    let (parent, collection) = new_target(query.parent.as_deref(), query.collection.as_deref(), &chrome)?;
    let item = edit::new_item(&copy.content, &parent, collection)
        .map_err(|e| WebError::NotFound(e.to_string()))
        .or_page(&chrome)?;
    let form = FormState::opened(item, String::new(), &copy);
    item_form(&account, &uri, &key, &Target::New(parent, collection), form)
}

fn new_target(
    parent: Option<&str>,
    collection: Option<&str>,
    chrome: &Chrome,
) -> Result<(ItemPath, Collection), PageError> {
    let parent = parse_path(parent, chrome)?;
    let name = collection.unwrap_or_default();
    let collection = Collection::from_name(name)
        .filter(|collection| collection.parent_kind() == parent.kind())
        .ok_or_else(|| WebError::BadRequest(format!("「{name}」 is not a list of {parent}")))
        .or_page(chrome)?;
    Ok((parent, collection))
}

/// Refuses edits while the working copy waits for the approver.
fn unlocked(copy: &WorkingCopy, account: &Account, chrome: &Chrome) -> Result<(), PageError> {
    if copy.submitted.is_some() {
        return Err(WebError::Conflict(work_words(account.lang).locked.to_string())).or_page(chrome);
    }
    Ok(())
}

/// Labels a changed target from last year's policy (目標値UP / 目標値修正 / 新規指標).
async fn label_target(
    state: &AppState,
    key: &PolicyKey,
    path: &ItemPath,
    before: Option<&Item>,
    after: &mut Item,
    content: &hoshin_core::PolicyContent,
) {
    let Item::Indicator(indicator) = after else { return };
    let target_text = |item: Option<&Item>| match item {
        Some(Item::Indicator(indicator)) => indicator.target.as_ref().map(|t| t.text().to_string()),
        _ => None,
    };
    if before.is_some() && target_text(before) == indicator.target.as_ref().map(|t| t.text().to_string()) {
        return;
    }
    let Some(previous_year) = key.fiscal_year.previous() else { return };
    let previous_key = PolicyKey { organization: key.organization.clone(), fiscal_year: previous_year };
    let Ok(previous) = state.store.latest(&previous_key).await else { return };
    let issue = path.split_last().and_then(|(parent, _, _)| match edit::item(content, &parent) {
        Some(Item::Issue(issue)) => Some(issue.id),
        _ => None,
    });
    indicator.target_change = target_change(&previous.content, previous_year, issue, indicator);
}

/// Saves `content` over the working copy read at `copy.revision`, and goes back to the editor.
/// How many times a save reads the working copy again when others saved the policy in between (found by the
/// soak test: four editors saving their own items at once exhausted three attempts about one save in five).
const SAVE_ATTEMPTS: u32 = 10;

/// Before an attempt after the first: a short wait, longer each time and different for each writer, so that
/// writers that collided do not collide again.
async fn back_off(attempt: u32) {
    if attempt == 0 {
        return;
    }
    let mut jitter = [0u8; 1];
    let _ = getrandom::fill(&mut jitter);
    let millis = u64::from(attempt) * 4 + u64::from(jitter[0] % 16);
    tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
}

async fn commit(
    state: &AppState,
    account: &Account,
    copy: &WorkingCopy,
    content: &hoshin_core::PolicyContent,
    anchor_path: &str,
    chrome: &Chrome,
) -> Result<Result<Response, StoreError>, PageError> {
    match state.store.save_working_copy(&copy.key, copy.revision, copy.stage, content, &account.user.name).await {
        Ok(_) => Ok(Ok(see_other(&format!(
            "{}?saved=1#{}",
            editor_url(chrome.links.prefix(), &copy.key, ""),
            crate::diff::anchor(anchor_path)
        )))),
        Err(error @ StoreError::Conflict(_)) => Ok(Err(error)),
        Err(other) => Err(WebError::from(other)).or_page(chrome),
    }
}

pub async fn save_item(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, work_words(account.lang).edit)?;
    let path = parse_path(get(&form, "path"), &chrome)?;
    let values = form_values(&form);
    let read_revision: i64 = get(&form, "revision").and_then(|r| r.parse().ok()).unwrap_or(-1);
    let original = get(&form, "original").unwrap_or_default().to_string();
    for attempt in 0..SAVE_ATTEMPTS {
        back_off(attempt).await;
        let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
        unlocked(&copy, &account, &chrome)?;
        let current = edit::item(&copy.content, &path);
        let still_same = current.as_ref().is_some_and(|item| fingerprint(item) == original);
        if copy.revision != read_revision && !still_same {
            return conflict(&account, &uri, &key, &Target::Existing(path), &copy, current, values);
        }
        let Some(current) = current else {
            return existing(&copy, &path, &chrome).map(|_| StatusCode::OK.into_response());
        };
        let mut item = current.clone();
        if let Err(errors) = item.apply(&values, context(&copy)) {
            let form = FormState::refused(current, values, errors, read_revision, original, &copy);
            return item_form(&account, &uri, &key, &Target::Existing(path), form);
        }
        label_target(&state, &key, &path, Some(&current), &mut item, &copy.content).await;
        let mut content = copy.content.clone();
        edit::replace(&mut content, &path, item).map_err(|e| WebError::NotFound(e.to_string())).or_page(&chrome)?;
        match commit(&state, &account, &copy, &content, &path.to_string(), &chrome).await? {
            Ok(response) => return Ok(response),
            // Someone saved between our read and our write: read again and decide again.
            Err(_) => continue,
        }
    }
    Err(WebError::Conflict(work_words(account.lang).busy.to_string())).or_page(&chrome)
}

fn conflict(
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    target: &Target,
    copy: &WorkingCopy,
    current: Option<Item>,
    values: FormValues,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, uri, work_words(account.lang).conflict_title);
    let Some(current) = current else {
        return Err(WebError::Conflict(match account.lang {
            Lang::Ja => "この項目はほかの人が削除または移動しました。編集画面を読み込み直してください。".into(),
            Lang::En => "someone else removed or moved this item: reload the editor.".into(),
        }))
        .or_page(&chrome);
    };
    let form = FormState {
        conflict: field_texts(&current, account.lang),
        values,
        errors: Vec::new(),
        status: StatusCode::CONFLICT,
        original: fingerprint(&current),
        revision: copy.revision,
        item: current,
        copy,
    };
    item_form(account, uri, key, target, form)
}

pub async fn create_item(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, work_words(account.lang).add)?;
    let (parent, collection) = new_target(get(&form, "parent"), get(&form, "collection"), &chrome)?;
    let values = form_values(&form);
    for attempt in 0..SAVE_ATTEMPTS {
        back_off(attempt).await;
        let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
        unlocked(&copy, &account, &chrome)?;
        let fresh = edit::new_item(&copy.content, &parent, collection)
            .map_err(|e| WebError::NotFound(e.to_string()))
            .or_page(&chrome)?;
        let mut item = fresh.clone();
        if let Err(errors) = item.apply(&values, context(&copy)) {
            let form = FormState::refused(fresh, values, errors, copy.revision, String::new(), &copy);
            return item_form(&account, &uri, &key, &Target::New(parent, collection), form);
        }
        let mut content = copy.content.clone();
        let placeholder = parent.child(collection, 0);
        label_target(&state, &key, &placeholder, None, &mut item, &copy.content).await;
        let path = edit::insert(&mut content, &parent, collection, item)
            .map_err(|e| WebError::NotFound(e.to_string()))
            .or_page(&chrome)?;
        if let Ok(response) = commit(&state, &account, &copy, &content, &path.to_string(), &chrome).await? {
            return Ok(response);
        }
    }
    Err(WebError::Conflict(work_words(account.lang).busy.to_string())).or_page(&chrome)
}

/// Checks that the item a structural form names is still the one the editor saw.
fn same_item(
    copy: &WorkingCopy,
    path: &ItemPath,
    original: Option<&str>,
    account: &Account,
    chrome: &Chrome,
) -> Result<Item, PageError> {
    let item = existing(copy, path, chrome)?;
    if Some(fingerprint(&item).as_str()) != original {
        let t = work_words(account.lang);
        return Err(WebError::Conflict(format!(
            "{} {}",
            t.conflict_title,
            match account.lang {
                Lang::Ja => "— 編集画面を読み込み直してから、もう一度操作してください。",
                Lang::En => "— reload the editor and try again.",
            }
        )))
        .or_page(chrome);
    }
    Ok(item)
}

pub async fn move_item(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, work_words(account.lang).edit)?;
    let path = parse_path(get(&form, "path"), &chrome)?;
    let offset: isize = if get(&form, "offset") == Some("-1") { -1 } else { 1 };
    let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
    unlocked(&copy, &account, &chrome)?;
    same_item(&copy, &path, get(&form, "original"), &account, &chrome)?;
    let mut content = copy.content.clone();
    let moved = edit::move_item(&mut content, &path, offset)
        .map_err(|e| WebError::BadRequest(e.to_string()))
        .or_page(&chrome)?;
    commit(&state, &account, &copy, &content, &moved.to_string(), &chrome)
        .await?
        .map_err(WebError::from)
        .or_page(&chrome)
}

#[derive(Template)]
#[template(path = "remove.html")]
struct RemovePage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    label: String,
    action: String,
    back: String,
    path: String,
    original: String,
}

pub async fn remove_page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<ItemQuery>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let work = Work::new(&account, &uri, t.remove_title);
    let key = policy_key(&city, &name, &year).or_page(&work.chrome)?;
    let copy = load(&state, &account, &key, Action::Edit, &work.chrome).await?;
    let path = parse_path(query.path.as_deref(), &work.chrome)?;
    let item = existing(&copy, &path, &work.chrome)?;
    let base = editor_url(work.prefix(), &key, "");
    let page = RemovePage {
        label: item_label(&item, account.lang),
        action: format!("{base}/remove"),
        back: format!("{base}#{}", crate::diff::anchor(&path.to_string())),
        path: path.to_string(),
        original: fingerprint(&item),
        chrome: &work.chrome,
        work: &work,
        t,
    };
    render_private(&page, &work.chrome, StatusCode::OK)
}

pub async fn remove_item(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, work_words(account.lang).remove)?;
    let path = parse_path(get(&form, "path"), &chrome)?;
    let copy = load(&state, &account, &key, Action::Edit, &chrome).await?;
    unlocked(&copy, &account, &chrome)?;
    same_item(&copy, &path, get(&form, "original"), &account, &chrome)?;
    let mut content = copy.content.clone();
    edit::remove(&mut content, &path).map_err(|e| WebError::BadRequest(e.to_string())).or_page(&chrome)?;
    let parent = path.split_last().map(|(parent, _, _)| parent.to_string()).unwrap_or_default();
    commit(&state, &account, &copy, &content, &parent, &chrome).await?.map_err(WebError::from).or_page(&chrome)
}

// History.

pub struct ChangeView {
    pub label: String,
    pub lines: Vec<(&'static str, String)>,
}

pub struct HistoryEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    heading: String,
    back: String,
    entries: Vec<HistoryEntry>,
}

fn action_label(action: &str, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match action {
        "import" => {
            if ja {
                "取り込み"
            } else {
                "import"
            }
        }
        "edit" => {
            if ja {
                "編集"
            } else {
                "edit"
            }
        }
        "publish" => {
            if ja {
                "公表"
            } else {
                "publish"
            }
        }
        "submit" => {
            if ja {
                "承認依頼"
            } else {
                "submit"
            }
        }
        "withdraw" => {
            if ja {
                "依頼の取消・差し戻し"
            } else {
                "withdraw or return"
            }
        }
        "create-draft" => {
            if ja {
                "素案の作成（前年度から）"
            } else {
                "draft started (roll-over)"
            }
        }
        other => other,
    }
    .to_string()
}

/// Whether a document field (`issues/1/strategies`) concerns the item at `path` (`issues/1/strategies/2`).
fn concerns(field: &str, path: &str) -> bool {
    path.is_empty() || field == path || field.starts_with(&format!("{path}/")) || path.starts_with(&format!("{field}/"))
}

pub async fn history(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<ItemQuery>,
) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let work = Work::new(&account, &uri, t.history);
    let key = policy_key(&city, &name, &year).or_page(&work.chrome)?;
    let copy = load(&state, &account, &key, Action::ReadDrafts, &work.chrome).await?;
    let path = parse_path(query.path.as_deref(), &work.chrome)?;
    let path_text = path.to_string();
    let audit = store_page(state.store.policy_audit(&key, 500).await, &work.chrome)?;
    let w = words(lang);
    let mut entries = Vec::new();
    for entry in audit {
        let documents = (
            entry.before.as_deref().and_then(|json| hoshin_store::document::from_json(json).ok()),
            entry.after.as_deref().and_then(|json| hoshin_store::document::from_json(json).ok()),
        );
        let changes: Vec<ChangeView> = match (&entry.action[..], documents) {
            ("edit", (Some((before, _)), Some((after, _)))) => diff::diff(&before, &after)
                .into_iter()
                .filter(|change| concerns(&change.path, &path_text))
                .map(|change| ChangeView {
                    label: diff::field_label(&after, &change.path, w),
                    lines: change
                        .lines
                        .into_iter()
                        .filter_map(|line| match line {
                            Line::Same(_) => None,
                            Line::Added(text) => Some(("+", text)),
                            Line::Removed(text) => Some(("−", text)),
                        })
                        .collect(),
                })
                .collect(),
            _ => Vec::new(),
        };
        if entry.action == "edit" && changes.is_empty() && !path.is_root() {
            continue;
        }
        entries.push(HistoryEntry {
            at: display_time(&entry.at),
            actor: entry.actor,
            action: action_label(&entry.action, lang),
            changes,
        });
    }
    let label = edit::item(&copy.content, &path)
        .filter(|_| !path.is_root())
        .map_or_else(|| t.history_whole.to_string(), |item| item_label(&item, lang));
    let page = HistoryPage {
        heading: format!("{} — {label}", t.history),
        back: format!("{}#{}", editor_url(work.prefix(), &key, ""), crate::diff::anchor(&path_text)),
        entries,
        chrome: &work.chrome,
        work: &work,
        t,
    };
    render_private(&page, &work.chrome, StatusCode::OK)
}

// What a field reads as, for the script that shows it as the user types.

#[derive(Deserialize)]
pub struct PreviewQuery {
    reading: String,
    text: String,
    year: Option<i32>,
}

pub async fn preview(
    account: Account,
    Extension(_lang): Extension<Lang>,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let reading = match query.reading.as_str() {
        "money" => Reading::Money,
        "target" => Reading::Target,
        "measure" => Reading::Measure,
        other => {
            return WebError::BadRequest(format!("「{other}」 is not a reading: use money, target or measure"))
                .into_response()
        }
    };
    let Some(fiscal_year) = query.year.and_then(hoshin_core::FiscalYear::new) else {
        return WebError::BadRequest("give the policy's fiscal year as year=2025".into()).into_response();
    };
    match edit::preview(reading, &query.text, EditContext::new(fiscal_year), account.lang) {
        Ok(shown) => Json(serde_json::json!({ "ok": true, "shown": shown })).into_response(),
        Err(problem) => {
            Json(serde_json::json!({ "ok": false, "problem": problem.message(account.lang) })).into_response()
        }
    }
}
