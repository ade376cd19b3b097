//! Projection to a target's deadline: from an indicator's values so far, a straight-line trend (least squares
//! over the years with a value) carried to the deadline, set against the target, and the expected-progress
//! line from the first value (the baseline) to the target at the deadline. An indicator is *at risk* when
//! the trend misses the target at the deadline; it is *behind* when this year's value is on the wrong side
//! of the expected-progress line. Only targets with a deadline and one threshold in the values' unit are
//! projected; docs/ANALYSIS.md has a worked example.

use crate::model::{Indicator, TargetText};
use crate::target::{Comparator, Condition, Period};
use crate::text::Lang;
use crate::FiscalYear;

#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// The years the trend was fitted on, with their values (in the target's unit).
    pub points: Vec<(FiscalYear, f64)>,
    /// Change per year of the fitted line.
    pub slope: f64,
    pub deadline: FiscalYear,
    /// The trend's value at the deadline.
    pub projected: f64,
    pub threshold: f64,
    pub comparator: Comparator,
    /// The expected-progress line's value in `year`, and the actual value of `year`.
    pub expected: f64,
    pub actual: f64,
    pub year: FiscalYear,
    pub unit: String,
    pub at_risk: bool,
    pub behind: bool,
    /// The trend ran past 0–100 % and was held at the bound: a share cannot.
    pub capped: bool,
}

fn holds(comparator: Comparator, value: f64, threshold: f64) -> bool {
    match comparator {
        Comparator::AtLeast => value >= threshold,
        Comparator::AtMost => value <= threshold,
        Comparator::MoreThan => value > threshold,
        Comparator::LessThan => value < threshold,
    }
}

/// The projection of `indicator` as of `year`, when its target has a deadline after `year`, one threshold,
/// and at least two years with a value in the target's unit up to `year`.
pub fn project(indicator: &Indicator, year: FiscalYear) -> Option<Projection> {
    let Some(TargetText::Parsed(target)) = &indicator.target else { return None };
    let Period::ByDeadline(deadline) = target.period else { return None };
    if deadline <= year || target.conditions.len() != 1 {
        return None;
    }
    let Condition::Absolute { comparator, value, .. } = &target.conditions[0] else { return None };
    let mut points: Vec<(FiscalYear, f64)> = indicator
        .observations(year)
        .iter()
        .filter(|observation| observation.fiscal_year <= year)
        .filter_map(|observation| {
            let quantity = observation.actual.quantity()?;
            value.unit.compatible_with(&quantity.unit).then(|| (observation.fiscal_year, quantity.value.to_f64()))
        })
        .collect();
    points.sort_by_key(|(fiscal_year, _)| *fiscal_year);
    points.dedup_by_key(|(fiscal_year, _)| *fiscal_year);
    let &(last_year, actual) = points.last()?;
    if points.len() < 2 || last_year != year {
        return None;
    }
    let x = |fiscal_year: FiscalYear| f64::from(fiscal_year.start_year());
    let n = points.len() as f64;
    let mean_x = points.iter().map(|(y, _)| x(*y)).sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|(y, _)| (x(*y) - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|(y, v)| (x(*y) - mean_x) * (v - mean_y)).sum();
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    let line = mean_y + slope * (x(deadline) - mean_x);
    let share = value.unit == crate::quantity::Unit::Percent;
    let projected = if share { line.clamp(0.0, 100.0) } else { line };
    let threshold = value.value.to_f64();
    let (base_year, baseline) = points[0];
    let expected = baseline + (threshold - baseline) * (x(year) - x(base_year)) / (x(deadline) - x(base_year));
    let comparator = *comparator;
    Some(Projection {
        slope,
        deadline,
        projected,
        threshold,
        comparator,
        expected,
        actual,
        year,
        unit: value.unit.symbol().to_string(),
        at_risk: !holds(comparator, projected, threshold),
        behind: !holds(comparator, actual, expected),
        capped: projected != line,
        points,
    })
}

