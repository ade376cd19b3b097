//! A static copy of the public site (`hoshin export site DIR`): every page and download reachable by links
//! from `/` and `/en/`, fetched through the real router and written as files that any plain web server
//! serves. A page becomes `PATH/index.html`; a page with a query (`?version=2`, `?year=2024`) gets its own
//! directory (`PATH/_version-2/index.html`) and every link to it is rewritten; a download keeps its name; an
//! API answer without an extension becomes `PATH.json`. What needs a server — search, the difference form,
//! the opinion box, the staff pages — is left out.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoshin_store::Store;
use tower::ServiceExt as _;

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteStats {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Paths a static copy leaves out: they need a server (forms, sign-in, search) or are private.
fn left_out(path: &str) -> bool {
    let path = path.strip_prefix("/en").unwrap_or(path);
    ["/login", "/logout", "/edit", "/admin", "/account", "/inbox", "/opinion-box", "/search"].iter().any(|prefix| {
        path == *prefix || path.starts_with(&format!("{prefix}/")) || path.starts_with(&format!("{prefix}?"))
    }) || path.contains("/diff")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            if let Some(byte) = text.get(at + 1..at + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                out.push(byte);
                at += 3;
                continue;
            }
        }
        out.push(bytes[at]);
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query as part of a file name: `version=2&x=y` → `_version-2-x-y`.
fn query_suffix(query: &str) -> String {
    let clean: String = percent_decode(query)
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("_{clean}")
}

/// Where a fetched URL is written (relative to the site's root) and the href that reaches it there.
fn place(url: &str, html: bool) -> (PathBuf, String) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let last = path.rsplit('/').next().unwrap_or("");
    let has_extension = last.contains('.');
    let suffix = if query.is_empty() { String::new() } else { query_suffix(query) };
    let (href, file) = if html {
        let dir = path.trim_end_matches('/');
        let dir = if suffix.is_empty() { dir.to_string() } else { format!("{dir}/{suffix}") };
        (format!("{dir}/"), format!("{dir}/index.html"))
    } else if has_extension {
        let (stem, extension) = path.rsplit_once('.').unwrap_or((path, ""));
        let name = format!("{stem}{suffix}.{extension}");
        (name.clone(), name)
    } else {
        let name = format!("{}{suffix}.json", path.trim_end_matches('/'));
        (name.clone(), name)
    };
    let relative: PathBuf = percent_decode(file.trim_start_matches('/'))
        .split('/')
        .filter(|part| !part.is_empty() && *part != "..")
        .collect();
    (relative, href)
}

/// The site-internal links of an HTML page: `href="/…"` and `src="/…"`, without their fragments.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = rest[..end].replace("&amp;", "&");
            if value.starts_with('/') && !value.starts_with("//") {
                let value = value.split('#').next().unwrap_or("").to_string();
                if !value.is_empty() {
                    out.push(value);
                }
            }
        }
    }
    out
}

struct Fetched {
    html: bool,
    body: Vec<u8>,
}

/// Exports the public site of `store` into `dir` (created when missing).
pub async fn export_site(store: Arc<dyn Store>, dir: &Path) -> Result<SiteStats, String> {
    let service = crate::service(store);
    let mut queue: VecDeque<String> =
        ["/", "/en/", "/data", "/en/data", "/compare", "/en/compare"].iter().map(|path| (*path).to_string()).collect();
    let mut fetched: BTreeMap<String, Fetched> = BTreeMap::new();
    let mut missing: Vec<String> = Vec::new();
    while let Some(url) = queue.pop_front() {
        if fetched.contains_key(&url) || missing.contains(&url) || left_out(&url) {
            continue;
        }
        if fetched.len() > 50_000 {
            return Err("more than 50,000 pages: the site is too large to copy this way".into());
        }
        let request = Request::builder().uri(&url).body(Body::empty()).map_err(|error| error.to_string())?;
        let response = service.clone().oneshot(request).await.map_err(|error| error.to_string())?;
        if response.status() != StatusCode::OK {
            missing.push(url);
            continue;
        }
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|error| error.to_string())?;
        if html {
            for link in links(&String::from_utf8_lossy(&body)) {
                if !fetched.contains_key(&link) {
                    queue.push_back(link);
                }
            }
        }
        fetched.insert(url, Fetched { html, body: body.to_vec() });
    }
    let hrefs: BTreeMap<&str, String> =
        fetched.iter().map(|(url, page)| (url.as_str(), place(url, page.html).1)).collect();
    let mut stats = SiteStats::default();
    for (url, page) in &fetched {
        let (file, _) = place(url, page.html);
        let path = dir.join(&file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
        }
        let body = if page.html {
            stats.pages += 1;
            rewrite(&String::from_utf8_lossy(&page.body), &hrefs).into_bytes()
        } else {
            page.body.clone()
        };
        stats.files += 1;
        stats.bytes += body.len() as u64;
        std::fs::write(&path, &body).map_err(|error| format!("{}: {error}", path.display()))?;
    }
    Ok(stats)
}

