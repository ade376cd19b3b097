//! What the workspace and council tests share: a database holding the Sumiyoshi FY2024 document and one
//! signed-in account per role, and requests through the real router without a socket.

#![allow(clippy::unwrap_used, dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoshin_core::edit::{self, FormValues, ItemPath};
use hoshin_core::{Organization, Role};
use hoshin_store::{DatabaseUrl, NewImport, NewUser, PolicyKey, Source, Store};
use tower::ServiceExt as _;

pub const POLICY: &str = "/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";

pub fn sumiyoshi() -> Organization {
    Organization::new("住吉区", Some("大阪市"))
}

pub fn key() -> PolicyKey {
    PolicyKey { organization: sumiyoshi(), fiscal_year: hoshin_core::FiscalYear::new(2024).unwrap() }
}

/// A fresh database holding the Sumiyoshi FY2024 year-end document and one account per role.
pub async fn store() -> Arc<dyn Store> {
    let path = std::env::temp_dir().join(format!(
        "hoshin_workspace_{}_{}.db",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&path);
    let store = hoshin_store::open(&DatabaseUrl::Sqlite(path)).await.unwrap();
    let sample = hoshin_import::samples::sample("sumiyoshi").unwrap();
    let parsed = hoshin_import::parse(sample.text, &sample.hints());
    let policy = parsed.policy().unwrap();
    store
        .import(NewImport {
            key: PolicyKey { organization: policy.organization, fiscal_year: policy.fiscal_year },
            stage: policy.stage,
            content: policy.content,
            era: parsed.era,
            source: Source::Import { file_name: sample.file_name.into(), sha256: "sha".into() },
            author: "test".into(),
        })
        .await
        .unwrap();
    for (name, role, organization) in [
        ("admin", Role::Administrator, None),
        ("editor", Role::Editor, Some(sumiyoshi())),
        ("editor2", Role::Editor, Some(sumiyoshi())),
        ("mayor", Role::Approver, Some(sumiyoshi())),
        ("member", Role::CouncilMember, Some(sumiyoshi())),
        ("kita", Role::Editor, Some(Organization::new("北区", Some("大阪市")))),
    ] {
        let password_hash = password_hash(name);
        let user = NewUser { name: name.into(), display_name: None, role, organization, password_hash };
        let user = store.create_user(&user, "test").await.unwrap();
        // A session per account, as signing in would make it.
        store
            .create_session(
                &hoshin_web::auth::token_hash(&format!("token-{name}")),
                user.id,
                &format!("csrf-{name}"),
                hoshin_web::auth::unix_now(),
            )
            .await
            .unwrap();
    }
    // The council member account is a registered member of 住吉区's council.
    let member = hoshin_store::NewCouncilMember {
        organization: sumiyoshi(),
        name: "委員 一郎".into(),
        term: hoshin_core::council::Term::new(2024).unwrap(),
        user: Some("member".into()),
    };
    store.add_council_member(&member, "test").await.unwrap();
    store
}

/// Each account's password is `NAME-password-123`; hashed once per test run (argon2 is slow on purpose).
pub fn password_hash(name: &str) -> String {
    static HASHES: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
        std::sync::OnceLock::new();
    let hashes = HASHES.get_or_init(Default::default);
    let mut hashes = hashes.lock().unwrap();
    hashes
        .entry(name.to_string())
        .or_insert_with(|| hoshin_web::auth::hash_password(&format!("{name}-password-123")).unwrap())
        .clone()
}

pub static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).map_or("", |value| value.to_str().unwrap())
    }

    /// The value a `Set-Cookie` header of the reply gives the cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().to_string())
            .find(|value| value.starts_with(&format!("{name}=")))
            .map(|value| value[name.len() + 1..].split(';').next().unwrap().to_string())
    }

    /// The value of a hidden field of the page's form.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
        self.body[start..start + self.body[start..].find('"').unwrap()].to_string()
    }
}

pub async fn send(store: &Arc<dyn Store>, request: Request<Body>) -> Reply {
    send_to(hoshin_web::service(store.clone()), request).await
}

