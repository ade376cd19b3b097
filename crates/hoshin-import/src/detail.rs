//! A ward's detailed layout (the older 様式 and documents like Abeno's): under an issue, strategies
//! (めざす成果及び戦略 n-m) with desired state, direction, an outcome indicator with a ○/— history, current
//! state and challenges; initiatives (具体的取組 n-m-k) with council opinions, a summary and budgets, activities
//! with planned levels and yearly actuals, and a process indicator with its history; and a per-strategy
//! self-evaluation with improvement measures.

use hoshin_core::text::compact;
use hoshin_core::{
    parse_measure, parse_target, Activity, CouncilOpinion, FiscalYear, Indicator, IndicatorKind, Initiative, Issue,
    IssueId, Mark, Measure, ParseContext, PolicyContent, PublishedMark, Strategy, YearResult,
};

use crate::bullets::Bullets;
use crate::common::{issue_heading, sdg_goals};
use crate::header::YearContext;
use crate::indicator::{read_budgets, read_indicator, warn_if_not_evaluable};
use crate::source::{match_label, short, strip_compact_prefix, Document, LabelSpec, Line, Reader};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Sdgs,
    DesiredState,
    Direction,
    OutcomeIndicator,
    CurrentState,
    Challenges,
    CouncilOpinions,
    ProcessIndicator,
    SingleYearTargets,
    MidYearReview,
}

const LABELS: &[LabelSpec<Label>] = &[
    LabelSpec::inline(Label::Sdgs, &["【主なSDGsゴール】", "主なSDGsゴール", "【関連するSDGs】"]),
    LabelSpec::inline(Label::DesiredState, &["【めざす状態】", "めざす状態"]),
    LabelSpec::inline(Label::Direction, &["【中期的な取組の方向性】", "中期的な取組の方向性"]),
    LabelSpec::block(Label::OutcomeIndicator, &["【アウトカム指標】", "アウトカム指標"]),
    LabelSpec::inline(Label::CurrentState, &["【現状】"]),
    LabelSpec::inline(Label::Challenges, &["【課題】"]),
    LabelSpec::inline(
        Label::CouncilOpinions,
        &["〈参考〉区政会議等意見", "<参考>区政会議等意見", "【参考】区政会議等意見", "〈参考〉区政会議意見"],
    ),
    LabelSpec::block(
        Label::ProcessIndicator,
        &["プロセス(過程)指標(取組によりめざす指標)", "プロセス(過程)指標", "プロセス指標"],
    ),
    LabelSpec::inline(Label::SingleYearTargets, &["単年度目標", "【単年度目標】"]),
    LabelSpec::inline(Label::MidYearReview, &["中間振り返り", "【中間振り返り】"]),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    None,
    IssueLead,
    Sdgs,
    DesiredState,
    Direction,
    OutcomeIndicator,
    CurrentState,
    Challenges,
    InitiativeHead,
    CouncilOpinions,
    Summary,
    Activities,
    ProcessIndicator,
    StrategyEvaluation,
    SingleYearTargets,
    MidYearReview,
}

struct State<'c> {
    context: &'c YearContext,
    issues: Vec<Issue>,
    section: Section,
    text: Bullets,
    /// Years of the activity columns (「5年度実績」, 「4年度実績」).
    activity_years: Vec<Option<FiscalYear>>,
    /// The indicator whose history row comes next, with the years of its columns.
    history_years: Vec<FiscalYear>,
}

