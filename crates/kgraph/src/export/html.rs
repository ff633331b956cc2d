//! An interactive HTML page: one self-contained file that draws the graph on
//! a canvas and shows, beside every relation, its evidence quotes inside
//! their paragraph of the source text.
//!
//! The page needs no network: the viewer's script and style (in
//! `src/export/html/`, written for kgraph, no third-party code) are inlined,
//! and the graph is embedded as JSON in a `<script type="application/json">`
//! block, escaped by [`ScriptSafe`] so that no curated string can close the
//! block. Positions are computed here, by [`layout`], with nothing but
//! IEEE-exact arithmetic, so the same graph gives the same bytes on every
//! machine and no drawing program's version changes the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;

use crate::graph::KnowledgeGraph;
use crate::model::{DotStyle, Modality};

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

/// The ideal distance between linked entities, in the page's pixels at
/// zoom 1.
const EDGE_LENGTH: f64 = 90.0;

/// Above this many entities, repulsion is computed only between entities
/// in neighbouring grid cells, so that the layout stays linear in size.
const EXACT_REPULSION_LIMIT: usize = 1500;

/// A deterministic force-directed layout (Fruchterman and Reingold, with
/// repulsion weighted by degree as in ForceAtlas2, so that hubs keep room
/// for their neighbours), followed by a pass that pulls apart entities
/// whose labels would overlap. Returns whole-pixel positions in entity
/// order.
///
/// Only `+ - * /` and `sqrt` are used, which IEEE 754 defines exactly, so
/// the result is the same on every machine.
pub(crate) fn layout(graph: &KnowledgeGraph) -> Vec<(i64, i64)> {
    let (x, y) = positions(graph, Grid::default());
    let (cx, cy) = centre(&x, &y);
    x.iter()
        .zip(&y)
        .map(|(&px, &py)| ((px - cx).round() as i64, (py - cy).round() as i64))
        .collect()
}

/// The unrounded positions of [`layout`], with `grid` for the repulsion of
/// large graphs.
fn positions(graph: &KnowledgeGraph, mut grid: Grid) -> (Vec<f64>, Vec<f64>) {
    let entities = graph.entities();
    let count = entities.len();
    if count == 0 {
        return (Vec::new(), Vec::new());
    }
    let index: BTreeMap<&str, usize> = entities
        .iter()
        .enumerate()
        .map(|(position, entity)| (entity.id.as_str(), position))
        .collect();
    let links: BTreeSet<(usize, usize)> = graph
        .relations()
        .iter()
        .filter_map(|relation| {
            let from = *index.get(relation.from.as_str())?;
            let to = *index.get(relation.to.as_str())?;
            (from != to).then_some((from.min(to), from.max(to)))
        })
        .collect();
    let mut degree = vec![0.0_f64; count];
    for &(a, b) in &links {
        degree[a] += 1.0;
        degree[b] += 1.0;
    }
    let side = EDGE_LENGTH * (count as f64).sqrt() * 1.5;
    let mut random = SplitMix64(0x6b67_7261_7068);
    let mut x: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
    let mut y: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
    let iterations = if count <= EXACT_REPULSION_LIMIT {
        400
    } else {
        120
    };
    let k = EDGE_LENGTH;
    let gravity = 0.5;
    let mut dx = vec![0.0_f64; count];
    let mut dy = vec![0.0_f64; count];
    for iteration in 0..iterations {
        let temperature = side * 0.1 * (1.0 - iteration as f64 / iterations as f64) + 1.0;
        dx.iter_mut().for_each(|value| *value = 0.0);
        dy.iter_mut().for_each(|value| *value = 0.0);
        if count <= EXACT_REPULSION_LIMIT {
            let repel = |a: usize, b: usize, dx: &mut [f64], dy: &mut [f64]| {
                let (fx, fy) = repulsion(x[a] - x[b], y[a] - y[b], || a < b, degree[a], degree[b]);
                dx[a] += fx;
                dy[a] += fy;
                dx[b] -= fx;
                dy[b] -= fy;
            };
            for a in 0..count {
                for b in a + 1..count {
                    repel(a, b, &mut dx, &mut dy);
                }
            }
        } else {
            grid.repel(&x, &y, &degree, &mut dx, &mut dy);
        }
        for &(a, b) in &links {
            let ex = x[a] - x[b];
            let ey = y[a] - y[b];
            let distance = (ex * ex + ey * ey).sqrt();
            // Longer springs at hubs, so that their many neighbours get room
            // around them instead of a crowded ring.
            let hub = degree[a].max(degree[b]).sqrt();
            let force = distance / (k * (1.0 + hub / 4.0));
            dx[a] -= ex * force;
            dy[a] -= ey * force;
            dx[b] += ex * force;
            dy[b] += ey * force;
        }
        let (cx, cy) = centre(&x, &y);
        for node in 0..count {
            // Gravity of constant strength toward the centre keeps loose
            // components close without crushing the hubs' neighbourhoods.
            let (gx, gy) = (x[node] - cx, y[node] - cy);
            let distance = (gx * gx + gy * gy).sqrt().max(1.0);
            dx[node] -= gx / distance * gravity * k * (degree[node] + 1.0);
            dy[node] -= gy / distance * gravity * k * (degree[node] + 1.0);
            let length = (dx[node] * dx[node] + dy[node] * dy[node]).sqrt();
            if length > 0.0 {
                let step = length.min(temperature);
                x[node] += dx[node] / length * step;
                y[node] += dy[node] / length * step;
            }
        }
    }
    if count <= EXACT_REPULSION_LIMIT {
        compact(graph, &mut x, &mut y);
        separate_labels(graph, &mut x, &mut y);
    }
    (x, y)
}

