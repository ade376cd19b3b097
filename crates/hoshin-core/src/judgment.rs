//! Judging achievement: a pure function of (target, the indicator's series of actuals, the year judged, a
//! named rule) that returns the computed mark and an explanation of how it was reached.
//!
//! The ward's published mark is authoritative and stored apart; the computed mark is what Hoshin expects,
//! and [`check_mark`] raises a flag where the two differ. Rules (DOMAIN.md §4):
//!
//! - `threshold`: the actual must meet the final target in every year.
//! - `meet-or-improve` (default): in an intermediate year of a deadline target, achieved if the actual
//!   already meets the final target or moved toward it since last year; the first measurement (no previous
//!   value) is achieved. This reproduces every mark of Sumiyoshi FY2024.
//! - `glide-path`: in an intermediate year, the actual must meet a straight line from the baseline (the
//!   earliest earlier value) to the final target.
//! - `progress-rate`: the city reform plan's rule; actual ÷ target must reach the elapsed share of the period.
//!
//! Single-year and every-year (毎年度) targets are judged against the target alone under every rule;
//! cumulative targets compare the running total, pro rata in intermediate years except under `threshold`.

use std::fmt;

use crate::era::FiscalYear;
use crate::number::Number;
use crate::quantity::{Measure, Quantity, Unit};
use crate::target::{Change, Comparator, Condition, Period, Target};
use crate::Lang;

/// A published or computed achievement mark: A/○ (達成) or B/— (未達成).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Achieved,
    NotAchieved,
}

impl Mark {
    /// Reads a mark cell: 「A」, 「○」 → achieved; 「B」, 「—」 → not achieved. The caller has already decided
    /// that the cell is a mark (a 「－」 in a previous-year column means *no value*, not a mark).
    pub fn parse(text: &str) -> Option<Mark> {
        let text = text.trim();
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if crate::text::is_dash(c) {
                return Some(Mark::NotAchieved);
            }
        }
        match text {
            "A" | "Ａ" | "○" | "〇" | "◯" | "達成" => Some(Mark::Achieved),
            "B" | "Ｂ" | "未達成" => Some(Mark::NotAchieved),
            _ => None,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Mark::Achieved => "A",
            Mark::NotAchieved => "B",
        }
    }

    /// The process-indicator form: ○ / —.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Achieved => "○",
            Mark::NotAchieved => "—",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Mark::Achieved, Lang::Ja) => "達成",
            (Mark::NotAchieved, Lang::Ja) => "未達成",
            (Mark::Achieved, Lang::En) => "achieved",
            (Mark::NotAchieved, Lang::En) => "not achieved",
        }
    }
}

/// A named rule for judging intermediate years of multi-year targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Rule {
    Threshold,
    #[default]
    MeetOrImprove,
    GlidePath,
    ProgressRate,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Threshold, Rule::MeetOrImprove, Rule::GlidePath, Rule::ProgressRate];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Threshold => "threshold",
            Rule::MeetOrImprove => "meet-or-improve",
            Rule::GlidePath => "glide-path",
            Rule::ProgressRate => "progress-rate",
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.name() == name)
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Rule::Threshold, Lang::Ja) => "目標値との比較",
            (Rule::MeetOrImprove, Lang::Ja) => "目標到達または前年度からの改善",
            (Rule::GlidePath, Lang::Ja) => "基準値から目標値への直線的な進捗",
            (Rule::ProgressRate, Lang::Ja) => "進捗率と経過期間の比較",
            (Rule::Threshold, Lang::En) => "threshold against the target",
            (Rule::MeetOrImprove, Lang::En) => "meets the target or improved on last year",
            (Rule::GlidePath, Lang::En) => "linear glide path from the baseline to the target",
            (Rule::ProgressRate, Lang::En) => "progress rate against the elapsed share of the period",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One year's measured value of an indicator, with that year's own target where the document gives one
/// (「82.9% (R3指標: 80%)」).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub fiscal_year: FiscalYear,
    pub actual: Measure,
    pub year_target: Option<Target>,
}

/// Why no mark can be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotEvaluable {
    /// No actual for the year judged.
    NoActual,
    /// The actual is 「－」, 「常時」 or another reading without a number.
    ActualNotNumeric,
    UnitMismatch {
        target: Unit,
        actual: Unit,
    },
    /// A relative target (「前年度比5%増」) needs last year's value.
    NoPreviousActual,
    /// A compound target (「かつ」) needs one value per part; an indicator records one.
    CompoundNeedsOneValuePerPart {
        parts: usize,
    },
    /// The year judged is before a cumulative target's range.
    BeforePeriod {
        from: FiscalYear,
    },
    /// A year inside a cumulative range has no value, so the running total is unknown.
    MissingYearInTotal {
        year: FiscalYear,
    },
    /// The arithmetic left the range of exact numbers.
    Overflow,
}

