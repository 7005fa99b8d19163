//! Resolving a glob against a base URL (Playwright's `resolveGlobBase`, with
//! the normalisation the socket's URL gets), before it is compiled.

use super::automaton::META;
use crate::sans_io::urls::{UrlParser, to_ws_base};

/// Schemes whose URLs have a (case-insensitive) host, as the URL standard's special schemes.
const SPECIAL_SCHEMES: [&str; 5] = ["ws", "wss", "http", "https", "ftp"];

/// Does this piece of a glob hold glob syntax?
fn has_meta(piece: &str) -> bool {
    piece.chars().any(|c| META.contains(&c))
}

/// Does `s` contain the ASCII byte `b`? (`str::contains(char)` would link
/// the substring searcher for its non-ASCII case; see `crate::sans_io::text`.)
fn has_byte(s: &str, b: u8) -> bool {
    s.as_bytes().contains(&b)
}

/// Is this first piece of a glob a scheme (`ws:`, `http*:`)?
fn is_scheme_piece(piece: &str) -> bool {
    piece.len() > 1 && piece.ends_with(':')
}

/// The default port of a scheme, if it has one a WebSocket URL can take.
fn default_port(scheme: &str) -> Option<u32> {
    match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => Some(80),
        "wss" | "https" => Some(443),
        _ => None,
    }
}

/// In a host piece with glob syntax (`*.example.test:0080`), writes a literal port the way the
/// URL parser would: without leading zeros, and not at all when it is the scheme's default.
fn normalise_port(host: &str, scheme: Option<&str>) -> String {
    let Some((name, port)) = host.rsplit_once(':') else {
        return host.to_string();
    };
    if name.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return host.to_string();
    }
    match port.parse::<u32>() {
        Ok(p) if Some(p) == scheme.and_then(default_port) => name.to_string(),
        Ok(p) if p <= 65535 => format!("{name}:{p}"),
        _ => host.to_string(),
    }
}

/// How much of the glob may go through the URL parser as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Pieces without glob syntax are parsed as they are, so they come out normalised.
    Normalise,
    /// Every piece except the scheme and `.`/`..`/empty is hidden, as Playwright does.
    Playwright,
}

/// Placeholders standing for glob pieces while the URL parser works on the glob.
struct Placeholders {
    prefix: String,
    /// `(placeholder, original piece)`.
    pieces: Vec<(String, String)>,
}

impl Placeholders {
    /// Picks a prefix that occurs in neither `pattern` nor `base` (ASCII case-insensitively,
    /// as the parser lower-cases hosts). Lower-case letters and digits only: valid unchanged
    /// in a host, a path and a query, for every URL parser.
    fn new(pattern: &str, base: Option<&str>) -> Self {
        let haystack = format!("{pattern} {}", base.unwrap_or_default()).to_ascii_lowercase();
        let mut prefix = String::from("wsrglob");
        while crate::sans_io::text::contains(&haystack, &prefix) {
            prefix.push('q');
        }
        Placeholders {
            prefix,
            pieces: Vec::new(),
        }
    }

    /// Returns a placeholder for `original` (nothing for an empty piece).
    fn hide(&mut self, original: &str) -> String {
        if original.is_empty() {
            return String::new();
        }
        // The trailing letter keeps `...1z` from being a prefix of `...12z`, and keeps a
        // host placeholder from ending in a number (which would make it an IPv4 address).
        let placeholder = format!("{}{}z", self.prefix, self.pieces.len());
        self.pieces
            .push((placeholder.clone(), original.to_string()));
        placeholder
    }

