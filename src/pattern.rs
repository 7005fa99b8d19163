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

use crate::urls::{UrlParser, to_ws_base};

/// Characters that give a glob piece a meaning the URL parser must not see.
const META: [char; 4] = ['*', '{', '}', '\\'];

/// Deeper `{` nesting is treated as literal text (bounds recursion on hostile input).
const MAX_GROUP_DEPTH: usize = 16;

/// A parsed glob element.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// One character, matched exactly.
    Literal(char),
    /// `*`: any run of characters except `/`.
    Star,
    /// `**`: any run of characters.
    DoubleStar,
    /// `**/` right after a `/`: nothing, or one or more characters ending with `/`.
    DeepDir,
    /// `{a,b}`: one of the alternatives.
    Group(Vec<Vec<Token>>),
}

/// An instruction of the compiled automaton; `usize` fields are indices of next states.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Inst {
    /// Consume this exact character.
    Char(char, usize),
    /// Consume any one character.
    Any(usize),
    /// Consume any character (except `/` unless `slash`) and stay here, or move on to `next`
    /// without consuming.
    Loop {
        /// Whether `/` may be consumed.
        slash: bool,
        /// The state after the loop.
        next: usize,
    },
    /// Move on to all of these states without consuming.
    Split(Vec<usize>),
    /// The whole glob has matched.
    Match,
}

/// A compiled route glob (see the [module documentation](self) for the syntax and the
/// resolution rules).
///
/// ```
/// use wsroute::pattern::Glob;
/// use wsroute::urls::UrlParser;
///
/// /// Stands in for the browser's `URL`; this one only knows absolute, normal URLs.
/// struct Absolute;
/// impl UrlParser for Absolute {
///     fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
///         input.contains("://").then(|| input.to_string())
///     }
/// }
///
/// let glob = Glob::new("wss://example.test/{chat,feed}/*", None, &Absolute);
/// assert!(glob.matches("wss://example.test/chat/room1"));
/// assert!(!glob.matches("wss://example.test/chat/room1/x"));
/// assert!(Glob::new("**/feed", None, &Absolute).matches("ws://localhost:8080/a/feed"));
/// ```
#[derive(Clone, Debug)]
pub struct Glob {
    source: String,
    program: Vec<Inst>,
    start: usize,
}

impl Glob {
    /// Resolves `pattern` against `base_url` (see [Resolution](self#resolution)) and compiles
    /// it.
    ///
    /// Never fails: a pattern that cannot be resolved is used as written. `base_url` may be an
    /// `http:`/`https:` URL (it is mapped to `ws:`/`wss:`) or `None` (relative patterns then
    /// match nothing, as in Playwright without a `baseURL`).
    pub fn new(pattern: &str, base_url: Option<&str>, parser: &impl UrlParser) -> Glob {
        Glob::compile(resolve(pattern, base_url, parser))
    }

    /// Compiles an already resolved glob.
    fn compile(source: String) -> Glob {
        let chars: Vec<char> = source.chars().collect();
        let roles = brace_roles(&chars);
        let tokens = parse_alternatives(&chars, &roles, 0, chars.len(), false)
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut program = vec![Inst::Match];
        let start = if source.is_empty() {
            // An empty glob matches everything, as in Playwright.
            program.push(Inst::Loop {
                slash: true,
                next: 0,
            });
            1
        } else {
            compile_seq(&tokens, 0, &mut program)
        };
        Glob {
            source,
            program,
            start,
        }
    }

    /// Does the whole of `url` match the glob?
    ///
    /// `url` should be the socket's normalised URL (see
    /// [`normalize_socket_url`](crate::urls::normalize_socket_url)).
    pub fn matches(&self, url: &str) -> bool {
        let mut sim = Simulation::new(self.program.len());
        let mut current = Vec::new();
        sim.add(&self.program, self.start, &mut current);
        for c in url.chars() {
            if current.is_empty() {
                return false;
            }
            sim.next_generation();
            let mut next = Vec::with_capacity(current.len());
            for &state in &current {
                match self.program.get(state) {
                    Some(Inst::Char(want, to)) if *want == c => {
                        sim.add(&self.program, *to, &mut next)
                    }
                    Some(Inst::Any(to)) => sim.add(&self.program, *to, &mut next),
                    Some(Inst::Loop { slash, .. }) if *slash || c != '/' => {
                        sim.add(&self.program, state, &mut next)
                    }
                    _ => {}
                }
            }
            current = next;
        }
        current
            .iter()
            .any(|&s| matches!(self.program.get(s), Some(Inst::Match)))
    }

