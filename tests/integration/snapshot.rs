//! The snapshot `kg build` leaves in `output/.kg/` for questions: used when
//! fresh, never when any data file changed, and not part of `--check`.

use crate::common::{Workdir, stderr, stdout};

fn built() -> Workdir {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(workdir.path().join("output/.kg/graph.bin").is_file());
    workdir
}

/// Every question, answered from the part of the snapshot it reads, gets
/// the bytes (and exit status, and messages) it gets from the data:
/// walks in each direction and with filters, names given by label, paths
/// of every kind, explanations with quotes that start or end mid-sentence,
/// ego graphs, unknown names.
#[test]
fn questions_are_answered_from_a_fresh_snapshot_as_from_the_data() {
    let workdir = built();
    let questions: &[&[&str]] = &[
        &["query", "neighbors", "kingdom"],
        &[
            "query",
            "neighbors",
            "alliance",
            "--depth",
            "2",
            "--direction",
            "in",
        ],
        &["query", "neighbors", "Republic", "--json"],
        &[
            "query",
            "neighbors",
            "kingdom",
            "--depth",
            "3",
            "--modality",
            "proposed,historical",
        ],
        &[
            "query",
            "neighbors",
            "harbour-accord",
            "--depth",
            "2",
            "--kind",
            "state",
        ],
        &["query", "path", "kingdom", "republic"],
        &["query", "path", "kingdom", "republic", "--all", "--json"],
        &["query", "path", "republic", "kingdom", "--directed"],
        &["query", "path", "kingdom", "republic", "--max-len", "1"],
        &["explain", "kingdom", "alliance"],
        // The quote stops before the sentence's full stop: `…` at its end.
        &["explain", "republic", "harbour-accord"],
        &["explain", "kingdom", "Republic", "--all", "--json"],
        &["query", "subgraph", "kingdom", "--format", "json"],
        &[
            "query",
            "subgraph",
            "alliance",
            "--depth",
            "2",
            "--format",
            "dot",
            "--modality",
            "historical",
        ],
        &[
            "export", "--format", "graphml", "--focus", "republic", "-o", "-",
        ],
        &[
            "export", "--format", "html", "--focus", "kingdom", "-o", "-",
        ],
        &["query", "neighbors", "natoo"],
        &["query", "path", "kingdom", "nobody"],
        &["stats"],
        &["export", "--format", "json"],
    ];
    let answer =
        |output: std::process::Output| (output.status.code(), stdout(&output), stderr(&output));
    let mut from_snapshot = Vec::new();
    for question in questions {
        let mut args = vec!["-v"];
        args.extend_from_slice(question);
        let output = workdir.kg(&args);
        assert!(
            stderr(&output).contains("answered from the snapshot `output/.kg/graph.bin`"),
            "{question:?}: {}",
            stderr(&output)
        );
        from_snapshot.push(answer(workdir.kg(question)));
    }
    assert!(
        from_snapshot[10].1.contains("1990…”"),
        "{}",
        from_snapshot[10].1
    );
    std::fs::remove_dir_all(workdir.path().join("output/.kg")).unwrap();
    for (question, expected) in questions.iter().zip(from_snapshot) {
        assert_eq!(answer(workdir.kg(question)), expected, "{question:?}");
    }
}

/// A snapshot read for a question leaves the source texts out unless the
/// format reads them (`Format::reads_source_texts`): every export from the
/// snapshot must still be byte for byte the export from the data.
#[test]
fn every_export_from_the_snapshot_is_the_export_from_the_data() {
    let workdir = built();
    let formats: Vec<&str> = kgraph::Format::ALL
        .iter()
        .filter(|format| !format.is_directory())
        .map(|format| format.name())
        .collect();
    let mut from_snapshot = Vec::new();
    for format in &formats {
        let output = workdir.kg(&["-v", "export", "--format", format, "-o", "-"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("answered from the snapshot"),
            "{format}: {}",
            stderr(&output)
        );
        from_snapshot.push(output.stdout);
    }
    std::fs::remove_dir_all(workdir.path().join("output/.kg")).unwrap();
    for (format, expected) in formats.iter().zip(from_snapshot) {
        let output = workdir.kg(&["export", "--format", format, "-o", "-"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        assert!(
            output.stdout == expected,
            "{format} differs from the snapshot"
        );
    }
}

#[test]
fn a_changed_data_file_makes_questions_load_the_data_again_and_say_so() {
    let workdir = built();
    // Same length, so only the time or the hash can tell.
    let relations = workdir
        .read("data/relations.toml")
        .replace("modality = \"hypothetical\"", "modality = \"recommended\"");
    workdir.write("data/relations.toml", relations);
    let output = workdir.kg(&["query", "neighbors", "kingdom", "--modality", "recommended"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "note: not using the snapshot `output/.kg/graph.bin`: `relations.toml` changed; loading `data` (`kg build` refreshes it)\n"
    );
    assert!(stdout(&output).contains("alliance"), "{}", stdout(&output));
    // --quiet keeps the answer and drops the note.
    let quiet = workdir.kg(&["-q", "query", "neighbors", "kingdom"]);
    assert_eq!(stderr(&quiet), "");
    // A new source file counts as a change too.
    assert!(workdir.kg(&["build"]).status.success());
    workdir.write("data/sources/extra.toml", "not even valid");
    let output = workdir.kg(&["query", "neighbors", "kingdom"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`sources/extra.toml` is new"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_damaged_snapshot_is_never_used_and_check_ignores_it() {
    let workdir = built();
    let snapshot = workdir.path().join("output/.kg/graph.bin");
    let bytes = std::fs::read(&snapshot).unwrap();
    std::fs::write(&snapshot, &bytes[..bytes.len() / 2]).unwrap();
    let output = workdir.kg(&["query", "neighbors", "kingdom"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("not using the snapshot `output/.kg/graph.bin`: it cannot be read"),
        "{}",
        stderr(&output)
    );
    let check = workdir.kg(&["build", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let files: usize = kgraph::Format::ALL
        .iter()
        .map(|format| format.file_names().len())
        .sum();
    assert!(
        stdout(&check).starts_with(&format!("up to date: {files} files")),
        "{}",
        stdout(&check)
    );
}
