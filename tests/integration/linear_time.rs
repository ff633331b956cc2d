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

/// The fastest of a few loads (with mention counting) and coverage analyses
/// of the base fixture plus one entity whose label and alias are `chars`
/// long: the minimum is the least disturbed by other work on the machine.
fn time_to_validate(chars: usize) -> Duration {
    let workdir = Workdir::with_data("base");
    let entities = workdir.read("data/entities.toml");
    let name = long_name(chars);
    workdir.write(
        "data/entities.toml",
        format!(
            "{entities}\n[[entity]]\nid = \"long\"\nlabel = \"{name}\"\naliases = [\"b{name}\"]\nkind = \"state\"\n"
        ),
    );
    let data = workdir.path().join("data");
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let (dataset, _) = kgraph::load(&data).expect("the long name is valid");
            kgraph::coverage::analyze(&dataset, None);
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn validation_time_is_linear_in_the_length_of_a_label() {
    let short = time_to_validate(1_000);
    let long = time_to_validate(64_000);
    // 64 times the input: linear work takes at most about 64 times as long
    // (less, as the fixed cost of loading is shared); the quadratic build
    // took over 4,000 times as long. The bound leaves room for noise.
    let ratio = long.as_secs_f64() / short.as_secs_f64().max(1e-4);
    assert!(
        ratio < 256.0,
        "64k-character label: {long:?}, 1k: {short:?}, ratio {ratio:.0} (linear is at most ~64)"
    );
}