pub(crate) fn read(document: &Document, reader: &mut Reader, context: &YearContext, content: &mut PolicyContent) {
    let mut state = State {
        context,
        issues: Vec::new(),
        section: Section::None,
        text: Bullets::default(),
        activity_years: Vec::new(),
        history_years: Vec::new(),
    };
    let mut index = 0;
    while index < document.lines.len() {
        let line = &document.lines[index];
        index += 1;
        if reader.settled(line) {
            continue;
        }
        if let Some((id, title)) = issue_heading(line) {
            state.flush();
            state.issues.push(Issue::new(id, &title));
            state.section = Section::IssueLead;
            reader.field(line.number, format!("issue {id} / title"));
            continue;
        }
        if let Some((id, title)) = strategy_heading(line) {
            state.flush();
            let issue = state.issue(line.number, reader);
            issue.detailed_strategies.push(Strategy { id: id.clone(), title, ..Default::default() });
            state.section = Section::None;
            reader.field(line.number, format!("strategy {id} / title"));
            continue;
        }
        if let Some(id) = initiative_heading(line) {
            state.flush();
            let strategy = state.strategy(line.number, reader);
            strategy.initiatives.push(Initiative { id: id.clone(), ..Default::default() });
            state.section = Section::InitiativeHead;
            reader.field(line.number, format!("initiative {id}"));
            continue;
        }
        if line.compact.contains("の自己評価") && line.compact.starts_with("戦略") {
            state.flush();
            state.section = Section::StrategyEvaluation;
            reader.label(line.number, "strategy self-evaluation / improvement");
            continue;
        }
        // The whole line's compact form starts with the first cell's: a cheap test before compacting the cell.
        if line.compact.starts_with("主な取組") && line.cells.first().is_some_and(|cell| compact(cell) == "主な取組")
        {
            state.flush();
            state.activity_years = line.cells[1..].iter().map(|cell| activity_year(cell, context)).collect();
            state.section = Section::Activities;
            reader.label(line.number, "activities header");
            continue;
        }
        // The whole line's compact form starts with the first cell's: a cheap test before compacting the cell.
        if line.compact.starts_with("概要") && line.cells.first().is_some_and(|cell| compact(cell) == "概要") {
            state.flush();
            let rest = line.cells[1..].join("\t");
            let path = state.initiative_path();
            if let Some((budgets, problems)) = read_budgets(&rest, context) {
                for problem in problems {
                    reader.error(line.number, format!("{path}: budget: {problem}"));
                }
                if let Some(initiative) = state.initiative() {
                    initiative.budgets.extend(budgets);
                }
            }
            state.section = Section::Summary;
            reader.field(line.number, format!("{path} / budgets"));
            continue;
        }
        if let Some(found) = match_label(document, index - 1, LABELS) {
            state.flush();
            index = *found.lines.last().unwrap_or(&line.number);
            for number in &found.lines {
                reader.label(*number, format!("{:?}", found.label));
            }
            state.section = match found.label {
                Label::Sdgs => Section::Sdgs,
                Label::DesiredState => Section::DesiredState,
                Label::Direction => Section::Direction,
                Label::OutcomeIndicator => Section::OutcomeIndicator,
                Label::CurrentState => Section::CurrentState,
                Label::Challenges => Section::Challenges,
                Label::CouncilOpinions => Section::CouncilOpinions,
                Label::ProcessIndicator => Section::ProcessIndicator,
                Label::SingleYearTargets => Section::SingleYearTargets,
                Label::MidYearReview => Section::MidYearReview,
            };
            let rest_is_header = found.rest.iter().any(|cell| compact(cell).contains("達成状況"));
            if !found.rest.is_empty() && !rest_is_header {
                state.line(&found.rest, line, reader);
            }
            continue;
        }
        // In this layout paragraphs are set apart by blank lines.
        if line.number >= 2 && document.line(line.number - 1).is_blank() {
            state.text.close();
        }
        state.line(&line.cells, line, reader);
    }
    state.flush();
    content.issues.extend(state.issues);
}

/// 「めざす成果及び戦略 5-1 【区民ニーズの的確な把握…】」.
fn strategy_heading(line: &Line) -> Option<(String, String)> {
    let text = line.plain();
    let rest = strip_compact_prefix(&text, "めざす成果及び戦略")?.trim();
    let id: String = rest.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '－' | '‐')).collect();
    let title = rest[id.len()..].trim().trim_start_matches('【').trim_end_matches('】').trim().to_string();
    Some((compact(&id), title))
}

/// 「具体的取組5-1-1」.
fn initiative_heading(line: &Line) -> Option<String> {
    let rest = line.compact.strip_prefix("具体的取組")?;
    let id: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    (!id.is_empty() && id.len() == rest.len()).then_some(id)
}

/// 「5年度実績」 → FY; 「目標」 and other headers → `None`.
fn activity_year(cell: &str, context: &YearContext) -> Option<FiscalYear> {
    let compacted = compact(cell);
    context.year(compacted.strip_suffix("実績").unwrap_or(&compacted))
}

