//! The common format (共通様式, FY2023 onwards): goal, mission and approach, then management issues with
//! budgets, 課題認識, 主な戦略, アウトカム指標 and the year-end table, then 自己評価 and 今後の方針 by issue.
//!
//! Two renderings occur: table rows with the label in the first cell (Nishi), and PDF text with labels
//! wrapped over lines, year-end cells scattered and, at page breaks, an issue's body printed before its
//! heading (Sumiyoshi's issue 4). A label that an issue already had starts the next issue, whose heading
//! may come later.

use hoshin_core::text::compact;
use hoshin_core::{
    check_mark, judge, Indicator, IndicatorKind, Issue, IssueId, MarkCheck, PolicyContent, PublishedMark, Rule,
    TargetText, YearResult,
};

use crate::bullets::Bullets;
use crate::header::YearContext;
use crate::indicator::{read_budgets, read_indicator, split_side_by_side, warn_if_not_evaluable};
use crate::source::{match_label, short, Document, LabelSpec, Reader};
use crate::yearend::{assemble, circled, tokenize, Fragment};
use crate::{Pairing, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    Goal,
    Mission,
    Approach,
    IssuesHeading,
    ProblemRecognition,
    Strategies,
    Indicators,
    Results,
    SelfEvaluation,
    FuturePolicy,
    Sdgs,
}

impl Label {
    fn field(self) -> &'static str {
        match self {
            Label::Goal => "goal",
            Label::Mission => "mission",
            Label::Approach => "approach",
            Label::IssuesHeading => "issues",
            Label::ProblemRecognition => "problem_recognition",
            Label::Strategies => "strategies",
            Label::Indicators => "indicators",
            Label::Results => "results",
            Label::SelfEvaluation => "self_evaluation",
            Label::FuturePolicy => "future_policy",
            Label::Sdgs => "sdg_goals",
        }
    }
}

pub(crate) const LABELS: &[LabelSpec<Label>] = &[
    LabelSpec::inline(
        Label::Goal,
        &["目標", "目標(何をめざすのか)", "【区の目標(何をめざすのか)】", "区・局の目標", "区の目標"],
    ),
    LabelSpec::inline(Label::Mission, &["使命", "使命(どういう役割を担うのか)"]),
    LabelSpec::inline(Label::Approach, &["所属運営の基本的な考え方", "所属運営の基本的な考え方(区長の方針)"])
        .with_year_prefix(),
    LabelSpec::block(Label::IssuesHeading, &["重点的に取り組む経営課題", "重点的に取り組む主な経営課題"]),
    LabelSpec::inline(Label::ProblemRecognition, &["課題認識"]),
    LabelSpec::inline(Label::Strategies, &["主な戦略(課題解決の方策)", "主な戦略", "課題解決の方策"]),
    LabelSpec::block(
        Label::Indicators,
        &[
            "アウトカム指標(経営課題の解決に向けた進捗度合を示した指標)",
            "アウトカム指標",
            "アウトカム指数(経営課題の解決に向けた進捗度合を示した指標)",
            "アウトカム指数",
        ],
    ),
    LabelSpec::block(
        Label::Results,
        &["アウトカム指標の達成状況(定量評価)", "アウトカム指標の達成状況", "アウトカム指数の達成状況(定量評価)"],
    ),
    LabelSpec::block(
        Label::SelfEvaluation,
        &["自己評価(運営方針全体の定性評価)", "自己評価(運営方針全体の定性自己評価)", "自己評価"],
    ),
    LabelSpec::block(Label::FuturePolicy, &["今後の方針"]),
    LabelSpec::inline(Label::Sdgs, &["関連するSDGs", "主なSDGsゴール", "【主なSDGsゴール】", "【関連するSDGs】"]),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    None,
    Goal,
    Mission,
    Approach,
    IssueLead,
    ProblemRecognition,
    Strategies,
    Indicators,
    Results,
    SelfEvaluation,
    FuturePolicy,
    Sdgs,
}

struct IssueBuilder {
    id: Option<IssueId>,
    title: String,
    heading_line: Option<usize>,
    /// The first line of the issue's body, when its body came before its heading.
    body_line: usize,
    budgets: Vec<hoshin_core::Budget>,
    summary: Bullets,
    problem: Bullets,
    strategies: Bullets,
    indicators: Bullets,
    indicator_lines: Vec<usize>,
    seen: Vec<Label>,
    fragments: Vec<Fragment>,
    results_headers: usize,
}

