//! The configuration file. Settings come from, first to last: a command-line flag, its environment variable,
//! the configuration file, the default. The file is TOML, found at `--config FILE`, else `HOSHIN_CONFIG`,
//! else `hoshin.toml` in the configuration directory (`$XDG_CONFIG_HOME/hoshin`, else `~/.config/hoshin`)
//! when it exists:
//!
//! ```toml
//! # The database: sqlite:PATH or postgres://USER@HOST:PORT/DB
//! database = "postgres://hoshin@db.example:5432/hoshin"
//! # Where the server listens.
//! listen = "0.0.0.0:8470"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::UserError;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: Option<String>,
    pub listen: Option<String>,
}

/// The configuration file named by `flag` (or `HOSHIN_CONFIG`, which clap reads into it), else the default
/// file when it exists; no file is an empty configuration.
pub fn load(flag: Option<&Path>) -> Result<Config, UserError> {
    let path = match flag {
        Some(path) => path.to_path_buf(),
        None => match default_path() {
            Some(path) if path.exists() => path,
            _ => return Ok(Config::default()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|error| UserError(format!("configuration {}: cannot read: {error}", path.display())))?;
    parse(&text).map_err(|message| UserError(format!("configuration {}: {message}", path.display())))
}

/// Reads the TOML text; the message says which key or line is wrong.
pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|error| {
        format!(
            "{}; the keys are `database` (sqlite:PATH or postgres://…) and `listen` (ADDRESS:PORT)",
            error.message()
        )
    })
}

fn default_path() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    from_env("XDG_CONFIG_HOME")
        .map(|dir| dir.join("hoshin"))
        .or_else(|| from_env("HOME").map(|home| home.join(".config/hoshin")))
        .map(|dir| dir.join("hoshin.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_names_unknown_ones() {
        let config = parse("database = \"sqlite:/tmp/h.db\"\nlisten = \"0.0.0.0:9000\"\n").unwrap();
        assert_eq!(config.database.as_deref(), Some("sqlite:/tmp/h.db"));
        assert_eq!(config.listen.as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(parse("").unwrap(), Config::default());
        let error = parse("port = 80").unwrap_err();
        assert!(error.contains("port") && error.contains("listen"), "{error}");
        assert!(parse("listen = 80").is_err());
    }
}
