//! [`Pattern`]: which socket URLs a route handles, whoever registered it.

use std::fmt;
use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::env::BrowserUrl;
use crate::sans_io::pattern::Glob;

/// Which socket URLs a route handles: a Playwright glob, a regular expression
/// (tested unanchored, with JavaScript's `RegExp`), or a predicate on the
/// socket's normalised URL.
///
/// Globs: `*` matches any run of characters but `/`, `**` any run, `{a,b}`
/// either alternative, `\` escapes, `?` is literal. A glob that does not start
/// with `*` is resolved against the base URL first
/// ([`Installed::set_base_url`](crate::Installed::set_base_url), else the
/// document's), so `/ws` matches `ws://host/ws` on a page served from
/// `http://host/`.
///
/// ```
/// # #[cfg(target_arch = "wasm32")] {
/// use wsroute::Pattern;
/// let glob: Pattern = "wss://example.test/**".into();
/// let chat = Pattern::predicate(|url| url.ends_with("/chat"));
/// let numbered = Pattern::regex(r"/room/\d+$", "").expect("a valid regex");
/// # }
/// ```
#[derive(Clone)]
pub struct Pattern(pub(crate) Matcher);

/// How a [`Pattern`] decides, and (for patterns given from JavaScript) the
/// value it was made from, which `unrouteWebSocket` compares.
#[derive(Clone)]
pub(crate) enum Matcher {
    Glob(String),
    Regex(js_sys::RegExp),
    Predicate {
        test: Rc<dyn Fn(&str) -> bool>,
        /// The JavaScript function it was made from, if any.
        from: Option<JsValue>,
    },
}

impl Pattern {
    /// A pattern that calls `f` with the socket's normalised URL.
    ///
    /// ```no_run
    /// let chat = wsroute::Pattern::predicate(|url| url.ends_with("/chat"));
    /// # let _ = chat;
    /// ```
    pub fn predicate(f: impl Fn(&str) -> bool + 'static) -> Self {
        Pattern(Matcher::Predicate {
            test: Rc::new(f),
            from: None,
        })
    }

    /// A regular expression with JavaScript's syntax and `flags`, tested
    /// unanchored against the socket's normalised URL. Fails with the
    /// browser's message when `source` or `flags` is invalid.
    ///
    /// ```no_run
    /// let rooms = wsroute::Pattern::regex(r"/room/\d+$", "i").expect("a valid regex");
    /// assert!(wsroute::Pattern::regex("(", "").is_err());
    /// # let _ = rooms;
    /// ```
    pub fn regex(source: &str, flags: &str) -> Result<Self, PatternError> {
        super::glue::new_regexp(source, flags)
            .map(|r| Pattern(Matcher::Regex(r)))
            .map_err(|e| PatternError(super::glue::to_js_string(&e)))
    }

    /// Whether the socket URL `url` matches; globs resolve against `base`.
    pub(crate) fn matches(&self, url: &str, base: Option<&str>) -> bool {
        match &self.0 {
            Matcher::Glob(g) => Glob::new(g, base, &BrowserUrl).matches(url),
            Matcher::Regex(r) => r.test(url),
            Matcher::Predicate { test, .. } => test(url),
        }
    }

    /// Whether this is a glob (which needs the base URL to match).
    pub(crate) fn is_glob(&self) -> bool {
        matches!(self.0, Matcher::Glob(_))
    }

    /// Whether `other` was given the same way: the same glob, a regex with
    /// the same source and flags, or the same JavaScript function.
    pub(crate) fn same_as(&self, other: &Pattern) -> bool {
        match (&self.0, &other.0) {
            (Matcher::Glob(a), Matcher::Glob(b)) => a == b,
            (Matcher::Regex(a), Matcher::Regex(b)) => {
                a.source() == b.source() && a.flags() == b.flags()
            }
            (
                Matcher::Predicate { from: Some(a), .. },
                Matcher::Predicate { from: Some(b), .. },
            ) => a == b,
            _ => false,
        }
    }
}

impl From<&str> for Pattern {
    fn from(s: &str) -> Self {
        Pattern(Matcher::Glob(s.to_owned()))
    }
}

impl From<String> for Pattern {
    fn from(s: String) -> Self {
        Pattern(Matcher::Glob(s))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Matcher::Glob(g) => f.debug_tuple("Glob").field(g).finish(),
            Matcher::Regex(r) => write!(
                f,
                "Regex(/{}/{})",
                String::from(r.source()),
                String::from(r.flags())
            ),
            Matcher::Predicate { .. } => f.write_str("Predicate(..)"),
        }
    }
}

/// Why [`Pattern::regex`] refused a regular expression: the browser's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}