impl IssueBuilder {
    fn new(id: Option<IssueId>, title: String, heading_line: Option<usize>, body_line: usize) -> IssueBuilder {
        IssueBuilder {
            id,
            title,
            heading_line,
            body_line,
            budgets: Vec::new(),
            summary: Bullets::default(),
            problem: Bullets::default(),
            strategies: Bullets::default(),
            indicators: Bullets::default(),
            indicator_lines: Vec::new(),
            seen: Vec::new(),
            fragments: Vec::new(),
            results_headers: 0,
        }
    }

    fn path(&self) -> String {
        match self.id {
            Some(id) => format!("issue {id}"),
            None => "issue ?".to_string(),
        }
    }
}

struct State<'d> {
    document: &'d Document,
    context: &'d YearContext,
    section: Section,
    goal: Bullets,
    mission: Bullets,
    approach: Bullets,
    issues: Vec<IssueBuilder>,
    /// Year-end cells after a second table header of an issue: they belong to the next issue.
    carry: Vec<Fragment>,
    carry_header: bool,
    /// Self-evaluation and future policy by issue number; `None` for text before any 【経営課題n】.
    evaluations: Vec<(Option<IssueId>, Bullets)>,
    futures: Vec<(Option<IssueId>, Bullets)>,
    sdg_lines: Vec<usize>,
}

pub(crate) fn read(
    document: &Document,
    reader: &mut Reader,
    context: &YearContext,
    content: &mut PolicyContent,
    pairings: &mut Vec<Pairing>,
) {
    let mut state = State {
        document,
        context,
        section: Section::None,
        goal: Bullets::default(),
        mission: Bullets::default(),
        approach: Bullets::default(),
        issues: Vec::new(),
        carry: Vec::new(),
        carry_header: false,
        evaluations: Vec::new(),
        futures: Vec::new(),
        sdg_lines: Vec::new(),
    };
    let mut index = 0;
    while index < document.lines.len() {
        let line = &document.lines[index];
        index += 1;
        if reader.settled(line) {
            continue;
        }
        if let Some((id, title)) = issue_heading(line) {
            state.open_issue(id, title, line.number, reader);
            reader.field(line.number, format!("issue {id} / title"));
            continue;
        }
        if line.compact.contains("実績と達成状況") {
            state.results_header(line.number, reader);
            continue;
        }
        let found = match_label(document, index - 1, LABELS).filter(|found| {
            state.issues.is_empty() || !matches!(found.label, Label::Goal | Label::Mission | Label::Approach)
        });
        if let Some(found) = found {
            // A wrapped label took the following lines too.
            let last = *found.lines.last().unwrap_or(&line.number);
            index = last;
            let path = state.switch(found.label, line.number, reader);
            for number in &found.lines {
                reader.label(*number, found.label.field());
            }
            if !found.rest.is_empty() {
                let rest = found.rest.join("\t");
                if compact(&rest).contains("実績と達成状況") {
                    state.results_header(line.number, reader);
                    reader.label(line.number, "results header");
                } else {
                    state.content(&rest, line.number, reader);
                    reader.field(line.number, path);
                }
            }
            continue;
        }
        if state.in_issue() && state.budget_line(line, reader) {
            continue;
        }
        if state.in_issue() {
            if let Some(tokens) = tokenize(&line.cells.join(" ")) {
                state.fragment(Fragment { line: line.number, tokens }, reader);
                continue;
            }
        }
        let text = line.cells.join("\t");
        state.content(&text, line.number, reader);
    }
    state.finish(reader, content, pairings);
}

/// Indicator items with a footnote paragraph (「※子育て世帯＝…」, which a web page or converter keeps as
/// a paragraph of its own) joined to the indicator before it, as PDF text prints it on the same line.
fn footnotes_joined(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some(previous) if item.starts_with('※') => {
                previous.push('\n');
                previous.push_str(&item);
            }
            _ => out.push(item),
        }
    }
    out
}

