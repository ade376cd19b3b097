//! Japanese eras and fiscal years (年度).
//!
//! A fiscal year runs from 1 April to 31 March and is named by the Gregorian year it starts in. Documents
//! write it as 「令和6年度」, 「令和６年度」, 「令和元年度」, 「平成31年度」, 「2019年度」, era-less 「6年度」 (read
//! against the document's era) or abbreviated 「R3」. Pre-2019 documents contain impossible years such as
//! 「平成33年度」 (= 2021): they are converted arithmetically, never rejected.

use std::fmt;

use thiserror::Error;

use crate::text::{chars, compact, kanji_digit, starts_with_at};
use crate::Lang;

/// A Japanese era. Only the eras that occur in policy documents are modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    Heisei,
    Reiwa,
}

impl Era {
    /// The Gregorian year that is year 1 (元年) of the era.
    pub fn first_year(self) -> i32 {
        match self {
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    pub fn name_ja(self) -> &'static str {
        match self {
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Era::Heisei => "Heisei",
            Era::Reiwa => "Reiwa",
        }
    }

    pub fn abbreviation(self) -> char {
        match self {
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The era named by its Japanese or English name or its letter: 「令和」, 「Reiwa」, 「R」.
    pub fn from_name(name: &str) -> Option<Era> {
        let name = name.trim();
        [Era::Heisei, Era::Reiwa].into_iter().find(|era| {
            name == era.name_ja()
                || name.eq_ignore_ascii_case(era.name_en())
                || name.eq_ignore_ascii_case(&era.abbreviation().to_string())
        })
    }

    /// The era a fiscal year is written in today: 令和 from FY2019 (令和元年度), 平成 for FY1989–2018.
    pub fn of(fiscal_year: FiscalYear) -> Option<Era> {
        match fiscal_year.start_year() {
            2019.. => Some(Era::Reiwa),
            1989..=2018 => Some(Era::Heisei),
            _ => None,
        }
    }
}

/// A fiscal year, named by its starting Gregorian year (FY2024 = 令和6年度 = April 2024 – March 2025).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalYear(i32);

/// The range of years Hoshin accepts; anything else in a document is a misreading.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

impl FiscalYear {
    /// The fiscal year starting in `start_year`, or `None` outside 1900–2200.
    pub fn new(start_year: i32) -> Option<FiscalYear> {
        (FIRST_YEAR..=LAST_YEAR).contains(&start_year).then_some(FiscalYear(start_year))
    }

    /// The fiscal year written as year `year` of `era` (元年 = 1). Impossible years such as 平成33 are
    /// converted arithmetically.
    pub fn from_era(era: Era, year: u32) -> Option<FiscalYear> {
        if year == 0 {
            return None;
        }
        let year = i32::try_from(year).ok()?;
        FiscalYear::new(era.first_year() + year - 1)
    }

    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The (era, year-of-era) this fiscal year is written in today, if it is in an era.
    pub fn era_year(self) -> Option<(Era, i32)> {
        Era::of(self).map(|era| (era, self.0 - era.first_year() + 1))
    }

    /// `self + years`, or `None` outside the accepted range.
    pub fn offset(self, years: i32) -> Option<FiscalYear> {
        FiscalYear::new(self.0.checked_add(years)?)
    }

    pub fn previous(self) -> Option<FiscalYear> {
        self.offset(-1)
    }

    pub fn next(self) -> Option<FiscalYear> {
        self.offset(1)
    }

    /// The number of fiscal years from `self` to `later` (0 when equal, negative when `later` is earlier).
    pub fn years_until(self, later: FiscalYear) -> i32 {
        later.0 - self.0
    }

    /// 「令和6年度」 / 「令和元年度」; Gregorian 「1985年度」 before Heisei.
    pub fn era_label(self) -> String {
        match self.era_year() {
            Some((era, 1)) => format!("{}元年度", era.name_ja()),
            Some((era, year)) => format!("{}{year}年度", era.name_ja()),
            None => format!("{}年度", self.0),
        }
    }

    /// 「R6」: the abbreviation some tables use.
    pub fn short_label(self) -> String {
        match self.era_year() {
            Some((era, year)) => format!("{}{year}", era.abbreviation()),
            None => format!("FY{}", self.0),
        }
    }

    /// The display form: 「令和6年度（2024年度）」 in Japanese, 「FY2024 (Reiwa 6)」 in English.
    pub fn label(self, lang: Lang) -> String {
        match (lang, self.era_year()) {
            (Lang::Ja, Some(_)) => format!("{}（{}年度）", self.era_label(), self.0),
            (Lang::Ja, None) => format!("{}年度", self.0),
            (Lang::En, Some((era, year))) => format!("FY{} ({} {year})", self.0, era.name_en()),
            (Lang::En, None) => format!("FY{}", self.0),
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label(Lang::Ja))
    }
}

/// Why a fiscal year could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FiscalYearError {
    #[error("no fiscal year given")]
    Empty,
    #[error("「{0}」 is not a fiscal year: write it as 令和6年度, 平成31年度, 2024年度 or R6")]
    Unrecognized(String),
    #[error("「{0}」 names no era: write 令和6年度 or 2024年度, or give the document's era")]
    NeedsContextEra(String),
    #[error("「{0}」 is outside the years Hoshin accepts (1900–2200)")]
    OutOfRange(String),
}

/// How a fiscal year was written, kept so a value can be rendered the way the document wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearForm {
    /// 「令和6年度」, 「平成31年度」
    Era,
    /// 「R6」, 「H31」
    Abbreviated,
    /// 「2024年度」
    Gregorian,
    /// 「6年度」, read against the context era
    EraLess,
}

/// A fiscal year found at the start of a character slice, with how many characters it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScannedYear {
    pub year: FiscalYear,
    pub form: YearForm,
    pub len: usize,
    /// A trailing 「末」 (end of the fiscal year) was part of the match.
    pub end_of_year: bool,
}

