//! An interactive HTML page: one self-contained file that draws the graph on
//! a canvas and shows, beside every relation, its evidence quotes inside
//! their paragraph of the source text.
//!
//! The page needs no network: the viewer's script and style (in
//! `src/export/html/`, written for kgraph, no third-party code) are inlined,
//! and the graph is embedded as JSON in a `<script type="application/json">`
//! block, escaped by [`ScriptSafe`] so that no curated string can close the
//! block. Positions are computed here, by [`layout()`] (in
//! `html/layout.rs`), with nothing but IEEE-exact arithmetic, so the same
//! graph gives the same bytes on every machine, with any number of
//! threads, and no drawing program's version changes the file.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::graph::KnowledgeGraph;
use crate::model::{DotStyle, Modality};

mod layout;

use layout::layout;

/// Bumped whenever the embedded data changes shape, so that a script
/// reading `#kg-data` out of a saved page can tell.
pub const HTML_DATA_VERSION: u32 = 1;

const STYLE: &str = include_str!("html/viewer.css");
const SCRIPT: &str = include_str!("html/viewer.js");

/// Colour-blind-safe colours (Okabe and Ito), for kinds and relation types
/// whose schema gives no `dot` colour.
const PALETTE: [&str; 7] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#666666",
];

/// The shapes the viewer draws, in the order given to kinds without a
/// `dot` shape.
const SHAPES: [&str; 5] = ["circle", "square", "diamond", "triangle", "hexagon"];

#[derive(Serialize)]
struct Page<'a> {
    version: u32,
    generator: String,
    title: String,
    kinds: Vec<KindData<'a>>,
    types: Vec<TypeData<'a>>,
    modalities: Vec<ModalityData>,
    sources: Vec<SourceData<'a>>,
    entities: Vec<EntityData<'a>>,
    relations: Vec<RelationData<'a>>,
}

#[derive(Serialize)]
struct KindData<'a> {
    name: &'a str,
    description: &'a str,
    color: String,
    shape: &'static str,
}

#[derive(Serialize)]
struct TypeData<'a> {
    name: &'a str,
    label: String,
    definition: &'a str,
    color: String,
    symmetric: bool,
}

#[derive(Serialize)]
struct ModalityData {
    name: &'static str,
    definition: &'static str,
}

#[derive(Serialize)]
struct SourceData<'a> {
    id: &'a str,
    title: &'a str,
    author: &'a str,
    date: &'a str,
    publisher: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_url: Option<&'a str>,
    text: &'a str,
}

#[derive(Serialize)]
struct EntityData<'a> {
    id: &'a str,
    label: &'a str,
    kind: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wikidata: Option<&'a str>,
    x: i64,
    y: i64,
}

#[derive(Serialize)]
struct RelationData<'a> {
    id: &'a str,
    from: usize,
    to: usize,
    #[serde(rename = "type")]
    relation_type: usize,
    modality: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    negated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributed_to: Vec<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    /// `[source index, start, end, line]`, start and end counted in UTF-16
    /// code units as JavaScript strings are.
    evidence: Vec<[usize; 4]>,
}

/// Writes the graph as one self-contained HTML page.
pub fn write_html(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let page = page(graph);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{generator}\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n",
        generator = html_text(&page.generator),
        title = html_text(&page.title),
    )?;
    out.write_all(BODY.as_bytes())?;
    out.write_all(b"<script type=\"application/json\" id=\"kg-data\">")?;
    // Streamed: the data is most of the page, and is never held whole.
    let mut safe = io::BufWriter::with_capacity(1 << 16, ScriptSafe::new(&mut *out));
    serde_json::to_writer(&mut safe, &page).map_err(io::Error::from)?;
    safe.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .finish()?;
    out.write_all(b"</script>\n<script>\n")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script>\n</body>\n</html>\n")
}

/// The page's markup; the script fills it.
const BODY: &str = r##"<body>
<header class="bar">
  <h1 id="kg-title"></h1>
  <div class="search" role="search">
    <label for="kg-search" class="visually-hidden">Find an entity by name or alias</label>
    <input id="kg-search" type="search" placeholder="Find an entity or alias  ( / )" autocomplete="off" spellcheck="false" role="combobox" aria-expanded="false" aria-controls="kg-search-results" aria-autocomplete="list">
    <ul id="kg-search-results" role="listbox" hidden></ul>
  </div>
  <div class="counts" id="kg-counts" aria-live="polite"></div>
