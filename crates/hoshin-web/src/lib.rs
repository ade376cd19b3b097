//! Hoshin's public site and JSON API over a [`hoshin_store::Store`].
//!
//! - [`app`] builds the whole service: the HTML pages ([`pages`]), the JSON API under `/api/v1` ([`api`]),
//!   open-data downloads ([`opendata`]) and the static files. Japanese pages live at `/…`, English ones at
//!   `/en/…`: the prefix is taken off before routing and becomes the [`Lang`] of the request.
//! - [`serve`] runs it on a socket until Ctrl-C or SIGTERM.
//!
//! Handlers only read the store and render; what a page shows is computed by small pure functions (the chart
//! in [`chart`], the stage difference in [`diff`]) that have their own tests.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod cache;
pub mod chart;
pub mod council;
pub mod diff;
mod error;
pub mod i18n;
pub mod links;
pub mod opendata;
pub mod pages;
pub mod site;
mod statics;
pub mod wire;
pub mod workspace;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use hoshin_core::Lang;
use hoshin_store::Store;
use tower::{Layer, ServiceExt as _};
use tower_http::compression::CompressionLayer;

pub use error::WebError;
pub use links::Links;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Failed sign-ins, for the sign-in limit.
    pub logins: Arc<auth::LoginLimiter>,
    /// Opinion box posts per client address in the last hour, for its limit.
    pub opinion_posts: Arc<auth::RecentEvents>,
}

/// The Japanese fonts for PDFs, loaded once on first use; the error says what to install.
pub fn fonts() -> Result<&'static hoshin_render::pdf::Fonts, &'static String> {
    static FONTS: std::sync::OnceLock<Result<hoshin_render::pdf::Fonts, String>> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| hoshin_render::pdf::Fonts::load().map_err(|error| error.to_string())).as_ref()
}

/// The address of the client a request came from, when the server knows it.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

/// The whole site: pages, API, downloads and static files, with compression and the `/en` prefix.
pub fn app(store: Arc<dyn Store>) -> axum::routing::RouterIntoService<axum::body::Body> {
    let cache = Arc::new(cache::ResponseCache::new(store.clone()));
    let state = AppState {
        store,
        logins: Arc::new(auth::LoginLimiter::default()),
        opinion_posts: Arc::new(auth::RecentEvents::new(std::time::Duration::from_secs(60 * 60))),
    };
    let router = Router::new()
        .merge(pages::routes())
        .merge(workspace::routes())
        .merge(council::routes())
        .merge(opendata::routes())
        .nest("/api/v1", api::routes())
        .route("/static/{file}", get(statics::file))
        .fallback(pages::not_found)
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn(etag))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(cache, cache::layer))
        .layer(axum::middleware::map_request(language))
        .with_state(state);
    router.into_service()
}

/// Wraps [`app`] so that `/en/…` reaches the same routes as `/…` with English chosen.
pub fn service(
    store: Arc<dyn Store>,
) -> impl tower::Service<
    Request,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send {
    tower::util::MapRequestLayer::new(strip_language_prefix).layer(app(store))
}

/// Takes `/en` off the path and records the language in the request's extensions.
fn strip_language_prefix(mut request: Request) -> Request {
    let path = request.uri().path();
    let english = path == "/en" || path.starts_with("/en/");
    let lang = if english { Lang::En } else { Lang::Ja };
    if english {
        let rest = &path[3..];
        let rest = if rest.is_empty() { "/" } else { rest };
        let rebuilt = match request.uri().query() {
            Some(query) => format!("{rest}?{query}"),
            None => rest.to_string(),
        };
        if let Ok(uri) = rebuilt.parse() {
            *request.uri_mut() = uri;
        }
    }
    request.extensions_mut().insert(lang);
    request
}

/// Requests that arrive without the prefix layer (handler tests) are Japanese.
async fn language(mut request: Request) -> Request {
    if request.extensions().get::<Lang>().is_none() {
        request.extensions_mut().insert(Lang::Ja);
    }
    request
}

async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"),
    );
    response
}

/// The largest body that gets an ETag; larger ones (none today) go out as they are.
const ETAG_LIMIT: usize = 64 * 1024 * 1024;

/// Gives every successful GET a weak ETag of its body and answers a matching If-None-Match with 304.
async fn etag(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    use sha2::Digest;
    let is_get = matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !is_get || response.status() != axum::http::StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_LIMIT).await else {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "the response could not be read").into_response();
    };
    let digest = sha2::Sha256::digest(&bytes);
    let hex: String = digest.iter().take(12).map(|byte| format!("{byte:02x}")).collect();
    let tag = format!("W/\"{hex}\"");
    let matches = etag_matches(if_none_match.as_ref(), &tag);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if matches {
        parts.status = axum::http::StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether an `If-None-Match` header names `tag` (or `*`).
pub(crate) fn etag_matches(if_none_match: Option<&HeaderValue>, tag: &str) -> bool {
    if_none_match
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|candidate| candidate.trim() == tag || candidate.trim() == "*"))
}

/// Serves the site on `addr` until Ctrl-C or SIGTERM; `ready` is called with the bound address.
pub async fn serve(store: Arc<dyn Store>, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    let service = service(store);
    // Each connection's requests carry the client's address (for the sign-in limit).
    let make = tower::service_fn(move |incoming: axum::serve::IncomingStream<'_, tokio::net::TcpListener>| {
        let client = ClientAddr(*incoming.remote_addr());
        let service = service.clone().map_request(move |mut request: Request| {
            request.extensions_mut().insert(client);
            request
        });
        std::future::ready(Ok::<_, std::convert::Infallible>(service))
    });
    axum::serve(listener, make).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
