//! RDF 1.1 Turtle, byte for byte as `oxttl` (Oxigraph's parser and
//! serializer) writes it: the escaping of every literal and IRI is that of
//! a maintained RDF library. The text is written by [`writer`], which does
//! what oxttl does without its allocations; tests give oxttl the same
//! triples and compare the bytes.
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
//! Triples are written in the order they are given, consecutive triples of
//! one subject grouped with `;`, and the prefixes in IRI order. They are
//! given in one fixed order: modalities, kinds, relation types, sources (by
//! id), entities (by id, each followed by its outgoing direct triples),
//! then relations (by id), each followed by its evidence.
//!
//! # Loading it
//!
//! ```text
//! python -c "import rdflib; g = rdflib.Graph(); g.parse('output/graph.ttl'); print(len(g))"
//! python -c "import pyoxigraph as ox; s = ox.Store(); s.load(path='output/graph.ttl', format=ox.RdfFormat.TURTLE); print(len(s))"
//! ```

mod writer;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use oxrdf::vocab::xsd;
use oxrdf::{LiteralRef, NamedNode};

use super::chunked;
use writer::{
    Iri, Namespace, Object, Prefixes, Triples, TurtleWriter, all_bytes, is_ascii_alphanumeric,
};

use crate::graph::KnowledgeGraph;
use crate::model::{Dataset, Entity, Evidence, Modality, Relation, Source};

/// The base IRI used when none is given: `.example` is reserved (RFC 2606),
/// so nothing published under it can be mistaken for a real resource.
pub const DEFAULT_BASE_IRI: &str = "https://kgraph.example/";

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
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

/// RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`.
fn is_unreserved(byte: u8) -> bool {
    is_ascii_alphanumeric(byte) | (byte == b'-') | (byte == b'.') | (byte == b'_') | (byte == b'~')
}

/// Percent-encodes a string for use as one IRI path segment: everything
/// but RFC 3986's unreserved characters is encoded byte by byte. Validated
/// ids are slugs and come out unchanged (and borrowed); any other string
/// still gives a valid IRI, and two strings never give the same one.
fn iri_segment(text: &str) -> Cow<'_, str> {
    if all_bytes(text, is_unreserved) {
        return Cow::Borrowed(text);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if is_unreserved(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    Cow::Owned(encoded)
}

/// Whether `local` can follow a prefix as is: `[A-Za-z0-9_]`, then
/// `[A-Za-z0-9_.-]`, not ending in `.`. Turtle allows more through
/// backslash escapes (`relation:a\.`), and oxttl writes them, but rdflib
/// 7.6 rejects them: an IRI whose local name needs one is written in full.
fn plain_local_name(local: &str) -> bool {
    plain_but_for_the_end(local) && !local.ends_with('.')
}

/// [`plain_local_name`] but for the `.` at the end: whether `{local}.1`
/// is plain.
fn plain_but_for_the_end(local: &str) -> bool {
    local
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && all_bytes(local, |b| {
            is_ascii_alphanumeric(b) | (b == b'_') | (b == b'.') | (b == b'-')
        })
}

/// Which of our namespaces are written with their prefix: those where the
/// IRI segment of every local name is a [`plain_local_name`]. A name with
/// a byte that is not unreserved never gives one (its segment holds a
/// `%`), and one without is its own segment: so names are checked as they
/// are, with no segment built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlainNamespaces {
    entity: bool,
    evidence: bool,
    kind: bool,
    relation: bool,
    source: bool,
    relation_type: bool,
}

impl PlainNamespaces {
    const ALL: PlainNamespaces = PlainNamespaces {
        entity: true,
        evidence: true,
        kind: true,
        relation: true,
        source: true,
        relation_type: true,
    };

    fn and(self, other: PlainNamespaces) -> PlainNamespaces {
        PlainNamespaces {
            entity: self.entity && other.entity,
            evidence: self.evidence && other.evidence,
            kind: self.kind && other.kind,
            relation: self.relation && other.relation,
            source: self.source && other.source,
            relation_type: self.relation_type && other.relation_type,
        }
    }

