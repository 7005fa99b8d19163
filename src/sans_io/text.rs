//! Substring search and replace for the short strings wsroute handles (URLs,
//! globs, user agents), without `core::str::pattern`'s two-way searcher: in
//! wasm its panic paths bring in string formatting and Unicode tables
//! (about 8 KB of the module, which the page compiles at install).

/// The byte offset of the first `needle` in `hay`.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    // A match of valid UTF-8 in valid UTF-8 starts on a char boundary.
    h.windows(n.len()).position(|w| w == n)
}

/// Whether `hay` contains `needle`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay` with every non-overlapping `from` (left to right) replaced by `to`;
/// an empty `from` changes nothing.
pub(crate) fn replace(hay: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return hay.to_owned();
    }
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = find(rest, from) {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(to);
        rest = rest.get(i + from.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std() {
        let hays = [
            "",
            "a",
            "aaa",
            "abcabc",
            "héllo wörld",
            "ws://x/\\\\?y\\\\?",
            "日本語のテキスト",
            "http-http",
        ];
        let needles = [
            "a",
            "aa",
            "bc",
            "ö",
            "\\\\?",
            "テキ",
            "http",
            "zz",
            "abcabcabc",
        ];
        for h in hays {
            for n in needles {
                assert_eq!(find(h, n), h.find(n), "find({h:?}, {n:?})");
                assert_eq!(contains(h, n), h.contains(n), "contains({h:?}, {n:?})");
                assert_eq!(
                    replace(h, n, "<>"),
                    h.replace(n, "<>"),
                    "replace({h:?}, {n:?})"
                );
            }
            assert_eq!(find(h, ""), Some(0));
            assert_eq!(replace(h, "", "x"), h);
        }
    }
}
