//! The council loop for staff and members. Ward staff keep the records (members, meetings, opinions given at
//! meetings, moderation of the opinion box, the ward's responses) and offer the feedback share as an
//! indicator's actual; council members give opinions on items of their ward's drafts and rate the results;
//! everyone signed in has an inbox of what happened in their organization.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use hoshin_core::council::{
    feedback_share, is_feedback_indicator, mask_personal_data, personal_data, MeetingKind, OpinionAuthor,
    OpinionSource, OpinionState, ResponseStatus, Term, SCORES,
};
use hoshin_core::edit::{self, OutlineEntry};
use hoshin_core::{Action, Lang};
use hoshin_store::{
    Moderation, NewCouncilMember, NewMeeting, NewOpinion, NewResponse, Opinion, OpinionFilter, PolicyKey, WorkingCopy,
};
use serde::Deserialize;

use super::forms::get;
use super::{editor_url, policy_key, posted, render_private, see_other, store_page, Account, Work};
use crate::council::{
    council_words, event_href, event_title, feedback_text, item_text, ledger_url, opinion_view, rating_views,
    CouncilWords, OpinionView, RatingView,
};
use crate::pages::{page_error, Chrome, OrPage, PageError};
use crate::{AppState, WebError};

fn council_url(prefix: &str, key: &PolicyKey) -> String {
    editor_url(prefix, key, "/council")
}

/// The items of a policy as (path, label), the policy itself first.
fn item_options(content: &hoshin_core::PolicyContent, lang: Lang) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), council_words(lang).whole_policy.to_string())];
    for entry in edit::outline(content) {
        if let OutlineEntry::Item { path, .. } = entry {
            if !path.is_root() {
                let text = path.to_string();
                options.push((
                    text.clone(),
                    format!("{}{}", "　".repeat(path.depth() - 1), item_text(Some(content), &text, lang)),
                ));
            }
        }
    }
    options
}

fn invalid(message: String, chrome: &Chrome) -> PageError {
    page_error(chrome, WebError::BadRequest(message))
}

/// The policy a council page is about and the chrome of the page, titled 「FY ward — what」.
fn council_page(
    account: &Account,
    uri: &Uri,
    (city, name, year): &(String, String, String),
    what: &str,
) -> Result<(PolicyKey, Work), PageError> {
    let lang = account.lang;
    let key = policy_key(city, name, year).or_page(&Chrome::new(lang, uri, what))?;
    let heading = format!("{} {} — {what}", key.fiscal_year.label(lang), key.organization.name);
    Ok((key, Work::new(account, uri, heading)))
}

// Staff: the records page.

pub struct PendingView {
    pub id: i64,
    pub received: String,
    pub item: String,
    pub text: String,
    pub suggestion: String,
    pub personal: bool,
    pub contact: Option<String>,
    pub author: String,
}

pub struct AnsweredView {
    pub view: OpinionView,
    pub status: String,
    pub response: String,
}

#[derive(Template)]
#[template(path = "council_records.html")]
struct RecordsPage<'a> {
    saved: bool,
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static super::WorkWords,
    c: &'static CouncilWords,
    heading: String,
    base: String,
    ledger_href: String,
    pending: Vec<PendingView>,
    opinions: Vec<AnsweredView>,
    statuses: Vec<(&'static str, &'static str)>,
    versions: Vec<(i64, String)>,
    items: Vec<(String, String)>,
    members: Vec<(i64, String, String, Option<String>)>,
    meetings: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    ratings: Vec<RatingView>,
    feedback: Option<String>,
    offer: Option<String>,
    this_year: i32,
}

#[derive(Deserialize)]
pub struct Notice {
    saved: Option<String>,
}

