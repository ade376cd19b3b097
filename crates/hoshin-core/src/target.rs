//! Targets (目標値) as documents write them, parsed into a typed [`Target`] and rendered back.
//!
//! Every form in DOMAIN.md §3 is covered: single-year thresholds (「48%以上」, 「20％以下」, 「3団体以上」, 「0件」),
//! deadlines (「令和10年度末までに55％以上」, 「平成31年度までに85%以上」, 「6年度までに70%以上」), every-year
//! targets (「令和10年度末まで毎年度20％以下」), 「全12地域」, cumulative ranges (「10,000世帯以上(R3~R5作成合計目標)」),
//! relative targets (「前年度比5%増」, 「対前年比増」, 「前年度実績以上の収納率を確保」), scores and stars
//! (「3.0（…）以上」, 「5点満点中3点以上」, 「☆☆以上」) and compounds (「受験率100% かつ 理解度全員95点以上」).
//!
//! The parser accepts a whole indicator sentence: text before the target (the *subject*, such as
//! 「…と回答する割合を」) is set aside. Text it cannot read is an error with a reason, never a guess.

use std::fmt;

use thiserror::Error;

use crate::era::{scan_year, Era, FiscalYear, FiscalYearError};
use crate::number::Number;
use crate::quantity::{parse_stars, scan_quantity, Per, Quantity, Reading, Unit};
use crate::text::{chars, chars_to_string, normalized_chars_and_same_prefix, prefix_string, starts_with_at};
use crate::Lang;

impl Period {
    /// A description for people: 「令和10年度（2028年度）末までに達成」, "by the end of FY2028".
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (Period::SingleYear, Lang::Ja) => "単年度".into(),
            (Period::SingleYear, Lang::En) => "single year".into(),
            (Period::ByDeadline(year), Lang::Ja) => format!("{}末までに達成", year.label(Lang::Ja)),
            (Period::ByDeadline(year), Lang::En) => format!("by the end of FY{}", year.start_year()),
            (Period::EveryYear { until: Some(year) }, Lang::Ja) => format!("{}末まで毎年度", year.label(Lang::Ja)),
            (Period::EveryYear { until: Some(year) }, Lang::En) => format!("every year until FY{}", year.start_year()),
            (Period::EveryYear { until: None }, Lang::Ja) => "毎年度".into(),
            (Period::EveryYear { until: None }, Lang::En) => "every year".into(),
            (Period::Cumulative { from, to }, Lang::Ja) => {
                format!("{}から{}までの累計", from.label(Lang::Ja), to.label(Lang::Ja))
            }
            (Period::Cumulative { from, to }, Lang::En) => {
                format!("cumulative FY{}–FY{}", from.start_year(), to.start_year())
            }
        }
    }
}

/// How a value is compared with the target. 「以上」 and 「以下」 are inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// 「以上」
    AtLeast,
    /// 「以下」
    AtMost,
    /// 「超」, 「を上回る」
    MoreThan,
    /// 「未満」, 「を下回る」
    LessThan,
}

impl Comparator {
    pub fn holds(self, actual: Number, threshold: Number) -> bool {
        match self {
            Comparator::AtLeast => actual >= threshold,
            Comparator::AtMost => actual <= threshold,
            Comparator::MoreThan => actual > threshold,
            Comparator::LessThan => actual < threshold,
        }
    }

    /// Whether a higher value is better under this comparator.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Comparator::AtLeast | Comparator::MoreThan)
    }

    pub fn word_ja(self) -> &'static str {
        match self {
            Comparator::AtLeast => "以上",
            Comparator::AtMost => "以下",
            Comparator::MoreThan => "超",
            Comparator::LessThan => "未満",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::MoreThan => ">",
            Comparator::LessThan => "<",
        }
    }

    fn phrase_en(self) -> &'static str {
        match self {
            Comparator::AtLeast => "at least",
            Comparator::AtMost => "at most",
            Comparator::MoreThan => "more than",
            Comparator::LessThan => "less than",
        }
    }
}

/// When a target applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// The target applies to the year being judged.
    SingleYear,
    /// 「令和10年度末までに」: reach the target by the end of this fiscal year; earlier years need a pacing rule.
    ByDeadline(FiscalYear),
    /// 「毎年度」, 「令和10年度末まで毎年度」: meet the target in every year (until the given year).
    EveryYear { until: Option<FiscalYear> },
    /// 「R3~R5作成合計」: the total over the fiscal years `from..=to` must reach the target.
    Cumulative { from: FiscalYear, to: FiscalYear },
}

/// What the previous year's value is compared with in a relative target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// 「前年度実績以上」: at least last year's value.
    NoWorse,
    /// 「対前年比増」, 「前年度実績を上回る」: strictly more than last year.
    Increase,
    /// 「対前年比減」: strictly less than last year.
    Decrease,
    /// 「前年度比5%増」: at least last year × (1 + p/100).
    IncreaseByPercent(Number),
    /// 「前年度比5ポイント増」: at least last year + p.
    IncreaseByPoints(Number),
    /// 「前年度比5%減」: at most last year × (1 − p/100).
    DecreaseByPercent(Number),
    /// 「前年度比5ポイント減」: at most last year − p.
    DecreaseByPoints(Number),
    /// 「前年度実績以下」: at most last year's value.
    NoHigher,
}

impl Change {
    pub fn higher_is_better(self) -> bool {
        matches!(self, Change::NoWorse | Change::Increase | Change::IncreaseByPercent(_) | Change::IncreaseByPoints(_))
    }
}

