//! `cargo xtask build`: write `pkg/` (ES module package + the classic
//! `wsroute.global.js` script with the wasm inlined).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::setup::wasm_bindgen_path;
use crate::util::{self, Result, cmd, repo_root, run, which};

/// Names taken from the wasm exports into `globalThis.wsroute` (when present).
pub const API_NAMES: &[&str] = &[
    "install",
    "uninstall",
    "routeWebSocket",
    "unrouteWebSocket",
    "unrouteAll",
    "setBaseURL",
    "on",
    "off",
    "waitForEvent",
];

/// Features rustc 1.95's wasm32-unknown-unknown output uses (its
/// `target_features` section lists exactly these); wasm-opt 108 also reads
/// that section, the flags make it explicit.
pub const WASM_OPT_FLAGS: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Chrome refuses synchronous compilation of larger modules on the main thread.
const SYNC_COMPILE_LIMIT: usize = 8 << 20;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Builds everything into `pkg/`.
pub fn build() -> Result<()> {
    let root = repo_root();
    let shim = root.join("js").join("shim.js");
    if !shim.exists() {
        return Err(format!(
            "build: {} is missing. It is the JS half of the shim (an ES module whose exports are \
             all top-level `export function|class|const NAME`); it must exist before `cargo xtask build` \
             can write pkg/wsroute.global.js.",
            shim.display()
        ));
    }
    let version = util::crate_version()?;
    let wasm_bindgen = wasm_bindgen_path();
    let final_pkg = root.join("pkg");
    // Everything is written to a private staging directory and swapped into
    // pkg/ at the end, so a concurrent reader (or build) never sees a half-written pkg/.
    let pid = std::process::id();
    let pkg = target_dir().join(format!("xtask-pkg.{pid}"));
    let _ = std::fs::remove_dir_all(&pkg);

    // (a) the ES module package.
    println!("build: wasm (ES module) -> pkg/");
    let wasm = cargo_wasm(&[], &target_dir())?;
    bindgen(&wasm_bindgen, "web", &pkg, "wsroute", &wasm)?;
    wasm_opt(&pkg.join("wsroute_bg.wasm"));
    append(
        &pkg.join("wsroute.js"),
        &format!("\nexport const version = \"{version}\";\n"),
    )?;
    append(
        &pkg.join("wsroute.d.ts"),
        "\n/** The crate version of this build. */\nexport const version: string;\n",
    )?;
    write(&pkg.join("package.json"), &package_json(&version)?)?;
    write(&pkg.join("wsroute.global.d.ts"), &global_dts(&version))?;
    let template = root.join("xtask/templates/pkg-README.md");
    write(
        &pkg.join("README.md"),
        &pkg_readme(&read(&template)?, &version),
    )?;

    // (b) the classic script.
    println!("build: wasm (classic script, feature global-script) -> pkg/wsroute.global.js");
    let global_target = target_dir().join("global");
    let gwasm = cargo_wasm(&["--features", "global-script"], &global_target)?;
    let gout = global_target.join(format!("bindgen.{pid}"));
    if gout.exists() {
        let _ = std::fs::remove_dir_all(&gout);
    }
    bindgen(&wasm_bindgen, "no-modules", &gout, "wsroute_global", &gwasm)?;
    let gwasm_out = gout.join("wsroute_global_bg.wasm");
    wasm_opt(&gwasm_out);
    let glue = read(&gout.join("wsroute_global.js"))?;
    let dts = read(&gout.join("wsroute_global.d.ts")).unwrap_or_default();
    let wasm_bytes = std::fs::read(&gwasm_out)
        .map_err(|e| format!("cannot read {}: {e}", gwasm_out.display()))?;
    if wasm_bytes.len() > SYNC_COMPILE_LIMIT {
        println!(
            "build: WARNING: the global script's wasm is {} bytes; Chrome refuses synchronous \
             compilation above 8 MB on the main thread",
            wasm_bytes.len()
        );
    }
    let shim_src = read(&shim)?;
    let (shim_body, names) =
        strip_exports(&shim_src).map_err(|e| format!("build: js/shim.js: {e}"))?;
    let missing: Vec<&str> = API_NAMES
        .iter()
        .copied()
        .filter(|n| !exports_function(&dts, n))
        .collect();
    if !missing.is_empty() {
        println!(
            "build: WARNING: the wasm exports no {} (globalThis.wsroute will lack them)",
            missing.join(", ")
        );
    }
    let script = global_script(&version, &shim_body, &names, &glue, &wasm_bytes);
    let global = pkg.join("wsroute.global.js");
    write(&global, &script)?;
    if which("node").is_some() {
        let mut c = cmd("node");
        c.arg("--check").arg(&global);
        run(c).map_err(|e| format!("build: pkg/wsroute.global.js does not parse: {e}"))?;
    }

    let raw = script.len();
    let gz = util::gzip_size(&global)
        .map(|n| format!("{n} bytes gzip"))
        .unwrap_or_else(|| "gzip size unknown (no gzip)".into());
    let _ = std::fs::remove_dir_all(&gout);
    check_files_listed(&pkg)?;
    swap_into_place(&pkg, &final_pkg)?;
    let esm_wasm = std::fs::metadata(final_pkg.join("wsroute_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("build: pkg/wsroute_bg.wasm: {esm_wasm} bytes");
    println!("build: pkg/wsroute.global.js: {raw} bytes raw, {gz}");
    Ok(())
}

/// Replaces `dest` by `stage` (rename when possible, else copy).
/// `cargo build --lib --release` of wsroute for wasm32 into `target`, with
/// `extra` arguments; returns the built `.wasm`.
fn cargo_wasm(extra: &[&str], target: &Path) -> Result<PathBuf> {
    let mut c = cmd("cargo");
    c.args([
        "build",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "wsroute",
    ])
    .args(extra)
    .arg("--target-dir")
    .arg(target);
    run(c)?;
    Ok(target.join("wasm32-unknown-unknown/release/wsroute.wasm"))
}

/// `wasm-bindgen --target <kind>` of `wasm` into `out` as `name`.
fn bindgen(wasm_bindgen: &Path, kind: &str, out: &Path, name: &str, wasm: &Path) -> Result<()> {
    let mut c = cmd(wasm_bindgen);
    c.args(["--target", kind, "--out-dir"])
        .arg(out)
        .args(["--out-name", name])
        .arg(wasm);
    run(c)
}

fn swap_into_place(stage: &Path, dest: &Path) -> Result<()> {
    let mut old_name = stage.file_name().unwrap_or_default().to_os_string();
    old_name.push(".old");
    let old = stage.with_file_name(old_name);
    let _ = std::fs::remove_dir_all(&old);
    let moved_old = dest.exists() && std::fs::rename(dest, &old).is_ok();
    if !moved_old && dest.exists() {
        std::fs::remove_dir_all(dest)
            .map_err(|e| format!("cannot clear {}: {e}", dest.display()))?;
    }
    if std::fs::rename(stage, dest).is_err() {
        // Another file system (CARGO_TARGET_DIR elsewhere): copy.
        copy_dir(stage, dest).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
        let _ = std::fs::remove_dir_all(stage);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

fn read(p: &Path) -> Result<String> {
    std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn write(p: &Path, s: &str) -> Result<()> {
    std::fs::write(p, s).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

fn append(p: &Path, s: &str) -> Result<()> {
    let mut text = read(p)?;
    text.push_str(s);
    write(p, &text)
}

/// Runs `wasm-opt -Oz` in place; on failure (or when the output's exports
/// differ from the input's, see [`crate::wasm`]) warns and keeps the input.
fn wasm_opt(wasm: &Path) {
    // binaryen from npm (xtask/tools) first: Debian 12's wasm-opt 108 breaks
    // wasm-bindgen 0.2.130 output (caught by the export check below).
    let Some(opt) = crate::setup::npm_wasm_opt().or_else(|| which("wasm-opt")) else {
        println!(
            "build: WARNING: wasm-opt not found; keeping the unoptimised {}",
            wasm.display()
        );
        return;
    };
    let tmp = wasm.with_extension("opt.wasm");
    let mut c = cmd(opt);
    c.arg("-Oz")
        .args(WASM_OPT_FLAGS)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp);
    let result = run(c).and_then(|()| {
        let before = std::fs::read(wasm).map_err(|e| e.to_string())?;
        let after = std::fs::read(&tmp).map_err(|e| e.to_string())?;
        crate::wasm::same_exports(&before, &after)
            .map_err(|e| format!("its output is broken: {e}"))?;
        std::fs::rename(&tmp, wasm).map_err(|e| e.to_string())?;
        Ok((before.len(), after.len()))
    });
    match result {
        Ok((before, after)) => {
            println!(
                "build: wasm-opt {}: {before} -> {after} bytes",
                wasm.display()
            );
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            println!(
                "build: WARNING: wasm-opt failed ({e}); keeping the unoptimised {}",
                wasm.display()
            );
        }
    }
}

/// Whether a wasm-bindgen `.d.ts` declares `export function NAME(`.
fn exports_function(dts: &str, name: &str) -> bool {
    dts.contains(&format!("export function {name}("))
}

/// JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn package_json(version: &str) -> Result<String> {
    let toml = read(&repo_root().join("Cargo.toml"))?;
    let field = |k: &str| util::toml_package_field(&toml, k).unwrap_or_default();
    Ok(format!(
        r#"{{
  "name": "wsroute",
  "version": {version},
  "description": {description},
  "license": {license},
  "type": "module",
  "main": "wsroute.js",
  "module": "wsroute.js",
  "types": "wsroute.d.ts",
  "keywords": {keywords},
  "exports": {{
    ".": {{
      "types": "./wsroute.d.ts",
      "default": "./wsroute.js"
    }},
    "./global": {{
      "types": "./wsroute.global.d.ts",
      "default": "./wsroute.global.js"
    }},
    "./wsroute_bg.wasm": "./wsroute_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": [
    "README.md",
    "wsroute.js",
    "wsroute.d.ts",
    "wsroute_bg.wasm",
    "wsroute_bg.wasm.d.ts",
    "wsroute.global.js",
    "wsroute.global.d.ts",
    "snippets/"
  ],
  "sideEffects": [
    "./wsroute.global.js"
  ]
}}
"#,
        version = json_str(version),
        description = json_str(&field("description")),
        license = json_str(&field("license")),
        keywords = r#"["websocket", "mock", "playwright", "routeWebSocket", "testing", "wasm"]"#,
    ))
}

/// Fails when `dir` (the package being written) holds a file or directory
/// that package.json's `"files"` does not list (npm would leave it out).
fn check_files_listed(dir: &Path) -> Result<()> {
    let pkg = read(&dir.join("package.json"))?;
    let files = &pkg[pkg.find("\"files\"").unwrap_or(0)..];
    let files = &files[..files.find(']').unwrap_or(files.len())];
    let mut missing = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let listed = if e.path().is_dir() {
            format!("\"{name}/\"")
        } else {
            json_str(&name)
        };
        if name != "package.json" && !files.contains(&listed) {
            missing.push(name);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        missing.sort();
        Err(format!(
            "build: pkg/ has {} that package.json's \"files\" does not list (xtask/src/build.rs)",
            missing.join(", ")
        ))
    }
}

/// `pkg/wsroute.global.d.ts`: types for `globalThis.wsroute` as defined by
/// the classic script (`/// <reference types="wsroute/global" />`).
fn global_dts(version: &str) -> String {
    let names: Vec<String> = API_NAMES
        .iter()
        .chain(&["version"])
        .map(|n| format!("'{n}'"))
        .collect();
    format!(
        "/*! wsroute {version}: generated by `cargo xtask build`; do not edit. */\n\
         // Types for the classic script wsroute.global.js, which defines globalThis.wsroute.\n\
         // Bring them in with `/// <reference types=\"wsroute/global\" />` or\n\
         // `import type {{}} from 'wsroute/global';`.\n\
         import type * as wsrouteModule from './wsroute.js';\n\n\
         declare global {{\n\
         \x20 /** The wsroute API installed by wsroute.global.js (the shim is already installed). */\n\
         \x20 var wsroute: Pick<typeof wsrouteModule,\n\x20   {}>;\n\
         }}\n\n\
         export {{}};\n",
        names.join(" | ")
    )
}

/// `pkg/README.md` from `xtask/templates/pkg-README.md` (`{{version}}` replaced).
fn pkg_readme(template: &str, version: &str) -> String {
    let mut s = String::from(
        "<!-- generated by `cargo xtask build` from xtask/templates/pkg-README.md; do not edit -->\n",
    );
    s.push_str(&template.replace("{{version}}", version));
    s
}

/// Removes the `export ` keyword of every top-level declaration of an ES
/// module that follows the shim convention, returning the body and the
/// exported names. Rejects what the convention forbids (imports, export
/// lists, default exports).
pub fn strip_exports(src: &str) -> std::result::Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(src.len());
    let mut names = Vec::new();
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let lineno = i + 1;
        if line.starts_with("import ") || line.starts_with("import{") || line.starts_with("import*")
        {
            return Err(format!(
                "line {lineno}: imports are not allowed (the shim must be self-contained)"
            ));
        }
        let Some(rest) = line.strip_prefix("export ") else {
            if line.trim_start().starts_with("export ") || line.trim_start().starts_with("export{")
            {
                return Err(format!(
                    "line {lineno}: `export` must start a top-level line (`export function|class|const NAME`)"
                ));
            }
            out.push_str(line);
            continue;
        };
        let r = rest.trim_start();
        let after_kw = [
            "async function*",
            "async function",
            "function*",
            "function",
            "class",
            "const",
            "let",
            "var",
        ]
        .iter()
        .find_map(|kw| {
            r.strip_prefix(kw).filter(|t| {
                t.starts_with(|c: char| c.is_whitespace() || c == '*' || c == '{' || c == '(')
            })
        });
        let Some(after_kw) = after_kw else {
            return Err(format!(
                "line {lineno}: unsupported export `{}` (only `export function|class|const|let NAME` are allowed; \
                 no `export {{..}}`, no `export default`)",
                line.trim_end()
            ));
        };
        let name: String = after_kw
            .trim_start_matches(|c: char| c.is_whitespace() || c == '*')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        if name.is_empty() {
            return Err(format!(
                "line {lineno}: cannot read the exported name (destructuring is not supported)"
            ));
        }
        names.push(name);
        out.push_str(rest);
    }
    if names.is_empty() {
        return Err("no `export` declarations found".into());
    }
    Ok((out, names))
}

/// Standard base64 (with padding).
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Assembles the one classic script.
pub fn global_script(
    version: &str,
    shim_body: &str,
    names: &[String],
    glue: &str,
    wasm: &[u8],
) -> String {
    let mut s = String::with_capacity(glue.len() + shim_body.len() + wasm.len() * 4 / 3 + 4096);
    let v = json_str(version);
    let _ = writeln!(
        s,
        "/*! wsroute {version} (classic script): generated by `cargo xtask build`; do not edit. */"
    );
    s.push_str("(function () {\n\"use strict\";\n");
    // When the script started running, for `wsroute.__installMs` (the time
    // from the script's first statement to installed; the benchmarks read it).
    s.push_str("const __wsroute_t0 = performance.now();\n");
    s.push_str("if (globalThis.wsroute && globalThis.wsroute.__loaded) return;\n");
    s.push_str("const __wsroute_glue = (function () {\n");
    s.push_str(shim_body);
    if !shim_body.ends_with('\n') {
        s.push('\n');
    }
    let _ = writeln!(s, ";\nreturn {{ {} }};\n}})();", names.join(", "));
    s.push_str(glue);
    if !glue.ends_with('\n') {
        s.push('\n');
    }
    // `Uint8Array.fromBase64` (native, Chromium 140+, Firefox 133+) decodes in
    // well under a millisecond; the fallback, atob and a loop that still runs
    // in the interpreter this early, takes 10-20 ms. Both work in windows and
    // workers (no Buffer).
    s.push_str(
        "const __wsroute_bytes = (function (b64) {\n\
         \x20 if (typeof Uint8Array.fromBase64 === \"function\") return Uint8Array.fromBase64(b64);\n\
         \x20 const bin = atob(b64);\n\
         \x20 const out = new Uint8Array(bin.length);\n\
         \x20 for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);\n\
         \x20 return out;\n\
         })(\"",
    );
    s.push_str(&base64(wasm));
    s.push_str("\");\n");
    s.push_str("wasm_bindgen.initSync({ module: __wsroute_bytes });\n");
    s.push_str("const api = {};\n");
    let list: Vec<String> = API_NAMES.iter().map(|n| json_str(n)).collect();
    let _ = writeln!(
        s,
        "for (const name of [{}]) {{\n  if (typeof wasm_bindgen[name] === \"function\") api[name] = wasm_bindgen[name];\n}}",
        list.join(", ")
    );
    let _ = writeln!(s, "api.version = {v};\napi.__loaded = true;");
    s.push_str(
        "globalThis.wsroute = api;\napi.install();\napi.__installMs = performance.now() - __wsroute_t0;\n})();\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn strips_exports() {
        let src = "// c\nexport function a(x) {\n  return x;\n}\nexport async function b() {}\n\
                   export class C {}\nexport const D = 1;\nexport function* g() {}\nconst e = 'export x';\n";
        let (body, names) = strip_exports(src).unwrap();
        assert_eq!(names, ["a", "b", "C", "D", "g"]);
        assert!(!body.contains("export function"), "{body}");
        assert!(body.contains("function a(x) {\n"));
        assert!(body.contains("const e = 'export x';"));
    }

    #[test]
    fn rejects_what_the_convention_forbids() {
        assert!(strip_exports("import x from './y.js';\nexport const a = 1;\n").is_err());
        assert!(strip_exports("const a = 1;\nexport { a };\n").is_err());
        assert!(strip_exports("export default function () {}\n").is_err());
        assert!(strip_exports("  export const a = 1;\n").is_err());
        assert!(strip_exports("const a = 1;\n").is_err());
    }

    #[test]
    fn script_shape() {
        let s = global_script(
            "1.2.3",
            "function a() {}\n",
            &["a".to_string()],
            "let wasm_bindgen = {};\n",
            b"\0asm",
        );
        assert!(s.contains(
            "const __wsroute_glue = (function () {\nfunction a() {}\n;\nreturn { a };\n})();"
        ));
        assert!(s.contains("AGFzbQ=="));
        assert!(s.contains("wasm_bindgen.initSync({ module: __wsroute_bytes });"));
        assert!(s.contains("api.version = \"1.2.3\";"));
        assert!(s.trim_end().ends_with(
            "api.install();\napi.__installMs = performance.now() - __wsroute_t0;\n})();"
        ));
    }

    /// The inlined wasm decodes to the same bytes through `Uint8Array.fromBase64`
    /// and through the atob fallback (run in node, which has no fromBase64
    /// before v25: the test provides one, then removes it).
    #[test]
    fn inlined_wasm_decodes_both_ways() {
        let bytes: Vec<u8> = (0..=255u8).chain([0, 97, 115, 109]).collect();
        let glue = "let wasm_bindgen = { initSync({ module }) { globalThis.__got = Array.from(module).join(','); }, install() {} };\n";
        let script = global_script(
            "0.0.0",
            "function a() {}\n",
            &["a".to_string()],
            glue,
            &bytes,
        );
        let want: Vec<String> = bytes.iter().map(u8::to_string).collect();
        for (prelude, way) in [
            (
                "Uint8Array.fromBase64 = (b) => { globalThis.__way = 'native'; return new Uint8Array(Buffer.from(b, 'base64')); };",
                "native",
            ),
            (
                "delete Uint8Array.fromBase64; globalThis.__way = 'fallback';",
                "fallback",
            ),
        ] {
            let program = format!("{prelude}\n{script}\nconsole.log(__way + ' ' + __got);");
            let out = std::process::Command::new("node")
                .args(["-e", &program])
                .output()
                .expect("node runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(text.trim(), format!("{way} {}", want.join(",")));
        }
    }

    #[test]
    fn package_json_is_valid_shape() {
        let p = package_json("0.1.0").unwrap();
        assert!(p.contains("\"name\": \"wsroute\""));
        assert!(p.contains("\"version\": \"0.1.0\""));
        assert!(p.contains("\"default\": \"./wsroute.global.js\""));
        assert!(p.contains("\"README.md\""));
        assert!(p.contains("\"wsroute.global.d.ts\""));
    }

    #[test]
    fn every_pkg_file_is_listed() {
        let dir = std::env::temp_dir().join(format!("xtask-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("snippets")).unwrap();
        std::fs::write(dir.join("package.json"), package_json("0.1.0").unwrap()).unwrap();
        for f in [
            "README.md",
            "wsroute.js",
            "wsroute.global.js",
            "wsroute_bg.wasm",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        check_files_listed(&dir).unwrap();
        std::fs::write(dir.join("extra.js"), "").unwrap();
        assert!(check_files_listed(&dir).unwrap_err().contains("extra.js"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn global_dts_lists_the_api() {
        let d = global_dts("1.2.3");
        assert!(d.contains("var wsroute: Pick<typeof wsrouteModule,"));
        assert!(d.contains("'install' | 'uninstall'"));
        assert!(d.contains("'waitForEvent' | 'version'>;"));
        assert!(d.contains("export {};"));
    }

    #[test]
    fn readme_template_is_filled_in() {
        let r = pkg_readme("# wsroute {{version}}\n", "1.2.3");
        assert!(r.ends_with("# wsroute 1.2.3\n"));
        assert!(r.starts_with("<!-- generated"));
    }
}
