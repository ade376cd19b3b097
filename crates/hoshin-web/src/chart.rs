//! The history chart of an indicator as server-rendered SVG: readable without JavaScript, with a title and a
//! text alternative, the target as a dashed line with its label, and each year's mark written beside its point
//! (so that nothing is told by colour alone). A pure function of its input, checked by golden files.

use std::fmt::Write as _;

/// One year of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPoint {
    /// The axis label: 「R6」, 「FY2024」.
    pub label: String,
    pub value: Option<f64>,
    /// The published mark, or the computed one, as a letter.
    pub mark: Option<String>,
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The accessible name.
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub description: String,
    /// The unit of the values (「%」, 「件」), shown on the axis.
    pub unit: Option<String>,
    pub points: Vec<ChartPoint>,
    /// The target value and its label (「目標 55%以上」).
    pub target: Option<(f64, String)>,
    /// The outlook to the target's deadline, drawn over future years (points without values).
    pub outlook: Option<Outlook>,
}

/// Two lines to a deadline: the expected progress from the baseline to the target, and the projected trend
/// from the latest value. Indexes are into the chart's points.
#[derive(Clone, Debug, PartialEq)]
pub struct Outlook {
    pub baseline: (usize, f64),
    pub latest: (usize, f64),
    pub deadline: (usize, f64),
    pub projected: f64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 40.0;

impl Chart {
    /// The SVG document (an `<svg>` element to put inline).
    pub fn render(&self) -> String {
        let values: Vec<f64> = self.points.iter().filter_map(|point| point.value).collect();
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"chart-title chart-desc\" class=\"chart\">\
             <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>",
            escape(&self.title),
            escape(&self.description)
        );
        let mut scaled = values.clone();
        if let Some(outlook) = &self.outlook {
            scaled.push(outlook.projected);
        }
        let (low, high, step) =
            scale(&scaled, self.target.as_ref().map(|(value, _)| *value), self.unit.as_deref(), false);
        let plot_height = HEIGHT - TOP - BOTTOM;
        let plot_width = WIDTH - LEFT - RIGHT;
        let y = |value: f64| TOP + plot_height * (1.0 - (value - low) / (high - low));
        let count = self.points.len().max(1);
        let x = |index: usize| {
            if count == 1 {
                LEFT + plot_width / 2.0
            } else {
                LEFT + plot_width * index as f64 / (count - 1) as f64
            }
        };
        // Grid lines and value labels.
        svg.push_str("<g class=\"grid\">");
        let mut tick = low;
        while tick <= high + step / 1000.0 {
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y(tick) + 4.0,
                number(tick),
                y = y(tick),
            );
            tick += step;
        }
        svg.push_str("</g>");
        if let Some(unit) = &self.unit {
            let _ = write!(
                svg,
                "<text class=\"unit\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                LEFT - 6.0,
                TOP - 8.0,
                escape(unit)
            );
        }
        // Year labels.
        svg.push_str("<g class=\"years\">");
        for (index, point) in self.points.iter().enumerate() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x(index),
                HEIGHT - BOTTOM + 20.0,
                escape(&point.label)
            );
        }
        svg.push_str("</g>");
        // The target line.
        if let Some((value, label)) = &self.target {
            let _ = write!(
                svg,
                "<g class=\"target\"><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke-dasharray=\"6 4\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></g>",
                WIDTH - RIGHT,
                WIDTH - RIGHT,
                y(*value) - 6.0,
                escape(label),
                y = y(*value),
            );
        }
        // The outlook: the expected-progress line (dashed) and the projected trend (dotted).
        if let Some(outlook) = &self.outlook {
            let _ = write!(
                svg,
                "<g class=\"outlook\"><line class=\"expected\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke-dasharray=\"8 4\"/>\
                 <line class=\"projected\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke-dasharray=\"2 4\"/></g>",
                x(outlook.baseline.0),
                y(outlook.baseline.1),
                x(outlook.deadline.0),
                y(outlook.deadline.1),
                x(outlook.latest.0),
                y(outlook.latest.1),
                x(outlook.deadline.0),
                y(outlook.projected),
            );
        }
        // The line through the years with values; a gap where a year has none.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (index, point) in self.points.iter().enumerate() {
            match point.value {
                Some(value) => segments.last_mut().map_or((), |segment| segment.push((x(index), y(value)))),
                None => segments.push(Vec::new()),
            }
        }
        svg.push_str("<g class=\"series\">");
        for segment in segments.iter().filter(|segment| segment.len() > 1) {
            let coordinates: Vec<String> = segment.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(svg, "<polyline points=\"{}\"/>", coordinates.join(" "));
        }
        for (index, point) in self.points.iter().enumerate() {
            let Some(value) = point.value else { continue };
            let mark = point.mark.as_deref().unwrap_or("");
            let class = match mark {
                "A" => "point achieved",
                "B" => "point not-achieved",
                _ => "point",
            };
            let _ = write!(
                svg,
                "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\"/>\
                 <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}{}</text>",
                x(index),
                y(value),
                x(index),
                y(value) - 10.0,
                number(value),
                if mark.is_empty() { String::new() } else { format!(" ({})", escape(mark)) },
            );
        }
        svg.push_str("</g></svg>");
        svg
    }
}