/// One condition of a target. A compound target (「かつ」) has several, all of which must hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    /// A fixed threshold: 「55%以上」, 「全12地域」, 「0件」, 「☆☆以上」, 「5点満点中3点以上」.
    Absolute {
        /// What this part measures, in a compound target (「受験率」, 「理解度全員」).
        label: Option<String>,
        comparator: Comparator,
        /// False when the document wrote no 以上/以下 and the comparator was inferred (「5件」 → at least,
        /// 「0件」 → at most); the explanation of a judgment says so.
        comparator_written: bool,
        value: Quantity,
        /// 「全12地域」: the value is "all of them".
        all: bool,
        /// 「年1回以上」: the value is a count per period.
        per: Option<Per>,
        /// 「5点満点中」: the maximum of the scale.
        scale_max: Option<Number>,
        /// A parenthesised remark (「民間の窓口サービスの平均的なレベル」).
        note: Option<String>,
    },
    /// Relative to the previous year's value: 「前年度比5%増」, 「対前年比増」, 「前年度実績以上」.
    Relative {
        label: Option<String>,
        change: Change,
        /// 「前年度末比」: compared with the value at the end of the previous year.
        year_end_basis: bool,
    },
}

impl Condition {
    pub fn higher_is_better(&self) -> bool {
        match self {
            Condition::Absolute { comparator, .. } => comparator.higher_is_better(),
            Condition::Relative { change, .. } => change.higher_is_better(),
        }
    }

    pub fn label(&self) -> Option<&str> {
        match self {
            Condition::Absolute { label, .. } | Condition::Relative { label, .. } => label.as_deref(),
        }
    }
}

/// How a target changed from the previous year (older formats label it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetChange {
    /// 「目標値UP」: raised because last year's target was met.
    Raised,
    /// 「目標値修正」: re-set.
    Reset,
    /// 「新規指標」: a new indicator.
    New,
}

impl TargetChange {
    pub fn label_ja(self) -> &'static str {
        match self {
            TargetChange::Raised => "目標値UP",
            TargetChange::Reset => "目標値修正",
            TargetChange::New => "新規指標",
        }
    }
}

/// A parsed target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The text as written.
    pub original: String,
    /// Text before the target in an indicator sentence (「…と回答する割合」), normalised.
    pub subject: Option<String>,
    pub period: Period,
    /// All must hold. Never empty.
    pub conditions: Vec<Condition>,
    /// 「それぞれ」: the target applies to each of several measures named in the subject.
    pub each: bool,
    /// A trailing 「目標値UP」, 「目標値修正」 or 「新規指標」.
    pub change_label: Option<TargetChange>,
}

/// What the parser needs from the document: the era that era-less years (「6年度」) belong to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseContext {
    pub era: Option<Era>,
}

impl ParseContext {
    /// The context of a document of `fiscal_year`: era-less years are read in that year's era.
    pub fn for_year(fiscal_year: FiscalYear) -> ParseContext {
        ParseContext { era: Era::of(fiscal_year) }
    }
}

/// Why a target could not be read. The message says what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TargetError {
    #[error("no target given")]
    Empty,
    #[error("「{0}」: no target found — expected a value with 以上/以下 (55%以上), a deadline (令和10年度末までに…), 毎年度…, or 前年度比…")]
    Unreadable(String),
    #[error("「{text}」: {source}")]
    Year { text: String, source: FiscalYearError },
    #[error(
        "「{0}」: a later part of a compound target names its own period; write the period once, in the first part"
    )]
    ConflictingPeriods(String),
}

const TAIL_PHRASES: &[&[char]] = &[
    chars!("を確保する"),
    chars!("を確保"),
    chars!("を維持する"),
    chars!("を維持"),
    chars!("を達成する"),
    chars!("を達成"),
    chars!("をめざす"),
    chars!("を目指す"),
    chars!("とする"),
    chars!("にする"),
    chars!("となる"),
    chars!("である"),
    chars!("をめざします"),
    chars!("とします"),
];

