//! Signing in and staying signed in: argon2id password hashes, session cookies, CSRF tokens and the limit on
//! failed sign-ins.
//!
//! - A session is a random 256-bit token in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when the request
//!   came over TLS, as a proxy's `X-Forwarded-Proto: https` says). The store keeps only the token's SHA-256,
//!   so a copy of the database cannot sign anyone in. Signing in always starts a new session (no fixation);
//!   a session ends after [`IDLE_TIMEOUT`] without use or [`MAX_AGE`] after sign-in, at sign-out, and for
//!   every browser of an account at "sign out everywhere", a new password, a new role or disabling.
//! - Every form of a session carries the session's CSRF token, and every POST must send it back; the sign-in
//!   form, which has no session yet, uses a double-submit cookie. A POST whose `Origin` names another site is
//!   refused before anything is read.
//! - After [`MAX_FAILURES`] failed sign-ins for one account name, or [`MAX_FAILURES_PER_CLIENT`] from one
//!   client address, within [`FAILURE_WINDOW`], sign-in is refused until the window has passed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap, HeaderValue};
use hoshin_store::{Session, Store};
use sha2::Digest;

pub const SESSION_COOKIE: &str = "hoshin_session";
pub const LOGIN_COOKIE: &str = "hoshin_login";
/// A session unused this long has ended.
pub const IDLE_TIMEOUT: i64 = 4 * 60 * 60;
/// A session this old has ended, used or not: sign in again each working day.
pub const MAX_AGE: i64 = 12 * 60 * 60;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_FAILURES: usize = 5;
pub const MAX_FAILURES_PER_CLIENT: usize = 30;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a password cannot be set.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is too short: use at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password cannot be hashed: {0}")]
    Hash(String),
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes) and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| PasswordError::Hash(error.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| PasswordError::Hash(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hash(error.to_string()))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash that no password matches in reasonable time, checked when the account does not exist so that a
/// wrong name takes as long as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";

pub fn verify_or_waste_time(hash: Option<&str>, password: &str) -> bool {
    match hash {
        Some(hash) => verify_password(hash, password),
        None => {
            let _ = verify_password(DUMMY_HASH, password);
            false
        }
    }
}

/// A random token: 32 bytes as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS's generator failing is not something a request can recover from; a fixed token would be worse.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = sha2::Sha256::digest(format!("{:?}{:?}", SystemTime::now(), std::thread::current().id())).into();
    }
    hex(&bytes)
}

/// The SHA-256 of a token as hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(0))
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && !a.is_empty() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request came over TLS, as far as the server can tell.
fn secure(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|value| value.to_str().ok()).is_some_and(|proto| proto == "https")
}

/// A `Set-Cookie` value for a cookie only this site's pages send back.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(max_age) = max_age {
        cookie.push_str(&format!("; Max-Age={max_age}"));
    }
    if secure(headers) {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("hoshin_invalid=; Max-Age=0"))
}

/// Whether a POST may go on: it has no `Origin`, or the origin is this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else { return true };
    let Some(host) = headers.get(header::HOST).and_then(|value| value.to_str().ok()) else { return false };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host == host
}

/// The signed-in account of a request, when its session is valid. An ended session is removed.
/// An error when the database cannot say (it is down): the caller must not take that for "signed out".
pub async fn current_session(
    store: &dyn Store,
    headers: &HeaderMap,
) -> Result<Option<(Session, String)>, hoshin_store::StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = token_hash(token);
    let Some(session) = store.session(&hash).await? else { return Ok(None) };
    let now = unix_now();
    if now - session.last_seen_at > IDLE_TIMEOUT || now - session.created_at > MAX_AGE {
        let _ = store.delete_session(&hash).await;
        return Ok(None);
    }
    // Touch at most once a minute: most requests only read. A touch that fails (a full disk) does not stop
    // the reading.
    if now - session.last_seen_at > 60 {
        let _ = store.touch_session(&hash, now).await;
    }
    Ok(Some((session, hash)))
}

/// Recent events per key (failed sign-ins, opinion box posts) within a sliding window: what the limits
/// count. In memory, per process.
pub struct RecentEvents {
    window: Duration,
    times: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RecentEvents {
    pub fn new(window: Duration) -> RecentEvents {
        RecentEvents { window, times: Mutex::new(HashMap::new()) }
    }

    /// How many events `key` had within the window.
    pub fn count(&self, key: &str) -> usize {
        let mut times = self.times.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(recent) = times.get_mut(key) else { return 0 };
        recent.retain(|time| time.elapsed() < self.window);
        recent.len()
    }

    pub fn record(&self, key: &str) {
        let mut times = self.times.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Keep the map small: forget keys whose events are all old.
        if times.len() > 10_000 {
            let window = self.window;
            times.retain(|_, recent| recent.iter().any(|time| time.elapsed() < window));
        }
        times.entry(key.to_string()).or_default().push(Instant::now());
    }

    pub fn forget(&self, key: &str) {
        self.times.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

/// Failed sign-ins per name and per client, within [`FAILURE_WINDOW`].
pub struct LoginLimiter {
    failures: RecentEvents,
}

impl Default for LoginLimiter {
    fn default() -> LoginLimiter {
        LoginLimiter { failures: RecentEvents::new(FAILURE_WINDOW) }
    }
}

impl LoginLimiter {
    /// Whether a sign-in for `name` from `client` may be tried now.
    pub fn allows(&self, name: &str, client: &str) -> bool {
        self.failures.count(&format!("name:{name}")) < MAX_FAILURES
            && self.failures.count(&format!("client:{client}")) < MAX_FAILURES_PER_CLIENT
    }

    pub fn failed(&self, name: &str, client: &str) {
        self.failures.record(&format!("name:{name}"));
        self.failures.record(&format!("client:{client}"));
    }

    pub fn succeeded(&self, name: &str) {
        self.failures.forget(&format!("name:{name}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "each hash has its own salt");
        assert_eq!(hash_password("short"), Err(PasswordError::TooShort));
        assert!(!verify_or_waste_time(None, "anything"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token("", ""));
    }

    #[test]
    fn cookies_and_origins() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; hoshin_session=abc; b=2"));
        headers.insert(header::HOST, HeaderValue::from_static("hoshin.example:8470"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
        let set = set_cookie(&headers, SESSION_COOKIE, "xyz", None);
        assert_eq!(set, "hoshin_session=xyz; Path=/; HttpOnly; SameSite=Lax");
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://hoshin.example:8470"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(set_cookie(&headers, SESSION_COOKIE, "xyz", Some(0)).to_str().unwrap().ends_with("Max-Age=0; Secure"));
    }

    #[test]
    fn failed_sign_ins_are_limited_per_name() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.allows("sumiyoshi", "10.0.0.1"));
            limiter.failed("sumiyoshi", "10.0.0.1");
        }
        assert!(!limiter.allows("sumiyoshi", "10.0.0.2"), "the name is locked from any client");
        assert!(limiter.allows("kita", "10.0.0.1"));
        limiter.succeeded("sumiyoshi");
        assert!(limiter.allows("sumiyoshi", "10.0.0.3"));
    }
}