/// Reads a fiscal year at the start of `chars` (already normalised and free of whitespace).
/// Returns `Err` with the reason when the text looks like a year but cannot be one, `Ok(None)` when it does
/// not look like a year at all.
pub(crate) fn scan_year(chars: &[char], context: Option<Era>) -> Result<Option<ScannedYear>, FiscalYearError> {
    let (era, mut pos, form) = if starts_with_at(chars, 0, chars!("令和")) {
        (Some(Era::Reiwa), 2, YearForm::Era)
    } else if starts_with_at(chars, 0, chars!("平成")) {
        (Some(Era::Heisei), 2, YearForm::Era)
    } else if matches!(chars.first(), Some('R' | 'r')) && chars.get(1).is_some_and(char::is_ascii_digit) {
        (Some(Era::Reiwa), 1, YearForm::Abbreviated)
    } else if matches!(chars.first(), Some('H' | 'h')) && chars.get(1).is_some_and(char::is_ascii_digit) {
        (Some(Era::Heisei), 1, YearForm::Abbreviated)
    } else {
        (None, 0, YearForm::Gregorian)
    };
    let digits_start = pos;
    let mut value: u32 = 0;
    if era.is_some() && chars.get(pos) == Some(&'元') {
        value = 1;
        pos += 1;
    } else {
        while let Some(d) = chars.get(pos).and_then(|c| c.to_digit(10).or_else(|| kanji_digit(*c))) {
            if pos - digits_start >= 4 {
                return Ok(None);
            }
            value = value * 10 + d;
            pos += 1;
        }
    }
    if pos == digits_start {
        return Ok(None);
    }
    let digit_count = pos - digits_start;
    let has_nendo = chars.get(pos) == Some(&'年') && chars.get(pos + 1) == Some(&'度');
    if has_nendo {
        pos += 2;
    } else if form != YearForm::Abbreviated {
        // 「令和6年」 is a calendar year, and a bare number is not a year at all.
        return Ok(None);
    } else if chars.get(pos) == Some(&'年') {
        return Ok(None);
    }
    let text = || chars[..pos].iter().collect::<String>();
    let (year, form) = match era {
        Some(era) => (FiscalYear::from_era(era, value), form),
        None if digit_count == 4 => (i32::try_from(value).ok().and_then(FiscalYear::new), YearForm::Gregorian),
        None => match context {
            Some(era) => (FiscalYear::from_era(era, value), YearForm::EraLess),
            None => return Err(FiscalYearError::NeedsContextEra(text())),
        },
    };
    let year = year.ok_or_else(|| FiscalYearError::OutOfRange(text()))?;
    let end_of_year = chars.get(pos) == Some(&'末');
    if end_of_year {
        pos += 1;
    }
    Ok(Some(ScannedYear { year, form, len: pos, end_of_year }))
}

