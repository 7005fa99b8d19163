//! Short names for what the classic script's glue and wasm share: every
//! import (`__wbg_send_0de2d0ad7b25a1e2`, in module `./wsroute_global_bg.js`)
//! and every export (`websocketroute_connectToServer`) but the memory gets a
//! name of one or two letters in both. The long names carry a 16-digit hash each, which
//! gzip cannot compress, twice (once in the wasm, once in the glue); nothing
//! outside the script sees them.
//!
//! The glue is wasm-bindgen's `--target no-modules` output: imports are the
//! keys of one object literal (`const import0 = {` ... `};`, one
//! `NAME: function(` per line) handed over under the module's name, and
//! exports are read as `wasm.NAME`. Anything else (a key or an export the
//! other side lacks) fails the build rather than the page.

use std::collections::HashMap;

type Result<T> = std::result::Result<T, String>;

/// The `n`th short name: `a`..`z`, `A`..`Z`, then two characters.
fn short(n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const NEXT: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$";
    let mut s = String::new();
    let mut n = n;
    s.push(char::from(FIRST[n % FIRST.len()]));
    n /= FIRST.len();
    while n > 0 {
        n -= 1;
        s.push(char::from(NEXT[n % NEXT.len()]));
        n /= NEXT.len();
    }
    s
}

/// The one module all imports come from, renamed.
const MODULE: &str = "w";

/// The glue and the wasm with short import and export names.
pub fn shorten(glue: &str, wasm: &[u8]) -> Result<(String, Vec<u8>)> {
    let mut modules: Vec<String> = Vec::new();
    let mut imports: HashMap<String, String> = HashMap::new();
    let mut exports: HashMap<String, String> = HashMap::new();
    let renamed = crate::wasm::renamed(
        wasm,
        &mut |module, name| {
            if !modules.iter().any(|m| m == module) {
                modules.push(module.to_owned());
            }
            let n = imports.len();
            let new = imports.entry(name.to_owned()).or_insert_with(|| short(n));
            (MODULE.to_owned(), new.clone())
        },
        &mut |name| {
            let n = exports.len();
            // The memory keeps its name: tools find an instance's memory
            // as `exports.memory` (the benchmark's memory table does).
            let new = if name == "memory" {
                name.to_owned()
            } else {
                short(n)
            };
            exports.entry(name.to_owned()).or_insert(new).clone()
        },
    )
    .ok_or("shorten: cannot read the wasm")?;
    let [module] = &modules[..] else {
        return Err(format!(
            "shorten: the wasm imports from {modules:?}, not from one module"
        ));
    };
    let glue = rename_import_keys(glue, module, &imports)?;
    let glue = rename_export_uses(&glue, &exports)?;
    Ok((glue, renamed))
}

