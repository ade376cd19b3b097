//! `/audit`: the document audit of every published policy, a count per kind of finding for each
//! organization and year; `/audit/{city}/{name}`: one organization's findings, each naming the item (linked
//! to it on the policy page) and the values.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use hoshin_core::audit::{audit, Finding, FindingKind};
use hoshin_core::{Lang, Organization};
use hoshin_store::{PolicyKey, PolicyOverview};

use super::{render, Chrome, OrPage, PageError};
use crate::links::organization_from_path;
use crate::AppState;

/// The findings of one published policy (its latest version), with last year's policy for the budgets.
async fn findings_of(state: &AppState, key: &PolicyKey, chrome: &Chrome) -> Result<Vec<Finding>, PageError> {
    let stored = state.store.latest(key).await.or_page(chrome)?;
    let previous = match key.fiscal_year.previous() {
        Some(year) => {
            let last = PolicyKey { organization: key.organization.clone(), fiscal_year: year };
            state.store.latest(&last).await.ok().map(|stored| stored.content)
        }
        None => None,
    };
    Ok(audit(&stored.content, key.fiscal_year, stored.version.stage, previous.as_ref()))
}

pub struct SummaryRow {
    pub organization: String,
    pub href: String,
    pub year: String,
    pub counts: Vec<usize>,
    pub total: usize,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct SummaryPage {
    chrome: Chrome,
    kinds: Vec<&'static str>,
    rows: Vec<SummaryRow>,
}

pub async fn summary(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, chrome_title(lang));
    let overview: Vec<PolicyOverview> = state.store.overview().await.or_page(&chrome)?;
    let mut rows = Vec::new();
    for row in &overview {
        let key = &row.summary.key;
        let findings = findings_of(&state, key, &chrome).await?;
        rows.push(SummaryRow {
            organization: key.organization.name.clone(),
            href: organization_audit(&chrome, &key.organization),
            year: key.fiscal_year.label(lang),
            counts: FindingKind::CODES
                .iter()
                .map(|code| findings.iter().filter(|finding| finding.kind.code() == *code).count())
                .collect(),
            total: findings.len(),
        });
    }
    let page = SummaryPage {
        kinds: FindingKind::CODES.iter().map(|code| FindingKind::label(code, lang)).collect(),
        rows,
        chrome,
    };
    render(&page, &page.chrome)
}

fn chrome_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "文書の点検",
        Lang::En => "Document audit",
    }
}

pub fn organization_audit(chrome: &Chrome, organization: &Organization) -> String {
    format!("{}/audit/{}", chrome.links.prefix(), crate::links::organization_path(organization))
}

pub struct FindingView {
    pub kind: &'static str,
    pub href: String,
    pub message: String,
}

pub struct PolicyFindings {
    pub year: String,
    pub policy_href: String,
    pub findings: Vec<FindingView>,
}

#[derive(Template)]
#[template(path = "audit_organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    heading: String,
    summary_href: String,
    policies: Vec<PolicyFindings>,
}

pub async fn organization(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path((city, name)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, PageError> {
    let organization = organization_from_path(&city, &name);
    let heading = format!("{} — {}", organization.name, chrome_title(lang));
    let chrome = Chrome::new(lang, &uri, heading.clone());
    let keys: Vec<PolicyKey> = super::organization_policies(&state, &organization, &chrome)
        .await?
        .into_iter()
        .map(|row| row.summary.key)
        .collect();
    let mut policies = Vec::new();
    for key in &keys {
        let policy_href = chrome.links.policy(key);
        let findings = findings_of(&state, key, &chrome).await?;
        policies.push(PolicyFindings {
            year: key.fiscal_year.label(lang),
            findings: findings
                .iter()
                .map(|finding| FindingView {
                    kind: FindingKind::label(finding.kind.code(), lang),
                    href: if finding.path.is_empty() {
                        policy_href.clone()
                    } else {
                        format!("{policy_href}#{}", crate::diff::anchor(&finding.path))
                    },
                    message: finding.message(lang),
                })
                .collect(),
            policy_href,
        });
    }
    let page = OrganizationPage { heading, summary_href: format!("{}/audit", chrome.links.prefix()), policies, chrome };
    render(&page, &page.chrome)
}