/// The repulsion between two entities `a` and `b` (`ex`, `ey` the vector
/// from `b` to `a`), as added to `a` and taken from `b`. `a_first` tells
/// which has the lower index, and so which way coincident points go.
#[inline]
fn repulsion(
    ex: f64,
    ey: f64,
    a_first: impl FnOnce() -> bool,
    degree_a: f64,
    degree_b: f64,
) -> (f64, f64) {
    let (mut ex, mut ey) = (ex, ey);
    let mut distance_squared = ex * ex + ey * ey;
    if distance_squared < 1e-6 {
        // Coincident points: push apart along a direction fixed by their
        // indices.
        ex = if a_first() { 0.5 } else { -0.5 };
        ey = 0.25;
        distance_squared = ex * ex + ey * ey;
    }
    let weight = (degree_a + 1.0) * (degree_b + 1.0);
    let force = EDGE_LENGTH * EDGE_LENGTH * weight / distance_squared.max(1.0);
    (ex * force, ey * force)
}

/// The neighbour cells of a cell whose pairs it computes, in the order
/// they are visited: each pair of neighbouring cells once.
const NEIGHBOURS: [(i64, i64); 5] = [(0, 0), (1, 0), (1, 1), (0, 1), (-1, 1)];

/// The neighbours that reach into the next grid column, which a part
/// replays for the column just before its own.
const INTO_NEXT_COLUMN: [(i64, i64); 2] = [(1, 0), (1, 1)];

/// The neighbour that reaches into the previous grid column, which a part
/// replays for the column just after its own.
const INTO_PREVIOUS_COLUMN: [(i64, i64); 1] = [(-1, 1)];

/// About this many entities go to one part of the parallel repulsion:
/// enough that a part's replayed border columns cost little beside it.
const PART_ENTITIES: usize = 4096;

/// Repulsion between entities in neighbouring cells of a square grid, for
/// large graphs. The entities are sorted by cell (then by index) into
/// contiguous arrays, so that the inner loop reads memory in order; the
/// pairs are visited in the order of the cells (by `(column, row)`), of
/// the neighbour offsets and of the entities in each cell, and every
/// entity's force is summed in that order, so the floating-point result
/// is the same on every run and every machine.
///
/// The work is split into parts of whole grid columns, run on all cores.
/// An entity in column `c` gets its terms from the visits of columns
/// `c - 1`, `c` and `c + 1`, in that order. A part therefore also replays
/// the visit of the column before it (only the offsets that reach into
/// its first column) and of the column after it (only the offset that
/// reaches back into its last column), into its own buffer: every entity
/// of the part gets the same terms in the same order as in one sequential
/// pass, so the sums are bit for bit the same whatever the number of
/// parts.
struct Grid {
    /// Entity indices sorted by cell, then index.
    order: Vec<usize>,
    /// Each entity's cell, by entity index.
    cell_of: Vec<(i64, i64)>,
    /// The cells with entities, sorted, with their range in `order`.
    cells: Vec<((i64, i64), usize, usize)>,
    x: Vec<f64>,
    y: Vec<f64>,
    degree: Vec<f64>,
    dx: Vec<f64>,
    dy: Vec<f64>,
    /// About how many entities one part gets; `usize::MAX` for one
    /// sequential pass.
    part_entities: usize,
    /// How many parts the last call to [`Grid::repel`] used.
    parts: usize,
}

