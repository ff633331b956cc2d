//! Running out of memory or disk is an error with a message and exit code
//! 2, never an abort (exit 134) or a kill, and the previous output stays
//! whole.

use std::os::unix::process::CommandExt;
use std::process::Output;

use crate::common::{Workdir, kg_command, stderr};

/// `kg` with its address space capped at `bytes` (RLIMIT_AS).
fn kg_capped(workdir: &Workdir, bytes: u64, args: &[&str]) -> Output {
    kg_limited(workdir, rlimit::Resource::AS, bytes, args)
}

fn kg_limited(workdir: &Workdir, resource: rlimit::Resource, bytes: u64, args: &[&str]) -> Output {
    let mut command = kg_command(workdir.path(), args);
    // SAFETY: between fork and exec only setrlimit runs, which is
    // async-signal-safe.
    unsafe {
        command.pre_exec(move || rlimit::setrlimit(resource, bytes, bytes));
    }
    command.output().expect("kg runs")
}

#[test]
fn a_write_past_the_file_size_limit_fails_like_a_full_disk_and_replaces_nothing() {
    let workdir = Workdir::with_data("base");
    assert!(workdir.kg(&["build"]).status.success());
    let before = workdir.read("output/graph.html");
    assert!(before.len() > 8192, "the HTML export must exceed the limit");
    // A data change, so that a successful build would change the output.
    let relations = workdir.read("data/relations.toml");
    workdir.write(
        "data/relations.toml",
        relations.replacen("modality = \"hypothetical\"", "modality = \"proposed\"", 1),
    );
    let output = kg_limited(&workdir, rlimit::Resource::FSIZE, 8192, &["build"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{:?} {}",
        output.status,
        stderr(&output)
    );
    assert!(
        stderr(&output).starts_with("error: cannot write `output/"),
        "{}",
        stderr(&output)
    );
    assert_eq!(workdir.read("output/graph.html"), before);
    // The next build, with room, tidies up and writes it all.
    assert!(workdir.kg(&["build"]).status.success());
    assert_ne!(workdir.read("output/graph.html"), before);
    assert!(workdir.kg(&["build", "--check"]).status.success());
}

#[test]
fn data_too_large_for_the_memory_left_is_refused_before_loading() {
    let workdir = Workdir::with_data("base");
    // 64 MB more input than the fixture: about 256 MB in memory by the
    // estimate, more than a 150 MB address space leaves.
    workdir.write("data/sources/padding.txt", "x".repeat(64 << 20));
    let output = kg_capped(&workdir, 150_000_000, &["build"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("error: not enough memory to load `data`: its 68 MB of files take about"),
        "{}",
        stderr(&output)
    );
    assert!(!workdir.path().join("output").exists());
}

#[test]
fn any_memory_cap_ends_in_success_or_exit_2_with_the_output_whole() {
    let workdir = Workdir::with_data("base");
    assert!(workdir.kg(&["build"]).status.success());
    let before = workdir.read("output/graph.json");
    let mut started = false;
    let mut refused = 0;
    // Caps from too little to map the program (killed by a signal before
    // `main`: nothing a program can handle) up to enough for the whole
    // build. Every cap that lets kg run must end in success or exit 2 with
    // a message: never an abort, never a panic (exit 101), also when the
    // worker threads cannot start.
    for megabytes in (16..=90).step_by(2) {
        let output = kg_capped(&workdir, megabytes * 1_000_000, &["build"]);
        match output.status.code() {
            Some(0) => started = true,
            Some(2) => {
                started = true;
                refused += 1;
                assert!(
                    stderr(&output).contains("error: out of memory")
                        || stderr(&output).contains("error: not enough memory")
                        || stderr(&output).contains("error: cannot start kg's worker threads"),
                    "{megabytes} MB: {}",
                    stderr(&output)
                );
            }
            // Too little to map the program at all: killed by a signal, or
            // the dynamic loader gives up (127), before `main` runs.
            None | Some(127) if !started => {}
            _ => panic!("{megabytes} MB: {:?}\n{}", output.status, stderr(&output)),
        }
        assert_eq!(workdir.read("output/graph.json"), before, "{megabytes} MB");
    }
    assert!(started, "no cap was large enough for kg to start");
    assert!(refused > 0, "no cap was low enough to test anything");
}

/// The loaded model keeps no spare room in its lists. Collected in place
/// from the raw records, they kept the raw records' larger buffers: four
/// evidence slots for a relation's one quote tripled the evidence's memory
/// at rest (137 MB of 183 MB at 500k relations).
#[test]
fn the_loaded_model_holds_its_lists_without_spare_room() {
    let (dataset, _) = kgraph::load(&crate::common::repo().join("data")).expect("data/ loads");
    // The lists checked below are not all empty.
    assert!(
        dataset
            .relations
            .iter()
            .any(|relation| !relation.attributed_to.is_empty())
    );
    assert!(
        dataset
            .entities
            .iter()
            .any(|entity| !entity.aliases.is_empty())
    );
    let no_spare_room = |capacity: usize, len: usize, id: &str| assert_eq!(capacity, len, "{id}");
    for relation in &dataset.relations {
        no_spare_room(
            relation.evidence.capacity(),
            relation.evidence.len(),
            &relation.id,
        );
        let holders = &relation.attributed_to;
        no_spare_room(holders.capacity(), holders.len(), &relation.id);
    }
    for entity in &dataset.entities {
        no_spare_room(entity.aliases.capacity(), entity.aliases.len(), &entity.id);
    }
}
