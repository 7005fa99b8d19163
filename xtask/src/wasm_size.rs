//! What the wasm is made of: the size of each function's code (from a
//! build that keeps the name section), summed by crate and, for wsroute
//! itself, by module; plus the data segments. The bench prints it as a table.

use std::collections::BTreeMap;

/// One defined function: its (demangled, hash-free) name and body size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub size: usize,
}

/// A module's parts that count towards its size.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parts {
    pub functions: Vec<Function>,
    /// Bytes of the data section (static strings, tables of constants).
    pub data: usize,
    /// Bytes of every section but code, data and custom sections.
    pub other: usize,
}

fn leb(b: &[u8], i: &mut usize) -> Option<usize> {
    let mut r = 0usize;
    let mut shift = 0;
    loop {
        let x = *b.get(*i)?;
        *i += 1;
        r |= usize::from(x & 0x7f).checked_shl(shift)?;
        if x < 0x80 {
            return Some(r);
        }
        shift += 7;
        if shift > 35 {
            return None;
        }
    }
}

fn name(b: &[u8], i: &mut usize) -> Option<String> {
    let n = leb(b, i)?;
    let s = b.get(*i..i.checked_add(n)?)?;
    *i += n;
    Some(String::from_utf8_lossy(s).into_owned())
}

/// Counts the imported functions of an import section (they come first in
/// the function index space).
fn imported_functions(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    let n = leb(b, &mut i)?;
    let mut funcs = 0;
    for _ in 0..n {
        name(b, &mut i)?;
        name(b, &mut i)?;
        let kind = *b.get(i)?;
        i += 1;
        match kind {
            0 => {
                leb(b, &mut i)?;
                funcs += 1;
            }
            1 => {
                i += 1; // element type
                limits(b, &mut i)?;
            }
            2 => limits(b, &mut i)?,
            3 => i += 2, // value type, mutability
            4 => {
                i += 1;
                leb(b, &mut i)?;
            }
            _ => return None,
        }
    }
    Some(funcs)
}

fn limits(b: &[u8], i: &mut usize) -> Option<()> {
    let flags = *b.get(*i)?;
    *i += 1;
    leb(b, i)?;
    if flags & 1 != 0 {
        leb(b, i)?;
    }
    Some(())
}

/// Reads `wasm`: every defined function with its name (from the `name`
/// section; `func[N]` without one) and body size, the data section's size
/// and the rest.
pub fn parts(wasm: &[u8]) -> Option<Parts> {
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let mut i = 8;
    let mut imported = 0;
    let mut bodies: Vec<usize> = Vec::new();
    let mut names: BTreeMap<usize, String> = BTreeMap::new();
    let mut out = Parts::default();
    while i < wasm.len() {
        let id = *wasm.get(i)?;
        i += 1;
        let size = leb(wasm, &mut i)?;
        let body = wasm.get(i..i.checked_add(size)?)?;
        i += size;
        match id {
            2 => {
                imported = imported_functions(body)?;
                out.other += size;
            }
            10 => {
                let mut j = 0;
                for _ in 0..leb(body, &mut j)? {
                    let n = leb(body, &mut j)?;
                    bodies.push(n);
                    j += n;
                }
            }
            11 => out.data += size,
            0 => {
                let mut j = 0;
                if name(body, &mut j)? == "name" {
                    function_names(body.get(j..)?, &mut names)?;
                }
            }
            _ => out.other += size,
        }
    }
    out.functions = bodies
        .into_iter()
        .enumerate()
        .map(|(k, size)| {
            let index = imported + k;
            let name = names
                .remove(&index)
                .map_or_else(|| format!("func[{index}]"), |n| clean(&n));
            Function { name, size }
        })
        .collect();
    Some(out)
}

/// The function-name subsection (id 1) of a `name` section.
fn function_names(b: &[u8], names: &mut BTreeMap<usize, String>) -> Option<()> {
    let mut i = 0;
    while i < b.len() {
        let sub = *b.get(i)?;
        i += 1;
        let size = leb(b, &mut i)?;
        let body = b.get(i..i.checked_add(size)?)?;
        i += size;
        if sub == 1 {
            let mut j = 0;
            for _ in 0..leb(body, &mut j)? {
                let index = leb(body, &mut j)?;
                names.insert(index, name(body, &mut j)?);
            }
        }
    }
    Some(())
}