    /// Puts the original pieces back into the parser's output. Pieces in the scheme or host
    /// of a URL with a special scheme are lower-cased (ASCII: the socket URL has a punycode
    /// host), as those parts are case-insensitive.
    fn restore(&self, resolved: &str) -> String {
        // Pieces inside `head` (the scheme and host) are lower-cased. It ends at a delimiter
        // or at the end of `resolved`, so a placeholder is wholly inside it or wholly after it.
        let head = resolved.get(..host_end(resolved)).unwrap_or_default();
        let mut out = resolved.to_string();
        // The originals never contain the prefix, so putting one back can neither make nor
        // hide a placeholder: they go back one at a time, in any order. (This replaces a sort
        // by position whose `>` could as well have been `>=`: no two placeholders share one.)
        for (placeholder, original) in &self.pieces {
            let Some(at) = crate::sans_io::text::find(&out, placeholder) else {
                continue;
            };
            let text = if crate::sans_io::text::contains(head, placeholder) {
                original.to_ascii_lowercase()
            } else {
                original.clone()
            };
            let before = out.get(..at).unwrap_or_default();
            let after = out.get(at + placeholder.len()..).unwrap_or_default();
            out = format!("{before}{text}{after}");
        }
        out
    }
}

/// Where the scheme and host (with port) of a serialised URL end, when its scheme is
/// special; 0 otherwise.
fn host_end(url: &str) -> usize {
    let Some((scheme, rest)) = url.split_once(':') else {
        return 0;
    };
    if !SPECIAL_SCHEMES.contains(&scheme) {
        return 0;
    }
    let Some(authority) = rest.strip_prefix("//") else {
        return 0;
    };
    let len = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    scheme.len() + 3 + len
}

/// Maps the scheme `http` to `ws` and `https` to `wss`, the way the `WebSocket` constructor
/// does; other schemes are only lower-cased.
fn ws_scheme(scheme: &str) -> String {
    match scheme.to_ascii_lowercase().as_str() {
        "http" => "ws".to_string(),
        "https" => "wss".to_string(),
        other => other.to_string(),
    }
}

/// The same for a scheme with glob syntax: every `http` in it becomes `ws`, so `http*` works
/// as `ws*` and `{http,https}` as `{ws,wss}`.
fn ws_scheme_glob(scheme: &str) -> String {
    crate::sans_io::text::replace(&scheme.to_ascii_lowercase(), "http", "ws")
}

/// Resolves a route glob against the base URL (see the module documentation).
pub(super) fn resolve(pattern: &str, base: Option<&str>, parser: &impl UrlParser) -> String {
    if pattern.is_empty() || pattern.starts_with('*') {
        return pattern.to_string();
    }
    // Playwright reads `\\?` in a glob as `?`.
    let pattern = crate::sans_io::text::replace(pattern, "\\\\?", "?");
    // URLs that are never relative to a base, as in Playwright.
    if ["about:", "data:", "chrome:", "edge:", "file:"]
        .iter()
        .any(|p| pattern.starts_with(p))
    {
        return pattern;
    }
    let base = base.map(to_ws_base);
    let base = base.as_deref();
    [Mode::Normalise, Mode::Playwright]
        .into_iter()
        .find_map(|mode| resolve_with(&pattern, base, parser, mode))
        .unwrap_or(pattern)
}

/// What the first pieces of a glob (split at `/`) say about its shape.
struct Shape<'a> {
    /// The first piece, when it is a scheme (`ws:`, `http*:`).
    scheme_piece: Option<&'a str>,
    scheme_is_glob: bool,
    /// `scheme://host...` or `//host...`: the host (and port) is the third piece.
    has_authority: bool,
    /// The scheme the URL will have, as far as it is known.
    scheme: Option<&'a str>,
}

