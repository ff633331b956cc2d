//! A deterministic synthetic corpus in kgraph's own format, for measuring
//! kgraph at scale (and the networkx baseline on the same data, see
//! `benches/side_by_side.py`).
//!
//! For N entities it writes 5N relations (`--relations-per-entity`), one
//! source per 200 relations (`--per-source`), every relation backed by one
//! quote of about 80 characters. Source texts read like articles: each
//! quoted sentence names both entities, stands among sentences that are
//! not quoted, and is typeset with curly quote marks and em dashes, while
//! the curated quote uses straight marks and a hyphen, so every quote goes
//! through the typographic folding as a curator's would. All data files are
//! JSON. The same N and seed always give the same bytes.
//!
//! Run: `cargo run --release --example corpus -- DIR --entities 100000 [--seed 1]`
//! (add `--split-relations` to write `relations/*.json`, one file per
//! source, instead of one `relations.json`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::Digest;

/// SplitMix64: tiny, fast and fully determined by its seed, which is all a
/// corpus generator needs (no dependency whose stream could change).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const CONSONANTS: [char; 12] = ['b', 'd', 'f', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v'];
const VOWELS: [char; 4] = ['a', 'e', 'o', 'u'];

/// A name made of two-letter syllables that spell `index` in base 48, so
/// that every index has its own name: "Kalo Rivu".
fn name(index: usize) -> String {
    let base = CONSONANTS.len() * VOWELS.len();
    let mut digits = Vec::new();
    let mut rest = index;
    while digits.len() < 3 || rest > 0 {
        digits.push(rest % base);
        rest /= base;
    }
    let mut name = String::new();
    for (position, digit) in digits.iter().enumerate() {
        if position > 0 && position % 2 == 0 {
            name.push(' ');
        }
        let consonant = CONSONANTS[digit / VOWELS.len()];
        if position % 2 == 0 {
            name.push(consonant.to_ascii_uppercase());
        } else {
            name.push(consonant);
        }
        name.push(VOWELS[digit % VOWELS.len()]);
    }
    name
}

struct Kind {
    name: &'static str,
    description: &'static str,
    /// How a label is made from a name: `{}` stands for the name.
    label: &'static str,
}

const KINDS: [Kind; 6] = [
    Kind {
        name: "state",
        description: "A sovereign state, or its government acting for it",
        label: "Republic of {}",
    },
    Kind {
        name: "organization",
        description: "An international organization, union or alliance",
        label: "{} Alliance",
    },
    Kind {
        name: "institution",
        description: "A body, council or delegation set up by an organization",
        label: "{} Council",
    },
    Kind {
        name: "person",
        description: "A named person",
        label: "{}",
    },
    Kind {
        name: "treaty",
        description: "A treaty, agreement or accord",
        label: "Treaty of {}",
    },
    Kind {
        name: "place",
        description: "A city, region or territory",
        label: "{} Province",
    },
];

struct RelationType {
    name: &'static str,
    verb: &'static str,
    definition: &'static str,
}

const RELATION_TYPES: [RelationType; 8] = [
    RelationType {
        name: "member_of",
        verb: "joined",
        definition: "The subject is a member of the object",
    },
    RelationType {
        name: "supports",
        verb: "backed",
        definition: "The subject supports the object",
    },
    RelationType {
        name: "opposes",
        verb: "opposed",
        definition: "The subject opposes the object",
    },
    RelationType {
        name: "negotiates_with",
        verb: "negotiated with",
        definition: "The subject negotiates with the object",
    },
    RelationType {
        name: "signed",
        verb: "signed on to",
        definition: "The subject signed the object",
    },
    RelationType {
        name: "threatens",
        verb: "warned",
        definition: "The subject threatens the object",
    },
    RelationType {
        name: "cooperates_with",
        verb: "worked alongside",
        definition: "The subject cooperates with the object",
    },
    RelationType {
        name: "located_in",
        verb: "was placed under",
        definition: "The subject lies in the object",
    },
];

const MODALITIES: [&str; 5] = [
    "actual",
    "historical",
    "proposed",
    "hypothetical",
    "recommended",
];