impl NotEvaluable {
    pub fn reason(&self, lang: Lang) -> String {
        match (self, lang) {
            (NotEvaluable::NoActual, Lang::Ja) => "この年度の実績がありません".into(),
            (NotEvaluable::NoActual, Lang::En) => "there is no actual for this year".into(),
            (NotEvaluable::ActualNotNumeric, Lang::Ja) => "実績が数値ではありません".into(),
            (NotEvaluable::ActualNotNumeric, Lang::En) => "the actual is not a number".into(),
            (NotEvaluable::UnitMismatch { target, actual }, Lang::Ja) => {
                format!("目標の単位「{}」と実績の単位「{}」が異なります", target.symbol(), actual.symbol())
            }
            (NotEvaluable::UnitMismatch { target, actual }, Lang::En) => {
                format!("the target is in 「{}」 but the actual in 「{}」", target.symbol(), actual.symbol())
            }
            (NotEvaluable::NoPreviousActual, Lang::Ja) => "前年度との比較に必要な前年度実績がありません".into(),
            (NotEvaluable::NoPreviousActual, Lang::En) => {
                "the target is relative to last year, which has no actual".into()
            }
            (NotEvaluable::CompoundNeedsOneValuePerPart { parts }, Lang::Ja) => {
                format!("複合目標（{parts}項目）には項目ごとの実績が必要です")
            }
            (NotEvaluable::CompoundNeedsOneValuePerPart { parts }, Lang::En) => {
                format!("a compound target of {parts} parts needs one actual per part")
            }
            (NotEvaluable::BeforePeriod { from }, Lang::Ja) => {
                format!("累計期間（{}から）より前の年度です", from.era_label())
            }
            (NotEvaluable::BeforePeriod { from }, Lang::En) => {
                format!("the year is before the cumulative period starting FY{}", from.start_year())
            }
            (NotEvaluable::MissingYearInTotal { year }, Lang::Ja) => {
                format!("{}の実績がないため累計を計算できません", year.era_label())
            }
            (NotEvaluable::MissingYearInTotal { year }, Lang::En) => {
                format!("FY{} has no actual, so the running total is unknown", year.start_year())
            }
            (NotEvaluable::Overflow, Lang::Ja) => "数値が大きすぎて計算できません".into(),
            (NotEvaluable::Overflow, Lang::En) => "the numbers are too large to compute with".into(),
        }
    }
}

/// The computed result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Achieved,
    NotAchieved,
    NotEvaluable(NotEvaluable),
}

/// One step of the reasoning, kept as data and rendered in either language on demand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The document gives this year its own target, which is used instead.
    YearTarget {
        rendered: String,
    },
    ComparatorInferred {
        comparator: Comparator,
    },
    UnitAssumed {
        unit: Unit,
    },
    FinalYear {
        deadline: FiscalYear,
    },
    AfterPeriod {
        until: FiscalYear,
    },
    Intermediate {
        deadline: FiscalYear,
    },
    MeetsFinalTarget,
    FirstMeasurement,
    ComparedWith {
        year: FiscalYear,
        previous: Quantity,
        improved: bool,
    },
    Baseline {
        year: FiscalYear,
        value: Quantity,
    },
    BaselineIsThisYear,
    GlideExpected {
        expected: Number,
        unit: Unit,
        elapsed: i32,
        total: i32,
    },
    Progress {
        rate: Number,
        elapsed_share: Number,
        elapsed: i32,
        total: i32,
    },
    RelativeThreshold {
        year: FiscalYear,
        previous: Quantity,
        threshold: Number,
    },
    RunningTotal {
        from: FiscalYear,
        through: FiscalYear,
        total: Number,
    },
    ProRata {
        share: Number,
        threshold: Number,
    },
    Compare {
        actual: Number,
        comparator: Comparator,
        threshold: Number,
        unit: Unit,
        holds: bool,
    },
}

fn quantity_text(value: Number, unit: &Unit) -> String {
    Quantity::new(value, unit.clone()).to_string()
}

/// A ratio as a percentage with one decimal: 0.2 → 「20」.
fn percent(ratio: &Number) -> String {
    ratio.checked_mul(Number::HUNDRED).map_or_else(|| ratio.to_string(), |p| p.format_rounded(1))
}

fn rounded(value: Number, unit: &Unit) -> String {
    let text = if value.is_exact_in(2) { value.to_string() } else { value.format_rounded(2) };
    format!("{text}{}", unit.symbol())
}