impl Default for Grid {
    fn default() -> Grid {
        Grid::with_part_entities(PART_ENTITIES)
    }
}

/// The sorted grid, read-only while the parts run.
struct Cells<'g> {
    cells: &'g [((i64, i64), usize, usize)],
    order: &'g [usize],
    x: &'g [f64],
    y: &'g [f64],
    degree: &'g [f64],
}

impl Cells<'_> {
    /// Adds the repulsion of the pairs that the cells `visited` form with
    /// their neighbours at `offsets` to `dx`, `dy`, which hold the sorted
    /// entities from position `base` on (every entity that these pairs
    /// touch).
    fn repel(
        &self,
        visited: std::ops::Range<usize>,
        offsets: &[(i64, i64)],
        base: usize,
        dx: &mut [f64],
        dy: &mut [f64],
    ) {
        let (sx, sy, sdegree, order) = (self.x, self.y, self.degree, self.order);
        for &((cx, cy), start, end) in &self.cells[visited] {
            for &(ox, oy) in offsets {
                let key = (cx + ox, cy + oy);
                let Ok(found) = self.cells.binary_search_by_key(&key, |&(k, _, _)| k) else {
                    continue;
                };
                let (_, other_start, other_end) = self.cells[found];
                for a in start..end {
                    let first = if (ox, oy) == (0, 0) {
                        a + 1
                    } else {
                        other_start
                    };
                    let (ax, ay, adegree) = (sx[a], sy[a], sdegree[a]);
                    let (mut fxa, mut fya) = (dx[a - base], dy[a - base]);
                    // Slices of one length, so that the loop has no bounds
                    // checks; the entity order is read only for coincident
                    // points.
                    let range = first..other_end.max(first);
                    let local = range.start - base..range.end - base;
                    let (bx, by, bdegree) =
                        (&sx[range.clone()], &sy[range.clone()], &sdegree[range]);
                    let (bdx, bdy) = (&mut dx[local.clone()], &mut dy[local]);
                    let others = bx.iter().zip(by).zip(bdegree).zip(bdx.iter_mut().zip(bdy));
                    for (offset, (((&bxv, &byv), &bdegreev), (bdxv, bdyv))) in others.enumerate() {
                        let (fx, fy) = repulsion(
                            ax - bxv,
                            ay - byv,
                            || order[a] < order[first + offset],
                            adegree,
                            bdegreev,
                        );
                        fxa += fx;
                        fya += fy;
                        *bdxv -= fx;
                        *bdyv -= fy;
                    }
                    dx[a - base] = fxa;
                    dy[a - base] = fya;
                }
            }
        }
    }
}

impl Grid {
    fn with_part_entities(part_entities: usize) -> Grid {
        Grid {
            order: Vec::new(),
            cell_of: Vec::new(),
            cells: Vec::new(),
            x: Vec::new(),
            y: Vec::new(),
            degree: Vec::new(),
            dx: Vec::new(),
            dy: Vec::new(),
            part_entities,
            parts: 0,
        }
    }

