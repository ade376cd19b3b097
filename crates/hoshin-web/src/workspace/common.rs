//! Common indicators for city administrators: the indicators of different organizations whose wordings are
//! alike, suggested by `hoshin_core::lineage::suggest_groups`, each confirmed or rejected by a person. A
//! confirmed group is compared across organizations on the comparison pages like the city's own common
//! indicators; a rejected one is not suggested again.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use hoshin_core::lineage::suggest_groups;
use hoshin_core::{Action, Organization};
use hoshin_store::CommonGroup;

use super::forms::get;
use super::{render_private, see_other, store_page, Account, Work, WorkWords};
use crate::pages::{page_error, Chrome, PageError};
use crate::{AppState, WebError};

pub struct Member {
    pub id: i64,
    pub organization: String,
    pub wording: String,
    pub href: String,
}

pub struct Suggestion {
    pub wording: String,
    pub members: Vec<Member>,
    pub ids: String,
}

#[derive(Template)]
#[template(path = "common.html")]
struct CommonPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static WorkWords,
    suggestions: Vec<Suggestion>,
    decided: Vec<(String, String, bool, String)>,
}

fn title(lang: hoshin_core::Lang) -> &'static str {
    match lang {
        hoshin_core::Lang::Ja => "共通指標の確認",
        hoshin_core::Lang::En => "Common indicators",
    }
}

pub async fn page(State(state): State<AppState>, account: Account, uri: Uri) -> Result<Response, PageError> {
    let work = Work::new(&account, &uri, title(account.lang));
    let chrome = &work.chrome;
    account.require(Action::ManageUsers, None, chrome)?;
    let groups = store_page(state.store.common_groups().await, chrome)?;
    let decided_ids: Vec<i64> = groups.iter().flat_map(|group| group.members.iter().copied()).collect();
    // Every organization's series that belong to no common indicator and to no decided group.
    let overview = store_page(state.store.overview().await, chrome)?;
    let mut organizations: Vec<Organization> = overview.into_iter().map(|row| row.summary.key.organization).collect();
    organizations.dedup();
    let mut candidates: Vec<(Organization, i64, String)> = Vec::new();
    for organization in &organizations {
        for series in store_page(state.store.organization_series(organization).await, chrome)? {
            if series.common_key.is_some() || decided_ids.contains(&series.id) {
                continue;
            }
            if let Some(latest) = series.points.last() {
                candidates.push((organization.clone(), series.id, latest.wording.clone()));
            }
        }
    }
    let items: Vec<(String, String)> =
        candidates.iter().map(|(organization, _, wording)| (organization.name.clone(), wording.clone())).collect();
    let suggestions = suggest_groups(&items)
        .into_iter()
        .map(|group| {
            let members: Vec<Member> = group
                .iter()
                .map(|&at| {
                    let (organization, id, wording) = &candidates[at];
                    Member {
                        id: *id,
                        organization: organization.name.clone(),
                        wording: wording.clone(),
                        href: chrome.links.indicator(*id),
                    }
                })
                .collect();
            Suggestion {
                wording: members[0].wording.clone(),
                ids: members.iter().map(|member| member.id.to_string()).collect::<Vec<_>>().join(","),
                members,
            }
        })
        .collect();
    let page = CommonPage {
        suggestions,
        decided: groups
            .into_iter()
            .map(|group| (group.key, group.wording, group.confirmed, group.decided_by))
            .collect(),
        t: work.t,
        chrome,
        work: &work,
    };
    render_private(&page, chrome, StatusCode::OK)
}

pub async fn decide(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, title(account.lang));
    account.check_csrf(get(&form, "csrf"), &chrome)?;
    account.require(Action::ManageUsers, None, &chrome)?;
    let members: Vec<i64> = get(&form, "members")
        .unwrap_or_default()
        .split(',')
        .map(|id| id.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(|_| page_error(&chrome, WebError::BadRequest("the members are series ids: 12,34".into())))?;
    let first = members.iter().min().copied().unwrap_or_default();
    let group = CommonGroup {
        key: format!("group-{first}"),
        wording: get(&form, "wording").unwrap_or_default().trim().to_string(),
        confirmed: get(&form, "decision") == Some("confirm"),
        members,
        decided_by: String::new(),
        decided_at: String::new(),
    };
    store_page(state.store.decide_common_group(&group, &account.user.name).await, &chrome)?;
    Ok(see_other(&format!("{}/admin/common", chrome.links.prefix())))
}