impl State<'_> {
    fn issue(&mut self, line: usize, reader: &mut Reader) -> &mut Issue {
        if self.issues.is_empty() {
            reader.warning(line, "a strategy before any 経営課題 heading; read under issue 1".to_string());
            self.issues.push(Issue::new(IssueId::Single(1), ""));
        }
        self.issues.last_mut().expect("an issue was just ensured")
    }

    fn strategy(&mut self, line: usize, reader: &mut Reader) -> &mut Strategy {
        let issue = self.issue(line, reader);
        if issue.detailed_strategies.is_empty() {
            reader.warning(line, "an initiative before any めざす成果及び戦略 heading".to_string());
            issue.detailed_strategies.push(Strategy::default());
        }
        issue.detailed_strategies.last_mut().expect("a strategy was just ensured")
    }

    fn current_strategy(&mut self) -> Option<&mut Strategy> {
        self.issues.last_mut()?.detailed_strategies.last_mut()
    }

    fn initiative(&mut self) -> Option<&mut Initiative> {
        self.current_strategy()?.initiatives.last_mut()
    }

    fn issue_path(&self) -> String {
        self.issues.last().map_or_else(|| "issue ?".to_string(), |issue| format!("issue {}", issue.id))
    }

    fn strategy_path(&self) -> String {
        let strategy = self.issues.last().and_then(|issue| issue.detailed_strategies.last());
        strategy.map_or_else(|| self.issue_path(), |strategy| format!("strategy {}", strategy.id))
    }

    fn initiative_path(&self) -> String {
        let initiative = self
            .issues
            .last()
            .and_then(|issue| issue.detailed_strategies.last())
            .and_then(|strategy| strategy.initiatives.last());
        initiative.map_or_else(|| self.strategy_path(), |initiative| format!("initiative {}", initiative.id))
    }

    /// One content line (its cells) in the current section.
    fn line(&mut self, cells: &[String], line: &Line, reader: &mut Reader) {
        let text = cells.join("\t");
        let number = line.number;
        match self.section {
            Section::None => {
                reader.warning(number, format!("text outside any section: 「{}」", short(&text)));
            }
            Section::IssueLead => {
                self.text.push(&text);
                reader.field(number, format!("{} / summary", self.issue_path()));
            }
            Section::Sdgs => {
                let goals = sdg_goals(&line.compact);
                let path = format!("{} / sdg_goals", self.issue_path());
                if let Some(issue) = self.issues.last_mut() {
                    issue.sdg_goals.extend(goals);
                }
                reader.field(number, path);
            }
            Section::DesiredState
            | Section::Direction
            | Section::CurrentState
            | Section::Challenges
            | Section::MidYearReview => {
                self.text.push(&text);
                let field = match self.section {
                    Section::DesiredState => "desired_state",
                    Section::Direction => "direction",
                    Section::CurrentState => "current_state",
                    Section::Challenges => "challenges",
                    _ => "mid_year_review",
                };
                reader.field(number, format!("{} / {field}", self.strategy_path()));
            }
            Section::OutcomeIndicator | Section::ProcessIndicator | Section::SingleYearTargets => {
                self.indicator_line(cells, line, reader);
            }
            Section::InitiativeHead => {
                let path = self.initiative_path();
                let Some(initiative) = self.initiative() else { return };
                if initiative.title.is_empty() && text.trim().starts_with('【') {
                    initiative.title = text.trim().trim_start_matches('【').trim_end_matches('】').to_string();
                    reader.field(number, format!("{path} / title"));
                } else {
                    // Photographs between an initiative's title and its text keep only their captions.
                    reader.furniture(number, "photo caption");
                }
            }
            Section::CouncilOpinions => {
                self.text.push(&text);
                reader.field(number, format!("{} / council_opinions", self.initiative_path()));
            }
            Section::Summary => {
                self.text.push(&text);
                reader.field(number, format!("{} / summary", self.initiative_path()));
            }
            Section::Activities => self.activity(cells, number, reader),
            Section::StrategyEvaluation => {
                let path = self.strategy_path();
                let evaluation = cells.first().map(|cell| paragraphs(cell));
                let improvement = cells.get(1).map(|cell| paragraphs(cell));
                if let Some(strategy) = self.current_strategy() {
                    strategy.self_evaluation = evaluation.flatten();
                    strategy.improvement = improvement.flatten();
                }
                if cells.len() > 2 {
                    reader.warning(
                        number,
                        format!("{path}: more than two cells in the self-evaluation row; the rest are dropped"),
                    );
                }
                reader.field(number, format!("{path} / self_evaluation, improvement"));
                self.section = Section::None;
            }
        }
    }

    fn activity(&mut self, cells: &[String], number: usize, reader: &mut Reader) {
        let path = self.initiative_path();
        let years = self.activity_years.clone();
        let Some(first) = cells.first() else { return };
        // 「区民モニターアンケート調査の実施: 年2回」: the planned level after the colon.
        let (name, planned) = planned_level(first);
        let mut activity = Activity { name, planned_level: planned, actuals: Vec::new() };
        // Values fill the year columns from the right: a row's empty cells are the leading ones.
        let values = &cells[1..];
        let offset = years.len().saturating_sub(values.len());
        for (position, value) in values.iter().enumerate() {
            let Some(Some(year)) = years.get(offset + position) else {
                reader.warning(number, format!("{path}: activity value 「{value}」 is in no year column"));
                continue;
            };
            match parse_measure(value) {
                Ok(measure) => activity.actuals.push((*year, measure)),
                Err(error) => reader.error(number, format!("{path}: activity 「{}」: {error}", activity.name)),
            }
        }
        if let Some(initiative) = self.initiative() {
            initiative.activities.push(activity);
        }
        reader.field(number, format!("{path} / activities"));
    }

    /// An indicator line (its text, possibly with the history's year columns beside it) or its history row.
    fn indicator_line(&mut self, cells: &[String], line: &Line, reader: &mut Reader) {
        let number = line.number;
        // A year column's header is short (「令和6年度」, 「R6」); a long cell is text without compacting it.
        let cell_years: Vec<Option<FiscalYear>> =
            cells.iter().map(|cell| if cell.len() > 64 { None } else { self.context.year(&compact(cell)) }).collect();
        let years: Vec<FiscalYear> = cell_years.iter().flatten().copied().collect();
        let text_cells: Vec<&String> =
            cells.iter().zip(&cell_years).filter(|(_, year)| year.is_none()).map(|(cell, _)| cell).collect();
        let kind =
            if self.section == Section::ProcessIndicator { IndicatorKind::Process } else { IndicatorKind::Outcome };
        let path = match kind {
            IndicatorKind::Process => format!("{} / process_indicators", self.initiative_path()),
            IndicatorKind::Outcome if self.section == Section::SingleYearTargets => {
                format!("{} / single_year_targets", self.strategy_path())
            }
            IndicatorKind::Outcome => format!("{} / outcome_indicators", self.strategy_path()),
        };
        if !years.is_empty() && text_cells.is_empty() {
            self.history_years = years;
            reader.label(number, "history header");
            return;
        }
        if let Some(history) = history_row(cells) {
            let history_years = self.history_years.clone();
            let context = ParseContext { era: self.context.era };
            let Some(indicator) = self.last_indicator(kind) else {
                reader.error(number, format!("{path}: a history row with no indicator above it"));
                return;
            };
            if history.len() != history_years.len() {
                reader.error(
                    number,
                    format!(
                        "{path}: {} values for {} year columns; the history is not read",
                        history.len(),
                        history_years.len()
                    ),
                );
                return;
            }
            for ((measure, mark), year) in history.into_iter().zip(&history_years) {
                let year_target = measure
                    .detail
                    .as_deref()
                    .filter(|detail| detail.contains("指標") || detail.contains("目標"))
                    .and_then(|detail| parse_target(detail, context).ok());
                indicator.results.push(YearResult {
                    fiscal_year: *year,
                    actual: Some(measure),
                    published_mark: mark.map(|(mark, original)| PublishedMark {
                        mark,
                        original,
                        shared_with: Vec::new(),
                        reason: None,
                    }),
                    year_target,
                });
            }
            reader.field(number, format!("{path} / history"));
            return;
        }
        let text: String = text_cells.iter().map(|cell| cell.as_str()).collect::<Vec<_>>().join(" ");
        let indicator = read_indicator(&text, kind, self.context);
        warn_if_not_evaluable(&indicator, reader, number, &path);
        if !years.is_empty() {
            self.history_years = years;
        }
        match kind {
            IndicatorKind::Process => {
                if let Some(initiative) = self.initiative() {
                    initiative.process_indicators.push(indicator);
                }
            }
            IndicatorKind::Outcome => {
                let single_year = self.section == Section::SingleYearTargets;
                if let Some(strategy) = self.current_strategy() {
                    if single_year {
                        strategy.single_year_targets.push(indicator);
                    } else {
                        strategy.outcome_indicators.push(indicator);
                    }
                }
            }
        }
        reader.field(number, path);
    }

    fn last_indicator(&mut self, kind: IndicatorKind) -> Option<&mut Indicator> {
        let single_year = self.section == Section::SingleYearTargets;
        match kind {
            IndicatorKind::Process => self.initiative()?.process_indicators.last_mut(),
            IndicatorKind::Outcome if single_year => self.current_strategy()?.single_year_targets.last_mut(),
            IndicatorKind::Outcome => self.current_strategy()?.outcome_indicators.last_mut(),
        }
    }

    /// Ends the free-text section being collected and stores its text where it belongs.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        let section = self.section;
        match section {
            Section::IssueLead => {
                if let Some(issue) = self.issues.last_mut() {
                    issue.summary = text.into_text();
                }
            }
            Section::DesiredState
            | Section::Direction
            | Section::CurrentState
            | Section::Challenges
            | Section::MidYearReview => {
                let Some(strategy) = self.current_strategy() else { return };
                match section {
                    Section::DesiredState => strategy.desired_state = text.into_text(),
                    Section::Direction => strategy.direction = text.into_text(),
                    Section::CurrentState => strategy.current_state = text.into_items(),
                    Section::Challenges => strategy.challenges = text.into_items(),
                    _ => strategy.mid_year_review = text.into_text(),
                }
            }
            Section::CouncilOpinions => {
                if let Some(initiative) = self.initiative() {
                    initiative.council_opinions.extend(
                        text.into_items()
                            .into_iter()
                            .map(|text| CouncilOpinion { text, source: Some("区政会議等".to_string()) }),
                    );
                }
            }
            Section::Summary => {
                if let Some(initiative) = self.initiative() {
                    initiative.summary = text.into_text();
                }
            }
            _ => {}
        }
    }
}