    /// Adds the repulsion of every pair of entities in neighbouring cells
    /// to `dx`, `dy`.
    fn repel(&mut self, x: &[f64], y: &[f64], degree: &[f64], dx: &mut [f64], dy: &mut [f64]) {
        use rayon::prelude::*;

        let cell = EDGE_LENGTH * 2.0;
        let count = x.len();
        self.cell_of.clear();
        self.cell_of.extend(
            x.iter()
                .zip(y)
                .map(|(&px, &py)| ((px / cell).floor() as i64, (py / cell).floor() as i64)),
        );
        self.order.clear();
        self.order.extend(0..count);
        let cell_of = &self.cell_of;
        self.order
            .sort_unstable_by_key(|&node| (cell_of[node], node));
        self.cells.clear();
        for (position, &node) in self.order.iter().enumerate() {
            match self.cells.last_mut() {
                Some((key, _, end)) if *key == cell_of[node] => *end = position + 1,
                _ => self.cells.push((cell_of[node], position, position + 1)),
            }
        }
        let sorted = |values: &[f64], into: &mut Vec<f64>| {
            into.clear();
            into.extend(self.order.iter().map(|&node| values[node]));
        };
        sorted(x, &mut self.x);
        sorted(y, &mut self.y);
        sorted(degree, &mut self.degree);
        self.dx.clear();
        self.dx.resize(count, 0.0);
        self.dy.clear();
        self.dy.resize(count, 0.0);
        let grid = Cells {
            cells: &self.cells,
            order: &self.order,
            x: &self.x,
            y: &self.y,
            degree: &self.degree,
        };
        let columns = column_starts(&self.cells);
        let parts = parts_of(&self.cells, &columns, self.part_entities);
        self.parts = parts.len();
        if parts.len() <= 1 {
            grid.repel(
                0..self.cells.len(),
                &NEIGHBOURS,
                0,
                &mut self.dx,
                &mut self.dy,
            );
        } else {
            // Each part's first and last column (indices into `columns`)
            // and its slice of the output.
            let mut pieces: Vec<(usize, usize, &mut [f64], &mut [f64])> = Vec::new();
            let (mut rest_dx, mut rest_dy) = (&mut self.dx[..], &mut self.dy[..]);
            let mut taken = 0;
            for &(first, last) in &parts {
                let end = column_cells(&columns, self.cells.len(), last).end;
                let end = self.cells[end - 1].2;
                let (part_dx, tail_dx) = rest_dx.split_at_mut(end - taken);
                let (part_dy, tail_dy) = rest_dy.split_at_mut(end - taken);
                pieces.push((first, last, part_dx, part_dy));
                (rest_dx, rest_dy, taken) = (tail_dx, tail_dy, end);
            }
            let cells = &self.cells;
            pieces
                .into_par_iter()
                .for_each(|(first, last, out_dx, out_dy)| {
                    let entities = |column: usize| {
                        let range = column_cells(&columns, cells.len(), column);
                        cells[range.start].1..cells[range.end - 1].2
                    };
                    let cx = |column: usize| cells[columns[column]].0.0;
                    let before = (first > 0 && cx(first - 1) == cx(first) - 1).then(|| first - 1);
                    let after = (last + 1 < columns.len() && cx(last + 1) == cx(last) + 1)
                        .then(|| last + 1);
                    let own = entities(first).start..entities(last).end;
                    let base = before.map_or(own.start, |column| entities(column).start);
                    let limit = after.map_or(own.end, |column| entities(column).end);
                    let mut local_dx = vec![0.0_f64; limit - base];
                    let mut local_dy = vec![0.0_f64; limit - base];
                    if let Some(column) = before {
                        let visited = column_cells(&columns, cells.len(), column);
                        grid.repel(
                            visited,
                            &INTO_NEXT_COLUMN,
                            base,
                            &mut local_dx,
                            &mut local_dy,
                        );
                    }
                    let visited = columns[first]..column_cells(&columns, cells.len(), last).end;
                    grid.repel(visited, &NEIGHBOURS, base, &mut local_dx, &mut local_dy);
                    if let Some(column) = after {
                        let visited = column_cells(&columns, cells.len(), column);
                        grid.repel(
                            visited,
                            &INTO_PREVIOUS_COLUMN,
                            base,
                            &mut local_dx,
                            &mut local_dy,
                        );
                    }
                    let mine = own.start - base..own.end - base;
                    // The parts cover the columns in order, so a part's slice of
                    // the output is exactly its own entities.
                    out_dx.copy_from_slice(&local_dx[mine.clone()]);
                    out_dy.copy_from_slice(&local_dy[mine]);
                });
        }
        for (position, &node) in self.order.iter().enumerate() {
            dx[node] = self.dx[position];
            dy[node] = self.dy[position];
        }
    }
}

