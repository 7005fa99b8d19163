//! `cargo xtask build`: write `pkg/`, the ES module package and the classic
//! `wsroute.global.js` script with the wasm inlined.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the steps: cargo, wasm-bindgen, wasm-opt, staging and swapping `pkg/` |
//! | `package.rs` | `package.json`, the package README, what the package lists |
//! | `global.rs` | the classic script and its typings; the API names they take |

mod global;
mod pack;
mod package;
mod shorten;

use std::path::{Path, PathBuf};

use crate::setup::wasm_bindgen_path;
use crate::util::{self, Result, cmd, repo_root, run, target_dir, which};

pub use package::json_str;

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

/// Builds everything into `pkg/`. Everything is written to a private staging
/// directory and swapped into `pkg/` at the end, so a concurrent reader (or
/// build) never sees a half-written `pkg/`.
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
    let pkg = target_dir().join(format!("xtask-pkg.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&pkg);
    let names = es_package(&root, &pkg, &version)?;
    let (raw, gz) = classic_script(&pkg, &read(&shim)?, &version, &names)?;
    package::check_files_listed(&pkg)?;
    let final_pkg = root.join("pkg");
    swap_into_place(&pkg, &final_pkg)?;
    crate::python::copy_script(&final_pkg)?;
    let esm_wasm = std::fs::metadata(final_pkg.join("wsroute_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("build: pkg/wsroute_bg.wasm: {esm_wasm} bytes");
    println!("build: pkg/wsroute.global.js: {raw} bytes raw, {gz}");
    Ok(())
}

/// The ES module package in `pkg`: wasm-bindgen's `--target web` output, the
/// version, `package.json`, typings for the classic script, the README.
/// Returns the API names (the typings' exported functions).
fn es_package(root: &Path, pkg: &Path, version: &str) -> Result<Vec<String>> {
    println!("build: wasm (ES module) -> pkg/");
    let wasm = cargo_wasm(&[], &target_dir())?;
    bindgen(&wasm_bindgen_path(), "web", pkg, "wsroute", &wasm)?;
    wasm_opt(&pkg.join("wsroute_bg.wasm"), &[]);
    append(
        &pkg.join("wsroute.js"),
        &format!("\nexport const version = \"{version}\";\n"),
    )?;
    append(
        &pkg.join("wsroute.d.ts"),
        "\n/** The crate version of this build. */\nexport const version: string;\n",
    )?;
    let names = global::api_names(&read(&pkg.join("wsroute.d.ts"))?);
    if names.is_empty() {
        return Err("build: pkg/wsroute.d.ts exports no function: the API is missing".into());
    }
    write(&pkg.join("package.json"), &package::package_json(version)?)?;
    write(
        &pkg.join("wsroute.global.d.ts"),
        &global::global_dts(version, &names),
    )?;
    let template = root.join("xtask/templates/pkg-README.md");
    write(
        &pkg.join("README.md"),
        &package::pkg_readme(&read(&template)?, version),
    )?;
    Ok(names)
}

/// `pkg/wsroute.global.js`: the glue of a `--target no-modules` build with the
/// `global-script` feature, the shim and the wasm in one classic script that
/// installs itself and defines `globalThis.wsroute` with `names`. Returns its
/// raw and gzip sizes.
fn classic_script(
    pkg: &Path,
    shim: &str,
    version: &str,
    names: &[String],
) -> Result<(usize, String)> {
    println!("build: wasm (classic script, feature global-script) -> pkg/wsroute.global.js");
    let features = ["--features", "global-script"];
    let (script, _) = assemble_classic(
        &features,
        &target_dir().join("global"),
        shim,
        version,
        names,
    )?;
    let global = pkg.join("wsroute.global.js");
    write(&global, &script)?;
    if which("node").is_some() {
        let mut c = cmd("node");
        c.arg("--check").arg(&global);
        run(c).map_err(|e| format!("build: pkg/wsroute.global.js does not parse: {e}"))?;
    }
    let gz = util::gzip_size(&global)
        .map(|n| format!("{n} bytes gzip"))
        .unwrap_or_else(|| "gzip size unknown (no gzip)".into());
    Ok((script.len(), gz))
}

/// The classic script of a wsroute built with `features` (cargo arguments)
/// in `target`, and its optimised wasm. With `names` empty, the API is every
/// function of this build's own typings.
fn assemble_classic(
    features: &[&str],
    target: &Path,
    shim: &str,
    version: &str,
    names: &[String],
) -> Result<(String, Vec<u8>)> {
    let gwasm = cargo_wasm(features, target)?;
    let gout = target.join(format!("bindgen.{}", std::process::id()));
    if gout.exists() {
        let _ = std::fs::remove_dir_all(&gout);
    }
    bindgen(
        &wasm_bindgen_path(),
        "no-modules",
        &gout,
        "wsroute_global",
        &gwasm,
    )?;
    let gwasm_out = gout.join("wsroute_global_bg.wasm");
    wasm_opt(&gwasm_out, &[]);
    let glue = read(&gout.join("wsroute_global.js"))?;
    let own_names;
    let names = if names.is_empty() {
        own_names = global::api_names(&read(&gout.join("wsroute_global.d.ts"))?);
        &own_names
    } else {
        names
    };
    let wasm_bytes = std::fs::read(&gwasm_out)
        .map_err(|e| format!("cannot read {}: {e}", gwasm_out.display()))?;
    let _ = std::fs::remove_dir_all(&gout);
    let (glue, wasm_bytes) = shorten::shorten(&glue, &wasm_bytes)?;
    if wasm_bytes.len() > SYNC_COMPILE_LIMIT {
        println!(
            "build: WARNING: the global script's wasm is {} bytes; Chrome refuses synchronous \
             compilation above 8 MB on the main thread",
            wasm_bytes.len()
        );
    }
    let (shim_body, shim_names) =
        global::strip_exports(shim).map_err(|e| format!("build: js/shim.js: {e}"))?;
    let script = global::global_script(version, &shim_body, &shim_names, &glue, &wasm_bytes, names);
    Ok((minify(script, target), wasm_bytes))
}

/// The classic script and its wasm as `cargo xtask build` makes them, with
/// the `har` feature (as shipped) or without it (HAR and serde left out):
/// what the size report compares.
pub fn classic_build(har: bool) -> Result<(String, Vec<u8>)> {
    let root = repo_root();
    let shim = read(&root.join("js").join("shim.js"))?;
    let (features, target): (&[&str], _) = if har {
        (
            &["--features", "global-script"],
            target_dir().join("global"),
        )
    } else {
        (
            &["--no-default-features", "--features", "global-script"],
            target_dir().join("global-no-har"),
        )
    };
    assemble_classic(features, &target, &shim, &util::crate_version()?, &[])
}

/// The string literal the classic script carries `wasm` as (between its
/// quotes), for the size report to find it in the script.
pub fn wasm_literal(wasm: &[u8]) -> String {
    pack::pack(wasm).text
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

pub(crate) fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
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

pub(crate) fn read(p: &Path) -> Result<String> {
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
/// The global script's wasm optimised as shipped but with its name section
/// kept (`wasm-opt -g`), for the bench's table of what the wasm is made of;
/// the same build as `cargo xtask build` (cached).
pub fn named_global_wasm() -> Result<PathBuf> {
    let global_target = target_dir().join("global");
    let gwasm = cargo_wasm(&["--features", "global-script"], &global_target)?;
    let out = global_target.join("named");
    let _ = std::fs::remove_dir_all(&out);
    bindgen(
        &wasm_bindgen_path(),
        "no-modules",
        &out,
        "wsroute_global",
        &gwasm,
    )?;
    let wasm = out.join("wsroute_global_bg.wasm");
    wasm_opt(&wasm, &["-g"]);
    Ok(wasm)
}

/// The classic script with terser's short names for its local variables and
/// functions (whitespace too) and without the functions nothing calls;
/// function and class names stay (stack traces and `Function#name` show
/// them), and so do functions' parameters and the `/*!` banner. Nothing else
/// is rewritten. `work` is a directory for the files terser reads and
/// writes.
fn minify(script: String, work: &Path) -> String {
    let Some(terser) = crate::setup::npm_terser() else {
        println!(
            "build: WARNING: terser not found (cargo xtask setup installs it); the classic script keeps its long names"
        );
        return script;
    };
    let input = work.join(format!("classic.{}.js", std::process::id()));
    let output = input.with_extension("min.js");
    let result = std::fs::write(&input, &script)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            let mut c = cmd(terser);
            c.arg(&input)
                .args(["--compress", "defaults=false,unused=true"])
                .args(["--mangle", "--keep-fnames", "--keep-classnames"])
                .args(["--comments", "/^!/", "-o"])
                .arg(&output);
            run(c)
        })
        .and_then(|()| std::fs::read_to_string(&output).map_err(|e| e.to_string()));
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    match result {
        Ok(min) => {
            println!("build: terser: {} -> {} bytes", script.len(), min.len());
            min
        }
        Err(e) => {
            println!(
                "build: WARNING: terser failed ({e}); the classic script keeps its long names"
            );
            script
        }
    }
}

/// `wasm-opt -Oz` on `wasm` in place, with `extra` flags.
fn wasm_opt(wasm: &Path, extra: &[&str]) {
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
        // The toolchains' names and the target features: no browser reads them.
        .args(["--strip-producers", "--strip-target-features"])
        .args(extra)
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
