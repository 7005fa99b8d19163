//! `cargo xtask setup`: install what is missing, idempotently.

use std::path::{Path, PathBuf};

use crate::util::{self, Result, cargo_bin_dir, cmd, is_root, output, run, which};

/// Debian packages and the files that show they are installed.
const APT_FILES: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/firefox-esr", "firefox-esr"),
    ("/usr/bin/wasm-opt", "binaryen"),
];
const APT_PACKAGES: &str = "chromium chromium-driver firefox-esr binaryen";

fn say(what: &str, msg: &str) {
    println!("setup: {what:<22} {msg}");
}

/// Runs every check, installing what is missing.
pub fn setup() -> Result<()> {
    let mut manual: Vec<String> = Vec::new();
    wasm_target()?;
    wasm_bindgen_cli()?;
    apt_packages(&mut manual)?;
    geckodriver()?;
    wasm_pack()?;
    node(&mut manual)?;
    if !manual.is_empty() {
        return Err(format!(
            "setup: not running as root, so these must be installed by hand:\n    {}",
            manual.join("\n    ")
        ));
    }
    npm_tools()?;
    npm_packages()?;
    crate::python::setup()?;
    println!("setup: done");
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = output({
        let mut c = cmd("rustup");
        c.args(["target", "list", "--installed"]);
        c
    });
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == "wasm32-unknown-unknown") => {
            say("wasm32 target", "installed");
            Ok(())
        }
        Some(_) => {
            say("wasm32 target", "missing: installing");
            let mut c = cmd("rustup");
            c.args(["target", "add", "wasm32-unknown-unknown"]);
            run(c)
        }
        None => {
            // No rustup: check the sysroot directly.
            let sysroot = output({
                let mut c = cmd("rustc");
                c.args(["--print", "sysroot"]);
                c
            })
            .unwrap_or_default();
            if Path::new(&sysroot)
                .join("lib/rustlib/wasm32-unknown-unknown")
                .is_dir()
            {
                say("wasm32 target", "installed (no rustup)");
                Ok(())
            } else {
                Err("setup: the wasm32-unknown-unknown target is missing and rustup is not available".into())
            }
        }
    }
}

/// The version printed by `<tool> --version`, e.g. `wasm-bindgen 0.2.130` -> `0.2.130`.
fn tool_version(tool: &Path) -> Option<String> {
    let out = output(cmd(tool).tap_arg("--version"))?;
    out.split_whitespace().nth(1).map(str::to_string)
}

trait TapArg {
    fn tap_arg(self, a: &str) -> Self;
}
impl TapArg for std::process::Command {
    fn tap_arg(mut self, a: &str) -> Self {
        self.arg(a);
        self
    }
}

/// `cargo install <krate>` with `--locked`, falling back to an unlocked install
/// (a locked dependency version may be missing from the registry).
pub(crate) fn cargo_install(krate: &str, version: Option<&str>) -> Result<()> {
    let make = |locked: bool| {
        let mut c = cmd("cargo");
        c.args(["install", krate]);
        if let Some(v) = version {
            c.args(["--version", v]);
        }
        if locked {
            c.arg("--locked");
        }
        c
    };
    match run(make(true)) {
        Ok(()) => Ok(()),
        Err(e) => {
            println!(
                "setup: `--locked` install of {krate} failed ({e}); retrying without --locked"
            );
            run(make(false))
        }
    }
}

/// The `wasm-bindgen` binary to use: the first on PATH (cargo bin first).
pub fn wasm_bindgen_path() -> PathBuf {
    which("wasm-bindgen").unwrap_or_else(|| cargo_bin_dir().join("wasm-bindgen"))
}

fn wasm_bindgen_cli() -> Result<()> {
    let want = util::pinned_wasm_bindgen()?;
    // The test runner comes in the same crate, and must agree too.
    let runner = which("wasm-bindgen-test-runner").and_then(|p| tool_version(&p));
    let runner_ok = runner.as_deref() == Some(want.as_str());
    pinned_tool("wasm-bindgen-cli", "wasm-bindgen", &want, runner_ok)
}

/// Installs crate `krate` at version `want` unless its binary `bin` already
/// says that version (and `also_ok`).
fn pinned_tool(krate: &str, bin: &str, want: &str, also_ok: bool) -> Result<()> {
    let have = which(bin).and_then(|p| tool_version(&p));
    if have.as_deref() == Some(want) && also_ok {
        say(krate, &format!("{want} installed"));
        return Ok(());
    }
    say(
        krate,
        &format!(
            "have {}, need {want}: cargo install (takes minutes)",
            have.as_deref().unwrap_or("none")
        ),
    );
    cargo_install(krate, Some(want))?;
    let after = tool_version(&cargo_bin_dir().join(bin));
    if after.as_deref() != Some(want) {
        return Err(format!(
            "setup: installed {krate} but `{bin} --version` says {after:?}, want {want}"
        ));
    }
    Ok(())
}

