//! Every example in every `--help` runs, as the README's console blocks
//! do: in a scratch copy of the repository's corpus, with `kg` on the
//! `PATH`, each through `bash -o pipefail` so that a pipe fails with `kg`.

use std::path::Path;
use std::process::Command;

use crate::common::{Workdir, copy_dir, kg_command, repo, stderr, stdout};

/// Examples that cannot run in a test, each with the reason; a trailing
/// `*` excepts every example that starts so.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "kg build --watch",
        "runs until interrupted (tests/integration/watch.rs drives it)",
    ),
    (
        "kg source add ...",
        "elides its arguments; `kg source add --help` shows them all",
    ),
    (
        "kg init",
        "the scratch directory already holds a corpus, which kg init must refuse",
    ),
    ("kg completions *", "writes into the home directory"),
    (
        "kg import csv *",
        "needs the curator's own sheets (tests/integration/import.rs imports sheets)",
    ),
];

/// Examples that draw with Graphviz: run by [`every_help_example_that_draws_works`].
fn draws(example: &str) -> bool {
    example.contains("kg render") || example.contains("| dot ")
}

fn excepted(example: &str) -> bool {
    EXCEPTIONS
        .iter()
        .any(|(pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => example.starts_with(prefix),
            None => example == *pattern,
        })
}

/// Every subcommand path, as `kg help` lists them.
const COMMANDS: &[&str] = &[
    "",
    "build",
    "validate",
    "export",
    "coverage",
    "lint",
    "render",
    "query neighbors",
    "query path",
    "query subgraph",
    "explain",
    "stats",
    "diff",
    "fmt",
    "import csv",
    "init",
    "source add",
    "source rehash",
    "completions",
];

/// The example command lines of `kg COMMAND --help`: the lines of its
/// "Examples:" paragraph that start with `kg` or `cd`, continuation lines
/// (after a `\`) joined, comments (after two spaces) cut.
fn examples(command: &str) -> Vec<String> {
    let mut args: Vec<&str> = command.split_whitespace().collect();
    args.push("--help");
    let help = stdout(&kg_command(Path::new("."), &args).output().unwrap());
    let mut lines = help
        .lines()
        .skip_while(|line| *line != "Examples:")
        .skip(1)
        .take_while(|line| !line.is_empty());
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        let line = line.trim_start();
        if !(line.starts_with("kg ") || line.starts_with("cd ")) {
            continue; // a line of output shown under an example
        }
        let mut example = line.to_owned();
        while let Some(head) = example.strip_suffix('\\') {
            let next = lines.next().expect("a continuation line").trim_start();
            example = format!("{head}{next}");
        }
        let example = match example.find("  ") {
            Some(comment) => example[..comment].to_owned(),
            None => example,
        };
        found.push(example.trim_end().to_owned());
    }
    assert!(!found.is_empty(), "`kg {command} --help` shows no example");
    found
}

/// A scratch directory as the examples expect it: the corpus in `data/`
/// and `corpus/`, its build in `output/`, an older copy in `old/`, two
/// sides `a` and `b` to compare, a text to add, and a git repository
/// whose `HEAD` and `main` hold the corpus.
fn scratch() -> Workdir {
    let workdir = Workdir::new();
    let data = repo().join("data");
    for target in ["data", "corpus", "old/data", "a", "b"] {
        copy_dir(&data, &workdir.path().join(target));
    }
    let built = workdir.kg(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    std::fs::copy(
        workdir.path().join("output/graph.json"),
        workdir.path().join("old/graph.json"),
    )
    .unwrap();
    workdir.write("article.txt", "Bridges carry roads over rivers.\n");
    for git in [
        &["init", "-q", "-b", "main"][..],
        &["add", "data", "corpus"],
        &[
            "-c",
            "user.name=kg",
            "-c",
            "user.email=kg@example.org",
            "commit",
            "-qm",
            "corpus",
        ],
    ] {
        let status = Command::new("git")
            .args(git)
            .current_dir(workdir.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {git:?}");
    }
    workdir
}

/// Runs the examples `select` picks, in order, in one scratch directory.
fn run_examples(select: impl Fn(&str) -> bool) -> usize {
    let workdir = scratch();
    let bin = Path::new(env!("CARGO_BIN_EXE_kg")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut seen = std::collections::BTreeSet::new();
    for command in COMMANDS {
        for example in examples(command) {
            // Shown in `kg --help` and again in the command's own help:
            // run once (`kg init my-corpus` refuses a second time).
            if excepted(&example) || !select(&example) || !seen.insert(example.clone()) {
                continue;
            }
            let output = Command::new("bash")
                .args(["-o", "pipefail", "-c", &example])
                .current_dir(workdir.path())
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .output()
                .expect("bash runs");
            ran += 1;
            if !output.status.success() {
                failures.push(format!(
                    "`{example}` (in `kg {command} --help`): {}\n{}",
                    output.status,
                    stderr(&output)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    ran
}

#[test]
fn every_help_example_works() {
    let ran = run_examples(|example| !draws(example));
    assert!(ran >= 40, "only {ran} examples ran");
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn every_help_example_that_draws_works() {
    crate::common::dot();
    // `cd my-corpus && kg render` needs the corpus `kg init my-corpus` makes.
    let ran = run_examples(|example| draws(example) || example == "kg init my-corpus");
    assert!(ran >= 8, "only {ran} examples ran");
}

#[test]
fn every_exception_names_an_example_that_exists() {
    let all: Vec<String> = COMMANDS
        .iter()
        .flat_map(|command| examples(command))
        .collect();
    for (pattern, reason) in EXCEPTIONS {
        let prefix = pattern.trim_end_matches('*');
        assert!(
            all.iter()
                .any(|example| example.starts_with(prefix) && excepted(example)),
            "no example matches `{pattern}` (excepted because it {reason})"
        );
    }
}
