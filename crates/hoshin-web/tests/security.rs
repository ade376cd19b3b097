//! Attacks on the site through the real router (docs/SECURITY.md): markup and formulas stored in every text
//! field of a policy come out inert on every page and in every download; injection strings in every path and
//! query parameter change nothing and never give a 500; a session token chosen before signing in is never
//! the session after; paths that climb out of the served files reach nothing; passwords and session tokens
//! never reach the audit log or a dump.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use hoshin_core::{PolicyContent, Stage};
use hoshin_store::{NewImport, Source};

/// Markup that would run if a page printed it as it is, and Typst code that would run if the PDF took the
/// text for markup (reading a file of the server into the PDF).
const PAYLOAD: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)> #read(\"/etc/passwd\") $x^2$";
/// What a spreadsheet would run if a download wrote it as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/\",\"x\")";

/// Fields of the stored document that hold free text.
const FREE_TEXT: &[&str] = &[
    "head",
    "title",
    "goal",
    "mission",
    "approach",
    "self_evaluation",
    "future_policy",
    "summary",
    "desired_state",
    "heading",
    "bullets",
    "wording",
    "data_source",
    "notes",
    "reason",
    "direction",
    "current_state",
    "challenges",
    "improvement",
    "mid_year_review",
    "name",
    "text",
    "source",
];

fn poison(value: &mut serde_json::Value, key: Option<&str>) {
    match value {
        serde_json::Value::String(text) if key.is_some_and(|key| FREE_TEXT.contains(&key)) => {
            // A formula first (what a spreadsheet looks at), then markup.
            *text =
                if key == Some("wording") { format!("{FORMULA}{text}{PAYLOAD}") } else { format!("{text}{PAYLOAD}") };
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| poison(item, key)),
        serde_json::Value::Object(map) => map.iter_mut().for_each(|(name, item)| poison(item, Some(name))),
        _ => {}
    }
}

/// The Sumiyoshi policy with the payload in every free-text field, published as a new version.
async fn poisoned_store() -> (std::sync::Arc<dyn hoshin_store::Store>, usize) {
    let store = store().await;
    let stored = store.latest(&key()).await.unwrap();
    let mut document: serde_json::Value =
        serde_json::from_str(&hoshin_store::document::to_json(&stored.content, stored.era)).unwrap();
    poison(&mut document, None);
    let fields = document.to_string().matches("<script>alert(1)</script>").count();
    let (content, era): (PolicyContent, _) = hoshin_store::document::from_json(&document.to_string()).unwrap();
    store
        .import(NewImport {
            key: key(),
            stage: Stage::YearEnd,
            content,
            era,
            source: Source::Import { file_name: "poisoned.txt".into(), sha256: "poisoned".into() },
            author: "attacker".into(),
        })
        .await
        .unwrap();
    (store, fields)
}

/// The markup never appears as markup; where the page shows the field, it shows it escaped.
fn assert_inert(path: &str, body: &str) {
    for live in ["<script>alert", "<img src=x", "onerror=alert(2)>"] {
        assert!(!body.contains(live), "{path} prints 「{live}」 as markup");
    }
}

const PUBLIC: &str = "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";
const ORGANIZATION: &str = "/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA";

