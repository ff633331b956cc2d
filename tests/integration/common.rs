//! Helpers shared by the integration tests: running `kg` in a scratch
//! directory, golden files, and finding the real consumer programs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// A scratch directory in which `kg` runs, removed when dropped.
pub(crate) struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub(crate) fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A scratch directory holding a copy of a fixture as `data/`.
    pub(crate) fn with_data(fixture: &str) -> Workdir {
        let workdir = Workdir::new();
        copy_dir(&fixtures().join(fixture), &workdir.path().join("data"));
        workdir
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative))
            .unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
    }

    /// `kg ARGS` run in this directory, without colours.
    pub(crate) fn kg(&self, args: &[&str]) -> Output {
        kg_command(self.path(), args).output().expect("kg runs")
    }
}

pub(crate) fn kg_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kg"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    command
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let file_type = entry.file_type().unwrap();
        if file_type.is_symlink() {
            // Fixtures about links keep them links, pointing where they did.
            let _ = std::fs::remove_file(&target);
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if file_type.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `command` to its end, or kills it after `limit` and returns `None`:
/// a test of something that used to hang fails instead of hanging.
pub(crate) fn output_within(mut command: Command, limit: std::time::Duration) -> Option<Output> {
    use std::io::Read;
    use std::process::Stdio;
    use wait_timeout::ChildExt;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kg runs");
    // Drained while waiting, so a long output cannot fill a pipe and stall.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let Some(status) = child.wait_timeout(limit).unwrap() else {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    Some(Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    })
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Compares `actual` with the golden file, or rewrites the golden file when
/// `KG_BLESS=1` is set.
pub(crate) fn assert_golden(golden: &Path, actual: &str) {
    if std::env::var_os("KG_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(golden, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_else(|error| {
        panic!(
            "cannot read golden file {}: {error} (run with KG_BLESS=1 to create it)",
            golden.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from the output (run with KG_BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            golden.display()
        );
    }
}

/// True when running in CI, where every consumer must be present.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// True when `KG_WITHOUT_CONSUMERS=1` asks to run as on a machine with
/// only Rust: every consumer then counts as missing, which shows that each
/// test needing one is ignored by default (`cargo test` must stay green).
pub(crate) fn consumers_withheld() -> bool {
    std::env::var_os("KG_WITHOUT_CONSUMERS").is_some_and(|value| value == "1")
}

/// Fails a test whose consumer is missing. Every test that needs a
/// consumer is `#[ignore = "needs ..."]`, so that `cargo test` reports it
/// as ignored, never as passed; it runs with `cargo test -- --include-ignored`
/// (as CI does), and then its consumer must be there.
pub(crate) fn missing_consumer(what: &str) -> ! {
    panic!(
        "{what} is missing{}: install it, or run without --include-ignored \
         (tests that need a consumer are ignored by default)",
        if in_ci() { " (CI=true)" } else { "" }
    );
}

/// `path` if it is there (and consumers are not withheld), else a failure
/// naming `what`.
pub(crate) fn consumer(path: Option<PathBuf>, what: &str) -> PathBuf {
    match path {
        Some(path) if !consumers_withheld() => path,
        _ => missing_consumer(what),
    }
}

/// The Python with the pinned consumer packages: `KG_PYTHON`, else the
/// repository's `.venv`; a failure with the install hint if it is missing.
pub(crate) fn python() -> PathBuf {
    let candidate = std::env::var_os("KG_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    consumer(
        candidate.exists().then_some(candidate),
        "the consumer venv (.venv, see tests/consumers/requirements.txt)",
    )
}

/// Runs a consumer script from `tests/consumers` with the given arguments
/// and returns its stdout; panics with its stderr if it fails.
pub(crate) fn run_consumer(script: &str, args: &[&Path]) -> String {
    run_script(&python(), script, args)
}

/// The Python 3.12 with the consumers that need it (FalkorDB's
/// falkordblite): `KG_PYTHON312`, else the repository's `.venv312`; a
/// failure with the install hint if it is missing.
pub(crate) fn python312() -> PathBuf {
    let candidate = std::env::var_os("KG_PYTHON312")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv312/bin/python"));
    consumer(
        candidate.exists().then_some(candidate),
        "the Python 3.12 consumer venv (.venv312, see tests/consumers/requirements-py312.txt)",
    )
}

/// [`run_consumer`] with the Python 3.12 venv.
pub(crate) fn run_consumer_312(script: &str, args: &[&Path]) -> String {
    run_script(&python312(), script, args)
}

/// Runs `interpreter tests/consumers/SCRIPT ARGS`; its stdout, or a panic
/// with its output if it fails.
fn run_script(interpreter: &Path, script: &str, args: &[&Path]) -> String {
    let output = Command::new(interpreter)
        .arg(repo().join("tests/consumers").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{} does not run: {error}", interpreter.display()));
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// A program on the `PATH`, if there.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

/// Graphviz's `dot`; a failure with the install hint if it is missing.
pub(crate) fn dot() -> PathBuf {
    consumer(on_path("dot"), "Graphviz (`dot`)")
}

/// Runs a Node.js consumer script from `tests/consumers` (its packages
/// installed by `npm ci --prefix tests/consumers`) and returns its stdout;
/// panics with its stderr if it fails, or with the install hint if Node.js
/// or the packages are missing.
pub(crate) fn run_node_consumer(script: &str, args: &[&Path]) -> String {
    let consumers = repo().join("tests/consumers");
    let node = consumer(
        on_path("node").filter(|_| consumers.join("node_modules").is_dir()),
        "Node.js with tests/consumers/node_modules (npm ci --prefix tests/consumers)",
    );
    run_script(&node, script, args)
}

/// `kg ARGS` run in `dir`, as a terminal would show it: the command line,
/// stdout, stderr, then the exit status.
pub(crate) fn transcript(dir: &Path, args: &[&str]) -> String {
    let output = kg_command(dir, args).output().expect("kg runs");
    let text = format!(
        "$ kg {}\n{}{}[exit status: {}]\n",
        args.join(" "),
        stdout(&output),
        stderr(&output),
        output.status.code().unwrap_or(-1)
    );
    assert!(!text.contains("panicked"), "kg panicked:\n{text}");
    text
}

/// Compares a transcript with `tests/fixtures/expected/workflow/NAME`.
pub(crate) fn assert_workflow_golden(name: &str, actual: &str) {
    assert_golden(&fixtures().join("expected/workflow").join(name), actual);
}