    /// Reads every name once, the entities and relations on all cores:
    /// at 500k relations, reading them is most of the cost.
    fn of(dataset: &Dataset) -> PlainNamespaces {
        use rayon::prelude::*;
        let schema = &dataset.schema;
        let declared = PlainNamespaces {
            kind: schema.kinds.iter().all(|k| plain_local_name(&k.name)),
            relation_type: (schema.relation_types.iter()).all(|t| plain_local_name(&t.name)),
            source: dataset.sources.iter().all(|s| plain_local_name(&s.id)),
            ..PlainNamespaces::ALL
        };
        let entities = (dataset.entities.par_iter())
            .map(|entity| PlainNamespaces {
                entity: plain_local_name(&entity.id),
                kind: plain_local_name(&entity.kind),
                ..PlainNamespaces::ALL
            })
            .reduce(|| PlainNamespaces::ALL, PlainNamespaces::and);
        let relations = (dataset.relations.par_iter())
            .map(|relation| {
                let id = plain_but_for_the_end(&relation.id);
                PlainNamespaces {
                    relation: id && !relation.id.ends_with('.'),
                    // `{id}.{n}`
                    evidence: id,
                    relation_type: plain_local_name(&relation.relation_type),
                    source: (relation.evidence.iter()).all(|e| plain_local_name(&e.source)),
                    ..PlainNamespaces::ALL
                }
            })
            .reduce(|| PlainNamespaces::ALL, PlainNamespaces::and);
        declared.and(entities).and(relations)
    }

    /// `(name, plain)` for each namespace, in the order of the prefixes.
    fn by_name(self) -> [(&'static str, bool); 6] {
        [
            ("entity", self.entity),
            ("evidence", self.evidence),
            ("kind", self.kind),
            ("relation", self.relation),
            ("source", self.source),
            ("type", self.relation_type),
        ]
    }
}

/// The prefixes `(name, iri)` of the export: the vocabularies', and ours
/// where [`PlainNamespaces`] allows.
fn prefix_list(dataset: &Dataset, base: &str) -> Vec<(&'static str, String)> {
    let mut prefixes = vec![
        ("dcterms", DCTERMS.to_owned()),
        ("kg", format!("{base}vocab/")),
        ("owl", OWL.to_owned()),
        ("prov", PROV.to_owned()),
        ("rdf", RDF.to_owned()),
        ("rdfs", RDFS.to_owned()),
        ("skos", SKOS.to_owned()),
        ("wd", WIKIDATA_ENTITY.to_owned()),
        ("xsd", XSD.to_owned()),
    ];
    for (name, plain) in PlainNamespaces::of(dataset).by_name() {
        if plain {
            prefixes.push((name, format!("{base}{name}/")));
        }
    }
    prefixes
}

/// The namespaces of one export: those under the base, and the
/// vocabularies it uses.
struct Iris {
    entity: Namespace,
    evidence: Namespace,
    kind: Namespace,
    relation: Namespace,
    relation_type: Namespace,
    source: Namespace,
    /// kgraph's own terms (constant camelCase words).
    vocab: Namespace,
    dcterms: Namespace,
    owl: Namespace,
    prov: Namespace,
    rdf: Namespace,
    rdfs: Namespace,
    skos: Namespace,
    wikidata: Namespace,
}

impl Iris {
    fn new(base: &str, prefixes: &Prefixes) -> Iris {
        let under_base = |name: &str| prefixes.namespace(format!("{base}{name}"));
        Iris {
            entity: under_base("entity/"),
            evidence: under_base("evidence/"),
            kind: under_base("kind/"),
            relation: under_base("relation/"),
            relation_type: under_base("type/"),
            source: under_base("source/"),
            vocab: under_base("vocab/"),
            dcterms: prefixes.namespace(DCTERMS),
            owl: prefixes.namespace(OWL),
            prov: prefixes.namespace(PROV),
            rdf: prefixes.namespace(RDF),
            rdfs: prefixes.namespace(RDFS),
            skos: prefixes.namespace(SKOS),
            wikidata: prefixes.namespace(WIKIDATA_ENTITY),
        }
    }

