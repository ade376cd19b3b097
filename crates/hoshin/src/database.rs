//! Which database a command uses: `--database URL`, else `HOSHIN_DATABASE_URL`, else the embedded SQLite file
//! in the data directory (`HOSHIN_DATA_DIR`, else `$XDG_DATA_HOME/hoshin`, else `~/.local/share/hoshin`).

use std::path::PathBuf;
use std::sync::Arc;

use hoshin_store::{DatabaseUrl, Store};

use crate::UserError;

/// The file name of the embedded database inside the data directory.
pub const DEFAULT_FILE: &str = "hoshin.db";

/// The data directory.
pub fn data_dir() -> PathBuf {
    let from_env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    if let Some(dir) = from_env("HOSHIN_DATA_DIR") {
        return dir;
    }
    if let Some(dir) = from_env("XDG_DATA_HOME") {
        return dir.join("hoshin");
    }
    if let Some(home) = from_env("HOME") {
        return home.join(".local/share/hoshin");
    }
    PathBuf::from("hoshin-data")
}

/// The database named by `--database` (clap also reads `HOSHIN_DATABASE_URL` into it), or the default.
pub fn resolve(flag: Option<&str>) -> Result<DatabaseUrl, UserError> {
    match flag.map(str::trim).filter(|url| !url.is_empty()) {
        Some(url) => DatabaseUrl::parse(url).map_err(|error| UserError(format!("--database: {error}"))),
        None => Ok(DatabaseUrl::Sqlite(data_dir().join(DEFAULT_FILE))),
    }
}

/// A runtime for the commands that touch the database.
pub fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| UserError(format!("cannot start the async runtime: {error}")))
}

/// Opens the database (applying pending migrations) with a message that names it when that fails.
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>, UserError> {
    hoshin_store::open(url)
        .await
        .map_err(|error| UserError(format!("cannot open the database {}: {error}", shown(url))))
}

/// The URL for messages, without a password.
pub fn shown(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
        DatabaseUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let credentials = &url[scheme + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                    None => url.clone(),
                }
            }
            _ => url.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        let url = DatabaseUrl::Postgres("postgres://hoshin:secret@db:5432/hoshin".into());
        assert_eq!(shown(&url), "postgres://hoshin:***@db:5432/hoshin");
        let url = DatabaseUrl::Postgres("postgres://hoshin@db/hoshin".into());
        assert_eq!(shown(&url), "postgres://hoshin@db/hoshin");
    }

    #[test]
    fn a_bad_url_says_what_to_write() {
        let error = resolve(Some("mysql://x")).unwrap_err();
        assert!(error.0.contains("sqlite:PATH"), "{}", error.0);
        assert!(matches!(resolve(None), Ok(DatabaseUrl::Sqlite(path)) if path.ends_with(DEFAULT_FILE)));
    }
}