/// Sends to one service: the sign-in limit lives in a service, as in the running server.
pub async fn send_to(
    service: impl tower::Service<Request<Body>, Response = axum::response::Response, Error = std::convert::Infallible>,
    request: Request<Body>,
) -> Reply {
    let response = service.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub async fn get(store: &Arc<dyn Store>, who: Option<&str>, path: &str) -> Reply {
    let mut request = Request::builder().uri(path);
    if let Some(who) = who {
        request = request.header(header::COOKIE, format!("hoshin_session=token-{who}"));
    }
    send(store, request.body(Body::empty()).unwrap()).await
}

/// A GET with the raw session token `session` (one the sign-in form gave, or one an attacker chose).
pub async fn get_in_session(store: &Arc<dyn Store>, session: &str, path: &str) -> Reply {
    let request = Request::builder().uri(path).header(header::COOKIE, format!("hoshin_session={session}"));
    send(store, request.body(Body::empty()).unwrap()).await
}

/// The sign-in form posted with `cookies` (the `hoshin_login` cookie the form's page set, and any other).
pub fn login_request(cookies: &str, csrf: &str, name: &str, password: &str) -> Request<Body> {
    let body = encode(&[
        ("csrf".into(), csrf.into()),
        ("name".into(), name.into()),
        ("password".into(), password.into()),
        ("next".into(), "/edit".into()),
    ]);
    Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(Body::from(body))
        .unwrap()
}

pub fn encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            format!("{}={}", hoshin_web::links::encode_query(name), hoshin_web::links::encode_query(value))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A POST as `who` with the account's CSRF token (unless the pairs hold their own).
pub async fn post(store: &Arc<dyn Store>, who: Option<&str>, path: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut owned: Vec<(String, String)> = pairs.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect();
    if let Some(who) = who {
        if !owned.iter().any(|(name, _)| name == "csrf") {
            owned.push(("csrf".into(), format!("csrf-{who}")));
        }
    }
    post_raw(store, who, path, &owned).await
}

pub async fn post_raw(store: &Arc<dyn Store>, who: Option<&str>, path: &str, pairs: &[(String, String)]) -> Reply {
    let mut request =
        Request::builder().method("POST").uri(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(who) = who {
        request = request.header(header::COOKIE, format!("hoshin_session=token-{who}"));
    }
    send(store, request.body(Body::from(encode(pairs))).unwrap()).await
}

/// The form of an item as the editor page would send it back, with the page's hidden fields.
pub async fn item_form(store: &Arc<dyn Store>, who: &str, path: &str) -> Vec<(String, String)> {
    let page = get(store, Some(who), &format!("{POLICY}/item?path={path}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let copy = store.working_copy(&key()).await.unwrap();
    let item = edit::item(&copy.content, &ItemPath::parse(path).unwrap()).unwrap();
    let mut pairs = vec![
        ("csrf".to_string(), format!("csrf-{who}")),
        ("revision".to_string(), page.hidden("revision")),
        ("original".to_string(), page.hidden("original")),
        ("path".to_string(), path.to_string()),
    ];
    let values = FormValues::from_fields(&item.fields());
    for field in item.fields() {
        match field.input {
            edit::Input::Table(columns) => {
                for (row, cells) in values.rows(field.name, columns) {
                    for (column, cell) in columns.iter().zip(cells) {
                        pairs.push((format!("{}.{row}.{column}", field.name), cell));
                    }
                }
            }
            _ => {
                if let Some(value) = values.get(field.name) {
                    pairs.push((field.name.to_string(), value.to_string()));
                }
            }
        }
    }
    pairs
}

pub fn set(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    pairs.retain(|(key, _)| key != name);
    pairs.push((name.to_string(), value.to_string()));
}

/// A multipart form as a browser sends it: text fields, then an optional file.
pub async fn post_multipart(
    store: &Arc<dyn Store>,
    who: &str,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    const BOUNDARY: &str = "----hoshin-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, format!("hoshin_session=token-{who}"))
        .body(Body::from(body))
        .unwrap();
    send(store, request).await
}

/// Unescapes the few entities askama writes in attribute values.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
