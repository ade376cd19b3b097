//! The ward council loop on the public site: the ledger of opinions and responses per ward and year (with the
//! members' ratings and the feedback share), the Atom feed of each ward, and the opinion box with its
//! acknowledgement page. Staff and members' pages are in [`crate::workspace`].

mod words;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use hoshin_core::council::{
    check_text, feedback_share, summarize, OpinionAuthor, OpinionSource, OpinionState, MAX_OPINION_CHARS, SCORES,
};
use hoshin_core::edit::{self, ItemPath};
use hoshin_core::{FiscalYear, Lang, Organization, PolicyContent};
use hoshin_store::{
    CouncilEvent, CouncilFeedback, CouncilRating, EventKind, NewOpinion, Opinion, OpinionFilter, PolicyKey,
};
use serde::Deserialize;

pub use words::{council_words, CouncilWords};

use crate::links::{organization_from_path, organization_path};
use crate::pages::{fiscal_year_param, organization_policies, render, Chrome, OrPage, PageError};
use crate::{auth, AppState, ClientAddr, WebError};

/// Opinion box posts allowed per client address within [`crate::auth::RecentEvents`]' hour.
pub const OPINION_POSTS_PER_HOUR: usize = 5;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/council/{city}/{name}", get(ledger))
        .route("/council/{city}/{name}/feed.atom", get(feed))
        .route("/opinion-box/{city}/{name}", get(opinion_box).post(send_opinion))
        .route("/opinion-box/{city}/{name}/thanks", get(thanks))
}

/// The council pages' URLs.
pub fn ledger_url(prefix: &str, organization: &Organization, year: Option<FiscalYear>) -> String {
    let base = format!("{prefix}/council/{}", organization_path(organization));
    match year {
        Some(year) => format!("{base}?year={}", year.start_year()),
        None => base,
    }
}

pub fn opinion_box_url(prefix: &str, organization: &Organization) -> String {
    format!("{prefix}/opinion-box/{}", organization_path(organization))
}

/// 「経営課題1 …」, 「アウトカム指標 ① …」, or the whole policy, for an item path of `content`.
pub fn item_text(content: Option<&PolicyContent>, path: &str, lang: Lang) -> String {
    let item = ItemPath::parse(path).filter(|path| !path.is_root()).and_then(|path| edit::item(content?, &path));
    match item {
        Some(item) => crate::workspace::item_label(&item, lang),
        None if path.is_empty() => council_words(lang).whole_policy.to_string(),
        None => path.to_string(),
    }
}

/// Who gave an opinion, as the ledger shows it: a member by name, anyone else only by kind.
pub fn author_text(opinion: &Opinion, lang: Lang) -> String {
    match (&opinion.member, opinion.author) {
        (Some((_, name)), _) => format!("{}（{}）", name, OpinionAuthor::Member.label(lang)),
        (None, author) => author.label(lang).to_string(),
    }
}

pub fn source_text(opinion: &Opinion, lang: Lang) -> String {
    match &opinion.meeting {
        Some((_, held_on, title)) => format!("{title}（{held_on}）"),
        None => opinion.source.label(lang).to_string(),
    }
}

pub struct OpinionView {
    pub id: i64,
    pub received: String,
    pub source: String,
    pub author: String,
    pub item: String,
    pub item_href: String,
    pub text: String,
    pub about: String,
    pub status: Option<String>,
    pub response: Option<String>,
    pub landed: Option<(String, String)>,
}

pub fn opinion_view(opinion: &Opinion, content: Option<&PolicyContent>, chrome: &Chrome) -> OpinionView {
    let lang = chrome.lang;
    let links = &chrome.links;
    let policy = links.policy(&opinion.key);
    let version_text = |version: &hoshin_store::VersionRef| {
        format!("{} {}", version.fiscal_year.label(lang), version.stage.label(lang))
    };
    OpinionView {
        id: opinion.id,
        received: opinion.received_at.get(..10).unwrap_or(&opinion.received_at).to_string(),
        source: source_text(opinion, lang),
        author: author_text(opinion, lang),
        item: item_text(content, &opinion.item_path, lang),
        item_href: if opinion.item_path.is_empty() {
            policy.clone()
        } else {
            format!("{policy}#{}", crate::diff::anchor(&opinion.item_path))
        },
        text: opinion.text.clone(),
        about: opinion.version.as_ref().map(version_text).unwrap_or_default(),
        status: opinion.response.as_ref().map(|response| response.status.label(lang).to_string()),
        response: opinion.response.as_ref().map(|response| response.text.clone()),
        landed: opinion.response.as_ref().and_then(|response| response.reflected_in.as_ref()).map(|version| {
            let key = PolicyKey { organization: opinion.key.organization.clone(), fiscal_year: version.fiscal_year };
            (version_text(version), links.policy_version(&key, version.seq))
        }),
    }
}