/// 「経営課題１　人がつながる…」, 「経営課題1-(1)地域コミュニティの活性化」, 「経営課題5 【区民から…】」.
pub(crate) fn issue_heading(line: &crate::source::Line) -> Option<(IssueId, String)> {
    let rest = line.compact.strip_prefix("経営課題")?;
    let id_len = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '-' | '(' | ')'))
        .map(|(index, c)| index + c.len_utf8())
        .last()?;
    let mut id_text = &rest[..id_len];
    // 「1-(1)」 but not a trailing 「-」 or an unclosed parenthesis.
    while id_text.ends_with('-') || id_text.ends_with('(') {
        id_text = &id_text[..id_text.len() - 1];
    }
    let id = IssueId::parse(id_text)?;
    let text = line.text();
    let after = crate::source::strip_compact_prefix(&text, &format!("経営課題{id_text}"))?;
    let title = after.trim().trim_start_matches('【').trim_end_matches('】').trim().to_string();
    Some((id, title))
}

impl State<'_> {
    fn in_issue(&self) -> bool {
        !self.issues.is_empty()
            && matches!(
                self.section,
                Section::IssueLead
                    | Section::ProblemRecognition
                    | Section::Strategies
                    | Section::Indicators
                    | Section::Results
            )
    }

    fn open_issue(&mut self, id: IssueId, title: String, line: usize, reader: &mut Reader) {
        if let Some(pending) = self.issues.last_mut().filter(|issue| issue.id.is_none()) {
            pending.id = Some(id);
            pending.title = title;
            pending.heading_line = Some(line);
            reader.info(
                line,
                format!(
                    "the heading of issue {id} comes after its body (from line {}), as PDF text puts it at page breaks; \
                     that body is read as issue {id}",
                    pending.body_line
                ),
            );
            if self.section == Section::Results || self.section == Section::Indicators {
                self.section = Section::IssueLead;
            }
            return;
        }
        if self.issues.iter().any(|issue| issue.id == Some(id)) {
            reader.warning(line, format!("issue {id} appears twice; the second is read as a separate issue"));
        }
        let mut issue = IssueBuilder::new(Some(id), title, Some(line), line);
        issue.fragments = std::mem::take(&mut self.carry);
        issue.results_headers = usize::from(std::mem::take(&mut self.carry_header));
        self.issues.push(issue);
        self.section = Section::IssueLead;
    }

    /// Switches to the section of `label`; returns the coverage path of its content.
    fn switch(&mut self, label: Label, line: usize, reader: &mut Reader) -> String {
        let issue_label =
            matches!(label, Label::ProblemRecognition | Label::Strategies | Label::Indicators | Label::Results);
        if issue_label {
            let repeated = self.issues.last().is_none_or(|issue| {
                issue.seen.contains(&label) && label != Label::Results
                    || matches!(self.section, Section::SelfEvaluation | Section::FuturePolicy)
            });
            if repeated && label != Label::Results {
                // The body of an issue whose heading is still to come.
                let mut issue = IssueBuilder::new(None, String::new(), None, line);
                issue.fragments = std::mem::take(&mut self.carry);
                issue.results_headers = usize::from(std::mem::take(&mut self.carry_header));
                self.issues.push(issue);
            }
            if let Some(issue) = self.issues.last_mut() {
                issue.seen.push(label);
            }
        }
        self.section = match label {
            Label::Goal => Section::Goal,
            Label::Mission => Section::Mission,
            Label::Approach => Section::Approach,
            Label::IssuesHeading => Section::None,
            Label::ProblemRecognition => Section::ProblemRecognition,
            Label::Strategies => Section::Strategies,
            Label::Indicators => Section::Indicators,
            Label::Results => Section::Results,
            Label::SelfEvaluation => Section::SelfEvaluation,
            Label::FuturePolicy => Section::FuturePolicy,
            Label::Sdgs => {
                self.sdg_lines.push(line);
                Section::Sdgs
            }
        };
        if issue_label {
            if self.issues.is_empty() {
                reader.warning(line, format!("「{}」 before any 経営課題 heading", label.field()));
            }
            let issue = self.issues.last().map_or_else(|| "issue ?".to_string(), IssueBuilder::path);
            format!("{issue} / {}", label.field())
        } else {
            label.field().to_string()
        }
    }

    fn results_header(&mut self, line: usize, reader: &mut Reader) {
        reader.label(line, "results header");
        match self.issues.last_mut() {
            Some(issue) if issue.results_headers == 0 => {
                issue.results_headers += 1;
                self.section = Section::Results;
            }
            Some(_) => {
                // A second header in one issue's stretch: the table of the next issue, printed early.
                self.carry_header = true;
                self.section = Section::Results;
            }
            None => reader.warning(line, "a year-end table header before any 経営課題 heading".to_string()),
        }
    }

    fn fragment(&mut self, fragment: Fragment, reader: &mut Reader) {
        let line = fragment.line;
        if self.carry_header {
            reader.field(line, "next issue / results");
            self.carry.push(fragment);
        } else if let Some(issue) = self.issues.last_mut() {
            reader.field(line, format!("{} / results", issue.path()));
            issue.fragments.push(fragment);
        }
    }

    fn budget_line(&mut self, line: &crate::source::Line, reader: &mut Reader) -> bool {
        let text = line.cells.join("\t");
        let Some((budgets, problems)) = read_budgets(&text, self.context) else { return false };
        let Some(issue) = self.issues.last_mut() else { return false };
        for problem in problems {
            reader.error(line.number, format!("{}: budget: {problem}", issue.path()));
        }
        issue.budgets.extend(budgets);
        reader.field(line.number, format!("{} / budgets", issue.path()));
        true
    }

    fn content(&mut self, text: &str, line: usize, reader: &mut Reader) {
        let issue_path = self.issues.last().map_or_else(|| "issue ?".to_string(), IssueBuilder::path);
        let path = match self.section {
            Section::None => {
                reader.warning(line, format!("text outside any section: 「{}」", short(text)));
                return;
            }
            Section::Goal => {
                self.goal.push(text);
                "goal".to_string()
            }
            Section::Mission => {
                self.mission.push(text);
                "mission".to_string()
            }
            Section::Approach => {
                self.approach.push(text);
                "approach".to_string()
            }
            Section::Sdgs => {
                self.sdg_lines.push(line);
                "sdg_goals".to_string()
            }
            Section::IssueLead
            | Section::ProblemRecognition
            | Section::Strategies
            | Section::Indicators
            | Section::Results => {
                let Some(issue) = self.issues.last_mut() else { return };
                match self.section {
                    // 「経営課題１」 with its title on the next line, where PDF text breaks it at the wide space.
                    Section::IssueLead
                        if issue.title.is_empty() && issue.id.is_some() && issue.summary.groups.is_empty() =>
                    {
                        issue.title = text.trim().to_string();
                        format!("{issue_path} / title")
                    }
                    Section::IssueLead => {
                        issue.summary.push(text);
                        format!("{issue_path} / summary")
                    }
                    Section::ProblemRecognition => {
                        issue.problem.push(text);
                        format!("{issue_path} / problem_recognition")
                    }
                    Section::Strategies => {
                        issue.strategies.push(text);
                        format!("{issue_path} / strategies")
                    }
                    Section::Indicators => {
                        issue.indicators.push(text);
                        issue.indicator_lines.push(line);
                        format!("{issue_path} / indicators")
                    }
                    _ => {
                        reader.warning(
                            line,
                            format!(
                                "{issue_path}: text in the year-end table that is not a result: 「{}」",
                                short(text)
                            ),
                        );
                        format!("{issue_path} / results")
                    }
                }
            }
            Section::SelfEvaluation | Section::FuturePolicy => {
                let future = self.section == Section::FuturePolicy;
                let blocks = if future { &mut self.futures } else { &mut self.evaluations };
                // Paragraphs of one cell (a web page's) may each start an issue's block.
                for (index, paragraph) in text.split('\n').enumerate() {
                    let mut rest = paragraph.trim();
                    if let Some(id) = issue_tag(rest) {
                        let close = rest.find('】').map_or(rest.len(), |index| index + '】'.len_utf8());
                        rest = rest[close..].trim();
                        blocks.push((Some(id), Bullets::default()));
                    }
                    if blocks.is_empty() {
                        blocks.push((None, Bullets::default()));
                    }
                    let (_, bullets) = blocks.last_mut().expect("a block was just ensured");
                    if index > 0 {
                        bullets.close();
                    }
                    bullets.push(rest);
                }
                let (id, _) = blocks.last().expect("a block was just ensured");
                let field = if future { "future_policy" } else { "self_evaluation" };
                match id {
                    Some(id) => format!("issue {id} / {field}"),
                    None => field.to_string(),
                }
            }
        };
        reader.field(line, path);
    }

    fn finish(self, reader: &mut Reader, content: &mut PolicyContent, pairings: &mut Vec<Pairing>) {
        content.goal = self.goal.into_text();
        content.mission = self.mission.into_items();
        content.approach = self.approach.into_items();
        if !self.carry.is_empty() {
            let line = self.carry[0].line;
            reader.error(line, "year-end cells after the last issue's table belong to no issue".to_string());
        }
        for &line in &self.sdg_lines {
            let goals = sdg_goals(&self.document.line(line).compact);
            content.sdg_goals.extend(goals);
        }
        let mut next_number = 1;
        for builder in self.issues {
            let id = match builder.id {
                Some(id) => id,
                None => {
                    let id = IssueId::Single(next_number);
                    reader.warning(builder.body_line, format!("an issue body with no 経営課題 heading; numbered {id}"));
                    id
                }
            };
            let (IssueId::Single(major) | IssueId::TwoLevel(major, _)) = id;
            next_number = major + 1;
            let mut issue = Issue::new(id, &builder.title);
            issue.summary = builder.summary.into_text();
            issue.budgets = builder.budgets;
            issue.problem_recognition = builder.problem.into_groups();
            issue.strategies = builder.strategies.into_groups();
            let first_indicator_line = builder.indicator_lines.first().copied().unwrap_or(builder.body_line);
            issue.indicators = footnotes_joined(builder.indicators.into_items())
                .into_iter()
                .flat_map(|text| split_side_by_side(&text, self.context))
                .map(|text| read_indicator(&text, IndicatorKind::Outcome, self.context))
                .collect();
            number_indicators(&mut issue.indicators);
            for indicator in &issue.indicators {
                let what = format!("issue {id}: indicator {}", number_text(indicator));
                warn_if_not_evaluable(indicator, reader, first_indicator_line, what);
            }
            for group in &issue.strategies {
                for link in &group.indicator_links {
                    if !issue.indicators.iter().any(|indicator| indicator.number == Some(*link)) {
                        reader.warning(
                            first_indicator_line,
                            format!(
                                "issue {id}: a strategy links to indicator {} which the issue does not have",
                                circled(*link)
                            ),
                        );
                    }
                }
            }
            attach_results(&mut issue, &builder.fragments, self.context, reader, pairings);
            content.issues.push(issue);
        }
        for (id, bullets) in self.evaluations {
            place_block(content, id, bullets.into_text(), false, reader);
        }
        for (id, bullets) in self.futures {
            place_block(content, id, bullets.into_text(), true, reader);
        }
    }
}