/// One organization's bar in a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub mark: Option<String>,
    /// The organization's own target, drawn as a tick across its bar.
    pub target: Option<f64>,
}

/// A ranked comparison: one horizontal bar per organization, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub description: String,
    pub unit: Option<String>,
    pub bars: Vec<Bar>,
}

const BAR_ROW: f64 = 26.0;
const BAR_LABEL: f64 = 120.0;

impl BarChart {
    pub fn render(&self) -> String {
        let values: Vec<f64> = self.bars.iter().filter_map(|bar| bar.value).collect();
        let targets: Vec<f64> = self.bars.iter().filter_map(|bar| bar.target).collect();
        let highest_target = targets
            .iter()
            .copied()
            .fold(None, |best: Option<f64>, value| Some(best.map_or(value, |best| best.max(value))));
        // Bars start at zero.
        let (low, high, step) = scale(&values, highest_target, self.unit.as_deref(), true);
        let height = TOP + BAR_ROW * self.bars.len().max(1) as f64 + BOTTOM;
        let plot_width = WIDTH - BAR_LABEL - RIGHT - 40.0;
        let x = |value: f64| BAR_LABEL + plot_width * (value - low) / (high - low);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
             aria-labelledby=\"bars-title bars-desc\" class=\"chart bars\">\
             <title id=\"bars-title\">{}</title><desc id=\"bars-desc\">{}</desc><g class=\"grid\">",
            escape(&self.title),
            escape(&self.description)
        );
        let mut tick = low;
        while tick <= high + step / 1000.0 {
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                height - BOTTOM,
                height - BOTTOM + 16.0,
                number(tick),
                x = x(tick),
            );
            tick += step;
        }
        svg.push_str("</g>");
        if let Some(unit) = &self.unit {
            let _ = write!(
                svg,
                "<text class=\"unit\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                x(high),
                height - 6.0,
                escape(unit)
            );
        }
        svg.push_str("<g class=\"series\">");
        for (index, bar) in self.bars.iter().enumerate() {
            let top = TOP + BAR_ROW * index as f64;
            let _ = write!(
                svg,
                "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                BAR_LABEL - 8.0,
                top + BAR_ROW * 0.65,
                escape(&bar.label)
            );
            if let Some(value) = bar.value {
                let class = match bar.mark.as_deref() {
                    Some("A") => "bar achieved",
                    Some("B") => "bar not-achieved",
                    _ => "bar",
                };
                let mark = bar.mark.as_deref().map(|mark| format!(" ({})", escape(mark))).unwrap_or_default();
                let _ = write!(
                    svg,
                    "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\
                     <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}{mark}</text>",
                    x(low.max(0.0).min(value)),
                    top + 4.0,
                    (x(value) - x(0.0_f64.max(low))).abs(),
                    BAR_ROW - 8.0,
                    x(value) + 4.0,
                    top + BAR_ROW * 0.65,
                    number(value),
                );
            }
            if let Some(target) = bar.target {
                let _ = write!(
                    svg,
                    "<line class=\"target-tick\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                    top + 1.0,
                    top + BAR_ROW - 1.0,
                    x = x(target),
                );
            }
        }
        svg.push_str("</g></svg>");
        svg
    }
}

