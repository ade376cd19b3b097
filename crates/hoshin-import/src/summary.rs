//! The older one-page summary (around FY2019, Higashiyodogawa's sample): per desired state (めざす状態) its
//! outcome indicators, the strategy text (戦略), then a diagram flattened into text — initiative titles, their
//! indicators with 「プラン2.0」 and 目標値UP/目標値修正/新規指標 tags, and activities — and at the end the table of
//! city reform-plan items (取組項目 / 概要 / 今年度目標).
//!
//! The diagram's text is read block by block (lines between blank lines). Initiative titles are the text
//! blocks before an initiative's indicators; the activities after the last indicator are not tied to one
//! initiative in the text, so they are kept under the strategy and the importer says so.

use hoshin_core::text::{circled_number, compact};
use hoshin_core::{
    parse_target, Activity, Indicator, IndicatorKind, Initiative, Issue, IssueId, ParseContext, PolicyContent,
    ReformPlanItem, Strategy, TargetChange,
};

use crate::bullets::Bullets;
use crate::header::YearContext;
use crate::indicator::{read_indicator, warn_if_not_evaluable};
use crate::source::{furniture, short, Document, Line, Reader};

/// Consecutive non-blank lines.
struct Block<'d> {
    lines: Vec<&'d Line>,
}

