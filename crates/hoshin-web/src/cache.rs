//! A response cache in front of every page, API route and download. Responses are pure functions of the data
//! and the request, so a successful GET is kept — per path and query, language and content encoding — until
//! the data changes. Whether it changed is asked of the store ([`Store::generation`], one indexed lookup) at
//! most every [`REFRESH`]; a change from another process (`hoshin import` beside the server) is therefore
//! seen within that time. The cache holds at most [`MAX_ENTRIES`] responses and [`MAX_BYTES`] bytes and
//! starts empty again when either is reached.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hoshin_core::Lang;
use hoshin_store::Store;
use tokio::sync::Mutex;

pub const REFRESH: Duration = Duration::from_millis(250);
pub const MAX_ENTRIES: usize = 20_000;
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

struct Entry {
    headers: HeaderMap,
    body: Bytes,
}

struct Inner {
    generation: Option<i64>,
    checked: Instant,
    entries: HashMap<String, Arc<Entry>>,
    bytes: usize,
}

pub struct ResponseCache {
    store: Arc<dyn Store>,
    inner: Mutex<Inner>,
}

impl ResponseCache {
    pub fn new(store: Arc<dyn Store>) -> ResponseCache {
        ResponseCache {
            store,
            inner: Mutex::new(Inner { generation: None, checked: Instant::now(), entries: HashMap::new(), bytes: 0 }),
        }
    }

    /// The cached entry for `key`, after making sure the cache is of the current data.
    async fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let mut inner = self.inner.lock().await;
        if inner.generation.is_none() || inner.checked.elapsed() >= REFRESH {
            // When the store cannot say, nothing is served from the cache.
            let generation = self.store.generation().await.ok();
            if generation != inner.generation || generation.is_none() {
                inner.entries.clear();
                inner.bytes = 0;
            }
            inner.generation = generation;
            inner.checked = Instant::now();
        }
        inner.generation?;
        inner.entries.get(key).cloned()
    }

    async fn put(&self, key: String, entry: Entry) {
        let mut inner = self.inner.lock().await;
        if inner.generation.is_none() {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES || inner.bytes + entry.body.len() > MAX_BYTES {
            inner.entries.clear();
            inner.bytes = 0;
        }
        inner.bytes += entry.body.len();
        inner.entries.insert(key, Arc::new(entry));
    }
}

/// The encoding the compression layer will choose for this request, as part of the key.
fn encoding(headers: &HeaderMap) -> &'static str {
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|value| value.to_str().ok()).unwrap_or("");
    let accepts = |name: &str| {
        accepted.split(',').any(|part| {
            let mut pieces = part.trim().split(';');
            pieces.next().is_some_and(|coding| coding.trim().eq_ignore_ascii_case(name))
                && !pieces.any(|parameter| parameter.trim().replace(' ', "") == "q=0")
        })
    };
    if accepts("br") {
        "br"
    } else if accepts("gzip") {
        "gzip"
    } else {
        "identity"
    }
}

pub async fn layer(State(cache): State<Arc<ResponseCache>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let lang = match request.extensions().get::<Lang>() {
        Some(Lang::En) => "en",
        _ => "ja",
    };
    let key = format!("{lang} {} {}", encoding(request.headers()), request.uri());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(entry) = cache.get(&key).await {
        let tag = entry.headers.get(header::ETAG).and_then(|tag| tag.to_str().ok());
        if let Some(tag) = tag {
            if crate::etag_matches(if_none_match.as_ref(), tag) {
                let mut response = StatusCode::NOT_MODIFIED.into_response();
                for name in [header::ETAG, header::CACHE_CONTROL, header::VARY, header::ACCESS_CONTROL_ALLOW_ORIGIN] {
                    if let Some(value) = entry.headers.get(&name) {
                        response.headers_mut().insert(name, value.clone());
                    }
                }
                return response;
            }
        }
        let mut response = Response::new(Body::from(entry.body.clone()));
        *response.headers_mut() = entry.headers.clone();
        return response;
    }
    let response = next.run(request).await;
    // A response that sets a cookie or is private (the workspace) is never kept.
    let cacheable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("no-store"));
    if !cacheable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BYTES).await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "the response could not be read").into_response();
    };
    cache.put(key, Entry { headers: parts.headers.clone(), body: bytes.clone() }).await;
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_follows_accept_encoding() {
        let mut headers = HeaderMap::new();
        assert_eq!(encoding(&headers), "identity");
        headers.insert(header::ACCEPT_ENCODING, "gzip, deflate".parse().unwrap());
        assert_eq!(encoding(&headers), "gzip");
        headers.insert(header::ACCEPT_ENCODING, "gzip, br".parse().unwrap());
        assert_eq!(encoding(&headers), "br");
        headers.insert(header::ACCEPT_ENCODING, "br;q=0, gzip".parse().unwrap());
        assert_eq!(encoding(&headers), "gzip");
    }
}