/// Reads a whole string as a fiscal year: 「令和6年度」, 「令和６年度」, 「令和元年度」, 「平成33年度」, 「2019年度」,
/// 「R3」, 「6年度」 (with `context`), optionally followed by 「末」. The display form
/// 「令和6年度（2024年度）」 reads back too.
pub fn parse_fiscal_year(text: &str, context: Option<Era>) -> Result<FiscalYear, FiscalYearError> {
    let compacted = compact(text);
    if compacted.is_empty() {
        return Err(FiscalYearError::Empty);
    }
    let chars: Vec<char> = compacted.chars().collect();
    let unrecognized = || FiscalYearError::Unrecognized(text.trim().to_string());
    let scanned = scan_year(&chars, context)?.ok_or_else(unrecognized)?;
    let rest = &chars[scanned.len..];
    if rest.is_empty() {
        return Ok(scanned.year);
    }
    // The display form: an era year followed by its Gregorian year in parentheses, which must agree.
    if rest.first() == Some(&'(') && rest.last() == Some(&')') {
        let inner = &rest[1..rest.len() - 1];
        if let Some(gregorian) = scan_year(inner, None)? {
            if gregorian.len == inner.len() && gregorian.year == scanned.year {
                return Ok(scanned.year);
            }
        }
    }
    Err(unrecognized())
}

