//! `kg build`: golden outputs for the valid fixtures, `--check`, and
//! `kg export`.

use kgraph::Format;

use crate::common::{Workdir, assert_golden, fixtures, stderr, stdout};

fn build_fixture(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    workdir
}

#[test]
fn valid_fixtures_build_their_golden_files_in_every_format() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = build_fixture(fixture);
        // Parquet is binary: its readers (DuckDB, Kùzu, Spark) check what it
        // holds, and tests/integration/determinism.rs its stable bytes.
        let text_formats = Format::ALL.into_iter().filter(|f| !f.is_directory());
        for file in text_formats.map(Format::file_name) {
            let golden = fixtures().join("expected").join(fixture).join(file);
            assert_golden(&golden, &workdir.read(&format!("output/{file}")));
        }
    }
}

#[test]
fn build_prints_a_one_line_summary() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["build"]);
    let files: Vec<String> = Format::ALL
        .iter()
        .flat_map(|format| {
            if format.is_directory() {
                kgraph::export::PARQUET_TABLES
                    .map(|table| format!("output/{}/{table}", format.file_name()))
                    .to_vec()
            } else {
                vec![format!("output/{}", format.file_name())]
            }
        })
        .collect();
    assert_eq!(
        stdout(&output),
        format!(
            "built 4 entities, 5 relations, 1 source -> {}\n",
            files.join(", ")
        )
    );
}

#[test]
fn check_passes_on_fresh_output_and_names_each_stale_file() {
    let workdir = build_fixture("base");
    let fresh = workdir.kg(&["build", "--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));

    workdir.write("output/graph.json", "{}");
    std::fs::remove_file(workdir.path().join("output/graph.dot")).unwrap();
    let stale = workdir.kg(&["build", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let message = stderr(&stale);
    assert!(message.contains("stale: `output/graph.dot`"), "{message}");
    assert!(message.contains("stale: `output/graph.json`"), "{message}");
    // --check never writes.
    assert_eq!(workdir.read("output/graph.json"), "{}");
    assert!(!workdir.path().join("output/graph.dot").exists());
}

#[test]
fn invalid_data_writes_nothing_and_keeps_the_previous_output() {
    let workdir = build_fixture("base");
    let before = workdir.read("output/graph.json");
    workdir.write("data/entities.toml", "[[entity]]\nid = \"x\"\n");
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(workdir.read("output/graph.json"), before);
    let leftovers: Vec<_> = std::fs::read_dir(workdir.path().join("output"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".kg")
        .collect();
    assert_eq!(leftovers.len(), Format::ALL.len(), "{leftovers:?}");
}

#[test]
fn export_writes_one_format_to_stdout_or_to_a_file_named_by_extension() {
    let workdir = build_fixture("base");
    let to_stdout = workdir.kg(&["export", "--format", "dot"]);
    assert_eq!(stdout(&to_stdout), workdir.read("output/graph.dot"));
    let to_file = workdir.kg(&["export", "-o", "copy.gv"]);
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    assert_eq!(workdir.read("copy.gv"), workdir.read("output/graph.dot"));
    let unknown = workdir.kg(&["export", "--format", "svgz"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("invalid value 'svgz' for '--format <FORMAT>'"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn every_command_has_help_with_examples_and_completions_generate() {
    let workdir = Workdir::new();
    for command in ["build", "validate", "export", "completions"] {
        let output = workdir.kg(&[command, "--help"]);
        assert!(output.status.success());
        assert!(
            stdout(&output).contains("Examples:"),
            "{command} --help has no examples"
        );
    }
    let bash = workdir.kg(&["completions", "bash"]);
    assert!(bash.status.success());
    assert!(stdout(&bash).contains("kg"), "{}", stdout(&bash));
}

#[test]
fn the_formats_come_from_the_flag_else_the_project_file_else_all() {
    let workdir = Workdir::with_data("base");
    let written = |workdir: &Workdir| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(workdir.path().join("output"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            // The snapshot for questions, not an export.
            .filter(|name| name != ".kg")
            .collect();
        names.sort();
        std::fs::remove_dir_all(workdir.path().join("output")).unwrap();
        names
    };
    assert!(workdir.kg(&["build", "--formats", "json"]).status.success());
    assert_eq!(written(&workdir), ["graph.json"]);
    workdir.write("kgraph.toml", "[build]\nformats = [\"dot\"]\n");
    assert!(workdir.kg(&["build"]).status.success());
    assert_eq!(written(&workdir), ["graph.dot"]);
    // --check follows the same choice.
    assert!(workdir.kg(&["build"]).status.success());
    assert!(workdir.kg(&["build", "--check"]).status.success());
    written(&workdir);
    workdir.write("kgraph.toml", "[build]\nformats = [\"dott\"]\n");
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown format `dott`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn export_writes_the_selected_part_of_the_graph() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&[
        "export",
        "--format",
        "json",
        "--focus",
        "the Accord",
        "--modality",
        "historical",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let nodes: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["alliance", "harbour-accord", "republic"]);
    assert_eq!(json["edges"].as_array().unwrap().len(), 2);
}

#[test]
fn progress_is_silent_on_a_pipe_and_phases_are_timed_with_verbose() {
    let workdir = Workdir::with_data("base");
    // stderr is a pipe here: no bar, no escape sequence, nothing at all.
    let quiet = workdir.kg(&["build"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "");
    let verbose = workdir.kg(&["-v", "build"]);
    assert_eq!(verbose.status.code(), Some(0), "{}", stderr(&verbose));
    let verbose = stderr(&verbose);
    let phases: Vec<&str> = verbose
        .lines()
        .filter_map(|line| line.strip_prefix("phase: "))
        .map(|phase| phase.rsplitn(3, ' ').nth(2).unwrap_or(phase))
        .collect();
    assert_eq!(
        phases,
        [
            "fingerprint inputs",
            "load and validate",
            "count mentions",
            "lint",
            "write"
        ],
        "{verbose}"
    );
}

/// On a terminal (a pseudo-terminal from util-linux `script`, which every
/// Debian has: package bsdutils is essential), the phases draw their bars,
/// and --quiet turns them off.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs util-linux `script` for a pseudo-terminal"
)]
fn progress_is_drawn_on_a_terminal_unless_quiet() {
    let workdir = Workdir::with_data("base");
    let script = std::process::Command::new("script")
        .arg("--version")
        .output();
    assert!(
        script.is_ok(),
        "util-linux `script` is missing (apt-get install bsdutils)"
    );
    let on_terminal = |args: &str| {
        let output = std::process::Command::new("script")
            .args(["-q", "-e", "-c"])
            .arg(format!("{} {args}", env!("CARGO_BIN_EXE_kg")))
            .arg("/dev/null")
            .current_dir(workdir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    assert!(
        on_terminal("build").contains("writing 0/"),
        "{}",
        on_terminal("build")
    );
    assert!(!on_terminal("--quiet build").contains("writing"));
}
