//! Running Graphviz on our DOT, safely.
//!
//! Layout time grows fast with graph size (`dot` needed 11.5 s for 50 nodes
//! with edge labels and exhausted 24 GB at 5,000 nodes), so a render is
//! guarded three ways: a size check before starting that suggests a
//! cheaper engine or a focused view, a timeout, and a cap on the address
//! space of the Graphviz process. graphviz-rust's `exec` runs `dot` with
//! neither a timeout nor a memory cap, which is why the process is started
//! here; graphviz-rust still parses our DOT back in the tests.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::graph::KnowledgeGraph;

/// A Graphviz layout engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Dot,
    Neato,
    Fdp,
    Sfdp,
    Circo,
}

impl Engine {
    pub const ALL: [Engine; 5] = [
        Engine::Dot,
        Engine::Neato,
        Engine::Fdp,
        Engine::Sfdp,
        Engine::Circo,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Dot => "dot",
            Engine::Neato => "neato",
            Engine::Fdp => "fdp",
            Engine::Sfdp => "sfdp",
            Engine::Circo => "circo",
        }
    }

    pub fn from_name(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|engine| engine.name() == name)
    }

    /// The largest graph this engine lays out in reasonable time, as
    /// (nodes, labelled edges), from the measurements in the README.
    fn limits(self) -> (usize, usize) {
        match self {
            Engine::Dot => (400, 600),
            Engine::Neato | Engine::Fdp | Engine::Circo => (1_500, 2_000),
            Engine::Sfdp => (50_000, 5_000),
        }
    }
}

/// An image format Graphviz writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
    Pdf,
}

impl ImageFormat {
    pub const ALL: [ImageFormat; 3] = [ImageFormat::Svg, ImageFormat::Png, ImageFormat::Pdf];

    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
            ImageFormat::Pdf => "pdf",
        }
    }

    pub fn from_name(name: &str) -> Option<ImageFormat> {
        let name = name.to_ascii_lowercase();
        ImageFormat::ALL
            .into_iter()
            .find(|format| format.name() == name)
    }
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub engine: Engine,
    pub format: ImageFormat,
    /// The Graphviz program to run for `dot` layouts; other engines are run
    /// as `dot -K ENGINE`.
    pub program: String,
    pub timeout: Duration,
    /// Cap on the Graphviz process's address space, in bytes.
    pub memory_limit: u64,
    /// Check the graph's size against the engine's limits first.
    pub size_guard: bool,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            engine: Engine::Dot,
            format: ImageFormat::Svg,
            program: "dot".to_owned(),
            timeout: Duration::from_secs(120),
            memory_limit: 4 << 30,
            size_guard: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "Graphviz (`{program}`) is not installed: install it (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`); `kg build` and `kg export` write DOT and JSON without it"
    )]
    NotInstalled { program: String },
    #[error(
        "the graph is too large for `{engine}` ({nodes} entities, {edges} labelled relations; about {max_nodes} entities or {max_edges} labelled relations is the limit): try `--engine sfdp`, `--no-edge-labels`, or a focused view such as `--focus ENTITY --depth 1`"
    )]
    TooLarge {
        engine: &'static str,
        nodes: usize,
        edges: usize,
        max_nodes: usize,
        max_edges: usize,
    },
    #[error(
        "Graphviz did not finish within {} s and was stopped: try `--engine sfdp`, `--no-edge-labels` or a focused view",
        .0.as_secs()
    )]
    TimedOut(Duration),
    #[error("Graphviz failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
    #[error("cannot run Graphviz")]
    Io(#[from] std::io::Error),
}

/// Refuses a graph that the engine would take too long or too much memory
/// to lay out, with advice.
pub fn check_size(
    graph: &KnowledgeGraph,
    engine: Engine,
    edge_labels: bool,
) -> Result<(), RenderError> {
    let (max_nodes, max_edges) = engine.limits();
    let nodes = graph.entities().len();
    let edges = if edge_labels {
        graph.relations().len()
    } else {
        0
    };
    if nodes > max_nodes || edges > max_edges {
        return Err(RenderError::TooLarge {
            engine: engine.name(),
            nodes,
            edges,
            max_nodes,
            max_edges,
        });
    }
    Ok(())
}

/// Lays out DOT text with Graphviz and returns the image bytes.
pub fn render_dot(dot: &[u8], options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut command = Command::new(&options.program);
    command
        .arg(format!("-T{}", options.format.name()))
        .arg(format!("-K{}", options.engine.name()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    limit_memory(&mut command, options.memory_limit);
    let mut child = command.spawn().map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => RenderError::NotInstalled {
            program: options.program.clone(),
        },
        _ => RenderError::Io(error),
    })?;
    // Feed stdin and drain stdout/stderr on threads: a large graph would
    // otherwise fill a pipe and stall both processes.
    let mut stdin = child.stdin.take().expect("piped");
    let input = dot.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let status = match child.wait_timeout(options.timeout)? {
        Some(status) => status,
        None => {
            child.kill()?;
            child.wait()?;
            return Err(RenderError::TimedOut(options.timeout));
        }
    };
    // A Graphviz that exits early closes its stdin: that is reported
    // through its status and stderr, not as a write error.
    let _ = writer.join();
    let image = reader
        .join()
        .map_err(|_| std::io::Error::other("reader thread panicked"))??;
    let stderr = errors
        .join()
        .map_err(|_| std::io::Error::other("reader thread panicked"))??;
    if !status.success() {
        let status = match status.code() {
            Some(code) => format!("exit code {code}"),
            None => "killed, probably by the memory cap".to_owned(),
        };
        return Err(RenderError::Failed {
            status,
            stderr: stderr.trim().to_owned(),
        });
    }
    Ok(image)
}

#[cfg(unix)]
fn limit_memory(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only setrlimit runs, which is
    // async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(move || rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes));
    }
}

#[cfg(not(unix))]
fn limit_memory(_command: &mut Command, _bytes: u64) {}