fn apt_packages(manual: &mut Vec<String>) -> Result<()> {
    let missing: Vec<&str> = APT_FILES
        .iter()
        .filter(|(f, _)| !Path::new(f).exists())
        .map(|(f, _)| *f)
        .collect();
    if missing.is_empty() {
        say(
            "browsers + wasm-opt",
            "installed (chromium, chromedriver, firefox-esr, wasm-opt)",
        );
        return Ok(());
    }
    let cmdline = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {APT_PACKAGES}"
    );
    if !is_root() {
        say(
            "browsers + wasm-opt",
            &format!("missing {}", missing.join(", ")),
        );
        manual.push(format!("sudo sh -c '{cmdline}'"));
        return Ok(());
    }
    say(
        "browsers + wasm-opt",
        &format!("missing {}: apt-get install", missing.join(", ")),
    );
    let mut c = cmd("apt-get");
    c.arg("update").env("DEBIAN_FRONTEND", "noninteractive");
    run(c)?;
    let mut c = cmd("apt-get");
    c.args(["install", "-y"])
        .args(APT_PACKAGES.split(' '))
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(c)?;
    if let Some((f, _)) = APT_FILES.iter().find(|(f, _)| !Path::new(f).exists()) {
        return Err(format!(
            "setup: apt-get install finished but {f} is still missing"
        ));
    }
    Ok(())
}

/// The geckodriver to use (cargo bin first, then PATH).
pub fn geckodriver_path() -> Option<PathBuf> {
    which("geckodriver")
}

fn geckodriver() -> Result<()> {
    if let Some(p) = geckodriver_path()
        && tool_version(&p).is_some()
    {
        say("geckodriver", &format!("installed ({})", p.display()));
        return Ok(());
    }
    say(
        "geckodriver",
        "missing: cargo install geckodriver (takes minutes)",
    );
    cargo_install("geckodriver", None)?;
    if geckodriver_path().is_none() {
        return Err("setup: installed geckodriver but cannot find it on PATH".into());
    }
    Ok(())
}

/// The wasm-pack version setup installs: the example crate's tests run
/// through it, as a downstream crate's would (`wasm-pack test`).
pub const WASM_PACK: &str = "0.15.1";

/// The wasm-pack to use (cargo bin first, then PATH).
pub fn wasm_pack_path() -> Option<PathBuf> {
    which("wasm-pack")
}

fn wasm_pack() -> Result<()> {
    pinned_tool("wasm-pack", "wasm-pack", WASM_PACK, true)
}

fn node(manual: &mut Vec<String>) -> Result<()> {
    if which("node").is_some() && which("npm").is_some() {
        let v = output(cmd("node").tap_arg("--version")).unwrap_or_default();
        say("node + npm", &format!("installed ({v})"));
        return Ok(());
    }
    let cmdline = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm";
    if !is_root() {
        say("node + npm", "missing");
        manual.push(format!("sudo sh -c '{cmdline}'"));
        return Ok(());
    }
    say("node + npm", "missing: apt-get install nodejs npm");
    let mut c = cmd("apt-get");
    c.arg("update").env("DEBIAN_FRONTEND", "noninteractive");
    run(c)?;
    let mut c = cmd("apt-get");
    c.args(["install", "-y", "nodejs", "npm"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(c)
}

/// The exact `playwright-core` version pinned in tests/e2e/package.json.
fn pinned_playwright(e2e: &Path) -> Option<String> {
    let pkg = std::fs::read_to_string(e2e.join("package.json")).ok()?;
    json_string_after(&pkg, "\"playwright-core\"")
}

/// `(name, version)` of each entry of the flat `"devDependencies"` object of a package.json.
fn dev_dependencies(pkg: &str) -> Vec<(String, String)> {
    let Some(at) = pkg.find("\"devDependencies\"") else {
        return Vec::new();
    };
    let rest = &pkg[at..];
    let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
        return Vec::new();
    };
    rest[open + 1..close.max(open + 1)]
        .split(',')
        .filter_map(|entry| {
            let (name, version) = entry.split_once(':')?;
            let unquote = |s: &str| s.trim().trim_matches('"').to_string();
            Some((unquote(name), unquote(version)))
        })
        .collect()
}

/// The devDependencies of `dir/package.json` not installed at their pinned version.
fn missing_npm_packages(dir: &Path) -> Vec<String> {
    let pkg = std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
    dev_dependencies(&pkg)
        .into_iter()
        .filter(|(name, want)| {
            let have =
                std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json"))
                    .ok()
                    .and_then(|p| json_string_after(&p, "\"version\""));
            have.as_deref() != Some(want.as_str())
        })
        .map(|(name, want)| format!("{name}@{want}"))
        .collect()
}

/// The first `"..."` string after `key` (enough for our package.json files).
fn json_string_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// `xtask/tools/node_modules/.bin/wasm-opt` (binaryen from npm), when installed.
pub fn npm_wasm_opt() -> Option<PathBuf> {
    let p = util::repo_root().join("xtask/tools/node_modules/.bin/wasm-opt");
    p.exists().then_some(p)
}

/// `xtask/tools/node_modules/.bin/terser`, when installed.
pub fn npm_terser() -> Option<PathBuf> {
    let p = util::repo_root().join("xtask/tools/node_modules/.bin/terser");
    p.exists().then_some(p)
}

/// Installs xtask/tools: a current binaryen (Debian 12's wasm-opt 108 writes
/// wasm-bindgen 0.2.130's externref table export wrongly) and terser (the
/// classic script's minifier), at the versions package.json pins.
fn npm_tools() -> Result<()> {
    let dir = util::repo_root().join("xtask").join("tools");
    let Ok(manifest) = std::fs::read_to_string(dir.join("package.json")) else {
        return Ok(());
    };
    let mut stale = Vec::new();
    for package in ["binaryen", "terser"] {
        let want = json_string_after(&manifest, &format!("\"{package}\""));
        let have =
            std::fs::read_to_string(dir.join(format!("node_modules/{package}/package.json")))
                .ok()
                .and_then(|p| json_string_after(&p, "\"version\""));
        if have.is_none() || have != want {
            stale.push(format!(
                "{package} {} wanted, {} found",
                want.as_deref().unwrap_or("?"),
                have.as_deref().unwrap_or("none")
            ));
        }
    }
    if stale.is_empty() && npm_wasm_opt().is_some() && npm_terser().is_some() {
        say("build tools (npm)", "installed (binaryen, terser)");
        return Ok(());
    }
    say(
        "build tools (npm)",
        &format!("{}: npm ci in xtask/tools", stale.join(", ")),
    );
    let mut c = cmd("npm");
    c.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir);
    run(c)
}

