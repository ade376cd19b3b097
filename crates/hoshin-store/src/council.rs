//! The ward council loop in the database: members and their terms, meetings, opinions (tied to an item and to
//! the version they were about), moderation of the opinion box, the ward's responses, members' ratings and
//! feedback answers, and the events that feed inboxes and the public Atom feeds. Every write is one
//! transaction and is in the audit log.

use hoshin_core::council::{
    check_text, MeetingKind, OpinionAuthor, OpinionSource, OpinionState, ResponseStatus, Term, MAX_OPINION_CHARS,
    MAX_RESPONSE_CHARS,
};
use hoshin_core::{FiscalYear, Lang, Organization, Stage};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::sql::{audit, now, organization_from, trusted, BindOrganization, SqlStore};
use crate::{PolicyKey, Result, StoreError};

/// A member of a ward council.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouncilMember {
    pub id: i64,
    pub organization: Organization,
    pub name: String,
    pub term: Term,
    /// The member's account, when the member signs in.
    pub user: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCouncilMember {
    pub organization: Organization,
    pub name: String,
    pub term: Term,
    pub user: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub organization: Organization,
    /// YYYY-MM-DD
    pub held_on: String,
    pub kind: MeetingKind,
    pub title: String,
    pub agenda: Option<String>,
    pub minutes_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeeting {
    pub organization: Organization,
    pub held_on: (i32, u32, u32),
    pub kind: MeetingKind,
    pub title: String,
    pub agenda: Option<String>,
    pub minutes_url: Option<String>,
}

/// A published version, as opinions and responses refer to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionRef {
    pub id: i64,
    /// The version's number within its policy, as the policy page's `?version=` takes it.
    pub seq: i64,
    pub fiscal_year: FiscalYear,
    pub stage: Stage,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opinion {
    pub id: i64,
    pub key: PolicyKey,
    /// The published version the opinion was about, when there was one.
    pub version: Option<VersionRef>,
    /// The item (`issues/2/indicators/1`), `""` for the policy as a whole.
    pub item_path: String,
    pub author: OpinionAuthor,
    /// The member who gave it, by id and name.
    pub member: Option<(i64, String)>,
    pub source: OpinionSource,
    /// The meeting it was given at: id, date and title.
    pub meeting: Option<(i64, String, String)>,
    pub text: String,
    pub state: OpinionState,
    /// How to reach the citizen: for staff only, never published.
    pub contact: Option<String>,
    pub received_at: String,
    /// The account that entered it; empty for the public opinion box.
    pub entered_by: String,
    pub response: Option<OpinionResponse>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOpinion {
    pub key: PolicyKey,
    pub item_path: String,
    pub author: OpinionAuthor,
    pub member_id: Option<i64>,
    pub source: OpinionSource,
    pub meeting_id: Option<i64>,
    pub text: String,
    pub contact: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpinionResponse {
    pub status: ResponseStatus,
    pub text: String,
    pub reflected_in: Option<VersionRef>,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewResponse {
    pub status: ResponseStatus,
    pub text: String,
    pub reflected_version_id: Option<i64>,
}

/// What moderation decides about an opinion box entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moderation {
    /// Publish it with this text (the submitted text with personal data masked, or edited further).
    Publish(String),
    Reject,
}

/// Which opinions to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpinionFilter {
    pub organization: Option<Organization>,
    pub fiscal_year: Option<FiscalYear>,
    pub state: Option<OpinionState>,
}

/// A member's rating of one issue's results of a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouncilRating {
    pub member_id: i64,
    pub member_name: String,
    pub fiscal_year: FiscalYear,
    /// The issue id as printed.
    pub issue: String,
    pub score: u8,
    pub comment: Option<String>,
    pub at: String,
}

/// A member's answer to the feedback question of a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouncilFeedback {
    pub member_id: i64,
    pub member_name: String,
    pub fiscal_year: FiscalYear,
    pub answer: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A version of a policy was published.
    Version(Stage),
    /// An opinion was received (pending ones only in staff inboxes) or published.
    Opinion(OpinionState),
    /// The ward answered an opinion.
    Response(ResponseStatus),
}

