//! Common indicators an administrator decided on: a confirmed group gives its key to its member series
//! (`series.common_key`), which is all the league tables read; a rejected group is kept so that it is not
//! suggested again. The suggestions themselves come from `hoshin_core::lineage::suggest_groups`.

use sqlx::Row;

use crate::sql::{audit, now, SqlStore};
use crate::{Result, StoreError};

/// A common indicator a city administrator decided on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommonGroup {
    /// The key comparisons use (`group-12`).
    pub key: String,
    pub wording: String,
    pub confirmed: bool,
    pub members: Vec<i64>,
    pub decided_by: String,
    pub decided_at: String,
}

impl SqlStore {
    pub(crate) async fn decide_common_group_row(&self, group: &CommonGroup, actor: &str) -> Result<()> {
        if group.members.len() < 2 || group.key.trim().is_empty() || group.wording.trim().is_empty() {
            return Err(StoreError::Invalid("a common indicator has a key, a wording and two members or more".into()));
        }
        let mut tx = self.write_transaction().await?;
        let taken = sqlx::query("SELECT key FROM common_groups WHERE key = $1")
            .bind(group.key.clone())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("the group 「{}」 has been decided already", group.key)));
        }
        for member in &group.members {
            let row = sqlx::query("SELECT common_key FROM series WHERE id = $1")
                .bind(*member)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no series with id {member}")))?;
            if group.confirmed && row.try_get::<Option<String>, _>("common_key")?.is_some() {
                return Err(StoreError::Conflict(format!("series {member} belongs to a common indicator already")));
            }
            if group.confirmed {
                sqlx::query("UPDATE series SET common_key = $1 WHERE id = $2")
                    .bind(group.key.clone())
                    .bind(*member)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let members = serde_json::to_string(&group.members).unwrap_or_default();
        sqlx::query(
            "INSERT INTO common_groups (key, wording, confirmed, members, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(group.key.clone())
        .bind(group.wording.clone())
        .bind(i64::from(group.confirmed))
        .bind(members.clone())
        .bind(actor.to_string())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let after =
            serde_json::json!({ "wording": group.wording, "confirmed": group.confirmed, "members": group.members });
        audit(
            &mut tx,
            actor,
            "decide-common-indicator",
            &format!("common:{}", group.key),
            None,
            Some(after.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn common_groups_rows(&self) -> Result<Vec<CommonGroup>> {
        let rows = sqlx::query(
            "SELECT key, wording, confirmed, members, decided_by, decided_at FROM common_groups ORDER BY key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let members: String = row.try_get("members")?;
                Ok(CommonGroup {
                    key: row.try_get("key")?,
                    wording: row.try_get("wording")?,
                    confirmed: row.try_get::<i64, _>("confirmed")? != 0,
                    members: serde_json::from_str(&members)
                        .map_err(|error| StoreError::Database(format!("members of a common group: {error}")))?,
                    decided_by: row.try_get("decided_by")?,
                    decided_at: row.try_get("decided_at")?,
                })
            })
            .collect()
    }
}