pub async fn records(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let lang = account.lang;
    let c = council_words(lang);
    let (key, work) = council_page(&account, &uri, &params, c.council_records)?;
    let chrome = &work.chrome;
    account.require(Action::ManageCouncil, Some(&key.organization), chrome)?;
    let copy = store_page(state.store.working_copy(&key).await, chrome)?;
    let organization = &key.organization;
    let all = store_page(
        state
            .store
            .opinions(&OpinionFilter { organization: Some(organization.clone()), ..OpinionFilter::default() })
            .await,
        chrome,
    )?;
    let pending = all
        .iter()
        .filter(|opinion| opinion.state == OpinionState::Pending)
        .map(|opinion| PendingView {
            id: opinion.id,
            received: opinion.received_at.get(..16).unwrap_or(&opinion.received_at).replace('T', " "),
            item: format!("{} {}", opinion.key.fiscal_year.label(lang), item_text(None, &opinion.item_path, lang)),
            text: opinion.text.clone(),
            suggestion: mask_personal_data(&opinion.text),
            personal: !personal_data(&opinion.text).is_empty(),
            contact: opinion.contact.clone(),
            author: opinion.author.label(lang).to_string(),
        })
        .collect();
    let opinions = all
        .iter()
        .filter(|opinion| opinion.state == OpinionState::Published && opinion.key.fiscal_year == key.fiscal_year)
        .map(|opinion| AnsweredView {
            view: opinion_view(opinion, Some(&copy.content), chrome),
            status: opinion.response.as_ref().map_or("", |response| response.status.code()).to_string(),
            response: opinion.response.as_ref().map(|response| response.text.clone()).unwrap_or_default(),
        })
        .collect();
    let mut versions = Vec::new();
    for year in [Some(key.fiscal_year), key.fiscal_year.next()].into_iter().flatten() {
        let policy = PolicyKey { organization: organization.clone(), fiscal_year: year };
        if let Ok(list) = state.store.versions(&policy).await {
            versions.extend(list.iter().map(|v| (v.id, format!("{} {}", year.label(lang), v.stage.label(lang)))));
        }
    }
    let members = store_page(state.store.council_members(organization).await, chrome)?;
    let meetings = store_page(state.store.meetings(organization).await, chrome)?;
    let ratings = store_page(state.store.council_ratings(organization, key.fiscal_year).await, chrome)?;
    let feedback = store_page(state.store.council_feedback(organization, key.fiscal_year).await, chrome)?;
    let has_feedback_indicator = copy
        .content
        .issues
        .iter()
        .flat_map(|issue| &issue.indicators)
        .any(|indicator| is_feedback_indicator(&indicator.wording));
    let yes = feedback.iter().filter(|answer| answer.answer).count();
    let base = editor_url(chrome.links.prefix(), &key, "");
    let page = RecordsPage {
        heading: chrome.title.clone(),
        saved: notice.saved.is_some(),
        ledger_href: ledger_url(chrome.links.prefix(), organization, Some(key.fiscal_year)),
        pending,
        opinions,
        statuses: ResponseStatus::ALL.iter().map(|status| (status.code(), status.label(lang))).collect(),
        versions,
        items: item_options(&copy.content, lang),
        members: members
            .iter()
            .map(|member| (member.id, member.name.clone(), member.term.label(lang), member.user.clone()))
            .collect(),
        meetings: meetings
            .iter()
            .map(|meeting| (meeting.id, format!("{} {}", meeting.held_on, meeting.title)))
            .collect(),
        kinds: MeetingKind::ALL.iter().map(|kind| (kind.code(), kind.label(lang))).collect(),
        ratings: rating_views(&ratings, lang),
        feedback: feedback_text(&feedback, lang),
        offer: (has_feedback_indicator && copy.submitted.is_none())
            .then(|| feedback_share(yes, feedback.len()).map(|share| share.original))
            .flatten(),
        this_year: key.fiscal_year.start_year(),
        base,
        t: work.t,
        chrome,
        work: &work,
        c,
    };
    render_private(&page, chrome, StatusCode::OK)
}

