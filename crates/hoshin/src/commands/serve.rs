//! `hoshin serve` and `hoshin demo`: the public site and the API on the chosen database. `demo` first loads
//! the sample documents bundled with Hoshin (`hoshin_import::samples`) when they are absent, so that a newcomer sees real policies.

use std::net::SocketAddr;

use anyhow::Result;
use hoshin_import::samples::SAMPLES;
use hoshin_store::{DatabaseUrl, Store};

use crate::commands::import::{cli_author, prepare_text};
use crate::database::{self, shown};
use crate::UserError;

/// Where the server listens unless told otherwise: loopback only, so nothing is exposed by accident.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8470";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on (default 127.0.0.1:8470; port 0 picks a free port).
    #[arg(long, env = "HOSHIN_LISTEN")]
    pub listen: Option<String>,
}

pub fn serve(url: &DatabaseUrl, listen: &str) -> Result<()> {
    run(url, listen, false)
}

pub fn demo(url: &DatabaseUrl, listen: &str) -> Result<()> {
    run(url, listen, true)
}

fn run(url: &DatabaseUrl, listen: &str, load_samples: bool) -> Result<()> {
    let addr: SocketAddr = listen.parse().map_err(|_| {
        UserError(format!("--listen {listen}: not an address; write it as 127.0.0.1:8470 or 0.0.0.0:80"))
    })?;
    database::runtime()?.block_on(async {
        let store = database::open(url).await?;
        if load_samples {
            load_bundled_samples(store.as_ref()).await?;
        }
        // PDFs need a Japanese font on this machine; say so now rather than at the first download.
        if let Err(message) = hoshin_web::fonts() {
            eprintln!("hoshin: warning: PDF downloads will fail: {message}");
        }
        let counts = store.counts().await.map_err(|error| UserError(format!("cannot read the database: {error}")))?;
        eprintln!(
            "hoshin: database {} ({} policies, {} indicator-years)",
            shown(url),
            counts.policies,
            counts.indicator_years
        );
        hoshin_web::serve(store, addr, |bound| {
            // The address goes to standard output, alone on its line, for scripts and tests to read.
            println!("http://{bound}/");
            eprintln!("hoshin: serving http://{bound}/ (English: http://{bound}/en/); Ctrl-C stops");
        })
        .await
        .map_err(|error| UserError(format!("cannot listen on {addr}: {error}")))?;
        eprintln!("hoshin: stopped");
        Ok(())
    })
}

/// Imports each bundled sample; one already imported (the same bytes) is left as it is.
async fn load_bundled_samples(store: &dyn Store) -> Result<(), UserError> {
    let author = cli_author(Some("hoshin demo"));
    for sample in &SAMPLES {
        let hints = sample.hints();
        let (import, _) = prepare_text(
            sample.file_name,
            sample.file_name.to_string(),
            sample.text.as_bytes(),
            sample.text,
            &hints,
            None,
            &author,
        )?;
        let imported = store
            .import(import)
            .await
            .map_err(|error| UserError(format!("cannot load the sample {}: {error}", sample.file_name)))?;
        if imported.created {
            eprintln!("hoshin: loaded the sample {}", sample.file_name);
        }
    }
    Ok(())
}
