//! `hoshin gen --organizations N --years Y`: generates a synthetic data set shaped like the real documents
//! into the database (hoshin_store::synth), year by year so that every year continues the series of the one
//! before, and reports the load rate.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use hoshin_core::FiscalYear;
use hoshin_store::synth::{self, Spec};
use hoshin_store::{Backend, DatabaseUrl, Store};

use crate::database::{self, shown};
use crate::UserError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many organizations (24 wards to a synthetic city).
    #[arg(long, default_value_t = 24)]
    pub organizations: usize,

    /// How many fiscal years, ending with --last-year.
    #[arg(long, default_value_t = 10)]
    pub years: usize,

    /// The last fiscal year generated (its policies are 確定, the earlier ones 年度末評価).
    #[arg(long, default_value_t = 2024)]
    pub last_year: i32,

    /// The seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Imports running at once (default: 1 on SQLite, which has one writer, 8 on PostgreSQL).
    #[arg(long)]
    pub jobs: Option<usize>,
}

pub fn run(url: &DatabaseUrl, args: &Args) -> Result<()> {
    if args.organizations == 0 || args.years == 0 {
        return Err(UserError("--organizations and --years must be at least 1".into()).into());
    }
    let spec =
        Spec { organizations: args.organizations, years: args.years, last_year: args.last_year, seed: args.seed };
    let first =
        FiscalYear::new(spec.first_year()).filter(|_| FiscalYear::new(spec.last_year).is_some()).ok_or_else(|| {
            UserError(format!("--last-year {} with --years {}: outside 1900–2200", spec.last_year, spec.years))
        })?;
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        let jobs = args.jobs.unwrap_or(if store.backend() == Backend::Sqlite { 1 } else { 8 }).max(1);
        let before = store.counts().await.map_err(|error| UserError(error.to_string()))?;
        let started = Instant::now();
        let mut year = first;
        loop {
            let year_started = Instant::now();
            import_year(&store, &spec, year, jobs).await?;
            eprintln!(
                "{}: {} policies in {:.1} s",
                year.start_year(),
                spec.organizations,
                year_started.elapsed().as_secs_f64()
            );
            match year.next() {
                Some(next) if next.start_year() <= spec.last_year => year = next,
                _ => break,
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        let after = store.counts().await.map_err(|error| UserError(error.to_string()))?;
        let rows = after.indicator_years - before.indicator_years;
        println!(
            "generated into {}: {} policies, {} indicator series, {rows} indicator-years in {elapsed:.1} s \
             ({:.0} indicator-years/s, {:.0} policies/s, {jobs} jobs)",
            shown(url),
            after.policies - before.policies,
            after.series - before.series,
            rows as f64 / elapsed,
            (after.policies - before.policies) as f64 / elapsed,
        );
        store.close().await;
        Ok(())
    })
}

async fn import_year(store: &Arc<dyn Store>, spec: &Spec, year: FiscalYear, jobs: usize) -> Result<(), UserError> {
    hoshin_store::import_concurrently(store, synth::year(spec, year), jobs)
        .await
        .map_err(|error| UserError(format!("import: {error}")))
}
