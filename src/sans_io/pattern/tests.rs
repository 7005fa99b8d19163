//! Glob parsing, matching and resolution, against tables and Playwright's behaviour.

use super::automaton::{MAX_GROUP_DEPTH, Role, brace_roles};
use super::resolve::resolve;
use super::*;
use crate::sans_io::urls::TestParser;
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
            resolve(pattern, *base, &TestParser),
            *want,
            "{pattern:?} against {base:?}"
        );
    }
}

/// Where a piece is, or is not, a scheme or a host; literal ports the URL parser would
/// refuse; the dot segments Playwright leaves to the parser; the case of hosts.
#[test]
fn resolution_corners() {
    let localhost = Some("http://localhost:3000/app/");
    let cases: &[(&str, Option<&str>, &str)] = &[
        // `:` alone is no scheme: the glob is a relative path, and its third piece a path
        // segment, kept as written (not a host whose port loses its leading zeros)
        (
            "://*.test:0080/ws",
            localhost,
            "ws://localhost:3000/app/://*.test:0080/ws",
        ),
        // only `http` and `https` become `ws` and `wss`, not schemes that contain `http`
        ("httpx://h/x", None, "httpx://h/x"),
        ("HTTPX://h/x", None, "httpx://h/x"),
        // a third piece is a host only after `scheme://` or `//`; in a path `:80` stays
        ("/a/*:80", localhost, "ws://localhost:3000/a/*:80"),
        ("a/b/*:80", localhost, "ws://localhost:3000/app/a/b/*:80"),
        ("//h/a/*:80", localhost, "ws://h/a/*:80"),
        // a port the URL parser refuses is not rewritten as one it would take
        ("ws://*.test:+80/x", None, "ws://*.test:+80/x"),
        ("ws://*.test:070000/x", None, "ws://*.test:070000/x"),
        ("ws://*.test:65536/x", None, "ws://*.test:65536/x"),
        ("ws://*.test:065535/x", None, "ws://*.test:65535/x"),
        // with a host the parser refuses, every piece is hidden (as in Playwright) but
        // `.` and `..`, which the parser still resolves
        ("ws://exa mple/./a/../x", None, "ws://exa mple/x"),
        ("ws://exa mple/a/.././x/", None, "ws://exa mple/x/"),
        // hosts are lower-cased whatever the scheme's length; paths keep their case
        ("wss://*.Example.TEST", None, "wss://*.example.test/"),
        ("https://*.Example.TEST", None, "wss://*.example.test/"),
        ("http*://*.Example.TEST", None, "ws*://*.example.test/"),
        ("https://h/*Chat", None, "wss://h/*Chat"),
        ("ws://example.test/*Chat", None, "ws://example.test/*Chat"),
        (
            "wss://*.Example.TEST/{A,B}?Q=*X",
            None,
            "wss://*.example.test/{A,B}?Q=*X",
        ),
    ];
    for (pattern, base, want) in cases {
        assert_eq!(
            resolve(pattern, *base, &TestParser),
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
            resolve(pattern, *base, &TestParser)
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
    assert_eq!(
        resolve("ws://wsrglob0z.test/wsrglob*", None, &TestParser),
        "ws://wsrglob0z.test/wsrglob*"
    );
    assert!(glob.matches("ws://wsrglob0z.test/wsrglob1"));
}

/// The example that documented `Glob`.
#[test]
fn example_glob() {
    use crate::sans_io::pattern::Glob;
    use crate::sans_io::urls::UrlParser;

    /// Stands in for the browser's `URL`; this one only knows absolute, normal URLs.
    struct Absolute;
    impl UrlParser for Absolute {
        fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
            input.contains("://").then(|| input.to_string())
        }
    }

    let glob = Glob::new("wss://example.test/{chat,feed}/*", None, &Absolute);
    assert!(glob.matches("wss://example.test/chat/room1"));
    assert!(!glob.matches("wss://example.test/chat/room1/x"));
    assert!(Glob::new("**/feed", None, &Absolute).matches("ws://localhost:8080/a/feed"));
}