    // The base was validated and `iri_segment` only yields unreserved
    // characters and percent escapes, so every IRI below is valid.

    fn entity<'a>(&'a self, id: &'a str) -> Iri<'a> {
        self.entity.iri(iri_segment(id))
    }

    fn kind<'a>(&'a self, name: &'a str) -> Iri<'a> {
        self.kind.iri(iri_segment(name))
    }

    fn relation_type<'a>(&'a self, name: &'a str) -> Iri<'a> {
        self.relation_type.iri(iri_segment(name))
    }

    fn relation<'a>(&'a self, id: &'a str) -> Iri<'a> {
        self.relation.iri(iri_segment(id))
    }

    /// `n` counts from 1. The number follows the last `.`, which splits the
    /// local name back into relation id and number: no two coincide.
    fn evidence<'a>(&'a self, relation_id: &str, n: usize) -> Iri<'a> {
        let mut local = iri_segment(relation_id).into_owned();
        local.push('.');
        local.push_str(&n.to_string());
        self.evidence.iri(local)
    }

    fn source<'a>(&'a self, id: &'a str) -> Iri<'a> {
        self.source.iri(iri_segment(id))
    }

    fn vocab(&self, term: &'static str) -> Iri<'_> {
        self.vocab.iri(term)
    }

    fn modality(&self, modality: Modality) -> Iri<'_> {
        self.vocab(modality.as_str())
    }

    fn rdf_type(&self) -> Iri<'_> {
        self.rdf.iri("type")
    }
}

fn string(text: &str) -> Object<'_> {
    LiteralRef::new_simple_literal(text).into()
}

/// An ISO date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, as validated) typed with
/// the XML Schema type of its precision; anything else as a plain string.
fn date(text: &str) -> LiteralRef<'_> {
    let shape = |pattern: &str| {
        text.len() == pattern.len()
            && text.bytes().zip(pattern.bytes()).all(|(byte, expected)| {
                if expected == b'9' {
                    byte.is_ascii_digit()
                } else {
                    byte == expected
                }
            })
    };
    let datatype = if shape("9999") {
        xsd::G_YEAR
    } else if shape("9999-99") {
        xsd::G_YEAR_MONTH
    } else if shape("9999-99-99") {
        xsd::DATE
    } else {
        return LiteralRef::new_simple_literal(text);
    };
    LiteralRef::new_typed_literal(text, datatype)
}