/// An activity's name and planned level: 「区民モニターアンケート調査の実施: 年2回」, or the level in trailing
/// parentheses, 「広報紙の全戸配布 (月1回: 65,500部発行)」 (the name keeps the parentheses, which say more).
fn planned_level(text: &str) -> (String, Option<Measure>) {
    let text = text.trim();
    let mut depth = 0i32;
    let mut colon = None;
    for (index, c) in text.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            ':' | '：' if depth == 0 => colon = Some(index),
            _ => {}
        }
    }
    if let Some(index) = colon {
        let level = &text[index + text[index..].chars().next().map_or(1, char::len_utf8)..];
        if let Ok(measure) = parse_measure(level) {
            return (text[..index].trim().to_string(), Some(measure));
        }
    }
    if let (Some(open), true) = (text.rfind(['(', '（']), text.ends_with([')', '）'])) {
        let inner = &text[open + text[open..].chars().next().map_or(1, char::len_utf8)
            ..text.len() - text.chars().last().map_or(1, char::len_utf8)];
        let level = inner.split([':', '：']).next().unwrap_or(inner);
        if let Ok(measure) = parse_measure(level) {
            return (text.to_string(), Some(measure));
        }
    }
    (text.to_string(), None)
}

/// A value of a history row with the mark printed after it, as read and as printed.
type HistoryCell = (Measure, Option<(Mark, String)>);

/// A history row: values each followed by its mark (「45.4%\t—\t46.4%\t—」, 「82.9% (R3指標: 80%)\t○」).
fn history_row(cells: &[String]) -> Option<Vec<HistoryCell>> {
    let mut row: Vec<HistoryCell> = Vec::new();
    for cell in cells {
        let cell = cell.trim();
        let is_mark_cell = matches!(cell, "○" | "〇" | "◯" | "—" | "―" | "－" | "-" | "×");
        if is_mark_cell {
            if let Some(last) = row.last_mut().filter(|(_, mark)| mark.is_none()) {
                last.1 = Some((Mark::parse(cell)?, cell.to_string()));
                continue;
            }
        }
        row.push((parse_measure(cell).ok()?, None));
    }
    (!row.is_empty()).then_some(row)
}

/// A cell of paragraphs (from 「<p>…</p>」) as text with line breaks.
fn paragraphs(cell: &str) -> Option<String> {
    let mut bullets = Bullets::default();
    bullets.push(cell);
    bullets.into_text()
}