/// Parses a target, or a whole indicator sentence ending in one.
pub fn parse_target(text: &str, context: ParseContext) -> Result<Target, TargetError> {
    let original = text.trim();
    let (mut chars, same) = normalized_chars_and_same_prefix(original);
    while matches!(chars.last(), Some('。' | '.' | '、' | ',')) {
        chars.pop();
    }
    if chars.is_empty() {
        return Err(TargetError::Empty);
    }
    let unreadable = || TargetError::Unreadable(original.to_string());

    let mut change_label = None;
    for (word, change) in [
        (chars!("目標値UP"), TargetChange::Raised),
        (chars!("目標値修正"), TargetChange::Reset),
        (chars!("新規指標"), TargetChange::New),
    ] {
        if chars.ends_with(word) {
            chars.truncate(chars.len() - word.len());
            change_label = Some(change);
            break;
        }
    }
    for phrase in TAIL_PHRASES {
        if chars.ends_with(phrase) {
            chars.truncate(chars.len() - phrase.len());
            break;
        }
    }
    if chars.is_empty() {
        return Err(unreadable());
    }

    let parts = split_compound(&chars);
    let mut period: Option<Period> = None;
    let mut conditions = Vec::with_capacity(parts.len());
    let mut subject = None;
    // The characters the subject starts with, to look for a year that dates the target.
    let mut subject_head: &[char] = &[];
    let mut each = false;
    for (index, part) in parts.iter().enumerate() {
        let (start, core) = find_core(part, context, original)?.ok_or_else(unreadable)?;
        let mut prefix = clean_subject(&part[..start]);
        if let Some(stripped) = prefix.strip_suffix(&['そ', 'れ', 'ぞ', 'れ']) {
            each = true;
            prefix = clean_subject(stripped);
        }
        let mut condition = core.condition;
        if let Some(period_of_part) = core.period {
            if index > 0 {
                return Err(TargetError::ConflictingPeriods(original.to_string()));
            }
            period = Some(period_of_part);
        }
        let trailing = core.trailing_subject;
        if index == 0 {
            subject_head = prefix;
            let joined = match (prefix.is_empty(), trailing) {
                (true, None) => None,
                // The first part's prefix starts the sentence, where most of it is as written.
                (false, None) => Some(prefix_string(original, &chars, same, prefix.len())),
                (true, Some(trailing)) => Some(trailing),
                (false, Some(trailing)) => {
                    Some(format!("{}({trailing})", prefix_string(original, &chars, same, prefix.len())))
                }
            };
            subject = joined;
        } else {
            let label = if prefix.is_empty() { trailing } else { Some(chars_to_string(prefix)) };
            match &mut condition {
                Condition::Absolute { label: slot, .. } | Condition::Relative { label: slot, .. } => *slot = label,
            }
        }
        conditions.push(condition);
    }
    // In a compound target the first part's own label is the end of the subject (「受験率100%」).
    if conditions.len() > 1 {
        if let Some(text) = subject.take() {
            let (head, label) = split_compound_label(&text);
            subject = head;
            match &mut conditions[0] {
                Condition::Absolute { label: slot, .. } | Condition::Relative { label: slot, .. } => *slot = label,
            }
        }
    }
    // A part's label says what is measured: text without a letter (「0を☆かつ0」) is not one, and reading it as
    // one would render back as something else. (A subject may be wordless: 「③…を令和10年度末までに…」.)
    // A label that holds a year or a period (「令和元0」, 「毎年度の」) would render back into the period.
    let wordless = |text: &str| !text.chars().any(char::is_alphabetic);
    let dated = |text: &str| ["令和", "平成", "昭和", "年度", "毎年", "まで"].iter().any(|word| text.contains(word));
    // No target of a policy is near a thousand trillion; such digits are a misreading, and would not
    // render back as the same number.
    let huge = |condition: &Condition| match condition {
        Condition::Absolute { value, .. } => {
            value.value.numerator().abs() > 1_000_000_000_000_000 * value.value.denominator()
        }
        Condition::Relative { .. } => false,
    };
    if conditions.iter().filter_map(Condition::label).any(|label| wordless(label) || dated(label))
        || conditions.iter().any(huge)
    {
        return Err(unreadable());
    }
    let mut period = period.unwrap_or(Period::SingleYear);
    // 「平成31年度末のSNSフォロワー等数：前年度末比20%増」: a year at the start of the subject dates the target.
    if period == Period::SingleYear && subject.is_some() {
        let trailing_chars: Vec<char>;
        let head = if subject_head.is_empty() {
            trailing_chars = subject.iter().flat_map(|text| text.chars()).collect();
            &trailing_chars[..]
        } else {
            subject_head
        };
        if let Ok(Some(year)) = scan_year(head, context.era) {
            if head.get(year.len) == Some(&'の') {
                period = Period::ByDeadline(year.year);
            }
        }
    }
    Ok(Target { original: original.to_string(), subject, period, conditions, each, change_label })
}

/// Splits a compound target at 「かつ」.
fn split_compound(chars: &[char]) -> Vec<&[char]> {
    let mut parts = Vec::with_capacity(1);
    let mut start = 0;
    let mut from = 0;
    while let Some(offset) = chars[from..].iter().position(|&c| c == 'か') {
        let at = from + offset;
        if chars.get(at + 1) == Some(&'つ') {
            parts.push(&chars[start..at]);
            start = at + 2;
            from = start;
        } else {
            from = at + 1;
        }
    }
    parts.push(&chars[start..]);
    parts
}

fn clean_subject(chars: &[char]) -> &[char] {
    let mut end = chars.len();
    while end > 0 && matches!(chars[end - 1], 'を' | 'が' | 'は' | ':' | '、' | ',' | 'の' | 'で' | '・') {
        end -= 1;
    }
    &chars[..end]
}

/// Splits 「…の受験率及び理解度:受験率」 at the last separator into the subject and the part's own label.
fn split_compound_label(text: &str) -> (Option<String>, Option<String>) {
    match text.rfind([':', '、']) {
        Some(index) => {
            let head = text[..index].to_string();
            let label = text[index + text[index..].chars().next().map_or(1, char::len_utf8)..].to_string();
            (Some(head).filter(|s| !s.is_empty()), Some(label).filter(|s| !s.is_empty()))
        }
        None => (None, Some(text.to_string())),
    }
}

/// The parsed core of a target: the condition, the period it names (if any), and a trailing descriptor
/// (「の収納率」 in 「前年度実績以上の収納率」).
struct Core {
    condition: Condition,
    period: Option<Period>,
    trailing_subject: Option<String>,
}

/// Finds the earliest position from which the rest of `chars` reads as a target core.
fn find_core(chars: &[char], context: ParseContext, original: &str) -> Result<Option<(usize, Core)>, TargetError> {
    for start in 0..chars.len() {
        if !is_candidate_start(chars, start) {
            continue;
        }
        match parse_core(&chars[start..], context) {
            Ok(Some(core)) => return Ok(Some((start, core))),
            Ok(None) => {}
            Err(source) => return Err(TargetError::Year { text: original.to_string(), source }),
        }
    }
    Ok(None)
}

/// The characters a target core can start with, as a 64-bit filter on the low bits of the code point: most
/// characters of a sentence are rejected by one test before the exact match in [`is_candidate_start`].
const CANDIDATE_FILTER: u64 = {
    const STARTS: &[char] = chars!("0123456789RH(令平毎各前対全☆★年月週星");
    let mut filter = 0u64;
    let mut index = 0;
    while index < STARTS.len() {
        filter |= 1 << (STARTS[index] as u32 % 64);
        index += 1;
    }
    filter
};

fn is_candidate_start(chars: &[char], start: usize) -> bool {
    let c = chars[start];
    if CANDIDATE_FILTER & (1 << (c as u32 % 64)) == 0 {
        return false;
    }
    let previous = start.checked_sub(1).map(|i| chars[i]);
    match c {
        '0'..='9' => {
            // Not inside a number, and not the year of an era name that an earlier start already covers.
            let after_number = previous.is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ',');
            let after_era = start >= 2 && matches!(chars[start - 2..start], ['令', '和'] | ['平', '成']);
            let after_abbreviation = matches!(previous, Some('R' | 'H' | 'r' | 'h'));
            !after_number && !after_era && !after_abbreviation
        }
        'R' | 'H' => {
            !previous.is_some_and(|p| p.is_ascii_alphabetic()) && chars.get(start + 1).is_some_and(char::is_ascii_digit)
        }
        '令' | '平' | '毎' | '各' | '前' | '対' | '全' | '☆' | '★' | '(' | '年' | '月' | '週' | '星' => {
            !previous.is_some_and(|p| p.is_ascii_digit())
        }
        _ => false,
    }
}