fn number_text(indicator: &Indicator) -> String {
    indicator.number.map_or_else(|| format!("「{}」", short(&indicator.wording)), circled)
}

/// Indicators printed as a list without circled numbers are numbered in order, as the year-end table and the
/// strategy links count them.
fn number_indicators(indicators: &mut [Indicator]) {
    if indicators.iter().all(|indicator| indicator.number.is_none()) {
        for (index, indicator) in indicators.iter_mut().enumerate() {
            indicator.number = u32::try_from(index + 1).ok();
        }
    }
}

fn attach_results(
    issue: &mut Issue,
    fragments: &[Fragment],
    context: &YearContext,
    reader: &mut Reader,
    pairings: &mut Vec<Pairing>,
) {
    if fragments.is_empty() {
        return;
    }
    let assembly = assemble(fragments);
    for (line, problem) in assembly.problems {
        reader.error(line, format!("issue {}: {problem}", issue.id));
    }
    for (line, message) in assembly.by_order {
        reader.warning(line, format!("issue {}: {message}", issue.id));
    }
    let Some(fiscal_year) = context.fiscal_year else {
        reader.error(
            fragments[0].line,
            format!(
                "issue {}: year-end results found but the policy's fiscal year is unknown; pass --fiscal-year",
                issue.id
            ),
        );
        return;
    };
    for row in assembly.rows {
        let Some(indicator) = issue.indicators.iter_mut().find(|indicator| indicator.number == Some(row.number)) else {
            reader.error(
                row.lines[0],
                format!(
                    "issue {}: a year-end result for {} but the issue has no such indicator",
                    issue.id,
                    circled(row.number)
                ),
            );
            continue;
        };
        indicator.results.push(YearResult {
            fiscal_year,
            actual: Some(row.actual),
            published_mark: row.mark.map(|(mark, original)| PublishedMark {
                mark,
                original,
                shared_with: Vec::new(),
                reason: None,
            }),
            year_target: None,
        });
        indicator.previous_actual = row.previous;
        pairings.push(Pairing { issue: issue.id, number: row.number, lines: row.lines, confidence: row.confidence });
    }
    check_pairings_by_order(issue, fiscal_year, pairings, reader);
    for indicator in &issue.indicators {
        if indicator.results.is_empty() {
            reader.diagnose(
                Severity::Warning,
                fragments[0].line,
                format!("issue {}: no year-end result found for indicator {}", issue.id, number_text(indicator)),
            );
        }
    }
}

