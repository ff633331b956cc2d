//! Validation time grows linearly with the length of a name: a hostile
//! corpus must not stall CI with one long label. Machines differ and are
//! shared, so the test compares the time of two sizes with each other,
//! never with a fixed number of seconds.

use std::time::{Duration, Instant};

use crate::common::Workdir;

/// A label of `chars` characters of one letter: every prefix of it is also
/// a suffix, so an automaton's failure links form one chain as long as the
/// label, the worst case for building a DFA from them.
fn long_name(chars: usize) -> String {
    "a".repeat(chars)
}

/// A data directory: the base fixture plus one entity whose label and
/// alias are `chars` long.
fn data_with_a_long_name(chars: usize) -> Workdir {
    let workdir = Workdir::with_data("base");
    let entities = workdir.read("data/entities.toml");
    let name = long_name(chars);
    workdir.write(
        "data/entities.toml",
        format!(
            "{entities}\n[[entity]]\nid = \"long\"\nlabel = \"{name}\"\naliases = [\"b{name}\"]\nkind = \"state\"\n"
        ),
    );
    workdir
}

/// One load (with mention counting) and coverage analysis.
fn time_to_validate(workdir: &Workdir) -> Duration {
    let start = Instant::now();
    let (dataset, _) = kgraph::load(&workdir.path().join("data")).expect("the long name is valid");
    kgraph::coverage::analyze(&dataset, None);
    start.elapsed()
}

#[test]
fn validation_time_is_linear_in_the_length_of_a_label() {
    let (short_data, long_data) = (data_with_a_long_name(1_000), data_with_a_long_name(64_000));
    // Alternated, and the fastest of each kept: the minimum is the run
    // least disturbed by other work on the machine.
    let mut short = Duration::MAX;
    let mut long = Duration::MAX;
    for _ in 0..3 {
        short = short.min(time_to_validate(&short_data));
        long = long.min(time_to_validate(&long_data));
    }
    // 64 times the input: linear work takes at most about 64 times as long
    // (measured: about 70 in a debug build); the quadratic automaton build
    // took over 3,500 times as long. The bound leaves room for noise.
    let ratio = long.as_secs_f64() / short.as_secs_f64().max(1e-4);
    assert!(
        ratio < 1000.0,
        "64k-character label: {long:?}, 1k: {short:?}, ratio {ratio:.0} (linear is about 64)"
    );
}
