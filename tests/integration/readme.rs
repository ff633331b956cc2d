//! The README's generated blocks stay current: each block between
//! `<!-- BEGIN kg ARGS -->` and `<!-- END -->` must be exactly what
//! `kg ARGS` prints on the committed data (inside a ```` ``` ```` fence when
//! the block has one). `KG_BLESS=1 cargo test` rewrites them.

use crate::common::{kg_command, repo, stderr};

const BEGIN: &str = "<!-- BEGIN kg ";
const END: &str = "<!-- END -->";

#[test]
fn generated_blocks_of_the_readme_match_the_tool() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let mut rebuilt = String::new();
    let mut rest = readme.as_str();
    let mut blocks = 0;
    while let Some(start) = rest.find(BEGIN) {
        let header_end = start + rest[start..].find("-->").expect("closed marker") + 3;
        let args: Vec<&str> = rest[start + BEGIN.len()..header_end - 3]
            .split_whitespace()
            .collect();
        let end = header_end + rest[header_end..].find(END).expect("an END marker");
        let output = kg_command(&repo(), &args).output().unwrap();
        assert!(output.status.success(), "kg {args:?}: {}", stderr(&output));
        let generated = String::from_utf8(output.stdout).unwrap();
        let old = &rest[header_end..end];
        let fence = old
            .trim_start()
            .lines()
            .next()
            .filter(|line| line.starts_with("```"));
        let new = match fence {
            Some(fence) => format!("\n{fence}\n{generated}```\n"),
            None => format!("\n{generated}"),
        };
        rebuilt.push_str(&rest[..header_end]);
        rebuilt.push_str(&new);
        rest = &rest[end..];
        blocks += 1;
    }
    rebuilt.push_str(rest);
    assert!(blocks >= 2, "the README has {blocks} generated blocks");
    if std::env::var_os("KG_BLESS").is_some() {
        std::fs::write(&path, rebuilt).unwrap();
    } else {
        assert!(
            rebuilt == readme,
            "the README's generated blocks are stale: run KG_BLESS=1 cargo test"
        );
    }
}