const ADJECTIVES: [&str; 12] = [
    "joint",
    "regional",
    "interim",
    "lasting",
    "new",
    "broad",
    "common",
    "limited",
    "formal",
    "strategic",
    "bilateral",
    "open",
];
const NOUNS: [&str; 12] = [
    "security",
    "framework",
    "dialogue",
    "roadmap",
    "settlement",
    "arrangement",
    "partnership",
    "consensus",
    "guarantee",
    "format",
    "agenda",
    "mandate",
];
const SPEAKERS: [&str; 8] = [
    "officials",
    "diplomats",
    "analysts",
    "negotiators",
    "observers",
    "ministers",
    "envoys",
    "advisers",
];
const WHEN: [&str; 8] = [
    "on Monday",
    "last spring",
    "in the autumn",
    "after long talks",
    "within weeks",
    "at the summit",
    "this year",
    "in private",
];
const FILLER: [&str; 40] = [
    "the",
    "talks",
    "were",
    "long",
    "and",
    "the",
    "outcome",
    "remained",
    "unclear",
    "for",
    "many",
    "months",
    "while",
    "both",
    "sides",
    "kept",
    "their",
    "positions",
    "and",
    "public",
    "opinion",
    "shifted",
    "slowly",
    "towards",
    "a",
    "more",
    "cautious",
    "view",
    "of",
    "what",
    "could",
    "be",
    "achieved",
    "in",
    "practice",
    "given",
    "earlier",
    "failures",
    "at",
    "home",
];

struct Options {
    out: PathBuf,
    entities: usize,
    seed: u64,
    relations_per_entity: usize,
    per_source: usize,
    split_relations: bool,
}

