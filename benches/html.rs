//! The HTML view at scale: generates a corpus of (by default) 10,000
//! entities and 50,000 relations in 100 communities, writes the page, then
//! measures in headless Chromium (Debian's `/usr/bin/chromium`, driven by
//! `tests/consumers/bench_html.mjs`) the time to the first painted layout
//! and the time a filter change takes to redraw.
//!
//! Run: `cargo bench --bench html` (sizes: KG_BENCH_ENTITIES,
//! KG_BENCH_RELATIONS; needs `npm ci --prefix tests/consumers`). The page
//! is kept as `target/bench-html/graph.html`.

mod support;

use support::{peak_rss_mib, size};

use std::fmt::Write as _;
use std::time::Instant;

const KINDS: [&str; 5] = ["state", "organization", "person", "treaty", "event"];
const TYPES: [&str; 8] = [
    "allied_with",
    "member_of",
    "opposes",
    "signed",
    "negotiates_with",
    "funds",
    "criticizes",
    "borders",
];
const MODALITIES: [&str; 5] = [
    "actual",
    "historical",
    "proposed",
    "hypothetical",
    "recommended",
];
const SOURCES: usize = 20;

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fixed pseudo-random sequence, so every run measures the same graph.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

fn main() {
    let entities = size("KG_BENCH_ENTITIES", 10_000);
    let relations = size("KG_BENCH_RELATIONS", 50_000);
    let communities = (entities / 100).max(1);
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sources")).unwrap();

    let mut schema = String::new();
    for kind in KINDS {
        writeln!(
            schema,
            "[[kind]]\nname = \"{kind}\"\ndescription = \"A {kind}\"\n"
        )
        .unwrap();
    }
    let kinds = format!("{KINDS:?}").replace('[', "").replace(']', "");
    for ty in TYPES {
        writeln!(schema, "[[relation_type]]\nname = \"{ty}\"\ndefinition = \"The subject {ty} the object\"\ndomain = [{kinds}]\nrange = [{kinds}]\n").unwrap();
    }
    std::fs::write(data.join("schema.toml"), schema).unwrap();

    let mut json = String::from("{\"entity\": [\n");
    for e in 0..entities {
        let comma = if e + 1 < entities { "," } else { "" };
        writeln!(json, "{{\"id\": \"e{e}\", \"label\": \"Entity number {e}\", \"kind\": \"{}\", \"aliases\": [\"E{e}\"], \"description\": \"Generated entity {e}\"}}{comma}", KINDS[e % KINDS.len()]).unwrap();
    }
    json.push_str("]}\n");
    std::fs::write(data.join("entities.json"), &json).unwrap();

    let per_source = relations.div_ceil(SOURCES);
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut relations_json = String::from("{\"relation\": [\n");
    let mut written = 0;
    for s in 0..SOURCES {
        let mut text = String::new();
        for q in 0..per_source {
            writeln!(
                text,
                "Paragraph {q:06} of source {s:02} says that one party deals with another.\n"
            )
            .unwrap();
        }
        std::fs::write(data.join(format!("sources/s{s}.txt")), &text).unwrap();
        std::fs::write(
            data.join(format!("sources/s{s}.toml")),
            format!(
                "id = \"s{s}\"\ntitle = \"Source {s}\"\nauthor = \"A\"\ndate = \"2024\"\npublisher = \"P\"\ntext = \"sources/s{s}.txt\"\nsha256 = \"{}\"\n",
                sha256_hex(text.as_bytes())
            ),
        )
        .unwrap();
        for q in 0..per_source {
            if written == relations {
                break;
            }
            // Nine in ten relations stay inside a community of 100.
            let from = random.below(entities);
            let to = if random.below(10) < 9 {
                (from / 100) * 100 + random.below(100.min(entities - (from / 100) * 100))
            } else {
                random.below(entities)
            };
            let comma = if written + 1 < relations { "," } else { "" };
            writeln!(
                relations_json,
                "{{\"from\": \"e{from}\", \"type\": \"{}\", \"to\": \"e{to}\", \"modality\": \"{}\", \"id\": \"r{written}\", \"evidence\": [{{\"source\": \"s{s}\", \"quote\": \"Paragraph {q:06} of source {s:02} says\"}}]}}{comma}",
                TYPES[random.below(TYPES.len())],
                MODALITIES[random.below(MODALITIES.len())],
            )
            .unwrap();
            written += 1;
        }
    }
    relations_json.push_str("]}\n");
    std::fs::write(data.join("relations.json"), relations_json).unwrap();

    let (dataset, _) = match kgraph::load(&data) {
        Ok(loaded) => loaded,
        Err(kgraph::LoadError::Invalid(report)) => {
            panic!(
                "generated data is invalid: {:?}",
                report.diagnostics.first()
            )
        }
        Err(error) => panic!("{error}"),
    };
    let graph = kgraph::KnowledgeGraph::new(dataset);
    let started = Instant::now();
    let mut page = Vec::new();
    kgraph::Format::Html.write(&graph, &mut page).unwrap();
    println!(
        "{} entities in {communities} communities, {} relations: page written in {:.2} s ({:.1} MB)",
        graph.entities().len(),
        graph.relations().len(),
        started.elapsed().as_secs_f64(),
        page.len() as f64 / 1e6
    );
    if let Some(peak) = peak_rss_mib() {
        println!("peak memory of the export: {peak:.0} MiB");
    }
    // Kept after the run, to open in a browser.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let kept = repo.join("target/bench-html");
    std::fs::create_dir_all(&kept).unwrap();
    let page_path = kept.join("graph.html");
    std::fs::write(&page_path, page).unwrap();
    println!("page kept as {}", page_path.display());
    let status = std::process::Command::new("node")
        .arg(repo.join("tests/consumers/bench_html.mjs"))
        .arg(&page_path)
        .status()
        .expect("node runs");
    assert!(status.success(), "bench_html.mjs failed");
}