#[tokio::test]
async fn markup_and_formulas_in_every_text_field_come_out_inert() {
    let (store, fields) = poisoned_store().await;
    assert!(fields > 100, "the payload is in {fields} fields of the policy");

    // Every page that shows the policy's text, public and signed in, in both languages.
    let mut pages = vec![
        "/".to_string(),
        PUBLIC.to_string(),
        format!("/en{PUBLIC}"),
        format!("{PUBLIC}/diff?from=1&to=2"),
        ORGANIZATION.to_string(),
        "/search?q=script".to_string(),
        "/search?q=%E5%9C%B0%E5%9F%9F".to_string(),
        "/audit".to_string(),
        "/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA".to_string(),
    ];
    let api: serde_json::Value =
        serde_json::from_str(&get(&store, None, &format!("/api/v1{ORGANIZATION}")).await.body).unwrap();
    for indicator in api["indicators"].as_array().unwrap() {
        pages.push(format!("/indicators/{}", indicator["id"]));
    }
    for path in &pages {
        let reply = get(&store, None, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_inert(path, &reply.body);
    }
    let page = get(&store, None, PUBLIC).await.body;
    // Askama writes `<` as `&#60;`.
    let escaped = page.matches("&#60;script&#62;alert(1)&#60;/script&#62;").count();
    assert!(escaped > 50, "the policy page shows the fields, escaped ({escaped} times)");

    // The workspace: the editor's outline and the form of every item, whose inputs hold the stored text.
    let copy = store.working_copy(&key()).await.unwrap();
    let poisoned = store.latest(&key()).await.unwrap().content;
    store.save_working_copy(&key(), copy.revision, copy.stage, &poisoned, "attacker").await.unwrap();
    let copy = store.working_copy(&key()).await.unwrap();
    assert!(copy.content == poisoned);
    for path in [POLICY.to_string(), format!("{POLICY}/history"), format!("{POLICY}/council"), "/edit".into()] {
        let reply = get(&store, Some("editor"), &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_inert(&path, &reply.body);
    }
    let mut items = 0;
    for entry in hoshin_core::edit::outline(&copy.content) {
        let hoshin_core::edit::OutlineEntry::Item { path, .. } = entry else { continue };
        items += 1;
        let url = format!("{POLICY}/item?path={}", hoshin_web::links::encode_query(&path.to_string()));
        let reply = get(&store, Some("editor"), &url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}");
        assert_inert(&url, &reply.body);
    }
    assert!(items > 40, "{items} item forms");

    // The API is JSON: the text is data, served as JSON and never as a page.
    let reply = get(&store, None, &format!("/api/v1{PUBLIC}")).await;
    assert!(reply.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    assert!(reply.body.contains("<script>alert(1)</script>"), "the API returns the text as it was stored");

    // CSV downloads: a cell that starts like a formula is written with a leading apostrophe.
    for path in
        ["/data/2024/indicators.csv".to_string(), format!("{PUBLIC}/sheet.csv"), format!("{POLICY}/actuals.csv")]
    {
        let who = path.starts_with("/edit").then_some("editor");
        let reply = get(&store, who, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.body.contains("'=HYPERLINK"), "{path} guards the formula");
        let unguarded = reply
            .body
            .lines()
            .any(|line| line.split(',').any(|cell| cell.trim_start_matches('"').starts_with("=HYPERLINK")));
        assert!(!unguarded, "{path} writes a cell that a spreadsheet would run");
    }

    // The PDF: the text is printed as written; Typst never runs it.
    let response = tower::ServiceExt::oneshot(
        hoshin_web::service(store.clone()),
        Request::builder().uri(format!("{PUBLIC}/policy.pdf")).body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the PDF of the poisoned policy");
    let pdf = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let path = std::env::temp_dir().join(format!("hoshin_security_{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    let output = std::process::Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8(output.expect("pdftotext runs (poppler-utils)").stdout).unwrap();
    assert!(text.matches("#read(\"/etc/passwd\")").count() > 20, "the PDF prints the Typst code as text");
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(!text.contains("root:x:0:0"), "the PDF read a file of the server");

    // Workbooks: the text is written as text, never as a formula.
    for path in [format!("{PUBLIC}/sheet.xlsx"), format!("{PUBLIC}/layout.xlsx"), format!("{POLICY}/sheet.xlsx")] {
        let who = path.starts_with("/edit").then_some("editor");
        let mut request = Request::builder().uri(&path);
        if let Some(who) = who {
            request = request.header(header::COOKIE, format!("hoshin_session=token-{who}"));
        }
        let response =
            tower::ServiceExt::oneshot(hoshin_web::service(store.clone()), request.body(Body::empty()).unwrap())
                .await
                .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let names = calamine::Reader::sheet_names(&workbook);
        let mut texts = 0;
        for name in names {
            let formulas = calamine::Reader::worksheet_formula(&mut workbook, &name).unwrap();
            assert!(formulas.used_cells().all(|(_, _, formula)| formula.is_empty()), "{path}: {name} has a formula");
            let values = calamine::Reader::worksheet_range(&mut workbook, &name).unwrap();
            texts += values.used_cells().filter(|(_, _, cell)| cell.to_string().contains("=HYPERLINK")).count();
        }
        assert!(texts > 0, "{path} holds the text that looks like a formula, as text");
    }
}

/// Strings that break out of SQL, FTS and path syntax, and control characters.
const INJECTIONS: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE policies; --",
    "\") OR 1=1 --",
    "%' UNION SELECT password_hash FROM users --",
    "\"",
    "*",
    "NEAR(a b)",
    "a OR b AND NOT c",
    "../../etc/passwd",
    "\u{0}",
    "😀",
    "-1",
    "99999999999999999999999",
];

#[tokio::test]
async fn injection_strings_in_every_parameter_change_nothing() {
    let store = store().await;
    let before = get(&store, None, "/api/v1/policies").await.body;
    let openapi: serde_json::Value =
        serde_json::from_str(&get(&store, None, "/api/v1/openapi.json").await.body).unwrap();
    let mut templates: Vec<String> =
        openapi["paths"].as_object().unwrap().keys().map(|path| format!("/api/v1{path}")).collect();
    templates.extend(
        [
            "/organizations/{city}/{name}",
            "/organizations/{city}/{name}/changes/{year}",
            "/policies/{city}/{name}/{year}",
            "/policies/{city}/{name}/{year}/diff",
            "/policies/{city}/{name}/{year}/{file}",
            "/indicators/{id}",
            "/compare/{key}/{year}",
            "/search",
            "/audit/{city}/{name}",
            "/council/{city}/{name}",
            "/data/{year}/{file}",
            "/data/indicators/{file}",
            "/data/compare/{key}/{file}",
        ]
        .map(String::from),
    );
    let queries = ["q", "year", "organization", "city", "limit", "offset", "version", "lang", "from", "to", "page"];
    let mut requests = 0;
    for template in &templates {
        for injection in INJECTIONS {
            let encoded = hoshin_web::links::encode_query(injection);
            let mut path = String::new();
            let mut rest = template.as_str();
            while let Some(open) = rest.find('{') {
                let close = open + rest[open..].find('}').unwrap();
                path.push_str(&rest[..open]);
                path.push_str(&encoded);
                rest = &rest[close + 1..];
            }
            path.push_str(rest);
            let query: Vec<String> = queries.iter().map(|name| format!("{name}={encoded}")).collect();
            for url in [path.clone(), format!("{path}?{}", query.join("&"))] {
                let reply = get(&store, None, &url).await;
                requests += 1;
                assert!(
                    matches!(reply.status, StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
                    "{url}: {} {}",
                    reply.status,
                    reply.body.chars().take(300).collect::<String>()
                );
                assert!(!reply.body.contains("argon2"), "{url} shows a password hash");
            }
        }
    }
    assert!(requests > 500, "{requests} requests");
    assert_eq!(get(&store, None, "/api/v1/policies").await.body, before, "nothing changed");
    // Signed-in forms take them too: a search of the editor's items and a posted field.
    let reply = post(&store, Some("editor"), &format!("{POLICY}/item"), &[("path", INJECTIONS[1])]).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_eq!(get(&store, None, "/api/v1/policies").await.body, before, "nothing changed");
}

#[tokio::test]
async fn a_session_chosen_before_signing_in_is_never_the_session_after() {
    let store = store().await;
    let page = get(&store, None, "/login").await;
    let login_token = page.cookie("hoshin_login").unwrap();
    // An attacker plants a session token in the victim's browser, then the victim signs in.
    let planted = "attacker-chosen-session-token";
    let cookies = format!("hoshin_login={login_token}; hoshin_session={planted}");
    let signed_in = send(&store, login_request(&cookies, &page.hidden("csrf"), "editor", "editor-password-123")).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let session = signed_in.cookie("hoshin_session").unwrap();
    assert_ne!(session, planted);
    assert!(session.len() >= 32, "a fresh random token");
    // The planted token is no session at all.
    let reply = get_in_session(&store, planted, "/edit").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "sent to sign in");
    assert!(reply.location().starts_with("/login"), "{}", reply.location());
    // Signing out ends the session on the server, not only in the browser.
    let request = Request::builder()
        .method("POST")
        .uri("/logout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("hoshin_session={session}"));
    let csrf = get_in_session(&store, &session, "/edit").await.hidden("csrf");
    send(&store, request.body(Body::from(format!("csrf={csrf}"))).unwrap()).await;
    assert_eq!(get_in_session(&store, &session, "/edit").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn paths_that_climb_out_of_the_served_files_reach_nothing() {
    let store = store().await;
    for path in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/static/..%5C..%5CCargo.toml",
        "/static/%2Fetc%2Fpasswd",
        "/data/2024/..%2F..%2F..%2Fetc%2Fpasswd",
        "/data/..%2F..%2Fetc/indicators.csv",
        "/data/indicators/..%2F..%2FCargo.toml",
        "/data/compare/..%2F..%2F/Cargo.toml",
        "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024/..%2F..%2F..%2FCargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let reply = get(&store, None, path).await;
        assert!(matches!(reply.status, StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND), "{path}: {}", reply.status);
        for secret in ["[workspace]", "root:x:0:0", "[package]"] {
            assert!(!reply.body.contains(secret), "{path} served a file from outside");
        }
    }
}

#[tokio::test]
async fn passwords_and_session_tokens_never_reach_the_audit_log_or_a_dump() {
    let store = store().await;
    // Sign in, change the password, create an account: every place a password passes.
    let page = get(&store, None, "/login").await;
    let cookies = format!("hoshin_login={}", page.cookie("hoshin_login").unwrap());
    let signed_in = send(&store, login_request(&cookies, &page.hidden("csrf"), "admin", "admin-password-123")).await;
    let session = signed_in.cookie("hoshin_session").unwrap();
    let changed = post(
        &store,
        Some("editor"),
        "/account/password",
        &[("current", "editor-password-123"), ("new", "a-new-secret-passphrase")],
    )
    .await;
    assert!(changed.status.is_success() || changed.status.is_redirection(), "{}", changed.status);
    let (_, hash) = store.login_record("editor").await.unwrap();
    assert!(hoshin_web::auth::verify_password(&hash, "a-new-secret-passphrase"), "the password was changed");
    let created = post(
        &store,
        Some("admin"),
        "/admin/users",
        &[("name", "newcomer"), ("role", "administrator"), ("organization", ""), ("password", "newcomer-secret-123")],
    )
    .await;
    assert!(created.status.is_success() || created.status.is_redirection(), "{}", created.status);
    assert!(store.login_record("newcomer").await.is_ok(), "the account was created");

    let secrets = [
        "admin-password-123",
        "editor-password-123",
        "a-new-secret-passphrase",
        "newcomer-secret-123",
        session.as_str(),
        "token-editor",
    ];
    let audit = store.audit_log(10_000).await.unwrap();
    assert!(audit.len() > 5);
    for entry in &audit {
        let text = format!("{} {} {} {:?} {:?}", entry.actor, entry.action, entry.entity, entry.before, entry.after);
        for secret in secrets {
            assert!(!text.contains(secret), "the audit log holds a secret: {text}");
        }
        assert!(!text.contains("$argon2"), "the audit log holds a password hash: {text}");
    }
    let mut dump = Vec::new();
    store.dump(&mut dump).await.unwrap();
    let dump = String::from_utf8(dump).unwrap();
    for secret in secrets {
        assert!(!dump.contains(secret), "the dump holds a secret");
    }
}
