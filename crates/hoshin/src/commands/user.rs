//! `hoshin user`: accounts from the command line, for bootstrapping (the first administrator is created
//! here, never by a default password) and recovery. Passwords are read from standard input, one line, so
//! that they appear neither in the process list nor in the shell history.

use std::io::BufRead;

use anyhow::Result;
use hoshin_core::{Organization, Role};
use hoshin_store::{DatabaseUrl, NewUser, UserChange};

use crate::database;
use crate::UserError;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an account; its password is read from standard input.
    Add(AddArgs),
    /// Set an account's password (read from standard input); its sessions end.
    SetPassword(NameArgs),
    /// Change an account's role and organization; its sessions end.
    SetRole(RoleArgs),
    /// Disable an account; its sessions end.
    Disable(NameArgs),
    /// Enable a disabled account.
    Enable(NameArgs),
    /// List the accounts.
    List,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    pub name: String,
    #[command(flatten)]
    pub role: RoleOptions,
    /// The name shown in the workspace (「住吉 花子」).
    #[arg(long)]
    pub display_name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RoleOptions {
    /// administrator, editor, approver or council_member.
    #[arg(long)]
    pub role: String,
    /// The organization of an editor, approver or council member: 大阪市/住吉区 (a name alone is 大阪市's).
    #[arg(long)]
    pub organization: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct NameArgs {
    pub name: String,
}

#[derive(Debug, clap::Args)]
pub struct RoleArgs {
    pub name: String,
    #[command(flatten)]
    pub role: RoleOptions,
}

const ACTOR: &str = "cli";

fn role(options: &RoleOptions) -> Result<(Role, Option<Organization>), UserError> {
    let role = Role::from_code(&options.role).ok_or_else(|| {
        let codes: Vec<&str> = Role::ALL.iter().map(|role| role.code()).collect();
        UserError(format!("--role {}: not a role; use one of {}", options.role, codes.join(", ")))
    })?;
    let organization =
        options.organization.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(super::organization_flag);
    Ok((role, organization))
}

/// One line of standard input, hashed.
fn read_password() -> Result<String, UserError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| UserError(format!("reading the password from standard input: {error}")))?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(UserError(
            "no password on standard input: pipe it in, e.g. `printf '%s\\n' \"$PASSWORD\" | hoshin user add …`".into(),
        ));
    }
    hoshin_web::auth::hash_password(password).map_err(|error| UserError(error.to_string()))
}

pub fn run(url: &DatabaseUrl, command: &Command) -> Result<()> {
    let hash = match command {
        Command::Add(_) | Command::SetPassword(_) => Some(read_password()?),
        _ => None,
    };
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let fail = |error: hoshin_store::StoreError| UserError(error.to_string());
        match command {
            Command::Add(args) => {
                let (role, organization) = role(&args.role)?;
                let user = NewUser {
                    name: args.name.clone(),
                    display_name: args.display_name.clone(),
                    role,
                    organization,
                    password_hash: hash.unwrap_or_default(),
                };
                let user = store.create_user(&user, ACTOR).await.map_err(fail)?;
                println!("created {} ({})", user.name, user.role);
            }
            Command::SetPassword(args) => {
                store
                    .update_user(&args.name, &UserChange::Password(hash.unwrap_or_default()), ACTOR)
                    .await
                    .map_err(fail)?;
                println!("password of {} set; its sessions have ended", args.name);
            }
            Command::SetRole(args) => {
                let (role, organization) = role(&args.role)?;
                let user = store
                    .update_user(&args.name, &UserChange::Role { role, organization }, ACTOR)
                    .await
                    .map_err(fail)?;
                println!("{} is now {}", user.name, user.role);
            }
            Command::Disable(args) => {
                store.update_user(&args.name, &UserChange::Disabled(true), ACTOR).await.map_err(fail)?;
                println!("{} disabled; its sessions have ended", args.name);
            }
            Command::Enable(args) => {
                store.update_user(&args.name, &UserChange::Disabled(false), ACTOR).await.map_err(fail)?;
                println!("{} enabled", args.name);
            }
            Command::List => {
                for user in store.users().await.map_err(fail)? {
                    let organization = user
                        .organization
                        .map(|o| format!("{}/{}", o.city.unwrap_or_default(), o.name))
                        .unwrap_or_default();
                    let state = if user.disabled { "disabled" } else { "active" };
                    println!("{}\t{}\t{organization}\t{state}", user.name, user.role);
                }
            }
        }
        Ok(())
    })
}
