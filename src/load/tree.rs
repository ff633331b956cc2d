//! One spanned document tree for both input syntaxes, TOML and JSON, so that
//! the record readers and every check are written once.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A value with the byte range it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Null,
    Array(Vec<Node>),
    Table(Vec<Field>),
}

/// A key of a table with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Value {
    /// The name of the value's type, as a user of either syntax calls it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Null => "null",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// A syntax error with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// The input syntaxes kgraph reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Syntax {
    Toml,
    Json,
}

impl Syntax {
    /// File extensions read, in order of preference when both exist.
    pub const EXTENSIONS: [(&'static str, Syntax); 2] =
        [("toml", Syntax::Toml), ("json", Syntax::Json)];

    pub fn from_extension(extension: &str) -> Option<Syntax> {
        Syntax::EXTENSIONS
            .into_iter()
            .find(|(name, _)| *name == extension)
            .map(|(_, syntax)| syntax)
    }
}

pub fn parse(text: &str, syntax: Syntax) -> Result<Node, SyntaxError> {
    match syntax {
        Syntax::Toml => parse_toml(text),
        Syntax::Json => parse_json(text),
    }
}

fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|error| SyntaxError {
        message: error.message().trim_end().to_owned(),
        span: error.span().unwrap_or(0..0),
    })?;
    let span = table.span();
    Ok(Node {
        value: toml_table(table.get_ref()),
        span,
    })
}

fn toml_table(table: &DeTable<'_>) -> Value {
    Value::Table(
        table
            .iter()
            .map(|(key, value)| Field {
                key: key.get_ref().to_string(),
                key_span: key.span(),
                node: Node {
                    value: toml_value(value.get_ref()),
                    span: value.span(),
                },
            })
            .collect(),
    )
}

fn toml_value(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map_or(Value::Float(f64::NAN), Value::Integer),
        DeValue::Float(float) => Value::Float(float.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(boolean) => Value::Boolean(*boolean),
        // A curator who writes `date = 2022-09-25` unquoted means the string.
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(array) => Value::Array(
            array
                .into_iter()
                .map(|item| Node {
                    value: toml_value(item.get_ref()),
                    span: item.span(),
                })
                .collect(),
        ),
        DeValue::Table(table) => toml_table(table),
    }
}

fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    use jsonc_parser::{CollectOptions, ParseOptions};
    // Strict JSON: generated files must load in every other JSON tool too.
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(
        |error| SyntaxError {
            message: error.kind().to_string(),
            span: error.range().start..error.range().end,
        },
    )?;
    match parsed.value {
        Some(value) => Ok(json_node(value)),
        None => Err(SyntaxError {
            message: "expected a JSON object, found an empty file".to_owned(),
            span: 0..0,
        }),
    }
}

fn json_node(value: jsonc_parser::ast::Value<'_>) -> Node {
    use jsonc_parser::ast::{ObjectPropName, Value as Json};
    let (value, range) = match value {
        Json::StringLit(text) => (Value::String(text.value.into_owned()), text.range),
        Json::NumberLit(number) => {
            let value = number.value.parse::<i64>().map_or_else(
                |_| Value::Float(number.value.parse().unwrap_or(f64::NAN)),
                Value::Integer,
            );
            (value, number.range)
        }
        Json::BooleanLit(boolean) => (Value::Boolean(boolean.value), boolean.range),
        Json::NullKeyword(null) => (Value::Null, null.range),
        Json::Array(array) => (
            Value::Array(array.elements.into_iter().map(json_node).collect()),
            array.range,
        ),
        Json::Object(object) => {
            let fields = object
                .properties
                .into_iter()
                .map(|property| {
                    let (key, key_range) = match property.name {
                        ObjectPropName::String(text) => (text.value.into_owned(), text.range),
                        ObjectPropName::Word(word) => (word.value.to_owned(), word.range),
                    };
                    Field {
                        key,
                        key_span: key_range.start..key_range.end,
                        node: json_node(property.value),
                    }
                })
                .collect();
            (Value::Table(fields), object.range)
        }
    };
    Node {
        value,
        span: range.start..range.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(node: &Node) -> &[Field] {
        match &node.value {
            Value::Table(fields) => fields,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    #[test]
    fn toml_and_json_give_the_same_values_with_spans() {
        let toml = "[[entity]]\nid = \"nato\"\n";
        let json = "{\"entity\": [{\"id\": \"nato\"}]}";
        for (text, syntax) in [(toml, Syntax::Toml), (json, Syntax::Json)] {
            let root = parse(text, syntax).unwrap();
            let Value::Array(items) = &table(&root)[0].node.value else {
                panic!("entity is not an array")
            };
            let id = &table(&items[0])[0];
            assert_eq!(id.key, "id");
            assert_eq!(id.node.value, Value::String("nato".to_owned()));
            assert_eq!(&text[id.node.span.clone()], "\"nato\"");
        }
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let error = parse("a = \n", Syntax::Toml).unwrap_err();
        assert!(error.span.start <= 5, "{error:?}");
        let error = parse("{\"a\": 1,}", Syntax::Json).unwrap_err();
        assert_eq!(error.span.start, 7, "{error:?}");
    }
}
