//! Apache Parquet: the graph as tables, for DuckDB, Apache Spark, Kùzu,
//! pandas/Polars and every engine that reads Parquet, written with the
//! `arrow` and `parquet` crates (the Apache Arrow project's own).
//!
//! `kg export --format parquet -o DIR` writes one file per table; `kg
//! build` writes them under `output/parquet/`:
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `entities.parquet` | entity | `id`, `label`, `kind`, `aliases` (list of strings), `description`, `wikidata`, `mentions` |
//! | `relations.parquet` | relation | `from_id`, `to_id`, `id`, `type`, `type_label`, `modality`, `negated` (boolean), `attributed_to` (list of entity ids), `note`, `date`, `date_start`, `date_end`, `evidence_count` |
//! | `evidence.parquet` | quote | `relation_id`, `position` (1-based), `source`, `quote`, `byte_start`, `byte_end`, `char_start`, `char_end`, `line`, `column` |
//! | `sources.parquet` | source | `id`, `title`, `author`, `publisher`, `date`, `date_start`, `date_end`, `copy_date`, `copy_date_start`, `copy_date_end`, `copy_url`, `url`, `notes`, `text_path`, `sha256` |
//!
//! Types: text is `STRING` (UTF-8), counts and offsets `INT64` (Spark has
//! no unsigned integers), lists are Parquet `LIST`s of non-null strings.
//! A curated date may be a year, a month or a day, so it is kept as
//! written in `date` and typed as the first and last day it covers in
//! `date_start` and `date_end` (`DATE`): `2022-01` covers 2022-01-01 to
//! 2022-01-31. An absent optional value is null.
//!
//! Rows are in id order (evidence by relation id, then position), every
//! file is one row group, compressed with Snappy, and the writer's
//! `created_by` names kgraph: the same graph gives the same bytes with
//! the same version of the `parquet` crate.

use std::io;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, BooleanArray, Date32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};

use crate::graph::KnowledgeGraph;
use crate::model::PartialDate;

/// The tables, in the order they are written.
pub const PARQUET_TABLES: [&str; 4] = [
    "entities.parquet",
    "relations.parquet",
    "evidence.parquet",
    "sources.parquet",
];

/// One column: its field and its values.
struct Column {
    field: Field,
    values: ArrayRef,
}

fn text(name: &str, values: Vec<&str>) -> Column {
    Column {
        field: Field::new(name, DataType::Utf8, false),
        values: Arc::new(StringArray::from(values)),
    }
}

fn optional_text(name: &str, values: Vec<Option<&str>>) -> Column {
    Column {
        field: Field::new(name, DataType::Utf8, true),
        values: Arc::new(StringArray::from(values)),
    }
}

fn integer(name: &str, values: impl Iterator<Item = usize>) -> Column {
    let values: Vec<i64> = values
        .map(|value| i64::try_from(value).unwrap_or(i64::MAX))
        .collect();
    Column {
        field: Field::new(name, DataType::Int64, false),
        values: Arc::new(Int64Array::from(values)),
    }
}

fn boolean(name: &str, values: Vec<bool>) -> Column {
    Column {
        field: Field::new(name, DataType::Boolean, false),
        values: Arc::new(BooleanArray::from(values)),
    }
}

fn date(name: &str, values: Vec<Option<i32>>) -> Column {
    Column {
        field: Field::new(name, DataType::Date32, true),
        values: Arc::new(Date32Array::from(values)),
    }
}

fn text_list<'a>(name: &str, lists: impl Iterator<Item = &'a [String]>) -> Column {
    let item = Field::new("item", DataType::Utf8, false);
    let mut builder = ListBuilder::new(StringBuilder::new()).with_field(item.clone());
    for list in lists {
        for value in list {
            builder.values().append_value(value);
        }
        builder.append(true);
    }
    Column {
        field: Field::new(name, DataType::List(Arc::new(item)), false),
        values: Arc::new(builder.finish()),
    }
}

