//! The grammar of ids, names, dates and URLs in the curated data. The loader
//! checks data against these; importers and editors check what they are
//! about to write, so that what they write loads.

use super::{Modality, PartialDate};

/// `[a-z0-9]` words joined by single hyphens: safe in every export format.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Kind and relation type names: `[a-z][a-z0-9_]*`.
pub fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Relation ids: a lowercase letter or digit, then letters, digits, `.`, `_`, `-`.
pub fn is_relation_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A Wikidata item id: `Q` and a number without leading zeros.
pub fn is_qid(qid: &str) -> bool {
    qid.strip_prefix('Q').is_some_and(|digits| {
        !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and a real calendar date.
pub fn is_iso_date(date: &str) -> bool {
    PartialDate::parse(date).is_ok()
}

/// An `http` or `https` URL with a host, and no white space or control
/// character: the HTML view makes it a link, and a `javascript:` or `file:`
/// link in a stranger's corpus would run code or open local files when
/// clicked. Other characters (`"`, `<`) are left to the exports, which
/// escape them; browsers percent-encode them.
pub fn is_web_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = if host.starts_with('[') {
        // An IPv6 literal keeps its colons.
        host
    } else {
        host.split(':').next().unwrap_or_default()
    };
    matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
        && !host.is_empty()
        && !url
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
}

/// What a relation claims besides its endpoints and type: how it holds, and
/// whose view it is. Part of a derived relation id, since the same words
/// said as a fact and as someone's proposal are two relations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claim<'a> {
    pub modality: Modality,
    pub negated: bool,
    pub attributed_to: &'a [&'a str],
}

/// The id of a relation that has none: its endpoints and type, readable, and
/// a hash of everything that makes it this relation. It depends on nothing
/// else in the dataset, so adding or reordering other relations never
/// changes it. `evidence` holds (source id, quote) pairs with each quote in
/// the folded form quotes are matched in, so that retyping a quote mark
/// does not change the id either.
pub(crate) fn derived_relation_id(
    from: &str,
    relation_type: &str,
    to: &str,
    claim: Claim<'_>,
    evidence: &[(&str, &str)],
) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in [from, relation_type, to, claim.modality.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    // Hashed only when set, so that the ids of relations written before
    // attribution and negation existed do not change.
    if claim.negated {
        hasher.update(b"negated\x1f");
    }
    if !claim.attributed_to.is_empty() {
        let mut holders: Vec<&str> = claim.attributed_to.to_vec();
        holders.sort_unstable();
        holders.dedup();
        hasher.update(b"attributed_to");
        for holder in holders {
            hasher.update([0x1f]);
            hasher.update(holder.as_bytes());
        }
        hasher.update([0x1e]);
    }
    let mut quotes: Vec<(&str, &str)> = evidence.to_vec();
    quotes.sort_unstable();
    for (source, quote) in quotes {
        hasher.update(source.as_bytes());
        hasher.update([0x1f]);
        hasher.update(quote.as_bytes());
        hasher.update([0x1e]);
    }
    let digest = hasher.finalize();
    let mut id = String::with_capacity(from.len() + relation_type.len() + to.len() + 11);
    for part in [from, ".", relation_type, ".", to, "."] {
        id.push_str(part);
    }
    for byte in &digest[..4] {
        use std::fmt::Write as _;
        let _ = write!(id, "{byte:02x}");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_names_qids_and_dates() {
        assert!(
            is_slug("cfe-treaty")
                && is_slug("g7")
                && !is_slug("CFE")
                && !is_slug("a--b")
                && !is_slug("-a")
        );
        assert!(is_name("member_of") && !is_name("Member") && !is_name("1x"));
        assert!(
            is_web_url("https://example.org/page?q=1#x")
                && is_web_url("HTTP://example.org")
                && !is_web_url("javascript://%0aalert(1)")
                && !is_web_url("file:///etc/passwd")
                && !is_web_url("https:///no-host")
                && !is_web_url("https://user@:80/")
                && is_web_url("https://[::1]:8080/x")
                && is_web_url("https://example.org/copy?a=\"b\"&c=<d>")
                && !is_web_url("https://exa mple.org")
                && !is_web_url("example.org")
        );
        assert!(is_qid("Q7184") && !is_qid("Q") && !is_qid("Q07") && !is_qid("q7184"));
        assert!(
            is_iso_date("2022-09-25")
                && is_iso_date("1997")
                && !is_iso_date("2022-13")
                && !is_iso_date("25.09.2022")
        );
    }
}