/// Something that happened in an organization's council loop: what inboxes and the Atom feeds list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouncilEvent {
    pub at: String,
    pub organization: Organization,
    pub fiscal_year: FiscalYear,
    pub kind: EventKind,
    /// The opinion it is about, or for a version its number within its policy (`seq`).
    pub id: i64,
    /// The opinion's item, for opinions and responses.
    pub item_path: String,
    /// A short text: the opinion or the response.
    pub text: String,
}

fn bad_code(what: &str, code: &str) -> StoreError {
    StoreError::Database(format!("unknown {what} code 「{code}」 in the database"))
}

fn fiscal_year(value: i64) -> Result<FiscalYear> {
    i32::try_from(value)
        .ok()
        .and_then(FiscalYear::new)
        .ok_or_else(|| StoreError::Database(format!("fiscal year {value} out of range in the database")))
}

fn version_ref(row: &AnyRow, prefix: &str) -> Result<Option<VersionRef>> {
    let id: Option<i64> = row.try_get(format!("{prefix}_id").as_str())?;
    let Some(id) = id else { return Ok(None) };
    let stage: String = row.try_get(format!("{prefix}_stage").as_str())?;
    let year: i64 = row.try_get(format!("{prefix}_year").as_str())?;
    Ok(Some(VersionRef {
        id,
        seq: row.try_get(format!("{prefix}_seq").as_str())?,
        fiscal_year: fiscal_year(year)?,
        stage: Stage::from_code(&stage).ok_or_else(|| bad_code("stage", &stage))?,
    }))
}

const MEMBER_COLUMNS: &str = "m.id, m.name, m.term_start, o.city, o.name AS organization_name, u.name AS user_name";
const MEMBER_FROM: &str =
    "council_members m JOIN organizations o ON o.id = m.organization_id LEFT JOIN users u ON u.id = m.user_id";

fn member_from(row: &AnyRow) -> Result<CouncilMember> {
    let start: i64 = row.try_get("term_start")?;
    Ok(CouncilMember {
        id: row.try_get("id")?,
        organization: organization_from(row.try_get("city")?, row.try_get("organization_name")?),
        name: row.try_get("name")?,
        term: i32::try_from(start)
            .ok()
            .and_then(Term::new)
            .ok_or_else(|| StoreError::Database(format!("term {start} out of range in the database")))?,
        user: row.try_get("user_name")?,
    })
}

const MEETING_COLUMNS: &str =
    "g.id, g.held_on, g.kind, g.title, g.agenda, g.minutes_url, o.city, o.name AS organization_name";

fn meeting_from(row: &AnyRow) -> Result<Meeting> {
    let kind: String = row.try_get("kind")?;
    Ok(Meeting {
        id: row.try_get("id")?,
        organization: organization_from(row.try_get("city")?, row.try_get("organization_name")?),
        held_on: row.try_get("held_on")?,
        kind: MeetingKind::from_code(&kind).ok_or_else(|| bad_code("meeting kind", &kind))?,
        title: row.try_get("title")?,
        agenda: row.try_get("agenda")?,
        minutes_url: row.try_get("minutes_url")?,
    })
}

