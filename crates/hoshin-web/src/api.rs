//! The JSON API under `/api/v1`: organizations, policies (any stage), issues, indicators with their series,
//! comparisons and search. [`ROUTES`] lists every route once; the router is built from it and a test checks
//! that `openapi.json` documents exactly these. Lists are paginated (`limit`, `offset`, with `total` and the
//! `next` page's URL); errors are `{"error": {"code", "message"}}`; reads allow any origin (CORS).

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use hoshin_core::{organization_order, Lang, Organization, Rule};
use hoshin_store::{PolicyKey, SearchFilter, Series, Source, VersionInfo};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::links::{encode_query, organization_from_path, organization_path};
use crate::opendata::Row;
use crate::pages::fiscal_year_param;
use crate::wire::policy::{ContentJson, Context, IssueJson};
use crate::{AppState, WebError};

/// The OpenAPI document, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Every route of the API (relative to `/api/v1`), in OpenAPI's path syntax.
pub const ROUTES: &[&str] = &[
    "/organizations",
    "/organizations/{city}/{name}",
    "/organizations/{city}/{name}/indicators",
    "/policies",
    "/policies/{city}/{name}/{year}",
    "/policies/{city}/{name}/{year}/versions",
    "/policies/{city}/{name}/{year}/issues",
    "/indicators/{id}",
    "/common-indicators",
    "/compare/{key}/{year}",
    "/search",
    "/openapi.json",
];

fn handler(path: &str) -> MethodRouter<AppState> {
    match path {
        "/organizations" => get(organizations),
        "/organizations/{city}/{name}" => get(organization),
        "/organizations/{city}/{name}/indicators" => get(organization_indicators),
        "/policies" => get(policies),
        "/policies/{city}/{name}/{year}" => get(policy),
        "/policies/{city}/{name}/{year}/versions" => get(versions),
        "/policies/{city}/{name}/{year}/issues" => get(issues),
        "/indicators/{id}" => get(indicator),
        "/common-indicators" => get(common_indicators),
        "/compare/{key}/{year}" => get(compare),
        "/search" => get(search),
        "/openapi.json" => get(openapi),
        _ => get(|| async { WebError::NotFound("no such API route".into()) }),
    }
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for path in ROUTES {
        router = router.route(path, handler(path));
    }
    router.layer(axum::middleware::from_fn(cors))
}

/// Reads are open to every origin; a preflight is answered here.
async fn cors(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(request).await };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("etag"));
    if preflight {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("if-none-match, accept"));
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    }
    response
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `limit` and `offset` of a list.
#[derive(Deserialize, Default)]
pub struct PageParams {
    limit: Option<String>,
    offset: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

impl PageParams {
    fn read(&self) -> Result<(usize, usize), WebError> {
        let limit = match self.limit.as_deref().filter(|text| !text.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| WebError::BadRequest(format!("limit={text}: give a number from 1 to {MAX_LIMIT}")))?,
        };
        let offset = match self.offset.as_deref().filter(|text| !text.is_empty()) {
            None => 0,
            Some(text) => text.parse::<usize>().map_err(|_| {
                WebError::BadRequest(format!("offset={text}: give a number of items to skip (0 or more)"))
            })?,
        };
        Ok((limit, offset))
    }
}

/// A page of a list.
#[derive(Serialize)]
pub struct Paged<T: Serialize> {
    pub items: Vec<T>,
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    /// The URL of the next page, or null on the last.
    pub next: Option<String>,
}

/// `path` with the given query parameters that have a value, encoded.
fn with_query(path: &str, parameters: &[(&str, &Option<String>)]) -> String {
    let mut url = path.to_string();
    for (name, value) in parameters {
        if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{name}={}", encode_query(value)));
        }
    }
    url
}

fn paged<T: Serialize>(all: Vec<T>, limit: usize, offset: usize, base: &str) -> Paged<T> {
    let total = all.len();
    let items: Vec<T> = all.into_iter().skip(offset).take(limit).collect();
    let next = (offset + limit < total).then(|| {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}limit={limit}&offset={}", offset + limit)
    });
    Paged { items, total, limit, offset, next }
}

#[derive(Serialize)]
struct OrganizationJson {
    city: Option<String>,
    name: String,
    /// "ward" or "bureau".
    kind: &'static str,
    href: String,
    policies: Vec<PolicySummaryJson>,
}