fn npm_packages() -> Result<()> {
    let e2e = util::repo_root().join("tests").join("e2e");
    if !e2e.join("package.json").exists() {
        say("e2e npm packages", "no tests/e2e/package.json: skipped");
        return Ok(());
    }
    let want = pinned_playwright(&e2e);
    let have = std::fs::read_to_string(e2e.join("node_modules/playwright-core/package.json"))
        .ok()
        .and_then(|p| json_string_after(&p, "\"version\""));
    let missing = missing_npm_packages(&e2e);
    if have.is_some() && have == want && missing.is_empty() {
        say(
            "e2e npm packages",
            &format!("installed (playwright-core {})", have.unwrap_or_default()),
        );
        return Ok(());
    }
    let verb = if e2e.join("package-lock.json").exists() {
        "ci"
    } else {
        "install"
    };
    say(
        "e2e npm packages",
        &format!(
            "playwright-core {} wanted, {} found; missing: {}: npm {verb} (no browser download)",
            want.as_deref().unwrap_or("?"),
            have.as_deref().unwrap_or("none"),
            missing.join(" ")
        ),
    );
    npm_install(&e2e, verb)
}

/// `npm ci` (or `npm install` without a lock file) in `dir`, never
/// downloading a browser. npm 11 can write a lock file that its own `npm ci`
/// then rejects (optional platform packages of a dependency missing from the
/// lock; seen with vite's rollup binaries): in that case fall back to
/// `npm install --no-save`, which installs the same exact-pinned direct
/// dependencies and leaves the lock file as it is.
pub fn npm_install(dir: &std::path::Path, verb: &str) -> Result<()> {
    let npm = |args: &[&str]| {
        let mut c = cmd("npm");
        c.args(args)
            .args(["--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        c
    };
    if run(npm(&[verb])).is_ok() || verb != "ci" {
        return Ok(());
    }
    println!(
        "setup: `npm ci` refused the lock file in {}; retrying with `npm install --no-save`",
        dir.display()
    );
    run(npm(&["install", "--no-save"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lookup() {
        let p = r#"{ "devDependencies": { "playwright-core" : "1.2.3" }, "version": "9" }"#;
        assert_eq!(
            json_string_after(p, "\"playwright-core\"").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(json_string_after(p, "\"version\"").as_deref(), Some("9"));
        assert_eq!(json_string_after(p, "\"nope\""), None);
        let pkg = r#"{ "name": "x", "devDependencies": { "a-b": "1.2.3", "@s/c" : "4.5.6" },
            "dependencies": { "d": "7" } }"#;
        assert_eq!(
            dev_dependencies(pkg),
            [
                ("a-b".to_string(), "1.2.3".to_string()),
                ("@s/c".to_string(), "4.5.6".to_string())
            ]
        );
        assert!(dev_dependencies(r#"{ "devDependencies": {} }"#).is_empty());
        assert!(dev_dependencies("{}").is_empty());
    }
}