/// Rewrites every fetched link of a page to where its copy lies.
fn rewrite(html: &str, hrefs: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|attribute| rest.find(attribute).map(|at| (at, attribute.len())))
            .min();
        let Some((at, length)) = next else { break };
        out.push_str(&rest[..at + length]);
        rest = &rest[at + length..];
        let Some(end) = rest.find('"') else { break };
        let value = rest[..end].replace("&amp;", "&");
        let (target, fragment) = match value.split_once('#') {
            Some((target, fragment)) => (target.to_string(), format!("#{fragment}")),
            None => (value.clone(), String::new()),
        };
        match hrefs.get(target.as_str()) {
            Some(href) => out.push_str(&format!("{href}{fragment}")),
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_a_plain_server_finds() {
        assert_eq!(place("/", true), (PathBuf::from("index.html"), "/".to_string()));
        assert_eq!(
            place("/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/x/2024?version=2", true),
            (
                PathBuf::from("policies/大阪市/x/2024/_version-2/index.html"),
                "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/x/2024/_version-2/".to_string()
            )
        );
        assert_eq!(place("/data/2024/indicators.csv", false).0, PathBuf::from("data/2024/indicators.csv"));
        assert_eq!(place("/p/sheet.xlsx?version=1", false).0, PathBuf::from("p/sheet_version-1.xlsx"));
        assert_eq!(
            place("/api/v1/policies/a/b/2024?version=1", false).0,
            PathBuf::from("api/v1/policies/a/b/2024_version-1.json")
        );
        assert_eq!(place("/../etc/passwd", false).0, PathBuf::from("etc/passwd.json"), "never outside the directory");
    }

    #[test]
    fn no_name_writes_outside_the_site() {
        // An organization or city named to climb out (「../../etc」, percent-encoded or not) stays inside.
        for url in ["/organizations/..%2F..%2Fetc/x", "/organizations/../../etc/x", "/policies/%2E%2E/%2e%2e/x/2024"] {
            let (file, _) = place(url, true);
            assert!(file.is_relative(), "{url}: {}", file.display());
            assert!(
                file.components().all(|part| matches!(part, std::path::Component::Normal(_))),
                "{url}: {}",
                file.display()
            );
        }
        assert!(place("/data/..%2F..%2Fpasswd.csv", false).0.components().all(|part| part.as_os_str() != ".."));
    }

    #[test]
    fn links_are_found_and_rewritten_with_their_fragments() {
        let html = r#"<a href="/a?x=1&amp;y=2#top">a</a><img src="/static/x.svg"><a href="https://e.example/">e</a>"#;
        assert_eq!(links(html), ["/a?x=1&y=2", "/static/x.svg"]);
        let hrefs: BTreeMap<&str, String> = [("/a?x=1&y=2", "/a/_x-1-y-2/".to_string())].into_iter().collect();
        assert!(rewrite(html, &hrefs).contains(r#"href="/a/_x-1-y-2/#top""#));
        assert!(left_out("/en/edit/x") && left_out("/search?q=a") && !left_out("/data"));
    }
}