pub struct RatingView {
    pub issue: String,
    pub count: usize,
    pub mean: String,
    /// (score label, count) best first.
    pub distribution: Vec<(String, usize)>,
    pub comments: Vec<String>,
}

/// Members' ratings per issue, summarised.
pub fn rating_views(ratings: &[CouncilRating], lang: Lang) -> Vec<RatingView> {
    let mut by_issue: BTreeMap<&str, Vec<&CouncilRating>> = BTreeMap::new();
    for rating in ratings {
        by_issue.entry(rating.issue.as_str()).or_default().push(rating);
    }
    by_issue
        .into_iter()
        .map(|(issue, ratings)| {
            let scores: Vec<u8> = ratings.iter().map(|rating| rating.score).collect();
            let summary = summarize(&scores);
            RatingView {
                issue: issue.to_string(),
                count: summary.count,
                mean: summary.mean_text(),
                distribution: SCORES
                    .iter()
                    .zip(summary.distribution)
                    .map(|(score, n)| (format!("{score} {}", hoshin_core::council::score_label(*score, lang)), n))
                    .collect(),
                comments: ratings.iter().filter_map(|rating| rating.comment.clone()).collect(),
            }
        })
        .collect()
}

/// The feedback share as text: 「83.3%（10/12人）」, or `None` without answers.
pub fn feedback_text(feedback: &[CouncilFeedback], lang: Lang) -> Option<String> {
    let yes = feedback.iter().filter(|answer| answer.answer).count();
    let share = feedback_share(yes, feedback.len())?;
    Some(match lang {
        Lang::Ja => format!("{}（{}人中{}人）", share.original, feedback.len(), yes),
        Lang::En => format!("{} ({yes} of {})", share.original, feedback.len()),
    })
}