/// What every records POST checks: CSRF, the policy, and that the account keeps this ward's records.
async fn records_post(
    account: &Account,
    uri: &Uri,
    params: &(String, String, String),
    form: &[(String, String)],
) -> Result<(Chrome, PolicyKey), PageError> {
    let (chrome, key) = posted(account, uri, params, form, council_words(account.lang).council_records)?;
    account.require(Action::ManageCouncil, Some(&key.organization), &chrome)?;
    Ok((chrome, key))
}

fn back(chrome: &Chrome, key: &PolicyKey, anchor: &str) -> Response {
    see_other(&format!("{}?saved=1#{anchor}", council_url(chrome.links.prefix(), key)))
}

fn id_of(form: &[(String, String)], name: &str, chrome: &Chrome) -> Result<Option<i64>, PageError> {
    match get(form, name).map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| invalid(format!("「{text}」 is not an id"), chrome)),
    }
}

fn optional(form: &[(String, String)], name: &str) -> Option<String> {
    get(form, name).map(str::trim).filter(|text| !text.is_empty()).map(str::to_string)
}

pub async fn add_member(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    let start = get(&form, "term_start").unwrap_or_default().trim();
    let term = start
        .parse()
        .ok()
        .and_then(Term::new)
        .ok_or_else(|| invalid(format!("「{start}」 is not a year a term starts in (2024)"), &chrome))?;
    let member = NewCouncilMember {
        organization: key.organization.clone(),
        name: get(&form, "name").unwrap_or_default().to_string(),
        term,
        user: optional(&form, "user"),
    };
    store_page(state.store.add_council_member(&member, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key, "members"))
}

pub async fn add_meeting(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    let date = get(&form, "held_on").unwrap_or_default().trim();
    let held_on = hoshin_core::era::parse_date(date)
        .ok_or_else(|| invalid(format!("「{date}」 is not a date (2025-01-20)"), &chrome))?;
    let kind = get(&form, "kind").and_then(MeetingKind::from_code).unwrap_or(MeetingKind::Plenary);
    let meeting = NewMeeting {
        organization: key.organization.clone(),
        held_on,
        kind,
        title: get(&form, "title").unwrap_or_default().to_string(),
        agenda: optional(&form, "agenda"),
        minutes_url: optional(&form, "minutes_url")
            .filter(|url| url.starts_with("https://") || url.starts_with("http://")),
    };
    store_page(state.store.add_meeting(&meeting, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key, "meetings"))
}

/// Staff record an opinion given at a meeting or another hearing, for a member or anyone else.
pub async fn enter_opinion(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    let member_id = id_of(&form, "member", &chrome)?;
    let meeting_id = id_of(&form, "meeting", &chrome)?;
    let opinion = NewOpinion {
        key: key.clone(),
        item_path: get(&form, "item").unwrap_or_default().to_string(),
        author: if member_id.is_some() { OpinionAuthor::Member } else { OpinionAuthor::Citizen },
        member_id,
        source: if meeting_id.is_some() { OpinionSource::Meeting } else { OpinionSource::Hearing },
        meeting_id,
        text: get(&form, "text").unwrap_or_default().to_string(),
        contact: None,
    };
    store_page(state.store.add_opinion(&opinion, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key, "opinions"))
}

pub async fn moderate(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    let id = id_of(&form, "id", &chrome)?.ok_or_else(|| invalid("no opinion was named".into(), &chrome))?;
    own_opinion(&state, id, &key, &chrome).await?;
    let decision = match get(&form, "decision") {
        Some("publish") => Moderation::Publish(get(&form, "text").unwrap_or_default().to_string()),
        _ => Moderation::Reject,
    };
    store_page(state.store.moderate_opinion(id, &decision, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key, "moderation"))
}

