//! The commands the README and docs/ show are run, and their output
//! checked. A ```` ```console ```` block is a terminal session: each `$ `
//! line is a command (a line ending in `<<'EOF'` continues to the line
//! `EOF`), the lines after it are what it prints, stdout and stderr
//! together. Each block runs in one `sh`, so `cd` carries over, in a
//! scratch directory holding a copy of the repository's `data/` and
//! `output/`, with the `kg` under test first on the `PATH`.
//! `KG_BLESS=1 cargo test` rewrites the outputs.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::common::{Workdir, copy_dir, dot, repo};

const FENCE: &str = "```console";
/// Printed between commands to split the session's output.
const MARKER: &str = "\u{1e}kg-docs-step";

struct Step {
    command: String,
    output: String,
}

struct Block {
    /// Lines of the file inside the fence.
    lines: std::ops::Range<usize>,
    steps: Vec<Step>,
}

fn parse(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if lines[index].trim_end() != FENCE {
            index += 1;
            continue;
        }
        let start = index + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].starts_with("```") {
            end += 1;
        }
        let mut steps: Vec<Step> = Vec::new();
        let mut line = start;
        while line < end {
            if let Some(command) = lines[line].strip_prefix("$ ") {
                let mut command = command.to_owned();
                if command.trim_end().ends_with("<<'EOF'") {
                    while line + 1 < end {
                        line += 1;
                        command.push('\n');
                        command.push_str(lines[line]);
                        if lines[line] == "EOF" {
                            break;
                        }
                    }
                }
                steps.push(Step {
                    command,
                    output: String::new(),
                });
            } else {
                let step = steps
                    .last_mut()
                    .unwrap_or_else(|| panic!("output before any command at line {}", line + 1));
                step.output.push_str(lines[line]);
                step.output.push('\n');
            }
            line += 1;
        }
        blocks.push(Block {
            lines: start..end,
            steps,
        });
        index = end + 1;
    }
    blocks
}