</header>
<main class="layout">
  <aside class="filters" id="kg-filters" aria-label="Filters"></aside>
  <section class="stage" aria-label="Graph">
    <canvas id="kg-canvas" tabindex="0" aria-label="The graph: drag to pan, wheel or + and - to zoom, click an entity or a relation to read its evidence"></canvas>
    <div class="focusbar" id="kg-focusbar" hidden></div>
    <div class="zoom" role="group" aria-label="Zoom">
      <button type="button" id="kg-zoom-in" title="Zoom in (+)">+</button>
      <button type="button" id="kg-zoom-out" title="Zoom out (-)">&minus;</button>
      <button type="button" id="kg-zoom-fit" title="Fit the graph (0)">&#x2922;</button>
    </div>
    <details class="legend" id="kg-legend"><summary>Legend</summary><div id="kg-legend-body"></div></details>
  </section>
  <aside class="panel" id="kg-panel" aria-label="Evidence" aria-live="polite"></aside>
</main>
"##;

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` become
/// `\u` escapes, so neither `</script>` nor `<!--` can appear, and U+2028
/// and U+2029 are escaped for older JavaScript parsers. These characters
/// occur in serde_json's output only inside strings, where the escapes mean
/// the same characters.
#[cfg(test)]
pub(crate) fn script_json(json: &str) -> String {
    let mut safe = Vec::with_capacity(json.len());
    let mut writer = ScriptSafe::new(&mut safe);
    writer
        .write_all(json.as_bytes())
        .expect("a Vec takes every byte");
    writer.finish().expect("a Vec takes every byte");
    String::from_utf8(safe).expect("escapes keep UTF-8")
}

/// A writer that makes the JSON written through it safe inside a
/// `<script>` element (see [`script_json`]), block by block: the data
/// block of a large graph is never held whole.
struct ScriptSafe<'w> {
    out: &'w mut dyn Write,
    /// The start of a three-byte character cut off at the end of the last
    /// block (U+2028 and U+2029 are `E2 80 A8` and `E2 80 A9`).
    pending: Vec<u8>,
}

impl<'w> ScriptSafe<'w> {
    fn new(out: &'w mut dyn Write) -> ScriptSafe<'w> {
        ScriptSafe {
            out,
            pending: Vec::new(),
        }
    }

    /// Writes what is still held back (only a cut-off character, which
    /// valid UTF-8 never ends with).
    fn finish(self) -> io::Result<()> {
        self.out.write_all(&self.pending)
    }

    /// Writes `bytes` escaped; returns how many bytes at the end were held
    /// back because they may start U+2028 or U+2029.
    fn escape(out: &mut dyn Write, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        while let Some(at) = rest
            .iter()
            .position(|&b| matches!(b, b'<' | b'>' | b'&' | 0xe2))
        {
            out.write_all(&rest[..at])?;
            let escape: &[u8] = match rest[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => match rest.get(at + 1..at + 3) {
                    None => return Ok(rest.len() - at),
                    Some([0x80, 0xa8]) => b"\\u2028",
                    Some([0x80, 0xa9]) => b"\\u2029",
                    Some(_) => {
                        out.write_all(&rest[at..at + 1])?;
                        rest = &rest[at + 1..];
                        continue;
                    }
                },
            };
            out.write_all(escape)?;
            rest = &rest[at + if rest[at] == 0xe2 { 3 } else { 1 }..];
        }
        out.write_all(rest)?;
        Ok(0)
    }
}

impl Write for ScriptSafe<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let held = if self.pending.is_empty() {
            let held = ScriptSafe::escape(self.out, bytes)?;
            self.pending.extend_from_slice(&bytes[bytes.len() - held..]);
            return Ok(bytes.len());
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(bytes);
            let held = ScriptSafe::escape(self.out, &joined)?;
            joined.drain(..joined.len() - held);
            joined
        };
        self.pending = held;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Text made safe as HTML element content or a quoted attribute value.
pub(crate) fn html_text(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            '\'' => safe.push_str("&#39;"),
            other => safe.push(other),
        }
    }
    safe
}

fn page(graph: &KnowledgeGraph) -> Page<'_> {
    let dataset = graph.dataset();
    let kind_index: BTreeMap<&str, usize> = dataset
        .schema
        .kinds
        .iter()
        .enumerate()
        .map(|(index, kind)| (kind.name.as_str(), index))
        .collect();
    let type_index: BTreeMap<&str, usize> = dataset
        .schema
        .relation_types
        .iter()
        .enumerate()
        .map(|(index, ty)| (ty.name.as_str(), index))
        .collect();
    let source_index: BTreeMap<&str, usize> = dataset
        .sources
        .iter()
        .enumerate()
        .map(|(index, source)| (source.id.as_str(), index))
        .collect();
    let entity_index: BTreeMap<&str, usize> = dataset
        .entities
        .iter()
        .enumerate()
        .map(|(index, entity)| (entity.id.as_str(), index))
        .collect();
    let utf16: Vec<Utf16Offsets> = dataset
        .sources
        .iter()
        .map(|source| Utf16Offsets::new(&source.text))
        .collect();
    let positions = layout(graph);
    let title = match dataset.sources.as_slice() {
        [source] => source.title.clone(),
        _ => format!(
            "Knowledge graph: {} entities, {} relations",
            dataset.entities.len(),
            dataset.relations.len()
        ),
    };
    Page {
        version: HTML_DATA_VERSION,
        generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
        title,
        kinds: dataset
            .schema
            .kinds
            .iter()
            .enumerate()
            .map(|(index, kind)| KindData {
                name: &kind.name,
                description: &kind.description,
                color: style_color(&kind.dot, "fillcolor")
                    .unwrap_or_else(|| PALETTE[index % PALETTE.len()].to_owned()),
                shape: kind_shape(&kind.dot).unwrap_or(SHAPES[index % SHAPES.len()]),
            })
            .collect(),
        types: dataset
            .schema
            .relation_types
            .iter()
            .enumerate()
            .map(|(index, ty)| TypeData {
                name: &ty.name,
                label: ty.display_label(),
                definition: &ty.definition,
                color: style_color(&ty.dot, "color")
                    .unwrap_or_else(|| PALETTE[index % PALETTE.len()].to_owned()),
                symmetric: ty.symmetric,
            })
            .collect(),
        modalities: Modality::ALL
            .iter()
            .map(|modality| ModalityData {
                name: modality.as_str(),
                definition: modality.definition(),
            })
            .collect(),
        sources: dataset
            .sources
            .iter()
            .map(|source| SourceData {
                id: &source.id,
                title: &source.title,
                author: &source.author,
                date: &source.date,
                publisher: &source.publisher,
                url: source.url.as_deref(),
                copy_date: source.copy_date.as_deref(),
                copy_url: source.copy_url.as_deref(),
                text: &source.text,
            })
            .collect(),
        entities: dataset
            .entities
            .iter()
            .zip(&positions)
            .map(|(entity, &(x, y))| EntityData {
                id: &entity.id,
                label: &entity.label,
                kind: kind_index.get(entity.kind.as_str()).copied().unwrap_or(0),
                aliases: &entity.aliases,
                description: &entity.description,
                wikidata: entity.wikidata.as_deref(),
                x,
                y,
            })
            .collect(),
        relations: dataset
            .relations
            .iter()
            .filter_map(|relation| {
                Some(RelationData {
                    id: &relation.id,
                    from: *entity_index.get(relation.from.as_str())?,
                    to: *entity_index.get(relation.to.as_str())?,
                    relation_type: type_index
                        .get(relation.relation_type.as_str())
                        .copied()
                        .unwrap_or(0),
                    modality: Modality::ALL
                        .iter()
                        .position(|&modality| modality == relation.modality)
                        .unwrap_or(0),
                    negated: relation.negated,
                    attributed_to: relation
                        .attributed_to
                        .iter()
                        .filter_map(|id| entity_index.get(id.as_str()).copied())
                        .collect(),
                    note: relation.note.as_deref(),
                    date: relation.date.as_deref(),
                    evidence: relation
                        .evidence
                        .iter()
                        .filter_map(|evidence| {
                            let source = *source_index.get(evidence.source.as_str())?;
                            let offsets = &utf16[source];
                            Some([
                                source,
                                offsets.at(evidence.location.byte_start),
                                offsets.at(evidence.location.byte_end),
                                evidence.location.line,
                            ])
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

/// A `dot` colour that is safe and meaningful in CSS: `#rgb`, `#rrggbb`
/// (with or without alpha) or a plain colour name.
fn style_color(style: &DotStyle, attribute: &str) -> Option<String> {
    let value = style.get(attribute)?.trim();
    let hex = value.strip_prefix('#').is_some_and(|digits| {
        matches!(digits.len(), 3 | 4 | 6 | 8) && digits.chars().all(|c| c.is_ascii_hexdigit())
    });
    let name =
        !value.is_empty() && value.len() <= 20 && value.chars().all(|c| c.is_ascii_alphabetic());
    (hex || name).then(|| value.to_ascii_lowercase())
}