/// The opinion, when it is about this organization's policies.
async fn own_opinion(state: &AppState, id: i64, key: &PolicyKey, chrome: &Chrome) -> Result<Opinion, PageError> {
    let opinion = store_page(state.store.opinion(id).await, chrome)?;
    if opinion.key.organization != key.organization {
        return Err(invalid(format!("opinion {id} is about another organization"), chrome));
    }
    Ok(opinion)
}

pub async fn respond(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    let id = id_of(&form, "id", &chrome)?.ok_or_else(|| invalid("no opinion was named".into(), &chrome))?;
    own_opinion(&state, id, &key, &chrome).await?;
    let status = get(&form, "status")
        .and_then(ResponseStatus::from_code)
        .ok_or_else(|| invalid("choose what the ward did with the opinion".into(), &chrome))?;
    let response = NewResponse {
        status,
        text: get(&form, "text").unwrap_or_default().to_string(),
        reflected_version_id: id_of(&form, "version", &chrome)?,
    };
    store_page(state.store.respond_to_opinion(id, &response, &account.user.name).await, &chrome)?;
    Ok(back(&chrome, &key, &format!("opinion-{id}")))
}

/// Offers the feedback share as the actual of the working copy's feedback indicator, through the bulk
/// actuals preview.
pub async fn offer_actual(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = records_post(&account, &uri, &params, &form).await?;
    account.require(Action::Edit, Some(&key.organization), &chrome)?;
    let copy: WorkingCopy = store_page(state.store.working_copy(&key).await, &chrome)?;
    let feedback = store_page(state.store.council_feedback(&key.organization, key.fiscal_year).await, &chrome)?;
    let yes = feedback.iter().filter(|answer| answer.answer).count();
    let share = feedback_share(yes, feedback.len())
        .ok_or_else(|| invalid("no member has answered the feedback question for this year".into(), &chrome))?;
    let mut rows = vec![(1, vec!["課題番号".to_string(), "指標番号".to_string(), "実績値".to_string()])];
    for issue in &copy.content.issues {
        for (at, indicator) in issue.indicators.iter().enumerate() {
            if is_feedback_indicator(&indicator.wording) {
                let number = indicator.number.map_or(at + 1, |n| n as usize);
                rows.push((rows.len() + 1, vec![issue.id.to_string(), number.to_string(), share.original.clone()]));
            }
        }
    }
    if rows.len() == 1 {
        return Err(invalid("this policy has no council feedback indicator".into(), &chrome));
    }
    super::actuals::show_plan(&account, &uri, &key, &copy, &rows, String::new())
}

// Members: opinions on items and ratings of results.

#[derive(Template)]
#[template(path = "council_opinion.html")]
struct OpinionPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static super::WorkWords,
    c: &'static CouncilWords,
    heading: String,
    action: String,
    back: String,
    items: Vec<(String, String, bool)>,
    text: String,
    error: Option<String>,
    mine: Vec<OpinionView>,
}

#[derive(Deserialize)]
pub struct PathQuery {
    path: Option<String>,
}

async fn member_of(state: &AppState, account: &Account, key: &PolicyKey, chrome: &Chrome) -> Result<i64, PageError> {
    account.require(Action::Opine, Some(&key.organization), chrome)?;
    let member = store_page(state.store.council_member_of(&account.user.name).await, chrome)?;
    match member {
        Some(member) if member.organization == key.organization => Ok(member.id),
        _ => Err(WebError::Forbidden(council_words(account.lang).not_a_member.to_string())).or_page(chrome),
    }
}