#[derive(Serialize)]
struct PolicySummaryJson {
    city: Option<String>,
    organization: String,
    fiscal_year: i32,
    /// The latest published stage's code.
    stage: Option<&'static str>,
    versions: i64,
    indicators: u64,
    published_a: u64,
    published_b: u64,
    computed_a: u64,
    computed_b: u64,
    /// Indicators whose published and computed marks differ.
    differing: u64,
    href: String,
    page: String,
}

fn policy_href(key: &PolicyKey) -> String {
    format!("/api/v1/policies/{}/{}", organization_path(&key.organization), key.fiscal_year.start_year())
}

fn kind_code(organization: &Organization) -> &'static str {
    match organization.kind {
        hoshin_core::OrganizationKind::Ward => "ward",
        hoshin_core::OrganizationKind::Bureau => "bureau",
    }
}

async fn summaries(state: &AppState) -> Result<Vec<PolicySummaryJson>, WebError> {
    let mut overview = state.store.overview().await?;
    overview.sort_by(|a, b| {
        organization_order(&a.summary.key.organization)
            .cmp(&organization_order(&b.summary.key.organization))
            .then(a.summary.key.fiscal_year.cmp(&b.summary.key.fiscal_year))
    });
    let links = crate::Links::new(Lang::Ja);
    Ok(overview
        .into_iter()
        .map(|row| PolicySummaryJson {
            city: row.summary.key.organization.city.clone(),
            organization: row.summary.key.organization.name.clone(),
            fiscal_year: row.summary.key.fiscal_year.start_year(),
            stage: row.summary.latest_stage.map(|stage| stage.code()),
            versions: row.summary.versions,
            indicators: row.indicators,
            published_a: row.published_a,
            published_b: row.published_b,
            computed_a: row.computed_a,
            computed_b: row.computed_b,
            differing: row.differing,
            href: policy_href(&row.summary.key),
            page: links.policy(&row.summary.key),
        })
        .collect())
}

async fn organizations(State(state): State<AppState>, Query(page): Query<PageParams>) -> Result<Json<Value>, WebError> {
    let (limit, offset) = page.read()?;
    let all = organization_list(&state).await?;
    Ok(Json(json!(paged(all, limit, offset, "/api/v1/organizations"))))
}

async fn organization_list(state: &AppState) -> Result<Vec<OrganizationJson>, WebError> {
    let mut out: Vec<OrganizationJson> = Vec::new();
    for summary in summaries(state).await? {
        let organization = Organization::new(&summary.organization, summary.city.as_deref());
        match out.last_mut() {
            Some(last) if last.name == summary.organization && last.city == summary.city => last.policies.push(summary),
            _ => out.push(OrganizationJson {
                city: summary.city.clone(),
                name: summary.organization.clone(),
                kind: kind_code(&organization),
                href: format!("/api/v1/organizations/{}", organization_path(&organization)),
                policies: vec![summary],
            }),
        }
    }
    Ok(out)
}