/// Reads a target core that must span all of `chars`: `Ok(None)` when it does not.
fn parse_core(chars: &[char], context: ParseContext) -> Result<Option<Core>, FiscalYearError> {
    let mut pos = 0;
    let mut period = None;
    if starts_with_at(chars, 0, chars!("毎年度")) || starts_with_at(chars, 0, chars!("各年度")) {
        period = Some(Period::EveryYear { until: None });
        pos = 3;
    } else if let Some(year) = scan_year(chars, context.era)? {
        let after = year.len;
        if starts_with_at(chars, after, chars!("まで毎年度")) || starts_with_at(chars, after, chars!("まで各年度"))
        {
            period = Some(Period::EveryYear { until: Some(year.year) });
            pos = after + 5;
        } else if starts_with_at(chars, after, chars!("までの毎年度")) {
            period = Some(Period::EveryYear { until: Some(year.year) });
            pos = after + 6;
        } else if starts_with_at(chars, after, chars!("までに")) {
            period = Some(Period::ByDeadline(year.year));
            pos = after + 3;
        } else if starts_with_at(chars, after, chars!("において")) {
            period = Some(Period::ByDeadline(year.year));
            pos = after + 4;
        } else if chars.get(after) == Some(&'~') {
            // 「R3~R5合計10,000世帯以上」
            let Some(to) = scan_year(&chars[after + 1..], context.era)? else {
                return Ok(None);
            };
            let rest = after + 1 + to.len;
            let Some(marker_len) = [chars!("の合計"), chars!("の累計"), chars!("合計"), chars!("累計")]
                .iter()
                .find(|m| starts_with_at(chars, rest, m))
                .map(|m| m.len())
            else {
                return Ok(None);
            };
            period = Some(Period::Cumulative { from: year.year, to: to.year });
            pos = rest + marker_len;
            if chars.get(pos) == Some(&'で') {
                pos += 1;
            }
        } else {
            return Ok(None);
        }
        if chars.get(pos) == Some(&'、') {
            pos += 1;
        }
    }
    let Some((condition, used, paren_period)) = parse_condition(&chars[pos..], context)? else {
        return Ok(None);
    };
    pos += used;
    if let Some(paren_period) = paren_period {
        if period.is_some() {
            return Ok(None);
        }
        period = Some(paren_period);
    }
    // 「前年度実績以上の収納率」: a trailing descriptor of what is measured.
    let mut trailing_subject = None;
    if chars.get(pos) == Some(&'の') && pos + 1 < chars.len() {
        let rest = &chars[pos + 1..];
        if rest.len() <= 30 && !rest.iter().any(char::is_ascii_digit) {
            trailing_subject = Some(chars_to_string(rest));
            pos = chars.len();
        }
    }
    if pos != chars.len() {
        return Ok(None);
    }
    Ok(Some(Core { condition, period, trailing_subject }))
}

/// Reads one condition at the start of `chars`: the condition, the characters used, and a period named in a
/// parenthesised remark (「(R3~R5作成合計目標)」).
fn parse_condition(
    chars: &[char],
    context: ParseContext,
) -> Result<Option<(Condition, usize, Option<Period>)>, FiscalYearError> {
    if let Some((change, year_end_basis, used)) = parse_relative(chars) {
        let condition = Condition::Relative { label: None, change, year_end_basis };
        return Ok(Some((condition, used, None)));
    }
    let mut pos = 0;
    let all = chars.first() == Some(&'全');
    if all {
        pos += 1;
    }
    let mut note = None;
    let mut period = None;
    let (value, per, scale_max) = if let Some((value, scale_max, used)) = parse_scale(&chars[pos..]) {
        pos += used;
        (value, None, Some(scale_max))
    } else if let Some((value, used)) = parse_star_run(&chars[pos..]) {
        pos += used;
        (value, None, None)
    } else {
        let Some(scanned) = scan_quantity(&chars[pos..]) else {
            return Ok(None);
        };
        pos += scanned.len;
        match scanned.reading {
            Reading::Value(quantity) => (quantity, None, None),
            Reading::Frequency { count, per, each: false, approximate: false } => {
                (Quantity::new(count, Unit::Counter("回".into())), per, None)
            }
            _ => return Ok(None),
        }
    };
    let mut comparator = None;
    for _ in 0..2 {
        if let Some((inner, used)) = parenthesised(&chars[pos..]) {
            pos += used;
            match cumulative_range(&inner, context)? {
                Some(range) => period = Some(range),
                None => note = Some(inner.iter().collect()),
            }
            continue;
        }
        if comparator.is_none() {
            if let Some((found, used)) = parse_comparator(&chars[pos..]) {
                comparator = Some(found);
                pos += used;
                continue;
            }
        }
        break;
    }
    let comparator_written = comparator.is_some();
    let comparator = comparator.unwrap_or(if value.value.is_zero() { Comparator::AtMost } else { Comparator::AtLeast });
    let condition =
        Condition::Absolute { label: None, comparator, comparator_written, value, all, per, scale_max, note };
    Ok(Some((condition, pos, period)))
}

fn parse_comparator(chars: &[char]) -> Option<(Comparator, usize)> {
    const WORDS: &[(&[char], Comparator)] = &[
        (chars!("以上"), Comparator::AtLeast),
        (chars!("以下"), Comparator::AtMost),
        (chars!("未満"), Comparator::LessThan),
        (chars!("を上回る"), Comparator::MoreThan),
        (chars!("を下回る"), Comparator::LessThan),
        (chars!("を超える"), Comparator::MoreThan),
        (chars!("超"), Comparator::MoreThan),
    ];
    WORDS.iter().find(|(word, _)| starts_with_at(chars, 0, word)).map(|(word, comparator)| (*comparator, word.len()))
}

