//! Accounts and sessions: the rows behind signing in. Passwords arrive already hashed (argon2id, by the web
//! layer or the CLI) and session tokens as their SHA-256; neither a password nor a token is ever stored.
//! Every change to an account is in the audit log, without the hash.

use hoshin_core::{Organization, Role};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::{audit, now, organization_from, SqlStore};
use crate::{NewUser, Result, Session, StoreError, User, UserChange};

const USER_COLUMNS: &str = "u.id, u.name, u.display_name, u.role, u.disabled, u.created_at, u.password_hash, \
                            o.city AS organization_city, o.name AS organization_name";

fn user_from(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    let organization = match row.try_get::<Option<String>, _>("organization_name")? {
        Some(name) => {
            Some(organization_from(row.try_get::<Option<String>, _>("organization_city")?.unwrap_or_default(), name))
        }
        None => None,
    };
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        role: Role::from_code(&role)
            .ok_or_else(|| StoreError::Database(format!("unknown role 「{role}」 in the database")))?,
        organization,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

fn not_found(name: &str) -> StoreError {
    StoreError::NotFound(format!("no account named 「{name}」"))
}

fn check_role(role: Role, organization: Option<&Organization>) -> Result<()> {
    match (role.needs_organization(), organization) {
        (true, None) => Err(StoreError::Invalid(format!(
            "a {} account belongs to an organization: give one",
            role.label(hoshin_core::Lang::En)
        ))),
        (false, Some(_)) => Err(StoreError::Invalid("an administrator account belongs to no organization".into())),
        _ => Ok(()),
    }
}

fn describe(user: &User) -> String {
    serde_json::json!({
        "name": user.name,
        "role": user.role.code(),
        "organization": user.organization.as_ref().map(|o| format!("{}/{}", o.city.as_deref().unwrap_or(""), o.name)),
        "disabled": user.disabled,
    })
    .to_string()
}

impl SqlStore {
    async fn find_user(&self, name: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.name = $1"
        );
        let row = sqlx::query(crate::sql::trusted(sql)).bind(name.to_string()).fetch_optional(self.pool()).await?;
        row.map(|row| Ok((user_from(&row)?, row.try_get("password_hash")?))).transpose()
    }

    pub(crate) async fn create_user_row(&self, user: &NewUser, actor: &str) -> Result<User> {
        let name = user.name.trim();
        if name.is_empty() || name.chars().any(char::is_whitespace) || name.chars().count() > 64 {
            return Err(StoreError::Invalid(format!(
                "「{}」 is not a login name: use 1 to 64 characters without spaces",
                user.name
            )));
        }
        check_role(user.role, user.organization.as_ref())?;
        let mut tx = self.write_transaction().await?;
        let taken =
            sqlx::query("SELECT id FROM users WHERE name = $1").bind(name.to_string()).fetch_optional(&mut *tx).await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("an account named 「{name}」 exists already")));
        }
        let organization_id = match &user.organization {
            Some(organization) => Some(self.organization_id(&mut tx, organization).await?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO users (name, display_name, role, organization_id, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(name.to_string())
        .bind(user.display_name.clone())
        .bind(user.role.code())
        .bind(organization_id)
        .bind(user.password_hash.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let created = User {
            id: 0,
            name: name.to_string(),
            display_name: user.display_name.clone(),
            role: user.role,
            organization: user.organization.clone(),
            disabled: false,
            created_at: String::new(),
        };
        audit(&mut tx, actor, "create-user", &format!("user:{name}"), None, Some(describe(&created))).await?;
        tx.commit().await?;
        self.user_row(name).await
    }

    pub(crate) async fn users_rows(&self) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN organizations o ON o.id = u.organization_id ORDER BY u.name"
        );
        let rows = sqlx::query(crate::sql::trusted(sql)).fetch_all(self.pool()).await?;
        rows.iter().map(user_from).collect()
    }

    pub(crate) async fn user_row(&self, name: &str) -> Result<User> {
        Ok(self.find_user(name).await?.ok_or_else(|| not_found(name))?.0)
    }

    pub(crate) async fn login_row(&self, name: &str) -> Result<(User, String)> {
        self.find_user(name).await?.ok_or_else(|| not_found(name))
    }

    pub(crate) async fn update_user_row(&self, name: &str, change: &UserChange, actor: &str) -> Result<User> {
        let before = self.user_row(name).await?;
        let mut tx = self.write_transaction().await?;
        let (action, end_sessions) = match change {
            UserChange::Password(hash) => {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash.clone())
                    .bind(before.id)
                    .execute(&mut *tx)
                    .await?;
                ("set-password", true)
            }
            UserChange::Role { role, organization } => {
                check_role(*role, organization.as_ref())?;
                let organization_id = match organization {
                    Some(organization) => Some(self.organization_id(&mut tx, organization).await?),
                    None => None,
                };
                sqlx::query("UPDATE users SET role = $1, organization_id = $2 WHERE id = $3")
                    .bind(role.code())
                    .bind(organization_id)
                    .bind(before.id)
                    .execute(&mut *tx)
                    .await?;
                // A changed role ends the sessions that carry the old one.
                ("set-role", true)
            }
            UserChange::Disabled(disabled) => {
                sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                    .bind(i64::from(*disabled))
                    .bind(before.id)
                    .execute(&mut *tx)
                    .await?;
                (if *disabled { "disable-user" } else { "enable-user" }, *disabled)
            }
        };
        if end_sessions {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(before.id).execute(&mut *tx).await?;
        }
        let after = match change {
            UserChange::Password(_) => before.clone(),
            UserChange::Role { role, organization } => {
                User { role: *role, organization: organization.clone(), ..before.clone() }
            }
            UserChange::Disabled(disabled) => User { disabled: *disabled, ..before.clone() },
        };
        let (before_text, after_text) = match change {
            // The log says that the password changed, never what it is.
            UserChange::Password(_) => (None, None),
            _ => (Some(describe(&before)), Some(describe(&after))),
        };
        audit(&mut tx, actor, action, &format!("user:{name}"), before_text, after_text).await?;
        tx.commit().await?;
        self.user_row(name).await
    }

    pub(crate) async fn create_session_row(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(csrf_token.to_string())
        .bind(now)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn session_row(&self, token_hash: &str) -> Result<Option<Session>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at \
             FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organizations o ON o.id = u.organization_id \
             WHERE s.token_hash = $1 AND u.disabled = 0"
        );
        let row =
            sqlx::query(crate::sql::trusted(sql)).bind(token_hash.to_string()).fetch_optional(self.pool()).await?;
        row.map(|row| {
            Ok(Session {
                user: user_from(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                created_at: row.try_get("session_created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            })
        })
        .transpose()
    }

    pub(crate) async fn touch_session_row(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub(crate) async fn delete_session_row(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub(crate) async fn delete_sessions_rows(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn delete_stale_rows(&self, before: i64) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1").bind(before).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }
}