/// The axis: from `low` to `high` in steps of `step`, with room for the values and the target.
fn scale(values: &[f64], target: Option<f64>, unit: Option<&str>, from_zero: bool) -> (f64, f64, f64) {
    let all: Vec<f64> = values.iter().copied().chain(target).filter(|value| value.is_finite()).collect();
    if all.is_empty() {
        return (0.0, 100.0, 20.0);
    }
    let max = all.iter().copied().fold(f64::MIN, f64::max);
    let min = all.iter().copied().fold(f64::MAX, f64::min);
    // Shares start at zero; other values start near their minimum when it is far from zero.
    let low_wanted = if min >= 0.0 && (from_zero || unit == Some("%") || min < (max - min) * 2.0) { 0.0 } else { min };
    let span = (max - low_wanted).max(max.abs() * 0.1).max(1.0);
    let step = nice_step(span / 5.0);
    let low = (low_wanted / step).floor() * step;
    let mut high = (max / step).ceil() * step;
    if high <= max {
        high += step;
    }
    if unit == Some("%") && max <= 100.0 && high > 100.0 {
        high = 100.0_f64.max(max);
    }
    (low, high.max(low + step), step)
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|factor| factor * power).find(|step| *step >= raw).unwrap_or(10.0 * power)
}

/// A number as the axis and labels show it: no trailing zeros, at most one decimal.
pub fn number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, value: Option<f64>, mark: Option<&str>) -> ChartPoint {
        ChartPoint { label: label.into(), value, mark: mark.map(str::to_string) }
    }

    #[test]
    fn scales_are_round_and_hold_every_value() {
        assert_eq!(scale(&[27.8, 43.9], Some(55.0), Some("%"), false), (0.0, 60.0, 20.0));
        // Counts far from zero start near their minimum.
        assert_eq!(scale(&[1200.0, 1350.0], None, Some("件"), false), (1200.0, 1400.0, 50.0));
        assert_eq!(scale(&[], None, None, false), (0.0, 100.0, 20.0));
        // A share never goes above 100 %.
        assert_eq!(scale(&[95.0, 99.0], Some(100.0), Some("%"), false), (0.0, 100.0, 20.0));
        let (low, high, _) = scale(&[-3.0, 4.0], None, None, false);
        assert!(low <= -3.0 && high >= 4.0);
        // Bars start at zero however far their values are from it, with a handful of ticks.
        let (low, high, step) = scale(&[], Some(40.0), None, true);
        assert_eq!(low, 0.0);
        assert!(high >= 40.0 && (high - low) / step <= 10.0, "{high} {step}");
    }

    #[test]
    fn the_chart_matches_its_golden_file() {
        let chart = Chart {
            title: "地域活動協議会を知っている区民の割合".into(),
            description: "R4 27.8%、R5 35.0%（B）、R6 43.9%（A）。目標 55%以上（R10）".into(),
            unit: Some("%".into()),
            points: vec![
                point("R4", Some(27.8), None),
                point("R5", Some(35.0), Some("B")),
                point("R6", Some(43.9), Some("A")),
                point("R7", None, None),
            ],
            target: Some((55.0, "目標 55%以上".into())),
            outlook: None,
        };
        let svg = chart.render();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/chart.svg");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &svg).unwrap();
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1", path.display()));
        assert_eq!(svg, expected);
        // What the golden file must show: a title, the text alternative, the target, marks as text.
        assert!(svg.contains("<title id=\"chart-title\">地域活動協議会を知っている区民の割合</title>"));
        assert!(svg.contains("目標 55%以上"));
        assert!(svg.contains("43.9 (A)") && svg.contains("35 (B)"));
        assert_eq!(svg.matches("<circle").count(), 3, "no point for the year without a value");
    }

    #[test]
    fn the_bar_chart_matches_its_golden_file() {
        let chart = BarChart {
            title: "地域活動協議会を知っている区民の割合 令和6年度".into(),
            description: "北区 41.2%（A）、都島区 38%（B）、此花区 値なし".into(),
            unit: Some("%".into()),
            bars: vec![
                Bar { label: "北区".into(), value: Some(41.2), mark: Some("A".into()), target: Some(40.0) },
                Bar { label: "都島区".into(), value: Some(38.0), mark: Some("B".into()), target: Some(45.0) },
                Bar { label: "此花区".into(), value: None, mark: None, target: None },
            ],
        };
        let svg = chart.render();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/bars.svg");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &svg).unwrap();
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1", path.display()));
        assert_eq!(svg, expected);
        assert_eq!(svg.matches("<rect").count(), 2, "no bar without a value");
        assert_eq!(svg.matches("target-tick").count(), 2);
        assert!(svg.contains("41.2 (A)") && svg.contains(">此花区<"));
    }

    #[test]
    fn text_is_escaped() {
        let chart = Chart {
            title: "<script>".into(),
            description: "a & b".into(),
            unit: None,
            points: vec![point("\"x\"", Some(1.0), None)],
            target: None,
            outlook: None,
        };
        let svg = chart.render();
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("a &amp; b"));
        assert!(svg.contains("&quot;x&quot;"));
    }
}
