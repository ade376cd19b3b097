//! The four published documents bundled with Hoshin (`fixtures/samples/`, described in docs/DOMAIN.md), with
//! what each does not say of itself: what `hoshin demo` loads, and what the tests of every crate read.

use hoshin_core::FiscalYear;

use crate::{Hints, Parsed};

/// A bundled document.
pub struct Sample {
    pub file_name: &'static str,
    pub text: &'static str,
    /// The city, which not every document names.
    pub city: &'static str,
    /// The fiscal year, for the summary layout that prints none (DOMAIN.md dates it around FY2019).
    pub fiscal_year: Option<i32>,
}

impl Sample {
    /// What a user importing the file would say with `--city` and `--fiscal-year`.
    pub fn hints(&self) -> Hints {
        Hints {
            city: Some(self.city.to_string()),
            fiscal_year: self.fiscal_year.and_then(FiscalYear::new),
            ..Hints::default()
        }
    }

    pub fn parse(&self) -> Parsed {
        crate::parse(self.text, &self.hints())
    }
}

/// The samples in file-name order.
pub const SAMPLES: [Sample; 4] = [
    Sample {
        file_name: "abeno-r5-issue5-yearend.txt",
        text: include_str!("../../../fixtures/samples/abeno-r5-issue5-yearend.txt"),
        city: "大阪市",
        fiscal_year: None,
    },
    Sample {
        file_name: "higashiyodogawa-plan20-summary.txt",
        text: include_str!("../../../fixtures/samples/higashiyodogawa-plan20-summary.txt"),
        city: "大阪市",
        fiscal_year: Some(2019),
    },
    Sample {
        file_name: "nishi-r6-plan.txt",
        text: include_str!("../../../fixtures/samples/nishi-r6-plan.txt"),
        city: "大阪市",
        fiscal_year: None,
    },
    Sample {
        file_name: "sumiyoshi-r6-yearend.txt",
        text: include_str!("../../../fixtures/samples/sumiyoshi-r6-yearend.txt"),
        city: "大阪市",
        fiscal_year: None,
    },
];

/// The sample whose file name starts with `prefix` (`"sumiyoshi"`).
pub fn sample(prefix: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|sample| sample.file_name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_names_its_organization_and_year() {
        let mut names: Vec<&str> = SAMPLES.iter().map(|sample| sample.file_name).collect();
        names.sort_unstable();
        assert_eq!(names, SAMPLES.iter().map(|sample| sample.file_name).collect::<Vec<_>>(), "in file-name order");
        for sample in &SAMPLES {
            let policy = sample.parse().policy().unwrap_or_else(|| panic!("{}", sample.file_name));
            assert_eq!(policy.organization.city.as_deref(), Some("大阪市"), "{}", sample.file_name);
        }
        assert_eq!(sample("sumiyoshi").map(|sample| sample.file_name), Some("sumiyoshi-r6-yearend.txt"));
        // The bundled texts are the files of fixtures/samples, all of them.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/samples");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, names);
        for sample in &SAMPLES {
            assert_eq!(std::fs::read_to_string(dir.join(sample.file_name)).unwrap(), sample.text);
        }
    }
}
