//! Spreadsheet import: the two-sheet layout curators keep in Kumu and
//! spreadsheets (entities: id, label, kind, aliases; relations: from, type,
//! to, modality, source, quote) read from CSV into TOML records written in
//! the canonical layout of [`crate::canonical`]. Every bad cell is reported
//! with its row and column; the records come with the row each was read
//! from, so that problems found later (by validation) point back at the
//! sheet too.

use std::ops::Range;

use crate::load::{is_iso_date, is_name, is_qid, is_relation_id, is_slug};
use crate::model::Modality;

/// The separator of several values in one cell, as Kumu writes them.
pub const LIST_SEPARATOR: char = '|';

/// A problem with a cell (or a whole row, or the header) of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based, the header being row 1, as a spreadsheet numbers rows.
    pub row: usize,
    /// 1-based column and its header name, when the problem is in a cell.
    pub column: Option<(usize, String)>,
    /// The stable code of a validation problem traced back to this cell
    /// (docs/diagnostics.md); `None` for the sheet's own checks.
    pub code: Option<&'static str>,
    pub message: String,
}

/// One sheet read into TOML records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// The records, canonical TOML, one blank line between records.
    pub toml: String,
    /// For each record: its bytes in `toml`, the sheet row it came from.
    pub rows: Vec<(Range<usize>, usize)>,
    /// The sheet's header: column names, lowercase.
    pub columns: Vec<String>,
}

impl Records {
    /// The sheet row and column (1-based, with its name) that produced the
    /// TOML at `offset`, read from the key on that line.
    pub fn cell_at(&self, offset: usize) -> Option<(usize, Option<(usize, String)>)> {
        let (range, row) = self
            .rows
            .iter()
            .find(|(range, _)| range.contains(&offset))?;
        let line_start = self.toml[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.toml[line_start..];
        let key = line.split(" = ").next().unwrap_or_default();
        let column = self
            .columns
            .iter()
            .position(|column| column == key)
            .map(|index| (index + 1, key.to_owned()));
        debug_assert!(range.start <= line_start);
        Some((*row, column))
    }
}

/// Columns of the entity sheet: required first.
const ENTITY_COLUMNS: [&str; 6] = ["id", "label", "kind", "aliases", "description", "wikidata"];
const ENTITY_REQUIRED: usize = 3;
/// Columns of the relation sheet: required first.
const RELATION_COLUMNS: [&str; 12] = [
    "from",
    "type",
    "to",
    "modality",
    "source",
    "quote",
    "id",
    "negated",
    "attributed_to",
    "note",
    "date",
    "occurrence",
];
const RELATION_REQUIRED: usize = 6;

/// A sheet's rows as cells by column name.
struct Sheet {
    columns: Vec<String>,
    /// (sheet row, cells in column order)
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn read(
        bytes: &[u8],
        known: &[&str],
        required: usize,
        problems: &mut Vec<RowProblem>,
    ) -> Option<Sheet> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
            Err(error) => {
                problems.push(RowProblem {
                    row: 1 + bytes[..error.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count(),
                    column: None,
                    code: None,
                    message: "not UTF-8: save the sheet as CSV UTF-8".to_owned(),
                });
                return None;
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(header)) => header,
            Some(Err(error)) => {
                problems.push(RowProblem {
                    row: 1,
                    column: None,
                    code: None,
                    message: format!("unreadable header: {error}"),
                });
                return None;
            }
            None => {
                problems.push(RowProblem {
                    row: 1,
                    column: None,
                    code: None,
                    message: format!(
                        "empty sheet: the first row names the columns ({})",
                        known.join(", ")
                    ),
                });
                return None;
            }
        };
        let columns: Vec<String> = header
            .iter()
            .map(|name| name.trim().to_ascii_lowercase())
            .collect();
        let mut ok = true;
        for (index, column) in columns.iter().enumerate() {
            if !known.contains(&column.as_str()) {
                ok = false;
                problems.push(RowProblem {
                    row: 1,
                    column: Some((index + 1, column.clone())),
                    code: None,
                    message: format!(
                        "unknown column `{column}`{}: the columns are {}",
                        crate::diagnostic::did_you_mean(column, known.iter().copied()),
                        known.join(", ")
                    ),
                });
            } else if columns[..index].contains(column) {
                ok = false;
                problems.push(RowProblem {
                    row: 1,
                    column: Some((index + 1, column.clone())),
                    code: None,
                    message: format!("column `{column}` appears twice"),
                });
            }
        }
        for name in &known[..required] {
            if !columns.iter().any(|column| column == name) {
                ok = false;
                problems.push(RowProblem {
                    row: 1,
                    column: None,
                    code: None,
                    message: format!("no `{name}` column"),
                });
            }
        }
        let mut rows = Vec::new();
        // Rows as a spreadsheet counts them: a cell spanning lines is one row.
        for (index, record) in records.enumerate() {
            let row = index + 2;
            match record {
                Ok(record) => {
                    if record.iter().all(|cell| cell.trim().is_empty()) {
                        continue;
                    }
                    if record.len() > columns.len() {
                        problems.push(RowProblem {
                            row,
                            column: Some((columns.len() + 1, String::new())),
                            code: None,
                            message: format!(
                                "{} cells, but the header names {} columns",
                                record.len(),
                                columns.len()
                            ),
                        });
                        continue;
                    }
                    let mut cells: Vec<String> =
                        record.iter().map(|cell| cell.trim().to_owned()).collect();
                    cells.resize(columns.len(), String::new());
                    rows.push((row, cells));
                }
                Err(error) => problems.push(RowProblem {
                    row,
                    column: None,
                    code: None,
                    message: format!("unreadable row: {error}"),
                }),
            }
        }
        ok.then_some(Sheet { columns, rows })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column == name)
    }
}

