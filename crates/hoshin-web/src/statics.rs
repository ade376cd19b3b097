//! The static files, compiled into the binary: one stylesheet and one small script that only enhances.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[
    ("hoshin.css", "text/css; charset=utf-8", include_str!("../static/hoshin.css")),
    ("hoshin.js", "text/javascript; charset=utf-8", include_str!("../static/hoshin.js")),
];

pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=3600")], *body)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "no such file")
            .into_response(),
    }
}