/// Renames the keys of the imports object and the module it is handed over as.
fn rename_import_keys(glue: &str, module: &str, names: &HashMap<String, String>) -> Result<String> {
    const OPEN: &str = "const import0 = {";
    let start = glue
        .find(OPEN)
        .ok_or("shorten: no imports object in the glue")?;
    let body = start + OPEN.len();
    let end = body
        + glue[body..]
            .find("\n        };")
            .ok_or("shorten: the imports object does not end")?;
    let mut out = String::with_capacity(glue.len());
    out.push_str(&glue[..body]);
    let mut found = 0;
    for line in glue[body..end].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let key: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        let indent = &line[..line.len() - trimmed.len()];
        match trimmed[key.len()..].strip_prefix(": ") {
            // Twelve spaces: a key of the object, not a line of a function body.
            Some(rest) if !key.is_empty() && key != "__proto__" && indent == "            " => {
                let new = names.get(&key).ok_or_else(|| {
                    format!("shorten: the glue provides {key}, which the wasm does not import")
                })?;
                found += 1;
                out.push_str(indent);
                out.push_str(new);
                out.push_str(": ");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    if found != names.len() {
        return Err(format!(
            "shorten: the wasm imports {} names, the glue's imports object has {found}",
            names.len()
        ));
    }
    let handed = format!("\"{module}\": import0");
    let rest = &glue[end..];
    if rest.matches(&handed).count() != 1 {
        return Err(format!(
            "shorten: the glue does not hand over the imports as {handed}"
        ));
    }
    out.push_str(&rest.replacen(&handed, &format!("\"{MODULE}\": import0"), 1));
    Ok(out)
}

/// Renames every `wasm.NAME` (an export) in the glue.
fn rename_export_uses(glue: &str, names: &HashMap<String, String>) -> Result<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(glue.len());
    let mut rest = glue;
    while let Some(at) = rest.find("wasm.") {
        let before = rest[..at].chars().next_back();
        out.push_str(&rest[..at + "wasm.".len()]);
        rest = &rest[at + "wasm.".len()..];
        if before.is_some_and(|c| ident(c) || c == '.') {
            continue;
        }
        let len = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
        let name = &rest[..len];
        let new = names.get(name).ok_or_else(|| {
            format!("shorten: the glue reads wasm.{name}, which the wasm does not export")
        })?;
        out.push_str(new);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..5000).map(short).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        assert!(
            names
                .iter()
                .all(|n| n.len() <= 3 && n.as_bytes()[0].is_ascii_alphabetic())
        );
    }

    const GLUE: &str = "let wasm;\n\
        function f() { return wasm.long_export(1) + wasm.memory.buffer; }\n\
        function __wbg_get_imports() {\n        const import0 = {\n            __proto__: null,\n            __wbg_send_0123: function(arg0) {\n                const x = { y: 1 };\n                wasm.long_export(arg0);\n            },\n            __wbindgen_init_externref_table: function() {\n            },\n        };\n        return {\n            __proto__: null,\n            \"./m_bg.js\": import0,\n        };\n    }\n";

    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
        let mut imports = vec![2u8];
        let mut body = vec![2u8];
        for name in ["__wbg_send_0123", "__wbindgen_init_externref_table"] {
            body.push(9);
            body.extend(b"./m_bg.js");
            body.push(name.len() as u8);
            body.extend(name.as_bytes());
            body.extend([0, 0]);
        }
        imports.push(body.len() as u8);
        imports.extend(body);
        m.extend(imports);
        m.extend([3, 2, 1, 0]); // function section
        m.extend([5, 3, 1, 0, 1]); // memory
        let mut body = vec![2u8];
        for (name, kind, idx) in [("memory", 2u8, 0u8), ("long_export", 0, 2)] {
            body.push(name.len() as u8);
            body.extend(name.as_bytes());
            body.extend([kind, idx]);
        }
        m.push(7);
        m.push(body.len() as u8);
        m.extend(body);
        m.extend([10, 4, 1, 2, 0, 0x0b]); // code
        m
    }

    #[test]
    fn renames_both_sides_alike() {
        let (glue, wasm) = shorten(GLUE, &module()).unwrap();
        assert!(
            glue.contains("return wasm.b(1) + wasm.memory.buffer;"),
            "{glue}"
        );
        assert!(glue.contains("            a: function(arg0) {\n                const x = { y: 1 };\n                wasm.b(arg0);"), "{glue}");
        assert!(glue.contains("            b: function() {"), "{glue}");
        assert!(glue.contains("\"w\": import0"), "{glue}");
        assert!(
            !glue.contains("__wbg_send") && !glue.contains("long_export"),
            "{glue}"
        );
        let exports = crate::wasm::exports(&wasm).unwrap();
        let names: Vec<&str> = exports.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(names, ["b", "memory"]);
        // Everything but the two sections is unchanged.
        assert_eq!(wasm[..14], module()[..14]);
        assert!(wasm.ends_with(&[10, 4, 1, 2, 0, 0x0b]));
    }

    #[test]
    fn refuses_what_it_cannot_match() {
        let missing = GLUE.replace("wasm.memory.buffer", "wasm.other.buffer");
        assert!(
            shorten(&missing, &module())
                .unwrap_err()
                .contains("wasm.other")
        );
        let extra = GLUE.replace(
            "            __proto__",
            "            __wbg_extra: function() {},\n            __proto__",
        );
        assert!(
            shorten(&extra, &module())
                .unwrap_err()
                .contains("__wbg_extra")
        );
        let unhanded = GLUE.replace("\"./m_bg.js\": import0", "\"./other.js\": import0");
        assert!(shorten(&unhanded, &module()).is_err());
        assert!(shorten(GLUE, b"not wasm").is_err());
    }
}
