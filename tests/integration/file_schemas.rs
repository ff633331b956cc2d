//! JSON Schemas for every data file, generated from the Rust types below
//! into `docs/schemas/` and checked to match (`KG_BLESS=1` rewrites them).
//! Editors read them (Taplo and Even Better TOML through the `#:schema`
//! line `kg init` writes; any JSON editor for JSON data files); the pinned
//! `jsonschema` validates `data/`, the `kg init` corpus and the valid
//! fixtures against them, TOML converted to JSON.
//!
//! An optional field is an `Option`, which schemars lets be `null`; the
//! generated schemas drop that `null` (`without_null`), because TOML has
//! no null and the loader takes an absent field, not a null one.
//!
//! The types describe the files' shape: fields, which are required, and
//! the patterns of ids, names and dates. What a schema cannot say (that an
//! id is declared once, a kind exists, a quote is in its source) is
//! `kg validate`'s job.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::common::{Workdir, assert_golden, repo, run_consumer};

const SLUG: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
const NAME: &str = r"^[a-z][a-z0-9_]*$";
const RELATION_ID: &str = r"^[a-z0-9][a-z0-9._-]*$";
const DATE: &str = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";
const QID: &str = r"^Q[1-9][0-9]*$";
const SHA256: &str = r"^[0-9a-fA-F]{64}$";

/// Graphviz attributes (name to value) for drawing
type DotStyle = BTreeMap<String, String>;

/// The controlled vocabulary of a corpus (`schema.toml`): kinds of entity
/// and types of relation
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "schema.toml")]
#[allow(dead_code)]
struct SchemaFile {
    /// The kinds of entity
    kind: Option<Vec<Kind>>,
    /// The types of relation
    relation_type: Option<Vec<RelationType>>,
}

/// A kind of entity, such as `person` or `treaty`
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Kind {
    /// Lowercase, `_` between words
    #[schemars(regex(pattern = NAME))]
    name: String,
    #[schemars(length(min = 1))]
    description: String,
    /// Graphviz attributes for the entities of this kind, such as `shape` and `fillcolor`
    dot: Option<DotStyle>,
}

/// A type of relation, read as "FROM name TO"
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RelationType {
    /// Lowercase, `_` between words
    #[schemars(regex(pattern = NAME))]
    name: String,
    /// How the type reads in text, such as `seeks membership of` (default: the name with spaces)
    #[schemars(length(min = 1))]
    label: Option<String>,
    /// What the relation means, deciding hard cases
    #[schemars(length(min = 1))]
    definition: String,
    /// The kinds allowed at the `from` end
    #[schemars(length(min = 1))]
    domain: Vec<String>,
    /// The kinds allowed at the `to` end
    #[schemars(length(min = 1))]
    range: Vec<String>,
    /// Reads the same both ways (stated once)
    symmetric: Option<bool>,
    /// Graphviz attributes for the edges of this type
    dot: Option<DotStyle>,
}

/// The entities of a corpus (`entities.toml`)
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "entities.toml")]
#[allow(dead_code)]
struct EntitiesFile {
    entity: Option<Vec<Entity>>,
}

/// Something the sources talk about
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Entity {
    /// Lowercase slug that relations use: words of letters and digits joined by `-`
    #[schemars(regex(pattern = SLUG))]
    id: String,
    /// The display name
    #[schemars(length(min = 1))]
    label: String,
    /// A kind of the schema
    #[schemars(regex(pattern = NAME))]
    kind: String,
    /// Other names the sources use for the entity, metonyms included
    aliases: Option<Vec<String>>,
    description: Option<String>,
    /// The Wikidata item: `Q` and a number
    #[schemars(regex(pattern = QID))]
    wikidata: Option<String>,
}

/// The relations of a corpus (`relations.toml`)
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "relations.toml")]
#[allow(dead_code)]
struct RelationsFile {
    relation: Option<Vec<Relation>>,
}

/// A typed statement between two entities, backed by verbatim quotes
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Relation {
    /// Optional: derived from the endpoints, type, modality and quotes when absent
    #[schemars(regex(pattern = RELATION_ID))]
    id: Option<String>,
    /// An entity id
    #[schemars(regex(pattern = SLUG))]
    from: String,
    /// A relation type of the schema
    #[serde(rename = "type")]
    #[schemars(regex(pattern = NAME))]
    relation_type: String,
    /// An entity id
    #[schemars(regex(pattern = SLUG))]
    to: String,
    modality: ModalityName,
    /// Entity ids whose claim, proposal, demand or belief this is (none: the source's author's own voice)
    attributed_to: Option<Vec<String>>,
    /// The source says this does NOT hold
    negated: Option<bool>,
    note: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD
    #[schemars(regex(pattern = DATE))]
    date: Option<String>,
    /// One or more verbatim quotes
    #[schemars(length(min = 1))]
    evidence: Vec<Evidence>,
}