/// 「(…)」 at the start: its contents and the characters used.
fn parenthesised(chars: &[char]) -> Option<(Vec<char>, usize)> {
    if chars.first() != Some(&'(') {
        return None;
    }
    let close = chars.iter().position(|&c| c == ')')?;
    Some((chars[1..close].to_vec(), close + 1))
}

/// 「R3~R5作成合計目標」 → the cumulative range FY2021–2023.
fn cumulative_range(chars: &[char], context: ParseContext) -> Result<Option<Period>, FiscalYearError> {
    if !chars.windows(2).any(|pair| matches!(pair, ['合' | '累', '計'] | ['累', '積'])) {
        return Ok(None);
    }
    let Some(from) = scan_year(chars, context.era)? else {
        return Ok(None);
    };
    if !matches!(chars.get(from.len), Some('~' | '-' | 'か')) {
        return Ok(None);
    }
    let skip = if starts_with_at(chars, from.len, chars!("から")) { 2 } else { 1 };
    let Some(to) = scan_year(&chars[from.len + skip..], context.era)? else {
        return Ok(None);
    };
    if to.year < from.year {
        return Ok(None);
    }
    Ok(Some(Period::Cumulative { from: from.year, to: to.year }))
}

/// 「5点満点中3点」, optionally in parentheses → (3点, max 5, characters used).
fn parse_scale(chars: &[char]) -> Option<(Quantity, Number, usize)> {
    if !chars.first().is_some_and(|c| *c == '(' || c.is_ascii_digit()) {
        return None;
    }
    let (inner, used, in_paren) = match chars.iter().position(|&c| c == ')') {
        Some(close) if chars[0] == '(' => (&chars[1..close], close + 1, true),
        _ => (chars, 0, false),
    };
    let digits_end = inner.iter().take_while(|c| c.is_ascii_digit() || **c == '.').count();
    if digits_end == 0 || !starts_with_at(inner, digits_end, chars!("点満点中")) {
        return None;
    }
    let max = Number::parse_decimal_chars(inner[..digits_end].iter().copied())?;
    let value_start = digits_end + 4;
    let value_len = inner[value_start..].iter().take_while(|c| c.is_ascii_digit() || **c == '.').count();
    if value_len == 0 || inner.get(value_start + value_len) != Some(&'点') {
        return None;
    }
    let value = Number::parse_decimal_chars(inner[value_start..value_start + value_len].iter().copied())?;
    let end = value_start + value_len + 1;
    let used = if in_paren {
        if end != inner.len() {
            return None;
        }
        used
    } else {
        end
    };
    Some((Quantity::new(value, Unit::Point), max, used))
}

fn parse_star_run(chars: &[char]) -> Option<(Quantity, usize)> {
    let run = chars.iter().take_while(|c| **c == '☆' || **c == '★').count();
    if run > 0 {
        let text: String = chars[..run].iter().collect();
        return parse_stars(&text).map(|n| (Quantity::new(Number::from_integer(n), Unit::Star), run));
    }
    if chars.first() == Some(&'星') && chars.get(2) == Some(&'つ') {
        let text: String = chars[..3].iter().collect();
        return parse_stars(&text).map(|n| (Quantity::new(Number::from_integer(n), Unit::Star), 3));
    }
    None
}

/// Relative targets. Returns the change, whether the basis is the previous year's end, and characters used.
fn parse_relative(chars: &[char]) -> Option<(Change, bool, usize)> {
    const BASES: &[(&[char], bool)] = &[
        (chars!("前年度末実績比"), true),
        (chars!("前年度末比"), true),
        (chars!("前年度実績比"), false),
        (chars!("前年度比"), false),
        (chars!("対前年度比"), false),
        (chars!("対前年比"), false),
        (chars!("前年比"), false),
    ];
    const LEVELS: &[(&[char], bool)] = &[
        (chars!("前年度末実績"), true),
        (chars!("前年度末"), true),
        (chars!("前年度実績"), false),
        (chars!("前年度"), false),
        (chars!("前年実績"), false),
    ];
    if !matches!(chars.first(), Some('前' | '対')) {
        return None;
    }
    for (base, year_end_basis) in BASES {
        if !starts_with_at(chars, 0, base) {
            continue;
        }
        let mut pos = base.len();
        for (word, change) in [
            (chars!("増加"), Change::Increase),
            (chars!("増"), Change::Increase),
            (chars!("減少"), Change::Decrease),
            (chars!("減"), Change::Decrease),
        ] {
            if starts_with_at(chars, pos, word) {
                return Some((change, *year_end_basis, pos + word.len()));
            }
        }
        let scanned = scan_quantity(&chars[pos..])?;
        let Reading::Value(quantity) = scanned.reading else {
            return None;
        };
        pos += scanned.len;
        if starts_with_at(chars, pos, chars!("以上")) {
            pos += 2;
        }
        let increase = if starts_with_at(chars, pos, chars!("増加")) || starts_with_at(chars, pos, chars!("アップ"))
        {
            pos += if starts_with_at(chars, pos, chars!("増加")) { 2 } else { 3 };
            true
        } else if starts_with_at(chars, pos, chars!("増")) {
            pos += 1;
            true
        } else if starts_with_at(chars, pos, chars!("減少")) {
            pos += 2;
            false
        } else if starts_with_at(chars, pos, chars!("減")) {
            pos += 1;
            false
        } else {
            return None;
        };
        let change = match (quantity.unit, increase) {
            (Unit::Percent, true) => Change::IncreaseByPercent(quantity.value),
            (Unit::Percent, false) => Change::DecreaseByPercent(quantity.value),
            (_, true) => Change::IncreaseByPoints(quantity.value),
            (_, false) => Change::DecreaseByPoints(quantity.value),
        };
        return Some((change, *year_end_basis, pos));
    }
    for (level, year_end_basis) in LEVELS {
        if !starts_with_at(chars, 0, level) {
            continue;
        }
        let pos = level.len();
        for (word, change) in [
            (chars!("以上"), Change::NoWorse),
            (chars!("を上回る"), Change::Increase),
            (chars!("を超える"), Change::Increase),
            (chars!("以下"), Change::NoHigher),
            (chars!("を下回る"), Change::Decrease),
        ] {
            if starts_with_at(chars, pos, word) {
                return Some((change, *year_end_basis, pos + word.len()));
            }
        }
    }
    None
}