/// The first and last day, as days since 1970-01-01, that a date written
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` covers ([`PartialDate`]); `None` for
/// anything else.
pub(super) fn date_range(text: &str) -> Option<(i32, i32)> {
    let date = PartialDate::parse(text).ok()?;
    let epoch_days = |day: jiff::civil::Date| {
        day.since(jiff::civil::date(1970, 1, 1))
            .ok()
            .map(|span| span.get_days())
    };
    Some((epoch_days(date.first_day())?, epoch_days(date.last_day())?))
}

/// `{prefix}_start` and `{prefix}_end` columns for optional dates.
fn date_columns<'a>(prefix: &str, dates: impl Iterator<Item = Option<&'a str>>) -> [Column; 2] {
    let ranges: Vec<Option<(i32, i32)>> = dates.map(|date| date.and_then(date_range)).collect();
    [
        date(
            &format!("{prefix}_start"),
            ranges.iter().map(|r| r.map(|(start, _)| start)).collect(),
        ),
        date(
            &format!("{prefix}_end"),
            ranges.iter().map(|r| r.map(|(_, end)| end)).collect(),
        ),
    ]
}

fn entities(graph: &KnowledgeGraph) -> Vec<Column> {
    let entities = graph.entities();
    vec![
        text("id", entities.iter().map(|e| e.id.as_str()).collect()),
        text("label", entities.iter().map(|e| e.label.as_str()).collect()),
        text("kind", entities.iter().map(|e| e.kind.as_str()).collect()),
        text_list("aliases", entities.iter().map(|e| e.aliases.as_slice())),
        text(
            "description",
            entities.iter().map(|e| e.description.as_str()).collect(),
        ),
        optional_text(
            "wikidata",
            entities.iter().map(|e| e.wikidata.as_deref()).collect(),
        ),
        integer("mentions", entities.iter().map(|e| e.mentions)),
    ]
}

fn relations(graph: &KnowledgeGraph) -> Vec<Column> {
    let relations = graph.relations();
    let schema = &graph.dataset().schema;
    let type_labels: Vec<String> = relations
        .iter()
        .map(|r| schema.type_label(&r.relation_type))
        .collect();
    let mut columns = vec![
        // The endpoints first: Kùzu's `COPY` takes a relationship table's
        // FROM and TO from the first two columns.
        text(
            "from_id",
            relations.iter().map(|r| r.from.as_str()).collect(),
        ),
        text("to_id", relations.iter().map(|r| r.to.as_str()).collect()),
        text("id", relations.iter().map(|r| r.id.as_str()).collect()),
        text(
            "type",
            relations.iter().map(|r| r.relation_type.as_str()).collect(),
        ),
        text(
            "type_label",
            type_labels.iter().map(String::as_str).collect(),
        ),
        text(
            "modality",
            relations.iter().map(|r| r.modality.as_str()).collect(),
        ),
        boolean("negated", relations.iter().map(|r| r.negated).collect()),
        text_list(
            "attributed_to",
            relations.iter().map(|r| r.attributed_to.as_slice()),
        ),
        optional_text(
            "note",
            relations.iter().map(|r| r.note.as_deref()).collect(),
        ),
        optional_text(
            "date",
            relations.iter().map(|r| r.date.as_deref()).collect(),
        ),
    ];
    columns.extend(date_columns(
        "date",
        relations.iter().map(|r| r.date.as_deref()),
    ));
    columns.push(integer(
        "evidence_count",
        relations.iter().map(|r| r.evidence.len()),
    ));
    columns
}

fn evidence(graph: &KnowledgeGraph) -> Vec<Column> {
    let rows: Vec<(&str, usize, &crate::model::Evidence)> = graph
        .relations()
        .iter()
        .flat_map(|relation| {
            relation
                .evidence
                .iter()
                .enumerate()
                .map(move |(index, evidence)| (relation.id.as_str(), index + 1, evidence))
        })
        .collect();
    let span = |get: fn(&crate::model::TextSpan) -> usize| {
        rows.iter().map(move |row| get(&row.2.location))
    };
    vec![
        text("relation_id", rows.iter().map(|row| row.0).collect()),
        integer("position", rows.iter().map(|row| row.1)),
        text(
            "source",
            rows.iter().map(|row| row.2.source.as_str()).collect(),
        ),
        text(
            "quote",
            rows.iter().map(|row| row.2.quote.as_str()).collect(),
        ),
        integer("byte_start", span(|s| s.byte_start)),
        integer("byte_end", span(|s| s.byte_end)),
        integer("char_start", span(|s| s.char_start)),
        integer("char_end", span(|s| s.char_end)),
        integer("line", span(|s| s.line)),
        integer("column", span(|s| s.column)),
    ]
}

fn sources(graph: &KnowledgeGraph) -> Vec<Column> {
    let mut sources: Vec<_> = graph.dataset().sources.iter().collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let mut columns = vec![
        text("id", sources.iter().map(|s| s.id.as_str()).collect()),
        text("title", sources.iter().map(|s| s.title.as_str()).collect()),
        text(
            "author",
            sources.iter().map(|s| s.author.as_str()).collect(),
        ),
        text(
            "publisher",
            sources.iter().map(|s| s.publisher.as_str()).collect(),
        ),
        text("date", sources.iter().map(|s| s.date.as_str()).collect()),
    ];
    columns.extend(date_columns(
        "date",
        sources.iter().map(|s| Some(s.date.as_str())),
    ));
    columns.push(optional_text(
        "copy_date",
        sources.iter().map(|s| s.copy_date.as_deref()).collect(),
    ));
    columns.extend(date_columns(
        "copy_date",
        sources.iter().map(|s| s.copy_date.as_deref()),
    ));
    columns.extend([
        optional_text(
            "copy_url",
            sources.iter().map(|s| s.copy_url.as_deref()).collect(),
        ),
        optional_text("url", sources.iter().map(|s| s.url.as_deref()).collect()),
        optional_text(
            "notes",
            sources.iter().map(|s| s.notes.as_deref()).collect(),
        ),
        text(
            "text_path",
            sources.iter().map(|s| s.text_path.as_str()).collect(),
        ),
        text(
            "sha256",
            sources.iter().map(|s| s.sha256.as_str()).collect(),
        ),
    ]);
    columns
}

/// The fixed writer settings that make the bytes reproducible.
fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::SNAPPY)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_created_by(format!("kgraph {}", env!("CARGO_PKG_VERSION")))
        .build()
}

fn parquet_bytes(columns: Vec<Column>) -> io::Result<Vec<u8>> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns
        .into_iter()
        .map(|column| (column.field, column.values))
        .unzip();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(io::Error::other)?;
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, schema, Some(writer_properties()))
        .map_err(io::Error::other)?;
    writer.write(&batch).map_err(io::Error::other)?;
    writer.close().map_err(io::Error::other)?;
    Ok(bytes)
}

/// Writes the table `PARQUET_TABLES[table]` of the graph. The file is
/// built in memory (a Parquet footer describes everything before it), then
/// written out.
pub fn write_parquet_table(
    graph: &KnowledgeGraph,
    table: usize,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let columns = match table {
        0 => entities(graph),
        1 => relations(graph),
        2 => evidence(graph),
        3 => sources(graph),
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("there is no Parquet table {table}"),
            ));
        }
    };
    out.write_all(&parquet_bytes(columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::hostile_graph;

    #[test]
    fn dates_cover_their_year_month_or_day() {
        assert_eq!(date_range("1970-01-01"), Some((0, 0)));
        assert_eq!(date_range("2022-01"), Some((18_993, 19_023)));
        assert_eq!(date_range("2024-02"), Some((19_754, 19_782)));
        assert_eq!(date_range("2000"), Some((10_957, 11_322)));
        assert_eq!(date_range("1969-12-31"), Some((-1, -1)));
        assert_eq!(date_range("2023-02-29"), None);
        assert_eq!(date_range("2022-13"), None);
        assert_eq!(date_range("22-01"), None);
        assert_eq!(date_range("2022-1-01"), None);
        assert_eq!(date_range("2022-01-01-01"), None);
    }

    #[test]
    fn the_same_graph_gives_the_same_bytes() {
        let graph = hostile_graph();
        for (table, name) in PARQUET_TABLES.iter().enumerate() {
            let write = || {
                let mut bytes = Vec::new();
                write_parquet_table(&graph, table, &mut bytes).unwrap();
                bytes
            };
            let first = write();
            assert_eq!(first, write(), "{name}");
            assert!(first.starts_with(b"PAR1") && first.ends_with(b"PAR1"));
        }
        assert!(write_parquet_table(&graph, 4, &mut Vec::new()).is_err());
    }
}