async fn organization(
    State(state): State<AppState>,
    Path((city, name)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let wanted = organization_from_path(&city, &name);
    let found = organization_list(&state)
        .await?
        .into_iter()
        .find(|organization| organization.name == wanted.name && organization.city == wanted.city)
        .ok_or_else(|| WebError::NotFound(format!("no organization {city}/{name}")))?;
    let series = state.store.organization_series(&wanted).await?;
    let indicators: Vec<Value> = series
        .iter()
        .filter_map(|series| {
            let latest = series.points.last()?;
            Some(json!({
                "id": series.id,
                "common_key": series.common_key,
                "wording": latest.wording,
                "first_year": series.points.first().map(|point| point.fiscal_year.start_year()),
                "last_year": latest.fiscal_year.start_year(),
                "href": format!("/api/v1/indicators/{}", series.id),
            }))
        })
        .collect();
    let mut value = json!(found);
    value["indicators"] = json!(indicators);
    Ok(Json(value))
}

async fn organization_indicators(
    State(state): State<AppState>,
    Path((city, name)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let organization = organization_from_path(&city, &name);
    let series = state.store.organization_series(&organization).await?;
    if series.is_empty() {
        return Err(WebError::NotFound(format!("no indicators of {city}/{name}")));
    }
    Ok(Json(json!(series.iter().map(series_json).collect::<Vec<_>>())))
}

#[derive(Deserialize, Default)]
pub struct PolicyListParams {
    organization: Option<String>,
    year: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

async fn policies(
    State(state): State<AppState>,
    Query(params): Query<PolicyListParams>,
) -> Result<Json<Value>, WebError> {
    let (limit, offset) = PageParams { limit: params.limit.clone(), offset: params.offset.clone() }.read()?;
    let search = crate::pages::SearchParams {
        q: None,
        organization: params.organization.clone(),
        year: params.year.clone(),
        page: None,
    };
    let (filter, _) = search.filter()?;
    let all: Vec<PolicySummaryJson> = summaries(&state)
        .await?
        .into_iter()
        .filter(|summary| {
            filter.organization.as_ref().is_none_or(|organization| {
                organization.name == summary.organization && organization.city == summary.city
            }) && filter.fiscal_year.is_none_or(|year| year.start_year() == summary.fiscal_year)
        })
        .collect();
    let base = with_query("/api/v1/policies", &[("organization", &params.organization), ("year", &params.year)]);
    Ok(Json(json!(paged(all, limit, offset, &base))))
}

#[derive(Deserialize, Default)]
pub struct VersionParams {
    version: Option<String>,
    lang: Option<String>,
}

impl VersionParams {
    fn lang(&self) -> Result<Lang, WebError> {
        match self.lang.as_deref() {
            None | Some("") | Some("ja") => Ok(Lang::Ja),
            Some("en") => Ok(Lang::En),
            Some(other) => Err(WebError::BadRequest(format!("lang={other}: use ja or en"))),
        }
    }
}

#[derive(Serialize)]
struct VersionJson {
    seq: i64,
    stage: &'static str,
    created_at: String,
    author: String,
    /// "import" or "editor".
    source: &'static str,
    file_name: Option<String>,
    sha256: Option<String>,
}

impl VersionJson {
    fn new(version: &VersionInfo) -> VersionJson {
        let (source, file_name, sha256) = match &version.source {
            Source::Import { file_name, sha256 } => ("import", Some(file_name.clone()), Some(sha256.clone())),
            Source::Editor => ("editor", None, None),
        };
        VersionJson {
            seq: version.seq,
            stage: version.stage.code(),
            created_at: version.created_at.clone(),
            author: version.author.clone(),
            source,
            file_name,
            sha256,
        }
    }
}

fn key_from(city: &str, name: &str, year: &str) -> Result<PolicyKey, WebError> {
    Ok(PolicyKey { organization: organization_from_path(city, name), fiscal_year: fiscal_year_param(year)? })
}

/// The policy's versions and the one a request names (`?version=SEQ`, else the latest), with its content.
async fn chosen_version(
    state: &AppState,
    key: &PolicyKey,
    text: Option<&str>,
) -> Result<(Vec<VersionInfo>, VersionInfo, hoshin_store::StoredPolicy), WebError> {
    let versions = state.store.versions(key).await?;
    let chosen = crate::pages::pick_version(&versions, text, versions.last(), "version")?;
    let stored = state.store.version(chosen.id).await?;
    Ok((versions, chosen, stored))
}

async fn policy(
    State(state): State<AppState>,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(params): Query<VersionParams>,
) -> Result<Json<Value>, WebError> {
    let key = key_from(&city, &name, &year)?;
    let lang = params.lang()?;
    let (versions, chosen, stored) = chosen_version(&state, &key, params.version.as_deref()).await?;
    let context = Context { rule: Rule::default(), lang, pairings: &[] };
    Ok(Json(json!({
        "city": key.organization.city,
        "organization": key.organization.name,
        "fiscal_year": key.fiscal_year.start_year(),
        "version": VersionJson::new(&chosen),
        "versions": versions.iter().map(VersionJson::new).collect::<Vec<_>>(),
        "rule": Rule::default().name(),
        "content": ContentJson::new(&stored.content, &context),
    })))
}

async fn versions(
    State(state): State<AppState>,
    Path((city, name, year)): Path<(String, String, String)>,
) -> Result<Json<Value>, WebError> {
    let key = key_from(&city, &name, &year)?;
    let versions = state.store.versions(&key).await?;
    Ok(Json(json!(versions.iter().map(VersionJson::new).collect::<Vec<_>>())))
}

async fn issues(
    State(state): State<AppState>,
    Path((city, name, year)): Path<(String, String, String)>,
    Query(params): Query<VersionParams>,
) -> Result<Json<Value>, WebError> {
    let key = key_from(&city, &name, &year)?;
    let lang = params.lang()?;
    let (_, _, stored) = chosen_version(&state, &key, params.version.as_deref()).await?;
    let context = Context { rule: Rule::default(), lang, pairings: &[] };
    let issues: Vec<IssueJson> = ContentJson::new(&stored.content, &context).issues;
    Ok(Json(json!(issues)))
}

fn series_json(series: &Series) -> Value {
    json!({
        "id": series.id,
        "city": series.organization.city,
        "organization": series.organization.name,
        "common_key": series.common_key,
        "page": crate::Links::new(Lang::Ja).indicator(series.id),
        "points": series
            .points
            .iter()
            .map(|point| Row::new(&series.organization, series.id, series.common_key.as_deref(), point))
            .collect::<Vec<_>>(),
    })
}

async fn indicator(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("{id}: indicators are named by number")))?;
    Ok(Json(series_json(&state.store.series(id).await?)))
}

async fn common_indicators(State(state): State<AppState>) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(crate::pages::compare::all_common(state.store.as_ref())
        .await?
        .into_iter()
        .map(|(key, wording)| json!({ "key": key, "wording": wording }))
        .collect::<Vec<_>>())))
}