fn parse_options() -> Result<Options, String> {
    let mut out = None;
    let mut options = Options {
        out: PathBuf::new(),
        entities: 10_000,
        seed: 1,
        relations_per_entity: 5,
        per_source: 200,
        split_relations: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|value| value.replace('_', "").parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--entities" => options.entities = number("--entities")?,
            "--seed" => options.seed = number("--seed")? as u64,
            "--relations-per-entity" => {
                options.relations_per_entity = number("--relations-per-entity")?;
            }
            "--per-source" => options.per_source = number("--per-source")?.max(1),
            "--split-relations" => options.split_relations = true,
            "-h" | "--help" => {
                return Err("usage: corpus DIR [--entities N] [--seed S] [--relations-per-entity R] [--per-source P] [--split-relations]".into());
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`")),
            _ => out = Some(PathBuf::from(arg)),
        }
    }
    options.out = out.ok_or("give the directory to write the corpus into")?;
    if options.entities < 2 {
        return Err("--entities must be at least 2".into());
    }
    Ok(options)
}

/// A string as a JSON string literal.
fn json(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

struct Entity {
    id: String,
    label: String,
}

fn write_schema(dir: &Path) -> std::io::Result<()> {
    let kinds: Vec<&str> = KINDS.iter().map(|kind| kind.name).collect();
    let all_kinds = kinds.iter().map(|k| json(k)).collect::<Vec<_>>().join(", ");
    let mut text = String::from("{\n  \"kind\": [\n");
    for (index, kind) in KINDS.iter().enumerate() {
        let comma = if index + 1 < KINDS.len() { "," } else { "" };
        writeln!(
            text,
            "    {{\"name\": {}, \"description\": {}}}{comma}",
            json(kind.name),
            json(kind.description)
        )
        .unwrap();
    }
    text.push_str("  ],\n  \"relation_type\": [\n");
    for (index, ty) in RELATION_TYPES.iter().enumerate() {
        let comma = if index + 1 < RELATION_TYPES.len() {
            ","
        } else {
            ""
        };
        writeln!(
            text,
            "    {{\"name\": {}, \"definition\": {}, \"domain\": [{all_kinds}], \"range\": [{all_kinds}]}}{comma}",
            json(ty.name),
            json(ty.definition)
        )
        .unwrap();
    }
    text.push_str("  ]\n}\n");
    std::fs::write(dir.join("schema.json"), text)
}

fn write_entities(dir: &Path, count: usize, rng: &mut Rng) -> std::io::Result<Vec<Entity>> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join("entities.json"))?);
    file.write_all(b"{\"entity\": [\n")?;
    let mut entities = Vec::with_capacity(count);
    for index in 0..count {
        let kind = &KINDS[rng.below(KINDS.len())];
        let bare = name(index);
        let label = kind.label.replace("{}", &bare);
        let id = label.to_lowercase().replace(' ', "-");
        write!(
            file,
            "{{\"id\": {}, \"label\": {}, \"kind\": {}",
            json(&id),
            json(&label),
            json(kind.name)
        )?;
        if label != bare {
            write!(file, ", \"aliases\": [{}]", json(&bare))?;
        }
        write!(
            file,
            ", \"description\": {}",
            json(&format!("A {} named in the synthetic corpus", kind.name))
        )?;
        if rng.below(10) == 0 {
            write!(file, ", \"wikidata\": \"Q{}\"", 1_000 + index)?;
        }
        let comma = if index + 1 < count { "," } else { "" };
        writeln!(file, "}}{comma}")?;
        entities.push(Entity { id, label });
    }
    file.write_all(b"]}\n")?;
    file.flush()?;
    Ok(entities)
}

/// A sentence of filler words, not quoted by any relation.
fn filler(rng: &mut Rng) -> String {
    let words = 10 + rng.below(12);
    let mut sentence = String::new();
    for index in 0..words {
        let word = rng.pick(&FILLER);
        if index == 0 {
            let mut chars = word.chars();
            let first = chars.next().expect("words are not empty");
            sentence.push(first.to_ascii_uppercase());
            sentence.push_str(chars.as_str());
        } else {
            sentence.push(' ');
            sentence.push_str(word);
        }
    }
    sentence.push('.');
    sentence
}

struct Relation {
    from: usize,
    to: usize,
    relation_type: usize,
    modality: &'static str,
    date: Option<String>,
    /// The quote as the curator typed it: straight marks, a hyphen.
    quote: String,
}

/// One source: its text, and the relations it backs.
fn make_source(
    rng: &mut Rng,
    source_index: usize,
    relation_count: usize,
    entities: &[Entity],
) -> (String, Vec<Relation>) {
    let mut text = String::new();
    writeln!(
        text,
        "Report {source_index}: notes on the {} {}\n",
        rng.pick(&ADJECTIVES),
        rng.pick(&NOUNS)
    )
    .unwrap();
    let mut relations = Vec::with_capacity(relation_count);
    let mut quotes = HashSet::new();
    let mut paragraph = 0;
    while relations.len() < relation_count {
        let from = rng.below(entities.len());
        let mut to = rng.below(entities.len() - 1);
        if to >= from {
            to += 1;
        }
        let relation_type = rng.below(RELATION_TYPES.len());
        let adjective = rng.pick(&ADJECTIVES);
        let noun = rng.pick(&NOUNS);
        let speakers = rng.pick(&SPEAKERS);
        let when = rng.pick(&WHEN);
        let (from_label, to_label) = (&entities[from].label, &entities[to].label);
        let verb = RELATION_TYPES[relation_type].verb;
        // As typeset in the source, and as a curator types it.
        let typeset = format!(
            "{from_label} {verb} {to_label} under the \u{201c}{adjective} {noun}\u{201d} \u{2014} {speakers} said {when}"
        );
        let typed = format!(
            "{from_label} {verb} {to_label} under the \"{adjective} {noun}\" - {speakers} said {when}"
        );
        if !quotes.insert(typed.clone()) {
            continue;
        }
        if rng.below(2) == 0 {
            text.push_str(&filler(rng));
            text.push(' ');
        }
        text.push_str(&typeset);
        text.push_str(". ");
        text.push_str(&filler(rng));
        paragraph += 1;
        text.push_str(if paragraph % 4 == 0 { "\n\n" } else { " " });
        let modality = MODALITIES[rng.below(MODALITIES.len())];
        let date = (rng.below(3) == 0).then(|| {
            format!(
                "{}-{:02}-{:02}",
                1990 + rng.below(35),
                1 + rng.below(12),
                1 + rng.below(28)
            )
        });
        relations.push(Relation {
            from,
            to,
            relation_type,
            modality,
            date,
            quote: typed,
        });
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    (text, relations)
}

fn write_relation(
    out: &mut impl std::io::Write,
    relation: &Relation,
    source_id: &str,
    entities: &[Entity],
) -> std::io::Result<()> {
    write!(
        out,
        "{{\"from\": {}, \"type\": {}, \"to\": {}, \"modality\": \"{}\"",
        json(&entities[relation.from].id),
        json(RELATION_TYPES[relation.relation_type].name),
        json(&entities[relation.to].id),
        relation.modality
    )?;
    if let Some(date) = &relation.date {
        write!(out, ", \"date\": \"{date}\"")?;
    }
    write!(
        out,
        ", \"evidence\": [{{\"source\": {}, \"quote\": {}}}]}}",
        json(source_id),
        json(&relation.quote)
    )
}

fn generate(options: &Options) -> std::io::Result<()> {
    let dir = &options.out;
    std::fs::create_dir_all(dir.join("sources"))?;
    let mut rng = Rng(options.seed);
    write_schema(dir)?;
    let entities = write_entities(dir, options.entities, &mut rng)?;
    let total = options.entities * options.relations_per_entity;
    let source_count = total.div_ceil(options.per_source);
    let width = source_count.to_string().len();
    let mut single = if options.split_relations {
        std::fs::create_dir_all(dir.join("relations"))?;
        None
    } else {
        let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join("relations.json"))?);
        file.write_all(b"{\"relation\": [\n")?;
        Some(file)
    };
    let mut written = 0;
    for source_index in 0..source_count {
        let count = options.per_source.min(total - written);
        let (text, relations) = make_source(&mut rng, source_index, count, &entities);
        let source_id = format!("report-{source_index:0width$}");
        let text_path = format!("sources/{source_id}.txt");
        std::fs::write(dir.join(&text_path), &text)?;
        let sha256: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let date = format!(
            "{}-{:02}-{:02}",
            2000 + rng.below(25),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        std::fs::write(
            dir.join(format!("sources/{source_id}.json")),
            format!(
                "{{\n  \"id\": {},\n  \"title\": {},\n  \"author\": {},\n  \"date\": \"{date}\",\n  \"publisher\": \"Synthetic Press\",\n  \"url\": \"https://example.org/{source_id}\",\n  \"text\": {},\n  \"sha256\": \"{sha256}\"\n}}\n",
                json(&source_id),
                json(&format!("Report {source_index}")),
                json(&entities[rng.below(entities.len())].label),
                json(&text_path),
            ),
        )?;
        match &mut single {
            Some(file) => {
                for relation in &relations {
                    write_relation(file, relation, &source_id, &entities)?;
                    written += 1;
                    file.write_all(if written < total { b",\n" } else { b"\n" })?;
                }
            }
            None => {
                let mut file = std::io::BufWriter::new(std::fs::File::create(
                    dir.join(format!("relations/{source_id}.json")),
                )?);
                file.write_all(b"{\"relation\": [\n")?;
                for (index, relation) in relations.iter().enumerate() {
                    write_relation(&mut file, relation, &source_id, &entities)?;
                    file.write_all(if index + 1 < relations.len() {
                        b",\n"
                    } else {
                        b"\n"
                    })?;
                }
                file.write_all(b"]}\n")?;
                file.flush()?;
                written += relations.len();
            }
        }
    }
    if let Some(mut file) = single {
        file.write_all(b"]}\n")?;
        file.flush()?;
    }
    Ok(())
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("corpus: {message}");
            std::process::exit(2);
        }
    };
    let started = std::time::Instant::now();
    if let Err(error) = generate(&options) {
        eprintln!("corpus: cannot write `{}`: {error}", options.out.display());
        std::process::exit(2);
    }
    eprintln!(
        "corpus: {} entities, {} relations in {} in {:.1} s",
        options.entities,
        options.entities * options.relations_per_entity,
        options.out.display(),
        started.elapsed().as_secs_f64()
    );
}