impl Target {
    /// Whether the target is met by higher values (all conditions agree on a direction in real documents;
    /// the first decides otherwise).
    pub fn higher_is_better(&self) -> bool {
        self.conditions.first().is_none_or(Condition::higher_is_better)
    }

    /// The last fiscal year the target speaks of, if it names one.
    pub fn deadline(&self) -> Option<FiscalYear> {
        match self.period {
            Period::SingleYear | Period::EveryYear { until: None } => None,
            Period::ByDeadline(year)
            | Period::EveryYear { until: Some(year) }
            | Period::Cumulative { to: year, .. } => Some(year),
        }
    }

    /// The target in canonical Japanese: 「令和10年度末までに55%以上」. Reads back to the same target.
    pub fn render_ja(&self) -> String {
        let mut out = String::new();
        for (index, condition) in self.conditions.iter().enumerate() {
            if index > 0 {
                out.push_str(" かつ ");
            }
            // The period follows the first part's label (「受験率令和10年度末までに100%」) so that it reads back.
            if let Some(label) = condition.label() {
                out.push_str(label);
                // 「…率2」 followed by 「100%」 would merge into one number.
                // 「令和」 followed by 「0」 would read as a year.
                // 「全」, 「年」, 「前」… followed by a value would start the value (「全☆」 all stars, 「学年2回」
                // twice a year), taking the character from the label (found by the round-trip property test).
                let era = ["令和", "平成", "昭和"].iter().any(|era| label.ends_with(era));
                let starts_a_value = |c: char| {
                    c.is_ascii_alphanumeric()
                        || matches!(
                            c,
                            '.' | ','
                                | '全'
                                | '各'
                                | '毎'
                                | '前'
                                | '対'
                                | '年'
                                | '月'
                                | '週'
                                | '日'
                                | '星'
                                | '☆'
                                | '★'
                        )
                };
                if era || label.ends_with(starts_a_value) {
                    out.push('の');
                }
            }
            if index == 0 {
                self.render_period_prefix_ja(&mut out);
            }
            render_condition_ja(condition, &mut out);
        }
        if let Period::Cumulative { from, to } = self.period {
            out.push_str(&format!("({}~{}合計)", from.short_label(), to.short_label()));
        }
        out
    }

    fn render_period_prefix_ja(&self, out: &mut String) {
        match self.period {
            Period::ByDeadline(year) => {
                out.push_str(&year.era_label());
                out.push_str("末までに");
            }
            Period::EveryYear { until: Some(year) } => {
                out.push_str(&year.era_label());
                out.push_str("末まで毎年度");
            }
            Period::EveryYear { until: None } => out.push_str("毎年度"),
            Period::SingleYear | Period::Cumulative { .. } => {}
        }
    }

    /// The target in English: "at least 55% by the end of FY2028".
    pub fn render_en(&self) -> String {
        let parts: Vec<String> = self
            .conditions
            .iter()
            .map(|condition| {
                let text = render_condition_en(condition);
                match condition.label() {
                    Some(label) => format!("{label}: {text}"),
                    None => text,
                }
            })
            .collect();
        let mut out = parts.join(" and ");
        match self.period {
            Period::SingleYear => {}
            Period::ByDeadline(year) => out.push_str(&format!(" by the end of FY{}", year.start_year())),
            Period::EveryYear { until: Some(year) } => {
                out.push_str(&format!(" every year until FY{}", year.start_year()))
            }
            Period::EveryYear { until: None } => out.push_str(" every year"),
            Period::Cumulative { from, to } => {
                out.push_str(&format!(" in total over FY{}–FY{}", from.start_year(), to.start_year()));
            }
        }
        out
    }

    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => self.render_ja(),
            Lang::En => self.render_en(),
        }
    }

    /// The same target with everything that does not change its meaning cleared: what round-trip tests compare.
    pub fn meaning(&self) -> (Period, Vec<Condition>) {
        let conditions = self
            .conditions
            .iter()
            .map(|condition| match condition {
                Condition::Absolute { comparator, comparator_written, value, all, per, scale_max, label, .. } => {
                    Condition::Absolute {
                        label: label.clone(),
                        comparator: *comparator,
                        comparator_written: *comparator_written,
                        value: value.clone(),
                        all: *all,
                        per: *per,
                        scale_max: *scale_max,
                        note: None,
                    }
                }
                relative @ Condition::Relative { .. } => relative.clone(),
            })
            .collect();
        (self.period, conditions)
    }
}

fn render_condition_ja(condition: &Condition, out: &mut String) {
    match condition {
        Condition::Absolute { comparator, comparator_written, value, all, per, scale_max, note, .. } => {
            if *all {
                out.push('全');
            }
            if let Some(per) = per {
                out.push_str(per_ja(*per));
            }
            if let Some(max) = scale_max {
                out.push_str(&format!("{max}点満点中"));
            }
            out.push_str(&value.to_string());
            if let Some(note) = note {
                out.push_str(&format!("({note})"));
            }
            if *comparator_written {
                out.push_str(comparator.word_ja());
            }
        }
        Condition::Relative { change, year_end_basis, .. } => {
            let base = if *year_end_basis { "前年度末" } else { "前年度" };
            match change {
                Change::NoWorse => out.push_str(&format!("{base}実績以上")),
                Change::NoHigher => out.push_str(&format!("{base}実績以下")),
                Change::Increase => out.push_str(&format!("{base}比増")),
                Change::Decrease => out.push_str(&format!("{base}比減")),
                Change::IncreaseByPercent(p) => out.push_str(&format!("{base}比{p}%増")),
                Change::DecreaseByPercent(p) => out.push_str(&format!("{base}比{p}%減")),
                Change::IncreaseByPoints(p) => out.push_str(&format!("{base}比{p}ポイント増")),
                Change::DecreaseByPoints(p) => out.push_str(&format!("{base}比{p}ポイント減")),
            }
        }
    }
}