/// The cells of one row, with checks that report where they fail.
struct Row<'a> {
    sheet: &'a Sheet,
    row: usize,
    cells: &'a [String],
    problems: &'a mut Vec<RowProblem>,
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.sheet
            .column(name)
            .map_or("", |index| self.cells[index].as_str())
    }

    fn problem(&mut self, name: &str, message: String) {
        let column = self
            .sheet
            .column(name)
            .map(|index| (index + 1, name.to_owned()));
        self.problems.push(RowProblem {
            row: self.row,
            column,
            code: None,
            message,
        });
    }

    /// A required cell, checked with `valid`.
    fn required(&mut self, name: &str, valid: fn(&str) -> bool, rule: &str) -> String {
        let value = self.get(name).to_owned();
        if value.is_empty() {
            self.problem(name, format!("`{name}` is empty"));
        } else if !valid(&value) {
            self.problem(name, format!("`{value}` is not {rule}"));
        }
        value
    }

    /// An optional cell, checked with `valid` when present.
    fn optional(&mut self, name: &str, valid: fn(&str) -> bool, rule: &str) -> Option<String> {
        let value = self.get(name).to_owned();
        if value.is_empty() {
            return None;
        }
        if !valid(&value) {
            self.problem(name, format!("`{value}` is not {rule}"));
        }
        Some(value)
    }

    fn list(&mut self, name: &str, valid: fn(&str) -> bool, rule: &str) -> Vec<String> {
        let items: Vec<String> = self
            .get(name)
            .split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect();
        for item in &items {
            if !valid(item) {
                self.problem(name, format!("`{item}` is not {rule}"));
            }
        }
        items
    }
}

fn any_text(_: &str) -> bool {
    true
}

fn is_modality(text: &str) -> bool {
    text.parse::<Modality>().is_ok()
}

fn is_boolean(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no"
    )
}

fn is_occurrence(text: &str) -> bool {
    text.parse::<u32>().is_ok_and(|n| n >= 1)
}

fn quoted(text: &str) -> String {
    use toml_writer::ToTomlValue;
    toml_writer::TomlStringBuilder::new(text)
        .as_basic()
        .to_toml_value()
}

fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| quoted(item)).collect();
    format!("[{}]", items.join(", "))
}

/// Builds records, each starting with a blank line but the first.
struct Writer {
    records: Records,
}

impl Writer {
    fn new(columns: &[String]) -> Writer {
        Writer {
            records: Records {
                columns: columns.to_vec(),
                ..Records::default()
            },
        }
    }

    fn record(&mut self, row: usize, lines: &[(&str, Option<String>)], header: &str) {
        if !self.records.toml.is_empty() {
            self.records.toml.push('\n');
        }
        let start = self.records.toml.len();
        self.records.toml.push_str(header);
        self.records.toml.push('\n');
        self.push_lines(lines);
        self.records
            .rows
            .push((start..self.records.toml.len(), row));
    }

    fn push_lines(&mut self, lines: &[(&str, Option<String>)]) {
        for (key, value) in lines {
            if let Some(value) = value {
                self.records.toml.push_str(&format!("{key} = {value}\n"));
            }
        }
    }

    /// Continues the last record (its evidence).
    fn extend_last(&mut self, lines: &[(&str, Option<String>)], header: &str) {
        self.records.toml.push_str(header);
        self.records.toml.push('\n');
        self.push_lines(lines);
        if let Some((range, _)) = self.records.rows.last_mut() {
            range.end = self.records.toml.len();
        }
    }
}

/// Reads an entity sheet into `[[entity]]` records, and every problem
/// found in it. Rows with bad cells are written too, as they stand, so that
/// validating the records finds what refers to them; `None` if the sheet
/// cannot be read at all (its header is wrong).
pub fn entities(bytes: &[u8]) -> (Option<Records>, Vec<RowProblem>) {
    let mut problems = Vec::new();
    let Some(sheet) = Sheet::read(bytes, &ENTITY_COLUMNS, ENTITY_REQUIRED, &mut problems) else {
        return (None, problems);
    };
    let mut writer = Writer::new(&sheet.columns);
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (row, cells) in &sheet.rows {
        let mut cells_of = Row {
            sheet: &sheet,
            row: *row,
            cells,
            problems: &mut problems,
        };
        let id = cells_of.required(
            "id",
            is_slug,
            "a slug: lowercase letters and digits, words joined by `-`",
        );
        let label = cells_of.required("label", any_text, "a label");
        let kind = cells_of.required("kind", is_name, "a kind name: lowercase, `_` between words");
        let aliases = cells_of.list("aliases", any_text, "an alias");
        let description = cells_of.optional("description", any_text, "a description");
        let wikidata = cells_of.optional("wikidata", is_qid, "a Wikidata id such as `Q7184`");
        if let Some((_, first)) = seen.iter().find(|(seen_id, _)| *seen_id == id) {
            let first = *first;
            cells_of.problem("id", format!("id `{id}` is also on row {first}"));
        } else if !id.is_empty() {
            seen.push((id.clone(), *row));
        }
        writer.record(
            *row,
            &[
                ("id", Some(quoted(&id))),
                ("label", Some(quoted(&label))),
                ("kind", Some(quoted(&kind))),
                (
                    "aliases",
                    (!aliases.is_empty()).then(|| quoted_list(&aliases)),
                ),
                ("description", description.as_deref().map(quoted)),
                ("wikidata", wikidata.as_deref().map(quoted)),
            ],
            "[[entity]]",
        );
    }
    problems.sort_by_key(|problem| (problem.row, problem.column.as_ref().map(|c| c.0)));
    (Some(writer.records), problems)
}

