//! Exact numbers for values read from documents and for the arithmetic of judgment.
//!
//! Targets are inclusive (「以上」, 「以下」), so a threshold such as 40 % × 1.05 must compare exactly with an
//! actual of 42 %; floating point would get such ties wrong. A `Number` is a reduced fraction of two `i128`s.
//! Every operation is checked and returns `None` on overflow, which judgment reports as not evaluable.

use std::cmp::Ordering;
use std::fmt;

/// An exact rational number. Always reduced, with a positive denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Number {
    numerator: i128,
    denominator: i128,
}

/// Values read from text are limited to this many significant digits, which keeps every product far from
/// `i128` overflow.
pub const MAX_DIGITS: usize = 18;

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    // Nearly every number in a document fits in 64 bits, where division is several times faster.
    if let (Ok(mut x), Ok(mut y)) = (u64::try_from(a), u64::try_from(b)) {
        while y != 0 {
            let r = x % y;
            x = y;
            y = r;
        }
        return i128::from(x);
    }
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

impl Number {
    pub const ZERO: Number = Number { numerator: 0, denominator: 1 };
    pub const ONE: Number = Number { numerator: 1, denominator: 1 };
    pub const HUNDRED: Number = Number { numerator: 100, denominator: 1 };

    /// The fraction `numerator / denominator`, or `None` when the denominator is zero.
    pub fn ratio(numerator: i128, denominator: i128) -> Option<Number> {
        if denominator == 0 {
            return None;
        }
        let g = gcd(numerator, denominator).max(1);
        let sign = if denominator < 0 { -1 } else { 1 };
        if g == 1 && sign == 1 {
            return Some(Number { numerator, denominator });
        }
        Some(Number { numerator: sign * numerator / g, denominator: sign * denominator / g })
    }

    pub fn from_integer(value: i64) -> Number {
        Number { numerator: i128::from(value), denominator: 1 }
    }

    /// Reads ASCII digits with an optional decimal point and optional thousands commas: `12,000`, `43.9`, `.5`.
    /// Returns `None` for anything else, including more than [`MAX_DIGITS`] digits.
    pub fn parse_decimal(text: &str) -> Option<Number> {
        Number::parse_decimal_chars(text.chars())
    }

    /// [`Number::parse_decimal`] over characters, for scanners that work on `&[char]`.
    pub fn parse_decimal_chars(text: impl Iterator<Item = char>) -> Option<Number> {
        let mut last = None;
        let mut numerator: i128 = 0;
        let mut denominator: i128 = 1;
        let mut digits = 0usize;
        let mut seen_point = false;
        let mut seen_digit = false;
        let mut leading_zero = false;
        // Thousands separators group exactly three digits: 「12,000」, not 「12,0」 (found by fuzzing).
        let mut group: Option<usize> = None;
        for c in text {
            last = Some(c);
            match c {
                '0'..='9' => {
                    if digits == 0 && c == '0' {
                        leading_zero = true;
                    }
                    digits += 1;
                    if digits > MAX_DIGITS {
                        return None;
                    }
                    seen_digit = true;
                    numerator = numerator * 10 + i128::from(c as u8 - b'0');
                    if seen_point {
                        denominator *= 10;
                    } else if let Some(count) = group.as_mut() {
                        *count += 1;
                    }
                }
                '.' if !seen_point => {
                    if group.is_some_and(|count| count != 3) {
                        return None;
                    }
                    seen_point = true;
                }
                ',' if !seen_point && seen_digit => {
                    // The digits before the first separator are one to three, not led by a zero: 「0,224」 and
                    // 「1234,567」 are not thousands-grouped numbers, and guessing what they mean is not ours.
                    let first_group_bad = group.is_none() && (digits > 3 || leading_zero);
                    if first_group_bad || group.is_some_and(|count| count != 3) {
                        return None;
                    }
                    group = Some(0);
                }
                _ => return None,
            }
        }
        if !seen_digit || last == Some(',') || (!seen_point && group.is_some_and(|count| count != 3)) {
            return None;
        }
        Number::ratio(numerator, denominator)
    }

    pub fn numerator(self) -> i128 {
        self.numerator
    }

    pub fn denominator(self) -> i128 {
        self.denominator
    }

    pub fn is_zero(self) -> bool {
        self.numerator == 0
    }

    pub fn is_negative(self) -> bool {
        self.numerator < 0
    }

    /// The value as an integer when it is one.
    pub fn to_integer(self) -> Option<i128> {
        (self.denominator == 1).then_some(self.numerator)
    }

    /// An approximation for charts and statistics; never used for a judgment.
    #[allow(clippy::cast_precision_loss)]
    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    pub fn checked_add(self, other: Number) -> Option<Number> {
        let numerator = self
            .numerator
            .checked_mul(other.denominator)?
            .checked_add(other.numerator.checked_mul(self.denominator)?)?;
        Number::ratio(numerator, self.denominator.checked_mul(other.denominator)?)
    }

    pub fn checked_sub(self, other: Number) -> Option<Number> {
        self.checked_add(Number { numerator: other.numerator.checked_neg()?, ..other })
    }

    pub fn checked_mul(self, other: Number) -> Option<Number> {
        // Cross-reduce first so that products stay small.
        let g1 = gcd(self.numerator, other.denominator).max(1);
        let g2 = gcd(other.numerator, self.denominator).max(1);
        let numerator = (self.numerator / g1).checked_mul(other.numerator / g2)?;
        let denominator = (self.denominator / g2).checked_mul(other.denominator / g1)?;
        Number::ratio(numerator, denominator)
    }

    /// `self / other`, or `None` when `other` is zero or on overflow.
    pub fn checked_div(self, other: Number) -> Option<Number> {
        if other.numerator == 0 {
            return None;
        }
        self.checked_mul(Number { numerator: other.denominator, denominator: other.numerator }.normalized())
    }