fn per_ja(per: Per) -> &'static str {
    match per {
        Per::Year => "年",
        Per::Month => "月",
        Per::Week => "週",
        Per::Day => "日",
        Per::Months(_) => "",
    }
}

fn render_condition_en(condition: &Condition) -> String {
    match condition {
        Condition::Absolute { comparator, comparator_written, value, all, per, scale_max, .. } => {
            let mut text = String::from(comparator.phrase_en());
            text.push(' ');
            if *all {
                text.push_str("all ");
            }
            text.push_str(&value.to_string());
            if let Some(max) = scale_max {
                text.push_str(&format!(" out of {max}"));
            }
            if let Some(per) = per {
                text.push_str(match per {
                    Per::Year => " a year",
                    Per::Month => " a month",
                    Per::Week => " a week",
                    Per::Day => " a day",
                    Per::Months(_) => "",
                });
            }
            if !comparator_written {
                text.push_str(" (comparator not written; inferred)");
            }
            text
        }
        Condition::Relative { change, year_end_basis, .. } => {
            let base = if *year_end_basis { "the previous year-end value" } else { "the previous year's value" };
            match change {
                Change::NoWorse => format!("at least {base}"),
                Change::NoHigher => format!("at most {base}"),
                Change::Increase => format!("more than {base}"),
                Change::Decrease => format!("less than {base}"),
                Change::IncreaseByPercent(p) => format!("at least {p}% more than {base}"),
                Change::DecreaseByPercent(p) => format!("at least {p}% less than {base}"),
                Change::IncreaseByPoints(p) => format!("at least {p} points more than {base}"),
                Change::DecreaseByPoints(p) => format!("at least {p} points less than {base}"),
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_ja())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).unwrap()
    }

    fn reiwa() -> ParseContext {
        ParseContext { era: Some(Era::Reiwa) }
    }

    fn parse(text: &str) -> Target {
        parse_target(text, reiwa()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Each case: the text, its period, and its canonical rendering (which must read back to the same meaning).
    #[test]
    fn every_form_in_the_domain() {
        let cases: &[(&str, Period, &str)] = &[
            ("48%以上", Period::SingleYear, "48%以上"),
            ("…の割合：48%以上", Period::SingleYear, "48%以上"),
            ("20％以下", Period::SingleYear, "20%以下"),
            ("3団体以上", Period::SingleYear, "3団体以上"),
            ("12,000世帯以上", Period::SingleYear, "12,000世帯以上"),
            ("5件", Period::SingleYear, "5件"),
            ("0件", Period::SingleYear, "0件"),
            ("令和10年度末までに55％以上とする", Period::ByDeadline(fy(2028)), "令和10年度末までに55%以上"),
            (
                "令和10年度末まで毎年度20％以下とする",
                Period::EveryYear { until: Some(fy(2028)) },
                "令和10年度末まで毎年度20%以下",
            ),
            (
                "令和10年度末まで毎年度１件以上",
                Period::EveryYear { until: Some(fy(2028)) },
                "令和10年度末まで毎年度1件以上",
            ),
            ("令和10年度末までに全12地域とする", Period::ByDeadline(fy(2028)), "令和10年度末までに全12地域"),
            ("平成31年度までに85%以上", Period::ByDeadline(fy(2019)), "令和元年度末までに85%以上"),
            ("2021年度までに90%以上", Period::ByDeadline(fy(2021)), "令和3年度末までに90%以上"),
            ("6年度までに70%以上", Period::ByDeadline(fy(2024)), "令和6年度末までに70%以上"),
            (
                "10,000世帯以上(R3~R5作成合計目標)",
                Period::Cumulative { from: fy(2021), to: fy(2023) },
                "10,000世帯以上(R3~R5合計)",
            ),
            ("前年度比5%増", Period::SingleYear, "前年度比5%増"),
            ("前年度末比20%増", Period::SingleYear, "前年度末比20%増"),
            ("対前年比増", Period::SingleYear, "前年度比増"),
            ("前年度実績以上の収納率を確保", Period::SingleYear, "前年度実績以上"),
            (
                "3.0（民間の窓口サービスの平均的なレベル）以上",
                Period::SingleYear,
                "3(民間の窓口サービスの平均的なレベル)以上",
            ),
            ("5点満点中3点以上", Period::SingleYear, "5点満点中3点以上"),
            ("☆☆以上", Period::SingleYear, "☆☆以上"),
            ("受験率100% かつ 理解度全員95点以上", Period::SingleYear, "受験率100% かつ 理解度全員95点以上"),
            ("年1回以上", Period::SingleYear, "年1回以上"),
            ("毎年度80%以上", Period::EveryYear { until: None }, "毎年度80%以上"),
            (
                "R3~R5合計10,000世帯以上",
                Period::Cumulative { from: fy(2021), to: fy(2023) },
                "10,000世帯以上(R3~R5合計)",
            ),
            ("前年度比5ポイント増", Period::SingleYear, "前年度比5ポイント増"),
            ("前年度比10%減", Period::SingleYear, "前年度比10%減"),
            ("15%未満", Period::SingleYear, "15%未満"),
            // A label ending in a character that can start a value keeps it apart with 「の」.
            ("0かつ全：☆", Period::SingleYear, "0 かつ 全の☆"),
            ("学年:2回かつ受験率100%", Period::SingleYear, "学年の2回 かつ 受験率100%"),
        ];
        for (text, period, rendered) in cases {
            let target = parse(text);
            assert_eq!(target.period, *period, "{text}");
            assert_eq!(target.render_ja(), *rendered, "{text}");
            let again = parse(&target.render_ja());
            assert_eq!(again.meaning(), target.meaning(), "{text} → {rendered}");
        }
    }

    #[test]
    fn comparators_and_inference() {
        let single = |text: &str| match &parse(text).conditions[..] {
            [Condition::Absolute { comparator, comparator_written, value, .. }] => {
                (*comparator, *comparator_written, value.clone())
            }
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(single("48%以上").0, Comparator::AtLeast);
        assert_eq!(single("20%以下").0, Comparator::AtMost);
        assert_eq!(
            single("5件"),
            (Comparator::AtLeast, false, Quantity::new(Number::from_integer(5), Unit::Counter("件".into())))
        );
        assert_eq!(single("0件").0, Comparator::AtMost);
        assert!(!single("0件").1);
        assert_eq!(single("3.0(…)以上").2.unit, Unit::None);
        assert_eq!(
            single("☆☆(民間の窓口サービスの平均的なレベルを上回るレベル)以上").2,
            Quantity::new(Number::from_integer(2), Unit::Star)
        );
    }

    #[test]
    fn whole_indicator_sentences() {
        let target = parse("①区民意識調査で「住んでいる地域において、様々な地域活動に気軽に参加できると感じる」と回答する割合を令和10年度末までに55％以上とする。");
        assert_eq!(target.period, Period::ByDeadline(fy(2028)));
        assert_eq!(target.render_ja(), "令和10年度末までに55%以上");
        assert_eq!(
            target.subject.as_deref(),
            Some("①区民意識調査で「住んでいる地域において、様々な地域活動に気軽に参加できると感じる」と回答する割合")
        );

        let target = parse("③大学・NPO・企業・個人等との継続した連携や協働を３件以上行っている地域を令和10年度末までに全12地域とする。");
        assert_eq!(target.render_ja(), "令和10年度末までに全12地域");
        assert_eq!(
            target.subject.as_deref(),
            Some("③大学・NPO・企業・個人等との継続した連携や協働を3件以上行っている地域")
        );

        let target = parse(
            "区役所を過去1年間に利用した区民のうち、案内サービスや窓口、電話などの対応が良いと感じた区民の割合85%以上",
        );
        assert_eq!(target.render_ja(), "85%以上");

        let target =
            parse("覆面調査において、職員の接遇マナーが民間の同種サービスと比較して平均レベル（5点満点中3点）以上");
        assert_eq!(target.render_ja(), "5点満点中3点以上");

        let target = parse("東淀川井高野郵便局での取扱件数及びコンビニ交付件数：それぞれ前年度比5%増");
        assert!(target.each);
        assert_eq!(target.subject.as_deref(), Some("東淀川井高野郵便局での取扱件数及びコンビニ交付件数"));

        let target = parse("身近な地域でのつながりに関して肯定的に感じている区民の割合：53% 目標値UP");
        assert_eq!(target.change_label, Some(TargetChange::Raised));
        assert_eq!(target.render_ja(), "53%");

        let target = parse("平成31年度末のSNSフォロワー等数：前年度末比20%増");
        assert_eq!(target.period, Period::ByDeadline(fy(2019)));

        let target = parse("使用料収入が対前年比増");
        assert_eq!(target.subject.as_deref(), Some("使用料収入"));

        let target = parse("①地域を担当する職員のeラーニング受験率及び理解度：受験率100% かつ 理解度全員95点以上");
        assert_eq!(target.conditions.len(), 2);
        assert_eq!(target.conditions[0].label(), Some("受験率"));
        assert_eq!(target.conditions[1].label(), Some("理解度全員"));
    }

    #[test]
    fn unreadable_text_is_an_error_with_a_reason() {
        assert_eq!(parse_target("  ", reiwa()), Err(TargetError::Empty));
        for text in ["増やす", "地域活動の活性化", "前年度を参考に設定", "とする", "高い水準"]
        {
            let error = parse_target(text, reiwa()).unwrap_err();
            assert!(matches!(error, TargetError::Unreadable(_)), "{text}: {error:?}");
            assert!(error.to_string().contains("no target found"), "{error}");
        }
        let error = parse_target("6年度までに70%以上", ParseContext::default()).unwrap_err();
        assert!(matches!(error, TargetError::Year { source: FiscalYearError::NeedsContextEra(_), .. }), "{error:?}");
    }

    #[test]
    fn period_descriptions() {
        let cases = [
            (Period::SingleYear, "単年度", "single year"),
            (Period::ByDeadline(fy(2028)), "令和10年度（2028年度）末までに達成", "by the end of FY2028"),
            (
                Period::EveryYear { until: Some(fy(2028)) },
                "令和10年度（2028年度）末まで毎年度",
                "every year until FY2028",
            ),
            (Period::EveryYear { until: None }, "毎年度", "every year"),
            (
                Period::Cumulative { from: fy(2021), to: fy(2023) },
                "令和3年度（2021年度）から令和5年度（2023年度）までの累計",
                "cumulative FY2021–FY2023",
            ),
        ];
        for (period, ja, en) in cases {
            assert_eq!(period.describe(Lang::Ja), ja);
            assert_eq!(period.describe(Lang::En), en);
        }
    }

    #[test]
    fn english_rendering() {
        assert_eq!(parse("令和10年度末までに55％以上とする").render_en(), "at least 55% by the end of FY2028");
        assert_eq!(parse("令和10年度末まで毎年度20％以下とする").render_en(), "at most 20% every year until FY2028");
        assert_eq!(parse("前年度比5%増").render_en(), "at least 5% more than the previous year's value");
        assert_eq!(parse("5件").render_en(), "at least 5件 (comparator not written; inferred)");
    }
}