impl Step {
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Step::YearTarget { rendered }, Lang::Ja) => {
                format!("この年度の指標値「{rendered}」で判定")
            }
            (Step::YearTarget { rendered }, Lang::En) => {
                format!("this year has its own target 「{rendered}」, used instead")
            }
            (Step::ComparatorInferred { comparator }, Lang::Ja) => {
                format!("目標に以上・以下の記載がないため「{}」と解釈", comparator.word_ja())
            }
            (Step::ComparatorInferred { comparator }, Lang::En) => {
                format!("the target writes no 以上/以下; read as {}", comparator.symbol())
            }
            (Step::UnitAssumed { unit }, Lang::Ja) => {
                format!("単位の記載がない値を「{}」として比較", unit.symbol())
            }
            (Step::UnitAssumed { unit }, Lang::En) => {
                format!("a value without a unit is compared as 「{}」", unit.symbol())
            }
            (Step::FinalYear { deadline }, Lang::Ja) => {
                format!("{}は期限の年度: 最終目標で判定", deadline.era_label())
            }
            (Step::FinalYear { deadline }, Lang::En) => {
                format!("FY{} is the deadline: judged against the final target", deadline.start_year())
            }
            (Step::AfterPeriod { until }, Lang::Ja) => {
                format!("目標期間（{}まで）後の年度: 目標値で判定", until.era_label())
            }
            (Step::AfterPeriod { until }, Lang::En) => {
                format!("after the target period (until FY{}): judged against the target", until.start_year())
            }
            (Step::Intermediate { deadline }, Lang::Ja) => {
                format!("期限（{}末）前の中間年度", deadline.era_label())
            }
            (Step::Intermediate { deadline }, Lang::En) => {
                format!("an intermediate year before the deadline (end of FY{})", deadline.start_year())
            }
            (Step::MeetsFinalTarget, Lang::Ja) => "実績が既に最終目標を満たしている".into(),
            (Step::MeetsFinalTarget, Lang::En) => "the actual already meets the final target".into(),
            (Step::FirstMeasurement, Lang::Ja) => "前年度実績がない: 初回の測定を基準値とし達成とみなす".into(),
            (Step::FirstMeasurement, Lang::En) => {
                "no previous value: the first measurement sets the baseline and counts as achieved".into()
            }
            (Step::ComparedWith { year, previous, improved }, Lang::Ja) => format!(
                "{}の実績 {previous} と比較: {}",
                year.era_label(),
                if *improved { "目標に向けて改善" } else { "改善なし（横ばいまたは悪化）" }
            ),
            (Step::ComparedWith { year, previous, improved }, Lang::En) => format!(
                "compared with FY{} ({previous}): {}",
                year.start_year(),
                if *improved { "moved toward the target" } else { "no improvement (unchanged or worse)" }
            ),
            (Step::Baseline { year, value }, Lang::Ja) => {
                format!("基準値: {}の実績 {value}", year.era_label())
            }
            (Step::Baseline { year, value }, Lang::En) => {
                format!("baseline: FY{} ({value})", year.start_year())
            }
            (Step::BaselineIsThisYear, Lang::Ja) => "それ以前の実績がない: この年度が基準値となり達成とみなす".into(),
            (Step::BaselineIsThisYear, Lang::En) => {
                "no earlier value: this year is the baseline and counts as achieved".into()
            }
            (Step::GlideExpected { expected, unit, elapsed, total }, Lang::Ja) => {
                format!(
                    "基準値から目標値まで{total}年で直線的に進むとき、{elapsed}年目の期待値は {}",
                    rounded(*expected, unit)
                )
            }
            (Step::GlideExpected { expected, unit, elapsed, total }, Lang::En) => {
                format!(
                    "on a straight line from the baseline to the target over {total} years, year {elapsed} expects {}",
                    rounded(*expected, unit)
                )
            }
            (Step::Progress { rate, elapsed_share, elapsed, total }, Lang::Ja) => {
                format!("進捗率 {}% と経過割合 {elapsed}/{total} = {}% を比較", percent(rate), percent(elapsed_share))
            }
            (Step::Progress { rate, elapsed_share, elapsed, total }, Lang::En) => format!(
                "progress {}% against elapsed share {elapsed}/{total} = {}%",
                percent(rate),
                percent(elapsed_share)
            ),
            (Step::RelativeThreshold { year, previous, threshold }, Lang::Ja) => {
                format!(
                    "{}の実績 {previous} から求めた基準は {}",
                    year.era_label(),
                    rounded(*threshold, &previous.unit)
                )
            }
            (Step::RelativeThreshold { year, previous, threshold }, Lang::En) => {
                format!(
                    "from FY{} ({previous}) the threshold is {}",
                    year.start_year(),
                    rounded(*threshold, &previous.unit)
                )
            }
            (Step::RunningTotal { from, through, total }, Lang::Ja) => {
                format!("{}から{}までの累計 {}", from.era_label(), through.era_label(), total)
            }
            (Step::RunningTotal { from, through, total }, Lang::En) => {
                format!("running total FY{}–FY{}: {}", from.start_year(), through.start_year(), total)
            }
            (Step::ProRata { share, threshold }, Lang::Ja) => {
                format!("中間年度は経過割合 {}% に応じた {} を基準とする", percent(share), threshold.format_rounded(2))
            }
            (Step::ProRata { share, threshold }, Lang::En) => format!(
                "an intermediate year is held to the elapsed share {}%: {}",
                percent(share),
                threshold.format_rounded(2)
            ),
            (Step::Compare { actual, comparator, threshold, unit, holds }, lang) => {
                let verdict = match (lang, holds) {
                    (Lang::Ja, true) => "満たす",
                    (Lang::Ja, false) => "満たさない",
                    (Lang::En, true) => "holds",
                    (Lang::En, false) => "does not hold",
                };
                format!(
                    "{} {} {}: {verdict}",
                    quantity_text(*actual, unit),
                    comparator.symbol(),
                    rounded(*threshold, unit)
                )
            }
        }
    }
}

/// The computed judgment of one indicator for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgment<'a> {
    pub fiscal_year: FiscalYear,
    pub rule: Rule,
    pub outcome: Outcome,
    pub steps: Vec<Step>,
    /// The target as judged: the indicator's, or that year's own target where the document gives one.
    pub target: &'a Target,
    /// The values used, by year, as printed.
    pub inputs: Vec<(FiscalYear, &'a str)>,
}

