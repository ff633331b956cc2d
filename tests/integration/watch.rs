//! `kg build --watch`: builds, then builds again on every change under
//! data/, printing the summary or the diagnostics each time.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{Workdir, kg_command};

/// Generous: only a hang should reach it.
const PATIENCE: Duration = Duration::from_secs(60);

/// Lines from the watcher's stdout and stderr, in arrival order.
struct Watch {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(workdir: &Workdir) -> Watch {
        let mut child = kg_command(workdir.path(), &["build", "--watch"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kg runs");
        let (sender, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watch { child, lines }
    }

    /// Every line until one that starts with `prefix`, which is returned last.
    fn until(&self, prefix: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(PATIENCE)
                .unwrap_or_else(|_| panic!("no line starting `{prefix}` after {seen:#?}"));
            let found = line.starts_with(prefix);
            seen.push(line);
            if found {
                return seen;
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_on_each_change_and_reports_invalid_data_without_stopping() {
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    let watch = Watch::start(&workdir);
    let first = watch.until("built 2 entities, 1 relation, 1 source");
    assert!(
        first[0].starts_with("watching `data` for changes"),
        "{first:?}"
    );

    let entities = workdir.read("data/entities.toml");
    workdir.write(
        "data/entities.toml",
        entities.replace("kind = \"artifact\"", "kind = \"artefact\""),
    );
    let broken = watch.until("error: the data has");
    assert!(
        broken
            .iter()
            .any(|line| line.contains("unknown kind `artefact` (did you mean `artifact`?)")),
        "{broken:#?}"
    );

    workdir.write(
        "data/entities.toml",
        entities
            + "\n[[entity]]\nid = \"charles-babbage\"\nlabel = \"Charles Babbage\"\nkind = \"person\"\n",
    );
    watch.until("built 3 entities, 1 relation, 1 source");
}
