//! The to-do list: for every working copy an account may read, what is missing before its next stage, grouped
//! by part of the work (actuals and marks, evaluation, targets, plan), with a count per policy so that city
//! staff see at a glance which organizations are complete.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use hoshin_core::edit::{self, ItemPath};
use hoshin_core::rollover::{checklist, Part};
use hoshin_core::Action;
use hoshin_store::PolicyKey;

use super::editor::{item_label, policy_title};
use super::{editor_url, render_private, store_page, work_words, Account, Work, WorkWords};
use crate::pages::{Chrome, PageError};
use crate::AppState;

pub struct TodoItem {
    pub href: String,
    pub item: String,
    pub message: String,
}

pub struct TodoPart {
    pub label: &'static str,
    pub items: Vec<TodoItem>,
}

pub struct TodoPolicy {
    pub anchor: String,
    pub year: i32,
    pub title: String,
    pub href: String,
    pub stage: &'static str,
    /// The count per part, in [`Part::ALL`] order.
    pub counts: Vec<usize>,
    pub total: usize,
    pub parts: Vec<TodoPart>,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    parts: Vec<&'static str>,
    policies: Vec<TodoPolicy>,
}

/// The fragment of a policy's section on the to-do page.
pub fn anchor(key: &PolicyKey) -> String {
    let organization = crate::links::organization_path(&key.organization).replace(['/', '%'], "");
    format!("todo-{organization}-{}", key.fiscal_year.start_year())
}

pub async fn page(State(state): State<AppState>, account: Account, uri: Uri) -> Result<Response, PageError> {
    let t = work_words(account.lang);
    let lang = account.lang;
    let work = Work::new(&account, &uri, t.todo);
    let drafts = store_page(state.store.drafts().await, &work.chrome)?;
    let mut policies = Vec::new();
    for draft in drafts.iter().filter(|draft| account.can(Action::ReadDrafts, Some(&draft.key.organization))) {
        let copy = store_page(state.store.working_copy(&draft.key).await, &work.chrome)?;
        let base = editor_url(work.prefix(), &draft.key, "");
        let can_edit = account.can(Action::Edit, Some(&draft.key.organization));
        let missing = checklist(&copy.content, draft.key.fiscal_year, copy.stage);
        let parts: Vec<TodoPart> = Part::ALL
            .into_iter()
            .map(|part| TodoPart {
                label: part.label(lang),
                items: missing
                    .iter()
                    .filter(|missing| missing.what.part() == part)
                    .map(|missing| {
                        let item = ItemPath::parse(&missing.path)
                            .and_then(|path| edit::item(&copy.content, &path))
                            .filter(|item| item.kind() != edit::ItemKind::Policy)
                            .map_or_else(|| t.outline.to_string(), |item| item_label(&item, lang));
                        TodoItem {
                            href: if can_edit {
                                format!("{base}/item?path={}", missing.path)
                            } else {
                                format!("{base}#{}", crate::diff::anchor(&missing.path))
                            },
                            item,
                            message: missing.what.message(lang),
                        }
                    })
                    .collect(),
            })
            .collect();
        policies.push(TodoPolicy {
            anchor: anchor(&draft.key),
            year: draft.key.fiscal_year.start_year(),
            title: policy_title(&draft.key, lang),
            href: base,
            stage: copy.stage.label(lang),
            counts: parts.iter().map(|part| part.items.len()).collect(),
            total: missing.len(),
            parts,
        });
    }
    // The newest year first, then by organization as the store orders them.
    policies.sort_by_key(|policy| std::cmp::Reverse(policy.year));
    let parts = Part::ALL.iter().map(|part| part.label(lang)).collect();
    let page = TodoPage { chrome: &work.chrome, work: &work, t, parts, policies };
    render_private(&page, &work.chrome, StatusCode::OK)
}
