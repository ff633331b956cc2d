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
    /// `dot`: layered, for directed graphs; the default.
    Dot,
    /// `neato`: spring model, for undirected layouts.
    Neato,
    /// `fdp`: force-directed, for undirected layouts.
    Fdp,
    /// `sfdp`: multiscale force-directed, for large graphs.
    Sfdp,
    /// `circo`: circular layout.
    Circo,
}

impl Engine {
    /// Every engine, in the order `--help` lists them.
    pub const ALL: [Engine; 5] = [
        Engine::Dot,
        Engine::Neato,
        Engine::Fdp,
        Engine::Sfdp,
        Engine::Circo,
    ];

    /// The engine's name, as Graphviz and `--engine` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Dot => "dot",
            Engine::Neato => "neato",
            Engine::Fdp => "fdp",
            Engine::Sfdp => "sfdp",
            Engine::Circo => "circo",
        }
    }

    /// The engine named `name`, if there is one.
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
    /// Scalable Vector Graphics.
    Svg,
    /// Portable Network Graphics (raster).
    Png,
    /// Portable Document Format.
    Pdf,
}

impl ImageFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [ImageFormat; 3] = [ImageFormat::Svg, ImageFormat::Png, ImageFormat::Pdf];

    /// The format's name, as Graphviz's `-T` and file extensions spell it.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
            ImageFormat::Pdf => "pdf",
        }
    }

    /// The format named `name`, in any case (`SVG` is `svg`).
    pub fn from_name(name: &str) -> Option<ImageFormat> {
        let name = name.to_ascii_lowercase();
        ImageFormat::ALL
            .into_iter()
            .find(|format| format.name() == name)
    }
}

/// How to run Graphviz: engine, output format and the limits that keep a
/// run from hanging or exhausting memory.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The layout engine.
    pub engine: Engine,
    /// The image format to write.
    pub format: ImageFormat,
    /// The Graphviz program to run for `dot` layouts; other engines are run
    /// as `dot -K ENGINE`.
    pub program: String,
    /// How long Graphviz may run before it is stopped.
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

/// Why Graphviz gave no image.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "Graphviz (`{program}`) is not installed: install it (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`); `kg build` and `kg export` write DOT and JSON without it"
    )]
    /// The Graphviz program could not be found.
    NotInstalled {
        /// The program that was looked for.
        program: String,
    },
    #[error(
        "the graph is too large for `{engine}` ({nodes} entities, {edges} labelled relations; about {max_nodes} entities or {max_edges} labelled relations is the limit): try `--engine sfdp`, `--no-edge-labels`, or a focused view such as `--focus ENTITY --depth 1`"
    )]
    /// The graph is larger than the engine lays out in reasonable time
    /// (checked before running when [`RenderOptions::size_guard`] is set).
    TooLarge {
        /// The engine's name.
        engine: &'static str,
        /// Entities in the graph.
        nodes: usize,
        /// Relations that would carry a label.
        edges: usize,
        /// The engine's limit on entities.
        max_nodes: usize,
        /// The engine's limit on labelled relations.
        max_edges: usize,
    },
    #[error(
        "Graphviz did not finish within {} s and was stopped: try `--engine sfdp`, `--no-edge-labels` or a focused view",
        .0.as_secs()
    )]
    /// Graphviz ran longer than [`RenderOptions::timeout`] and was stopped.
    TimedOut(Duration),
    /// Graphviz exited with an error.
    #[error("Graphviz failed ({status}): {stderr}")]
    Failed {
        /// The exit status, as the operating system reports it.
        status: String,
        /// What Graphviz wrote on its standard error.
        stderr: String,
    },
    /// Starting Graphviz, or talking to it, failed.
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
