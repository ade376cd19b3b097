//! `hoshin audit [--organization ORG] [--fiscal-year N]`: the document audit of every published policy (the
//! latest version of each), one finding per line, naming the policy, the item and the values.

use anyhow::Result;
use hoshin_core::audit::audit;
use hoshin_core::Lang;
use hoshin_store::{DatabaseUrl, PolicyKey};

use crate::database;
use crate::UserError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this organization: 大阪市/住吉区, or a ward's name alone for 大阪市.
    #[arg(long)]
    pub organization: Option<String>,
    /// Only this fiscal year: 2024, 令和6年度 or R6.
    #[arg(long)]
    pub fiscal_year: Option<String>,
}

pub fn run(url: &DatabaseUrl, args: &Args, lang: Lang) -> Result<()> {
    let organization = args.organization.as_deref().map(super::organization_flag);
    let fiscal_year = args.fiscal_year.as_deref().map(super::fiscal_year_flag).transpose()?;
    let lines = database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let overview = store.overview().await.map_err(|error| UserError(error.to_string()))?;
        let mut lines = Vec::new();
        let mut policies = 0;
        for row in overview {
            let key = &row.summary.key;
            if organization.as_ref().is_some_and(|wanted| *wanted != key.organization)
                || fiscal_year.is_some_and(|wanted| wanted != key.fiscal_year)
            {
                continue;
            }
            policies += 1;
            let stored = store.latest(key).await.map_err(|error| UserError(error.to_string()))?;
            let previous = match key.fiscal_year.previous() {
                Some(year) => {
                    let last = PolicyKey { organization: key.organization.clone(), fiscal_year: year };
                    store.latest(&last).await.ok().map(|stored| stored.content)
                }
                None => None,
            };
            let name = format!("{}/{}", key.organization.city.as_deref().unwrap_or(""), key.organization.name);
            for finding in audit(&stored.content, key.fiscal_year, stored.version.stage, previous.as_ref()) {
                lines.push(format!(
                    "{name} {} [{}] {}",
                    key.fiscal_year.start_year(),
                    finding.kind.code(),
                    finding.message(lang)
                ));
            }
        }
        if policies == 0 {
            return Err(UserError("no published policy matches: check --organization and --fiscal-year".into()));
        }
        Ok::<_, UserError>(lines)
    })?;
    for line in &lines {
        println!("{line}");
    }
    eprintln!("{} findings", lines.len());
    Ok(())
}