/// A symbol demangled (Rust's legacy `_ZN...E` scheme) and without its
/// trailing `::h<hash>`.
pub fn clean(symbol: &str) -> String {
    let demangled = demangle(symbol).unwrap_or_else(|| symbol.to_string());
    match demangled.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|c| c.is_ascii_hexdigit()) => {
            head.to_string()
        }
        _ => demangled,
    }
}

fn demangle(s: &str) -> Option<String> {
    let mut rest = s.strip_prefix("_ZN")?;
    let mut parts = Vec::new();
    while !rest.starts_with('E') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = rest.get(..digits)?.parse().ok()?;
        let part = rest.get(digits..digits + n)?;
        rest = &rest[digits + n..];
        parts.push(unescape(part));
    }
    Some(parts.join("::"))
}

fn unescape(part: &str) -> String {
    // A segment that starts with an escape gets a leading `_`.
    let part = part
        .strip_prefix('_')
        .filter(|p| p.starts_with('$'))
        .unwrap_or(part)
        .replace("..", "::");
    [
        ("$LT$", "<"),
        ("$GT$", ">"),
        ("$u20$", " "),
        ("$u27$", "'"),
        ("$u5b$", "["),
        ("$u5d$", "]"),
        ("$u7b$", "{"),
        ("$u7d$", "}"),
        ("$LP$", "("),
        ("$RP$", ")"),
        ("$RF$", "&"),
        ("$BP$", "*"),
        ("$C$", ","),
        ("$u3b$", ";"),
        ("$u2b$", "+"),
        ("$u22$", "\""),
    ]
    .iter()
    .fold(part, |s, (from, to)| s.replace(from, to))
}

/// The crate a function's code belongs to: the first path segment of its
/// name (of the type, for `<T as Trait>::f`, or of the trait when the type
/// is a primitive or a type parameter); wasm-bindgen's generated glue
/// (`__wbg_*`, `__wbindgen_*`) counts as wasm-bindgen, the exported entry
/// points (`routeFromHAR`, `socketbackend_send`: wsroute's API with what
/// wasm-opt inlined into them) as their own row, compiler intrinsics
/// (`memcmp`, `__multi3`) as compiler_builtins.
pub fn crate_of(name: &str) -> String {
    let n = strip_refs(name);
    if n.starts_with("__wbg") || n.starts_with("__wbindgen") || n.starts_with("__externref") {
        return "wasm_bindgen".into();
    }
    let first = first_segment(n);
    let first = if !n[first.len()..].starts_with("::") && name.starts_with('<') {
        // `<T as Trait>::f` with a T that has no path: the trait's crate.
        n.split_once(" as ")
            .map_or(first, |(_, tr)| first_segment(strip_refs(tr)))
    } else {
        first
    };
    match first {
        "" => "(unnamed)".into(),
        "core" | "alloc" | "std" | "__rustc" | "str" | "char" | "bool" | "u8" | "u16" | "u32"
        | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "f32"
        | "f64" => "core/alloc/std".into(),
        _ if first.starts_with("func") && n.starts_with("func[") => "(unnamed)".into(),
        _ if !n.contains("::") && !name.starts_with('<') => {
            if matches!(
                first,
                "memcmp" | "memcpy" | "memmove" | "memset" | "fmax" | "fmin"
            ) || first.starts_with("__")
            {
                "compiler_builtins".into()
            } else {
                "(exported entry points)".into()
            }
        }
        _ => first.into(),
    }
}

fn strip_refs(name: &str) -> &str {
    let n = name.trim_start_matches(['<', '&', '*', '(', '[', ' ']);
    let n = n.strip_prefix("mut ").unwrap_or(n);
    let n = n.strip_prefix("dyn ").unwrap_or(n);
    n.strip_prefix("const ").unwrap_or(n)
}

fn first_segment(n: &str) -> &str {
    let end = n
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(n.len());
    &n[..end]
}