impl<'a> Shape<'a> {
    fn of(pieces: &[&'a str], base: Option<&'a str>) -> Self {
        let first = pieces.first().copied().unwrap_or_default();
        let scheme_piece = is_scheme_piece(first).then_some(first);
        Shape {
            scheme_piece,
            scheme_is_glob: scheme_piece.is_some_and(|s| has_meta(s) || has_byte(s, b'?')),
            // Whether there is a third piece does not matter: only that one is read as a host.
            has_authority: pieces.get(1).is_some_and(|p| p.is_empty())
                && (first.is_empty() || scheme_piece.is_some()),
            scheme: match scheme_piece {
                Some(s) => s.strip_suffix(':'),
                None => base.and_then(|b| b.split_once(':')).map(|(s, _)| s),
            },
        }
    }
}

/// The glob as the URL parser may see it: each piece with glob syntax (all of
/// them in [`Mode::Playwright`]) hidden behind a placeholder.
fn hide_pieces(
    pieces: &[&str],
    shape: &Shape,
    mode: Mode,
    placeholders: &mut Placeholders,
) -> String {
    let mut relative = Vec::with_capacity(pieces.len());
    for (index, &piece) in pieces.iter().enumerate() {
        if piece.is_empty() || piece == "." || piece == ".." {
            relative.push(piece.to_string());
            continue;
        }
        if index == 0 && shape.scheme_piece.is_some() {
            // A scheme with glob syntax is parsed as `http:`, a special scheme, so that the
            // host after it is parsed as a host.
            relative.push(if shape.scheme_is_glob { "http:" } else { piece }.to_string());
            continue;
        }
        let is_host = shape.has_authority && index == 2;
        let piece = if is_host && has_meta(piece) && !shape.scheme_is_glob {
            normalise_port(piece, shape.scheme)
        } else {
            piece.to_string()
        };
        let hide = mode == Mode::Playwright
            || has_meta(&piece)
            // A '#' would start a fragment and swallow the rest of the glob.
            || has_byte(&piece, b'#')
            // A ':' in a first piece would be read as a scheme.
            || (index == 0 && has_byte(&piece, b':'))
            // The default port depends on the real scheme, which the parser does not see.
            || (is_host && shape.scheme_is_glob);
        if !hide {
            relative.push(piece);
            continue;
        }
        // Keep a '?' visible to the parser: it starts the query, which is encoded differently.
        let hidden = match piece.split_once('?') {
            Some((path, query)) => {
                format!("{}?{}", placeholders.hide(path), placeholders.hide(query))
            }
            None => placeholders.hide(&piece),
        };
        relative.push(hidden);
    }
    let mut joined = String::new();
    for (i, piece) in relative.iter().enumerate() {
        if i > 0 {
            joined.push('/');
        }
        joined.push_str(piece);
    }
    joined
}

/// One attempt at resolving `pattern`; `None` when the URL parser refuses it.
fn resolve_with(
    pattern: &str,
    base: Option<&str>,
    parser: &impl UrlParser,
    mode: Mode,
) -> Option<String> {
    let pieces: Vec<&str> = pattern.split('/').collect();
    let shape = Shape::of(&pieces, base);
    let mut placeholders = Placeholders::new(pattern, base);
    let relative = hide_pieces(&pieces, &shape, mode, &mut placeholders);
    let parsed = parser
        .parse(&relative, base)
        .or_else(|| base.and_then(|_| parser.parse(&relative, None)))?;
    let restored = placeholders.restore(&parsed);

    let (scheme, rest) = restored.split_once(':')?;
    let scheme = match shape.scheme_piece {
        Some(s) if shape.scheme_is_glob => ws_scheme_glob(s.strip_suffix(':').unwrap_or(s)),
        _ => ws_scheme(scheme),
    };
    Some(format!("{scheme}:{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_ports_in_a_host_piece() {
        assert_eq!(normalise_port("*.test:0080", None), "*.test:80");
        assert_eq!(normalise_port("*.test:80", Some("ws")), "*.test");
        assert_eq!(normalise_port("*.test:443", Some("WSS")), "*.test");
        assert_eq!(normalise_port("*.test:443", Some("ws")), "*.test:443");
        assert_eq!(normalise_port("*.test", Some("ws")), "*.test");
        assert_eq!(normalise_port("*.test:", Some("ws")), "*.test:");
        assert_eq!(normalise_port("*.test:8*", Some("ws")), "*.test:8*");
        // A port with no host before it is not a host and port: left as written.
        assert_eq!(normalise_port(":80", Some("ws")), ":80");
        assert_eq!(normalise_port(":0080", None), ":0080");
    }

    #[test]
    fn pieces_go_back_wherever_the_parser_put_them() {
        let mut placeholders = Placeholders::new("ws://H*/A*/B*/C*", None);
        let [h, a, b, c] = ["H*", "A*", "B*", "C*"].map(|piece| placeholders.hide(piece));
        assert_eq!(
            placeholders.restore(&format!("ws://{h}/{c}/{b}?{a}")),
            "ws://h*/C*/B*?A*"
        );
        assert_eq!(placeholders.restore(&format!("ws://x/{b}")), "ws://x/B*");
    }
}