    /// The resolved glob text that is matched, for messages (for example
    /// `ws://localhost:3000/ws` for the pattern `/ws` and base `http://localhost:3000/`).
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Book-keeping for running the automaton: which states are already in the set being built.
struct Simulation {
    seen: Vec<u32>,
    generation: u32,
    stack: Vec<usize>,
}

impl Simulation {
    fn new(states: usize) -> Self {
        Simulation {
            seen: vec![0; states],
            generation: 1,
            stack: Vec::new(),
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Only after 2^32 characters; start the marks afresh rather than alias old ones.
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Adds `state` and everything reachable from it without consuming a character to `set`.
    fn add(&mut self, program: &[Inst], state: usize, set: &mut Vec<usize>) {
        self.stack.push(state);
        while let Some(s) = self.stack.pop() {
            let Some(mark) = self.seen.get_mut(s) else {
                continue;
            };
            if *mark == self.generation {
                continue;
            }
            *mark = self.generation;
            match program.get(s) {
                Some(Inst::Split(targets)) => self.stack.extend(targets.iter().rev()),
                Some(Inst::Loop { next, .. }) => {
                    set.push(s);
                    self.stack.push(*next);
                }
                Some(_) => set.push(s),
                None => {}
            }
        }
    }
}

/// What a character of the glob is, as far as braces go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A `{` whose matching `}` is at this index.
    Open(usize),
    /// Anything else (including unmatched braces, which are literal).
    Plain,
}

/// Pairs up the unescaped braces of a glob.
fn brace_roles(chars: &[char]) -> Vec<Role> {
    let mut roles = vec![Role::Plain; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 1,
            '{' if open.len() < MAX_GROUP_DEPTH => open.push(i),
            '}' => {
                if let Some(o) = open.pop() {
                    if let Some(role) = roles.get_mut(o) {
                        *role = Role::Open(i);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    roles
}

/// Parses `chars[lo..hi]` into alternatives (split at top-level `,` when `in_group`).
fn parse_alternatives(
    chars: &[char],
    roles: &[Role],
    lo: usize,
    hi: usize,
    in_group: bool,
) -> Vec<Vec<Token>> {
    let mut alternatives = Vec::new();
    let mut seq = Vec::new();
    let mut i = lo;
    while i < hi {
        let Some(&c) = chars.get(i) else { break };
        match c {
            '\\' if i + 1 < hi => {
                if let Some(&escaped) = chars.get(i + 1) {
                    seq.push(Token::Literal(escaped));
                }
                i += 2;
            }
            '*' => {
                // Like Playwright, look at the raw characters around the run of stars.
                let before = i.checked_sub(1).and_then(|b| chars.get(b)).copied();
                let mut end = i;
                while end < hi && chars.get(end) == Some(&'*') {
                    end += 1;
                }
                let stars = end - i;
                let after = if end < hi {
                    chars.get(end).copied()
                } else {
                    None
                };
                i = end;
                if stars < 2 {
                    seq.push(Token::Star);
                } else if after == Some('/') {
                    i += 1;
                    if before == Some('/') {
                        seq.push(Token::DeepDir);
                    } else {
                        seq.push(Token::DoubleStar);
                        seq.push(Token::Literal('/'));
                    }
                } else {
                    seq.push(Token::DoubleStar);
                }
            }
            '{' => match roles.get(i) {
                Some(&Role::Open(close)) => {
                    let alts = parse_alternatives(chars, roles, i + 1, close, true);
                    seq.push(Token::Group(alts));
                    i = close + 1;
                }
                _ => {
                    seq.push(Token::Literal('{'));
                    i += 1;
                }
            },
            ',' if in_group => {
                alternatives.push(std::mem::take(&mut seq));
                i += 1;
            }
            _ => {
                seq.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    alternatives.push(seq);
    alternatives
}

/// Compiles `tokens` so that after them the automaton continues at `next`; returns the
/// entry state.
fn compile_seq(tokens: &[Token], next: usize, program: &mut Vec<Inst>) -> usize {
    tokens
        .iter()
        .rev()
        .fold(next, |next, token| compile_token(token, next, program))
}

/// Appends `inst` and returns its index.
fn push(inst: Inst, program: &mut Vec<Inst>) -> usize {
    program.push(inst);
    program.len() - 1
}

fn compile_token(token: &Token, next: usize, program: &mut Vec<Inst>) -> usize {
    match token {
        Token::Literal(c) => push(Inst::Char(*c, next), program),
        Token::Star => push(Inst::Loop { slash: false, next }, program),
        Token::DoubleStar => push(Inst::Loop { slash: true, next }, program),
        Token::DeepDir => {
            // Playwright's `((.+/)|)`: nothing, or one char, any run, then `/`.
            let slash = push(Inst::Char('/', next), program);
            let run = push(
                Inst::Loop {
                    slash: true,
                    next: slash,
                },
                program,
            );
            let one = push(Inst::Any(run), program);
            push(Inst::Split(vec![next, one]), program)
        }
        Token::Group(alternatives) => {
            let entries = alternatives
                .iter()
                .map(|alt| compile_seq(alt, next, program))
                .collect();
            push(Inst::Split(entries), program)
        }
    }
}

/// Schemes whose URLs have a (case-insensitive) host, as the URL standard's special schemes.
const SPECIAL_SCHEMES: [&str; 5] = ["ws", "wss", "http", "https", "ftp"];

/// Does this piece of a glob hold glob syntax?
fn has_meta(piece: &str) -> bool {
    piece.chars().any(|c| META.contains(&c))
}

/// Does `s` contain the ASCII byte `b`? (`str::contains(char)` would link
/// the substring searcher for its non-ASCII case; see `crate::text`.)
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
        while crate::text::contains(&haystack, &prefix) {
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
        let host_end = host_end(resolved);
        let mut found: Vec<(usize, usize, String)> = self
            .pieces
            .iter()
            .filter_map(|(placeholder, original)| {
                let at = crate::text::find(resolved, placeholder)?;
                let text = if at < host_end {
                    original.to_ascii_lowercase()
                } else {
                    original.clone()
                };
                Some((at, placeholder.len(), text))
            })
            .collect();
        // Only a few pieces: an insertion sort keeps std's sort (about 5 KB of
        // wasm) out of the build.
        for i in 1..found.len() {
            let mut j = i;
            while j > 0 && found[j - 1].0 > found[j].0 {
                found.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut out = String::with_capacity(resolved.len());
        let mut copied = 0;
        for (at, len, text) in found {
            out.push_str(resolved.get(copied..at).unwrap_or_default());
            out.push_str(&text);
            copied = at + len;
        }
        out.push_str(resolved.get(copied..).unwrap_or_default());
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
    crate::text::replace(&scheme.to_ascii_lowercase(), "http", "ws")
}

/// Resolves a route glob against the base URL (see the module documentation).
fn resolve(pattern: &str, base: Option<&str>, parser: &impl UrlParser) -> String {
    if pattern.is_empty() || pattern.starts_with('*') {
        return pattern.to_string();
    }
    // Playwright reads `\\?` in a glob as `?`.
    let pattern = crate::text::replace(pattern, "\\\\?", "?");
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

/// One attempt at resolving `pattern`; `None` when the URL parser refuses it.
fn resolve_with(
    pattern: &str,
    base: Option<&str>,
    parser: &impl UrlParser,
    mode: Mode,
) -> Option<String> {
    let pieces: Vec<&str> = pattern.split('/').collect();
    let first = pieces.first().copied().unwrap_or_default();
    let scheme_piece = is_scheme_piece(first).then_some(first);
    let scheme_is_glob = scheme_piece.is_some_and(|s| has_meta(s) || has_byte(s, b'?'));
    // `scheme://host...` or `//host...`: the host (and port) is the third piece.
    let has_authority = pieces.len() > 2
        && pieces.get(1).is_some_and(|p| p.is_empty())
        && (first.is_empty() || scheme_piece.is_some());
    let scheme = match scheme_piece {
        Some(s) => s.strip_suffix(':'),
        None => base.and_then(|b| b.split_once(':')).map(|(s, _)| s),
    };

    let mut placeholders = Placeholders::new(pattern, base);
    let mut relative = Vec::with_capacity(pieces.len());
    for (index, &piece) in pieces.iter().enumerate() {
        if piece.is_empty() || piece == "." || piece == ".." {
            relative.push(piece.to_string());
            continue;
        }
        if index == 0 && scheme_piece.is_some() {
            // A scheme with glob syntax is parsed as `http:`, a special scheme, so that the
            // host after it is parsed as a host.
            relative.push(if scheme_is_glob { "http:" } else { piece }.to_string());
            continue;
        }
        let is_host = has_authority && index == 2;
        let piece = if is_host && has_meta(piece) && !scheme_is_glob {
            normalise_port(piece, scheme)
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
            || (is_host && scheme_is_glob);
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
    let relative = joined;
    let parsed = parser
        .parse(&relative, base)
        .or_else(|| base.and_then(|_| parser.parse(&relative, None)))?;
    let restored = placeholders.restore(&parsed);

    let (scheme, rest) = restored.split_once(':')?;
    let scheme = match scheme_piece {
        Some(s) if scheme_is_glob => ws_scheme_glob(s.strip_suffix(':').unwrap_or(s)),
        _ => ws_scheme(scheme),
    };
    Some(format!("{scheme}:{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::TestParser;
    use std::time::{Duration, Instant};

    /// Compiles a glob without resolving it.
    fn raw(glob: &str) -> Glob {
        Glob::compile(glob.to_string())
    }

    fn resolved(pattern: &str, base: Option<&str>) -> Glob {
        Glob::new(pattern, base, &TestParser)
    }

    #[test]
    fn glob_syntax() {
        let cases: &[(&str, &str, bool)] = &[
            // literal, anchored at both ends
            ("ws://h/a", "ws://h/a", true),
            ("ws://h/a", "ws://h/ab", false),
            ("ws://h/a", "xws://h/a", false),
            ("ws://h/a", "ws://h/A", false),
            // `*` stops at `/`
            ("ws://h/*", "ws://h/abc", true),
            ("ws://h/*", "ws://h/", true),
            ("ws://h/*", "ws://h/a/b", false),
            ("ws://h/*/b", "ws://h/a/b", true),
            ("ws://h/*/b", "ws://h/a/x/b", false),
            ("ws://*.test/", "ws://a.test/", true),
            ("ws://*.test/", "ws://a/b.test/", false),
            ("ws://h/a*c", "ws://h/abbbc", true),
            ("ws://h/a*c", "ws://h/ac", true),
            ("ws://h/a*c", "ws://h/ab/c", false),
            // `**` crosses `/`
            ("ws://h/**", "ws://h/", true),
            ("ws://h/**", "ws://h/a/b/c", true),
            ("ws://h/a**", "ws://h/a/b", true),
            ("ws://h/**c", "ws://h/a/b/c", true),
            ("ws://h/a/**/b", "ws://h/a/b", true),
            ("ws://h/a/**/b", "ws://h/a/x/b", true),
            ("ws://h/a/**/b", "ws://h/a/x/y/b", true),
            // `/**/` is `/` or `/<one or more chars>/`: not `//`
            ("ws://h/a/**/b", "ws://h/a//b", false),
            ("ws://h/a/**/b", "ws://h/ab", false),
            // `**/` not after `/` needs a `/`
            ("ws://h/a**/b", "ws://h/a/b", true),
            ("ws://h/a**/b", "ws://h/ax/y/b", true),
            ("ws://h/a**/b", "ws://h/ab", false),
            ("**/ws", "ws://h/ws", true),
            ("**/ws", "wss://x.y:1/a/b/ws", true),
            ("**/ws", "ws://h/wsx", false),
            ("**", "anything at all", true),
            ("*", "no-slash", true),
            ("*", "ws://h/", false),
            ("***", "a/b", true),
            ("*://h/x", "ws://h/x", true),
            ("*://h/x", "wss://h/x", true),
            // groups
            ("ws://h/{a,b}", "ws://h/a", true),
            ("ws://h/{a,b}", "ws://h/b", true),
            ("ws://h/{a,b}", "ws://h/c", false),
            ("ws://h/{a,b}", "ws://h/ab", false),
            ("ws://h/{a,}x", "ws://h/x", true),
            ("ws://h/{a,}x", "ws://h/ax", true),
            ("ws://h/{chat,feed}/*", "ws://h/feed/1", true),
            ("ws://h/{a*,b}", "ws://h/axyz", true),
            ("ws://h/{a*,b}", "ws://h/a/z", false),
            ("ws://h/{a/**,b}", "ws://h/a/x/y", true),
            ("ws://h/{a/*,b/c}", "ws://h/b/c", true),
            ("{ws,wss}://h/", "wss://h/", true),
            ("{ws,wss}://h/", "http://h/", false),
            ("ws://h/{a,{b,c}}d", "ws://h/cd", true),
            ("ws://h/{a,{b,c},e}", "ws://h/e", true),
            ("ws://h/{a,{b,c},e}", "ws://h/,e", false),
            // a comma outside a group is literal
            ("ws://h/a,b", "ws://h/a,b", true),
            // unbalanced braces are literal
            ("ws://h/{a", "ws://h/{a", true),
            ("ws://h/a}", "ws://h/a}", true),
            ("ws://h/{a,b", "ws://h/{a,b", true),
            ("ws://h/{a,b}}", "ws://h/b}", true),
            ("ws://h/{{a,b}", "ws://h/{a", true),
            // `?` is literal
            ("ws://h/a?x=1", "ws://h/a?x=1", true),
            ("ws://h/a?x=1", "ws://h/abx=1", false),
            ("ws://h/a?", "ws://h/ab", false),
            ("ws://h/a?x=*", "ws://h/a?x=42", true),
            // other regex characters are literal too
            ("ws://h/[ab].$^+()|", "ws://h/[ab].$^+()|", true),
            ("ws://h/a.b", "ws://h/aXb", false),
            // escapes
            ("ws://h/\\*", "ws://h/*", true),
            ("ws://h/\\*", "ws://h/x", false),
            ("ws://h/\\{a,b\\}", "ws://h/{a,b}", true),
            ("ws://h/\\{a,b\\}", "ws://h/a", false),
            ("ws://h/{a\\,b,c}", "ws://h/a,b", true),
            ("ws://h/{a\\}b,c}", "ws://h/a}b", true),
            ("ws://h/\\\\", "ws://h/\\", true),
            ("ws://h/\\a", "ws://h/a", true),
            ("ws://h/a\\", "ws://h/a\\", true),
            // non-ASCII
            ("ws://h/é*", "ws://h/éèê", true),
            ("ws://h/😀", "ws://h/😀", true),
            ("ws://h/*", "ws://h/😀", true),
            // empty glob matches everything
            ("", "ws://h/anything", true),
            ("", "", true),
        ];
        for (glob, url, want) in cases {
            assert_eq!(raw(glob).matches(url), *want, "glob {glob:?} url {url:?}");
        }
    }

    #[test]
    fn resolution() {
        let localhost = Some("http://localhost:3000/app/");
        let cases: &[(&str, Option<&str>, &str)] = &[
            // relative globs against the base, http(s) mapped to ws(s)
            ("/ws", localhost, "ws://localhost:3000/ws"),
            ("ws", localhost, "ws://localhost:3000/app/ws"),
            ("./ws", localhost, "ws://localhost:3000/app/ws"),
            ("../ws", localhost, "ws://localhost:3000/ws"),
            (
                "/ws",
                Some("https://example.test/"),
                "wss://example.test/ws",
            ),
            (
                "/ws",
                Some("HTTP://EXAMPLE.test:80/"),
                "ws://example.test/ws",
            ),
            (
                "/ws",
                Some("HTTPS://example.test:443/x"),
                "wss://example.test/ws",
            ),
            ("/ws", Some("ws://example.test/"), "ws://example.test/ws"),
            ("/ws/*", localhost, "ws://localhost:3000/ws/*"),
            ("/ws/**/x", localhost, "ws://localhost:3000/ws/**/x"),
            ("/{a,b}/x", localhost, "ws://localhost:3000/{a,b}/x"),
            ("/ws?token=*", localhost, "ws://localhost:3000/ws?token=*"),
            ("?x=1", localhost, "ws://localhost:3000/app/?x=1"),
            ("//other.test/ws", localhost, "ws://other.test/ws"),
            ("//*.test/ws", localhost, "ws://*.test/ws"),
            // a ':' in a relative first piece is not a scheme
            (
                "localhost:3000/ws",
                localhost,
                "ws://localhost:3000/app/localhost:3000/ws",
            ),
            // without a base, relative globs stay as written
            ("/ws", None, "/ws"),
            ("ws", None, "ws"),
            ("/ws/*", None, "/ws/*"),
            // absolute globs are normalised with or without a base
            ("ws://example.test", None, "ws://example.test/"),
            ("ws://example.test", localhost, "ws://example.test/"),
            ("ws://Example.TEST/Path", None, "ws://example.test/Path"),
            ("WS://h/x", None, "ws://h/x"),
            ("ws://h:80/x", None, "ws://h/x"),
            ("wss://h:443/x", None, "wss://h/x"),
            ("ws://h:443/x", None, "ws://h:443/x"),
            ("ws://h:8080", None, "ws://h:8080/"),
            ("ws://h:08080/x", None, "ws://h:8080/x"),
            ("http://h/ws", None, "ws://h/ws"),
            ("https://h/ws", None, "wss://h/ws"),
            ("HTTPS://H:443/ws", None, "wss://h/ws"),
            ("http://h:80/ws", None, "ws://h/ws"),
            ("https://h:443", None, "wss://h/"),
            ("ws://h/a b", None, "ws://h/a%20b"),
            ("ws://h/ü", None, "ws://h/%C3%BC"),
            ("ws://bücher.test/", None, "ws://xn--bcher-kva.test/"),
            ("ws://h/a/./b/../c", None, "ws://h/a/c"),
            ("ws://h/ws?x=a b", None, "ws://h/ws?x=a%20b"),
            ("ws://[::1]:80/", None, "ws://[::1]/"),
            // glob pieces are hidden from the parser and put back as written
            ("ws://h/*", None, "ws://h/*"),
            ("ws://h/**", None, "ws://h/**"),
            ("ws://h/a?x=*", None, "ws://h/a?x=*"),
            ("ws://h/*?x=1", None, "ws://h/*?x=1"),
            ("ws://h/{a,b}", None, "ws://h/{a,b}"),
            ("ws://h/\\*", None, "ws://h/\\*"),
            ("ws://h/a#*", None, "ws://h/a#*"),
            ("ws://h/*/../x", None, "ws://h/x"),
            // host and scheme with glob syntax: lower-cased, literal default port dropped
            ("ws://*.Example.TEST/x", None, "ws://*.example.test/x"),
            ("ws://*.test:80/x", None, "ws://*.test/x"),
            ("wss://*.test:443/x", None, "wss://*.test/x"),
            ("ws://*.test:443/x", None, "ws://*.test:443/x"),
            ("ws://*.test:0443/x", None, "ws://*.test:443/x"),
            ("ws://localhost:*", None, "ws://localhost:*/"),
            ("ws://{A,B}.test", None, "ws://{a,b}.test/"),
            ("WS*://h/x", None, "ws*://h/x"),
            ("http*://h/x", None, "ws*://h/x"),
            ("{http,https}://h/x", None, "{ws,wss}://h/x"),
            ("{ws,wss}://H:80/x", None, "{ws,wss}://h:80/x"),
            // globs starting with `*` are not resolved
            ("**/ws", localhost, "**/ws"),
            ("*://H:80/x", localhost, "*://H:80/x"),
            // Playwright's special cases
            ("about:blank", localhost, "about:blank"),
            ("file:///x/*", localhost, "file:///x/*"),
            ("ws://h/a\\\\?b", None, "ws://h/a?b"),
            // unparseable globs are used as written
            ("ws://exa mple/*", None, "ws://exa mple/*"),
            ("ws://[/x", None, "ws://[/x"),
            ("", localhost, ""),
            // a base that is not a URL is no base
            ("ws://h", Some("not a url"), "ws://h/"),
            ("/ws", Some("not a url"), "/ws"),
        ];
        for (pattern, base, want) in cases {
            assert_eq!(
                resolved(pattern, *base).source(),
                *want,
                "{pattern:?} against {base:?}"
            );
        }
    }

    #[test]
    fn matching_resolved_globs() {
        let localhost = Some("http://localhost:3000/app/");
        let cases: &[(&str, Option<&str>, &str, bool)] = &[
            ("/ws", localhost, "ws://localhost:3000/ws", true),
            ("/ws", localhost, "ws://localhost:3001/ws", false),
            ("/ws", localhost, "wss://localhost:3000/ws", false),
            ("ws", localhost, "ws://localhost:3000/app/ws", true),
            (
                "/ws",
                Some("https://example.test/"),
                "wss://example.test/ws",
                true,
            ),
            (
                "/ws",
                Some("HTTP://example.test/"),
                "ws://example.test/ws",
                true,
            ),
            // trailing slash of an origin-only glob
            ("ws://example.test", None, "ws://example.test/", true),
            ("ws://example.test", None, "ws://example.test/x", false),
            (
                "wss://example.test:8443",
                None,
                "wss://example.test:8443/",
                true,
            ),
            // default ports and case
            (
                "ws://example.test:80/ws",
                None,
                "ws://example.test/ws",
                true,
            ),
            (
                "wss://example.test:443/ws",
                None,
                "wss://example.test/ws",
                true,
            ),
            ("ws://EXAMPLE.test/ws", None, "ws://example.test/ws", true),
            ("WSS://Example.Test/ws", None, "wss://example.test/ws", true),
            (
                "ws://*.EXAMPLE.test:80/ws",
                None,
                "ws://a.example.test/ws",
                true,
            ),
            // http(s) globs match ws(s) sockets
            ("http://example.test/ws", None, "ws://example.test/ws", true),
            (
                "https://example.test/ws",
                None,
                "wss://example.test/ws",
                true,
            ),
            (
                "https://example.test/ws",
                None,
                "ws://example.test/ws",
                false,
            ),
            (
                "http*://example.test/ws",
                None,
                "wss://example.test/ws",
                true,
            ),
            // literal `?`
            ("ws://h/a?x=1", None, "ws://h/a?x=1", true),
            ("ws://h/a?x=1", None, "ws://h/abx=1", false),
            (
                "/chat?room=*",
                localhost,
                "ws://localhost:3000/chat?room=7",
                true,
            ),
            // `**` globs match any scheme and host
            ("**/ws", localhost, "wss://elsewhere.test:9/ws", true),
            ("**/ws", None, "ws://h/ws", true),
            ("**", None, "ws://h/anything/at/all?x", true),
            // percent-encoding as in the socket URL
            ("ws://h/a b", None, "ws://h/a%20b", true),
            // relative glob without a base matches nothing absolute
            ("/ws", None, "ws://h/ws", false),
        ];
        for (pattern, base, url, want) in cases {
            let glob = resolved(pattern, *base);
            assert_eq!(
                glob.matches(url),
                *want,
                "{pattern:?} against {base:?} (resolved {:?}) vs {url:?}",
                glob.source()
            );
        }
    }

    /// Matching is linear in the URL for any glob: no exponential backtracking.
    #[test]
    fn pathological_globs_are_fast() {
        let long_a = "a".repeat(20_000);
        let long_slashes = "a/".repeat(10_000);
        let cases: Vec<(String, String)> = vec![
            ("**a**a**a**a**a**a**a**a**b".into(), long_a.clone()),
            ("*a*a*a*a*a*a*a*a*a*a*b".into(), long_a.clone()),
            (format!("{}b", "{a,aa,*}".repeat(30)), long_a.clone()),
            (format!("{}b", "**/".repeat(30)), long_slashes.clone()),
            (format!("{}b", "/**/a".repeat(30)), long_slashes),
            (format!("{}b", "{".repeat(1000)), long_a.clone()),
            (
                format!("{}{}", "{a,".repeat(1000), "}".repeat(1000)),
                long_a,
            ),
        ];
        let started = Instant::now();
        for (glob, url) in &cases {
            assert!(!raw(glob).matches(url), "{glob}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // Beyond the nesting limit braces are literal, so nothing overflows the stack: here the
        // first MAX_GROUP_DEPTH `{` pair with the first `}`s, and the rest is literal text.
        let n = 100_000;
        let glob = raw(&format!("{}x{}", "{".repeat(n), "}".repeat(n)));
        let extra = n - MAX_GROUP_DEPTH;
        assert!(glob.matches(&format!("{}x{}", "{".repeat(extra), "}".repeat(extra))));
        assert!(!glob.matches("x"));
        let limit = format!(
            "{}x{}",
            "{".repeat(MAX_GROUP_DEPTH),
            "}".repeat(MAX_GROUP_DEPTH)
        );
        assert!(raw(&limit).matches("x"));
    }

    #[test]
    fn brace_pairs() {
        let chars: Vec<char> = "{a\\}{b}}".chars().collect();
        assert_eq!(
            brace_roles(&chars),
            vec![
                Role::Open(7),
                Role::Plain,
                Role::Plain,
                Role::Plain,
                Role::Open(6),
                Role::Plain,
                Role::Plain,
                Role::Plain,
            ]
        );
    }

    #[test]
    fn placeholders_avoid_the_pattern() {
        let glob = resolved("ws://wsrglob0z.test/wsrglob*", None);
        assert_eq!(glob.source(), "ws://wsrglob0z.test/wsrglob*");
        assert!(glob.matches("ws://wsrglob0z.test/wsrglob1"));
    }
}