/// For wsroute's own code: the module two levels down
/// (`wsroute::sans_io::har`), or the crate root.
pub fn module_of(name: &str) -> Option<String> {
    let n = name.trim_start_matches(['<', '&']);
    let rest = n.strip_prefix("wsroute::")?;
    let segments: Vec<&str> = rest
        .split("::")
        .take(2)
        .take_while(|s| {
            s.chars().all(|c| c.is_alphanumeric() || c == '_') && s.starts_with(char::is_lowercase)
        })
        .collect();
    Some(if segments.is_empty() {
        "wsroute".into()
    } else {
        format!("wsroute::{}", segments.join("::"))
    })
}

/// The feature a function's code serves, told by its name: HAR record and
/// replay (wsroute's `har` modules, serde and serde-wasm-bindgen, the
/// exported HAR entry points), network conditions (`network`, the core's
/// `link`, their entry points), the observer (`observe`, its class), or the
/// rest (the shim, routing, the runtime). Code wasm-opt inlined into another
/// function counts where it landed.
pub fn feature_of(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let krate = crate_of(name);
    let feature = if lower.contains("::har")
        || lower.contains("har::")
        || lower.contains("harrecorder")
        || lower.contains("recordhar")
        || lower.contains("routefromhar")
        || krate.starts_with("serde")
    {
        "HAR record and replay (with serde)"
    } else if lower.contains("::network")
        || lower.contains("::link")
        || lower.contains("setnetworkconditions")
        || lower.contains("setoffline")
    {
        "network conditions"
    } else if lower.contains("::observe") || lower.contains("websocketobserver") {
        "observer"
    } else {
        "the rest: shim, routing, runtime"
    };
    Some(feature.into())
}