const OPINION_SELECT: &str =
    "SELECT op.id, op.fiscal_year, op.item_path, op.author_kind, op.source, op.body, op.state, \
     op.contact, op.received_at, op.entered_by, o.city, o.name AS organization_name, \
     m.id AS member_id, m.name AS member_name, g.id AS meeting_id, g.held_on AS meeting_on, g.title AS meeting_title, \
     v.id AS about_id, v.seq AS about_seq, v.stage AS about_stage, pv.fiscal_year AS about_year, \
     r.status AS response_status, r.body AS response_body, r.responded_by, r.responded_at, \
     rv.id AS landed_id, rv.seq AS landed_seq, rv.stage AS landed_stage, pr.fiscal_year AS landed_year \
     FROM opinions op JOIN organizations o ON o.id = op.organization_id \
     LEFT JOIN council_members m ON m.id = op.member_id \
     LEFT JOIN council_meetings g ON g.id = op.meeting_id \
     LEFT JOIN versions v ON v.id = op.version_id LEFT JOIN policies pv ON pv.id = v.policy_id \
     LEFT JOIN opinion_responses r ON r.opinion_id = op.id \
     LEFT JOIN versions rv ON rv.id = r.reflected_version_id LEFT JOIN policies pr ON pr.id = rv.policy_id";

fn opinion_from(row: &AnyRow) -> Result<Opinion> {
    let code = |column: &str| -> Result<String> { Ok(row.try_get(column)?) };
    let author = code("author_kind")?;
    let source = code("source")?;
    let state = code("state")?;
    let organization = organization_from(row.try_get("city")?, row.try_get("organization_name")?);
    let response = match row.try_get::<Option<String>, _>("response_status")? {
        Some(status) => Some(OpinionResponse {
            status: ResponseStatus::from_code(&status).ok_or_else(|| bad_code("response status", &status))?,
            text: row.try_get("response_body")?,
            reflected_in: version_ref(row, "landed")?,
            by: row.try_get("responded_by")?,
            at: row.try_get("responded_at")?,
        }),
        None => None,
    };
    let member = match row.try_get::<Option<i64>, _>("member_id")? {
        Some(id) => Some((id, row.try_get("member_name")?)),
        None => None,
    };
    let meeting = match row.try_get::<Option<i64>, _>("meeting_id")? {
        Some(id) => Some((id, row.try_get("meeting_on")?, row.try_get("meeting_title")?)),
        None => None,
    };
    Ok(Opinion {
        id: row.try_get("id")?,
        key: PolicyKey { organization, fiscal_year: fiscal_year(row.try_get("fiscal_year")?)? },
        version: version_ref(row, "about")?,
        item_path: row.try_get("item_path")?,
        author: OpinionAuthor::from_code(&author).ok_or_else(|| bad_code("author", &author))?,
        member,
        source: OpinionSource::from_code(&source).ok_or_else(|| bad_code("source", &source))?,
        meeting,
        text: row.try_get("body")?,
        state: OpinionState::from_code(&state).ok_or_else(|| bad_code("opinion state", &state))?,
        contact: row.try_get("contact")?,
        received_at: row.try_get("received_at")?,
        entered_by: row.try_get("entered_by")?,
        response,
    })
}

fn invalid(problem: hoshin_core::council::TextProblem) -> StoreError {
    StoreError::Invalid(problem.message(Lang::En))
}

