//! URL globs for WebSocket routes, with the semantics of Playwright's `page.routeWebSocket()`.
//!
//! # Glob syntax
//!
//! | glob | matches |
//! |---|---|
//! | `*` | any run of characters except `/` (possibly empty) |
//! | `**` | any run of characters (possibly empty) |
//! | `/**/` | `/`, or `/`, one or more characters, `/` (any number of whole segments) |
//! | `**/` not after a `/` | any run of characters ending in `/` |
//! | `{a,b}` | `a` or `b`; alternatives may hold any glob, groups may nest |
//! | `\c` | the character `c` itself (`\*`, `\{`, `\\` ...) |
//! | anything else, `?` `[` `]` `.` included | itself |
//!
//! The whole URL must match (the glob is anchored at both ends), case-sensitively. An empty
//! glob matches every URL. A `{` without its `}` and a `}` without its `{` are literal.
//!
//! # Resolution
//!
//! A glob that does not start with `*` is first resolved against the base URL (the
//! `setBaseURL` value, else the document's base URL), whose `http:`/`https:` scheme is mapped
//! to `ws:`/`wss:` first, the way Playwright's `resolveGlobBase` does it: the glob is split at
//! `/`, the pieces holding glob syntax are swapped for placeholders the URL parser leaves
//! alone, the result is parsed against the base, and the pieces are put back. So `/ws` with
//! base `http://localhost:3000/app/` becomes `ws://localhost:3000/ws`, and `chat` becomes
//! `ws://localhost:3000/app/chat`. A glob that cannot be resolved (no base, unparseable) is
//! used as written.
//!
//! Beyond Playwright, so that a glob matches the URL the socket will really have:
//! - Pieces without glob syntax go through the URL parser as they are, so the scheme and host
//!   are lower-cased, a default port is dropped (`ws://h:80/` is `ws://h/`), IDN hosts and
//!   percent-encoding come out as in the socket's URL. Scheme and host pieces with glob syntax
//!   are lower-cased too, and a literal default port after them is dropped.
//! - A glob that is just an origin (`ws://example.test`) gets the `/` path the socket URL has,
//!   so it matches `ws://example.test/`.
//! - A glob written with `http:`/`https:` matches the socket's `ws:`/`wss:` URL, the way the
//!   `WebSocket` constructor maps them: `http://host/ws` matches `ws://host/ws`. In a scheme
//!   with glob syntax, `http` is replaced by `ws`: `http*://h/` works as `ws*://h/`.
//!
//! Globs starting with `*` are not resolved: `**/ws` matches any scheme and host.
//!
//! # Differences from Playwright
//!
//! Matching is the same as Playwright's `globToRegexPattern` (checked against it on random
//! globs), except where Playwright builds an invalid or surprising regex: an unmatched `{` or
//! `}` is literal here (Playwright throws a `SyntaxError` when it matches), and groups nest
//! (`{a,{b,c},d}`; in Playwright the first `}` ends the group). Like Playwright's
//! `resolveGlobBase`, a glob not starting with `*` reads `\\?` as `?`, and `about:`, `data:`,
//! `chrome:`, `edge:` and `file:` globs are never resolved.
//!
//! # Matching
//!
//! The glob is compiled to a small automaton that is run over the URL keeping every live
//! state at once (no backtracking), so matching takes `O(url length × glob length)` whatever
//! the glob: patterns like `**a**a**a**b` cannot blow up.

mod automaton;
mod resolve;

use crate::sans_io::urls::UrlParser;
use automaton::Program;

/// A compiled route glob (see the [module documentation](self) for the syntax and the
/// resolution rules).
#[derive(Clone, Debug)]
pub struct Glob {
    program: Program,
}

impl Glob {
    /// Resolves `pattern` against `base_url` (see [Resolution](self#resolution)) and compiles
    /// it.
    ///
    /// Never fails: a pattern that cannot be resolved is used as written. `base_url` may be an
    /// `http:`/`https:` URL (it is mapped to `ws:`/`wss:`) or `None` (relative patterns then
    /// match nothing, as in Playwright without a `baseURL`).
    pub fn new(pattern: &str, base_url: Option<&str>, parser: &impl UrlParser) -> Glob {
        Glob::compile(resolve::resolve(pattern, base_url, parser))
    }

    /// Compiles an already resolved glob.
    fn compile(source: String) -> Glob {
        Glob {
            program: Program::compile(&source),
        }
    }

    /// Does the whole of `url` match the glob?
    ///
    /// `url` should be the socket's normalised URL (see
    /// [`normalize_socket_url`](crate::sans_io::urls::normalize_socket_url)).
    pub fn matches(&self, url: &str) -> bool {
        self.program.matches(url)
    }
}

#[cfg(test)]
mod tests;
