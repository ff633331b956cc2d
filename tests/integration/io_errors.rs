//! Bad surroundings: unwritable outputs, huge or odd files, closed pipes.
//! Each gets a clear message and the documented exit code, never a panic.

use std::io::Read;
use std::process::Stdio;

use crate::common::{Workdir, kg_command, stderr};

fn assert_no_panic(output: &std::process::Output) {
    assert!(
        !stderr(output).contains("panicked"),
        "kg panicked:\n{}",
        stderr(output)
    );
}

#[test]
fn an_output_directory_that_is_a_file_is_an_io_error() {
    let workdir = Workdir::with_data("base");
    workdir.write("output", "I am a file");
    let output = workdir.kg(&["build"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("error: cannot create output directory `output`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(workdir.read("output"), "I am a file");
}

#[test]
fn an_unwritable_output_directory_is_an_io_error() {
    // /proc refuses new files even to root, unlike a chmod-ed directory.
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["build", "--out", "/proc/kgraph-test"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/proc/kgraph-test"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_data_file_that_is_a_directory_is_an_io_error() {
    let workdir = Workdir::with_data("base");
    std::fs::remove_file(workdir.path().join("data/entities.toml")).unwrap();
    std::fs::create_dir(workdir.path().join("data/entities.toml")).unwrap();
    let output = workdir.kg(&["validate"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read `data/entities.toml`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_100_mb_file_gets_a_clear_message() {
    let workdir = Workdir::with_data("base");
    // 100 MB of a valid-looking start and then bytes that are not UTF-8.
    let mut bytes = b"[[entity]]\nid = \"x\"\nlabel = \"".to_vec();
    bytes.resize(100 * 1024 * 1024, b'a');
    bytes[50 * 1024 * 1024] = 0xff;
    workdir.write("data/entities.toml", bytes);
    let output = workdir.kg(&["validate"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`data/entities.toml` is not valid UTF-8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_closed_pipe_ends_kg_quietly() {
    let workdir = Workdir::with_data("hostile");
    // Every command that writes to stdout.
    for args in [
        &["export", "--format", "json"][..],
        &["completions", "bash"][..],
        &["validate"][..],
        &["query", "neighbors", "node", "--depth", "3"][..],
        &["query", "path", "quotes", "markup", "--all", "--json"][..],
        &["query", "subgraph", "node", "--format", "dot"][..],
        &["explain", "quotes", "unicode"][..],
        &["stats"][..],
        &["coverage"][..],
        &["coverage", "--format", "json"][..],
        &["lint"][..],
    ] {
        let mut child = kg_command(workdir.path(), args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closing our end before kg writes makes its first write fail.
        drop(child.stdout.take());
        let mut errors = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut errors)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!errors.contains("panicked"), "{args:?}: {errors}");
        assert_eq!(status.code(), Some(0), "{args:?}: {errors}");
    }
}

#[test]
fn a_symbolic_link_that_stays_inside_the_data_directory_is_followed() {
    let workdir = Workdir::with_data("base");
    let data = workdir.path().join("data");
    std::fs::rename(
        data.join("entities.toml"),
        data.join("curated-entities.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("curated-entities.toml", data.join("entities.toml")).unwrap();
    std::fs::rename(data.join("sources/memo.txt"), data.join("memo.txt")).unwrap();
    std::os::unix::fs::symlink("../memo.txt", data.join("sources/memo.txt")).unwrap();
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn kg_fmt_does_not_follow_a_link_out_of_the_data_directory() {
    let workdir = Workdir::with_data("base");
    workdir.write("secret.env", "PASSWORD=hunter2\n");
    let data = workdir.path().join("data");
    std::fs::remove_file(data.join("entities.toml")).unwrap();
    std::os::unix::fs::symlink("../secret.env", data.join("entities.toml")).unwrap();
    let output = workdir.kg(&["fmt", "--check"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("cannot read `data/entities.toml`: it leads out of the data directory"),
        "{}",
        stderr(&output)
    );
}
