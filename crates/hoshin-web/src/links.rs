//! The site's permalinks, built in one place. Japanese pages live at `/…`, English ones at `/en/…`.
//! Organization and city names are path segments, percent-encoded; an organization without a known city
//! has `-` in the city's place.

use hoshin_core::{FiscalYear, Lang, Organization};
use hoshin_store::PolicyKey;

/// The city segment of an organization without a known city.
pub const NO_CITY: &str = "-";

/// Links for one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Links {
    pub lang: Lang,
}

impl Links {
    pub fn new(lang: Lang) -> Links {
        Links { lang }
    }

    /// `""` for Japanese, `"/en"` for English.
    pub fn prefix(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "",
            Lang::En => "/en",
        }
    }

    pub fn home(&self) -> String {
        format!("{}/", self.prefix())
    }

    pub fn organization(&self, organization: &Organization) -> String {
        format!("{}/organizations/{}", self.prefix(), organization_path(organization))
    }

    pub fn policy(&self, key: &PolicyKey) -> String {
        format!("{}/policies/{}/{}", self.prefix(), organization_path(&key.organization), key.fiscal_year.start_year())
    }

    pub fn policy_version(&self, key: &PolicyKey, seq: i64) -> String {
        format!("{}?version={seq}", self.policy(key))
    }

    pub fn diff(&self, key: &PolicyKey, from: i64, to: i64) -> String {
        format!("{}/diff?from={from}&to={to}", self.policy(key))
    }

    pub fn indicator(&self, series_id: i64) -> String {
        format!("{}/indicators/{series_id}", self.prefix())
    }

    pub fn compare_index(&self) -> String {
        format!("{}/compare", self.prefix())
    }

    pub fn compare(&self, common_key: &str, fiscal_year: FiscalYear) -> String {
        format!("{}/compare/{}/{}", self.prefix(), encode_segment(common_key), fiscal_year.start_year())
    }

    pub fn search(&self) -> String {
        format!("{}/search", self.prefix())
    }

    pub fn data(&self) -> String {
        format!("{}/data", self.prefix())
    }

    pub fn dictionary(&self) -> String {
        format!("{}/data/dictionary", self.prefix())
    }

    /// The same page in the other language: `path_and_query` is the request's, without the prefix.
    pub fn switch(&self, path_and_query: &str) -> String {
        match self.lang {
            Lang::Ja => format!("/en{path_and_query}"),
            Lang::En => path_and_query.to_string(),
        }
    }
}

/// `city/name`, each percent-encoded.
pub fn organization_path(organization: &Organization) -> String {
    let city = organization.city.as_deref().filter(|city| !city.is_empty()).unwrap_or(NO_CITY);
    format!("{}/{}", encode_segment(city), encode_segment(&organization.name))
}

/// The organization a `city/name` pair of decoded path segments names.
pub fn organization_from_path(city: &str, name: &str) -> Organization {
    let city = (city != NO_CITY && !city.is_empty()).then_some(city);
    Organization::new(name, city)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Percent-encodes a query value (spaces as `+`).
pub fn encode_query(text: &str) -> String {
    encode_segment(text).replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks() {
        let links = Links::new(Lang::Ja);
        let key = PolicyKey {
            organization: Organization::new("住吉区", Some("大阪市")),
            fiscal_year: FiscalYear::new(2024).unwrap(),
        };
        assert_eq!(links.policy(&key), "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024");
        assert_eq!(Links::new(Lang::En).indicator(7), "/en/indicators/7");
        assert_eq!(links.switch("/search?q=x"), "/en/search?q=x");
        assert_eq!(Links::new(Lang::En).switch("/search?q=x"), "/search?q=x");
        let nowhere = Organization::new("西区", None);
        assert_eq!(organization_path(&nowhere), "-/%E8%A5%BF%E5%8C%BA");
        assert_eq!(organization_from_path("-", "西区"), nowhere);
        assert_eq!(encode_query("防災 地域"), "%E9%98%B2%E7%81%BD+%E5%9C%B0%E5%9F%9F");
    }
}
