//! Measured values as documents print them: 「43.9%」, 「６地域」, 「12,000世帯」, 「3.7点」, 「☆☆」,
//! 「100% (11/11校園)」, activity levels such as 「年2回」, 「3回程度」, 「常時」, and 「－」 for *no value*.
//!
//! Every [`Measure`] keeps the text it was read from.

use std::fmt;

use thiserror::Error;

use crate::number::{group_thousands, Number};
use crate::text::{chars, is_dash, normalized_chars, starts_with_at};

/// The unit of a quantity. Percent and percentage points differ: 「5%増」 of 40 % is 42 %, 「5ポイント増」 is 45 %.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A bare number, such as a score 「3.0」.
    None,
    Percent,
    PercentagePoint,
    Yen,
    /// 「点」: a score.
    Point,
    /// 「☆」: the city's star rating.
    Star,
    /// A counter word: 件, 団体, 地域, 世帯, 人, 回, 校園 …
    Counter(String),
}

impl Unit {
    /// The unit as written after a number.
    pub fn symbol(&self) -> &str {
        match self {
            Unit::None => "",
            Unit::Percent => "%",
            Unit::PercentagePoint => "ポイント",
            Unit::Yen => "円",
            Unit::Point => "点",
            Unit::Star => "☆",
            Unit::Counter(word) => word,
        }
    }

    /// Whether a value in `other` can be compared with a target in `self`. A bare number compares with any
    /// unit (the document left the unit implicit); otherwise the units must be the same.
    pub fn compatible_with(&self, other: &Unit) -> bool {
        self == other || *self == Unit::None || *other == Unit::None
    }
}

/// A number with its unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    pub value: Number,
    pub unit: Unit,
}

impl Quantity {
    pub fn new(value: Number, unit: Unit) -> Quantity {
        Quantity { value, unit }
    }

    pub fn percent(value: Number) -> Quantity {
        Quantity { value, unit: Unit::Percent }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            Unit::Star => match self.value.to_integer() {
                Some(n @ 0..=10) => {
                    if n == 0 {
                        f.write_str("☆なし")
                    } else {
                        f.write_str(&"☆".repeat(usize::try_from(n).unwrap_or(0)))
                    }
                }
                _ => write!(f, "☆{}", self.value),
            },
            _ => write!(f, "{}{}", group_thousands(&self.value.to_string()), self.unit.symbol()),
        }
    }
}

/// An activity level that is not a number: 「常時」 (always), 「随時」 (as needed), 「通年」 (all year), 「適宜」.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Continuous {
    Always,
    AsNeeded,
    AllYear,
    AsAppropriate,
}

impl Continuous {
    pub fn label_ja(self) -> &'static str {
        match self {
            Continuous::Always => "常時",
            Continuous::AsNeeded => "随時",
            Continuous::AllYear => "通年",
            Continuous::AsAppropriate => "適宜",
        }
    }
}

/// The period of a frequency: 「年2回」, 「月1回」, 「週1回」, 「2ヶ月に1回」.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Per {
    Year,
    Month,
    Week,
    Day,
    Months(u32),
}

/// What a measured value says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reading {
    /// A number with a unit.
    Value(Quantity),
    /// A count of occurrences, possibly per period: 「年2回」, 「各2回程度」, 「3回」.
    Frequency {
        count: Number,
        per: Option<Per>,
        /// 「各」: the count applies to each of several things.
        each: bool,
        /// 「程度」: about.
        approximate: bool,
    },
    /// 「常時」, 「随時」, 「通年」, 「適宜」.
    Continuous(Continuous),
    /// The document shows that there is no value (「－」 in a previous-year column).
    NoValue,
}

/// A value read from a document: what it says, an optional parenthesised or trailing detail
/// (「11/11校園」, 「R3指標: 80%」, 「フォロワー数」, 「発行」) and the original text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Measure {
    pub reading: Reading,
    pub detail: Option<String>,
    pub original: String,
}