/// Reads a relation sheet into `[[relation]]` records, one per row, each
/// with its quote as evidence, as [`entities`] does.
pub fn relations(bytes: &[u8]) -> (Option<Records>, Vec<RowProblem>) {
    let mut problems = Vec::new();
    let Some(sheet) = Sheet::read(bytes, &RELATION_COLUMNS, RELATION_REQUIRED, &mut problems)
    else {
        return (None, problems);
    };
    let mut writer = Writer::new(&sheet.columns);
    for (row, cells) in &sheet.rows {
        let mut cells_of = Row {
            sheet: &sheet,
            row: *row,
            cells,
            problems: &mut problems,
        };
        const ENTITY_ID: &str = "an entity id (a slug)";
        let from = cells_of.required("from", is_slug, ENTITY_ID);
        let relation_type = cells_of.required(
            "type",
            is_name,
            "a relation type name: lowercase, `_` between words",
        );
        let to = cells_of.required("to", is_slug, ENTITY_ID);
        let modality = cells_of.required(
            "modality",
            is_modality,
            "a modality: actual, historical, proposed, hypothetical or recommended",
        );
        let source = cells_of.required("source", is_slug, "a source id (a slug)");
        let quote = cells_of.required("quote", any_text, "a quote");
        let id = cells_of.optional("id", is_relation_id, "a relation id");
        let negated = cells_of
            .optional("negated", is_boolean, "true or false")
            .is_some_and(|value| matches!(value.to_ascii_lowercase().as_str(), "true" | "yes"));
        let attributed_to = cells_of.list("attributed_to", is_slug, ENTITY_ID);
        let note = cells_of.optional("note", any_text, "a note");
        let date = cells_of.optional("date", is_iso_date, "a date: YYYY, YYYY-MM or YYYY-MM-DD");
        let occurrence = cells_of.optional("occurrence", is_occurrence, "a number from 1");
        writer.record(
            *row,
            &[
                ("id", id.as_deref().map(quoted)),
                ("from", Some(quoted(&from))),
                ("type", Some(quoted(&relation_type))),
                ("to", Some(quoted(&to))),
                ("modality", Some(quoted(&modality.to_ascii_lowercase()))),
                ("negated", negated.then(|| "true".to_owned())),
                (
                    "attributed_to",
                    (!attributed_to.is_empty()).then(|| quoted_list(&attributed_to)),
                ),
                ("note", note.as_deref().map(quoted)),
                ("date", date.as_deref().map(quoted)),
            ],
            "[[relation]]",
        );
        writer.extend_last(
            &[
                ("source", Some(quoted(&source))),
                ("quote", Some(quoted(&quote))),
                ("occurrence", occurrence),
            ],
            "[[relation.evidence]]",
        );
    }
    problems.sort_by_key(|problem| (problem.row, problem.column.as_ref().map(|c| c.0)));
    (Some(writer.records), problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_written_canonically_with_their_rows() {
        let sheet = "ID,Label,Kind,Aliases\nnato,NATO,organization,Brussels | the Alliance\nukraine,Ukraine,state,\n";
        let (records, problems) = entities(sheet.as_bytes());
        assert!(problems.is_empty());
        let records = records.unwrap();
        assert_eq!(
            records.toml,
            "[[entity]]\nid = \"nato\"\nlabel = \"NATO\"\nkind = \"organization\"\naliases = [\"Brussels\", \"the Alliance\"]\n\n[[entity]]\nid = \"ukraine\"\nlabel = \"Ukraine\"\nkind = \"state\"\n"
        );
        assert_eq!(
            crate::canonical::canonical_toml(&records.toml).unwrap(),
            records.toml
        );
        let offset = records.toml.find("kind = \"state\"").unwrap();
        assert_eq!(
            records.cell_at(offset),
            Some((3, Some((3, "kind".to_owned()))))
        );
    }

    #[test]
    fn every_bad_cell_is_reported_with_row_and_column() {
        let sheet = "from,type,to,modality,source,quote\nukraine,seeks_membership,nato,actual,memo,\"wants to join\"\nUkraine,seeks membership,nato,maybe,memo,\n";
        let (_, problems) = relations(sheet.as_bytes());
        let places: Vec<(usize, usize)> = problems
            .iter()
            .map(|problem| (problem.row, problem.column.as_ref().unwrap().0))
            .collect();
        assert_eq!(places, [(3, 1), (3, 2), (3, 4), (3, 6)]);
    }
}