/// Sums `f` over the functions, largest first.
pub fn group(functions: &[Function], key: impl Fn(&str) -> Option<String>) -> Vec<(String, usize)> {
    let mut sums: BTreeMap<String, usize> = BTreeMap::new();
    for f in functions {
        if let Some(k) = key(&f.name) {
            *sums.entry(k).or_default() += f.size;
        }
    }
    let mut rows: Vec<(String, usize)> = sums.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// The heading of the section [`report`] writes.
pub const HEADING: &str = "## What the wasm is made of";

/// The markdown section: code by crate, wsroute's code by module, data.
/// `shipped` is the size of `pkg/wsroute_bg.wasm` (the ES module's wasm,
/// no names), for scale.
pub fn report(p: &Parts, shipped: usize) -> String {
    let code: usize = p.functions.iter().map(|f| f.size).sum();
    let pct = |n: usize| 100.0 * n as f64 / code.max(1) as f64;
    let mut s = format!(
        "{HEADING}\n\n\
         The global script's wasm built as shipped (`wasm-opt -Oz`) but keeping its name section \
         (`-g`): {} B of function code in {} functions, {} B of data, {} B of other sections \
         (for scale: `pkg/wsroute_bg.wasm`, the ES module's wasm without names, is {} B). Each function's code counts for the crate its \
         name starts with (generic code for the crate that defines it: serde's code for wsroute's \
         HAR types counts as serde's).\n\n\
         | crate | code | share |\n|---|---:|---:|\n",
        fmt(code),
        p.functions.len(),
        fmt(p.data),
        fmt(p.other),
        fmt(shipped),
    );
    for (k, n) in group(&p.functions, |n| Some(crate_of(n))) {
        s.push_str(&format!("| `{k}` | {} B | {:.1}% |\n", fmt(n), pct(n)));
    }
    s.push_str("\n| feature (by function name) | code | share |\n|---|---:|---:|\n");
    for (k, n) in group(&p.functions, feature_of) {
        s.push_str(&format!("| {k} | {} B | {:.1}% |\n", fmt(n), pct(n)));
    }
    s.push_str("\n| wsroute module | code | share |\n|---|---:|---:|\n");
    for (k, n) in group(&p.functions, module_of) {
        s.push_str(&format!("| `{k}` | {} B | {:.1}% |\n", fmt(n), pct(n)));
    }
    s
}

pub fn fmt(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module: one imported function, two defined ones (bodies of 3 and
    /// 5 bytes), 4 bytes of data, and names for the import and the first.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: &[u8]| {
            m.push(id);
            m.push(body.len() as u8);
            m.extend_from_slice(body);
        };
        section(&mut m, 1, &[1, 0x60, 0, 0]); // one type () -> ()
        section(&mut m, 2, &[1, 1, b'm', 1, b'f', 0, 0]); // import m.f: func type 0
        section(&mut m, 3, &[2, 0, 0]);
        section(
            &mut m,
            10,
            &[2, 3, 0, 0x01, 0x0b, 5, 0, 0x01, 0x01, 0x01, 0x0b],
        );
        section(&mut m, 11, &[1, 0, 0x41]); // truncated data: only its size counts
        let sym = b"_ZN7wsroute7sans_io3har4read17h0123456789abcdefE";
        let mut names = vec![4, b'n', b'a', b'm', b'e', 1];
        let mut sub = vec![2, 0, 3, b'i', b'm', b'p', 1, sym.len() as u8];
        sub.extend_from_slice(sym);
        names.push(sub.len() as u8);
        names.extend_from_slice(&sub);
        section(&mut m, 0, &names);
        m
    }

    #[test]
    fn reads_code_names_and_data() {
        let p = parts(&module()).unwrap();
        assert_eq!(
            p.functions,
            [
                Function {
                    name: "wsroute::sans_io::har::read".into(),
                    size: 3
                },
                Function {
                    name: "func[2]".into(),
                    size: 5
                },
            ]
        );
        assert_eq!(p.data, 3);
        assert!(p.other > 0);
        assert_eq!(parts(b"not wasm"), None);
    }

    #[test]
    fn demangles_and_groups() {
        assert_eq!(
            clean(
                "_ZN54_$LT$wsroute..har..Har$u20$as$u20$serde..Serialize$GT$9serialize17h0011223344556677E"
            ),
            "<wsroute::har::Har as serde::Serialize>::serialize"
        );
        assert_eq!(
            clean("wsroute::web::route::send::h0011223344556677"),
            "wsroute::web::route::send"
        );
        assert_eq!(
            crate_of("<wsroute::har::Har as serde::Serialize>::serialize"),
            "wsroute"
        );
        assert_eq!(crate_of("core::fmt::write"), "core/alloc/std");
        assert_eq!(crate_of("__wbg_send_123"), "wasm_bindgen");
        assert_eq!(
            crate_of("dlmalloc::dlmalloc::Dlmalloc<A>::malloc"),
            "dlmalloc"
        );
        assert_eq!(
            module_of("wsroute::sans_io::har::read"),
            Some("wsroute::sans_io::har".into())
        );
        assert_eq!(
            module_of("wsroute::install"),
            Some("wsroute::install".into())
        );
        assert_eq!(
            module_of("wsroute::Installed::route"),
            Some("wsroute".into())
        );
        assert_eq!(module_of("serde::de::x"), None);
        let fs = [
            Function {
                name: "a::x".into(),
                size: 1,
            },
            Function {
                name: "b::y".into(),
                size: 5,
            },
            Function {
                name: "a::z".into(),
                size: 2,
            },
        ];
        assert_eq!(
            group(&fs, |n| Some(crate_of(n))),
            [("b".to_string(), 5), ("a".to_string(), 3)]
        );
        assert_eq!(fmt(1234567), "1,234,567");
        let feature = |n: &str| feature_of(n).unwrap();
        assert_eq!(
            feature("wsroute::sans_io::har::read"),
            "HAR record and replay (with serde)"
        );
        assert_eq!(
            feature("serde_wasm_bindgen::de::x"),
            "HAR record and replay (with serde)"
        );
        assert_eq!(
            feature("routeFromHAR"),
            "HAR record and replay (with serde)"
        );
        assert_eq!(
            feature("wsroute::web::network::decide"),
            "network conditions"
        );
        assert_eq!(
            feature("wsroute::sans_io::socket::link::Lane::push"),
            "network conditions"
        );
        assert_eq!(feature("websocketobserver_on"), "observer");
        assert_eq!(
            feature("wsroute::web::routed::Routed::pump"),
            "the rest: shim, routing, runtime"
        );
    }
}