impl Projection {
    /// The projection explained in a few lines, the method stated.
    pub fn explain(&self, lang: Lang) -> Vec<String> {
        let unit = &self.unit;
        let years = self.points.len();
        let ja = lang == Lang::Ja;
        let mut out = vec![if ja {
            format!(
                "方法: {years}年度分の実績に直線をあてはめ（最小二乗法）、{}まで延ばしました（1年あたり{:+.1}{unit}）",
                self.deadline.era_label(),
                self.slope
            )
        } else {
            format!(
                "method: a straight line fitted to {years} years of actuals (least squares), carried to {} ({:+.1}{unit} a year)",
                self.deadline.label(lang),
                self.slope
            )
        }];
        out.push(if ja {
            format!(
                "{}の見込み {:.1}{unit}{}（目標 {}{unit}）: {}",
                self.deadline.era_label(),
                self.projected,
                if self.capped { "（割合のため0〜100%の範囲に収めた値）" } else { "" },
                trim(self.threshold),
                if self.at_risk {
                    "このままでは目標に届かない見込み（要注意）"
                } else {
                    "目標に届く見込み"
                }
            )
        } else {
            format!(
                "projected for {}: {:.1}{unit}{} (target {}{unit}): {}",
                self.deadline.label(lang),
                self.projected,
                if self.capped { " (held within 0–100% for a share)" } else { "" },
                trim(self.threshold),
                if self.at_risk { "at risk of missing the target" } else { "on course" }
            )
        });
        out.push(if ja {
            format!(
                "基準値から目標までの直線では{}に{:.1}{unit}が見込まれ、実績{}{unit}は{}",
                self.year.era_label(),
                self.expected,
                trim(self.actual),
                if self.behind { "これを下回っています" } else { "これに達しています" }
            )
        } else {
            format!(
                "the line from the baseline to the target expects {:.1}{unit} in {}; the actual {}{unit} is {}",
                self.expected,
                self.year.label(lang),
                trim(self.actual),
                if self.behind { "behind it" } else { "on or ahead of it" }
            )
        });
        out
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{IndicatorKind, YearResult};
    use crate::{parse_measure, parse_target, ParseContext};

    fn indicator(target: &str, values: &[(i32, &str)]) -> Indicator {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "区民の割合");
        let context = ParseContext { era: crate::Era::of(FiscalYear::new(2024).unwrap()) };
        indicator.target = Some(TargetText::Parsed(parse_target(target, context).unwrap()));
        for (year, value) in values {
            indicator.results.push(YearResult {
                fiscal_year: FiscalYear::new(*year).unwrap(),
                actual: Some(parse_measure(value).unwrap()),
                published_mark: None,
                year_target: None,
            });
        }
        indicator
    }

    #[test]
    fn a_slow_rise_is_at_risk_and_a_fast_one_is_not() {
        let year = FiscalYear::new(2024).unwrap();
        let slow =
            project(&indicator("令和10年度末までに55%以上", &[(2022, "25%"), (2023, "27.8%"), (2024, "30%")]), year)
                .unwrap();
        assert!((slow.slope - 2.5).abs() < 1e-9);
        assert!((slow.projected - 40.1).abs() < 1e-9, "{}", slow.projected);
        assert!(slow.at_risk);
        // Baseline 25% in 2022 to 55% in 2028: 35% expected in 2024; 30% is behind.
        assert!((slow.expected - 35.0).abs() < 1e-9 && slow.behind);
        let lines = slow.explain(Lang::Ja);
        assert!(lines[0].contains("最小二乗法") && lines[1].contains("要注意"), "{lines:?}");
        let fast = project(&indicator("令和10年度末までに55%以上", &[(2023, "40%"), (2024, "47%")]), year).unwrap();
        assert!(!fast.at_risk && !fast.behind);
        // Lower is better: 「20％以下」 falling fast enough.
        let lower = project(&indicator("令和10年度末までに20%以下", &[(2023, "30%"), (2024, "27%")]), year).unwrap();
        assert!(!lower.at_risk);
    }

    #[test]
    fn only_deadline_targets_with_two_values_are_projected() {
        let year = FiscalYear::new(2024).unwrap();
        assert!(project(&indicator("令和10年度末までに55%以上", &[(2024, "30%")]), year).is_none());
        assert!(project(&indicator("60%以上", &[(2023, "30%"), (2024, "40%")]), year).is_none());
        assert!(
            project(&indicator("令和6年度末までに55%以上", &[(2023, "30%"), (2024, "40%")]), year).is_none(),
            "the deadline has come"
        );
    }
}
