//! A readable rendering of everything a document was read into, for people reviewing an import and for the
//! golden tests: every field, every indicator with its parsed target and results, the diagnostics, and what
//! became of each source line.

use std::fmt::Write;

use hoshin_core::money::format_yen;
use hoshin_core::{
    Activity, Budget, BudgetKind, BulletGroup, Indicator, Initiative, Issue, Lang, Measure, Strategy, TargetText,
};

use crate::yearend::circled;
use crate::{LineUse, Parsed};

/// Renders `parsed`; `source` is the text it was read from, quoted in the coverage section.
pub fn outline(parsed: &Parsed, source: &str) -> String {
    let mut out = String::new();
    let o = &mut out;
    let content = &parsed.content;
    line(o, 0, &format!("layout: {}", parsed.layout.code()));
    let organization = parsed.organization.as_ref().map_or("(unknown)".to_string(), |organization| {
        format!("{} ({})", organization.name, organization.city.as_deref().unwrap_or("city unknown"))
    });
    line(o, 0, &format!("organization: {organization}"));
    let year = parsed.fiscal_year.map_or("(unknown)".to_string(), |year| year.label(Lang::Ja));
    line(o, 0, &format!("fiscal year: {year}"));
    line(o, 0, &format!("stage: {}", parsed.stage.code()));
    optional(o, 0, "title", content.title.as_deref());
    optional(o, 0, "head", content.head.as_deref());
    optional(o, 0, "goal", content.goal.as_deref());
    list(o, 0, "mission", &content.mission);
    list(o, 0, "approach", &content.approach);
    if !content.sdg_goals.is_empty() {
        let goals: Vec<String> = content.sdg_goals.iter().map(u8::to_string).collect();
        line(o, 0, &format!("sdg goals: {}", goals.join(", ")));
    }
    for note in &content.notes {
        line(o, 0, &format!("note: {} ({:?}, {:?})", note.text, note.date, note.stage.map(|stage| stage.code())));
    }
    for issue in &content.issues {
        render_issue(o, issue, parsed);
    }
    optional(o, 0, "self-evaluation (whole policy)", content.self_evaluation.as_deref());
    optional(o, 0, "future policy (whole policy)", content.future_policy.as_deref());
    for item in &content.reform_plan_items {
        let number = item.number.map_or(String::new(), |number| format!("{number}. "));
        line(o, 0, &format!("reform plan item: {number}{}", item.title));
        list(o, 1, "summary", &item.summary);
        for indicator in &item.targets {
            render_indicator(o, 1, indicator, None, parsed);
        }
    }
    line(o, 0, "diagnostics:");
    for diagnostic in &parsed.diagnostics {
        line(o, 1, &format!("L{:04} {}: {}", diagnostic.line, diagnostic.severity.code(), diagnostic.message));
    }
    let coverage = &parsed.coverage;
    line(
        o,
        0,
        &(format!(
            "coverage: {} lines: {} in fields, {} labels, {} furniture, {} unassigned",
            coverage.lines.len(),
            coverage.count(|line_use| matches!(line_use, LineUse::Field(_))),
            coverage.count(|line_use| matches!(line_use, LineUse::Label(_))),
            coverage.count(|line_use| matches!(line_use, LineUse::Furniture(_))),
            coverage.count(|line_use| matches!(line_use, LineUse::Unassigned)),
        ) + &match coverage.count(|line_use| matches!(line_use, LineUse::Repeat { .. })) {
            0 => String::new(),
            repeated => format!(", {repeated} repeated"),
        }),
    );
    let source_lines: Vec<&str> = source.split('\n').collect();
    for (number, line_use) in &coverage.lines {
        let what = match line_use {
            LineUse::Field(path) => path.clone(),
            LineUse::Label(label) => format!("label {label}"),
            LineUse::Furniture(what) => format!("furniture ({what})"),
            LineUse::Repeat { of } => format!("repeat of L{of:04}"),
            LineUse::Unassigned => "UNASSIGNED".to_string(),
        };
        let text: String = source_lines.get(number - 1).copied().unwrap_or("").trim().chars().take(24).collect();
        line(o, 1, &format!("L{number:04} {what} | {}", text.replace('\t', " ")));
    }
    out
}

