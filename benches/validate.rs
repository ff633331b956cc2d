//! Validation at scale: generates a synthetic corpus (by default 10,000
//! sources, 100,000 entities and 1,000,000 relations, each with an
//! 80-character quote), then loads and validates it and builds the graph,
//! printing the time of each step and the peak memory.
//!
//! Run: `cargo bench --bench validate` (sizes: KG_BENCH_SOURCES,
//! KG_BENCH_ENTITIES, KG_BENCH_RELATIONS).

mod support;

use support::{peak_rss_mib, size};

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn main() {
    let sources = size("KG_BENCH_SOURCES", 10_000);
    let entities = size("KG_BENCH_ENTITIES", 100_000);
    let relations = size("KG_BENCH_RELATIONS", 1_000_000);
    let per_source = relations.div_ceil(sources);
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path();
    std::fs::create_dir_all(data.join("sources")).unwrap();

    let started = Instant::now();
    std::fs::write(
        data.join("schema.toml"),
        "[[kind]]\nname = \"thing\"\ndescription = \"A thing\"\n\n[[relation_type]]\nname = \"mentions\"\ndefinition = \"The subject mentions the object\"\ndomain = [\"thing\"]\nrange = [\"thing\"]\n",
    )
    .unwrap();
    let mut json = String::from("{\"entity\": [\n");
    for e in 0..entities {
        let comma = if e + 1 < entities { "," } else { "" };
        writeln!(json, "{{\"id\": \"e{e}\", \"label\": \"Entity {e}\", \"kind\": \"thing\", \"aliases\": [\"E{e}\"]}}{comma}").unwrap();
    }
    json.push_str("]}\n");
    std::fs::write(data.join("entities.json"), &json).unwrap();

    let mut relations_json =
        std::io::BufWriter::new(std::fs::File::create(data.join("relations.json")).unwrap());
    relations_json.write_all(b"{\"relation\": [\n").unwrap();
    let mut text_bytes = 0;
    let mut written = 0;
    for s in 0..sources {
        // Each sentence is unique in its source, so each quote is found once.
        let mut text = String::new();
        for q in 0..per_source {
            writeln!(text, "In passage {q:06} of source {s:05}, the \u{201c}first\u{201d} party met the second one \u{2014} again.").unwrap();
        }
        text_bytes += text.len();
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
            let comma = if written + 1 < relations { "," } else { "" };
            writeln!(
                relations_json,
                "{{\"from\": \"e{}\", \"type\": \"mentions\", \"to\": \"e{}\", \"modality\": \"actual\", \"evidence\": [{{\"source\": \"s{s}\", \"quote\": \"passage {q:06} of source {s:05}, the \\\"first\\\" party met the second one - again.\"}}]}}{comma}",
                written % entities,
                (written * 7 + 1) % entities
            )
            .unwrap();
            written += 1;
        }
    }
    relations_json.write_all(b"]}\n").unwrap();
    relations_json.flush().unwrap();
    drop(relations_json);
    let relations_size = std::fs::metadata(data.join("relations.json"))
        .unwrap()
        .len();
    println!(
        "generated {sources} sources ({:.0} MB of text), {entities} entities, {written} relations ({:.0} MB of JSON) in {:.1} s",
        text_bytes as f64 / 1e6,
        relations_size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (dataset, report) = match kgraph::load(data) {
        Ok(loaded) => loaded,
        Err(kgraph::LoadError::Invalid(report)) => {
            panic!(
                "generated data is invalid: {:?}",
                report.diagnostics.first()
            )
        }
        Err(error) => panic!("{error}"),
    };
    let load_seconds = started.elapsed().as_secs_f64();
    assert_eq!(dataset.relations.len(), written);
    assert_eq!(report.errors(), 0);
    println!(
        "load + validate (every quote located): {load_seconds:.2} s, {:.0} relations/s",
        written as f64 / load_seconds
    );

    let started = Instant::now();
    let graph = kgraph::KnowledgeGraph::new(dataset);
    println!("build graph: {:.2} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let coverage = kgraph::coverage::analyze(graph.dataset(), None);
    println!(
        "coverage analysis (run by kg build for its warning count): {:.2} s, {} suspicious",
        started.elapsed().as_secs_f64(),
        coverage.suspicious.len()
    );

    for format in kgraph::Format::ALL {
        let started = Instant::now();
        let mut sink = std::io::sink();
        let mut counter = CountingWriter {
            inner: &mut sink,
            bytes: 0,
        };
        format.write(&graph, &mut counter).unwrap();
        println!(
            "write {}: {:.2} s ({:.0} MB)",
            format.name(),
            started.elapsed().as_secs_f64(),
            counter.bytes as f64 / 1e6
        );
    }
    if let Some(peak) = peak_rss_mib() {
        println!("peak memory: {peak:.0} MiB");
    }
}

struct CountingWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    bytes: usize,
}

impl std::io::Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
