//! Coverage at scale: a generated corpus (by default 100 MB of text in 100
//! sources) and 100,000 aliases; prints the throughput of `kg coverage`'s
//! analysis in MB/s and the peak memory.
//!
//! Run: `cargo bench --bench coverage` (sizes: KG_BENCH_MB, KG_BENCH_ALIASES).

mod support;

use support::{peak_rss_mib, size};

use std::fmt::Write as _;
use std::time::Instant;

use kgraph::diagnostic::Origin;
use kgraph::model::{Dataset, Entity, Source};

/// A deterministic pseudo-random word: no Rng crate needed.
fn word(seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut word = String::new();
    for _ in 0..(4 + (x >> 60) as usize % 5) {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        word.push((b'a' + (x >> 59) as u8 % 26) as char);
    }
    word
}

fn main() {
    let megabytes = size("KG_BENCH_MB", 100);
    let aliases = size("KG_BENCH_ALIASES", 100_000);
    let entities: Vec<Entity> = (0..aliases / 2)
        .map(|index| Entity {
            id: format!("e{index}"),
            label: format!("Zeta {}", word(index as u64)),
            kind: "thing".to_owned(),
            aliases: vec![format!("Omega {} {}", word(index as u64 + 7), index)],
            description: String::new(),
            wikidata: None,
            mentions: 0,
            origin: Origin::new(0, 0..0),
        })
        .collect();
    let sources_count = 100;
    let per_source = megabytes * 1_000_000 / sources_count;
    let mut seed = 0u64;
    let sources: Vec<Source> = (0..sources_count)
        .map(|index| {
            let mut text = String::with_capacity(per_source + 100);
            while text.len() < per_source {
                seed += 1;
                // About one sentence in four names an entity.
                match seed % 4 {
                    0 => {
                        let entity = &entities[(seed as usize * 7919) % entities.len()];
                        write!(text, "Then {} met the others. ", entity.label).unwrap();
                    }
                    _ => {
                        for offset in 0..10 {
                            text.push_str(&word(seed * 31 + offset));
                            text.push(' ');
                        }
                        text.push_str("end.\n");
                    }
                }
            }
            Source {
                id: format!("s{index}"),
                title: String::new(),
                author: String::new(),
                date: "2024".to_owned(),
                copy_date: None,
                copy_url: None,
                publisher: String::new(),
                url: None,
                notes: None,
                text_path: String::new(),
                sha256: String::new(),
                text,
                origin: Origin::new(0, 0..0),
            }
        })
        .collect();
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    let dataset = Dataset {
        entities,
        sources,
        ..Dataset::default()
    };
    let started = Instant::now();
    let report = kgraph::coverage::analyze(&dataset, None);
    let seconds = started.elapsed().as_secs_f64();
    let mentions: usize = report.mentions.values().sum();
    println!(
        "coverage: {:.0} MB of text, {} aliases, {} mentions, {} candidate sentences in {:.2} s: {:.0} MB/s",
        bytes as f64 / 1e6,
        aliases,
        mentions,
        report.candidates.len(),
        seconds,
        bytes as f64 / 1e6 / seconds
    );
    if let Some(peak) = peak_rss_mib() {
        println!(
            "peak memory: {peak:.0} MiB (the corpus itself: {:.0} MiB)",
            bytes as f64 / (1 << 20) as f64
        );
    }
}