/// The viewer's shape nearest a Graphviz node shape.
fn kind_shape(style: &DotStyle) -> Option<&'static str> {
    Some(match style.get("shape")?.as_str() {
        "ellipse" | "oval" | "circle" | "doublecircle" | "point" => "circle",
        "box" | "rect" | "rectangle" | "square" | "box3d" | "component" | "tab" | "note"
        | "folder" | "cylinder" => "square",
        "diamond" | "parallelogram" | "Mdiamond" | "cds" => "diamond",
        "triangle" | "house" | "invtriangle" | "invhouse" => "triangle",
        "hexagon" | "octagon" | "doubleoctagon" | "pentagon" | "septagon" => "hexagon",
        _ => return None,
    })
}

/// UTF-16 offsets of a text's byte offsets.
struct Utf16Offsets {
    /// For every byte offset that starts a character (and the end), its
    /// offset in UTF-16 code units; other entries are unused.
    at_byte: Vec<usize>,
}

impl Utf16Offsets {
    fn new(text: &str) -> Utf16Offsets {
        let mut at_byte = vec![0; text.len() + 1];
        let mut units = 0;
        for (byte, character) in text.char_indices() {
            at_byte[byte] = units;
            units += character.len_utf16();
        }
        at_byte[text.len()] = units;
        Utf16Offsets { at_byte }
    }

