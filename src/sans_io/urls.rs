//! WebSocket URL normalisation, as the `WebSocket` constructor does it.
//!
//! The URL parser itself is abstracted behind [`UrlParser`] so that this module stays pure
//! Rust: in the browser the edge implements it with the browser's own `URL` (so wsroute parses
//! exactly like the native `WebSocket`), and host tests implement it with the `url` crate.
//!
//! See the [WHATWG WebSockets standard, `new WebSocket(url, protocols)`][ctor] and
//! [MDN](https://developer.mozilla.org/en-US/docs/Web/API/WebSocket/WebSocket).
//!
//! [ctor]: https://websockets.spec.whatwg.org/#dom-websocket-websocket

use std::fmt;

use super::validate::Quirks;

/// A WHATWG URL parser.
///
/// In the browser the edge implements this with the browser's own `URL`; host tests implement
/// it with the `url` crate.
pub trait UrlParser {
    /// Parses `input` against `base` (when given) and returns the serialised URL (`href`),
    /// or `None` when either `input` or `base` fails to parse.
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String>;
}

/// Why a URL cannot be used to construct a `WebSocket`.
///
/// Each variant maps to a `DOMException` named `SyntaxError`; [`Display`](fmt::Display) gives
/// Chromium's message (without the `Failed to construct 'WebSocket': ` prefix, which the
/// browser bindings add).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL (as the page passed it) does not parse.
    Invalid(String),
    /// The scheme (without its `:`) is not `http`, `https`, `ws` or `wss`.
    Scheme(String),
    /// The URL has a fragment; the string is the fragment without its `#` (maybe empty).
    Fragment(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Invalid(input) => write!(f, "The URL '{input}' is invalid."),
            UrlError::Scheme(scheme) => write!(
                f,
                "The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. \
                 '{scheme}' is not allowed."
            ),
            UrlError::Fragment(fragment) => write!(
                f,
                "The URL contains a fragment identifier ('{fragment}'). \
                 Fragment identifiers are not allowed in WebSocket URLs."
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Splits a serialised URL into its scheme (before the first `:`) and the rest (from the `:`).
fn split_scheme(href: &str) -> Option<(&str, &str)> {
    let colon = href.find(':')?;
    Some((href.get(..colon)?, href.get(colon..)?))
}

/// Normalises the URL given to `new WebSocket(url)`, following the WHATWG constructor steps.
///
/// 1. Parse `input` against `base` (the document's base URL); failure is
///    [`UrlError::Invalid`].
/// 2. Map the scheme `http` to `ws` and `https` to `wss`.
/// 3. Any other scheme than `ws`/`wss` is [`UrlError::Scheme`].
/// 4. Any fragment, even an empty `#`, is [`UrlError::Fragment`].
///
/// Returns the normalised `href`, which is what the socket's `url` attribute reports.
pub fn normalize_socket_url(
    p: &impl UrlParser,
    input: &str,
    base: Option<&str>,
) -> Result<String, UrlError> {
    let href = p
        .parse(input, base)
        .ok_or_else(|| UrlError::Invalid(input.to_string()))?;
    let (scheme, rest) = split_scheme(&href).ok_or_else(|| UrlError::Invalid(input.to_string()))?;
    // The parser lower-cases schemes; compare ASCII case-insensitively anyway, so that a parser
    // which does not still gets the right answer.
    let mapped = if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("ws") {
        "ws"
    } else if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("wss") {
        "wss"
    } else {
        return Err(UrlError::Scheme(scheme.to_string()));
    };
    // In a serialised URL a '#' can only be the fragment delimiter: it is percent-encoded
    // everywhere else, and forbidden in hosts.
    if let Some(hash) = rest.find('#') {
        let fragment = rest.get(hash + 1..).unwrap_or_default();
        return Err(UrlError::Fragment(fragment.to_string()));
    }
    // http and ws share default port 80, https and wss share 443, so swapping the scheme of
    // the serialisation gives exactly the serialisation of the URL with the new scheme.
    Ok(format!("{mapped}{rest}"))
}

/// Resolves the URL given to `new WebSocket(url)` as the host browser does.
///
/// `base` is the API base URL: the document's base URL, or a worker's own URL. Where that
/// cannot be a base (the `blob:` URL of a Blob worker or of a document loaded from one),
/// Chromium fails as the standard says, and Firefox resolves against the origin (`tests/workers.rs`
/// compares both with native, the blob: document also with its creator at a deeper path).
/// `blob_origin` is asked only then; it gives the origin of a realm loaded from a `blob:` URL
/// (`None` anywhere else), and an opaque origin (`"null"`) is no base.
pub fn resolve_socket_url(
    p: &impl UrlParser,
    input: &str,
    base: Option<&str>,
    quirks: Quirks,
    blob_origin: impl FnOnce() -> Option<String>,
) -> Result<String, UrlError> {
    let first = normalize_socket_url(p, input, base);
    if first.is_ok() || quirks == Quirks::Chromium {
        return first;
    }
    // An opaque origin's serialisation, "null", is no base: the parse fails and
    // the first answer stands.
    match blob_origin() {
        Some(origin) => normalize_socket_url(p, input, Some(&format!("{origin}/"))).or(first),
        None => first,
    }
}

/// Maps an `http:`/`https:` base URL to `ws:`/`wss:` (ASCII case-insensitively, so `HTTP://x/`
/// too) and leaves any other string unchanged.
///
/// This is Playwright's `toWebSocketBaseUrl`: it lets relative route globs resolve against the
/// page's base URL to WebSocket URLs.
pub fn to_ws_base(base: &str) -> String {
    for (from, to) in [("http://", "ws://"), ("https://", "wss://")] {
        let matches = base
            .get(..from.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(from));
        if matches {
            let rest = base.get(from.len()..).unwrap_or_default();
            return format!("{to}{rest}");
        }
    }
    base.to_string()
}

/// A [`UrlParser`] backed by the `url` crate, for host tests.
#[cfg(test)]
pub(crate) struct TestParser;

#[cfg(test)]
impl UrlParser for TestParser {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        let base = match base {
            Some(b) => Some(url::Url::parse(b).ok()?),
            None => None,
        };
        url::Url::options()
            .base_url(base.as_ref())
            .parse(input)
            .ok()
            .map(String::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &str, base: Option<&str>) -> Result<String, UrlError> {
        normalize_socket_url(&TestParser, input, base)
    }

    #[test]
    fn a_blob_realm_resolves_against_its_origin_in_firefox_only() {
        const BLOB: &str = "blob:http://127.0.0.1:8/6f1d";
        let origin = || Some("http://127.0.0.1:8".to_string());
        let resolve = |input, base, quirks, origin: fn() -> Option<String>| {
            resolve_socket_url(&TestParser, input, base, quirks, origin)
        };
        let ok = |s: &str| Ok(s.to_string());
        // Firefox (and where no quirk applies): the worker's origin stands in.
        for quirks in [Quirks::Firefox, Quirks::Spec] {
            assert_eq!(
                resolve("rel/sock", Some(BLOB), quirks, origin),
                ok("ws://127.0.0.1:8/rel/sock")
            );
            assert_eq!(
                resolve("?q", Some(BLOB), quirks, origin),
                ok("ws://127.0.0.1:8/?q")
            );
            // Not loaded from a blob: URL, or an opaque origin: the first answer stands.
            assert_eq!(
                resolve("rel/sock", Some(BLOB), quirks, || None),
                Err(UrlError::Invalid("rel/sock".into()))
            );
            assert_eq!(
                resolve("rel/sock", Some(BLOB), quirks, || Some("null".into())),
                Err(UrlError::Invalid("rel/sock".into()))
            );
            // Still invalid against the origin: the first error, not the second.
            assert_eq!(
                resolve("rel#x", Some(BLOB), quirks, origin),
                Err(UrlError::Invalid("rel#x".into()))
            );
        }
        // Chromium: a relative URL where the base is a blob: URL is a SyntaxError.
        assert_eq!(
            resolve("rel/sock", Some(BLOB), Quirks::Chromium, origin),
            Err(UrlError::Invalid("rel/sock".into()))
        );
        // A URL the base resolves never asks for the origin.
        let never = || -> Option<String> { panic!("origin asked for a resolvable URL") };
        for quirks in [Quirks::Firefox, Quirks::Chromium] {
            assert_eq!(
                resolve_socket_url(&TestParser, "x", Some("http://a.test/p/"), quirks, never),
                ok("ws://a.test/p/x")
            );
        }
    }

    #[test]
    fn accepted_urls_are_normalised() {
        let base = Some("https://example.test/app/page.html");
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("ws://example.test/chat", None, "ws://example.test/chat"),
            (
                "wss://example.test/chat?x=1",
                None,
                "wss://example.test/chat?x=1",
            ),
            // http -> ws, https -> wss
            ("http://example.test/a", None, "ws://example.test/a"),
            ("https://example.test/a", None, "wss://example.test/a"),
            // upper-case scheme and host
            ("WS://Example.TEST/Path", None, "ws://example.test/Path"),
            ("HTTPS://EXAMPLE.test/", None, "wss://example.test/"),
            // default ports dropped, others kept
            ("ws://h:80/", None, "ws://h/"),
            ("wss://h:443/", None, "wss://h/"),
            ("http://h:80/", None, "ws://h/"),
            ("https://h:443/", None, "wss://h/"),
            ("ws://h:443/", None, "ws://h:443/"),
            ("wss://h:80/", None, "wss://h:80/"),
            ("ws://h:8080", None, "ws://h:8080/"),
            // empty path gets '/'
            ("ws://example.test", None, "ws://example.test/"),
            ("ws://example.test?q", None, "ws://example.test/?q"),
            // relative URLs against the base
            ("/chat", base, "wss://example.test/chat"),
            ("chat", base, "wss://example.test/app/chat"),
            ("../chat", base, "wss://example.test/chat"),
            ("?x=1", base, "wss://example.test/app/page.html?x=1"),
            ("//other.test/s", base, "wss://other.test/s"),
            (
                "/ws",
                Some("http://localhost:3000/"),
                "ws://localhost:3000/ws",
            ),
            // an absolute URL ignores the base
            ("ws://h/x", base, "ws://h/x"),
            // percent-encoding as the parser does it
            ("ws://h/a b", None, "ws://h/a%20b"),
        ];
        for (input, base, want) in cases {
            assert_eq!(
                norm(input, *base).as_deref(),
                Ok(*want),
                "{input} against {base:?}"
            );
        }
    }

    #[test]
    fn rejected_urls() {
        let base = Some("http://example.test/");
        let cases: &[(&str, Option<&str>, UrlError)] = &[
            ("ftp://h/", None, UrlError::Scheme("ftp".into())),
            ("FTP://h/", None, UrlError::Scheme("ftp".into())),
            ("mailto:x@y", None, UrlError::Scheme("mailto".into())),
            ("about:blank", None, UrlError::Scheme("about".into())),
            ("file:///x", None, UrlError::Scheme("file".into())),
            ("ws://h/#", None, UrlError::Fragment(String::new())),
            ("ws://h/#x", None, UrlError::Fragment("x".into())),
            ("ws://h/p?q#frag", None, UrlError::Fragment("frag".into())),
            ("http://h/#x", None, UrlError::Fragment("x".into())),
            ("#test", base, UrlError::Fragment("test".into())),
            (
                "ws://exa mple/",
                None,
                UrlError::Invalid("ws://exa mple/".into()),
            ),
            ("ws://[", None, UrlError::Invalid("ws://[".into())),
            (
                "ws://h:99999/",
                None,
                UrlError::Invalid("ws://h:99999/".into()),
            ),
            ("/relative", None, UrlError::Invalid("/relative".into())),
            ("", None, UrlError::Invalid(String::new())),
            ("/x", Some("not a url"), UrlError::Invalid("/x".into())),
        ];
        for (input, base, want) in cases {
            assert_eq!(
                norm(input, *base).as_ref(),
                Err(want),
                "{input} against {base:?}"
            );
        }
    }

    #[test]
    fn error_messages_match_chromium() {
        assert_eq!(
            UrlError::Invalid("x".into()).to_string(),
            "The URL 'x' is invalid."
        );
        assert_eq!(
            UrlError::Scheme("ftp".into()).to_string(),
            "The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. 'ftp' is not allowed."
        );
        assert_eq!(
            UrlError::Fragment("frag".into()).to_string(),
            "The URL contains a fragment identifier ('frag'). \
             Fragment identifiers are not allowed in WebSocket URLs."
        );
    }

    #[test]
    fn ws_base_mapping() {
        let cases = [
            ("http://h/app/", "ws://h/app/"),
            ("https://h/app/", "wss://h/app/"),
            ("HTTP://H/", "ws://H/"),
            ("HttpS://h:8443/x", "wss://h:8443/x"),
            ("ws://h/", "ws://h/"),
            ("wss://h/", "wss://h/"),
            ("file:///tmp/a.html", "file:///tmp/a.html"),
            ("about:blank", "about:blank"),
            ("http:/x", "http:/x"),
            ("httpx://h/", "httpx://h/"),
            ("", ""),
            ("é", "é"),
        ];
        for (base, want) in cases {
            assert_eq!(to_ws_base(base), want, "{base}");
        }
    }

    /// The example that documented `UrlParser`.
    #[test]
    fn example_url_parser() {
        use crate::sans_io::urls::UrlParser;

        /// A toy parser that only accepts absolute `ws://` URLs as they are.
        struct Toy;
        impl UrlParser for Toy {
            fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
                input.starts_with("ws://").then(|| input.to_string())
            }
        }
        assert_eq!(Toy.parse("ws://h/", None).as_deref(), Some("ws://h/"));
    }

    /// The example that documented `normalize_socket_url`.
    #[test]
    fn example_normalize_socket_url() {
        use crate::sans_io::urls::{UrlError, UrlParser, normalize_socket_url};

        /// Stands in for the browser's `URL`; knows only absolute URLs that are already normal.
        struct Absolute;
        impl UrlParser for Absolute {
            fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
                input.contains("://").then(|| input.to_string())
            }
        }
        assert_eq!(
            normalize_socket_url(&Absolute, "https://example.test/chat", None),
            Ok("wss://example.test/chat".to_string())
        );
        assert_eq!(
            normalize_socket_url(&Absolute, "ws://example.test/#top", None),
            Err(UrlError::Fragment("top".to_string()))
        );
    }

    /// The example that documented `to_ws_base`.
    #[test]
    fn example_to_ws_base() {
        use crate::sans_io::urls::to_ws_base;
        assert_eq!(
            to_ws_base("https://example.test/app/"),
            "wss://example.test/app/"
        );
        assert_eq!(to_ws_base("HTTP://example.test/"), "ws://example.test/");
        assert_eq!(to_ws_base("file:///tmp/x.html"), "file:///tmp/x.html");
    }
}
