//! RDF 1.1 Turtle, serialized by `oxttl` (Oxigraph's parser and serializer),
//! so that the escaping of every literal and IRI is that of a maintained RDF
//! library, not ours.
//!
//! # Shape
//!
//! Every IRI lives under one base IRI ([`TurtleOptions`], default
//! [`DEFAULT_BASE_IRI`]), in one namespace per sort of thing, none a prefix
//! of another:
//!
//! | what | IRI | prefix |
//! |---|---|---|
//! | entity | `{base}entity/{id}` | `entity:` |
//! | kind (an `owl:Class`) | `{base}kind/{name}` | `kind:` |
//! | relation type (an `owl:ObjectProperty`) | `{base}type/{name}` | `type:` |
//! | relation (an `rdf:Statement`) | `{base}relation/{id}` | `relation:` |
//! | evidence | `{base}evidence/{relation id}.{n}` (`n` from 1) | `evidence:` |
//! | source | `{base}source/{id}` | `source:` |
//! | kgraph's own terms | `{base}vocab/...` | `kg:` |
//!
//! A namespace is written with its prefix only when every local name in it
//! needs no backslash escape, which holds for validated ids except a
//! relation id ending in `.`; otherwise its IRIs are written in full,
//! because rdflib 7.6 rejects escaped local names such as `relation:a\.`.
//!
//! An entity is `a kg:Entity, kind:{kind}` with `kg:id`, `rdfs:label`,
//! `skos:altLabel` per alias, `rdfs:comment` (its description) and
//! `owl:sameAs <http://www.wikidata.org/entity/Q...>`.
//!
//! Every relation is a reified resource (standard RDF reification:
//! `rdf:subject`, `rdf:predicate`, `rdf:object`) that carries what a bare
//! triple cannot: `kg:modality` (one of `kg:actual`, `kg:historical`, ...),
//! `kg:negated` (`xsd:boolean`), `prov:wasAttributedTo` (once per entity
//! whose claim it is), `kg:note`, `kg:date` (typed `xsd:gYear`,
//! `xsd:gYearMonth` or `xsd:date`) and `kg:evidence`.
//!
//! Only a relation the source asserts as a fact in its author's own voice
//! (actual or historical, not negated, attributed to no one: see
//! [`Relation::is_asserted_fact`]) is *also* written as the direct triple
//! `entity:a type:t entity:b` that SPARQL users and reasoners read as true.
//! A proposal, a hypothesis, a denial or someone else's claim never is: a
//! query over direct triples returns facts only, and a query over
//! `kg:Relation` resources returns everything with its standing. An evidence node has
//! `kg:quote`, `kg:source` (the source's IRI) and `kg:byteStart`,
//! `kg:byteEnd`, `kg:charStart`, `kg:charEnd` (0-based, end-exclusive),
//! `kg:line`, `kg:column` (1-based), all `xsd:integer`. Literals carry no
//! language tag: the curated data does not say which language a label is in.
//!
//! The default base uses the `.example` top-level domain (RFC 2606), which
//! never resolves: a dataset published as linked data should set its own,
//! for example with `kg export --format turtle --base-iri https://...`.
//!
//! # Byte stability
//!
//! oxttl writes triples in the order it is given them, grouping consecutive
//! triples of one subject with `;`, and its prefixes in IRI order. We give
//! them in one fixed order: modalities, kinds, relation types, sources (by
//! id), entities (by id, each followed by its outgoing direct triples),
//! then relations (by id), each followed by its evidence.
//!
//! # Loading it
//!
//! ```text
//! python -c "import rdflib; g = rdflib.Graph(); g.parse('output/graph.ttl'); print(len(g))"
//! python -c "import pyoxigraph as ox; s = ox.Store(); s.load(path='output/graph.ttl', format=ox.RdfFormat.TURTLE); print(len(s))"
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Literal, NamedNode, Term};
use oxttl::TurtleSerializer;
use oxttl::turtle::LowLevelTurtleSerializer;

use super::chunked;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Evidence, Modality, Relation, Source};