#[derive(Template)]
#[template(path = "council.html")]
struct LedgerPage {
    chrome: Chrome,
    c: &'static CouncilWords,
    heading: String,
    organization: String,
    organization_href: String,
    years: Vec<(String, String, bool)>,
    year: String,
    opinions: Vec<OpinionView>,
    ratings: Vec<RatingView>,
    feedback: Option<String>,
    members: Vec<(String, String)>,
    meetings: Vec<(String, String, String, Option<String>)>,
    feed_href: String,
    box_href: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// The published policy years of an organization, newest first, and the newest; a 404 page when there is
/// none.
async fn policy_years(
    state: &AppState,
    organization: &Organization,
    chrome: &Chrome,
) -> Result<(FiscalYear, Vec<FiscalYear>), PageError> {
    let policies = organization_policies(state, organization, chrome).await?;
    let years: Vec<FiscalYear> = policies.into_iter().map(|row| row.summary.key.fiscal_year).collect();
    match years.first() {
        Some(&newest) => Ok((newest, years)),
        None => Err(crate::pages::not_found_page(chrome, organization.name.clone())),
    }
}

pub async fn ledger(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    Query(query): Query<YearQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let c = council_words(lang);
    let organization = organization_from_path(&city, &name);
    let heading = format!("{} {}", organization.name, c.council);
    let chrome = Chrome::new(lang, &uri, heading.clone());
    let (newest, years) = policy_years(&state, &organization, &chrome).await?;
    let year = match query.year.as_deref() {
        Some(text) => fiscal_year_param(text).or_page(&chrome)?,
        None => newest,
    };
    let key = PolicyKey { organization: organization.clone(), fiscal_year: year };
    let content = state.store.latest(&key).await.ok().map(|stored| stored.content);
    let filter = OpinionFilter {
        organization: Some(organization.clone()),
        fiscal_year: Some(year),
        state: Some(OpinionState::Published),
    };
    let opinions = state.store.opinions(&filter).await.or_page(&chrome)?;
    let ratings = state.store.council_ratings(&organization, year).await.or_page(&chrome)?;
    let feedback = state.store.council_feedback(&organization, year).await.or_page(&chrome)?;
    let members = state.store.council_members(&organization).await.or_page(&chrome)?;
    let meetings = state.store.meetings(&organization).await.or_page(&chrome)?;
    let prefix = chrome.links.prefix();
    let page = LedgerPage {
        heading,
        organization_href: chrome.links.organization(&organization),
        organization: organization.name.clone(),
        years: years.iter().map(|y| (y.label(lang), ledger_url(prefix, &organization, Some(*y)), *y == year)).collect(),
        year: year.label(lang),
        opinions: opinions.iter().map(|opinion| opinion_view(opinion, content.as_ref(), &chrome)).collect(),
        ratings: rating_views(&ratings, lang),
        feedback: feedback_text(&feedback, lang),
        members: members.iter().map(|member| (member.name.clone(), member.term.label(lang))).collect(),
        meetings: meetings
            .iter()
            .map(|m| (m.held_on.clone(), m.kind.label(lang).to_string(), m.title.clone(), m.minutes_url.clone()))
            .collect(),
        feed_href: format!("{}/feed.atom", ledger_url(prefix, &organization, None)),
        box_href: opinion_box_url(prefix, &organization),
        c,
        chrome,
    };
    render(&page, &page.chrome)
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The site's own address, for the absolute links an Atom feed needs.
fn site_base(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|value| value.to_str().ok()) == Some("https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// The title of an event in a feed or an inbox.
pub fn event_title(event: &CouncilEvent, lang: Lang) -> String {
    let c = council_words(lang);
    let policy = format!("{} {}", event.fiscal_year.label(lang), event.organization.name);
    match event.kind {
        EventKind::Version(stage) => format!("{}: {policy} {}", c.event_version, stage.label(lang)),
        EventKind::Opinion(OpinionState::Pending) => format!("{}: {policy}", c.event_pending),
        EventKind::Opinion(_) => format!("{}: {policy}", c.event_opinion),
        EventKind::Response(status) => format!("{}（{}）: {policy}", c.event_response, status.label(lang)),
    }
}

/// Where an event leads on the public site.
pub fn event_href(event: &CouncilEvent, links: &crate::Links) -> String {
    let key = PolicyKey { organization: event.organization.clone(), fiscal_year: event.fiscal_year };
    match event.kind {
        EventKind::Version(_) => links.policy_version(&key, event.id),
        EventKind::Opinion(_) | EventKind::Response(_) => {
            format!("{}#opinion-{}", ledger_url(links.prefix(), &event.organization, Some(event.fiscal_year)), event.id)
        }
    }
}

pub async fn feed(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let c = council_words(lang);
    let organization = organization_from_path(&city, &name);
    let chrome = Chrome::new(lang, &uri, c.council);
    policy_years(&state, &organization, &chrome).await?;
    let events = state.store.council_events(Some(&organization), false, 50).await.or_page(&chrome)?;
    let base = site_base(&headers);
    let links = chrome.links;
    let self_href = format!("{base}{}/feed.atom", ledger_url(links.prefix(), &organization, None));
    let updated = events.first().map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |event| event.at.clone());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
         <title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<link href=\"{}\"/>\n<updated>{}</updated>\n",
        lang.code(),
        xml_escape(&format!("{} {} — {}", organization.name, c.council, c.feed)),
        xml_escape(&self_href),
        xml_escape(&self_href),
        xml_escape(&format!("{base}{}", ledger_url(links.prefix(), &organization, None))),
        xml_escape(&updated),
    );
    for event in &events {
        let kind = match event.kind {
            EventKind::Version(_) => "version",
            EventKind::Opinion(_) => "opinion",
            EventKind::Response(_) => "response",
        };
        let href = format!("{base}{}", event_href(event, &links));
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n<summary>{}</summary>\n</entry>\n",
            xml_escape(&event_title(event, lang)),
            xml_escape(&format!("{self_href}#{kind}-{}-{}", event.id, event.at)),
            xml_escape(&href),
            xml_escape(&event.at),
            xml_escape(&event.text.chars().take(200).collect::<String>()),
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

#[derive(Template)]
#[template(path = "opinion_box.html")]
struct OpinionBoxPage {
    chrome: Chrome,
    c: &'static CouncilWords,
    heading: String,
    action: String,
    ledger_href: String,
    years: Vec<(i32, String, bool)>,
    items: Vec<(String, String, bool)>,
    resident: bool,
    text: String,
    contact: String,
    error: Option<String>,
    max: usize,
}

struct BoxForm {
    year: Option<FiscalYear>,
    item: String,
    resident: bool,
    text: String,
    contact: String,
    error: Option<String>,
}

async fn box_page(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    organization: &Organization,
    form: BoxForm,
    status: StatusCode,
) -> Result<Response, PageError> {
    let c = council_words(lang);
    let heading = format!("{} {}", organization.name, c.opinion_box);
    let chrome = Chrome::new(lang, uri, heading.clone());
    let (newest, years) = policy_years(state, organization, &chrome).await?;
    let chosen = form.year.unwrap_or(newest);
    let key = PolicyKey { organization: organization.clone(), fiscal_year: chosen };
    let content = state.store.latest(&key).await.ok().map(|stored| stored.content);
    let mut items = vec![(String::new(), c.whole_policy.to_string(), form.item.is_empty())];
    if let Some(content) = &content {
        for (at, _) in content.issues.iter().enumerate() {
            let path = ItemPath::root().child(edit::Collection::Issues, at).to_string();
            let selected = path == form.item;
            items.push((path.clone(), item_text(Some(content), &path, lang), selected));
        }
    }
    let prefix = chrome.links.prefix();
    let page = OpinionBoxPage {
        heading,
        action: opinion_box_url(prefix, organization),
        ledger_href: ledger_url(prefix, organization, None),
        years: years.iter().map(|y| (y.start_year(), y.label(lang), *y == chosen)).collect(),
        items,
        resident: form.resident,
        text: form.text,
        contact: form.contact,
        error: form.error,
        max: MAX_OPINION_CHARS,
        c,
        chrome,
    };
    let mut response = render(&page, &page.chrome)?;
    *response.status_mut() = status;
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn opinion_box(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let organization = organization_from_path(&city, &name);
    let form = BoxForm {
        year: None,
        item: String::new(),
        resident: true,
        text: String::new(),
        contact: String::new(),
        error: None,
    };
    box_page(&state, lang, &uri, &organization, form, StatusCode::OK).await
}

pub async fn send_opinion(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let c = council_words(lang);
    let organization = organization_from_path(&city, &name);
    let chrome = Chrome::new(lang, &uri, c.opinion_box);
    if !auth::same_origin(&headers) {
        return Err(WebError::Forbidden("cross-site form submissions are refused".into())).or_page(&chrome);
    }
    let get = |name: &str| form.iter().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str());
    let year = fiscal_year_param(get("year")).or_page(&chrome)?;
    let mut box_form = BoxForm {
        year: Some(year),
        item: get("item").to_string(),
        resident: get("residence") != "anonymous",
        text: get("text").to_string(),
        contact: get("contact").chars().take(200).collect(),
        error: None,
    };
    // A filled-in hidden field is a robot: accept quietly, store nothing.
    if !get("website").is_empty() {
        return Ok(
            Redirect::to(&format!("{}/thanks", opinion_box_url(chrome.links.prefix(), &organization))).into_response()
        );
    }
    let client = client.map_or_else(|| "local".to_string(), |Extension(ClientAddr(addr))| addr.ip().to_string());
    if state.opinion_posts.count(&client) >= OPINION_POSTS_PER_HOUR {
        box_form.error = Some(c.too_many_posts.to_string());
        return box_page(&state, lang, &uri, &organization, box_form, StatusCode::TOO_MANY_REQUESTS).await;
    }
    if let Err(problem) = check_text(&box_form.text, MAX_OPINION_CHARS) {
        box_form.error = Some(problem.message(lang));
        return box_page(&state, lang, &uri, &organization, box_form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if ItemPath::parse(&box_form.item).is_none() {
        return Err(WebError::BadRequest(format!("「{}」 is not an item of a policy", box_form.item))).or_page(&chrome);
    }
    let opinion = NewOpinion {
        key: PolicyKey { organization: organization.clone(), fiscal_year: year },
        item_path: box_form.item.clone(),
        author: if box_form.resident { OpinionAuthor::Citizen } else { OpinionAuthor::Anonymous },
        member_id: None,
        source: OpinionSource::OpinionBox,
        meeting_id: None,
        text: box_form.text.clone(),
        contact: Some(box_form.contact.clone()),
    };
    state.opinion_posts.record(&client);
    state.store.add_opinion(&opinion, "").await.or_page(&chrome)?;
    Ok(Redirect::to(&format!("{}/thanks", opinion_box_url(chrome.links.prefix(), &organization))).into_response())
}

#[derive(Template)]
#[template(path = "opinion_thanks.html")]
struct ThanksPage {
    chrome: Chrome,
    c: &'static CouncilWords,
    ledger_href: String,
}

pub async fn thanks(
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let c = council_words(lang);
    let organization = organization_from_path(&city, &name);
    let chrome = Chrome::new(lang, &uri, c.thanks_title);
    let page = ThanksPage { ledger_href: ledger_url(chrome.links.prefix(), &organization, None), c, chrome };
    render(&page, &page.chrome)
}