/// A verbatim quote from a source
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Evidence {
    /// A source id
    #[schemars(regex(pattern = SLUG))]
    source: String,
    /// Word for word as the source has it
    #[schemars(length(min = 1))]
    quote: String,
    /// Which match of a quote found several times, from 1
    #[schemars(range(min = 1))]
    occurrence: Option<u64>,
}

/// Passages read and deliberately left without a relation (`reviewed.toml`)
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "reviewed.toml")]
#[allow(dead_code)]
struct ReviewedFile {
    ignore: Option<Vec<Reviewed>>,
    allow: Option<Vec<Allowance>>,
}

/// A lint warning looked at and allowed, with the reason (docs/diagnostics.md)
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Allowance {
    lint: LintName,
    /// The entity, relation, relation type, kind or source id it is allowed for (none: everywhere)
    #[schemars(length(min = 1))]
    subject: Option<String>,
    #[schemars(length(min = 1))]
    reason: String,
}

/// A lint name; the list comes from the code rather than a copy.
#[allow(dead_code)]
struct LintName(String);

impl JsonSchema for LintName {
    fn schema_name() -> Cow<'static, str> {
        "Lint".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = kgraph::diagnostic::LINTS
            .iter()
            .map(|(name, _)| *name)
            .collect();
        json_schema!({ "description": "A lint's name", "enum": names })
    }
}

/// A passage left without a relation, with the reason
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Reviewed {
    /// A source id
    #[schemars(regex(pattern = SLUG))]
    source: String,
    /// Word for word as the source has it
    #[schemars(length(min = 1))]
    quote: String,
    /// Which match of a quote found several times, from 1
    #[schemars(range(min = 1))]
    occurrence: Option<u64>,
    #[schemars(length(min = 1))]
    reason: String,
}

/// One source (`sources/ID.toml`): its metadata and where its verbatim text is
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sources/ID.toml")]
#[allow(dead_code)]
struct SourceFile {
    /// Lowercase slug that quotes cite
    #[schemars(regex(pattern = SLUG))]
    id: String,
    #[schemars(length(min = 1))]
    title: String,
    #[schemars(length(min = 1))]
    author: String,
    /// First published: YYYY, YYYY-MM or YYYY-MM-DD
    #[schemars(regex(pattern = DATE))]
    date: String,
    /// The date on the copy kept in `text`, when later than `date`: YYYY, YYYY-MM or YYYY-MM-DD
    #[schemars(regex(pattern = DATE))]
    copy_date: Option<String>,
    /// Where the copy kept in `text` came from (an absolute URL)
    copy_url: Option<String>,
    #[schemars(length(min = 1))]
    publisher: String,
    /// An absolute URL
    url: Option<String>,
    notes: Option<String>,
    /// The text file, relative to the data directory, such as `sources/ID.txt`
    #[schemars(length(min = 1))]
    text: String,
    /// SHA-256 of the text file (`kg source add` and `kg source rehash` write it)
    #[schemars(regex(pattern = SHA256))]
    sha256: String,
}

/// Project settings for `kg` (`kgraph.toml`, read from the working directory)
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kgraph.toml")]
#[allow(dead_code)]
struct ProjectFile {
    build: Option<BuildSettings>,
}

/// Settings of `kg build`
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BuildSettings {
    /// The formats to write (default: all)
    #[schemars(extend("uniqueItems" = true))]
    formats: Option<Vec<FormatName>>,
}

/// A modality name; the list comes from the code rather than a copy.
#[allow(dead_code)]
struct ModalityName(String);

impl JsonSchema for ModalityName {
    fn schema_name() -> Cow<'static, str> {
        "Modality".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = kgraph::Modality::ALL
            .iter()
            .map(|modality| modality.as_str())
            .collect();
        json_schema!({
            "description": "How the relation holds according to its source",
            "enum": names
        })
    }
}

/// An export format name; the list comes from the code rather than a copy.
#[allow(dead_code)]
struct FormatName(String);

impl JsonSchema for FormatName {
    fn schema_name() -> Cow<'static, str> {
        "Format".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = kgraph::Format::ALL
            .iter()
            .map(|format| format.name())
            .collect();
        json_schema!({ "enum": names })
    }
}

