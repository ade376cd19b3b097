//! The editor and the bulk actuals over the four real samples: every item's form reads back to the same item,
//! and the actuals template of every sample reads back as no change at all.

#![allow(clippy::unwrap_used)]

use hoshin_core::actuals::{plan, template};
use hoshin_core::edit::{item, outline, EditContext, FieldError, FormValues, ItemPath, OutlineEntry, Problem};
use hoshin_core::Lang;
use hoshin_import::samples::SAMPLES;

#[test]
fn every_items_form_reads_back_to_the_same_item() {
    for sample in &SAMPLES {
        let parsed = sample.parse();
        let year = parsed.fiscal_year.unwrap();
        let mut paths = vec![ItemPath::root()];
        paths.extend(outline(&parsed.content).into_iter().filter_map(|entry| match entry {
            OutlineEntry::Item { path, .. } => Some(path),
            OutlineEntry::Collection { .. } => None,
        }));
        assert!(paths.len() > 5, "{}: an outline", sample.file_name);
        for path in paths {
            let original = item(&parsed.content, &path).unwrap();
            let mut edited = original.clone();
            let values = FormValues::from_fields(&original.fields());
            if let Err(errors) = edited.apply(&values, EditContext::new(year)) {
                // A required field the document left empty (the summary layout's untitled issues) is asked
                // for; nothing else may be refused.
                let refused: Vec<_> = errors
                    .iter()
                    .filter(|error| {
                        !(error.problem == Problem::Required && values.get(&error.field).unwrap_or("").is_empty())
                    })
                    .collect();
                assert_eq!(
                    refused,
                    Vec::<&FieldError>::new(),
                    "{} {path}: the unchanged form is refused",
                    sample.file_name
                );
                continue;
            }
            assert_eq!(edited, original, "{} {path}: the unchanged form changes the item", sample.file_name);
        }
    }
}

#[test]
fn each_samples_actuals_template_reads_back_as_no_change() {
    for sample in &SAMPLES {
        let parsed = sample.parse();
        let year = parsed.fiscal_year.unwrap();
        let sheet: Vec<(usize, Vec<String>)> =
            template(&parsed.content, year, Lang::Ja).into_iter().enumerate().map(|(at, row)| (at + 1, row)).collect();
        let indicators: usize = parsed.content.issues.iter().map(|issue| issue.indicators.len()).sum();
        assert_eq!(sheet.len(), indicators + 1, "{}", sample.file_name);
        let planned = plan(&parsed.content, year, &sheet);
        let problems: Vec<String> = planned
            .problems
            .iter()
            .map(|found| format!("row {}: {}", found.row, found.problem.message(Lang::En)))
            .collect();
        if indicators == 0 {
            continue;
        }
        assert_eq!(problems, Vec::<String>::new(), "{}", sample.file_name);
        assert_eq!(planned.changes, [], "{}", sample.file_name);
        assert_eq!(planned.unchanged.len(), indicators, "{}", sample.file_name);
    }
}

#[test]
fn every_sample_round_trips_through_the_canonical_sheets_exactly() {
    for sample in &SAMPLES {
        let (header, content) = sample.parse().canonical_policy().unwrap();
        hoshin_import::fuzzing::assert_canonical_round_trip(sample.file_name, &header, &content);
    }
}