impl Judgment<'_> {
    /// The computed mark, or `None` when the target cannot be evaluated.
    pub fn mark(&self) -> Option<Mark> {
        match self.outcome {
            Outcome::Achieved => Some(Mark::Achieved),
            Outcome::NotAchieved => Some(Mark::NotAchieved),
            Outcome::NotEvaluable(_) => None,
        }
    }

    /// The explanation as lines: target, rule, inputs, the arithmetic, and the result.
    pub fn explanation(&self, lang: Lang) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.steps.len() + 4);
        let inputs: Vec<String> = self
            .inputs
            .iter()
            .map(|(year, value)| match lang {
                Lang::Ja => format!("{} {value}", year.era_label()),
                Lang::En => format!("FY{} {value}", year.start_year()),
            })
            .collect();
        match lang {
            Lang::Ja => {
                lines.push(format!("目標: {}", self.target.render_ja()));
                lines.push(format!("判定ルール: {}（{}）", self.rule.title(Lang::Ja), self.rule.name()));
                lines.push(format!("実績: {}", if inputs.is_empty() { "なし".to_string() } else { inputs.join("、") }));
            }
            Lang::En => {
                lines.push(format!("target: {}", self.target.render_en()));
                lines.push(format!("rule: {} ({})", self.rule.name(), self.rule.title(Lang::En)));
                lines.push(format!(
                    "actuals: {}",
                    if inputs.is_empty() { "none".to_string() } else { inputs.join(", ") }
                ));
            }
        }
        lines.extend(self.steps.iter().map(|step| step.render(lang)));
        lines.push(match (&self.outcome, lang) {
            (Outcome::Achieved, Lang::Ja) => "結果: A（達成）".to_string(),
            (Outcome::NotAchieved, Lang::Ja) => "結果: B（未達成）".to_string(),
            (Outcome::NotEvaluable(reason), Lang::Ja) => {
                format!("結果: 判定不能（{}）", reason.reason(Lang::Ja))
            }
            (Outcome::Achieved, Lang::En) => "result: A (achieved)".to_string(),
            (Outcome::NotAchieved, Lang::En) => "result: B (not achieved)".to_string(),
            (Outcome::NotEvaluable(reason), Lang::En) => {
                format!("result: not evaluable ({})", reason.reason(Lang::En))
            }
        });
        lines
    }
}

/// How a published mark compares with the computed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkCheck {
    Agrees(Mark),
    /// The flag: the ward's mark differs from the computed one.
    Differs {
        published: Mark,
        computed: Mark,
    },
    /// One of the two is missing.
    NotComparable {
        published: Option<Mark>,
        computed: Option<Mark>,
    },
}

pub fn check_mark(published: Option<Mark>, judgment: &Judgment<'_>) -> MarkCheck {
    match (published, judgment.mark()) {
        (Some(published), Some(computed)) if published == computed => MarkCheck::Agrees(published),
        (Some(published), Some(computed)) => MarkCheck::Differs { published, computed },
        (published, computed) => MarkCheck::NotComparable { published, computed },
    }
}

/// Judges `target` for `year` from `series` (any order) under `rule`.
pub fn judge<'a>(target: &'a Target, series: &'a [Observation], year: FiscalYear, rule: Rule) -> Judgment<'a> {
    let mut context = Context { series, year, steps: Vec::new(), inputs: Vec::new() };
    let this_year = series.iter().find(|observation| observation.fiscal_year == year);
    let (judged_target, outcome) = match this_year.and_then(|observation| observation.year_target.as_ref()) {
        Some(year_target) => {
            context.steps.push(Step::YearTarget { rendered: year_target.render_ja() });
            // A year's own target is a single-year threshold whatever the overall period.
            let single = Target { period: Period::SingleYear, ..year_target.clone() };
            let outcome = context.evaluate(&single, Rule::Threshold);
            (year_target, outcome)
        }
        None => (target, context.evaluate(target, rule)),
    };
    let outcome = outcome.unwrap_or_else(Outcome::NotEvaluable);
    Judgment { fiscal_year: year, rule, outcome, steps: context.steps, target: judged_target, inputs: context.inputs }
}

struct Context<'a> {
    series: &'a [Observation],
    year: FiscalYear,
    steps: Vec<Step>,
    inputs: Vec<(FiscalYear, &'a str)>,
}

type Evaluation = Result<Outcome, NotEvaluable>;

fn outcome_of(holds: bool) -> Outcome {
    if holds {
        Outcome::Achieved
    } else {
        Outcome::NotAchieved
    }
}

