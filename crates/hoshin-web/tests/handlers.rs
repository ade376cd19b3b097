//! Every page and API route, called without a socket on a store holding the four sample documents.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoshin_store::{DatabaseUrl, NewImport, PolicyKey, Source, Store};
use tokio::sync::OnceCell;
use tower::ServiceExt as _;

/// One store for all tests of this file (they only read).
async fn store() -> Arc<dyn Store> {
    static STORE: OnceCell<Arc<dyn Store>> = OnceCell::const_new();
    STORE
        .get_or_init(|| async {
            let path = std::env::temp_dir().join(format!("hoshin_web_test_{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            let store = hoshin_store::open(&DatabaseUrl::Sqlite(path)).await.unwrap();
            for (file_name, text) in samples() {
                store.import(import_of(&file_name, &text)).await.unwrap();
            }
            store
        })
        .await
        .clone()
}

fn samples() -> Vec<(String, String)> {
    hoshin_import::samples::SAMPLES
        .iter()
        .map(|sample| (sample.file_name.to_string(), sample.text.to_string()))
        .collect()
}

fn import_of(file_name: &str, text: &str) -> NewImport {
    let hints = hoshin_import::samples::sample(file_name).unwrap().hints();
    let parsed = hoshin_import::parse(text, &hints);
    let policy = parsed.policy().unwrap();
    NewImport {
        key: PolicyKey { organization: policy.organization, fiscal_year: policy.fiscal_year },
        stage: policy.stage,
        content: policy.content,
        era: parsed.era,
        source: Source::Import { file_name: file_name.into(), sha256: format!("sha-{file_name}") },
        author: "test".into(),
    }
}

struct Reply {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(path: &str) -> Reply {
    get_with(path, &[]).await
}

async fn get_with(path: &str, headers: &[(&str, &str)]) -> Reply {
    let service = hoshin_web::service(store().await);
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = service.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let content_type =
        headers.get(header::CONTENT_TYPE).map(|value| value.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, content_type, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn json(reply: &Reply) -> serde_json::Value {
    assert!(reply.content_type.starts_with("application/json"), "{}", reply.content_type);
    serde_json::from_str(&reply.body).unwrap()
}

const SUMIYOSHI: &str = "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";
const SUMIYOSHI_ORG: &str = "/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA";

/// The series id of an organization's indicator, found through the API.
async fn sumiyoshi_series() -> Vec<serde_json::Value> {
    let reply = get(&format!("/api/v1{SUMIYOSHI_ORG}")).await;
    json(&reply)["indicators"].as_array().unwrap().clone()
}

#[tokio::test]
async fn home_shows_every_policy_with_stage_and_marks() {
    let reply = get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("text/html"));
    assert!(reply.body.contains("<html lang=\"ja\">"));
    for ward in ["住吉区", "西区", "阿倍野区", "東淀川区"] {
        assert!(reply.body.contains(ward), "{ward}");
    }
    assert!(reply.body.contains("年度末評価") && reply.body.contains("確定"));
    assert!(reply.body.contains("令和6年度（2024年度）"));
    // Osaka's wards in the city's order: 西区 (6th) before 東淀川区 (13th), 阿倍野区 (19th), 住吉区 (21st).
    let position = |ward: &str| reply.body.find(&format!(">{ward}</a>")).unwrap();
    assert!(position("西区") < position("東淀川区") && position("阿倍野区") < position("住吉区"));
    let english = get("/en/").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("year-end evaluation"));
    assert!(english.body.contains("href=\"/en/policies/"), "English links stay English");
}

#[tokio::test]
async fn the_policy_page_lays_out_the_common_format() {
    let reply = get(SUMIYOSHI).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = &reply.body;
    for heading in
        ["区の目標", "使命", "経営課題1", "課題認識", "主な戦略", "アウトカム指標", "自己評価", "今後の方針", "予算"]
    {
        assert!(body.contains(heading), "{heading}");
    }
    // Sumiyoshi FY2024: 14 outcome indicators, each a row with an anchor, most with a link to their series.
    assert_eq!(body.matches("<tr id=\"issues-").count(), 14);
    assert!(body.matches("href=\"/indicators/").count() >= 14);
    assert!(body.contains("class=\"mark mark-A\"") && body.contains("class=\"mark mark-B\""));
    assert!(body.contains("<details><summary>判定の説明</summary>"));
    // The published stages and the JSON of this version.
    assert!(body.contains("年度末評価 (") && body.contains("/api/v1/policies/"));
    let english = get(&format!("/en{SUMIYOSHI}")).await;
    assert!(english.body.contains("Management issue") && english.body.contains("Outcome indicators"));
    assert!(english.body.contains("Target:") || english.body.contains("target"), "explanations in English");
}

#[tokio::test]
async fn stages_are_selectable_and_the_difference_is_shown() {
    assert_eq!(get(&format!("{SUMIYOSHI}?version=1")).await.status, StatusCode::OK);
    let missing = get(&format!("{SUMIYOSHI}?version=9")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("ページが見つかりません"));
    assert_eq!(get(&format!("{SUMIYOSHI}?version=x")).await.status, StatusCode::BAD_REQUEST);
    let same = get(&format!("{SUMIYOSHI}/diff?from=1&to=1")).await;
    assert_eq!(same.status, StatusCode::OK);
    assert!(same.body.contains("二つの段階に違いはありません"));
    assert_eq!(get(&format!("{SUMIYOSHI}/diff?from=1&to=5")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_organization_page_lists_policies_and_indicators() {
    let reply = get(SUMIYOSHI_ORG).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("<h1>住吉区"));
    assert!(reply.body.contains("年度別の運営方針") && reply.body.contains("指標と最新の状況"));
    assert!(reply.body.matches("href=\"/indicators/").count() >= 14);
    // 「住吉区の治安が良いと感じている」 fell from 81.8% to 78.2% against 80% by FY2028: at risk.
    let row = reply.body.split("<tr>").find(|row| row.contains("治安が良いと感じている")).unwrap();
    assert!(row.contains("要注意"), "{row}");
    let rising = reply.body.split("<tr>").find(|row| row.contains("様々な地域活動に気軽に参加できる")).unwrap();
    assert!(!rising.contains("要注意"), "{rising}");
    assert_eq!(
        get("/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E7%84%A1%E3%81%84%E5%8C%BA").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_indicator_page_draws_the_chart_and_explains_the_marks() {
    let series = sumiyoshi_series().await;
    let id = series[0]["id"].as_i64().unwrap();
    let reply = get(&format!("/indicators/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = &reply.body;
    assert!(body.contains("<svg") && body.contains("role=\"img\"") && body.contains("<desc id=\"chart-desc\">"));
    assert!(body.contains("<table id=\"values\">") && body.contains("<th scope=\"col\">区の評価</th>"));
    assert!(body.contains("class=\"explanation\""), "the judgment is explained");
    assert!(body.contains("指標名の変遷"));
    // Sumiyoshi's first indicator: 27.8% (FY2023) → 43.9% (FY2024) toward 55% by FY2028.
    let first = series
        .iter()
        .find(|series| series["wording"].as_str().unwrap().contains("様々な地域活動に気軽に参加できる"))
        .unwrap();
    let page = get(&format!("/indicators/{}", first["id"])).await;
    assert!(page.body.contains("id=\"projection\""), "{}", page.body);
    // The chart draws the expected-progress line and the projected trend out to FY2028 (R10).
    assert!(page.body.contains("<g class=\"outlook\"><line class=\"expected\""), "{}", page.body);
    assert!(page.body.contains(">R10</text>"));
    assert!(
        page.body.contains(
            "方法: 2年度分の実績に直線をあてはめ（最小二乗法）、令和10年度まで延ばしました（1年あたり+16.1%）"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("令和10年度の見込み 100.0%（割合のため0〜100%の範囲に収めた値）（目標 55%）: 目標に届く見込み"),
        "{}",
        page.body
    );
    assert_eq!(get("/indicators/99999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get("/indicators/abc").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn comparison_ranks_organizations_on_a_common_indicator() {
    let index = get("/compare").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("地域活動協議会を知っている区民の割合"));
    let reply = get("/compare/community-council-awareness/2024").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("<table id=\"league\">") && reply.body.contains("class=\"chart bars\""));
    // Nishi's plan measures it (「地域活動協議会を知っている区民アンケート回答者の割合」), with its own target.
    assert!(reply.body.contains(">西区</a>") && reply.body.contains("40%以上"));
    assert_eq!(get("/compare/no-such-indicator/2024").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get("/compare/community-council-awareness/someday").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_highlights_and_filters() {
    let reply = get("/search?q=%E9%98%B2%E7%81%BD").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("<mark>防災</mark>"));
    assert!(reply.body.contains("id=\"search-count\""));
    let filtered = get(
        "/search?q=%E5%9C%B0%E5%9F%9F&organization=%E5%A4%A7%E9%98%AA%E5%B8%82/%E9%98%BF%E5%80%8D%E9%87%8E%E5%8C%BA",
    )
    .await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(filtered.body.contains("阿倍野区 令和5年度"));
    assert!(!filtered.body.contains("住吉区 令和6年度"));
    // A query without letters says why, with a 200 page the user can correct.
    let punctuation = get("/search?q=%E3%80%81").await;
    assert!(punctuation.body.contains("role=\"alert\""));
    assert_eq!(get("/search?q=a&year=zz").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get("/search?q=a&page=0").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get("/search").await.status, StatusCode::OK);
}

#[tokio::test]
async fn open_data_files_and_the_dictionary() {
    let csv = get("/data/2024/indicators.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.body.starts_with("\u{feff}city,organization,fiscal_year,series_id"));
    assert_eq!(csv.body.lines().filter(|line| line.contains(",住吉区,2024,")).count(), 14);
    let data = json(&get("/data/2024/indicators.json").await);
    assert_eq!(data["columns"].as_array().unwrap().len(), hoshin_web::opendata::COLUMNS.len());
    assert!(data["rows"].as_array().unwrap().len() >= 14);
    let dictionary = get("/data/dictionary").await;
    for column in hoshin_web::opendata::COLUMNS {
        assert!(dictionary.body.contains(&format!("<code>{}</code>", column.name)), "{}", column.name);
    }
    assert_eq!(get("/data").await.status, StatusCode::OK);
    assert_eq!(get("/data/2024/other.csv").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get("/data/2024/indicators.xls").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get("/data/1999/indicators.csv").await.status, StatusCode::NOT_FOUND);
    let id = sumiyoshi_series().await[0]["id"].as_i64().unwrap();
    assert_eq!(get(&format!("/data/indicators/{id}.csv")).await.status, StatusCode::OK);
    assert_eq!(get("/data/compare/community-council-awareness/2024.csv").await.status, StatusCode::OK);
    // The year's package: every file at a stable URL.
    for file in ["indicators.csv", "indicators.json", "dictionary.csv", "LICENSE.txt", "README.txt"] {
        assert_eq!(get(&format!("/data/2024/{file}")).await.status, StatusCode::OK, "{file}");
    }
    assert!(get("/data/2024/LICENSE.txt").await.body.contains("出典"));
    assert!(get("/data").await.body.contains("/data/2024/LICENSE.txt"));
    assert_eq!(get("/data/2024/other.txt").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_document_audit_counts_findings_and_names_items_and_values() {
    let summary = get("/audit").await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(summary.body.contains("区の評価と判定の違い") && summary.body.contains("阿倍野区"));
    let abeno = get("/audit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E9%98%BF%E5%80%8D%E9%87%8E%E5%8C%BA").await;
    assert_eq!(abeno.status, StatusCode::OK);
    assert!(
        abeno.body.contains("令和3年度の区の評価Bと判定Aが異なります（実績 51.9%、目標 6年度までに70%以上）"),
        "{}",
        abeno.body
    );
    assert!(abeno.body.contains("#issues-1-detailed_strategies-1-outcome_indicators-1"), "linked to the item");
    assert!(get("/en/audit").await.body.contains("published and computed marks differ"));
    assert_eq!(get("/audit/x/y").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_ward_has_a_council_ledger_a_feed_and_an_opinion_box() {
    let ledger = get("/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA").await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(ledger.body.contains("意見と対応の一覧") && ledger.body.contains("opinion-box"));
    let english = get("/en/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA").await;
    assert!(english.body.contains("Opinions and responses"));
    let feed = get("/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/feed.atom").await;
    assert!(feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"") && feed.body.contains("運営方針を公表"));
    let opinion_box = get("/opinion-box/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA").await;
    assert!(opinion_box.body.contains("name=\"text\""));
    assert!(get(SUMIYOSHI_ORG).await.body.contains("/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA"));
    assert_eq!(get("/council/x/y").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_paths_get_a_helpful_404_and_no_url_gives_a_500() {
    let page = get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("ページが見つかりません") && page.body.contains("href=\"/search\""));
    let english = get("/en/no/such/page").await;
    assert!(english.body.contains("Page not found"));
    let api = get("/api/v1/no-such-route").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(json(&api)["error"]["code"], "not_found");
    for path in [
        "/policies/x/y/abc",
        "/policies/-/%E8%A5%BF%E5%8C%BA/2024",
        "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/99999",
        "/indicators/-1",
        "/indicators/99999999999999999999999",
        "/compare/%00/2024",
        "/static/nothing.css",
        "/search?q=%E9%98%B2&page=999999",
        "/api/v1/policies?limit=0",
        "/api/v1/policies?offset=-1",
        "/api/v1/search?q=",
        "/api/v1/indicators/x",
        "/data/indicators/x.csv",
        "/en",
        "/en/en/",
        "/council/x/y",
        "/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA?year=someday",
        "/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA?year=1900",
        "/council/x/y/feed.atom",
        "/opinion-box/x/y",
        "/opinion-box/x/y/thanks",
    ] {
        let reply = get(path).await;
        assert!(reply.status.is_client_error() || reply.status.is_success(), "{path}: {}", reply.status);
    }
}

#[tokio::test]
async fn static_files_and_security_headers() {
    let css = get("/static/hoshin.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css"));
    assert!(css.headers.get(header::CACHE_CONTROL).is_some());
    let js = get("/static/hoshin.js").await;
    assert!(js.body.len() < 2048, "the script stays small");
    let home = get("/").await;
    assert_eq!(home.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert!(home.headers.get(header::CONTENT_SECURITY_POLICY).is_some());
}

#[tokio::test]
async fn etags_revalidate_and_responses_compress() {
    let first = get("/api/v1/common-indicators").await;
    let tag = first.headers.get(header::ETAG).unwrap().to_str().unwrap().to_string();
    assert!(tag.starts_with("W/\""));
    let again = get_with("/api/v1/common-indicators", &[("if-none-match", &tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let other = get_with("/api/v1/common-indicators", &[("if-none-match", "W/\"other\"")]).await;
    assert_eq!(other.status, StatusCode::OK);
    let service = hoshin_web::service(store().await);
    let request = Request::builder().uri(SUMIYOSHI).header("accept-encoding", "gzip").body(Body::empty()).unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
}

#[tokio::test]
async fn api_lists_are_paginated_and_errors_have_stable_codes() {
    let page = json(&get("/api/v1/policies?limit=2").await);
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next"].as_str().unwrap().to_string();
    assert_eq!(next, "/api/v1/policies?limit=2&offset=2");
    let last = json(&get(&next).await);
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    assert!(last["next"].is_null());
    let filtered = json(&get("/api/v1/policies?year=2024").await);
    assert_eq!(filtered["total"], 2);
    let bad = get("/api/v1/policies?limit=5000").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&bad)["error"]["code"], "bad_request");
    assert!(json(&bad)["error"]["message"].as_str().unwrap().contains("1000"));
    let preflight = hoshin_web::service(store().await)
        .oneshot(Request::builder().method("OPTIONS").uri("/api/v1/organizations").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "*");
}

#[tokio::test]
async fn api_policy_has_every_field_and_marks() {
    let policy = json(&get(&format!("/api/v1{SUMIYOSHI}")).await);
    assert_eq!(policy["organization"], "住吉区");
    assert_eq!(policy["fiscal_year"], 2024);
    assert_eq!(policy["version"]["stage"], "year_end");
    let issues = policy["content"]["issues"].as_array().unwrap();
    let indicators: usize = issues.iter().map(|issue| issue["indicators"].as_array().unwrap().len()).sum();
    assert_eq!(indicators, 14);
    let results: Vec<&serde_json::Value> = issues
        .iter()
        .flat_map(|issue| issue["indicators"].as_array().unwrap())
        .flat_map(|i| i["results"].as_array().unwrap())
        .collect();
    assert!(results.iter().all(|result| result["mark"].is_string()), "every indicator has its published mark");
    let listed = json(&get(&format!("/api/v1{SUMIYOSHI}/issues")).await);
    assert_eq!(listed.as_array().unwrap().len(), issues.len());
    let english = json(&get(&format!("/api/v1{SUMIYOSHI}?lang=en")).await);
    assert_ne!(english["content"], policy["content"], "explanations follow the language");
    assert_eq!(get(&format!("/api/v1{SUMIYOSHI}?lang=fr")).await.status, StatusCode::BAD_REQUEST);
}

/// The OpenAPI document matches the server: it documents exactly the routes the API has, and every documented
/// route answers 200 with the document's example parameters.
#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let document = json(&get("/api/v1/openapi.json").await);
    let paths = document["paths"].as_object().unwrap();
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut routes: Vec<&str> = hoshin_web::api::ROUTES.to_vec();
    documented.sort();
    routes.sort();
    assert_eq!(documented, routes, "openapi.json and api::ROUTES differ");
    for (path, item) in paths {
        let operation = &item["get"];
        let mut url = format!("/api/v1{path}");
        let mut query = Vec::new();
        for parameter in operation["parameters"].as_array().unwrap() {
            let name = parameter["name"].as_str().unwrap();
            let example = parameter["example"].as_str().unwrap();
            let encoded = hoshin_web::links::encode_segment(example);
            match parameter["in"].as_str().unwrap() {
                "path" => url = url.replace(&format!("{{{name}}}"), &encoded),
                _ => query.push(format!("{name}={encoded}")),
            }
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        let reply = get(&url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.body);
        assert!(operation["responses"]["200"].is_object(), "{path}");
    }
}

async fn fetch_home<S>(service: S) -> String
where
    S: tower::Service<Request<Body>, Response = axum::response::Response, Error = std::convert::Infallible>,
{
    let response = service.oneshot(Request::builder().uri("/").body(Body::empty()).unwrap()).await.unwrap();
    String::from_utf8(axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

/// The response cache serves what it holds until the data changes, then what the data says now.
#[tokio::test]
async fn cached_pages_follow_changes_to_the_data() {
    let path = std::env::temp_dir().join(format!("hoshin_web_cache_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let store = hoshin_store::open(&DatabaseUrl::Sqlite(path)).await.unwrap();
    let samples = samples();
    let (first, rest) = samples.split_first().unwrap();
    store.import(import_of(&first.0, &first.1)).await.unwrap();
    let service = hoshin_web::service(store.clone());
    let before = fetch_home(service.clone()).await;
    assert_eq!(fetch_home(service.clone()).await, before, "the same page from the cache");
    for (file_name, text) in rest {
        store.import(import_of(file_name, text)).await.unwrap();
    }
    tokio::time::sleep(hoshin_web::cache::REFRESH + std::time::Duration::from_millis(50)).await;
    let after = fetch_home(service.clone()).await;
    assert_ne!(after, before);
    assert!(after.contains("住吉区") && after.contains("西区"));
}

#[tokio::test]
async fn with_a_sample_size_the_indicator_page_shows_the_margin_of_error() {
    let path = std::env::temp_dir().join(format!("hoshin_web_survey_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let store = hoshin_store::open(&DatabaseUrl::Sqlite(path)).await.unwrap();
    let (file_name, text) = samples().into_iter().find(|(name, _)| name.starts_with("sumiyoshi")).unwrap();
    let mut import = import_of(&file_name, &text);
    let year = import.key.fiscal_year;
    import.content.issues[0].indicators[0].sample_sizes = vec![(year, 795)];
    store.import(import).await.unwrap();
    let series = store.organization_series(&hoshin_core::Organization::new("住吉区", Some("大阪市"))).await.unwrap();
    let first = series
        .iter()
        .find(|series| series.points.iter().any(|point| point.actual.as_deref() == Some("43.9%")))
        .unwrap();
    let request = axum::http::Request::builder()
        .uri(format!("/indicators/{}", first.id))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = hoshin_web::service(store.clone()).oneshot(request).await.unwrap();
    let body =
        String::from_utf8(axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    assert!(body.contains("回答者数795人: 95%信頼区間 40.5%〜47.4%（±3.4ポイント）"), "{body}");
    assert!(body.contains("目標55%は信頼区間の外"));
    // The API's indicator-years and the open data carry the sample size and the margin of error.
    let request = axum::http::Request::builder()
        .uri(format!("/data/indicators/{}.csv", first.id))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = hoshin_web::service(store.clone()).oneshot(request).await.unwrap();
    let csv =
        String::from_utf8(axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    assert!(csv.contains(",795,3.4,"), "{csv}");
}