impl Measure {
    /// The number and unit, when the reading is a number or a count.
    pub fn quantity(&self) -> Option<Quantity> {
        match &self.reading {
            Reading::Value(quantity) => Some(quantity.clone()),
            Reading::Frequency { count, .. } => Some(Quantity::new(*count, Unit::Counter("回".into()))),
            Reading::Continuous(_) | Reading::NoValue => None,
        }
    }

    pub fn is_no_value(&self) -> bool {
        self.reading == Reading::NoValue
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Why a value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum QuantityError {
    #[error("no value given")]
    Empty,
    #[error("「{0}」 is not a value: write a number with its unit (43.9%, 6地域, 3件), 年2回, 常時, or － for none")]
    Unrecognized(String),
}

/// Counter words recognised after a number, longest first so that 「校園」 wins over 「校」.
const COUNTERS: &[&[char]] = &[
    chars!("%"),
    chars!("ポイント"),
    chars!("か所"),
    chars!("カ所"),
    chars!("ヶ所"),
    chars!("箇所"),
    chars!("店舗"),
    chars!("施設"),
    chars!("事業"),
    chars!("種類"),
    chars!("時間"),
    chars!("校園"),
    chars!("団体"),
    chars!("地域"),
    chars!("世帯"),
    chars!("件"),
    chars!("人"),
    chars!("名"),
    chars!("回"),
    chars!("校"),
    chars!("園"),
    chars!("台"),
    chars!("部"),
    chars!("社"),
    chars!("戸"),
    chars!("本"),
    chars!("冊"),
    chars!("枚"),
    chars!("日"),
    chars!("分"),
    chars!("円"),
    chars!("点"),
    chars!("歳"),
];

/// Words that end an unknown counter: comparators and the clauses that follow a value in a target.
/// 「年度」 (a year) and 「ヶ月に」 (a frequency, 「2ヶ月に1回」) are never the start of a counter: written back, such a
/// value would read as a year or a frequency (found by fuzzing).
const UNIT_STOPS: &[&[char]] = &[
    chars!("目標"),
    chars!("新規"),
    chars!("以上"),
    chars!("以下"),
    chars!("未満"),
    chars!("超"),
    chars!("を"),
    chars!("程度"),
    chars!("とする"),
    chars!("かつ"),
    chars!("増"),
    chars!("減"),
    chars!("の"),
    chars!("年度"),
    chars!("ヶ月に"),
    chars!("か月に"),
    chars!("カ月に"),
    chars!("ヵ月に"),
    chars!("ケ月に"),
];

/// Reads a measured value. Full-width digits and signs are accepted.
pub fn parse_measure(text: &str) -> Result<Measure, QuantityError> {
    let original = text.trim();
    if original.is_empty() {
        return Err(QuantityError::Empty);
    }
    let unrecognized = || QuantityError::Unrecognized(original.to_string());
    let make = |reading, detail: Option<String>| Measure { reading, detail, original: original.to_string() };
    let normalized = normalized_chars(original);
    if normalized.iter().all(|c| is_dash(*c)) {
        return Ok(make(Reading::NoValue, None));
    }
    // A trailing parenthesised detail: 「100% (11/11校園)」, 「82.9% (R3指標: 80%)」.
    let (body, paren_detail) = split_trailing_paren(&normalized);
    if body.is_empty() {
        return Err(unrecognized());
    }
    let continuous = match body {
        ['常', '時'] => Some(Continuous::Always),
        ['随', '時'] => Some(Continuous::AsNeeded),
        ['通', '年'] => Some(Continuous::AllYear),
        ['適', '宜'] => Some(Continuous::AsAppropriate),
        _ => None,
    };
    if let Some(level) = continuous {
        return Ok(make(Reading::Continuous(level), paren_detail));
    }
    if matches!(body.first(), Some('☆' | '★' | '星')) {
        let text: String = body.iter().collect();
        if let Some(stars) = parse_stars(&text) {
            return Ok(make(Reading::Value(Quantity::new(Number::from_integer(stars), Unit::Star)), paren_detail));
        }
    }
    let scanned = scan_quantity(body).ok_or_else(unrecognized)?;
    let rest = &body[scanned.len..];
    let detail = match (rest.is_empty(), paren_detail) {
        (true, detail) => detail,
        (false, None) => Some(rest.iter().collect()),
        (false, Some(paren)) => Some(format!("{}({paren})", rest.iter().collect::<String>())),
    };
    Ok(make(scanned.reading, detail))
}

/// Splits 「100%(11/11校園)」 into 「100%」 and 「11/11校園」.
fn split_trailing_paren(chars: &[char]) -> (&[char], Option<String>) {
    if chars.last() == Some(&')') {
        if let Some(open) = chars.iter().rposition(|&c| c == '(') {
            let inner: String = chars[open + 1..chars.len() - 1].iter().collect();
            return (&chars[..open], Some(inner.trim().to_string()));
        }
    }
    (chars, None)
}

/// 「☆☆」, 「★★★」, 「星2つ」, 「☆なし」, 「星なし」 → the number of stars.
pub(crate) fn parse_stars(text: &str) -> Option<i64> {
    if text == "☆なし" || text == "星なし" {
        return Some(0);
    }
    if !text.is_empty() && text.chars().all(|c| c == '☆' || c == '★') {
        return i64::try_from(text.chars().count()).ok();
    }
    let digits = text.strip_prefix('星')?.strip_suffix('つ')?;
    let value =
        digits.parse::<i64>().ok().or_else(|| crate::text::kanji_digit(digits.chars().next()?).map(i64::from))?;
    Some(value)
}

/// A quantity or frequency found at the start of a character slice.
pub(crate) struct ScannedQuantity {
    pub reading: Reading,
    pub len: usize,
}

/// Reads a number with its unit, or a frequency, at the start of `chars` (normalised, no whitespace).
/// Text after the unit is left for the caller.
pub(crate) fn scan_quantity(chars: &[char]) -> Option<ScannedQuantity> {
    // Every quantity starts with a digit, a sign, or a frequency prefix: reject anything else at once.
    if !chars
        .first()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '週' | '日' | '毎' | '各' | '▲' | '-'))
    {
        return None;
    }
    let mut pos = 0;
    let starts_with = |pos: usize, prefix: &[char]| starts_with_at(chars, pos, prefix);
    // Frequency prefixes.
    let mut per = None;
    let mut each = false;
    for (prefix, period) in [
        (chars!("毎年"), Per::Year),
        (chars!("毎月"), Per::Month),
        (chars!("毎週"), Per::Week),
        (chars!("年"), Per::Year),
        (chars!("月"), Per::Month),
        (chars!("週"), Per::Week),
        (chars!("日"), Per::Day),
    ] {
        if starts_with(0, prefix) && chars.get(prefix.len()).is_some_and(|c| c.is_ascii_digit()) {
            per = Some(period);
            pos = prefix.len();
            break;
        }
    }
    if per.is_none() && starts_with(0, chars!("各")) && chars.get(1).is_some_and(char::is_ascii_digit) {
        each = true;
        pos = 1;
    }
    if per.is_none() && !each {
        // 「2ヶ月に1回」
        let digits_end = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits_end > 0 {
            for marker in [chars!("ヶ月に"), chars!("か月に"), chars!("カ月に"), chars!("ケ月に")] {
                if starts_with(digits_end, marker) {
                    let months: String = chars[..digits_end].iter().collect();
                    per = Some(Per::Months(months.parse().ok()?));
                    pos = digits_end + marker.len();
                }
            }
        }
    }
    let negative = match chars.get(pos) {
        Some('▲') => true,
        Some('-') if chars.get(pos + 1).is_some_and(char::is_ascii_digit) => true,
        _ => false,
    };
    if negative {
        pos += 1;
    }
    let digits_start = pos;
    while chars.get(pos).is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == ',') {
        pos += 1;
    }
    // A trailing comma or point belongs to the sentence, not the number.
    while pos > digits_start && matches!(chars[pos - 1], ',' | '.') {
        pos -= 1;
    }
    if pos == digits_start {
        return None;
    }
    let mut value = Number::parse_decimal_chars(chars[digits_start..pos].iter().copied())?;
    if negative {
        value = Number::ZERO.checked_sub(value)?;
    }
    // 万 as a multiplier inside a count: 「1万人」.
    if chars.get(pos) == Some(&'万') && !starts_with(pos, chars!("万円")) {
        value = value.checked_mul(Number::from_integer(10_000))?;
        // Found by fuzzing: 「222222222222222万」 is more digits than a value written out can have.
        if !value.fits_digits() {
            return None;
        }
        pos += 1;
    }
    if starts_with(pos, chars!("回")) {
        pos += 1;
        let approximate = starts_with(pos, chars!("程度"));
        if approximate {
            pos += 2;
        }
        return Some(ScannedQuantity {
            reading: Reading::Frequency { count: value, per, each, approximate },
            len: pos,
        });
    }
    if per.is_some() || each {
        return None;
    }
    let unit = COUNTERS.iter().find(|word| starts_with(pos, word)).map(|word| {
        pos += word.len();
        match *word {
            ['%'] => Unit::Percent,
            ['ポ', 'イ', 'ン', 'ト'] => Unit::PercentagePoint,
            ['円'] => Unit::Yen,
            ['点'] => Unit::Point,
            other => Unit::Counter(other.iter().collect()),
        }
    });
    let unit = match unit {
        Some(unit) => unit,
        None => {
            // A multiplier where a unit should be (「0万万」, 「5百」) is not a quantity this parser understands.
            if chars.get(pos).is_some_and(|c| "万億千百十".contains(*c)) {
                return None;
            }
            // An unknown counter: take the run of characters up to a digit, bracket or separator.
            let start = pos;
            let in_counter = |c: &char| {
                let separator = c.is_ascii_punctuation() && *c != '/';
                // Stars are a value of their own (「☆☆以上」), never part of a counter (found by fuzzing).
                !(c.is_ascii_alphanumeric() || separator || "（）：、・。 ☆★".contains(*c))
            };
            while chars.get(pos).is_some_and(in_counter)
                && pos - start < 6
                && !UNIT_STOPS.iter().any(|stop| starts_with(pos, stop))
            {
                pos += 1;
            }
            if pos == start {
                Unit::None
            } else {
                Unit::Counter(chars[start..pos].iter().collect())
            }
        }
    };
    Some(ScannedQuantity { reading: Reading::Value(Quantity::new(value, unit)), len: pos })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> (String, Unit) {
        match parse_measure(text).unwrap_or_else(|e| panic!("{text}: {e}")).reading {
            Reading::Value(quantity) => (quantity.value.to_string(), quantity.unit),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn counter(word: &str) -> Unit {
        Unit::Counter(word.to_string())
    }

    #[test]
    fn numbers_with_units() {
        assert_eq!(value("43.9%"), ("43.9".into(), Unit::Percent));
        assert_eq!(value("69.4％"), ("69.4".into(), Unit::Percent));
        assert_eq!(value("６地域"), ("6".into(), counter("地域")));
        assert_eq!(value("３件"), ("3".into(), counter("件")));
        assert_eq!(value("12,000世帯"), ("12000".into(), counter("世帯")));
        assert_eq!(value("3団体"), ("3".into(), counter("団体")));
        assert_eq!(value("11校園"), ("11".into(), counter("校園")));
        assert_eq!(value("3.7点"), ("3.7".into(), Unit::Point));
        assert_eq!(value("3.0"), ("3".into(), Unit::None));
        assert_eq!(value("☆☆"), ("2".into(), Unit::Star));
        assert_eq!(value("星3つ"), ("3".into(), Unit::Star));
        assert_eq!(value("☆なし"), ("0".into(), Unit::Star));
        assert_eq!(value("51,228閲覧/月"), ("51228".into(), counter("閲覧/月")));
        assert_eq!(value("1万人"), ("10000".into(), counter("人")));
        assert!(parse_measure("222222222222222万").is_err(), "more digits than a value can be written with");
        assert_eq!(value("8年目☆"), ("8".into(), counter("年目")), "a star ends a counter");
        assert_eq!(value("▲5%"), ("-5".into(), Unit::Percent));
        assert_eq!(value("5ポイント"), ("5".into(), Unit::PercentagePoint));
    }

    #[test]
    fn details_are_kept() {
        let measure = parse_measure("100% (11/11校園)").unwrap();
        assert_eq!(measure.quantity(), Some(Quantity::percent(Number::HUNDRED)));
        assert_eq!(measure.detail.as_deref(), Some("11/11校園"));
        let measure = parse_measure("82.9% (R3指標: 80%)").unwrap();
        assert_eq!(measure.detail.as_deref(), Some("R3指標:80%"));
        assert_eq!(measure.original, "82.9% (R3指標: 80%)");
        let measure = parse_measure("5,195人(フォロワー数)").unwrap();
        assert_eq!(measure.detail.as_deref(), Some("フォロワー数"));
        let measure = parse_measure("11回発行").unwrap();
        assert_eq!(measure.detail.as_deref(), Some("発行"));
    }

    #[test]
    fn frequencies_and_levels() {
        let reading = |text| parse_measure(text).unwrap().reading;
        let two = Number::from_integer(2);
        assert_eq!(
            reading("年2回"),
            Reading::Frequency { count: two, per: Some(Per::Year), each: false, approximate: false }
        );
        assert_eq!(reading("各2回程度"), Reading::Frequency { count: two, per: None, each: true, approximate: true });
        assert_eq!(
            reading("2ヶ月に1回"),
            Reading::Frequency { count: Number::ONE, per: Some(Per::Months(2)), each: false, approximate: false }
        );
        assert_eq!(
            reading("月1回"),
            Reading::Frequency { count: Number::ONE, per: Some(Per::Month), each: false, approximate: false }
        );
        assert_eq!(reading("常時"), Reading::Continuous(Continuous::Always));
        assert_eq!(reading("随時"), Reading::Continuous(Continuous::AsNeeded));
        assert_eq!(reading("通年"), Reading::Continuous(Continuous::AllYear));
    }

    #[test]
    fn no_value() {
        for text in ["－", "-", "—", "―"] {
            assert!(parse_measure(text).unwrap().is_no_value(), "{text}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        assert_eq!(parse_measure(" "), Err(QuantityError::Empty));
        for bad in ["高い", "年回", "(注)", "%"] {
            assert!(matches!(parse_measure(bad), Err(QuantityError::Unrecognized(_))), "{bad}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(Quantity::percent(Number::parse_decimal("43.9").unwrap()).to_string(), "43.9%");
        assert_eq!(Quantity::new(Number::from_integer(2), Unit::Star).to_string(), "☆☆");
        assert_eq!(Quantity::new(Number::from_integer(12), counter("地域")).to_string(), "12地域");
        assert_eq!(Quantity::new(Number::from_integer(12000), counter("世帯")).to_string(), "12,000世帯");
        assert_eq!(Quantity::new(Number::parse_decimal("1234567.5").unwrap(), Unit::Yen).to_string(), "1,234,567.5円");
        assert_eq!(Quantity::new(Number::from_integer(-1500), Unit::None).to_string(), "-1,500");
    }
}