/// The date as stored, when it is a real calendar date.
fn date_text((year, month, day): (i32, u32, u32)) -> Result<String> {
    if !(1990..=2200).contains(&year) || !hoshin_core::era::is_date((year, month, day)) {
        return Err(StoreError::Invalid(format!("{year}-{month}-{day} is not a date")));
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

impl SqlStore {
    async fn require_member(&self, tx: &mut Transaction<'_, Any>, member_id: i64) -> Result<()> {
        let exists = sqlx::query("SELECT id FROM council_members WHERE id = $1")
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
        match exists {
            Some(_) => Ok(()),
            None => Err(StoreError::NotFound(format!("no council member with id {member_id}"))),
        }
    }

    /// The organization of a member, checked to be `organization_id`.
    async fn member_in(&self, tx: &mut Transaction<'_, Any>, member_id: i64, organization_id: i64) -> Result<String> {
        let row = sqlx::query("SELECT name, organization_id FROM council_members WHERE id = $1")
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no council member with id {member_id}")))?;
        if row.try_get::<i64, _>("organization_id")? != organization_id {
            return Err(StoreError::Invalid(format!("council member {member_id} belongs to another organization")));
        }
        Ok(row.try_get("name")?)
    }

    pub(crate) async fn add_council_member_row(&self, member: &NewCouncilMember, actor: &str) -> Result<CouncilMember> {
        let name = member.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid("a member's name has 1 to 100 characters".into()));
        }
        let mut tx = self.write_transaction().await?;
        let organization_id = self.organization_id(&mut tx, &member.organization).await?;
        let user_id: Option<i64> = match &member.user {
            Some(user) => {
                let row = sqlx::query("SELECT id, role, organization_id FROM users WHERE name = $1")
                    .bind(user.clone())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("no account named 「{user}」")))?;
                let role: String = row.try_get("role")?;
                if role != "council_member"
                    || row.try_get::<Option<i64>, _>("organization_id")? != Some(organization_id)
                {
                    return Err(StoreError::Invalid(format!(
                        "「{user}」 is not a council member account of {}",
                        member.organization.name
                    )));
                }
                Some(row.try_get("id")?)
            }
            None => None,
        };
        let row = sqlx::query(
            "INSERT INTO council_members (organization_id, name, term_start, user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(organization_id)
        .bind(name.to_string())
        .bind(i64::from(member.term.start_year))
        .bind(user_id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let after = serde_json::json!({ "name": name, "term_start": member.term.start_year, "user": member.user });
        audit(&mut tx, actor, "add-council-member", &format!("council-member:{id}"), None, Some(after.to_string()))
            .await?;
        tx.commit().await?;
        Ok(CouncilMember {
            id,
            organization: member.organization.clone(),
            name: name.to_string(),
            term: member.term,
            user: member.user.clone(),
        })
    }

    pub(crate) async fn council_members_rows(&self, organization: &Organization) -> Result<Vec<CouncilMember>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE o.city = $1 AND o.name = $2 \
             ORDER BY m.term_start DESC, m.id"
        );
        let rows = sqlx::query(trusted(sql)).bind_organization(organization).fetch_all(self.pool()).await?;
        rows.iter().map(member_from).collect()
    }

    pub(crate) async fn council_member_of_row(&self, user: &str) -> Result<Option<CouncilMember>> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE u.name = $1 ORDER BY m.term_start DESC");
        let row = sqlx::query(trusted(sql)).bind(user.to_string()).fetch_optional(self.pool()).await?;
        row.as_ref().map(member_from).transpose()
    }

    pub(crate) async fn add_meeting_row(&self, meeting: &NewMeeting, actor: &str) -> Result<Meeting> {
        let held_on = date_text(meeting.held_on)?;
        let title = check_text(&meeting.title, 200).map_err(invalid)?;
        let mut tx = self.write_transaction().await?;
        let organization_id = self.organization_id(&mut tx, &meeting.organization).await?;
        let row = sqlx::query(
            "INSERT INTO council_meetings (organization_id, held_on, kind, title, agenda, minutes_url, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(organization_id)
        .bind(held_on.clone())
        .bind(meeting.kind.code())
        .bind(title.clone())
        .bind(meeting.agenda.clone())
        .bind(meeting.minutes_url.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let after = serde_json::json!({ "held_on": held_on, "kind": meeting.kind.code(), "title": title });
        audit(&mut tx, actor, "add-meeting", &format!("meeting:{id}"), None, Some(after.to_string())).await?;
        tx.commit().await?;
        Ok(Meeting {
            id,
            organization: meeting.organization.clone(),
            held_on,
            kind: meeting.kind,
            title,
            agenda: meeting.agenda.clone(),
            minutes_url: meeting.minutes_url.clone(),
        })
    }

    pub(crate) async fn meetings_rows(&self, organization: &Organization) -> Result<Vec<Meeting>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM council_meetings g JOIN organizations o ON o.id = g.organization_id \
             WHERE o.city = $1 AND o.name = $2 ORDER BY g.held_on DESC, g.id DESC"
        );
        let rows = sqlx::query(trusted(sql)).bind_organization(organization).fetch_all(self.pool()).await?;
        rows.iter().map(meeting_from).collect()
    }

    pub(crate) async fn add_opinion_row(&self, opinion: &NewOpinion, actor: &str) -> Result<Opinion> {
        let text = check_text(&opinion.text, MAX_OPINION_CHARS).map_err(invalid)?;
        if hoshin_core::edit::ItemPath::parse(&opinion.item_path).is_none() {
            return Err(StoreError::Invalid(format!("「{}」 is not an item of a policy", opinion.item_path)));
        }
        if (opinion.author == OpinionAuthor::Member) != opinion.member_id.is_some() {
            return Err(StoreError::Invalid("a member's opinion names the member, and only a member's".into()));
        }
        if opinion.meeting_id.is_some() && opinion.source != OpinionSource::Meeting {
            return Err(StoreError::Invalid("only an opinion given at a meeting names the meeting".into()));
        }
        let mut tx = self.write_transaction().await?;
        let organization_id = self.existing_organization_id(&mut tx, &opinion.key.organization).await?;
        let policy = sqlx::query("SELECT id FROM policies WHERE organization_id = $1 AND fiscal_year = $2")
            .bind(organization_id)
            .bind(i64::from(opinion.key.fiscal_year.start_year()))
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no policy of {} for fiscal year {}",
                    opinion.key.organization.name,
                    opinion.key.fiscal_year.start_year()
                ))
            })?;
        let policy_id: i64 = policy.try_get("id")?;
        let version = sqlx::query("SELECT id FROM versions WHERE policy_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(policy_id)
            .fetch_optional(&mut *tx)
            .await?;
        let version_id: Option<i64> = version.map(|row| row.try_get("id")).transpose()?;
        if let Some(member_id) = opinion.member_id {
            self.member_in(&mut tx, member_id, organization_id).await?;
        }
        if let Some(meeting_id) = opinion.meeting_id {
            let row = sqlx::query("SELECT organization_id FROM council_meetings WHERE id = $1")
                .bind(meeting_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no meeting with id {meeting_id}")))?;
            if row.try_get::<i64, _>("organization_id")? != organization_id {
                return Err(StoreError::Invalid(format!("meeting {meeting_id} belongs to another organization")));
            }
        }
        let state = opinion.source.initial_state();
        let contact = opinion.contact.as_ref().map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        let row = sqlx::query(
            "INSERT INTO opinions (organization_id, fiscal_year, version_id, item_path, author_kind, member_id, \
             source, meeting_id, body, state, contact, received_at, entered_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(organization_id)
        .bind(i64::from(opinion.key.fiscal_year.start_year()))
        .bind(version_id)
        .bind(opinion.item_path.clone())
        .bind(opinion.author.code())
        .bind(opinion.member_id)
        .bind(opinion.source.code())
        .bind(opinion.meeting_id)
        .bind(text.clone())
        .bind(state.code())
        .bind(contact)
        .bind(now())
        .bind(actor.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        // The contact stays out of the log as it stays off the public pages.
        let after = serde_json::json!({
            "policy": format!("{}/{}", opinion.key.organization.name, opinion.key.fiscal_year.start_year()),
            "item": opinion.item_path, "source": opinion.source.code(), "state": state.code(), "text": text,
        });
        let who = if actor.is_empty() { "public" } else { actor };
        audit(&mut tx, who, "add-opinion", &format!("opinion:{id}"), None, Some(after.to_string())).await?;
        tx.commit().await?;
        self.opinion_row(id).await
    }

    pub(crate) async fn opinion_row(&self, id: i64) -> Result<Opinion> {
        let sql = format!("{OPINION_SELECT} WHERE op.id = $1");
        let row = sqlx::query(trusted(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no opinion with id {id}")))?;
        opinion_from(&row)
    }

    pub(crate) async fn opinions_rows(&self, filter: &OpinionFilter) -> Result<Vec<Opinion>> {
        let sql = format!(
            "{OPINION_SELECT} WHERE ($1 = 0 OR (o.city = $2 AND o.name = $3)) AND ($4 = 0 OR op.fiscal_year = $4) \
             AND ($5 = '' OR op.state = $5) ORDER BY op.received_at DESC, op.id DESC"
        );
        let organization = filter.organization.as_ref();
        let rows = sqlx::query(trusted(sql))
            .bind(i64::from(organization.is_some()))
            .bind(organization.and_then(|o| o.city.clone()).unwrap_or_default())
            .bind(organization.map(|o| o.name.clone()).unwrap_or_default())
            .bind(filter.fiscal_year.map_or(0, |year| i64::from(year.start_year())))
            .bind(filter.state.map_or("", OpinionState::code))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(opinion_from).collect()
    }

    pub(crate) async fn moderate_row(&self, id: i64, decision: &Moderation, actor: &str) -> Result<Opinion> {
        let mut tx = self.write_transaction().await?;
        let row = sqlx::query("SELECT state, body FROM opinions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no opinion with id {id}")))?;
        let state: String = row.try_get("state")?;
        if state != OpinionState::Pending.code() {
            return Err(StoreError::Conflict(format!("opinion {id} has been moderated already")));
        }
        let before: String = row.try_get("body")?;
        let (state, body) = match decision {
            Moderation::Publish(text) => {
                (OpinionState::Published, check_text(text, MAX_OPINION_CHARS).map_err(invalid)?)
            }
            Moderation::Reject => (OpinionState::Rejected, before.clone()),
        };
        sqlx::query("UPDATE opinions SET state = $1, body = $2, moderated_by = $3, moderated_at = $4 WHERE id = $5")
            .bind(state.code())
            .bind(body.clone())
            .bind(actor.to_string())
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = serde_json::json!({ "state": "pending", "text": before });
        let after = serde_json::json!({ "state": state.code(), "text": body });
        audit(
            &mut tx,
            actor,
            "moderate-opinion",
            &format!("opinion:{id}"),
            Some(before.to_string()),
            Some(after.to_string()),
        )
        .await?;
        tx.commit().await?;
        self.opinion_row(id).await
    }

    pub(crate) async fn respond_row(&self, id: i64, response: &NewResponse, actor: &str) -> Result<Opinion> {
        let text = check_text(&response.text, MAX_RESPONSE_CHARS).map_err(invalid)?;
        let mut tx = self.write_transaction().await?;
        let row = sqlx::query("SELECT state, organization_id FROM opinions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no opinion with id {id}")))?;
        let state: String = row.try_get("state")?;
        if state != OpinionState::Published.code() {
            return Err(StoreError::Invalid(format!("opinion {id} is not published: moderate it before answering")));
        }
        let organization_id: i64 = row.try_get("organization_id")?;
        if let Some(version_id) = response.reflected_version_id {
            let version = sqlx::query(
                "SELECT p.organization_id FROM versions v JOIN policies p ON p.id = v.policy_id WHERE v.id = $1",
            )
            .bind(version_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no version with id {version_id}")))?;
            if version.try_get::<i64, _>("organization_id")? != organization_id {
                return Err(StoreError::Invalid(format!("version {version_id} is another organization's")));
            }
        }
        let previous = sqlx::query("SELECT status, body FROM opinion_responses WHERE opinion_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let before = previous
            .map(|row| -> Result<String> {
                let status: String = row.try_get("status")?;
                let body: String = row.try_get("body")?;
                Ok(serde_json::json!({ "status": status, "text": body }).to_string())
            })
            .transpose()?;
        sqlx::query("DELETE FROM opinion_responses WHERE opinion_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO opinion_responses (opinion_id, status, body, reflected_version_id, responded_by, responded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(response.status.code())
        .bind(text.clone())
        .bind(response.reflected_version_id)
        .bind(actor.to_string())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "status": response.status.code(), "text": text, "reflected_version": response.reflected_version_id,
        });
        audit(&mut tx, actor, "respond-to-opinion", &format!("opinion:{id}"), before, Some(after.to_string())).await?;
        tx.commit().await?;
        self.opinion_row(id).await
    }

    pub(crate) async fn rate_row(
        &self,
        member_id: i64,
        fiscal_year: FiscalYear,
        issue: &str,
        score: u8,
        comment: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        if !(1..=5).contains(&score) {
            return Err(StoreError::Invalid(format!("a score is 1 to 5, not {score}")));
        }
        let comment = match comment.map(str::trim).filter(|c| !c.is_empty()) {
            Some(text) => Some(check_text(text, MAX_OPINION_CHARS).map_err(invalid)?),
            None => None,
        };
        let mut tx = self.write_transaction().await?;
        self.require_member(&mut tx, member_id).await?;
        let year = i64::from(fiscal_year.start_year());
        sqlx::query("DELETE FROM council_ratings WHERE member_id = $1 AND fiscal_year = $2 AND issue = $3")
            .bind(member_id)
            .bind(year)
            .bind(issue.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO council_ratings (member_id, fiscal_year, issue, score, comment, rated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(member_id)
        .bind(year)
        .bind(issue.to_string())
        .bind(i64::from(score))
        .bind(comment.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "fiscal_year": year, "issue": issue, "score": score, "comment": comment });
        audit(&mut tx, actor, "rate-results", &format!("council-member:{member_id}"), None, Some(after.to_string()))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn ratings_rows(
        &self,
        organization: &Organization,
        fiscal_year: FiscalYear,
    ) -> Result<Vec<CouncilRating>> {
        let rows = sqlx::query(
            "SELECT r.member_id, m.name AS member_name, r.fiscal_year, r.issue, r.score, r.comment, r.rated_at \
             FROM council_ratings r JOIN council_members m ON m.id = r.member_id \
             JOIN organizations o ON o.id = m.organization_id \
             WHERE o.city = $1 AND o.name = $2 AND r.fiscal_year = $3 ORDER BY r.issue, m.name, r.member_id",
        )
        .bind_organization(organization)
        .bind(i64::from(fiscal_year.start_year()))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let score: i64 = row.try_get("score")?;
                Ok(CouncilRating {
                    member_id: row.try_get("member_id")?,
                    member_name: row.try_get("member_name")?,
                    fiscal_year: fiscal_year_of(row)?,
                    issue: row.try_get("issue")?,
                    score: u8::try_from(score)
                        .map_err(|_| StoreError::Database(format!("score {score} in the database")))?,
                    comment: row.try_get("comment")?,
                    at: row.try_get("rated_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn answer_feedback_row(
        &self,
        member_id: i64,
        fiscal_year: FiscalYear,
        answer: bool,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.write_transaction().await?;
        self.require_member(&mut tx, member_id).await?;
        let year = i64::from(fiscal_year.start_year());
        sqlx::query("DELETE FROM council_feedback WHERE member_id = $1 AND fiscal_year = $2")
            .bind(member_id)
            .bind(year)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO council_feedback (member_id, fiscal_year, answer, answered_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(member_id)
        .bind(year)
        .bind(i64::from(answer))
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "fiscal_year": year, "feedback": answer });
        audit(&mut tx, actor, "answer-feedback", &format!("council-member:{member_id}"), None, Some(after.to_string()))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn feedback_rows(
        &self,
        organization: &Organization,
        fiscal_year: FiscalYear,
    ) -> Result<Vec<CouncilFeedback>> {
        let rows = sqlx::query(
            "SELECT f.member_id, m.name AS member_name, f.fiscal_year, f.answer \
             FROM council_feedback f JOIN council_members m ON m.id = f.member_id \
             JOIN organizations o ON o.id = m.organization_id \
             WHERE o.city = $1 AND o.name = $2 AND f.fiscal_year = $3 ORDER BY m.name, f.member_id",
        )
        .bind_organization(organization)
        .bind(i64::from(fiscal_year.start_year()))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CouncilFeedback {
                    member_id: row.try_get("member_id")?,
                    member_name: row.try_get("member_name")?,
                    fiscal_year: fiscal_year_of(row)?,
                    answer: row.try_get::<i64, _>("answer")? != 0,
                })
            })
            .collect()
    }

    /// Published versions, received or published opinions and responses, newest first.
    pub(crate) async fn council_events_rows(
        &self,
        organization: Option<&Organization>,
        include_pending: bool,
        limit: usize,
    ) -> Result<Vec<CouncilEvent>> {
        let (city, name) =
            organization.map(|o| (o.city.clone().unwrap_or_default(), o.name.clone())).unwrap_or_default();
        let scope = "($1 = 0 OR (o.city = $2 AND o.name = $3))";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let versions = format!(
            "SELECT v.created_at AS at, o.city, o.name AS organization_name, p.fiscal_year, 'version' AS kind, \
             v.stage AS code, v.seq AS id, '' AS item_path, '' AS body \
             FROM versions v JOIN policies p ON p.id = v.policy_id JOIN organizations o ON o.id = p.organization_id \
             WHERE {scope}"
        );
        let states = if include_pending { "'published', 'pending'" } else { "'published'" };
        let opinions = format!(
            "SELECT COALESCE(op.moderated_at, op.received_at) AS at, o.city, o.name AS organization_name, \
             op.fiscal_year, 'opinion' AS kind, op.state AS code, op.id, op.item_path, op.body \
             FROM opinions op JOIN organizations o ON o.id = op.organization_id \
             WHERE {scope} AND op.state IN ({states})"
        );
        let responses = format!(
            "SELECT r.responded_at AS at, o.city, o.name AS organization_name, op.fiscal_year, 'response' AS kind, \
             r.status AS code, op.id, op.item_path, r.body \
             FROM opinion_responses r JOIN opinions op ON op.id = r.opinion_id \
             JOIN organizations o ON o.id = op.organization_id WHERE {scope} AND op.state = 'published'"
        );
        let sql = format!(
            "SELECT * FROM ({versions} UNION ALL {opinions} UNION ALL {responses}) e ORDER BY e.at DESC, e.id DESC LIMIT $4"
        );
        let rows = sqlx::query(trusted(sql))
            .bind(i64::from(organization.is_some()))
            .bind(city)
            .bind(name)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let code: String = row.try_get("code")?;
                let kind = match kind.as_str() {
                    "version" => EventKind::Version(Stage::from_code(&code).ok_or_else(|| bad_code("stage", &code))?),
                    "opinion" => {
                        EventKind::Opinion(OpinionState::from_code(&code).ok_or_else(|| bad_code("state", &code))?)
                    }
                    _ => EventKind::Response(
                        ResponseStatus::from_code(&code).ok_or_else(|| bad_code("response status", &code))?,
                    ),
                };
                Ok(CouncilEvent {
                    at: row.try_get("at")?,
                    organization: organization_from(row.try_get("city")?, row.try_get("organization_name")?),
                    fiscal_year: fiscal_year_of(row)?,
                    kind,
                    id: row.try_get("id")?,
                    item_path: row.try_get("item_path")?,
                    text: row.try_get("body")?,
                })
            })
            .collect()
    }

    pub(crate) async fn inbox_seen_row(&self, user_id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT seen_at FROM inbox_seen WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|row| row.try_get("seen_at")).transpose()?)
    }

    pub(crate) async fn mark_inbox_seen_row(&self, user_id: i64, at: &str) -> Result<()> {
        let mut tx = self.write_transaction().await?;
        sqlx::query("DELETE FROM inbox_seen WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO inbox_seen (user_id, seen_at) VALUES ($1, $2)")
            .bind(user_id)
            .bind(at.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn fiscal_year_of(row: &AnyRow) -> Result<FiscalYear> {
    fiscal_year(row.try_get("fiscal_year")?)
}