/// The index in `cells` of the first cell of every grid column.
fn column_starts(cells: &[((i64, i64), usize, usize)]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (index, &((cx, _), _, _)) in cells.iter().enumerate() {
        if index == 0 || cells[index - 1].0.0 != cx {
            starts.push(index);
        }
    }
    starts
}

/// The cells of column number `column` (an index into `columns`).
fn column_cells(columns: &[usize], cells: usize, column: usize) -> std::ops::Range<usize> {
    columns[column]..columns.get(column + 1).copied().unwrap_or(cells)
}

/// Splits the columns into runs of about `part_entities` entities each, as
/// `(first, last)` column indices.
fn parts_of(
    cells: &[((i64, i64), usize, usize)],
    columns: &[usize],
    part_entities: usize,
) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut first = 0;
    let mut start_entity = 0;
    for column in 0..columns.len() {
        let end_entity = cells[column_cells(columns, cells.len(), column).end - 1].2;
        if end_entity - start_entity >= part_entities || column + 1 == columns.len() {
            parts.push((first, column));
            first = column + 1;
            start_entity = end_entity;
        }
    }
    parts
}

fn centre(x: &[f64], y: &[f64]) -> (f64, f64) {
    let count = x.len().max(1) as f64;
    (x.iter().sum::<f64>() / count, y.iter().sum::<f64>() / count)
}

/// Shrinks a sparse layout toward its centre until its area is a few
/// times what its labels need, so that the whole graph fits a page at a
/// zoom where labels can be read; [`separate_labels`] then opens the dense
/// parts again.
fn compact(graph: &KnowledgeGraph, x: &mut [f64], y: &mut [f64]) {
    let label_area: f64 = graph
        .entities()
        .iter()
        .map(|entity| label_half_width(&entity.label) * 2.0 * LABEL_BOX_HEIGHT)
        .sum();
    let (cx, cy) = centre(x, y);
    let spread = |values: &[f64]| {
        values.iter().copied().fold(f64::MIN, f64::max)
            - values.iter().copied().fold(f64::MAX, f64::min)
    };
    let area = spread(x) * spread(y);
    let target = label_area * 4.0;
    if area <= target || area <= 0.0 {
        return;
    }
    let factor = (target / area).sqrt();
    for value in x.iter_mut() {
        *value = cx + (*value - cx) * factor;
    }
    for value in y.iter_mut() {
        *value = cy + (*value - cy) * factor;
    }
}

/// The height of a label's box, text and the gap to the next, at zoom 1.
const LABEL_BOX_HEIGHT: f64 = 30.0;

/// Half the width of a label's box at zoom 1 (12 px text, at most 32
/// characters, as the viewer draws it), with a margin.
fn label_half_width(label: &str) -> f64 {
    let characters = label.chars().count().min(32) as f64;
    (characters * 6.5).max(24.0) / 2.0 + 6.0
}