/// A pairing by order is a guess between fitting alternatives: say whether its published marks agree with
/// the marks computed from the targets (the default rule), which makes it likelier, or not.
fn check_pairings_by_order(
    issue: &Issue,
    fiscal_year: hoshin_core::FiscalYear,
    pairings: &[Pairing],
    reader: &mut Reader,
) {
    let by_order: Vec<&Pairing> = pairings
        .iter()
        .filter(|pairing| pairing.issue == issue.id && pairing.confidence == crate::Confidence::ByOrder)
        .collect();
    let Some(first) = by_order.first() else { return };
    let mut agree = Vec::new();
    let mut differ = Vec::new();
    for pairing in &by_order {
        let Some(indicator) = issue.indicators.iter().find(|indicator| indicator.number == Some(pairing.number)) else {
            continue;
        };
        let (Some(target), Some(result)) =
            (indicator.target.as_ref().and_then(TargetText::target), indicator.result(fiscal_year))
        else {
            continue;
        };
        let series = indicator.observations(fiscal_year);
        let judgment = judge(target, &series, fiscal_year, Rule::default());
        match check_mark(result.published_mark.as_ref().map(|mark| mark.mark), &judgment) {
            MarkCheck::Agrees(_) => agree.push(circled(pairing.number)),
            MarkCheck::Differs { .. } => differ.push(circled(pairing.number)),
            MarkCheck::NotComparable { .. } => {}
        }
    }
    let line = first.lines[0];
    if differ.is_empty() && !agree.is_empty() {
        reader.info(
            line,
            format!(
                "issue {}: with the pairing by order, the published marks of {} agree with the marks computed from the targets ({})",
                issue.id,
                agree.concat(),
                Rule::default().name()
            ),
        );
    } else if !differ.is_empty() {
        reader.warning(
            line,
            format!(
                "issue {}: with the pairing by order, the published marks of {} differ from the marks computed from the targets ({}): the pairing may be wrong, or the ward judged differently",
                issue.id,
                differ.concat(),
                Rule::default().name()
            ),
        );
    }
}