/// Runs a block's commands in one shell; the output of each.
fn run(block: &Block) -> Vec<String> {
    let workdir = Workdir::new();
    copy_dir(&repo().join("data"), &workdir.path().join("data"));
    copy_dir(&repo().join("output"), &workdir.path().join("output"));
    // A snapshot left by a local `kg build` (perhaps by a release binary,
    // which the debug one under test does not trust) would add a note to
    // what the docs show: the docs describe a fresh checkout.
    let _ = std::fs::remove_dir_all(workdir.path().join("output/.kg"));
    let mut script = String::new();
    for step in &block.steps {
        script.push_str(&format!(
            "printf '%s\\n' '{MARKER}'\n{{\n{}\n}} 2>&1\n",
            step.command
        ));
    }
    let kg = PathBuf::from(env!("CARGO_BIN_EXE_kg"));
    let path = std::env::join_paths(std::iter::once(kg.parent().unwrap().to_owned()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(workdir.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "A. Curator")
        .env("GIT_AUTHOR_EMAIL", "curator@example.org")
        .env("GIT_COMMITTER_NAME", "A. Curator")
        .env("GIT_COMMITTER_EMAIL", "curator@example.org")
        .output()
        .expect("sh runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut outputs: Vec<String> = text
        .split(&format!("{MARKER}\n"))
        .map(str::to_owned)
        .collect();
    assert_eq!(outputs.remove(0), "", "output before the first command");
    assert_eq!(outputs.len(), block.steps.len(), "{text}");
    outputs
}

fn needs_graphviz(block: &Block) -> bool {
    block
        .steps
        .iter()
        .any(|step| step.command.contains("kg render"))
}

/// Checks (or with `KG_BLESS`, rewrites) every console block of a file.
fn check_file(relative: &str) -> usize {
    let path = repo().join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let blocks = parse(&text);
    let mut rebuilt: Vec<String> = Vec::new();
    let mut next = 0;
    let mut stale = Vec::new();
    for block in &blocks {
        rebuilt.extend(lines[next..block.lines.start].iter().map(|l| l.to_string()));
        next = block.lines.end;
        if needs_graphviz(block) {
            // Fails with the install hint if Graphviz is missing.
            dot();
        }
        let started = Instant::now();
        let outputs = run(block);
        eprintln!(
            "{relative}:{}: `$ {}` and {} more commands ran in {:.2} s",
            block.lines.start,
            block.steps[0].command,
            block.steps.len() - 1,
            started.elapsed().as_secs_f64()
        );
        for (step, actual) in block.steps.iter().zip(outputs) {
            if step.output != actual {
                stale.push(format!(
                    "{relative}: `$ {}`\n--- shown\n{}--- actual\n{actual}",
                    step.command, step.output
                ));
            }
            rebuilt.push(format!("$ {}", step.command));
            rebuilt.extend(actual.lines().map(str::to_owned));
        }
    }
    rebuilt.extend(lines[next..].iter().map(|l| l.to_string()));
    if std::env::var_os("KG_BLESS").is_some() {
        std::fs::write(&path, rebuilt.join("\n") + "\n").unwrap();
    } else {
        assert!(
            stale.is_empty(),
            "{} (run KG_BLESS=1 cargo test to accept)",
            stale.join("\n")
        );
    }
    blocks.len()
}

fn documents() -> Vec<String> {
    let mut documents = vec!["README.md".to_owned()];
    let mut docs: Vec<String> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    docs.sort();
    documents.extend(docs);
    documents
}

#[test]
fn every_console_block_of_the_docs_prints_what_it_shows() {
    let blocks: usize = documents()
        .iter()
        .filter(|document| document.as_str() != "README.md")
        .map(|document| check_file(document))
        .sum();
    assert!(blocks >= 3, "only {blocks} console blocks in docs/");
}

/// The README's sessions, "Your first corpus" among them: from `kg init` to
/// a rendered picture, run end to end.
#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn every_console_block_of_the_readme_prints_what_it_shows() {
    let blocks = check_file("README.md");
    assert!(blocks >= 3, "only {blocks} console blocks in the README");
}

/// A `kg` command in a shell block would go unchecked: show it as a
/// console session instead.
#[test]
fn no_kg_command_is_shown_outside_a_console_block() {
    let mut unchecked = Vec::new();
    for document in documents() {
        let text = std::fs::read_to_string(repo().join(&document)).unwrap();
        let mut fence: Option<&str> = None;
        for (number, line) in text.lines().enumerate() {
            if let Some(info) = line.strip_prefix("```") {
                fence = match fence {
                    None => Some(info.trim()),
                    Some(_) => None,
                };
                continue;
            }
            let shell = matches!(fence, Some("sh" | "bash" | "shell" | ""));
            if shell && (line.starts_with("kg ") || line.starts_with("$ kg ")) {
                unchecked.push(format!("{document}:{}: {line}", number + 1));
            }
        }
    }
    assert!(unchecked.is_empty(), "{}", unchecked.join("\n"));
}

/// Every command and subcommand explains itself with examples.
#[test]
fn every_command_help_has_examples() {
    let commands: &[&[&str]] = &[
        &["init"],
        &["source"],
        &["source", "add"],
        &["source", "rehash"],
        &["diff"],
        &["fmt"],
        &["import"],
        &["import", "csv"],
        &["build"],
        &["validate"],
        &["export"],
        &["render"],
        &["query"],
        &["explain"],
        &["stats"],
        &["coverage"],
        &["lint"],
    ];
    let mut missing = Vec::new();
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = crate::common::kg_command(&repo(), &args)
            .output()
            .expect("kg runs");
        let help = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || !help.contains("Examples:") {
            missing.push(command.join(" "));
        }
    }
    assert!(
        missing.is_empty(),
        "no examples in the help of: {missing:?}"
    );
}