/// Moves entities apart until the boxes of their labels (as the viewer
/// draws them at zoom 1: 12 px text under the node) no longer overlap, or
/// a bounded number of passes is done.
fn separate_labels(graph: &KnowledgeGraph, x: &mut [f64], y: &mut [f64]) {
    const BOX_HEIGHT: f64 = LABEL_BOX_HEIGHT;
    let half_width: Vec<f64> = graph
        .entities()
        .iter()
        .map(|entity| label_half_width(&entity.label))
        .collect();
    let count = x.len();
    for _ in 0..500 {
        let mut moved = false;
        for a in 0..count {
            for b in a + 1..count {
                let overlap_x = half_width[a] + half_width[b] - (x[a] - x[b]).abs();
                let overlap_y = BOX_HEIGHT - (y[a] - y[b]).abs();
                if overlap_x <= 0.0 || overlap_y <= 0.0 {
                    continue;
                }
                moved = true;
                // Push along the axis that needs the smaller move.
                if overlap_x * 0.5 < overlap_y {
                    let push = overlap_x / 2.0 + 0.5;
                    let sign = if x[a] < x[b] || (x[a] == x[b] && a < b) {
                        -1.0
                    } else {
                        1.0
                    };
                    x[a] += sign * push;
                    x[b] -= sign * push;
                } else {
                    let push = overlap_y / 2.0 + 0.5;
                    let sign = if y[a] < y[b] || (y[a] == y[b] && a < b) {
                        -1.0
                    } else {
                        1.0
                    };
                    y[a] += sign * push;
                    y[b] -= sign * push;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// A small, fixed pseudo-random sequence (SplitMix64) for the starting
/// positions: the same on every machine, unlike a seeded library RNG whose
/// algorithm may change between versions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};
    use crate::graph::tests::graph_of;

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
    fn layout_is_deterministic_and_keeps_labels_apart() {
        let ids: Vec<String> = (0..40).map(|i| format!("n{i:02}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..40)
            .map(|i| (id_refs[0], id_refs[i]))
            .chain((1..39).map(|i| (id_refs[i], id_refs[i + 1])))
            .collect();
        let graph = graph_of(&id_refs, &links);
        let first = layout(&graph);
        assert_eq!(first, layout(&graph));
        for a in 0..first.len() {
            for b in a + 1..first.len() {
                let (ax, ay) = first[a];
                let (bx, by) = first[b];
                // Labels are three characters: boxes 24+12 px wide, 30 high.
                assert!(
                    (ax - bx).abs() >= 35 || (ay - by).abs() >= 29,
                    "{a} at {:?} and {b} at {:?} overlap",
                    first[a],
                    first[b]
                );
            }
        }
    }

    #[test]
    fn a_large_graph_is_laid_out_with_the_grid() {
        let ids: Vec<String> = (0..2000).map(|i| format!("n{i:04}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..2000).map(|i| (id_refs[i / 2], id_refs[i])).collect();
        let positions = layout(&graph_of(&id_refs, &links));
        let distinct: BTreeSet<(i64, i64)> = positions.iter().copied().collect();
        assert!(
            distinct.len() > 1990,
            "{} distinct positions",
            distinct.len()
        );
    }

    /// A graph of `count` entities in a binary tree, with a cross link every
    /// seventh entity, large enough for the grid.
    fn tree_graph(count: usize) -> KnowledgeGraph {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i:05}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..count)
            .map(|i| (id_refs[i / 2], id_refs[i]))
            .chain((7..count).step_by(7).map(|i| (id_refs[i - 5], id_refs[i])))
            .collect();
        graph_of(&id_refs, &links)
    }

    #[test]
    fn the_parallel_repulsion_sums_bit_for_bit_as_one_pass() {
        let count = 3000;
        let mut random = SplitMix64(7);
        // A dense square, so that cells hold several entities, plus a few
        // coincident points and a column gap.
        let side = EDGE_LENGTH * 30.0;
        let mut x: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
        let mut y: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
        for value in x.iter_mut() {
            if *value > side * 0.4 && *value < side * 0.5 {
                *value += side;
            }
        }
        (x[5], y[5]) = (x[9], y[9]);
        let degree: Vec<f64> = (0..count).map(|node| (node % 5) as f64).collect();
        let run = |part_entities: usize| {
            let mut grid = Grid::with_part_entities(part_entities);
            let mut dx = vec![0.0; count];
            let mut dy = vec![0.0; count];
            grid.repel(&x, &y, &degree, &mut dx, &mut dy);
            (grid.parts, dx, dy)
        };
        let (one, dx, dy) = run(usize::MAX);
        assert_eq!(one, 1);
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for part_entities in [1, 50, 333, 1000] {
            let (parts, pdx, pdy) = run(part_entities);
            assert!(parts >= 3, "{parts} parts of {part_entities}");
            assert_eq!(bits(&pdx), bits(&dx), "{part_entities} per part");
            assert_eq!(bits(&pdy), bits(&dy), "{part_entities} per part");
        }
    }

    #[test]
    fn a_large_layout_is_the_same_bit_for_bit_in_parts() {
        let graph = tree_graph(2500);
        let (x, y) = positions(&graph, Grid::with_part_entities(usize::MAX));
        let (px, py) = positions(&graph, Grid::with_part_entities(100));
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&px), bits(&x));
        assert_eq!(bits(&py), bits(&y));
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