async fn compare(
    State(state): State<AppState>,
    Path((key, year)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let (common_key, wording) = crate::pages::compare::all_common(state.store.as_ref())
        .await?
        .into_iter()
        .find(|(common, _)| *common == key)
        .ok_or_else(|| WebError::NotFound(format!("{key}: not a common indicator; see /api/v1/common-indicators")))?;
    let fiscal_year = fiscal_year_param(&year)?;
    let rows = state.store.league_table(&common_key, fiscal_year).await?;
    Ok(Json(json!({
        "common_key": common_key,
        "wording": wording,
        "fiscal_year": fiscal_year.start_year(),
        "rows": rows
            .iter()
            .map(|row| {
                let mut value = json!(Row::new(&row.organization, row.series_id, Some(&common_key), &row.point));
                value["rank"] = if row.point.value.is_some() { json!(row.rank) } else { Value::Null };
                value
            })
            .collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, Default)]
pub struct SearchApiParams {
    q: Option<String>,
    organization: Option<String>,
    year: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

async fn search(State(state): State<AppState>, Query(params): Query<SearchApiParams>) -> Result<Json<Value>, WebError> {
    let q = params.q.clone().filter(|q| !q.trim().is_empty()).ok_or_else(|| {
        WebError::BadRequest("q: give the words to search for, e.g. ?q=防災 (two characters are enough)".into())
    })?;
    let (limit, offset) = PageParams { limit: params.limit.clone(), offset: params.offset.clone() }.read()?;
    let page = crate::pages::SearchParams {
        q: None,
        organization: params.organization.clone(),
        year: params.year.clone(),
        page: None,
    };
    let (filter, _): (SearchFilter, usize) = page.filter()?;
    let hits = state.store.search(&q, &filter, crate::pages::MAX_HITS).await?;
    let links = crate::Links::new(Lang::Ja);
    let items: Vec<Value> = hits
        .iter()
        .map(|hit| {
            json!({
                "city": hit.key.organization.city,
                "organization": hit.key.organization.name,
                "fiscal_year": hit.key.fiscal_year.start_year(),
                "version_id": hit.version_id,
                "field": hit.field,
                "snippet": hit.snippet,
                "score": hit.score,
                "href": policy_href(&hit.key),
                "page": format!("{}#{}", links.policy(&hit.key), crate::diff::anchor(&hit.field)),
            })
        })
        .collect();
    let base = with_query(
        "/api/v1/search",
        &[("q", &Some(q.clone())), ("organization", &params.organization), ("year", &params.year)],
    );
    let mut value = json!(paged(items, limit, offset, &base));
    value["query"] = json!(q);
    Ok(Json(value))
}