/// The base IRI used when none is given: `.example` is reserved (RFC 2606),
/// so nothing published under it can be mistaken for a real resource.
pub const DEFAULT_BASE_IRI: &str = "https://kgraph.example/";

const OWL: &str = "http://www.w3.org/2002/07/owl#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const WIKIDATA_ENTITY: &str = "http://www.wikidata.org/entity/";

/// Where the Turtle export puts its IRIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurtleOptions {
    base_iri: String,
}

/// Why a base IRI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseIriError {
    /// Not an absolute IRI.
    #[error("invalid base IRI `{iri}`: {reason}")]
    Invalid {
        /// The IRI as given.
        iri: String,
        /// What the IRI parser objected to.
        reason: String,
    },
    /// Neither `/` nor `#` at the end.
    #[error("base IRI `{0}` must end with `/` or `#`, so that ids can be appended to it")]
    NoSeparator(String),
}

impl TurtleOptions {
    /// Options with the given base IRI: an absolute IRI ending in `/` or
    /// `#`, such as `https://example.org/kg/`.
    pub fn new(base_iri: impl Into<String>) -> Result<TurtleOptions, BaseIriError> {
        let base_iri = base_iri.into();
        if let Err(error) = NamedNode::new(base_iri.as_str()) {
            return Err(BaseIriError::Invalid {
                reason: error.to_string(),
                iri: base_iri,
            });
        }
        if !(base_iri.ends_with('/') || base_iri.ends_with('#')) {
            return Err(BaseIriError::NoSeparator(base_iri));
        }
        Ok(TurtleOptions { base_iri })
    }

    /// The base IRI every entity, relation and source IRI starts with.
    pub fn base_iri(&self) -> &str {
        &self.base_iri
    }
}

impl Default for TurtleOptions {
    fn default() -> TurtleOptions {
        TurtleOptions {
            base_iri: DEFAULT_BASE_IRI.to_owned(),
        }
    }
}

/// Percent-encodes a string for use as one IRI path segment: everything
/// but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded
/// byte by byte. Validated ids are slugs and come out unchanged; any other
/// string still gives a valid IRI, and two strings never give the same one.
pub(super) fn iri_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    push_iri_segment(&mut encoded, text);
    encoded
}

/// [`iri_segment`], appended to `out`: a slug (the usual case) is copied
/// in one piece.
fn push_iri_segment(out: &mut String, text: &str) {
    let unreserved = |byte: u8| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte);
    if text.bytes().all(unreserved) {
        out.push_str(text);
        return;
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

/// Whether `local` can follow a prefix as is: `[A-Za-z0-9_]`, then
/// `[A-Za-z0-9_.-]`, not ending in `.`. Turtle allows more through
/// backslash escapes (`relation:a\.`), and oxttl writes them, but rdflib
/// 7.6 rejects them: an IRI whose local name needs one is written in full.
fn plain_local_name(local: &str) -> bool {
    local
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && !local.ends_with('.')
}

fn all_plain<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    names
        .into_iter()
        .all(|name| plain_local_name(&iri_segment(name)))
}

/// The IRIs of one export: namespaces under the base, and kgraph's terms.
struct Iris {
    base: String,
}

impl Iris {
    fn namespace(&self, name: &str) -> String {
        format!("{}{name}", self.base)
    }

    fn in_namespace(&self, namespace: &str, local: &str) -> NamedNode {
        // The base was validated and `iri_segment` only yields unreserved
        // characters and percent escapes, so the IRI is valid. One
        // allocation per IRI: millions are made for a large graph.
        let mut iri = String::with_capacity(self.base.len() + namespace.len() + local.len());
        iri.push_str(&self.base);
        iri.push_str(namespace);
        push_iri_segment(&mut iri, local);
        NamedNode::new_unchecked(iri)
    }

    fn entity(&self, id: &str) -> NamedNode {
        self.in_namespace("entity/", id)
    }

    fn kind(&self, name: &str) -> NamedNode {
        self.in_namespace("kind/", name)
    }

