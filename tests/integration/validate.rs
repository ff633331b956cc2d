//! Golden tests for validation: each case under `tests/fixtures/invalid`
//! overlays files on the valid `base` fixture (a `remove` file lists files
//! to delete), runs `kg validate`, and compares stderr and the exit status
//! with `expected.stderr`. A case may also hold `outside/`, copied beside
//! `data/` (for links that lead out of it), and a `fifos` file listing paths
//! to replace with named pipes (which git cannot store), and a
//! `kgraph.toml` for the working directory.

use std::path::Path;
use std::time::Duration;

use crate::common::{
    Workdir, assert_golden, copy_dir, fixtures, kg_command, output_within, stderr, stdout,
};

/// The base fixture with a case's overlay, outside files, FIFOs and
/// removals applied.
fn prepare_case(case: &Path) -> Workdir {
    let workdir = Workdir::with_data("base");
    let overlay = case.join("data");
    if overlay.exists() {
        copy_dir(&overlay, &workdir.path().join("data"));
    }
    let project = case.join("kgraph.toml");
    if project.exists() {
        std::fs::copy(&project, workdir.path().join("kgraph.toml")).unwrap();
    }
    let outside = case.join("outside");
    if outside.exists() {
        copy_dir(&outside, workdir.path());
    }
    if let Ok(fifos) = std::fs::read_to_string(case.join("fifos")) {
        for line in fifos.lines().filter(|line| !line.trim().is_empty()) {
            let path = workdir.path().join(line.trim());
            let _ = std::fs::remove_file(&path);
            let made = std::process::Command::new("mkfifo").arg(&path).status();
            assert!(made.is_ok_and(|status| status.success()), "mkfifo {line}");
        }
    }
    if let Ok(removals) = std::fs::read_to_string(case.join("remove")) {
        for line in removals.lines().filter(|line| !line.trim().is_empty()) {
            let path = workdir.path().join(line.trim());
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    workdir
}

fn run_case(case: &Path) -> String {
    let workdir = prepare_case(case);
    let Some(output) = output_within(
        kg_command(workdir.path(), &["validate"]),
        Duration::from_secs(60),
    ) else {
        return "kg validate did not finish within 60 s\n".to_owned();
    };
    assert!(
        stdout(&output).is_empty(),
        "invalid data printed to stdout: {}",
        stdout(&output)
    );
    let text = stderr(&output);
    assert!(!text.contains("panicked"), "kg panicked:\n{text}");
    format!(
        "{text}[exit status: {}]\n",
        output.status.code().unwrap_or(-1)
    )
}

#[test]
fn every_invalid_fixture_gives_its_expected_diagnostics() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} invalid fixtures", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let actual = run_case(case);
        let golden = case.join("expected.stderr");
        if let Err(panic) = std::panic::catch_unwind(|| assert_golden(&golden, &actual)) {
            failures.push(format!(
                "{}: {}",
                case.file_name().unwrap().to_string_lossy(),
                panic.downcast_ref::<String>().cloned().unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_base_fixture_is_valid() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "valid: 4 entities, 5 relations, 1 source (0 warnings)\n"
    );
}

#[test]
fn json_data_files_load_like_toml_ones() {
    let workdir = Workdir::with_data("base");
    let toml_build = workdir.kg(&["export", "--format", "json"]);
    assert!(toml_build.status.success(), "{}", stderr(&toml_build));
    // The same relations, written as JSON by hand.
    std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
    workdir.write(
        "data/relations.json",
        include_str!("../fixtures/base-relations.json"),
    );
    let json_build = workdir.kg(&["export", "--format", "json"]);
    assert!(json_build.status.success(), "{}", stderr(&json_build));
    assert_eq!(stdout(&toml_build), stdout(&json_build));
}

/// Relations split across `relations/*.json` (and `*.toml`) load as if
/// they were one file, and an id given twice across two files is reported
/// in both.
#[test]
fn relations_may_be_split_across_the_relations_directory() {
    let workdir = Workdir::with_data("base");
    let whole = workdir.kg(&["export", "--format", "json"]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let relations = std::fs::read_to_string(workdir.path().join("data/relations.toml")).unwrap();
    std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
    // The TOML half in one file, the same relations as JSON in another
    // would be duplicates: split the TOML by relation instead.
    let parts: Vec<&str> = relations.split("[[relation]]").collect();
    let (first, rest) = parts.split_at(parts.len() / 2 + 1);
    workdir.write("data/relations/a.toml", first.join("[[relation]]"));
    workdir.write(
        "data/relations/b.toml",
        format!("[[relation]]{}", rest.join("[[relation]]")),
    );
    let split = workdir.kg(&["export", "--format", "json"]);
    assert!(split.status.success(), "{}", stderr(&split));
    assert_eq!(stdout(&whole), stdout(&split));
    workdir.write(
        "data/relations/c.json",
        include_str!("../fixtures/base-relations.json"),
    );
    let doubled = workdir.kg(&["validate"]);
    assert_eq!(doubled.status.code(), Some(1));
    assert!(
        stderr(&doubled).contains("data/relations/c.json"),
        "{}",
        stderr(&doubled)
    );
}

/// The files of `relations/` are read on every core, each numbered before
/// it is read: a file that cannot be read, or does not parse, does not
/// shift where the diagnostics of the files after it point, and a large
/// file, let go once its records are read, is still quoted.
#[test]
fn diagnostics_in_a_data_directory_point_into_their_own_files() {
    let workdir = Workdir::with_data("base");
    std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
    workdir.write(
        "data/relations/a.json",
        include_str!("../fixtures/base-relations.json"),
    );
    std::fs::write(
        workdir.path().join("data/relations/b.json"),
        b"{\"relation\": [\xff]}",
    )
    .unwrap();
    workdir.write(
        "data/relations/c.json",
        "{\"relation\": [\n  {\"from\": }\n]}\n",
    );
    // Over the size from which a file's text is not held once read.
    let padding = " ".repeat(64 * 1024);
    workdir.write(
        "data/relations/d.json",
        format!(
            "{{{padding}\n\"relation\": [\n{{\"from\": \"atlantis\", \"type\": \"signed\", \"to\": \"harbour-accord\", \"modality\": \"historical\", \"evidence\": [{{\"source\": \"memo\", \"quote\": \"signed the Harbour Accord\"}}]}}\n]}}\n"
        ),
    );
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let stderr = stderr(&output);
    for expected in [
        "`data/relations/b.json` is not valid UTF-8: invalid byte at line 1, column 15",
        "data/relations/c.json:2:12",
        "data/relations/d.json:3:10",
        "3 │ {\"from\": \"atlantis\"",
        // The quote, typed without its curly quote marks, is reported too.
        "data/relations/d.json:3:131",
        "the data has 4 errors",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
}

/// A JSON file of a megabyte or more is outlined (its records found by
/// their brackets and checked as they are read, on every core): it reads as
/// a small one does, and an invalid record deep inside rejects the file
/// whole, with the error the checking parser gives and nothing else.
#[test]
fn a_large_json_file_reads_like_a_small_one_and_is_rejected_whole_when_invalid() {
    let workdir = Workdir::with_data("base");
    let small = workdir.kg(&["export", "--format", "json"]);
    assert!(small.status.success(), "{}", stderr(&small));
    std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
    let relations = include_str!("../fixtures/base-relations.json");
    let padded = relations.replacen('[', &format!("[{}", " ".repeat(1 << 20)), 1);
    workdir.write("data/relations.json", &padded);
    let large = workdir.kg(&["export", "--format", "json"]);
    assert!(large.status.success(), "{}", stderr(&large));
    assert_eq!(stdout(&small), stdout(&large));

    // A key given twice in the last record; the first names an unknown
    // entity, which is not reported: nothing of a rejected file is read.
    let padded = padded.replacen("\"from\": \"alliance\"", "\"from\": \"nobody\"", 1);
    let last = padded.rfind("\"from\"").unwrap();
    let invalid = format!("{}\"from\": \"x\", {}", &padded[..last], &padded[last..]);
    workdir.write("data/relations.json", &invalid);
    let rejected = workdir.kg(&["validate"]);
    assert_eq!(rejected.status.code(), Some(1), "{}", stderr(&rejected));
    let report = stderr(&rejected);
    assert_eq!(report.matches("error[").count(), 1, "{report}");
    assert!(
        report.contains("error[syntax-error]: invalid JSON: duplicate key `from`"),
        "{report}"
    );
    let line = invalid[..last].lines().count();
    assert!(
        report.contains(&format!("data/relations.json:{line}:")),
        "{report}"
    );
}

/// A large data file's text is not held once its records are read: a
/// diagnostic that quotes it reads it again, and prints exactly what it
/// prints for a small file.
#[test]
fn a_large_data_file_is_quoted_in_diagnostics_as_a_small_one_is() {
    let workdir = Workdir::with_data("base");
    std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
    let relations = include_str!("../fixtures/base-relations.json").replacen(
        "\"from\": \"alliance\"",
        "\"from\": \"aliance\"",
        1,
    );
    let report = |text: &str| {
        workdir.write("data/relations.json", text);
        let text_report = workdir.kg(&["validate"]);
        assert_eq!(
            text_report.status.code(),
            Some(1),
            "{}",
            stderr(&text_report)
        );
        let json_report = workdir.kg(&["validate", "--format", "json"]);
        let mut json: serde_json::Value = serde_json::from_str(&stdout(&json_report)).unwrap();
        // Lines and columns are compared; byte offsets move with the padding.
        for label in json["diagnostics"][0]["labels"].as_array_mut().unwrap() {
            let label = label.as_object_mut().unwrap();
            assert!(label.remove("byte_start").is_some() && label.remove("byte_end").is_some());
        }
        (stderr(&text_report), json)
    };
    let small = report(&relations);
    assert!(small.0.contains("did you mean `alliance`"), "{}", small.0);
    assert!(small.0.contains("\"from\": \"aliance\""), "{}", small.0);
    // Padded on its first line, so that the error's line is the same.
    let large = report(&relations.replacen('[', &format!("[{}", " ".repeat(64 * 1024)), 1));
    assert_eq!(small, large);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Loads the base fixture with one file replaced by `contents`; any
    /// outcome but a panic is fine.
    fn load_with(file: &str, contents: &[u8]) {
        let workdir = Workdir::with_data("base");
        std::fs::write(workdir.path().join("data").join(file), contents).unwrap();
        let _ = kgraph::load(&workdir.path().join("data"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            load_with("entities.toml", &bytes);
            load_with("relations.json", &bytes);
        }

        /// Text made of the syntax's own characters reaches deeper than
        /// random bytes.
        #[test]
        fn on_toml_and_json_shaped_text(text in "[\\[\\]{}=\",:.a-z0-9 \\n\\\\u{1F680}\u{0}-\u{1f}]{0,200}") {
            load_with("entities.toml", text.as_bytes());
            load_with("relations.toml", text.as_bytes());
            load_with("relations.json", text.as_bytes());
            load_with("schema.toml", text.as_bytes());
            load_with("sources/memo.toml", text.as_bytes());
        }

        /// Quotes of any content, and pieces of the source with something
        /// else around them, are located or reported, never a panic.
        #[test]
        fn on_arbitrary_quotes(
            random in "\\PC{0,60}",
            start in 0usize..220,
            length in 0usize..80,
            tail in "\\PC{0,8}",
        ) {
            let text = std::fs::read_to_string(fixtures().join("base/sources/memo.txt")).unwrap();
            let chars: Vec<char> = text.chars().collect();
            let start = start.min(chars.len());
            let piece: String = chars[start..(start + length).min(chars.len())].iter().collect();
            for quote in [random, format!("{piece}{tail}"), format!("{tail}{piece}")] {
            let relations = format!(
                "[[relation]]\nfrom = \"kingdom\"\ntype = \"withdraws_from\"\nto = \"alliance\"\nmodality = \"proposed\"\n[[relation.evidence]]\nsource = \"memo\"\nquote = {}\n",
                serde_json::to_string(&quote).unwrap()
            );
            load_with("relations.toml", relations.as_bytes());
            }
        }
    }
}

/// `kg validate --format json` on every invalid fixture: one JSON document
/// on stdout, every diagnostic with a code and a primary span, the same
/// exit status as the text output.
#[test]
fn json_diagnostics_carry_a_code_and_a_span_for_every_invalid_fixture() {
    let root = fixtures().join("invalid");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let case = entry.unwrap().path();
        if !case.is_dir() {
            continue;
        }
        let workdir = prepare_case(&case);
        let run = |args: &[&str]| {
            output_within(kg_command(workdir.path(), args), Duration::from_secs(60))
                .expect("kg validate finishes")
        };
        let text = run(&["validate"]);
        let json = run(&["validate", "--format", "json"]);
        assert_eq!(json.status.code(), text.status.code(), "{}", case.display());
        let Ok(document) = serde_json::from_str::<serde_json::Value>(&stdout(&json)) else {
            // A data directory that cannot be read at all is an I/O error
            // before any diagnostic, reported on stderr.
            assert_eq!(json.status.code(), Some(2), "{}", case.display());
            continue;
        };
        assert_eq!(document["valid"], false, "{}", case.display());
        let diagnostics = document["diagnostics"].as_array().unwrap();
        assert!(!diagnostics.is_empty(), "{}", case.display());
        for diagnostic in diagnostics {
            assert!(
                diagnostic["code"].is_string(),
                "{}: {diagnostic}",
                case.display()
            );
            if let Some(primary) = diagnostic["labels"].as_array().unwrap().first() {
                assert!(primary["line"].as_u64().unwrap() >= 1, "{diagnostic}");
                assert!(
                    primary["file"].as_str().unwrap().starts_with("data"),
                    "{diagnostic}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 25, "{checked}");
}

#[test]
fn validate_counts_the_warnings_build_counts() {
    let workdir = Workdir::with_data("coverage");
    let validated = workdir.kg(&["validate"]);
    assert!(validated.status.success(), "{}", stderr(&validated));
    let built = workdir.kg(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let count = |text: &str| {
        let start = text.find(" (").expect("a warning count") + 2;
        let end = start + text[start..].find(" warning").expect("a warning count");
        text[start..end]
            .parse::<usize>()
            .expect("a number of warnings")
    };
    let validated = stdout(&validated);
    let built = stdout(&built);
    assert!(count(&validated) > 0, "{validated}");
    assert_eq!(count(&validated), count(&built), "{validated}{built}");
    // The JSON counts what the text counts: validation's warnings (listed)
    // and the lint's (counted, as `kg lint` lists them).
    let json = workdir.kg(&["validate", "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["warnings"], count(&validated), "{json}");
    let listed = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["severity"] == "warning")
        .count();
    let linted = workdir.kg(&["lint", "--format", "json"]);
    let linted: serde_json::Value = serde_json::from_str(&stdout(&linted)).unwrap();
    assert_eq!(
        json["lint_warnings"],
        linted["warnings"].as_u64().unwrap() as usize - listed
    );
    assert_eq!(
        json["warnings"].as_u64().unwrap() as usize,
        listed + json["lint_warnings"].as_u64().unwrap() as usize,
        "{json}"
    );
}

/// The "did you mean" of an unknown name is a field of its own in JSON,
/// not part of the message, so that an editor can offer it as a fix.
#[test]
fn json_diagnostics_give_the_suggestion_as_a_field() {
    let workdir = prepare_case(&fixtures().join("invalid/unknown-entity"));
    let json = output_within(
        kg_command(workdir.path(), &["validate", "--format", "json"]),
        Duration::from_secs(60),
    )
    .expect("kg validate finishes");
    assert_eq!(json.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let unknown: Vec<(&str, &str)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unknown-entity")
        .map(|d| {
            (
                d["message"].as_str().unwrap(),
                d["suggestion"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [
            ("unknown entity `kingdon`", "kingdom"),
            ("unknown entity `Alliance`", "alliance")
        ]
    );
}