async fn opinion_form(
    state: &AppState,
    account: &Account,
    uri: &Uri,
    key: &PolicyKey,
    chosen: &str,
    text: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let lang = account.lang;
    let c = council_words(lang);
    let heading = format!("{} {} — {}", key.fiscal_year.label(lang), key.organization.name, c.give_opinion);
    let work = Work::new(account, uri, heading.clone());
    let chrome = &work.chrome;
    let member_id = member_of(state, account, key, chrome).await?;
    let copy = store_page(state.store.working_copy(key).await, chrome)?;
    let mine = store_page(
        state
            .store
            .opinions(&OpinionFilter {
                organization: Some(key.organization.clone()),
                fiscal_year: Some(key.fiscal_year),
                state: None,
            })
            .await,
        chrome,
    )?;
    let page = OpinionPage {
        heading,
        action: editor_url(chrome.links.prefix(), key, "/opinion"),
        back: editor_url(chrome.links.prefix(), key, ""),
        items: item_options(&copy.content, lang)
            .into_iter()
            .map(|(path, label)| {
                let selected = path == chosen;
                (path, label, selected)
            })
            .collect(),
        text,
        error,
        mine: mine
            .iter()
            .filter(|opinion| opinion.member.as_ref().map(|m| m.0) == Some(member_id))
            .map(|opinion| opinion_view(opinion, Some(&copy.content), chrome))
            .collect(),
        t: work.t,
        chrome,
        work: &work,
        c,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_private(&page, chrome, status)
}

pub async fn opinion_page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(query): Query<PathQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(account.lang, &uri, council_words(account.lang).give_opinion);
    let key = policy_key(&city, &name, &year).or_page(&chrome)?;
    opinion_form(&state, &account, &uri, &key, query.path.as_deref().unwrap_or(""), String::new(), None).await
}

pub async fn give_opinion(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, council_words(account.lang).give_opinion)?;
    let member_id = member_of(&state, &account, &key, &chrome).await?;
    let item = get(&form, "item").unwrap_or_default().to_string();
    let text = get(&form, "text").unwrap_or_default().to_string();
    let opinion = NewOpinion {
        key: key.clone(),
        item_path: item.clone(),
        author: OpinionAuthor::Member,
        member_id: Some(member_id),
        source: OpinionSource::Hearing,
        meeting_id: None,
        text: text.clone(),
        contact: None,
    };
    match state.store.add_opinion(&opinion, &account.user.name).await {
        Ok(_) => Ok(see_other(&format!("{}?saved=1", editor_url(chrome.links.prefix(), &key, "/opinion")))),
        Err(hoshin_store::StoreError::Invalid(_)) => {
            let problem =
                hoshin_core::council::check_text(&text, hoshin_core::council::MAX_OPINION_CHARS).err().map_or_else(
                    || format!("「{item}」 is not an item of this policy"),
                    |problem| problem.message(account.lang),
                );
            opinion_form(&state, &account, &uri, &key, &item, text, Some(problem)).await
        }
        Err(other) => Err(WebError::from(other)).or_page(&chrome),
    }
}

pub struct IssueRating {
    pub issue: String,
    pub title: String,
    pub score: u8,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "council_ratings.html")]
struct RatingsPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static super::WorkWords,
    c: &'static CouncilWords,
    heading: String,
    action: String,
    back: String,
    issues: Vec<IssueRating>,
    scores: Vec<(u8, &'static str)>,
    feedback: Option<bool>,
    saved: bool,
}

pub async fn ratings_page(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let lang = account.lang;
    let c = council_words(lang);
    let (key, work) = council_page(&account, &uri, &params, c.rate_results)?;
    let chrome = &work.chrome;
    let member_id = member_of(&state, &account, &key, chrome).await?;
    let policy = store_page(state.store.latest(&key).await, chrome)?;
    let ratings = store_page(state.store.council_ratings(&key.organization, key.fiscal_year).await, chrome)?;
    let feedback = store_page(state.store.council_feedback(&key.organization, key.fiscal_year).await, chrome)?;
    let issues = policy
        .content
        .issues
        .iter()
        .map(|issue| {
            let id = issue.id.to_string();
            let mine = ratings.iter().find(|rating| rating.member_id == member_id && rating.issue == id);
            IssueRating {
                title: issue.title.clone(),
                score: mine.map_or(0, |rating| rating.score),
                comment: mine.and_then(|rating| rating.comment.clone()).unwrap_or_default(),
                issue: id,
            }
        })
        .collect();
    let page = RatingsPage {
        heading: chrome.title.clone(),
        action: editor_url(chrome.links.prefix(), &key, "/ratings"),
        back: editor_url(chrome.links.prefix(), &key, ""),
        issues,
        scores: SCORES.iter().map(|score| (*score, hoshin_core::council::score_label(*score, lang))).collect(),
        feedback: feedback.iter().find(|answer| answer.member_id == member_id).map(|answer| answer.answer),
        saved: notice.saved.is_some(),
        t: work.t,
        chrome,
        work: &work,
        c,
    };
    render_private(&page, chrome, StatusCode::OK)
}