impl<'a> Context<'a> {
    fn observation(&self, year: FiscalYear) -> Option<&'a Observation> {
        let series: &'a [Observation] = self.series;
        series.iter().find(|observation| observation.fiscal_year == year)
    }

    /// The numeric value of `year`, recorded as an input.
    fn value(&mut self, year: FiscalYear) -> Result<Quantity, NotEvaluable> {
        let observation = self.observation(year).ok_or(NotEvaluable::NoActual)?;
        if !self.inputs.iter().any(|(input_year, _)| *input_year == year) {
            self.inputs.push((year, observation.actual.original.as_str()));
        }
        observation.actual.quantity().ok_or(NotEvaluable::ActualNotNumeric)
    }

    /// The latest numeric value before the year judged, if any.
    fn previous_value(&mut self) -> Option<(FiscalYear, Quantity)> {
        let previous = self
            .series
            .iter()
            .filter(|observation| observation.fiscal_year < self.year && observation.actual.quantity().is_some())
            .max_by_key(|observation| observation.fiscal_year)?;
        let year = previous.fiscal_year;
        self.value(year).ok().map(|value| (year, value))
    }

    /// The earliest numeric value before the year judged, if any.
    fn baseline_value(&mut self) -> Option<(FiscalYear, Quantity)> {
        let earliest = self
            .series
            .iter()
            .filter(|observation| observation.fiscal_year < self.year && observation.actual.quantity().is_some())
            .min_by_key(|observation| observation.fiscal_year)?;
        let year = earliest.fiscal_year;
        self.value(year).ok().map(|value| (year, value))
    }

    fn check_unit(&mut self, target_unit: &Unit, actual: &Quantity) -> Result<(), NotEvaluable> {
        if !target_unit.compatible_with(&actual.unit) {
            return Err(NotEvaluable::UnitMismatch { target: target_unit.clone(), actual: actual.unit.clone() });
        }
        if target_unit != &actual.unit {
            let unit = if *target_unit == Unit::None { actual.unit.clone() } else { target_unit.clone() };
            self.steps.push(Step::UnitAssumed { unit });
        }
        Ok(())
    }

    fn compare(&mut self, actual: Number, comparator: Comparator, threshold: Number, unit: &Unit) -> bool {
        let holds = comparator.holds(actual, threshold);
        self.steps.push(Step::Compare { actual, comparator, threshold, unit: unit.clone(), holds });
        holds
    }

    fn evaluate(&mut self, target: &Target, rule: Rule) -> Evaluation {
        let [condition] = &target.conditions[..] else {
            // Still record the actual so the explanation shows what was given.
            let _ = self.value(self.year);
            return Err(NotEvaluable::CompoundNeedsOneValuePerPart { parts: target.conditions.len() });
        };
        match condition {
            Condition::Relative { change, .. } => self.evaluate_relative(*change),
            Condition::Absolute { comparator, comparator_written, value, .. } => {
                if !comparator_written {
                    self.steps.push(Step::ComparatorInferred { comparator: *comparator });
                }
                self.evaluate_absolute(target.period, *comparator, value, rule)
            }
        }
    }

    fn evaluate_relative(&mut self, change: Change) -> Evaluation {
        let actual = self.value(self.year)?;
        let previous_year = self.year.previous().ok_or(NotEvaluable::NoPreviousActual)?;
        let previous = match self.observation(previous_year) {
            Some(observation) => observation.actual.quantity(),
            None => None,
        };
        let Some(previous) = previous else {
            return Err(NotEvaluable::NoPreviousActual);
        };
        self.value(previous_year)?;
        self.check_unit(&previous.unit, &actual)?;
        let overflow = || NotEvaluable::Overflow;
        let hundred = Number::HUNDRED;
        let (comparator, threshold) = match change {
            Change::NoWorse => (Comparator::AtLeast, previous.value),
            Change::NoHigher => (Comparator::AtMost, previous.value),
            Change::Increase => (Comparator::MoreThan, previous.value),
            Change::Decrease => (Comparator::LessThan, previous.value),
            Change::IncreaseByPercent(p) => {
                let factor = hundred.checked_add(p).and_then(|f| f.checked_div(hundred)).ok_or_else(overflow)?;
                (Comparator::AtLeast, previous.value.checked_mul(factor).ok_or_else(overflow)?)
            }
            Change::DecreaseByPercent(p) => {
                let factor = hundred.checked_sub(p).and_then(|f| f.checked_div(hundred)).ok_or_else(overflow)?;
                (Comparator::AtMost, previous.value.checked_mul(factor).ok_or_else(overflow)?)
            }
            Change::IncreaseByPoints(p) => (Comparator::AtLeast, previous.value.checked_add(p).ok_or_else(overflow)?),
            Change::DecreaseByPoints(p) => (Comparator::AtMost, previous.value.checked_sub(p).ok_or_else(overflow)?),
        };
        self.steps.push(Step::RelativeThreshold { year: previous_year, previous: previous.clone(), threshold });
        Ok(outcome_of(self.compare(actual.value, comparator, threshold, &actual.unit)))
    }

    fn evaluate_absolute(
        &mut self,
        period: Period,
        comparator: Comparator,
        target: &Quantity,
        rule: Rule,
    ) -> Evaluation {
        if let Period::Cumulative { from, to } = period {
            return self.evaluate_cumulative(from, to, comparator, target, rule);
        }
        let actual = self.value(self.year)?;
        self.check_unit(&target.unit, &actual)?;
        let unit = if actual.unit == Unit::None { target.unit.clone() } else { actual.unit.clone() };
        let deadline = match period {
            Period::ByDeadline(deadline) => deadline,
            Period::EveryYear { until: Some(until) } if self.year > until => {
                self.steps.push(Step::AfterPeriod { until });
                return Ok(outcome_of(self.compare(actual.value, comparator, target.value, &unit)));
            }
            _ => return Ok(outcome_of(self.compare(actual.value, comparator, target.value, &unit))),
        };
        if self.year >= deadline {
            self.steps.push(Step::FinalYear { deadline });
            return Ok(outcome_of(self.compare(actual.value, comparator, target.value, &unit)));
        }
        self.steps.push(Step::Intermediate { deadline });
        match rule {
            Rule::Threshold => Ok(outcome_of(self.compare(actual.value, comparator, target.value, &unit))),
            Rule::MeetOrImprove => {
                if self.compare(actual.value, comparator, target.value, &unit) {
                    self.steps.push(Step::MeetsFinalTarget);
                    return Ok(Outcome::Achieved);
                }
                let Some((previous_year, previous)) = self.previous_value() else {
                    self.steps.push(Step::FirstMeasurement);
                    return Ok(Outcome::Achieved);
                };
                self.check_unit(&target.unit, &previous)?;
                let improved = if comparator.higher_is_better() {
                    actual.value > previous.value
                } else {
                    actual.value < previous.value
                };
                self.steps.push(Step::ComparedWith { year: previous_year, previous, improved });
                Ok(outcome_of(improved))
            }
            Rule::GlidePath => {
                let Some((baseline_year, baseline)) = self.baseline_value() else {
                    self.steps.push(Step::BaselineIsThisYear);
                    return Ok(Outcome::Achieved);
                };
                self.check_unit(&target.unit, &baseline)?;
                self.steps.push(Step::Baseline { year: baseline_year, value: baseline.clone() });
                let total = baseline_year.years_until(deadline);
                let elapsed = baseline_year.years_until(self.year);
                let fraction = Number::ratio(i128::from(elapsed), i128::from(total)).ok_or(NotEvaluable::Overflow)?;
                let expected = target
                    .value
                    .checked_sub(baseline.value)
                    .and_then(|gap| gap.checked_mul(fraction))
                    .and_then(|step| step.checked_add(baseline.value))
                    .ok_or(NotEvaluable::Overflow)?;
                self.steps.push(Step::GlideExpected { expected, unit: unit.clone(), elapsed, total });
                Ok(outcome_of(self.compare(actual.value, comparator, expected, &unit)))
            }
            Rule::ProgressRate => {
                let start = match self.baseline_value() {
                    Some((baseline_year, baseline)) => {
                        self.steps.push(Step::Baseline { year: baseline_year, value: baseline });
                        baseline_year.next().unwrap_or(self.year)
                    }
                    None => self.year,
                };
                let total = start.years_until(deadline) + 1;
                let elapsed = start.years_until(self.year) + 1;
                let elapsed_share =
                    Number::ratio(i128::from(elapsed), i128::from(total)).ok_or(NotEvaluable::Overflow)?;
                let rate = if comparator.higher_is_better() {
                    actual.value.checked_div(target.value)
                } else if actual.value.is_zero() {
                    Some(Number::ONE)
                } else {
                    target.value.checked_div(actual.value)
                };
                let rate = rate.ok_or(NotEvaluable::Overflow)?;
                let holds = rate >= elapsed_share;
                self.steps.push(Step::Progress { rate, elapsed_share, elapsed, total });
                Ok(outcome_of(holds))
            }
        }
    }

    fn evaluate_cumulative(
        &mut self,
        from: FiscalYear,
        to: FiscalYear,
        comparator: Comparator,
        target: &Quantity,
        rule: Rule,
    ) -> Evaluation {
        if self.year < from {
            let _ = self.value(self.year);
            return Err(NotEvaluable::BeforePeriod { from });
        }
        let through = self.year.min(to);
        let mut total = Number::ZERO;
        let mut unit = target.unit.clone();
        let mut year = from;
        loop {
            let value = match self.value(year) {
                Ok(value) => value,
                Err(NotEvaluable::NoActual) => return Err(NotEvaluable::MissingYearInTotal { year }),
                Err(other) => return Err(other),
            };
            self.check_unit(&target.unit, &value)?;
            if value.unit != Unit::None {
                unit = value.unit.clone();
            }
            total = total.checked_add(value.value).ok_or(NotEvaluable::Overflow)?;
            if year >= through {
                break;
            }
            year = year.next().ok_or(NotEvaluable::Overflow)?;
        }
        self.steps.push(Step::RunningTotal { from, through, total });
        if self.year >= to {
            self.steps.push(Step::FinalYear { deadline: to });
            return Ok(outcome_of(self.compare(total, comparator, target.value, &unit)));
        }
        self.steps.push(Step::Intermediate { deadline: to });
        if rule == Rule::Threshold {
            return Ok(outcome_of(self.compare(total, comparator, target.value, &unit)));
        }
        let share = Number::ratio(i128::from(from.years_until(self.year) + 1), i128::from(from.years_until(to) + 1))
            .ok_or(NotEvaluable::Overflow)?;
        let threshold = target.value.checked_mul(share).ok_or(NotEvaluable::Overflow)?;
        self.steps.push(Step::ProRata { share, threshold });
        Ok(outcome_of(self.compare(total, comparator, threshold, &unit)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::era::Era;
    use crate::quantity::parse_measure;
    use crate::target::{parse_target, ParseContext};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).unwrap()
    }

    fn target(text: &str) -> Target {
        parse_target(text, ParseContext { era: Some(Era::Reiwa) }).unwrap()
    }

    fn series(values: &[(i32, &str)]) -> Vec<Observation> {
        values
            .iter()
            .map(|(year, text)| Observation {
                fiscal_year: fy(*year),
                actual: parse_measure(text).unwrap(),
                year_target: None,
            })
            .collect()
    }

    /// `check(target, series, year, rule, expected mark)`: one line per case.
    fn check(target_text: &str, values: &[(i32, &str)], year: i32, rule: Rule, expected: Option<Mark>) {
        let judged_target = target(target_text);
        let judged_series = series(values);
        let judgment = judge(&judged_target, &judged_series, fy(year), rule);
        assert_eq!(
            judgment.mark(),
            expected,
            "{target_text} {values:?} FY{year} {rule}\n{}",
            judgment.explanation(Lang::En).join("\n")
        );
    }

    const A: Option<Mark> = Some(Mark::Achieved);
    const B: Option<Mark> = Some(Mark::NotAchieved);

    #[test]
    fn single_year_and_every_year_targets_use_the_threshold() {
        for rule in Rule::ALL {
            check("48%以上", &[(2024, "48%")], 2024, rule, A);
            check("48%以上", &[(2024, "47.9%")], 2024, rule, B);
            check("20％以下", &[(2024, "20%")], 2024, rule, A);
            check("20％以下", &[(2024, "20.1%")], 2024, rule, B);
            check("0件", &[(2024, "0件")], 2024, rule, A);
            check("0件", &[(2024, "1件")], 2024, rule, B);
            check("15%未満", &[(2024, "15%")], 2024, rule, B);
            // Improvement alone does not help an every-year target.
            check("令和10年度末まで毎年度20％以下とする", &[(2023, "23.7%"), (2024, "21.8%")], 2024, rule, B);
            check("令和10年度末まで毎年度１件以上", &[(2024, "3件")], 2024, rule, A);
            check("☆☆以上", &[(2024, "☆☆")], 2024, rule, A);
            check("☆☆以上", &[(2024, "☆")], 2024, rule, B);
            check("3.0（平均的なレベル）以上", &[(2024, "3.7点")], 2024, rule, A);
        }
    }

    #[test]
    fn deadline_targets_in_intermediate_years() {
        let t = "令和10年度末までに55％以上とする";
        check(t, &[(2023, "27.8%"), (2024, "43.9%")], 2024, Rule::MeetOrImprove, A);
        check(t, &[(2023, "43.9%"), (2024, "43.9%")], 2024, Rule::MeetOrImprove, B);
        check(t, &[(2023, "45%"), (2024, "43.9%")], 2024, Rule::MeetOrImprove, B);
        check(t, &[(2024, "43.9%")], 2024, Rule::MeetOrImprove, A);
        check(t, &[(2023, "60%"), (2024, "56%")], 2024, Rule::MeetOrImprove, A);
        check(t, &[(2023, "27.8%"), (2024, "43.9%")], 2024, Rule::Threshold, B);
        // Glide path from 27.8 (FY2023) to 55 (FY2028): FY2024 expects 33.24.
        check(t, &[(2023, "27.8%"), (2024, "33.24%")], 2024, Rule::GlidePath, A);
        check(t, &[(2023, "27.8%"), (2024, "33.23%")], 2024, Rule::GlidePath, B);
        check(t, &[(2024, "30%")], 2024, Rule::GlidePath, A);
        // Progress rate: 11/55 = 20 % against 1/5 elapsed.
        check(t, &[(2023, "5%"), (2024, "11%")], 2024, Rule::ProgressRate, A);
        check(t, &[(2023, "5%"), (2024, "10.9%")], 2024, Rule::ProgressRate, B);
        // Lower is better.
        check("令和10年度末までに10%以下", &[(2023, "30%"), (2024, "25%")], 2024, Rule::MeetOrImprove, A);
        check("令和10年度末までに10%以下", &[(2023, "30%"), (2024, "31%")], 2024, Rule::MeetOrImprove, B);
        // The deadline year and after: the final target alone.
        for rule in Rule::ALL {
            check(t, &[(2027, "40%"), (2028, "54.9%")], 2028, rule, B);
            check(t, &[(2027, "40%"), (2028, "55%")], 2028, rule, A);
            check(t, &[(2028, "55%"), (2029, "50%")], 2029, rule, B);
        }
    }

    #[test]
    fn relative_targets() {
        check("前年度比5%増", &[(2023, "40%"), (2024, "42%")], 2024, Rule::MeetOrImprove, A);
        check("前年度比5%増", &[(2023, "40%"), (2024, "41.9%")], 2024, Rule::MeetOrImprove, B);
        check("前年度比5ポイント増", &[(2023, "40%"), (2024, "45%")], 2024, Rule::MeetOrImprove, A);
        check("前年度比5ポイント増", &[(2023, "40%"), (2024, "44%")], 2024, Rule::MeetOrImprove, B);
        check("対前年比増", &[(2023, "100円"), (2024, "100円")], 2024, Rule::MeetOrImprove, B);
        check("対前年比増", &[(2023, "100円"), (2024, "101円")], 2024, Rule::MeetOrImprove, A);
        check("前年度実績以上の収納率を確保", &[(2023, "90%"), (2024, "90%")], 2024, Rule::MeetOrImprove, A);
        check("前年度比10%減", &[(2023, "100件"), (2024, "90件")], 2024, Rule::MeetOrImprove, A);
        check("前年度比10%減", &[(2023, "100件"), (2024, "91件")], 2024, Rule::MeetOrImprove, B);
        let judged_target = target("前年度比5%増");
        let judged_series = series(&[(2024, "42%")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::NoPreviousActual));
    }

    #[test]
    fn cumulative_targets() {
        let t = "10,000世帯以上(R3~R5作成合計目標)";
        let values = [(2021, "3,000世帯"), (2022, "3,500世帯"), (2023, "3,400世帯")];
        check(t, &values, 2023, Rule::MeetOrImprove, B);
        check(t, &[(2021, "3,000世帯"), (2022, "3,500世帯"), (2023, "3,500世帯")], 2023, Rule::MeetOrImprove, A);
        // Intermediate: pro rata 2/3 of 10,000 = 6,666.67.
        check(t, &values[..2], 2022, Rule::MeetOrImprove, B);
        check(t, &[(2021, "3,000世帯"), (2022, "3,667世帯")], 2022, Rule::MeetOrImprove, A);
        check(t, &[(2021, "3,000世帯"), (2022, "3,667世帯")], 2022, Rule::Threshold, B);
        let judged_target = target(t);
        let judged_series = series(&[(2021, "3,000世帯"), (2023, "3,500世帯")]);
        let judgment = judge(&judged_target, &judged_series, fy(2023), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::MissingYearInTotal { year: fy(2022) }));
        let judged_target = target(t);
        let judged_series = series(&[(2020, "3,000世帯")]);
        let judgment = judge(&judged_target, &judged_series, fy(2020), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::BeforePeriod { from: fy(2021) }));
    }

    #[test]
    fn not_evaluable_cases_say_why() {
        let judged_target = target("48%以上");
        let judged_series = Vec::<Observation>::new();
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::NoActual));
        let judged_target = target("48%以上");
        let judged_series = series(&[(2024, "－")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::ActualNotNumeric));
        let judged_target = target("48%以上");
        let judged_series = series(&[(2024, "3件")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert!(matches!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::UnitMismatch { .. })));
        let judged_target = target("受験率100% かつ 理解度全員95点以上");
        let judged_series = series(&[(2024, "100%")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(judgment.outcome, Outcome::NotEvaluable(NotEvaluable::CompoundNeedsOneValuePerPart { parts: 2 }));
        assert!(judgment.explanation(Lang::Ja).last().unwrap().contains("判定不能"));
    }

    #[test]
    fn year_target_overrides() {
        let mut values = series(&[(2021, "82.9%")]);
        values[0].year_target = Some(target("80%"));
        let judged_target = target("85%以上");
        let judged_series = values;
        let judgment = judge(&judged_target, &judged_series, fy(2021), Rule::MeetOrImprove);
        assert_eq!(judgment.mark(), A);
        assert_eq!(judgment.target.render_ja(), "80%");
    }

    #[test]
    fn explanation_lists_target_rule_inputs_and_arithmetic() {
        let judged_target = target("令和10年度末までに55％以上とする");
        let judged_series = series(&[(2023, "27.8%"), (2024, "43.9%")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(
            judgment.explanation(Lang::Ja),
            [
                "目標: 令和10年度末までに55%以上",
                "判定ルール: 目標到達または前年度からの改善（meet-or-improve）",
                "実績: 令和6年度 43.9%、令和5年度 27.8%",
                "期限（令和10年度末）前の中間年度",
                "43.9% ≥ 55%: 満たさない",
                "令和5年度の実績 27.8% と比較: 目標に向けて改善",
                "結果: A（達成）",
            ]
        );
        assert_eq!(
            judgment.explanation(Lang::En),
            [
                "target: at least 55% by the end of FY2028",
                "rule: meet-or-improve (meets the target or improved on last year)",
                "actuals: FY2024 43.9%, FY2023 27.8%",
                "an intermediate year before the deadline (end of FY2028)",
                "43.9% ≥ 55%: does not hold",
                "compared with FY2023 (27.8%): moved toward the target",
                "result: A (achieved)",
            ]
        );
    }

    #[test]
    fn explanation_of_percent_steps() {
        let (deadline, values) = (target("令和10年度末までに55％以上とする"), series(&[(2023, "5%"), (2024, "11%")]));
        let progress = judge(&deadline, &values, fy(2024), Rule::ProgressRate);
        assert!(progress.explanation(Lang::Ja).contains(&"進捗率 20% と経過割合 1/5 = 20% を比較".to_string()));
        assert!(progress.explanation(Lang::En).contains(&"progress 20% against elapsed share 1/5 = 20%".to_string()));
        let cumulative = target("10,000世帯以上(R3~R5作成合計目標)");
        let values = series(&[(2021, "3,000世帯"), (2022, "3,667世帯")]);
        let pro_rata = judge(&cumulative, &values, fy(2022), Rule::MeetOrImprove);
        assert!(pro_rata
            .explanation(Lang::Ja)
            .contains(&"中間年度は経過割合 66.7% に応じた 6666.67 を基準とする".to_string()));
    }

    #[test]
    fn mark_check_flags_differences() {
        let judged_target = target("48%以上");
        let judged_series = series(&[(2024, "50%")]);
        let judgment = judge(&judged_target, &judged_series, fy(2024), Rule::MeetOrImprove);
        assert_eq!(check_mark(Some(Mark::Achieved), &judgment), MarkCheck::Agrees(Mark::Achieved));
        assert_eq!(
            check_mark(Some(Mark::NotAchieved), &judgment),
            MarkCheck::Differs { published: Mark::NotAchieved, computed: Mark::Achieved }
        );
        assert_eq!(
            check_mark(None, &judgment),
            MarkCheck::NotComparable { published: None, computed: Some(Mark::Achieved) }
        );
    }

    #[test]
    fn marks_parse() {
        assert_eq!(Mark::parse("A"), A);
        assert_eq!(Mark::parse("○"), A);
        assert_eq!(Mark::parse("—"), B);
        assert_eq!(Mark::parse(" B "), B);
        assert_eq!(Mark::parse("C"), None);
        assert_eq!(Rule::from_name("glide-path"), Some(Rule::GlidePath));
        assert_eq!(Rule::from_name("nope"), None);
    }
}