/// 「【経営課題１】」 at the start of a self-evaluation or future-policy block.
fn issue_tag(text: &str) -> Option<IssueId> {
    let inner = text.strip_prefix('【')?.split_once('】')?.0;
    IssueId::parse(compact(inner).strip_prefix("経営課題")?)
}

fn place_block(
    content: &mut PolicyContent,
    id: Option<IssueId>,
    text: Option<String>,
    future: bool,
    reader: &mut Reader,
) {
    let Some(text) = text else { return };
    let target = match id {
        Some(id) => match content.issues.iter_mut().find(|issue| issue.id == id) {
            Some(issue) => {
                if future {
                    &mut issue.future_policy
                } else {
                    &mut issue.self_evaluation
                }
            }
            None => {
                reader.warning(
                    1,
                    format!("【経営課題{id}】 names an issue the document does not have; kept with the whole policy"),
                );
                if future {
                    &mut content.future_policy
                } else {
                    &mut content.self_evaluation
                }
            }
        },
        None => {
            if future {
                &mut content.future_policy
            } else {
                &mut content.self_evaluation
            }
        }
    };
    *target = Some(match target.take() {
        Some(existing) => format!("{existing}\n{text}"),
        None => text,
    });
}

/// SDG goal numbers written as text (「目標3」, 「ゴール11」, 「SDGs 3, 11」).
pub(crate) fn sdg_goals(compacted: &str) -> Vec<u8> {
    let mut goals = Vec::new();
    let mut digits = String::new();
    for c in compacted.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if let Ok(goal) = digits.parse::<u8>() {
                if (1..=17).contains(&goal) && !goals.contains(&goal) {
                    goals.push(goal);
                }
            }
            digits.clear();
        }
    }
    goals
}