fn render_issue(o: &mut String, issue: &Issue, parsed: &Parsed) {
    line(o, 0, &format!("issue {}: {}", issue.id, issue.title));
    optional(o, 1, "summary", issue.summary.as_deref());
    budgets(o, 1, &issue.budgets);
    groups(o, 1, "problem recognition", &issue.problem_recognition);
    groups(o, 1, "strategies", &issue.strategies);
    optional(o, 1, "desired state", issue.desired_state.as_deref());
    if !issue.indicators.is_empty() {
        line(o, 1, "indicators:");
        for indicator in &issue.indicators {
            render_indicator(o, 2, indicator, Some(issue), parsed);
        }
    }
    for strategy in &issue.detailed_strategies {
        render_strategy(o, strategy, parsed);
    }
    if !issue.sdg_goals.is_empty() {
        let goals: Vec<String> = issue.sdg_goals.iter().map(u8::to_string).collect();
        line(o, 1, &format!("sdg goals: {}", goals.join(", ")));
    }
    optional(o, 1, "self-evaluation", issue.self_evaluation.as_deref());
    optional(o, 1, "future policy", issue.future_policy.as_deref());
}

fn render_strategy(o: &mut String, strategy: &Strategy, parsed: &Parsed) {
    line(o, 1, &format!("strategy {}: {}", strategy.id, strategy.title));
    optional(o, 2, "desired state", strategy.desired_state.as_deref());
    optional(o, 2, "direction", strategy.direction.as_deref());
    if !strategy.outcome_indicators.is_empty() {
        line(o, 2, "outcome indicators:");
        for indicator in &strategy.outcome_indicators {
            render_indicator(o, 3, indicator, None, parsed);
        }
    }
    list(o, 2, "current state", &strategy.current_state);
    list(o, 2, "challenges", &strategy.challenges);
    for initiative in &strategy.initiatives {
        render_initiative(o, initiative, parsed);
    }
    if !strategy.single_year_targets.is_empty() {
        line(o, 2, "single-year targets:");
        for indicator in &strategy.single_year_targets {
            render_indicator(o, 3, indicator, None, parsed);
        }
    }
    optional(o, 2, "self-evaluation", strategy.self_evaluation.as_deref());
    optional(o, 2, "improvement", strategy.improvement.as_deref());
    optional(o, 2, "mid-year review", strategy.mid_year_review.as_deref());
}

fn render_initiative(o: &mut String, initiative: &Initiative, parsed: &Parsed) {
    let id = if initiative.id.is_empty() { "(no id)" } else { initiative.id.as_str() };
    line(o, 2, &format!("initiative {id}: {}", initiative.title));
    for opinion in &initiative.council_opinions {
        line(o, 3, &format!("council opinion ({}): {}", opinion.source.as_deref().unwrap_or("-"), opinion.text));
    }
    optional(o, 3, "summary", initiative.summary.as_deref());
    budgets(o, 3, &initiative.budgets);
    for activity in &initiative.activities {
        render_activity(o, activity);
    }
    if !initiative.process_indicators.is_empty() {
        line(o, 3, "process indicators:");
        for indicator in &initiative.process_indicators {
            render_indicator(o, 4, indicator, None, parsed);
        }
    }
    optional(o, 3, "mid-year review", initiative.mid_year_review.as_deref());
}

fn render_activity(o: &mut String, activity: &Activity) {
    let planned =
        activity.planned_level.as_ref().map_or(String::new(), |level| format!(" [planned {}]", measure(level)));
    let actuals: Vec<String> =
        activity.actuals.iter().map(|(year, value)| format!("{}: {}", year.start_year(), measure(value))).collect();
    line(o, 3, &format!("activity: {}{planned} {}", activity.name, actuals.join("; ")));
}