    fn at(&self, byte: usize) -> usize {
        self.at_byte
            .get(byte)
            .copied()
            .unwrap_or_else(|| self.at_byte.last().copied().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};

    fn page_of(graph: &KnowledgeGraph) -> String {
        let mut bytes = Vec::new();
        write_html(graph, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    /// The embedded data block, as the page's script reads it.
    fn data_block(page: &str) -> &str {
        let start = page.find("id=\"kg-data\">").unwrap() + "id=\"kg-data\">".len();
        &page[start..start + page[start..].find("</script>").unwrap()]
    }

    #[test]
    fn script_safety_is_the_same_whatever_the_blocks_it_comes_in() {
        let json = "{\"a\":\"x</script>\u{2028}\u{2029}\u{2020}\u{20ac}&<!--é\"}";
        let whole = script_json(json);
        assert!(whole.contains("\\u2028\\u2029\u{2020}\u{20ac}\\u0026\\u003c!--"));
        for cut in 0..=json.len() {
            for second in cut..=json.len() {
                let mut safe = Vec::new();
                let mut writer = ScriptSafe::new(&mut safe);
                for part in [
                    &json.as_bytes()[..cut],
                    &json.as_bytes()[cut..second],
                    &json.as_bytes()[second..],
                ] {
                    writer.write_all(part).unwrap();
                }
                writer.finish().unwrap();
                assert_eq!(
                    String::from_utf8(safe).unwrap(),
                    whole,
                    "cut at {cut}, {second}"
                );
            }
        }
    }

    #[test]
    fn script_json_leaves_nothing_that_ends_or_comments_a_script() {
        let json = serde_json::to_string("</script><!--<script>\u{2028}\u{2029}&").unwrap();
        let safe = script_json(&json);
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!safe.contains(forbidden), "{safe}");
        }
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><!--<script>\u{2028}\u{2029}&");
    }

    #[test]
    fn hostile_strings_stay_inside_the_data_block() {
        let mut graph = hostile_graph();
        let mut dataset = graph.dataset().clone();
        dataset.entities[0]
            .aliases
            .push("</script><script>alert(1)</script>".to_owned());
        dataset.entities[0].description = "<!-- \u{2028} \u{2029} </SCRIPT >".to_owned();
        graph = KnowledgeGraph::new(dataset);
        let page = page_of(&graph);
        // The data block and the viewer's own script: two ends, no more.
        assert_eq!(page.to_ascii_lowercase().matches("</script").count(), 2);
        assert!(!page.contains("<!--"));
        assert!(!page.contains('\u{2028}') && !page.contains('\u{2029}'));
        let data: serde_json::Value = serde_json::from_str(data_block(&page)).unwrap();
        assert_eq!(data["entities"][0]["label"], HOSTILE);
        assert_eq!(
            data["entities"][0]["aliases"][2],
            "</script><script>alert(1)</script>"
        );
    }

    #[test]
    fn the_title_is_escaped_as_html() {
        assert_eq!(
            html_text("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn evidence_offsets_are_counted_in_utf16_units() {
        let offsets = Utf16Offsets::new("a🚀é b");
        // `a` 1 byte, 1 unit; 🚀 4 bytes, 2 units; é 2 bytes, 1 unit.
        assert_eq!(offsets.at(0), 0);
        assert_eq!(offsets.at(1), 1);
        assert_eq!(offsets.at(5), 3);
        assert_eq!(offsets.at(7), 4);
        assert_eq!(offsets.at(9), 6);
    }

    #[test]
    fn styles_come_from_the_schema_else_the_palette_and_never_carry_css() {
        let graph = hostile_graph();
        let page = page(&graph);
        assert_eq!(page.kinds[0].color, "#dbe9f6");
        assert_eq!(page.types[0].color, PALETTE[0]);
        let mut style = DotStyle::new();
        style.insert("color".to_owned(), "red;} body{display:none".to_owned());
        assert_eq!(style_color(&style, "color"), None);
    }
}
