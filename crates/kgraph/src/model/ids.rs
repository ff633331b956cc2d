//! The grammar of ids, names, dates and URLs in the curated data. The loader
//! checks data against these; importers and editors check what they are
//! about to write, so that what they write loads.

use super::PartialDate;

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