    fn normalized(self) -> Number {
        if self.denominator < 0 {
            Number { numerator: -self.numerator, denominator: -self.denominator }
        } else {
            self
        }
    }

    /// Formats with at most `places` decimals, rounding half away from zero, without trailing zeros.
    pub fn format_rounded(self, places: u32) -> String {
        let scale = 10i128.pow(places);
        let scaled = self.numerator.saturating_mul(scale);
        let mut quotient = scaled / self.denominator;
        let remainder = scaled % self.denominator;
        if remainder.saturating_mul(2).abs() >= self.denominator {
            quotient += if scaled < 0 { -1 } else { 1 };
        }
        let negative = quotient < 0;
        let magnitude = quotient.unsigned_abs();
        let scale = scale.unsigned_abs();
        let whole = magnitude / scale;
        let mut fraction = magnitude % scale;
        let mut fraction_digits = places;
        while fraction_digits > 0 && fraction % 10 == 0 {
            fraction /= 10;
            fraction_digits -= 1;
        }
        let sign = if negative { "-" } else { "" };
        if fraction_digits == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction:0width$}", width = fraction_digits as usize)
        }
    }

    /// Whether the number written out (its [`Display`](fmt::Display) form) has at most [`MAX_DIGITS`] digits, so
    /// that it reads back.
    pub fn fits_digits(self) -> bool {
        self.to_string().chars().filter(char::is_ascii_digit).count() <= MAX_DIGITS
    }

    /// True when the decimal expansion terminates within `places` digits.
    pub fn is_exact_in(self, places: u32) -> bool {
        let scale = 10i128.pow(places);
        self.numerator.checked_mul(scale).is_some_and(|scaled| scaled % self.denominator == 0)
    }
}

/// 「12000」 → 「12,000」: documents write counts with thousands separators.
pub fn group_thousands(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |rest| ("-", rest));
    let (integer, fraction) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if integer.len() <= 3 {
        return number.to_string();
    }
    let mut out = String::with_capacity(number.len() + integer.len() / 3);
    out.push_str(sign);
    for (i, c) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive; widen through i128 checked products, falling back to floats only for
        // values far beyond anything a document holds.
        match (self.numerator.checked_mul(other.denominator), other.numerator.checked_mul(self.denominator)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_f64().partial_cmp(&other.to_f64()).unwrap_or(Ordering::Equal),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Exact decimals print in full (up to six places); others round to two places.
/// A decimal as written, every digit kept (a value read from a document has at most [`MAX_DIGITS`]); a
/// ratio whose expansion does not end (a computed threshold such as 100 × 1.05 ÷ 3) with two decimals.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A decimal ends iff the denominator has no prime factors but 2 and 5; it then has as many places as
        // the larger of their powers.
        let mut rest = self.denominator.unsigned_abs();
        let (mut twos, mut fives) = (0u32, 0u32);
        while rest % 2 == 0 {
            rest /= 2;
            twos += 1;
        }
        while rest % 5 == 0 {
            rest /= 5;
            fives += 1;
        }
        let places = twos.max(fives);
        let places = if rest == 1 && places <= MAX_DIGITS as u32 && self.is_exact_in(places) { places } else { 2 };
        f.write_str(&self.format_rounded(places))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse_decimal(text).unwrap()
    }

    #[test]
    fn parses_decimals() {
        let cases = [
            ("43.9", (439, 10)),
            ("12,000", (12000, 1)),
            ("1,234,567", (1_234_567, 1)),
            ("999,999.5", (1_999_999, 2)),
            ("0", (0, 1)),
            ("0.5", (1, 2)),
            (".5", (1, 2)),
            ("3.0", (3, 1)),
        ];
        for (text, (numerator, denominator)) in cases {
            let value = n(text);
            assert_eq!((value.numerator(), value.denominator()), (numerator, denominator), "{text}");
        }
        // The last four: a first group led by a zero or longer than three digits is no thousands grouping.
        let bad = ["", ".", "1.2.3", "1,", ",1", "1e5", "-1", "1234567890123456789", "12,0", "1,2345", "1,23.5"];
        for bad in bad.into_iter().chain(["0,224", "01,000", "1234,567", "0,000"]) {
            assert_eq!(Number::parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn exact_arithmetic_keeps_inclusive_ties() {
        // 「5%増」 of 40 % is 42 %, and an actual of exactly 42 % meets it.
        let threshold = n("40").checked_mul(n("1.05")).unwrap();
        assert_eq!(threshold, n("42"));
        assert_eq!(n("0.1").checked_add(n("0.2")).unwrap(), n("0.3"));
        assert_eq!(n("1").checked_div(n("3")).unwrap().format_rounded(2), "0.33");
        assert_eq!(n("1").checked_div(Number::ZERO), None);
    }

    #[test]
    fn display() {
        assert_eq!(n("43.90").to_string(), "43.9");
        assert_eq!(n("12,000").to_string(), "12000");
        assert_eq!(Number::ratio(2, 3).unwrap().to_string(), "0.67");
        assert_eq!(Number::ratio(-5, 2).unwrap().to_string(), "-2.5");
        // Found by fuzzing: a value read with more than six decimals was shown with two.
        assert_eq!(n("1.2115112").to_string(), "1.2115112");
        assert_eq!(n("33.24").format_rounded(1), "33.2");
        assert_eq!(n("0.05").format_rounded(1), "0.1");
    }

    #[test]
    fn ordering() {
        assert!(n("43.9") < n("55"));
        assert!(n("20") <= n("20.0"));
        assert!(Number::ratio(1, 3).unwrap() < n("0.34"));
    }
}