/// The schema without the `null` schemars allows for an `Option`.
fn without_null(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get("type") {
                let kept: Vec<Value> = types
                    .iter()
                    .filter(|kind| *kind != "null")
                    .cloned()
                    .collect();
                object.insert(
                    "type".into(),
                    match <[Value; 1]>::try_from(kept) {
                        Ok([single]) => single,
                        Err(kept) => Value::Array(kept),
                    },
                );
            }
            if let Some(Value::Array(choices)) = object.get("anyOf") {
                let kept: Vec<Value> = choices
                    .iter()
                    .filter(|choice| **choice != serde_json::json!({"type": "null"}))
                    .cloned()
                    .collect();
                if let Ok([Value::Object(single)]) = <[Value; 1]>::try_from(kept.clone()) {
                    object.remove("anyOf");
                    object.extend(single);
                } else {
                    object.insert("anyOf".into(), Value::Array(kept));
                }
            }
            object.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// Each schema file and what it is generated from.
fn schemas() -> Vec<(&'static str, Value)> {
    fn generate<T: JsonSchema>() -> Value {
        let schema = schemars::generate::SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<T>();
        let mut value = schema.to_value();
        without_null(&mut value);
        value
    }
    vec![
        ("schema.schema.json", generate::<SchemaFile>()),
        ("entities.schema.json", generate::<EntitiesFile>()),
        ("relations.schema.json", generate::<RelationsFile>()),
        ("reviewed.schema.json", generate::<ReviewedFile>()),
        ("source.schema.json", generate::<SourceFile>()),
        ("kgraph.schema.json", generate::<ProjectFile>()),
    ]
}

#[test]
fn the_schemas_in_docs_are_generated_from_the_types() {
    for (name, schema) in schemas() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        assert_golden(&repo().join("docs/schemas").join(name), &text);
    }
}

/// Validates every data file of a corpus with the pinned `jsonschema`.
fn validate_corpus(root: &Path) -> String {
    run_consumer(
        "check_data_schemas.py",
        &[&repo().join("docs/schemas"), root],
    )
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn the_repository_data_and_a_new_corpus_validate_against_the_schemas() {
    let report = validate_corpus(&repo());
    assert!(report.contains("data/entities.toml: valid"), "{report}");
    assert!(!report.contains("invalid"), "{report}");
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    let report = validate_corpus(workdir.path());
    assert!(report.contains("kgraph.toml: valid"), "{report}");
    assert!(
        report.contains("data/sources/example.toml: valid"),
        "{report}"
    );
    assert!(!report.contains("invalid"), "{report}");
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn the_schemas_refuse_what_kg_validate_refuses() {
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    workdir.write(
        "data/entities.toml",
        "[[entity]]\nid = \"Ada Lovelace\"\nlabel = \"Ada\"\nkind = \"person\"\nborn = 1815\n",
    );
    let report = validate_corpus(workdir.path());
    assert!(report.contains("data/entities.toml: invalid"), "{report}");
    assert!(report.contains("'born' was unexpected"), "{report}");
    assert!(report.contains("does not match"), "{report}");
}

/// Taplo (`@taplo/cli`, pinned in tests/consumers/package.json), the
/// engine of VS Code's Even Better TOML; a failure with the install hint
/// if it is missing.
fn taplo() -> std::path::PathBuf {
    let taplo = repo().join("tests/consumers/node_modules/.bin/taplo");
    crate::common::consumer(
        taplo.is_file().then_some(taplo),
        "Taplo (npm ci --prefix tests/consumers)",
    )
}

/// Taplo finds each file's schema through the `#:schema` line `kg init`
/// writes, accepts the new corpus, and points at a field the schema lacks,
/// as an editor would while one types.
#[test]
#[ignore = "needs Taplo (npm ci --prefix tests/consumers)"]
fn taplo_checks_a_new_corpus_through_its_schema_lines() {
    let taplo = taplo();
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    let files = [
        "kgraph.toml",
        "data/schema.toml",
        "data/entities.toml",
        "data/relations.toml",
        "data/reviewed.toml",
        "data/sources/example.toml",
    ];
    let check = |files: &[&str]| {
        std::process::Command::new(&taplo)
            .arg("check")
            .args(files)
            .current_dir(workdir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("taplo runs")
    };
    let output = check(&files);
    assert!(
        output.status.success(),
        "{}",
        crate::common::stderr(&output)
    );
    let entities = workdir.read("data/entities.toml");
    workdir.write(
        "data/entities.toml",
        entities.replacen("kind = \"person\"", "kind = \"person\"\nborn = 1815", 1),
    );
    let output = check(&["data/entities.toml"]);
    let report = crate::common::stderr(&output);
    assert!(!output.status.success(), "{report}");
    assert!(report.contains("'born' was unexpected"), "{report}");
}