pub async fn save_ratings(
    State(state): State<AppState>,
    account: Account,
    uri: Uri,
    Path(params): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (chrome, key) = posted(&account, &uri, &params, &form, council_words(account.lang).rate_results)?;
    let member_id = member_of(&state, &account, &key, &chrome).await?;
    let policy = store_page(state.store.latest(&key).await, &chrome)?;
    for issue in &policy.content.issues {
        let id = issue.id.to_string();
        let Some(score) = get(&form, &format!("score.{id}")).filter(|score| !score.is_empty()) else { continue };
        let score: u8 = score.parse().map_err(|_| invalid(format!("「{score}」 is not a rating"), &chrome))?;
        let comment = get(&form, &format!("comment.{id}"));
        store_page(
            state.store.rate_results(member_id, key.fiscal_year, &id, score, comment, &account.user.name).await,
            &chrome,
        )?;
    }
    if let Some(answer) = get(&form, "feedback").filter(|answer| !answer.is_empty()) {
        store_page(
            state.store.answer_feedback(member_id, key.fiscal_year, answer == "yes", &account.user.name).await,
            &chrome,
        )?;
    }
    Ok(see_other(&format!("{}?saved=1", editor_url(chrome.links.prefix(), &key, "/ratings"))))
}

// The inbox.

pub struct InboxEntry {
    pub at: String,
    pub title: String,
    pub href: String,
    pub text: String,
    pub new: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage<'a> {
    work: &'a Work,
    chrome: &'a Chrome,
    t: &'static super::WorkWords,
    c: &'static CouncilWords,
    entries: Vec<InboxEntry>,
}

pub async fn inbox(State(state): State<AppState>, account: Account, uri: Uri) -> Result<Response, PageError> {
    let lang = account.lang;
    let c = council_words(lang);
    let work = Work::new(&account, &uri, c.inbox);
    let chrome = &work.chrome;
    let scope = account.scope();
    let include_pending = account.can(Action::ManageCouncil, scope);
    let events = store_page(state.store.council_events(scope, include_pending, 100).await, chrome)?;
    let seen = store_page(state.store.inbox_seen(account.user.id).await, chrome)?;
    let entries = events
        .iter()
        .map(|event| InboxEntry {
            at: event.at.get(..16).unwrap_or(&event.at).replace('T', " "),
            title: event_title(event, lang),
            href: match event.kind {
                hoshin_store::EventKind::Opinion(OpinionState::Pending) => format!(
                    "{}#moderation",
                    council_url(
                        chrome.links.prefix(),
                        &PolicyKey { organization: event.organization.clone(), fiscal_year: event.fiscal_year }
                    )
                ),
                _ => event_href(event, &chrome.links),
            },
            text: event.text.chars().take(120).collect(),
            new: seen.as_deref().is_none_or(|seen| event.at.as_str() > seen),
        })
        .collect();
    if let Some(newest) = events.first() {
        store_page(state.store.mark_inbox_seen(account.user.id, &newest.at).await, chrome)?;
    }
    let page = InboxPage { t: work.t, chrome, work: &work, c, entries };
    render_private(&page, chrome, StatusCode::OK)
}