impl Block<'_> {
    fn first(&self) -> usize {
        self.lines[0].number
    }

    fn compact(&self) -> String {
        self.lines.iter().map(|line| line.compact.as_str()).collect()
    }

    /// Whether [`Block::compact`] is `text`, without building it.
    fn compact_is(&self, text: &str) -> bool {
        let mut rest = text;
        for line in &self.lines {
            match rest.strip_prefix(line.compact.as_str()) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// The block's text with the lines joined as PDF wrapping split them.
    fn joined(&self) -> String {
        let mut bullets = Bullets::default();
        for line in &self.lines {
            bullets.push(&line.cells.join(" "));
        }
        bullets.into_items().join("\n")
    }

    fn numbers(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines.iter().map(|line| line.number)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    None,
    DesiredState,
    OutcomeIndicators,
    Direction,
    Diagram,
}

pub(crate) fn read(document: &Document, reader: &mut Reader, context: &YearContext, content: &mut PolicyContent) {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut table_rows: Vec<&Line> = Vec::new();
    for line in &document.lines {
        if line.is_blank() || reader.is_used(line.number) {
            if blocks.last().is_some_and(|block| !block.lines.is_empty()) {
                blocks.push(Block { lines: Vec::new() });
            }
            continue;
        }
        if line.cells.len() >= 3 {
            table_rows.push(line);
            continue;
        }
        if let Some(what) = furniture(&line.compact) {
            reader.furniture(line.number, what);
            continue;
        }
        // A tag (「プラン2.0」, 「目標値UP」) is a block of its own even when no blank line sets it apart; 「プラン」
        // and 「2.0」 on two lines are one tag.
        let open_tag = blocks.last().is_some_and(|block| block.compact_is("プラン"));
        let tag_line = tag(&line.compact).is_some() || line.compact == "2.0" && open_tag;
        if tag_line && !open_tag && blocks.last().is_some_and(|block| !block.lines.is_empty()) {
            blocks.push(Block { lines: Vec::new() });
        }
        match blocks.last_mut() {
            Some(block) => block.lines.push(line),
            None => blocks.push(Block { lines: vec![line] }),
        }
        if tag_line && line.compact != "プラン" {
            blocks.push(Block { lines: Vec::new() });
        }
    }
    blocks.retain(|block| !block.lines.is_empty());

    let mut strategies: Vec<Strategy> = Vec::new();
    let mut section = Section::None;
    // Per strategy: the diagram's blocks, read once the strategy ends.
    let mut diagram: Vec<&Block<'_>> = Vec::new();
    let mut direction = Bullets::default();
    let mut desired = Bullets::default();
    let finish_strategy = |strategies: &mut Vec<Strategy>, diagram: &mut Vec<&Block<'_>>, reader: &mut Reader| {
        if let Some(strategy) = strategies.last_mut() {
            read_diagram(strategy, diagram, context, reader);
        }
        diagram.clear();
    };
    for block in &blocks {
        let label = block.compact();
        let number = block.first();
        match label.as_str() {
            "めざす状態" | "【めざす状態】" => {
                finish_strategy(&mut strategies, &mut diagram, reader);
                flush_text(&mut strategies, &mut desired, &mut direction);
                let id = (strategies.len() + 1).to_string();
                strategies.push(Strategy { id, ..Default::default() });
                section = Section::DesiredState;
                reader.label(number, "desired_state");
                continue;
            }
            "アウトカム指標" | "【アウトカム指標】" => {
                section = Section::OutcomeIndicators;
                reader.label(number, "outcome_indicators");
                continue;
            }
            "戦略" | "【戦略】" => {
                section = Section::Direction;
                reader.label(number, "direction");
                continue;
            }
            "単年度目標" => {
                block.numbers().for_each(|line| reader.label(line, "single-year targets (diagram column)"));
                continue;
            }
            _ => {}
        }
        let Some(strategy) = strategies.last_mut() else {
            block.numbers().for_each(|line| reader.field(line, "unplaced"));
            reader.warning(number, format!("text before the first めざす状態: 「{}」", short(&block.joined())));
            continue;
        };
        let path = format!("strategy {}", strategy.id);
        match section {
            Section::None => {}
            Section::DesiredState => {
                for line in &block.lines {
                    desired.push(&line.cells.join(" "));
                    reader.field(line.number, format!("{path} / desired_state"));
                }
            }
            Section::OutcomeIndicators => {
                if let Some(flag) = tag(&label) {
                    apply_tag(strategy.outcome_indicators.last_mut(), flag, number, reader);
                    block.numbers().for_each(|line| reader.field(line, format!("{path} / outcome_indicators / tag")));
                    continue;
                }
                for text in block.joined().split('\n') {
                    let indicator = read_indicator(text, IndicatorKind::Outcome, context);
                    warn_if_not_evaluable(&indicator, reader, number, format!("{path}: outcome indicator"));
                    strategy.outcome_indicators.push(indicator);
                }
                block.numbers().for_each(|line| reader.field(line, format!("{path} / outcome_indicators")));
            }
            Section::Direction => {
                if direction.groups.is_empty() {
                    for line in &block.lines {
                        direction.push(&line.cells.join(" "));
                        reader.field(line.number, format!("{path} / direction"));
                    }
                } else {
                    diagram.push(block);
                    section = Section::Diagram;
                }
            }
            Section::Diagram => diagram.push(block),
        }
    }
    finish_strategy(&mut strategies, &mut diagram, reader);
    flush_text(&mut strategies, &mut desired, &mut direction);

    if !strategies.is_empty() {
        let mut issue = Issue::new(IssueId::Single(1), "");
        reader.info(
            blocks.first().map_or(1, Block::first),
            "the summary layout names no 経営課題; its strategies are read under issue 1".to_string(),
        );
        issue.detailed_strategies = strategies;
        content.issues.push(issue);
    }
    read_reform_plan(&table_rows, context, content, reader);
}

fn flush_text(strategies: &mut [Strategy], desired: &mut Bullets, direction: &mut Bullets) {
    let desired = std::mem::take(desired).into_text();
    let direction = std::mem::take(direction).into_text();
    if let Some(strategy) = strategies.last_mut() {
        if desired.is_some() {
            strategy.desired_state = desired;
        }
        if direction.is_some() {
            strategy.direction = direction;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    ReformPlan,
    Change(TargetChange),
    /// 「目標値」 alone: a change label cut short.
    TruncatedChange,
}

fn tag(compacted: &str) -> Option<Tag> {
    match compacted {
        "プラン2.0" | "プラン" => Some(Tag::ReformPlan),
        "目標値UP" => Some(Tag::Change(TargetChange::Raised)),
        "目標値修正" => Some(Tag::Change(TargetChange::Reset)),
        "新規指標" => Some(Tag::Change(TargetChange::New)),
        "目標値" => Some(Tag::TruncatedChange),
        _ => None,
    }
}

fn apply_tag(indicator: Option<&mut Indicator>, tag: Tag, line: usize, reader: &mut Reader) {
    let Some(indicator) = indicator else {
        reader.warning(line, format!("a tag ({tag:?}) with no indicator before it"));
        return;
    };
    match tag {
        Tag::ReformPlan => indicator.reform_plan = true,
        Tag::Change(change) => indicator.target_change = Some(change),
        Tag::TruncatedChange => reader.warning(
            line,
            format!(
                "「目標値」 beside 「{}」 is a target-change label cut short (目標値UP or 目標値修正?); not recorded",
                short(&indicator.wording)
            ),
        ),
    }
}

/// Whether a diagram block is an indicator: a target that reads, after a colon or ending in a comparator
/// (「…平均レベル（5点満点中3点）以上」), and not an activity's level in parentheses (「区政会議本会開催（3回以上）」).
fn is_indicator(text: &str, context: &YearContext) -> bool {
    let compacted = compact(text);
    if compacted.ends_with(')') {
        return false;
    }
    let has_colon = compacted.contains(':');
    let ends_like_target = ["以上", "以下", "未満", "増", "減", "件"].iter().any(|end| compacted.ends_with(end));
    (has_colon || ends_like_target) && parse_target(text, ParseContext { era: context.era }).is_ok()
}

fn read_diagram(strategy: &mut Strategy, blocks: &[&Block<'_>], context: &YearContext, reader: &mut Reader) {
    let path = format!("strategy {}", strategy.id);
    // Each block's compact form, joined text, tag and whether it is an indicator, worked out once.
    let read: Vec<(String, Option<Tag>, bool)> = blocks
        .iter()
        .map(|block| {
            let text = block.joined();
            let found = tag(&block.compact());
            let indicator = is_indicator(&text, context);
            (text, found, indicator)
        })
        .collect();
    let last_indicator = read.iter().rposition(|(_, found, indicator)| found.is_some() || *indicator);
    let mut titles: Vec<(String, usize)> = Vec::new();
    let mut pending: Vec<Indicator> = Vec::new();
    let mut activities = Initiative::default();
    let place = |strategy: &mut Strategy,
                 titles: &mut Vec<(String, usize)>,
                 pending: &mut Vec<Indicator>,
                 reader: &mut Reader| {
        if pending.is_empty() {
            return;
        }
        if titles.is_empty() {
            titles.push((String::new(), 0));
        }
        if titles.len() > 1 {
            let line = titles[0].1;
            reader.warning(
                line,
                format!(
                    "{path}: {} initiative titles before {} indicators; the text does not say which is whose, so they \
                     are paired in order: check against the source",
                    titles.len(),
                    pending.len()
                ),
            );
        }
        let count = titles.len();
        let mut initiatives: Vec<Initiative> =
            titles.drain(..).map(|(title, _)| Initiative { title, ..Default::default() }).collect();
        for (index, indicator) in pending.drain(..).enumerate() {
            initiatives[index.min(count - 1)].process_indicators.push(indicator);
        }
        strategy.initiatives.extend(initiatives);
    };
    for (index, (block, (text, found, is_indicator))) in blocks.iter().zip(&read).enumerate() {
        if let Some(found) = *found {
            let indicator = pending.last_mut().or_else(|| {
                strategy.initiatives.last_mut().and_then(|initiative| initiative.process_indicators.last_mut())
            });
            apply_tag(indicator, found, block.first(), reader);
            block.numbers().for_each(|line| reader.field(line, format!("{path} / initiatives / tag")));
        } else if *is_indicator {
            pending.push(read_indicator(&text.replace('\n', ""), IndicatorKind::Process, context));
            block.numbers().for_each(|line| reader.field(line, format!("{path} / initiatives / process_indicators")));
        } else if last_indicator.is_some_and(|last| index < last) {
            place(strategy, &mut titles, &mut pending, reader);
            titles.push((text.replace('\n', ""), block.first()));
            block.numbers().for_each(|line| reader.field(line, format!("{path} / initiatives / title")));
        } else {
            place(strategy, &mut titles, &mut pending, reader);
            for item in text.split('\n') {
                activities.activities.push(Activity {
                    name: item.to_string(),
                    planned_level: None,
                    actuals: Vec::new(),
                });
            }
            block.numbers().for_each(|line| reader.field(line, format!("{path} / activities")));
        }
    }
    place(strategy, &mut titles, &mut pending, reader);
    if !activities.activities.is_empty() {
        if let Some((first, _)) =
            blocks.iter().zip(&read).find(|(_, (_, found, indicator))| !indicator && found.is_none())
        {
            reader.info(
                first.first(),
                format!(
                    "{path}: {} activities follow the initiatives in the diagram without saying whose; they are kept \
                     under the strategy as an untitled group",
                    activities.activities.len()
                ),
            );
        }
        strategy.initiatives.push(activities);
    }
}

/// The reform-plan table: 「番号\t取組項目\t概要\t今年度目標」 rows with ①②-numbered parts.
fn read_reform_plan(rows: &[&Line], context: &YearContext, content: &mut PolicyContent, reader: &mut Reader) {
    for row in rows {
        let cells = &row.cells;
        if cells.iter().any(|cell| compact(cell) == "取組項目") {
            reader.label(row.number, "reform plan table header");
            continue;
        }
        let (number, rest) = match cells[0].trim().parse::<u32>() {
            Ok(number) => (Some(number), &cells[1..]),
            Err(_) => (None, &cells[..]),
        };
        if rest.len() < 3 {
            reader.warning(
                row.number,
                format!("a reform-plan row with {} cells; expected 取組項目, 概要, 今年度目標", rest.len()),
            );
            reader.field(row.number, "reform_plan_items");
            continue;
        }
        let summary = circled_parts(&rest[1]);
        let mut targets = Vec::new();
        for part in circled_parts(&rest[2]) {
            let mut read = read_indicator(&part, IndicatorKind::Process, context);
            read.reform_plan = true;
            warn_if_not_evaluable(&read, reader, row.number, format!("reform plan item {}", number.unwrap_or(0)));
            targets.push(read);
        }
        if rest.len() > 3 {
            reader.warning(
                row.number,
                format!("a reform-plan row with {} cells; the cells after 今年度目標 are dropped", rest.len()),
            );
        }
        content.reform_plan_items.push(ReformPlanItem { number, title: rest[0].trim().to_string(), summary, targets });
        reader.field(row.number, format!("reform plan item {}", number.map_or("?".to_string(), |n| n.to_string())));
    }
}

/// 「①日常の収納対策の強化 ②滞納整理の推進」 → its parts, each keeping its circled number.
fn circled_parts(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in text.chars() {
        if circled_number(c).is_some() || parts.is_empty() {
            parts.push(String::new());
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts.into_iter().map(|part| part.trim().to_string()).filter(|part| !part.is_empty()).collect()
}
