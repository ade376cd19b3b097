//! Survey uncertainty: most outcome indicators are shares from a survey (区民意識調査), and a share from a
//! sample of n people is uncertain. With the sample size of a year, the share's 95 % Wilson interval says
//! how far the true share may lie, whether the gap to the target is larger than that noise, and whether the
//! change from the year before is (a two-proportion z-test at the 5 % level). docs/ANALYSIS.md has a worked
//! example.

use crate::judgment::Mark;
use crate::model::{Indicator, TargetText};
use crate::quantity::Unit;
use crate::target::Condition;
use crate::text::Lang;
use crate::FiscalYear;

/// z for a two-sided 95 % interval.
const Z: f64 = 1.959_963_984_540_054;

/// A share's 95 % interval, in percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, percent: f64) -> bool {
        self.low <= percent && percent <= self.high
    }

    /// Half the width: the 「±」 of the share.
    pub fn margin(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// The Wilson score interval of a share given in percent, from a sample of `n`.
pub fn wilson(percent: f64, n: u32) -> Option<Interval> {
    if n == 0 || !(0.0..=100.0).contains(&percent) {
        return None;
    }
    let p = percent / 100.0;
    let n = f64::from(n);
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some(Interval { low: (centre - half) * 100.0, high: (centre + half) * 100.0 })
}

/// Whether two shares from independent samples differ by more than the noise (5 % level).
pub fn significant_change(before: f64, n_before: u32, after: f64, n_after: u32) -> Option<bool> {
    if n_before == 0 || n_after == 0 {
        return None;
    }
    let (p1, p2) = (before / 100.0, after / 100.0);
    let (n1, n2) = (f64::from(n_before), f64::from(n_after));
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return Some(p1 != p2);
    }
    Some(((p2 - p1) / se).abs() > Z)
}

fn percent_of(indicator: &Indicator, year: FiscalYear) -> Option<f64> {
    let quantity = indicator.result(year)?.actual.as_ref()?.quantity()?;
    (quantity.unit == Unit::Percent).then(|| quantity.value.to_f64())
}

fn sample_size(indicator: &Indicator, year: FiscalYear) -> Option<u32> {
    indicator.sample_sizes.iter().find(|(y, _)| *y == year).map(|(_, n)| *n)
}

/// The target's threshold in percent, when it is one share.
fn target_percent(indicator: &Indicator) -> Option<f64> {
    let Some(TargetText::Parsed(target)) = &indicator.target else { return None };
    target.conditions.iter().find_map(|condition| match condition {
        Condition::Absolute { value, .. } if value.unit == Unit::Percent => Some(value.value.to_f64()),
        _ => None,
    })
}

/// What the survey's noise says about a year of an indicator, as lines for a reader; empty without a
/// sample size or a share.
pub fn explain(indicator: &Indicator, year: FiscalYear, lang: Lang) -> Vec<String> {
    let (Some(share), Some(n)) = (percent_of(indicator, year), sample_size(indicator, year)) else {
        return Vec::new();
    };
    let Some(interval) = wilson(share, n) else { return Vec::new() };
    let ja = lang == Lang::Ja;
    let mut out = vec![if ja {
        format!(
            "回答者数{n}人: 95%信頼区間 {:.1}%〜{:.1}%（±{:.1}ポイント）",
            interval.low,
            interval.high,
            interval.margin()
        )
    } else {
        format!(
            "{n} respondents: 95% interval {:.1}%–{:.1}% (±{:.1} points)",
            interval.low,
            interval.high,
            interval.margin()
        )
    }];
    if let Some(target) = target_percent(indicator) {
        let within = interval.contains(target);
        out.push(match (within, ja) {
            (true, true) => format!("目標{target}%は信頼区間の中: 目標との差は誤差の範囲内"),
            (false, true) => format!("目標{target}%は信頼区間の外: 目標との差は誤差より大きい"),
            (true, false) => format!("the target {target}% lies inside the interval: the gap is within the noise"),
            (false, false) => {
                format!("the target {target}% lies outside the interval: the gap is larger than the noise")
            }
        });
    }
    if let Some(previous) = year.previous() {
        if let (Some(before), Some(n_before)) = (percent_of(indicator, previous), sample_size(indicator, previous)) {
            if let Some(significant) = significant_change(before, n_before, share, n) {
                out.push(match (significant, ja) {
                    (true, true) => format!("前年度{before}%（{n_before}人）からの変化は誤差より大きい"),
                    (false, true) => format!("前年度{before}%（{n_before}人）からの変化は誤差の範囲内"),
                    (true, false) => {
                        format!("the change from {before}% ({n_before}) last year is larger than the noise")
                    }
                    (false, false) => format!("the change from {before}% ({n_before}) last year is within the noise"),
                });
            }
        }
    }
    out
}

/// Whether a published mark rests on a difference smaller than the noise: the target lies inside the
/// year's interval, so A and B are both within reach of chance.
pub fn mark_within_noise(indicator: &Indicator, year: FiscalYear) -> Option<(Mark, bool)> {
    let mark = indicator.result(year)?.published_mark.as_ref()?.mark;
    let interval = wilson(percent_of(indicator, year)?, sample_size(indicator, year)?)?;
    Some((mark, interval.contains(target_percent(indicator)?)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{IndicatorKind, YearResult};
    use crate::{parse_measure, parse_target, ParseContext};

    #[test]
    fn wilson_intervals_match_the_textbook() {
        // 43.9% of 1,000: 40.9%–47.0%.
        let interval = wilson(43.9, 1000).unwrap();
        assert!((interval.low - 40.85).abs() < 0.05 && (interval.high - 46.99).abs() < 0.05, "{interval:?}");
        // Extreme shares stay within 0–100.
        let all = wilson(100.0, 20).unwrap();
        assert!(all.high <= 100.0 + 1e-9 && all.low > 80.0);
        assert_eq!(wilson(50.0, 0), None);
    }

    #[test]
    fn changes_beyond_the_noise() {
        assert_eq!(significant_change(27.8, 800, 43.9, 800), Some(true));
        assert_eq!(significant_change(47.4, 300, 49.0, 300), Some(false));
    }

    #[test]
    fn an_indicator_year_is_explained() {
        let year = FiscalYear::new(2024).unwrap();
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "区民の割合");
        indicator.target = Some(TargetText::Parsed(parse_target("55%以上", ParseContext::default()).unwrap()));
        for (y, actual) in [(2023, "27.8%"), (2024, "43.9%")] {
            indicator.results.push(YearResult {
                fiscal_year: FiscalYear::new(y).unwrap(),
                actual: Some(parse_measure(actual).unwrap()),
                published_mark: None,
                year_target: None,
            });
        }
        assert!(explain(&indicator, year, Lang::Ja).is_empty(), "no sample size, nothing to say");
        indicator.sample_sizes = vec![(year.previous().unwrap(), 812), (year, 795)];
        let lines = explain(&indicator, year, Lang::Ja);
        assert_eq!(lines[0], "回答者数795人: 95%信頼区間 40.5%〜47.4%（±3.4ポイント）");
        assert_eq!(lines[1], "目標55%は信頼区間の外: 目標との差は誤差より大きい");
        assert_eq!(lines[2], "前年度27.8%（812人）からの変化は誤差より大きい");
    }
}