fn render_indicator(o: &mut String, depth: usize, indicator: &Indicator, issue: Option<&Issue>, parsed: &Parsed) {
    let number = indicator.number.map_or("-".to_string(), circled);
    let flags = if indicator.reform_plan { " [プラン2.0]" } else { "" };
    line(o, depth, &format!("{number} {}{flags}", indicator.wording));
    match &indicator.target {
        Some(TargetText::Parsed(target)) => {
            line(o, depth + 1, &format!("target: {} = {}", target.render(Lang::Ja), target.render(Lang::En)));
        }
        Some(TargetText::NotEvaluable { text, reason }) => {
            line(o, depth + 1, &format!("target NOT EVALUABLE: 「{text}」: {reason}"));
        }
        None => line(o, depth + 1, "target: none"),
    }
    if let Some(change) = indicator.target_change {
        line(o, depth + 1, &format!("target change: {}", change.label_ja()));
    }
    optional(o, depth + 1, "source", indicator.data_source.as_deref());
    for note in &indicator.notes {
        line(o, depth + 1, &format!("note: {note}"));
    }
    for result in &indicator.results {
        let actual = result.actual.as_ref().map_or("-".to_string(), measure);
        let mark = result
            .published_mark
            .as_ref()
            .map_or("-".to_string(), |mark| format!("{} ({})", mark.mark.letter(), mark.original));
        let year_target = result
            .year_target
            .as_ref()
            .map_or(String::new(), |target| format!(" [that year's target {}]", target.render(Lang::Ja)));
        line(o, depth + 1, &format!("{}: {actual} mark {mark}{year_target}", result.fiscal_year.start_year()));
    }
    if let Some(previous) = &indicator.previous_actual {
        line(o, depth + 1, &format!("previous: {}", measure(previous)));
    }
    if let (Some(issue), Some(number)) = (issue, indicator.number) {
        if let Some(pairing) =
            parsed.pairings.iter().find(|pairing| pairing.issue == issue.id && pairing.number == number)
        {
            let lines: Vec<String> = pairing.lines.iter().map(usize::to_string).collect();
            line(o, depth + 1, &format!("pairing: {} from lines {}", pairing.confidence.code(), lines.join(", ")));
        }
    }
}

fn measure(value: &Measure) -> String {
    if value.is_no_value() {
        format!("{} (no value)", value.original)
    } else {
        value.original.clone()
    }
}

fn budgets(o: &mut String, depth: usize, budgets: &[Budget]) {
    for budget in budgets {
        let kind = match budget.kind {
            BudgetKind::Settled => "決算額",
            BudgetKind::Planned => "予算額",
        };
        let yen = budget.amount.yen.map_or("none".to_string(), format_yen);
        line(
            o,
            depth,
            &format!("budget {} {kind}: {} = {yen}", budget.fiscal_year.start_year(), budget.amount.original),
        );
    }
}

fn groups(o: &mut String, depth: usize, name: &str, groups: &[BulletGroup]) {
    if groups.is_empty() {
        return;
    }
    line(o, depth, &format!("{name}:"));
    for group in groups {
        let mut inner = depth + 1;
        if let Some(heading) = &group.heading {
            let links: String = group.indicator_links.iter().map(|link| circled(*link)).collect();
            let links = if links.is_empty() { String::new() } else { format!(" → {links}") };
            line(o, depth + 1, &format!("【{heading}】{links}"));
            inner += 1;
        } else if !group.indicator_links.is_empty() {
            let links: String = group.indicator_links.iter().map(|link| circled(*link)).collect();
            line(o, depth + 1, &format!("→ {links}"));
        }
        for bullet in &group.bullets {
            line(o, inner, &format!("- {bullet}"));
        }
    }
}

fn list(o: &mut String, depth: usize, name: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    line(o, depth, &format!("{name}:"));
    for item in items {
        line(o, depth + 1, &format!("- {item}"));
    }
}

fn optional(o: &mut String, depth: usize, name: &str, value: Option<&str>) {
    let Some(value) = value else { return };
    let mut lines = value.split('\n');
    line(o, depth, &format!("{name}: {}", lines.next().unwrap_or("")));
    for rest in lines {
        line(o, depth + 1, rest);
    }
}

fn line(o: &mut String, depth: usize, text: &str) {
    let _ = writeln!(o, "{}{}", "  ".repeat(depth), text);
}