/// Reads a fiscal year at the start of `compacted` (normalised, without whitespace, as [`crate::text::compact`]
/// makes it) and returns it with the rest of the text: 「令和6年度西区運営方針」 → (FY2024, 「西区運営方針」).
/// A trailing 「末」 is part of the year.
pub fn split_fiscal_year_prefix(compacted: &str, context: Option<Era>) -> Option<(FiscalYear, &str)> {
    let chars: Vec<char> = compacted.chars().take(12).collect();
    let scanned = scan_year(&chars, context).ok()??;
    let byte_len: usize = chars[..scanned.len].iter().map(|c| c.len_utf8()).sum();
    Some((scanned.year, &compacted[byte_len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).unwrap()
    }

    #[test]
    fn parses_every_written_form() {
        let cases: &[(&str, Option<Era>, i32)] = &[
            ("令和6年度", None, 2024),
            ("令和６年度", None, 2024),
            ("令和元年度", None, 2019),
            ("平成31年度", None, 2019),
            ("平成33年度", None, 2021),
            ("平成30年度", None, 2018),
            ("2019年度", None, 2019),
            ("２０２１年度", None, 2021),
            ("6年度", Some(Era::Reiwa), 2024),
            ("６年度", Some(Era::Reiwa), 2024),
            ("31年度", Some(Era::Heisei), 2019),
            ("R3", None, 2021),
            ("R3年度", None, 2021),
            ("H31", None, 2019),
            ("令和10年度末", None, 2028),
            ("令和 6 年度", None, 2024),
            ("令和六年度", None, 2024),
            ("令和6年度（2024年度）", None, 2024),
        ];
        for &(text, context, expected) in cases {
            assert_eq!(parse_fiscal_year(text, context), Ok(fy(expected)), "{text}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        assert_eq!(parse_fiscal_year("", None), Err(FiscalYearError::Empty));
        assert_eq!(parse_fiscal_year("6年度", None), Err(FiscalYearError::NeedsContextEra("6年度".into())));
        assert!(matches!(parse_fiscal_year("令和6年", None), Err(FiscalYearError::Unrecognized(_))));
        assert!(matches!(parse_fiscal_year("来年度", None), Err(FiscalYearError::Unrecognized(_))));
        assert!(matches!(parse_fiscal_year("令和0年度", None), Err(FiscalYearError::OutOfRange(_))));
        assert!(matches!(parse_fiscal_year("1800年度", None), Err(FiscalYearError::OutOfRange(_))));
        assert!(matches!(parse_fiscal_year("令和6年度（2023年度）", None), Err(FiscalYearError::Unrecognized(_))));
    }

    #[test]
    fn splits_a_leading_year() {
        assert_eq!(split_fiscal_year_prefix("令和6年度西区運営方針", None), Some((fy(2024), "西区運営方針")));
        assert_eq!(split_fiscal_year_prefix("6年度予算額", Some(Era::Reiwa)), Some((fy(2024), "予算額")));
        assert_eq!(split_fiscal_year_prefix("6年度予算額", None), None);
        assert_eq!(split_fiscal_year_prefix("令和10年度末までに", None), Some((fy(2028), "までに")));
        assert_eq!(split_fiscal_year_prefix("西区", None), None);
    }

    #[test]
    fn display_forms() {
        assert_eq!(fy(2024).label(Lang::Ja), "令和6年度（2024年度）");
        assert_eq!(fy(2019).label(Lang::Ja), "令和元年度（2019年度）");
        assert_eq!(fy(2018).label(Lang::Ja), "平成30年度（2018年度）");
        assert_eq!(fy(1989).era_label(), "平成元年度");
        assert_eq!(fy(1985).label(Lang::Ja), "1985年度");
        assert_eq!(fy(2024).label(Lang::En), "FY2024 (Reiwa 6)");
        assert_eq!(fy(2021).short_label(), "R3");
    }

    #[test]
    fn display_round_trips_for_every_year() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let year = fy(year);
            assert_eq!(parse_fiscal_year(&year.label(Lang::Ja), None), Ok(year));
            assert_eq!(parse_fiscal_year(&year.era_label(), None), Ok(year));
            assert_eq!(parse_fiscal_year(&format!("{}年度", year.start_year()), None), Ok(year));
            if let Some((era, era_year)) = year.era_year() {
                assert_eq!(parse_fiscal_year(&format!("{era_year}年度"), Some(era)), Ok(year));
                assert_eq!(parse_fiscal_year(&year.short_label(), None), Ok(year));
            }
        }
    }
}

/// Whether (year, month, day) is a calendar date.
pub fn is_date((year, month, day): (i32, u32, u32)) -> bool {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    };
    year > 1900 && (1..=days_in_month).contains(&day)
}

/// A date written `2025-01-20` or `2025/1/20`, when it is a calendar date.
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.trim().split(['-', '/']);
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    (parts.next().is_none() && is_date((year, month, day))).then_some((year, month, day))
}

/// The calendar date of a count of days from 1970-01-01 (Howard Hinnant's `civil_from_days`): for the edges
/// that turn a clock or a spreadsheet's serial date into a date.
pub fn date_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod date_tests {
    use super::date_from_days;

    #[test]
    fn dates_are_read_and_checked() {
        use super::parse_date;
        assert_eq!(parse_date("2025-01-20"), Some((2025, 1, 20)));
        assert_eq!(parse_date(" 2024/2/29 "), Some((2024, 2, 29)));
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("2025-01-20-1"), None);
        assert_eq!(parse_date("令和7年1月20日"), None);
    }

    #[test]
    fn days_to_dates() {
        assert_eq!(date_from_days(0), (1970, 1, 1));
        assert_eq!(date_from_days(19_814), (2024, 4, 1));
        assert_eq!(date_from_days(-25_508), (1900, 3, 1));
        assert_eq!(date_from_days(11_016), (2000, 2, 29));
    }
}