    fn relation_type(&self, name: &str) -> NamedNode {
        self.in_namespace("type/", name)
    }

    fn relation(&self, id: &str) -> NamedNode {
        self.in_namespace("relation/", id)
    }

    /// `n` counts from 1. The number follows the last `.`, which splits the
    /// local name back into relation id and number: no two coincide.
    fn evidence(&self, relation_id: &str, n: usize) -> NamedNode {
        let mut iri = self.in_namespace("evidence/", relation_id).into_string();
        iri.push('.');
        iri.push_str(&n.to_string());
        NamedNode::new_unchecked(iri)
    }

    fn source(&self, id: &str) -> NamedNode {
        self.in_namespace("source/", id)
    }

    /// kgraph's own term `term` (a constant camelCase word).
    fn vocab(&self, term: &str) -> NamedNode {
        self.in_namespace("vocab/", term)
    }

    fn modality(&self, modality: Modality) -> NamedNode {
        self.vocab(modality.as_str())
    }
}

fn external(namespace: &str, term: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{term}"))
}

fn string(text: &str) -> Term {
    Literal::new_simple_literal(text).into()
}

fn integer(value: usize) -> Term {
    Literal::new_typed_literal(value.to_string(), xsd::INTEGER).into()
}

/// An ISO date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, as validated) typed with
/// the XML Schema type of its precision; anything else as a plain string.
fn date(text: &str) -> Term {
    let shape: String = text
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    let datatype = match shape.as_str() {
        "9999" => xsd::G_YEAR,
        "9999-99" => xsd::G_YEAR_MONTH,
        "9999-99-99" => xsd::DATE,
        _ => return string(text),
    };
    Literal::new_typed_literal(text, datatype).into()
}

/// Writes triples through oxttl, in the order given.
struct Writer<'w> {
    serializer: LowLevelTurtleSerializer,
    out: &'w mut dyn Write,
}

impl Writer<'_> {
    fn triple(
        &mut self,
        subject: &NamedNode,
        predicate: impl Into<NamedNode>,
        object: impl Into<Term>,
    ) -> io::Result<()> {
        let (predicate, object) = (predicate.into(), object.into());
        self.serializer.serialize_triple(
            oxrdf::TripleRef::new(subject.as_ref(), predicate.as_ref(), object.as_ref()),
            &mut *self.out,
        )
    }

    /// Ends the last statement with ` .`.
    fn finish(mut self) -> io::Result<()> {
        self.serializer.finish(&mut *self.out)
    }
}

