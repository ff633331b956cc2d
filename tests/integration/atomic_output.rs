//! How `kg build`, `kg export -o` and `kg render -o` write: the whole set of
//! a build or nothing, leftovers of interrupted builds reported and removed,
//! and special files (FIFOs, `/dev/stdout`) written into, not replaced.

use crate::common::{Workdir, kg_command, stderr, stdout};

fn built(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    workdir
}

/// Every file under `output/` (the snapshot in `.kg/` too) and its bytes.
fn output_files(workdir: &Workdir) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for directory in ["output", "output/.kg"] {
        for entry in std::fs::read_dir(workdir.path().join(directory)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let name = format!("{directory}/{}", entry.file_name().to_string_lossy());
                files.push((name, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_build_that_fails_half_way_keeps_every_previous_file() {
    let workdir = built("base");
    let before = output_files(&workdir);
    // Valid data that one format (Kùzu, whose table names ignore case)
    // refuses while the others write it.
    for file in ["data/schema.toml", "data/relations.toml"] {
        let text = workdir.read(file).replace("\"signed\"", "\"entity\"");
        workdir.write(file, text);
    }
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("collides with Kùzu"),
        "{}",
        stderr(&output)
    );
    assert_eq!(output_files(&workdir), before);
}

#[test]
fn check_reports_leftovers_of_an_interrupted_build_and_build_removes_them() {
    let workdir = built("base");
    workdir.write("output/.kg-Xy12ab.tmp", "half a graph");
    let check = workdir.kg(&["build", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains(
            "leftover: `output/.kg-Xy12ab.tmp` is a temporary file of an interrupted build"
        ),
        "{}",
        stderr(&check)
    );
    let build = workdir.kg(&["build"]);
    assert_eq!(build.status.code(), Some(0));
    assert!(
        stderr(&build).contains("note: removed 1 temporary file left by interrupted builds"),
        "{}",
        stderr(&build)
    );
    assert!(!workdir.path().join("output/.kg-Xy12ab.tmp").exists());
    assert!(workdir.kg(&["build", "--check"]).status.success());
}

#[test]
fn a_commit_cut_short_is_reported_then_finished_by_the_next_build() {
    let workdir = built("base");
    let fresh = output_files(&workdir);
    // What a kill between two renames of the commit leaves: the journal,
    // and a complete temporary file not yet renamed.
    workdir.write("output/graph.dot", "digraph old {}\n");
    workdir.write(
        "output/.kg-aaaaaa.tmp",
        &fresh
            .iter()
            .find(|(n, _)| n == "output/graph.dot")
            .unwrap()
            .1,
    );
    workdir.write("output/.kg-journal", ".kg-aaaaaa.tmp\tgraph.dot\n");
    let check = workdir.kg(&["build", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check)
            .contains("interrupted: `output/.kg-journal` names renames a build did not finish"),
        "{}",
        stderr(&check)
    );
    let build = workdir.kg(&["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(
        stderr(&build).contains("note: finished the renames"),
        "{}",
        stderr(&build)
    );
    // The snapshot's fingerprint may differ (which files were hashed).
    let exports = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(name, _)| !name.starts_with("output/.kg/"))
            .collect()
    };
    assert_eq!(exports(output_files(&workdir)), exports(fresh));
}

#[cfg(unix)]
#[test]
fn export_into_a_fifo_writes_through_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let workdir = built("base");
    let fifo = workdir.path().join("graph.pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let output = workdir.kg(&["export", "--format", "dot", "-o", "graph.pipe"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(reader.join().unwrap(), workdir.read("output/graph.dot"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let names: Vec<String> = std::fs::read_dir(workdir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn export_to_dev_stdout_writes_to_standard_output() {
    let workdir = built("base");
    let output = kg_command(
        workdir.path(),
        &["export", "--format", "json", "-o", "/dev/stdout"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), workdir.read("output/graph.json"));
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .unwrap()
            .is_symlink()
    );
}

#[test]
fn export_to_a_directory_is_an_io_error_naming_it() {
    let workdir = built("base");
    std::fs::create_dir(workdir.path().join("out.json")).unwrap();
    let output = workdir.kg(&["export", "-o", "out.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`out.json` is a directory"),
        "{}",
        stderr(&output)
    );
}