/// The first line of the file.
fn header() -> String {
    format!(
        "# Generated by kgraph {}; rebuild with `kg build`, do not edit.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// One Turtle export of a graph: its prefixes, its namespaces and the
/// direct triples of each entity.
struct TurtleExport<'g> {
    graph: &'g KnowledgeGraph,
    prefixes: Prefixes,
    iris: Iris,
    /// The direct triples (asserted facts only) under their subject; a
    /// set, because the same statement may be both actual and historical
    /// and RDF has no duplicates.
    outgoing: BTreeMap<&'g str, BTreeSet<(&'g str, &'g str)>>,
}

impl<'g> TurtleExport<'g> {
    fn new(graph: &'g KnowledgeGraph, options: &TurtleOptions) -> io::Result<TurtleExport<'g>> {
        let base = options.base_iri.as_str();
        let prefix_list = prefix_list(graph.dataset(), base);
        let prefixes = Prefixes::new(prefix_list.iter().map(|(name, iri)| (*name, iri.as_str())))
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        let iris = Iris::new(base, &prefixes);
        let mut outgoing: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
        for relation in graph.relations().iter().filter(|r| r.is_asserted_fact()) {
            outgoing
                .entry(&relation.from)
                .or_default()
                .insert((&relation.relation_type, &relation.to));
        }
        Ok(TurtleExport {
            graph,
            prefixes,
            iris,
            outgoing,
        })
    }

    /// The vocabulary and the sources (a few hundred subjects).
    fn write_schema_and_sources(&self, triples: &mut impl Triples) {
        write_vocabulary(self.graph, &self.iris, triples);
        for source in &self.graph.dataset().sources {
            write_source(source, &self.iris, triples);
        }
    }

    /// An entity, then its direct triples, under the same subject.
    fn write_entity(&self, entity: &Entity, triples: &mut impl Triples) {
        let iris = &self.iris;
        let subject = iris.entity(&entity.id);
        write_entity(entity, &subject, iris, triples);
        for (relation_type, to) in self.outgoing.get(entity.id.as_str()).into_iter().flatten() {
            triples.triple(
                &subject,
                &iris.relation_type(relation_type),
                iris.entity(to).into(),
            );
        }
    }

    fn write_relation(&self, relation: &Relation, triples: &mut impl Triples) {
        write_relation(relation, &self.iris, triples);
    }
}

/// Writes the graph as Turtle.
pub fn write_turtle(
    graph: &KnowledgeGraph,
    options: &TurtleOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let export = TurtleExport::new(graph, options)?;
    // What oxttl writes before its first triple, and there always is one
    // (the modalities).
    let mut buffer = header().into_bytes();
    export.prefixes.write_declarations(&mut buffer);
    // The vocabulary and the sources in one piece; then the entities and
    // the relations in chunks formatted in parallel. A chunk ends its last
    // statement, as the whole file does there: no record shares its
    // subject with the next.
    let mut writer = TurtleWriter::new(&export.prefixes, &mut buffer);
    export.write_schema_and_sources(&mut writer);
    writer.finish();
    out.write_all(&buffer)?;
    chunked::write_chunks(out, graph.entities(), |buffer, _, entities| {
        let mut writer = TurtleWriter::new(&export.prefixes, buffer);
        for entity in entities {
            export.write_entity(entity, &mut writer);
        }
        writer.finish();
        Ok(())
    })?;
    chunked::write_chunks(out, graph.relations(), |buffer, _, relations| {
        let mut writer = TurtleWriter::new(&export.prefixes, buffer);
        for relation in relations {
            export.write_relation(relation, &mut writer);
        }
        writer.finish();
        Ok(())
    })
}

fn write_vocabulary(graph: &KnowledgeGraph, iris: &Iris, triples: &mut impl Triples) {
    let a = iris.rdf_type();
    let label = iris.rdfs.iri("label");
    let comment = iris.rdfs.iri("comment");
    for modality in Modality::ALL {
        let subject = iris.modality(modality);
        triples.triple(&subject, &a, iris.vocab("Modality").into());
        triples.triple(&subject, &label, string(modality.as_str()));
        triples.triple(&subject, &comment, string(modality.definition()));
    }
    let schema = &graph.dataset().schema;
    for kind in &schema.kinds {
        let subject = iris.kind(&kind.name);
        triples.triple(&subject, &a, iris.owl.iri("Class").into());
        triples.triple(
            &subject,
            &iris.rdfs.iri("subClassOf"),
            iris.vocab("Entity").into(),
        );
        triples.triple(&subject, &label, string(&kind.name));
        triples.triple(&subject, &comment, string(&kind.description));
    }
    for ty in &schema.relation_types {
        let subject = iris.relation_type(&ty.name);
        triples.triple(&subject, &a, iris.owl.iri("ObjectProperty").into());
        if ty.symmetric {
            triples.triple(&subject, &a, iris.owl.iri("SymmetricProperty").into());
        }
        triples.triple(&subject, &iris.vocab("id"), string(&ty.name));
        triples.triple(&subject, &label, string(&ty.display_label()));
        triples.triple(&subject, &comment, string(&ty.definition));
        // Not rdfs:domain/range: several classes there would mean their
        // intersection, while the schema means "any of these".
        for kind in &ty.domain {
            triples.triple(&subject, &iris.vocab("domain"), iris.kind(kind).into());
        }
        for kind in &ty.range {
            triples.triple(&subject, &iris.vocab("range"), iris.kind(kind).into());
        }
    }
}

fn write_source(source: &Source, iris: &Iris, triples: &mut impl Triples) {
    let subject = iris.source(&source.id);
    let dcterms = |term| iris.dcterms.iri(term);
    triples.triple(&subject, &iris.rdf_type(), iris.vocab("Source").into());
    triples.triple(&subject, &iris.vocab("id"), string(&source.id));
    triples.triple(&subject, &dcterms("title"), string(&source.title));
    triples.triple(&subject, &dcterms("creator"), string(&source.author));
    triples.triple(&subject, &dcterms("date"), date(&source.date).into());
    if let Some(copy_date) = &source.copy_date {
        triples.triple(&subject, &iris.vocab("copyDate"), date(copy_date).into());
    }
    if let Some(copy_url) = &source.copy_url {
        triples.triple(
            &subject,
            &iris.vocab("copyUrl"),
            LiteralRef::new_typed_literal(copy_url, xsd::ANY_URI).into(),
        );
    }
    triples.triple(&subject, &dcterms("publisher"), string(&source.publisher));
    if let Some(url) = &source.url {
        // A literal, not an IRI: the curated URL is only checked loosely,
        // and a malformed IRI would make strict parsers reject the file.
        triples.triple(
            &subject,
            &iris.vocab("url"),
            LiteralRef::new_typed_literal(url, xsd::ANY_URI).into(),
        );
    }
    if let Some(notes) = &source.notes {
        triples.triple(&subject, &iris.rdfs.iri("comment"), string(notes));
    }
    triples.triple(&subject, &iris.vocab("textPath"), string(&source.text_path));
    triples.triple(&subject, &iris.vocab("sha256"), string(&source.sha256));
}

fn write_entity(entity: &Entity, subject: &Iri<'_>, iris: &Iris, triples: &mut impl Triples) {
    let a = iris.rdf_type();
    triples.triple(subject, &a, iris.vocab("Entity").into());
    triples.triple(subject, &a, iris.kind(&entity.kind).into());
    triples.triple(subject, &iris.vocab("id"), string(&entity.id));
    triples.triple(subject, &iris.rdfs.iri("label"), string(&entity.label));
    let alt_label = iris.skos.iri("altLabel");
    for alias in &entity.aliases {
        triples.triple(subject, &alt_label, string(alias));
    }
    if !entity.description.is_empty() {
        triples.triple(
            subject,
            &iris.rdfs.iri("comment"),
            string(&entity.description),
        );
    }
    if let Some(qid) = &entity.wikidata {
        triples.triple(
            subject,
            &iris.owl.iri("sameAs"),
            iris.wikidata.iri(iri_segment(qid)).into(),
        );
    }
}

fn write_relation(relation: &Relation, iris: &Iris, triples: &mut impl Triples) {
    let subject = iris.relation(&relation.id);
    let a = iris.rdf_type();
    let rdf = |term| iris.rdf.iri(term);
    triples.triple(&subject, &a, rdf("Statement").into());
    triples.triple(&subject, &a, iris.vocab("Relation").into());
    triples.triple(&subject, &iris.vocab("id"), string(&relation.id));
    triples.triple(
        &subject,
        &rdf("subject"),
        iris.entity(&relation.from).into(),
    );
    triples.triple(
        &subject,
        &rdf("predicate"),
        iris.relation_type(&relation.relation_type).into(),
    );
    triples.triple(&subject, &rdf("object"), iris.entity(&relation.to).into());
    triples.triple(
        &subject,
        &iris.vocab("modality"),
        iris.modality(relation.modality).into(),
    );
    triples.triple(
        &subject,
        &iris.vocab("negated"),
        LiteralRef::new_typed_literal(
            if relation.negated { "true" } else { "false" },
            xsd::BOOLEAN,
        )
        .into(),
    );
    let attributed_to = iris.prov.iri("wasAttributedTo");
    for holder in &relation.attributed_to {
        triples.triple(&subject, &attributed_to, iris.entity(holder).into());
    }
    if let Some(note) = &relation.note {
        triples.triple(&subject, &iris.vocab("note"), string(note));
    }
    if let Some(text) = &relation.date {
        triples.triple(&subject, &iris.vocab("date"), date(text).into());
    }
    let evidence_iris: Vec<Iri<'_>> = (1..=relation.evidence.len())
        .map(|n| iris.evidence(&relation.id, n))
        .collect();
    let has_evidence = iris.vocab("evidence");
    for evidence in &evidence_iris {
        triples.triple(&subject, &has_evidence, evidence.clone().into());
    }
    for (evidence, iri) in relation.evidence.iter().zip(&evidence_iris) {
        write_evidence(evidence, iri, iris, triples);
    }
}

fn write_evidence(evidence: &Evidence, subject: &Iri<'_>, iris: &Iris, triples: &mut impl Triples) {
    let span = &evidence.location;
    triples.triple(subject, &iris.rdf_type(), iris.vocab("Evidence").into());
    triples.triple(subject, &iris.vocab("quote"), string(&evidence.quote));
    triples.triple(
        subject,
        &iris.vocab("source"),
        iris.source(&evidence.source).into(),
    );
    for (term, value) in [
        ("byteStart", span.byte_start),
        ("byteEnd", span.byte_end),
        ("charStart", span.char_start),
        ("charEnd", span.char_end),
        ("line", span.line),
        ("column", span.column),
    ] {
        triples.triple(subject, &iris.vocab(term), Object::Integer(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};
    use oxrdf::vocab::rdfs;
    use oxrdf::{Literal, NamedNodeRef, Term, Triple};
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

    /// oxttl's serializer behind [`Triples`]: the reference.
    struct OxttlTriples {
        serializer: oxttl::turtle::LowLevelTurtleSerializer,
        out: Vec<u8>,
    }

    impl Triples for OxttlTriples {
        fn triple(&mut self, subject: &Iri<'_>, predicate: &Iri<'_>, object: Object<'_>) {
            let object: Term = match object {
                Object::Iri(iri) => iri.to_named_node().into(),
                Object::Literal(literal) => literal.into_owned().into(),
                Object::Integer(value) => {
                    Literal::new_typed_literal(value.to_string(), xsd::INTEGER).into()
                }
            };
            let (subject, predicate) = (subject.to_named_node(), predicate.to_named_node());
            self.serializer
                .serialize_triple(
                    oxrdf::TripleRef::new(subject.as_ref(), predicate.as_ref(), object.as_ref()),
                    &mut self.out,
                )
                .unwrap();
        }
    }

    /// What `write_turtle` wrote with oxttl: the same triples, in the same
    /// order, through one serializer for the whole file.
    fn through_oxttl(graph: &KnowledgeGraph, options: &TurtleOptions) -> Vec<u8> {
        let export = TurtleExport::new(graph, options).unwrap();
        let mut serializer = oxttl::TurtleSerializer::new();
        for (name, iri) in prefix_list(graph.dataset(), options.base_iri()) {
            serializer = serializer.with_prefix(name, iri).unwrap();
        }
        let mut triples = OxttlTriples {
            serializer: serializer.low_level(),
            out: header().into_bytes(),
        };
        export.write_schema_and_sources(&mut triples);
        for entity in graph.entities() {
            export.write_entity(entity, &mut triples);
        }
        for relation in graph.relations() {
            export.write_relation(relation, &mut triples);
        }
        triples.serializer.finish(&mut triples.out).unwrap();
        triples.out
    }

    fn written(graph: &KnowledgeGraph, options: &TurtleOptions) -> String {
        let mut out = Vec::new();
        write_turtle(graph, options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Base IRIs whose namespaces are, or hold, those of the vocabularies.
    const BASES: &[&str] = &[
        DEFAULT_BASE_IRI,
        "urn:kg:test#",
        "http://www.wikidata.org/",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/2002/07/owl#vocab/",
    ];

    #[test]
    fn writes_the_bytes_oxttl_writes_for_the_hostile_graph() {
        for base in BASES {
            let options = TurtleOptions::new(*base).unwrap();
            let graph = hostile_graph();
            let expected = String::from_utf8(through_oxttl(&graph, &options)).unwrap();
            assert_eq!(written(&graph, &options), expected, "base {base}");
        }
    }

    /// Text with every character a Turtle string escapes and neighbours it
    /// must not: DEL, C1 controls, line separators, non-characters,
    /// non-BMP characters, a lone combining mark.
    const TEXT: &str = "[a\"\\\\\t\n\r\u{0}-\u{1f}\u{7f}\u{85}\u{2028}\u{301}\u{fffe}\u{ffff}\u{1f680}\u{10ffff}é ]{0,8}";

    /// Ids: mostly slugs, some ending in `.` or starting with `-`, some
    /// that must be percent-encoded, some empty.
    const ID: &str = "[a-c0-9_.-]{1,4}|[a-c.~ é%/#]{0,3}";

    fn graph_strategy() -> impl proptest::strategy::Strategy<Value = KnowledgeGraph> {
        use crate::diagnostic::Origin;
        use crate::model::{Kind, RelationType, Schema, TextSpan};
        use proptest::prelude::*;
        let origin = || Origin::new(0, 0..0);
        let date = || {
            proptest::sample::select(vec![
                "1990",
                "1990-05",
                "1990-05-17",
                "May 1990",
                "199x",
                "",
            ])
            .prop_map(str::to_owned)
        };
        let kind = (ID, TEXT).prop_map(move |(name, description)| Kind {
            name,
            description,
            dot: Default::default(),
            origin: origin(),
        });
        let relation_type = (
            ID,
            proptest::option::of(TEXT),
            TEXT,
            proptest::collection::vec(ID, 0..2),
            any::<bool>(),
        )
            .prop_map(
                move |(name, label, definition, domain, symmetric)| RelationType {
                    name,
                    label,
                    definition,
                    range: domain.clone(),
                    domain,
                    symmetric,
                    dot: Default::default(),
                    origin: origin(),
                },
            );
        let source = (
            ID,
            (TEXT, TEXT, date(), proptest::option::of(date())),
            (proptest::option::of(TEXT), TEXT, proptest::option::of(TEXT)),
            proptest::option::of(TEXT),
        )
            .prop_map(
                move |(id, (title, author, date, copy_date), (copy_url, publisher, url), notes)| {
                    Source {
                        id,
                        title,
                        author,
                        date,
                        copy_date,
                        copy_url,
                        publisher,
                        url,
                        notes,
                        text_path: "sources/x.txt".to_owned(),
                        sha256: "0".repeat(64),
                        text: String::new(),
                        origin: origin(),
                    }
                },
            );
        let entity = (
            (ID, TEXT, ID),
            proptest::collection::vec(TEXT, 0..3),
            TEXT,
            proptest::option::of("Q[0-9]{1,3}|[a é]{1,2}"),
        )
            .prop_map(
                move |((id, label, kind), aliases, description, wikidata)| Entity {
                    id,
                    label,
                    kind,
                    aliases,
                    description,
                    wikidata,
                    mentions: 0,
                    origin: origin(),
                },
            );
        let evidence = (ID, TEXT, any::<[u16; 6]>()).prop_map(|(source, quote, span)| Evidence {
            source,
            quote,
            location: TextSpan {
                byte_start: span[0].into(),
                byte_end: span[1].into(),
                char_start: span[2].into(),
                char_end: span[3].into(),
                line: span[4].into(),
                column: span[5].into(),
            },
        });
        let relation = (
            (ID, ID, ID, ID),
            (
                proptest::sample::select(Modality::ALL.to_vec()),
                any::<bool>(),
            ),
            proptest::collection::vec(ID, 0..2),
            proptest::collection::vec(evidence, 0..3),
            (proptest::option::of(TEXT), proptest::option::of(date())),
        )
            .prop_map(
                move |(
                    (id, from, relation_type, to),
                    (modality, negated),
                    attributed_to,
                    evidence,
                    (note, date),
                )| {
                    Relation {
                        id,
                        from,
                        relation_type,
                        to,
                        modality,
                        attributed_to,
                        negated,
                        evidence,
                        note,
                        date,
                        origin: origin(),
                    }
                },
            );
        (
            proptest::collection::vec(kind, 0..3),
            proptest::collection::vec(relation_type, 0..3),
            proptest::collection::vec(source, 0..3),
            proptest::collection::vec(entity, 0..6),
            proptest::collection::vec(relation, 0..8),
        )
            .prop_map(
                |(kinds, relation_types, sources, mut entities, mut relations)| {
                    // Unique ids, as validation makes them: a chunk ends its
                    // last statement, which is right only if the next record
                    // has another subject.
                    let mut ids = std::collections::HashSet::new();
                    entities.retain(|entity| ids.insert(entity.id.clone()));
                    ids.clear();
                    relations.retain(|relation| ids.insert(relation.id.clone()));
                    KnowledgeGraph::new(Dataset {
                        schema: Schema {
                            kinds,
                            relation_types,
                        },
                        sources,
                        entities,
                        relations,
                        reviewed: Vec::new(),
                        allowed: Vec::new(),
                    })
                },
            )
    }

    proptest::proptest! {
        #[test]
        fn writes_the_bytes_oxttl_writes_for_random_graphs(
            graph in graph_strategy(),
            base in proptest::sample::select(BASES),
            records_per_chunk in 1..4usize,
        ) {
            let options = TurtleOptions::new(base).unwrap();
            let expected = String::from_utf8(through_oxttl(&graph, &options)).unwrap();
            let written = chunked::with_records_per_chunk(records_per_chunk, || {
                written(&graph, &options)
            });
            proptest::prop_assert_eq!(written, expected);
        }

        #[test]
        fn plain_namespaces_are_those_whose_segments_are_plain(graph in graph_strategy()) {
            let dataset = graph.dataset();
            let plain = |name: &str| plain_local_name(&iri_segment(name));
            let by_definition = PlainNamespaces {
                entity: dataset.entities.iter().all(|e| plain(&e.id)),
                evidence: (dataset.relations.iter())
                    .all(|r| plain_local_name(&format!("{}.1", iri_segment(&r.id)))),
                kind: (dataset.schema.kinds.iter().map(|k| &k.name))
                    .chain(dataset.entities.iter().map(|e| &e.kind))
                    .all(|name| plain(name)),
                relation: dataset.relations.iter().all(|r| plain(&r.id)),
                source: (dataset.sources.iter().map(|s| &s.id))
                    .chain(dataset.relations.iter().flat_map(|r| r.evidence.iter().map(|e| &e.source)))
                    .all(|id| plain(id)),
                relation_type: (dataset.schema.relation_types.iter().map(|t| &t.name))
                    .chain(dataset.relations.iter().map(|r| &r.relation_type))
                    .all(|name| plain(name)),
            };
            proptest::prop_assert_eq!(PlainNamespaces::of(dataset), by_definition);
        }
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
        assert_eq!(
            objects(&triples, evidence, line.as_ref()),
            [Literal::new_typed_literal("1", xsd::INTEGER).into()]
        );
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
        let datatype = |text| date(text).datatype();
        assert_eq!(datatype("1990"), xsd::G_YEAR);
        assert_eq!(datatype("1990-05"), xsd::G_YEAR_MONTH);
        assert_eq!(datatype("1990-05-17"), xsd::DATE);
        assert_eq!(datatype("May 1990"), xsd::STRING);
    }
}
