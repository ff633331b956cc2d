//! Reading typed fields out of a spanned table, collecting every problem
//! (missing field, wrong type, unknown field) instead of stopping at the
//! first one.

use std::ops::Range;

use super::tree::{Field, Node, Value};
use crate::diagnostic::{Diagnostic, FileId, Origin, suggest};

/// A value with the byte range it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// The values of a list read with [`Record::str_list`], in a vector of
/// their own size: collecting in place would keep the buffer of the larger
/// spanned values for as long as the model lives.
pub(super) fn values(list: Vec<Spanned<String>>) -> Vec<String> {
    let mut values = Vec::with_capacity(list.len());
    values.extend(list.into_iter().map(|item| item.value));
    values
}

/// One table being read. Every field asked for is remembered, so that
/// [`Record::finish`] can report the others as unknown, with a suggestion
/// among the ones the reader knows. Values are moved out of the tree, not
/// copied: at a million relations the copies were a third of the load time.
pub(super) struct Record<'a> {
    pub file: FileId,
    /// The first line of the table, where "missing field" errors point.
    pub head: Range<usize>,
    what: &'static str,
    fields: &'a mut [Field],
    used: Vec<bool>,
    known: Vec<&'static str>,
}

impl<'a> Record<'a> {
    /// Starts reading `node` as a table describing `what` (an entity, a
    /// relation...); reports and returns `None` if it is not a table.
    pub(super) fn new(
        node: &'a mut Node,
        file: FileId,
        text: &str,
        what: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Record<'a>> {
        let head = first_line(text, node.span.clone());
        let span = node.span.clone();
        match &mut node.value {
            Value::Table(fields) => {
                let used = vec![false; fields.len()];
                Some(Record {
                    file,
                    head,
                    what,
                    fields,
                    used,
                    known: Vec::new(),
                })
            }
            other => {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "expected {what} to be a table, found {}",
                        other.type_name()
                    ))
                    .code("not-a-table")
                    .at(Origin::new(file, span), "not a table"),
                );
                None
            }
        }
    }

    pub(super) fn origin(&self, span: Range<usize>) -> Origin {
        Origin::new(self.file, span)
    }

    pub(super) fn head_origin(&self) -> Origin {
        self.origin(self.head.clone())
    }

    /// Moves the value of `key` out of the table (leaving `null`).
    fn take(&mut self, key: &'static str) -> Option<Node> {
        self.known.push(key);
        let position = self.fields.iter().position(|field| field.key == key)?;
        self.used[position] = true;
        let node = &mut self.fields[position].node;
        let value = std::mem::replace(&mut node.value, Value::Null);
        // JSON writers emit `null` for an absent optional value.
        (value != Value::Null).then(|| Node {
            value,
            span: node.span.clone(),
        })
    }

    fn missing(&self, key: &str, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.push(
            Diagnostic::error(format!("{} is missing the field `{key}`", self.what))
                .code("missing-field")
                .at(
                    self.head_origin(),
                    format!("this {} has no `{key}`", self.what),
                ),
        );
    }

    fn wrong_type(
        &self,
        node: &Node,
        key: &str,
        expected: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        diagnostics.push(
            Diagnostic::error(format!(
                "field `{key}` must be {expected}, found {}",
                node.value.type_name()
            ))
            .code("wrong-type")
            .at(
                self.origin(node.span.clone()),
                format!("expected {expected}"),
            ),
        );
    }

    /// Control characters other than tab and line breaks cannot be written
    /// to XML (GraphML, SVG) or shown by most consumers, and Unicode
    /// noncharacters (U+FFFE, U+FFFF, U+FDD0 to U+FDEF and the last two
    /// code points of every plane) are not for interchange: XML refuses
    /// U+FFFE and U+FFFF, and GraphML and SVG would have to change them.
    /// Both are refused in curated text, so that every export can carry
    /// every curated string exactly.
    fn check_characters(
        &self,
        span: &Range<usize>,
        key: &str,
        text: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        // A quote must match its verbatim source, which may hold them.
        if key == "quote" {
            return;
        }
        let Some(bad) = text.chars().find(|&c| is_refused(c)) else {
            return;
        };
        let diagnostic = if is_noncharacter(bad) {
            Diagnostic::error(format!(
                "field `{key}` contains the noncharacter U+{:04X}",
                u32::from(bad)
            ))
            .code("noncharacter")
            .at(self.origin(span.clone()), "not allowed in curated text")
            .note("Unicode noncharacters are for a program's internal use, not for text: XML exports cannot carry U+FFFE and U+FFFF")
        } else {
            Diagnostic::error(format!(
                "field `{key}` contains the control character U+{:04X}",
                u32::from(bad)
            ))
            .code("control-character")
            .at(self.origin(span.clone()), "not allowed in curated text")
            .note("only tab, line feed and carriage return are allowed: XML exports cannot carry the others")
        };
        diagnostics.push(diagnostic);
    }

    pub(super) fn optional_str(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<String>> {
        let node = self.take(key)?;
        match node.value {
            Value::String(text) => {
                self.check_characters(&node.span, key, &text, diagnostics);
                Some(Spanned {
                    value: text,
                    span: node.span,
                })
            }
            _ => {
                self.wrong_type(&node, key, "a string", diagnostics);
                None
            }
        }
    }

    pub(super) fn required_str(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<String>> {
        let present = self
            .fields
            .iter()
            .any(|field| field.key == key && field.node.value != Value::Null);
        let value = self.optional_str(key, diagnostics);
        if !present {
            self.missing(key, diagnostics);
        }
        value
    }

    pub(super) fn optional_bool(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<bool> {
        let node = self.take(key)?;
        match node.value {
            Value::Boolean(value) => Some(value),
            _ => {
                self.wrong_type(&node, key, "a boolean", diagnostics);
                None
            }
        }
    }

    pub(super) fn optional_integer(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<i64>> {
        let node = self.take(key)?;
        match node.value {
            Value::Integer(value) => Some(Spanned {
                value,
                span: node.span,
            }),
            _ => {
                self.wrong_type(&node, key, "an integer", diagnostics);
                None
            }
        }
    }

    /// An array of strings; a missing field is an empty list.
    pub(super) fn str_list(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Spanned<String>> {
        let Some(node) = self.take(key) else {
            return Vec::new();
        };
        let Value::Array(items) = node.value else {
            self.wrong_type(&node, key, "an array of strings", diagnostics);
            return Vec::new();
        };
        // Collected into a vector of its own size: collecting in place
        // would keep the larger buffer of the tree's nodes.
        let mut list = Vec::with_capacity(items.len());
        list.extend(items.into_iter().filter_map(|item| match item.value {
            Value::String(text) => {
                self.check_characters(&item.span, key, &text, diagnostics);
                Some(Spanned {
                    value: text,
                    span: item.span,
                })
            }
            _ => {
                self.wrong_type(&item, key, "a string", diagnostics);
                None
            }
        }));
        list
    }

    /// A table of string values, such as a DOT style.
    pub(super) fn str_table(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(node) = self.take(key) else {
            return Vec::new();
        };
        let Value::Table(fields) = &node.value else {
            self.wrong_type(&node, key, "a table of strings", diagnostics);
            return Vec::new();
        };
        fields
            .iter()
            .filter_map(|field| {
                let value = match &field.node.value {
                    Value::String(text) => text.clone(),
                    Value::Integer(number) => number.to_string(),
                    Value::Float(number) if number.is_finite() => number.to_string(),
                    Value::Boolean(flag) => flag.to_string(),
                    _ => {
                        self.wrong_type(&field.node, &field.key, "a string", diagnostics);
                        return None;
                    }
                };
                Some((
                    Spanned {
                        value: field.key.clone(),
                        span: field.key_span.clone(),
                    },
                    Spanned {
                        value,
                        span: field.node.span.clone(),
                    },
                ))
            })
            .collect()
    }

    /// The nodes of an array field (an array of tables, usually).
    pub(super) fn array(
        &mut self,
        key: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<Node>> {
        let node = self.take(key)?;
        match node.value {
            Value::Array(items) => Some(items),
            _ => {
                self.wrong_type(&node, key, "an array", diagnostics);
                None
            }
        }
    }

    /// Reports every field that no reader asked for.
    pub(super) fn finish(self, diagnostics: &mut Vec<Diagnostic>) {
        for (field, used) in self.fields.iter().zip(&self.used) {
            if !used {
                diagnostics.push(
                    Diagnostic::error(format!("unknown field `{}` in {}", field.key, self.what))
                        .suggesting(suggest(&field.key, self.known.iter().copied()))
                        .code("unknown-field")
                        .at(self.origin(field.key_span.clone()), "unknown field")
                        .note(format!(
                            "{} fields: {}",
                            self.what,
                            quoted_list(&self.known)
                        )),
                );
            }
        }
    }
}

/// A character refused in curated text (see `Record::check_characters`):
/// a control character other than tab and line breaks, or a noncharacter.
pub(super) fn is_refused(character: char) -> bool {
    (character.is_control() && !matches!(character, '\t' | '\n' | '\r'))
        || is_noncharacter(character)
}

/// The 66 Unicode noncharacters: U+FDD0 to U+FDEF, and the last two code
/// points of each of the 17 planes (U+FFFE, U+FFFF, U+1FFFE...).
pub(super) fn is_noncharacter(character: char) -> bool {
    let code = u32::from(character);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The part of `span` on its first line, so that a caret under a whole table
/// does not print the whole table.
pub(super) fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    let end = text
        .get(span.clone())
        .and_then(|inside| inside.find('\n'))
        .map_or(span.end, |newline| span.start + newline);
    span.start..end
}
