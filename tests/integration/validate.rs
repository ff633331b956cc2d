//! Golden tests for validation: each case under `tests/fixtures/invalid`
//! overlays files on the valid `base` fixture (a `remove` file lists files
//! to delete), runs `kg validate`, and compares stderr and the exit status
//! with `expected.stderr`.

use std::path::Path;

use crate::common::{Workdir, assert_golden, copy_dir, fixtures, stderr, stdout};

fn run_case(case: &Path) -> String {
    let workdir = Workdir::with_data("base");
    let overlay = case.join("data");
    if overlay.exists() {
        copy_dir(&overlay, &workdir.path().join("data"));
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
    let output = workdir.kg(&["validate"]);
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
