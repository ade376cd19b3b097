//! Hoshin's domain core: the model of a ward operating policy (運営方針) and the pure functions that read
//! and judge its parts — Japanese eras and fiscal years, money, quantities, targets and achievement.
//!
//! Nothing here does I/O: no files, no clock, no database, no network, no async. Callers pass in what a
//! function needs (the fiscal year being judged, the context era) and get values back. That keeps the
//! rules of the domain in one place that is fast and exhaustive to test.

#![forbid(unsafe_code)]

pub mod access;
pub mod actuals;
pub mod audit;
pub mod canonical;
pub mod change;
pub mod council;
pub mod edit;
pub mod era;
pub mod fuzzing;
pub mod judgment;
pub mod lineage;
pub mod model;
pub mod money;
pub mod number;
pub mod projection;
pub mod quantity;
pub mod rollover;
pub mod survey;
pub mod target;
pub mod text;

pub use access::{allowed, Action, Role};
pub use era::{parse_fiscal_year, split_fiscal_year_prefix, Era, FiscalYear, FiscalYearError};
pub use judgment::{check_mark, judge, Judgment, Mark, MarkCheck, NotEvaluable, Observation, Outcome, Rule, Step};
pub use lineage::{common_indicator, match_lineage, CommonIndicator, LineageKey, LineageMatch, COMMON_INDICATORS};
pub use model::*;
pub use money::{parse_money, Money, MoneyError};
pub use number::Number;
pub use quantity::{parse_measure, Measure, Quantity, Reading, Unit};
pub use target::{
    parse_target, Change, Comparator, Condition, ParseContext, Period, Target, TargetChange, TargetError,
};
pub use text::Lang;
