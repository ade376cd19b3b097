//! Property tests for the parsers: round-trips of eras, money and targets, and no panic on any input.

#![allow(clippy::unwrap_used)] // tests and benches fail loudly on bad fixtures

use hoshin_core::money::{format_yen, format_yen_compact, format_yen_man_oku};
use hoshin_core::{
    judge, parse_fiscal_year, parse_measure, parse_money, parse_target, Era, FiscalYear, Lang, Mark, Number,
    Observation, ParseContext, Rule,
};
use proptest::prelude::*;

/// Fragments that real targets are made of, so that random strings reach deep into the grammar.
const FRAGMENTS: &[&str] = &[
    "令和",
    "平成",
    "R",
    "H",
    "元",
    "年度",
    "末",
    "までに",
    "まで",
    "毎年度",
    "以上",
    "以下",
    "未満",
    "超",
    "%",
    "％",
    "件",
    "地域",
    "世帯",
    "全",
    "前年度比",
    "前年度末比",
    "対前年比",
    "増",
    "減",
    "ポイント",
    "前年度実績",
    "の",
    "を",
    "確保",
    "とする",
    "(",
    ")",
    "（",
    "）",
    "~",
    "～",
    "合計",
    "累計",
    "かつ",
    "☆",
    "★",
    "点満点中",
    "点",
    "年",
    "回",
    "各",
    "程度",
    "①",
    "②",
    "：",
    ":",
    " ",
    "　",
    "。",
    ",",
    ".",
    "0",
    "1",
    "5",
    "10",
    "12,000",
    "55",
    "99999999999999999999",
    "目標値UP",
    "目標値修正",
    "新規指標",
    "百万",
    "千",
    "万",
    "億",
    "円",
    "—",
    "－",
    "-",
    "▲",
    "常時",
    "随時",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..14).prop_map(|parts| parts.concat())
}

fn reiwa() -> ParseContext {
    ParseContext { era: Some(Era::Reiwa) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.max(2000), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn target_parser_never_panics_on_arbitrary_text(text in "\\PC{0,60}") {
        let _ = parse_target(&text, reiwa());
        let _ = parse_target(&text, ParseContext::default());
    }

    #[test]
    fn parsers_never_panic_on_target_like_text(text in fragments()) {
        if let Ok(target) = parse_target(&text, reiwa()) {
            let _ = target.render(Lang::Ja);
            let _ = target.render(Lang::En);
            // Whatever parses renders to a form that parses to the same meaning.
            let again = parse_target(&target.render_ja(), reiwa());
            prop_assert!(again.is_ok(), "{text:?} rendered as {:?} does not read back", target.render_ja());
            prop_assert_eq!(again.unwrap().meaning(), target.meaning(), "{:?}", text);
        }
        let _ = parse_measure(&text);
        let _ = parse_money(&text);
        let _ = parse_fiscal_year(&text, Some(Era::Reiwa));
    }

    #[test]
    fn judging_never_panics(text in fragments(), actual in fragments(), previous in fragments(), year in 2015i32..2035) {
        let Ok(target) = parse_target(&text, reiwa()) else { return Ok(()) };
        let year = FiscalYear::new(year).unwrap();
        let mut series = Vec::new();
        if let Ok(measure) = parse_measure(&actual) {
            series.push(Observation { fiscal_year: year, actual: measure, year_target: None });
        }
        if let Ok(measure) = parse_measure(&previous) {
            series.push(Observation { fiscal_year: year.previous().unwrap(), actual: measure, year_target: None });
        }
        for rule in Rule::ALL {
            let judgment = judge(&target, &series, year, rule);
            prop_assert!(!judgment.explanation(Lang::Ja).is_empty());
        }
    }

    #[test]
    fn fiscal_years_round_trip(year in 1900i32..=2200) {
        let year = FiscalYear::new(year).unwrap();
        prop_assert_eq!(parse_fiscal_year(&year.label(Lang::Ja), None), Ok(year));
        prop_assert_eq!(parse_fiscal_year(&year.era_label(), None), Ok(year));
        if let Some((era, era_year)) = year.era_year() {
            let full_width: String = format!("{}{}年度", era.name_ja(), era_year)
                .chars()
                .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap() } else { c })
                .collect();
            prop_assert_eq!(parse_fiscal_year(&full_width, None), Ok(year));
            prop_assert_eq!(parse_fiscal_year(&format!("{era_year}年度"), Some(era)), Ok(year));
        }
    }

    #[test]
    fn money_round_trips(yen in 0i64..=999_999_999_999_999) {
        for text in [format_yen(yen), format_yen_compact(yen), format_yen_man_oku(yen)] {
            prop_assert_eq!(parse_money(&text).map(|money| money.yen), Ok(Some(yen)), "{}", text);
        }
    }

    #[test]
    fn single_year_threshold_is_exact(target in 0u32..100_000, actual in 0u32..100_000) {
        // Values with one decimal: the judgment is exactly actual ≥ target, ties included.
        let target_text = format!("{}.{}%以上", target / 10, target % 10);
        let actual_text = format!("{}.{}%", actual / 10, actual % 10);
        let year = FiscalYear::new(2024).unwrap();
        let series = [Observation { fiscal_year: year, actual: parse_measure(&actual_text).unwrap(), year_target: None }];
        let parsed = parse_target(&target_text, reiwa()).unwrap();
        let judgment = judge(&parsed, &series, year, Rule::default());
        let expected = if actual >= target { Mark::Achieved } else { Mark::NotAchieved };
        prop_assert_eq!(judgment.mark(), Some(expected));
    }

    #[test]
    fn percent_increase_is_not_points(base in 1u32..1000, percent in 1u32..50) {
        // 「p%増」 of b is b × (1 + p/100), never b + p (DOMAIN.md §3).
        let year = FiscalYear::new(2024).unwrap();
        let target = parse_target(&format!("前年度比{percent}%増"), reiwa()).unwrap();
        let threshold = Number::from_integer(i64::from(base)).checked_mul(Number::ratio(i128::from(100 + percent), 100).unwrap()).unwrap();
        let exactly = format!("{}%", threshold.format_rounded(6));
        let series = |actual: &str| vec![
            Observation { fiscal_year: year, actual: parse_measure(actual).unwrap(), year_target: None },
            Observation { fiscal_year: year.previous().unwrap(), actual: parse_measure(&format!("{base}%")).unwrap(), year_target: None },
        ];
        prop_assert_eq!(judge(&target, &series(&exactly), year, Rule::default()).mark(), Some(Mark::Achieved));
        let points_only = format!("{}%", base + percent);
        let expected = if Number::from_integer(i64::from(base + percent)) >= threshold { Mark::Achieved } else { Mark::NotAchieved };
        prop_assert_eq!(judge(&target, &series(&points_only), year, Rule::default()).mark(), Some(expected));
    }
}
