//! Source metadata: ids, titles, dates and web addresses. Reading the
//! texts and checking their hashes is the loader's job.

use std::collections::HashMap;

use super::{check_date, check_not_empty, check_unique, origin};
use crate::diagnostic::{Diagnostic, FileId};
use crate::load::raw::{RawDataset, S};
use crate::model::ids::{is_slug, is_web_url};

pub(in crate::load) fn check_sources_metadata(raw: &RawDataset, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = HashMap::new();
    for source in &raw.sources {
        let file = source.file;
        if !is_slug(&source.id.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid source id `{}`", source.id.value))
                    .code("invalid-id")
                    .at(
                        origin(file, &source.id),
                        "expected a lowercase slug such as `kortunov-2022`",
                    ),
            );
        }
        check_unique(
            &mut seen,
            "source id",
            &source.id.value,
            origin(file, &source.id),
            diagnostics,
        );
        check_not_empty(&source.title, file, "title", diagnostics);
        check_date(&source.date, file, diagnostics);
        if let Some(copy_date) = &source.copy_date {
            check_date(copy_date, file, diagnostics);
        }
        for url in source.url.iter().chain(&source.copy_url) {
            check_url(url, file, diagnostics);
        }
    }
}

fn check_url(url: &S, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    if is_web_url(&url.value) {
        return;
    }
    let scheme = url.value.split_once(':').map(|(scheme, _)| scheme);
    let diagnostic = match scheme {
        Some(scheme)
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") =>
        {
            Diagnostic::error(format!(
                "url `{}` is not a web address: scheme `{scheme}` is not allowed",
                url.value
            ))
            .code("url-scheme")
            .at(origin(file, url), "expected `http` or `https`")
            .note(
                "only http and https URLs are accepted: exports and the HTML view make them links",
            )
        }
        _ => Diagnostic::error(format!("malformed url `{}`", url.value))
            .code("malformed-url")
            .at(
                origin(file, url),
                "expected an absolute URL such as `https://example.org/page`",
            ),
    };
    diagnostics.push(diagnostic);
}
