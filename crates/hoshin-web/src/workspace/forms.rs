//! The editor's forms: an item's fields ([`hoshin_core::edit::Field`]) turned into what the template draws —
//! labels in the request's language, the values sent or stored, each field's error, and what the text reads
//! as (the yen of an amount, the meaning of a target) so that the editor sees how it will be judged.

use hoshin_core::edit::{
    choice_label, field_label, preview, EditContext, Field, FieldError, FormValues, Input, Item, Reading,
};
use hoshin_core::Lang;

pub struct OptionView {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

pub struct CellView {
    pub name: String,
    pub value: String,
    /// Non-empty for a column chosen from a list.
    pub options: Vec<OptionView>,
    pub error: Option<String>,
    pub preview: Option<String>,
    /// `money`, `target`, `measure` or `""`: what the script asks the server to read as the user types.
    pub reading: &'static str,
}

pub struct FieldView {
    pub name: String,
    pub label: &'static str,
    /// `line`, `text`, `lines`, `choice`, `check` or `table`.
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    pub options: Vec<OptionView>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<CellView>>,
    pub error: Option<String>,
    pub preview: Option<String>,
    pub reading: &'static str,
}

/// Blank rows a table field offers for adding.
const BLANK_ROWS: usize = 2;

fn reading_name(reading: Option<Reading>) -> &'static str {
    match reading {
        Some(Reading::Money) => "money",
        Some(Reading::Target) => "target",
        Some(Reading::Measure) => "measure",
        None => "",
    }
}

fn options(field: &str, codes: &[&str], selected: &str, lang: Lang) -> Vec<OptionView> {
    codes
        .iter()
        .map(|code| OptionView {
            code: (*code).to_string(),
            label: choice_label(field, code, lang),
            selected: *code == selected,
        })
        .collect()
}

fn shown(reading: Option<Reading>, text: &str, context: EditContext, lang: Lang) -> Option<String> {
    let reading = reading?;
    if text.trim().is_empty() {
        return None;
    }
    preview(reading, text, context, lang).ok()
}

/// The fields of `item` with the values of `values` (the stored item's own values on a fresh form, the sent
/// ones after an error) and the errors of the last attempt.
pub fn field_views(
    item: &Item,
    values: &FormValues,
    errors: &[FieldError],
    context: EditContext,
    lang: Lang,
) -> Vec<FieldView> {
    let error_of =
        |name: &str| errors.iter().find(|error| error.field == name).map(|error| error.problem.message(lang));
    item.fields()
        .into_iter()
        .map(|field: Field| {
            let name = field.name;
            let value = values.get(name).unwrap_or_default().to_string();
            let reading = Field::reading(name, None);
            let mut view = FieldView {
                name: name.to_string(),
                label: field_label(name, lang),
                kind: "line",
                value: value.clone(),
                required: field.required,
                options: Vec::new(),
                columns: Vec::new(),
                rows: Vec::new(),
                error: error_of(name),
                preview: shown(reading, &value, context, lang),
                reading: reading_name(reading),
            };
            match field.input {
                Input::Line => {}
                Input::Text => view.kind = "text",
                Input::Lines => view.kind = "lines",
                Input::Check => view.kind = "check",
                Input::Choice(codes) => {
                    view.kind = "choice";
                    view.options = options(name, codes, &value, lang);
                }
                Input::Table(columns) => {
                    view.kind = "table";
                    view.columns = columns.iter().map(|column| field_label(column, lang)).collect();
                    let sent = values.rows(name, columns);
                    let next = sent.iter().map(|(row, _)| row + 1).max().unwrap_or(0);
                    // A new budget row is most often a budget (予算額), not settled accounts.
                    let blank_cells: Vec<String> = columns
                        .iter()
                        .map(|column| if *column == "kind" { "planned".into() } else { String::new() })
                        .collect();
                    let blank = (next..next + BLANK_ROWS).map(|row| (row, blank_cells.clone()));
                    view.rows = sent
                        .into_iter()
                        .chain(blank)
                        .map(|(row, cells)| {
                            columns
                                .iter()
                                .zip(cells)
                                .map(|(column, value)| {
                                    let cell_name = format!("{name}.{row}.{column}");
                                    let reading = Field::reading(name, Some(column));
                                    let choices: &[&str] = match *column {
                                        "kind" => &["settled", "planned"],
                                        "mark" => &["", "A", "B"],
                                        _ => &[],
                                    };
                                    CellView {
                                        error: error_of(&cell_name),
                                        preview: shown(reading, &value, context, lang),
                                        options: options(column, choices, &value, lang),
                                        name: cell_name,
                                        value,
                                        reading: reading_name(reading),
                                    }
                                })
                                .collect()
                        })
                        .collect();
                }
            }
            view
        })
        .collect()
}

/// The fields of an item as label and text, for the read-only side of the conflict page.
pub fn field_texts(item: &Item, lang: Lang) -> Vec<(&'static str, String)> {
    item.fields()
        .into_iter()
        .map(|field| {
            let text = match field.input {
                Input::Table(_) => field.rows.iter().map(|row| row.join(" / ")).collect::<Vec<_>>().join("\n"),
                Input::Choice(_) => choice_label(field.name, &field.value, lang),
                _ => field.value.clone(),
            };
            (field_label(field.name, lang), text)
        })
        .collect()
}

/// A fingerprint of an item as stored: a form sends it back, and a save goes on over other people's edits
/// only when the item itself is still what the editor opened.
pub fn fingerprint(item: &Item) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{item:?}").as_bytes());
    digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect()
}

/// A sent form as name → value, without the workspace's own fields.
pub fn form_values(pairs: &[(String, String)]) -> FormValues {
    let mut values = FormValues::new();
    for (name, value) in pairs {
        if !matches!(name.as_str(), "csrf" | "revision" | "original" | "path" | "parent" | "collection") {
            values.set(name.clone(), value.clone());
        }
    }
    values
}

/// The first value of a form field.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}