/// Serializes the triples of a chunk of records (entities, relations) on
/// its own, so that chunks are formatted in parallel ([`chunked`]), and
/// gives exactly the bytes one serializer over the whole file would.
///
/// oxttl ends a subject's statement with ` .` and a line break when the
/// next subject starts, or at `finish`, and writes its `@prefix` lines
/// before the first triple. So a chunk's serializer is first given a
/// throwaway triple whose subject is a blank node (no record has one),
/// into a scratch buffer that takes the prefixes; the chunk's own bytes
/// then start with the ` .` line break that closes the throwaway
/// statement, which is cut, and end with the ` .` line break of `finish`,
/// which is the one that the whole file has there, since no record shares
/// a subject with the next.
fn serialize_chunk(
    serializer: &TurtleSerializer,
    buffer: &mut Vec<u8>,
    write: impl FnOnce(&mut Writer<'_>) -> io::Result<()>,
) -> io::Result<()> {
    const CLOSE: &[u8] = b" .\n";
    let mut low_level = serializer.clone().low_level();
    let throwaway = oxrdf::BlankNodeRef::new_unchecked("chunk");
    low_level.serialize_triple(
        oxrdf::TripleRef::new(throwaway, rdf::TYPE, throwaway),
        &mut Vec::new(),
    )?;
    let start = buffer.len();
    let mut writer = Writer {
        serializer: low_level,
        out: buffer,
    };
    write(&mut writer)?;
    writer.finish()?;
    if buffer.len() > start && !buffer[start..].starts_with(CLOSE) {
        return Err(io::Error::other(
            "oxttl did not close a statement as expected: chunked Turtle would differ",
        ));
    }
    if buffer.len() > start {
        buffer.drain(start..start + CLOSE.len());
    }
    Ok(())
}

/// Writes the graph as Turtle.
pub fn write_turtle(
    graph: &KnowledgeGraph,
    options: &TurtleOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let iris = Iris {
        base: options.base_iri.clone(),
    };
    writeln!(
        out,
        "# Generated by kgraph {}; rebuild with `kg build`, do not edit.",
        env!("CARGO_PKG_VERSION")
    )?;
    let dataset = graph.dataset();
    let relation_ids = || dataset.relations.iter().map(|r| r.id.as_str());
    // Our namespaces get a prefix only if every local name in them can be
    // written without a backslash escape (see `plain_local_name`).
    let namespaces = [
        (
            "entity",
            all_plain(dataset.entities.iter().map(|e| e.id.as_str())),
        ),
        (
            "evidence",
            relation_ids().all(|id| plain_local_name(&format!("{}.1", iri_segment(id)))),
        ),
        (
            "kind",
            all_plain(
                (dataset.schema.kinds.iter().map(|k| k.name.as_str()))
                    .chain(dataset.entities.iter().map(|e| e.kind.as_str())),
            ),
        ),
        ("relation", all_plain(relation_ids())),
        (
            "source",
            all_plain(
                (dataset.sources.iter().map(|s| s.id.as_str())).chain(
                    dataset
                        .relations
                        .iter()
                        .flat_map(|r| r.evidence.iter().map(|e| e.source.as_str())),
                ),
            ),
        ),
        (
            "type",
            all_plain(
                (dataset
                    .schema
                    .relation_types
                    .iter()
                    .map(|t| t.name.as_str()))
                .chain(dataset.relations.iter().map(|r| r.relation_type.as_str())),
            ),
        ),
    ];
    let mut prefixes = vec![
        ("dcterms", DCTERMS.to_owned()),
        ("kg", iris.namespace("vocab/")),
        ("owl", OWL.to_owned()),
        ("prov", PROV.to_owned()),
        (
            "rdf",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#".to_owned(),
        ),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#".to_owned()),
        ("skos", SKOS.to_owned()),
        ("wd", WIKIDATA_ENTITY.to_owned()),
        ("xsd", "http://www.w3.org/2001/XMLSchema#".to_owned()),
    ];
    for (name, plain) in namespaces {
        if plain {
            prefixes.push((name, iris.namespace(&format!("{name}/"))));
        }
    }
    let mut serializer = TurtleSerializer::new();
    for (name, iri) in prefixes {
        serializer = serializer
            .with_prefix(name, iri)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
    }
    // The vocabulary and the sources (a few hundred subjects) in one piece,
    // which writes the prefixes and closes its last statement; then the
    // entities and relations in chunks, each chunk closing its own.
    let mut writer = Writer {
        serializer: serializer.clone().low_level(),
        out: &mut *out,
    };
    write_vocabulary(graph, &iris, &mut writer)?;
    for source in &graph.dataset().sources {
        write_source(source, &iris, &mut writer)?;
    }
    writer.finish()?;
    // Direct triples, for asserted facts only, grouped under their subject;
    // a set, because the same statement may be both actual and historical
    // and RDF has no duplicates.
    let mut outgoing: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for relation in graph.relations().iter().filter(|r| r.is_asserted_fact()) {
        outgoing
            .entry(&relation.from)
            .or_default()
            .insert((&relation.relation_type, &relation.to));
    }
    chunked::write_chunks(out, graph.entities(), |buffer, _, entities| {
        serialize_chunk(&serializer, buffer, |writer| {
            for entity in entities {
                write_entity(entity, &iris, writer)?;
                let subject = iris.entity(&entity.id);
                for (relation_type, to) in outgoing.get(entity.id.as_str()).into_iter().flatten() {
                    writer.triple(&subject, iris.relation_type(relation_type), iris.entity(to))?;
                }
            }
            Ok(())
        })
    })?;
    chunked::write_chunks(out, graph.relations(), |buffer, _, relations| {
        serialize_chunk(&serializer, buffer, |writer| {
            for relation in relations {
                write_relation(relation, &iris, writer)?;
            }
            Ok(())
        })
    })
}

fn write_vocabulary(
    graph: &KnowledgeGraph,
    iris: &Iris,
    writer: &mut Writer<'_>,
) -> io::Result<()> {
    let class = external(OWL, "Class");
    for modality in Modality::ALL {
        let subject = iris.modality(modality);
        writer.triple(&subject, rdf::TYPE, iris.vocab("Modality"))?;
        writer.triple(&subject, rdfs::LABEL, string(modality.as_str()))?;
        writer.triple(&subject, rdfs::COMMENT, string(modality.definition()))?;
    }
    let schema = &graph.dataset().schema;
    for kind in &schema.kinds {
        let subject = iris.kind(&kind.name);
        writer.triple(&subject, rdf::TYPE, class.clone())?;
        writer.triple(&subject, rdfs::SUB_CLASS_OF, iris.vocab("Entity"))?;
        writer.triple(&subject, rdfs::LABEL, string(&kind.name))?;
        writer.triple(&subject, rdfs::COMMENT, string(&kind.description))?;
    }
    for ty in &schema.relation_types {
        let subject = iris.relation_type(&ty.name);
        writer.triple(&subject, rdf::TYPE, external(OWL, "ObjectProperty"))?;
        if ty.symmetric {
            writer.triple(&subject, rdf::TYPE, external(OWL, "SymmetricProperty"))?;
        }
        writer.triple(&subject, iris.vocab("id"), string(&ty.name))?;
        writer.triple(&subject, rdfs::LABEL, string(&ty.display_label()))?;
        writer.triple(&subject, rdfs::COMMENT, string(&ty.definition))?;
        // Not rdfs:domain/range: several classes there would mean their
        // intersection, while the schema means "any of these".
        for kind in &ty.domain {
            writer.triple(&subject, iris.vocab("domain"), iris.kind(kind))?;
        }
        for kind in &ty.range {
            writer.triple(&subject, iris.vocab("range"), iris.kind(kind))?;
        }
    }
    Ok(())
}

fn write_source(source: &Source, iris: &Iris, writer: &mut Writer<'_>) -> io::Result<()> {
    let subject = iris.source(&source.id);
    writer.triple(&subject, rdf::TYPE, iris.vocab("Source"))?;
    writer.triple(&subject, iris.vocab("id"), string(&source.id))?;
    writer.triple(&subject, external(DCTERMS, "title"), string(&source.title))?;
    writer.triple(
        &subject,
        external(DCTERMS, "creator"),
        string(&source.author),
    )?;
    writer.triple(&subject, external(DCTERMS, "date"), date(&source.date))?;
    if let Some(copy_date) = &source.copy_date {
        writer.triple(&subject, iris.vocab("copyDate"), date(copy_date))?;
    }
    if let Some(copy_url) = &source.copy_url {
        writer.triple(
            &subject,
            iris.vocab("copyUrl"),
            Literal::new_typed_literal(copy_url.as_str(), xsd::ANY_URI),
        )?;
    }
    writer.triple(
        &subject,
        external(DCTERMS, "publisher"),
        string(&source.publisher),
    )?;
    if let Some(url) = &source.url {
        // A literal, not an IRI: the curated URL is only checked loosely,
        // and a malformed IRI would make strict parsers reject the file.
        writer.triple(
            &subject,
            iris.vocab("url"),
            Literal::new_typed_literal(url.as_str(), xsd::ANY_URI),
        )?;
    }
    if let Some(notes) = &source.notes {
        writer.triple(&subject, rdfs::COMMENT, string(notes))?;
    }
    writer.triple(&subject, iris.vocab("textPath"), string(&source.text_path))?;
    writer.triple(&subject, iris.vocab("sha256"), string(&source.sha256))
}

fn write_entity(entity: &Entity, iris: &Iris, writer: &mut Writer<'_>) -> io::Result<()> {
    let subject = iris.entity(&entity.id);
    writer.triple(&subject, rdf::TYPE, iris.vocab("Entity"))?;
    writer.triple(&subject, rdf::TYPE, iris.kind(&entity.kind))?;
    writer.triple(&subject, iris.vocab("id"), string(&entity.id))?;
    writer.triple(&subject, rdfs::LABEL, string(&entity.label))?;
    for alias in &entity.aliases {
        writer.triple(&subject, external(SKOS, "altLabel"), string(alias))?;
    }
    if !entity.description.is_empty() {
        writer.triple(&subject, rdfs::COMMENT, string(&entity.description))?;
    }
    if let Some(qid) = &entity.wikidata {
        writer.triple(
            &subject,
            external(OWL, "sameAs"),
            NamedNode::new_unchecked(format!("{WIKIDATA_ENTITY}{}", iri_segment(qid))),
        )?;
    }
    Ok(())
}

fn write_relation(relation: &Relation, iris: &Iris, writer: &mut Writer<'_>) -> io::Result<()> {
    let subject = iris.relation(&relation.id);
    writer.triple(&subject, rdf::TYPE, rdf::STATEMENT)?;
    writer.triple(&subject, rdf::TYPE, iris.vocab("Relation"))?;
    writer.triple(&subject, iris.vocab("id"), string(&relation.id))?;
    writer.triple(&subject, rdf::SUBJECT, iris.entity(&relation.from))?;
    writer.triple(
        &subject,
        rdf::PREDICATE,
        iris.relation_type(&relation.relation_type),
    )?;
    writer.triple(&subject, rdf::OBJECT, iris.entity(&relation.to))?;
    writer.triple(
        &subject,
        iris.vocab("modality"),
        iris.modality(relation.modality),
    )?;
    writer.triple(
        &subject,
        iris.vocab("negated"),
        Literal::from(relation.negated),
    )?;
    for holder in &relation.attributed_to {
        writer.triple(
            &subject,
            external(PROV, "wasAttributedTo"),
            iris.entity(holder),
        )?;
    }
    if let Some(note) = &relation.note {
        writer.triple(&subject, iris.vocab("note"), string(note))?;
    }
    if let Some(text) = &relation.date {
        writer.triple(&subject, iris.vocab("date"), date(text))?;
    }
    let evidence_iris: Vec<NamedNode> = (1..=relation.evidence.len())
        .map(|n| iris.evidence(&relation.id, n))
        .collect();
    for evidence in &evidence_iris {
        writer.triple(&subject, iris.vocab("evidence"), evidence.clone())?;
    }
    for (evidence, iri) in relation.evidence.iter().zip(&evidence_iris) {
        write_evidence(evidence, iri, iris, writer)?;
    }
    Ok(())
}

fn write_evidence(
    evidence: &Evidence,
    subject: &NamedNode,
    iris: &Iris,
    writer: &mut Writer<'_>,
) -> io::Result<()> {
    let span = &evidence.location;
    writer.triple(subject, rdf::TYPE, iris.vocab("Evidence"))?;
    writer.triple(subject, iris.vocab("quote"), string(&evidence.quote))?;
    writer.triple(subject, iris.vocab("source"), iris.source(&evidence.source))?;
    for (term, value) in [
        ("byteStart", span.byte_start),
        ("byteEnd", span.byte_end),
        ("charStart", span.char_start),
        ("charEnd", span.char_end),
        ("line", span.line),
        ("column", span.column),
    ] {
        writer.triple(subject, iris.vocab(term), integer(value))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};
    use oxrdf::{NamedNodeRef, Triple};
    use oxttl::TurtleParser;

    fn parsed(graph: &KnowledgeGraph, options: &TurtleOptions) -> Vec<Triple> {
        let mut bytes = Vec::new();
        write_turtle(graph, options, &mut bytes).unwrap();
        TurtleParser::new()
            .for_slice(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|error| panic!("{error}\n{}", String::from_utf8_lossy(&bytes)))
    }

    fn objects(triples: &[Triple], subject: &str, predicate: NamedNodeRef<'_>) -> Vec<Term> {
        triples
            .iter()
            .filter(|t| t.subject.to_string() == format!("<{subject}>") && t.predicate == predicate)
            .map(|t| t.object.clone())
            .collect()
    }

    #[test]
    fn hostile_literals_survive_oxttl_both_ways() {
        let options = TurtleOptions::new("urn:kg:test#").unwrap();
        let triples = parsed(&hostile_graph(), &options);
        let hostile = Term::from(Literal::new_simple_literal(HOSTILE));
        let entity = "urn:kg:test#entity/a-b";
        assert_eq!(
            objects(&triples, entity, rdfs::LABEL),
            std::slice::from_ref(&hostile)
        );
        assert!(
            objects(
                &triples,
                entity,
                NamedNodeRef::new_unchecked(&format!("{SKOS}altLabel"))
            )
            .contains(&hostile)
        );
        let evidence = "urn:kg:test#evidence/r1.1";
        let quote = NamedNode::new_unchecked("urn:kg:test#vocab/quote");
        assert_eq!(objects(&triples, evidence, quote.as_ref()), [hostile]);
        let line = NamedNode::new_unchecked("urn:kg:test#vocab/line");
        assert_eq!(objects(&triples, evidence, line.as_ref()), [integer(1)]);
    }

    #[test]
    fn iri_segments_keep_slugs_and_encode_everything_else() {
        assert_eq!(iri_segment("harbour-accord"), "harbour-accord");
        assert_eq!(
            iri_segment("republic.seeks_membership.alliance.e448767f"),
            "republic.seeks_membership.alliance.e448767f"
        );
        assert_eq!(
            iri_segment("a b<>\"{}|^`\\%"),
            "a%20b%3C%3E%22%7B%7D%7C%5E%60%5C%25"
        );
        assert_eq!(iri_segment("Zoë/#?"), "Zo%C3%AB%2F%23%3F");
        assert!(NamedNode::new(format!("{DEFAULT_BASE_IRI}{}", iri_segment("🚀 \n"))).is_ok());
    }

    #[test]
    fn only_local_names_without_backslash_escapes_are_plain() {
        for plain in ["alliance", "harbour-accord", "a.b_c-d", "1st", "_x", "a..1"] {
            assert!(plain_local_name(plain), "{plain}");
        }
        for escaped in ["", "ends.", "-a", ".a", "a%20b", "a~b", "a/b", "é"] {
            assert!(!plain_local_name(escaped), "{escaped}");
        }
    }

    #[test]
    fn base_iris_must_be_absolute_and_end_with_a_separator() {
        assert!(TurtleOptions::new("https://example.org/kg/").is_ok());
        assert!(TurtleOptions::new("urn:example:kg#").is_ok());
        assert!(matches!(
            TurtleOptions::new("https://example.org/kg"),
            Err(BaseIriError::NoSeparator(_))
        ));
        assert!(matches!(
            TurtleOptions::new("not an iri/"),
            Err(BaseIriError::Invalid { .. })
        ));
        assert!(matches!(
            TurtleOptions::new("https://example.org/a b/"),
            Err(BaseIriError::Invalid { .. })
        ));
        assert_eq!(TurtleOptions::default().base_iri(), DEFAULT_BASE_IRI);
    }

    #[test]
    fn dates_are_typed_by_their_precision() {
        let datatype = |text| match date(text) {
            Term::Literal(literal) => literal.datatype().into_owned(),
            other => panic!("{other}"),
        };
        assert_eq!(datatype("1990"), xsd::G_YEAR);
        assert_eq!(datatype("1990-05"), xsd::G_YEAR_MONTH);
        assert_eq!(datatype("1990-05-17"), xsd::DATE);
        assert_eq!(datatype("May 1990"), xsd::STRING);
    }
}
