//! The same error ends every command with the same exit code (README,
//! "Exit codes"; `kg --help`): each error below is run through every
//! command that can meet it.

use crate::common::{Workdir, copy_dir, fixtures, stderr};

/// Every command that reads the data directory, with arguments that would
/// succeed on the `base` fixture.
const READERS: &[&str] = &[
    "build",
    "build --check",
    "validate",
    "validate --format json",
    "lint",
    "lint --format json",
    "export --format json",
    "coverage",
    "render -o x.svg",
    "query neighbors kingdom",
    "query path kingdom republic",
    "query subgraph kingdom --format json",
    "explain kingdom republic",
    "stats",
    "source rehash memo",
];

/// Runs each command in `workdir` and checks its exit code; the failures
/// are collected, so that one run names every inconsistent command.
fn expect(workdir: &Workdir, commands: &[&str], extra: &[&str], code: i32, what: &str) {
    let mut wrong = Vec::new();
    for command in commands {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.extend(extra);
        let output = workdir.kg(&args);
        let text = stderr(&output);
        assert!(!text.contains("panicked"), "kg {}: {text}", args.join(" "));
        if output.status.code() != Some(code) {
            wrong.push(format!(
                "kg {}: exit {:?}, expected {code}: {}",
                args.join(" "),
                output.status.code(),
                text.lines().next().unwrap_or("")
            ));
        }
    }
    assert!(wrong.is_empty(), "{what}:\n{}", wrong.join("\n"));
}

#[test]
fn an_unknown_entity_exits_1_everywhere() {
    let workdir = Workdir::with_data("base");
    expect(
        &workdir,
        &[
            "query neighbors nosuch",
            "query path nosuch kingdom",
            "query path kingdom nosuch",
            "query subgraph nosuch --format json",
            "explain nosuch kingdom",
            "export --format json --focus nosuch",
            "export --format json --attributed-to nosuch",
            "render -o x.svg --focus nosuch",
            "query neighbors kingdom --attributed-to nosuch",
        ],
        &[],
        1,
        "unknown entity",
    );
}

#[test]
fn an_unknown_source_kind_or_type_exits_1_everywhere() {
    let workdir = Workdir::with_data("base");
    let commands = [
        "coverage",
        "query neighbors kingdom",
        "query subgraph kingdom --format json",
        "export --format json",
        "render -o x.svg",
    ];
    expect(
        &workdir,
        &commands,
        &["--source", "nosuch"],
        1,
        "unknown source",
    );
    expect(
        &workdir,
        &["source rehash nosuch"],
        &[],
        1,
        "unknown source",
    );
    let filtered = &commands[1..];
    expect(&workdir, filtered, &["--kind", "nosuch"], 1, "unknown kind");
    expect(&workdir, filtered, &["--type", "nosuch"], 1, "unknown type");
}

#[test]
fn an_unknown_format_is_a_usage_error_everywhere() {
    let workdir = Workdir::with_data("base");
    expect(
        &workdir,
        &[
            "export --format dott",
            "build --formats dott",
            "query subgraph kingdom --format dott",
            "render -o x.svg --format gif",
            "export -o graph.unknown",
            "coverage --format yaml",
            "validate --format yaml",
            "lint --format yaml",
            "diff data data --format yaml",
        ],
        &[],
        2,
        "unknown format",
    );
}

#[test]
fn a_misspelt_value_gets_a_did_you_mean_from_the_librarys_names() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["export", "--format", "dott"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a similar value exists: 'dot'"),
        "{}",
        stderr(&output)
    );
    let completions = workdir.kg(&["completions", "bash"]);
    let script = crate::common::stdout(&completions);
    assert!(
        script.contains("cypher-kuzu") && script.contains("sfdp"),
        "{script}"
    );
}

#[test]
fn a_missing_data_directory_exits_2_everywhere() {
    let workdir = Workdir::new();
    let mut commands = READERS.to_vec();
    commands.extend(["fmt", "fmt --check"]);
    expect(
        &workdir,
        &commands,
        &["--data", "nosuch"],
        2,
        "missing data",
    );
    expect(&workdir, &["diff nosuch data"], &[], 2, "missing data");
}

#[test]
fn invalid_data_exits_1_everywhere_but_in_diff() {
    let workdir = Workdir::with_data("base");
    copy_dir(
        &fixtures().join("invalid/duplicate-entity-id/data"),
        &workdir.path().join("data"),
    );
    expect(&workdir, READERS, &[], 1, "invalid data");
    // In `kg diff`, 1 says the sides differ, as in diff(1).
    expect(
        &workdir,
        &["diff data data"],
        &[],
        2,
        "invalid data in diff",
    );
    // Data that is not even TOML: `kg fmt` refuses it as invalid data.
    workdir.write("data/relations.toml", "[[relation]\n");
    expect(&workdir, &["fmt", "fmt --check"], &[], 1, "invalid TOML");
}

#[test]
fn an_unreadable_data_file_exits_2_everywhere() {
    let workdir = Workdir::with_data("base");
    let entities = workdir.path().join("data/entities.toml");
    std::fs::remove_file(&entities).unwrap();
    std::fs::create_dir(&entities).unwrap();
    let mut commands = READERS.to_vec();
    commands.extend(["fmt", "fmt --check", "diff data data"]);
    expect(&workdir, &commands, &[], 2, "unreadable file");
}

#[test]
fn a_walk_without_a_focus_is_a_usage_error_in_render_and_export() {
    let workdir = Workdir::with_data("base");
    let commands = ["export --format json", "render -o x.svg"];
    expect(&workdir, &commands, &["--depth", "2"], 2, "--depth alone");
    expect(
        &workdir,
        &commands,
        &["--direction", "in"],
        2,
        "--direction alone",
    );
    let output = workdir.kg(&["export", "--format", "json", "--depth", "2"]);
    assert!(
        stderr(&output)
            .contains("the following required arguments were not provided:\n  --focus <ENTITY>"),
        "{}",
        stderr(&output)
    );
    // The same bounds with a focus, and in `kg query`, are fine.
    expect(
        &workdir,
        &[
            "export --format json --focus kingdom",
            "query neighbors kingdom",
            "query subgraph kingdom --format json",
        ],
        &["--depth", "2", "--direction", "in"],
        0,
        "--depth and --direction with an entity",
    );
}
