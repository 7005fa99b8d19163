//! `cargo xtask test`: setup, build, then every suite, failing fast.
//!
//! Suites: host (`cargo test --workspace`), the typings check (`tsc -p
//! tests/types`), wasm-bindgen-test in headless Chrome and Firefox, and the
//! Playwright e2e pages. Ends with a line
//! `N passed, M failed` (tests counted where the runners report them).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::echo::EchoServer;
use crate::http::{Site, StaticServer};
use crate::setup::geckodriver_path;
use crate::util::{Result, cmd, repo_root, run_tee};

/// The e2e page that is served with a Content-Security-Policy header.
pub const CSP_PAGE: &str = "/csp.html";
/// Its policy: no inline scripts, no eval, but wasm compilation allowed.
pub const CSP_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:";

/// A browser for the wasm-bindgen-test suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Chromium via chromedriver.
    Chrome,
    /// Firefox ESR via geckodriver.
    Firefox,
}

/// Command-line options of `cargo xtask test`.
#[derive(Debug, Clone)]
pub struct Opts {
    /// Browsers for the wasm suites.
    pub browsers: Vec<Browser>,
    /// Run `cargo test --workspace`.
    pub host: bool,
    /// Type-check tests/types against pkg/'s typings.
    pub types: bool,
    /// Run the wasm-bindgen-test suites.
    pub wasm: bool,
    /// Run the e2e suite.
    pub e2e: bool,
    /// Run `setup` first.
    pub setup: bool,
    /// Run `build` first.
    pub build: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            browsers: vec![Browser::Chrome, Browser::Firefox],
            host: true,
            types: true,
            wasm: true,
            e2e: true,
            setup: true,
            build: true,
        }
    }
}

pub const USAGE: &str = "\
cargo xtask test [--browser chrome|firefox]... [--only host|types|wasm|e2e]...
                 [--skip-host] [--skip-types] [--skip-wasm] [--skip-e2e] [--no-setup] [--no-build]";

impl Opts {
    /// Parses the arguments after `test`.
    pub fn parse(args: &[String]) -> Result<Opts> {
        let mut o = Opts::default();
        let mut browsers = Vec::new();
        let mut only: Vec<String> = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value\nusage: {USAGE}"))
            };
            match a.as_str() {
                "--browser" => match value("--browser")?.as_str() {
                    "chrome" | "chromium" => browsers.push(Browser::Chrome),
                    "firefox" => browsers.push(Browser::Firefox),
                    other => return Err(format!("unknown browser {other:?}\nusage: {USAGE}")),
                },
                "--only" => only.push(value("--only")?),
                "--skip-host" => o.host = false,
                "--skip-types" => o.types = false,
                "--skip-wasm" => o.wasm = false,
                "--skip-e2e" => o.e2e = false,
                "--no-setup" => o.setup = false,
                "--no-build" => o.build = false,
                other => return Err(format!("unknown argument {other:?}\nusage: {USAGE}")),
            }
        }
        if !browsers.is_empty() {
            o.browsers = browsers;
        }
        if !only.is_empty() {
            for s in &only {
                if !["host", "types", "wasm", "e2e"].contains(&s.as_str()) {
                    return Err(format!("--only takes host, types, wasm or e2e, not {s:?}"));
                }
            }
            o.host = only.iter().any(|s| s == "host");
            o.types = only.iter().any(|s| s == "types");
            o.wasm = only.iter().any(|s| s == "wasm");
            o.e2e = only.iter().any(|s| s == "e2e");
        }
        Ok(o)
    }
}

/// The outcome of one suite.
#[derive(Debug, Clone, PartialEq)]
struct Suite {
    name: String,
    passed: u64,
    failed: u64,
    ok: bool,
    note: String,
}

/// Counts from one `test result:` line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
    pub filtered: u64,
}

/// Parses `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; ...`.
pub fn parse_test_result(line: &str) -> Option<Counts> {
    let rest = &line[line.find("test result:")? + "test result:".len()..];
    let rest = rest.split_once('.').map(|(_, r)| r)?;
    let mut c = Counts::default();
    let mut seen = false;
    for part in rest.split(';') {
        let mut w = part.split_whitespace();
        let (Some(n), Some(what)) = (w.next(), w.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        seen = true;
        match what {
            "passed" => c.passed = n,
            "failed" => c.failed = n,
            "ignored" => c.ignored = n,
            "filtered" => c.filtered = n,
            _ => {}
        }
    }
    seen.then_some(c)
}

/// Parses a plain `N passed, M failed` line (the e2e runner's last line).
pub fn parse_plain_summary(out: &str) -> Option<(u64, u64)> {
    out.lines().rev().find_map(|l| {
        let l = l.trim();
        let (p, f) = l.split_once(" passed, ")?;
        let f = f.strip_suffix(" failed")?;
        Some((p.trim().parse().ok()?, f.trim().parse().ok()?))
    })
}

/// Checks the output of one `cargo test --target wasm32-unknown-unknown` run:
/// one section per test binary (cargo's `Running ...` line), each of which
/// must report > 0 passed tests, none failed, ignored or filtered out, and
/// nothing skipped. Returns the number of passed tests, or the problems.
pub fn check_wasm_output(
    out: &str,
    expected_binaries: usize,
) -> std::result::Result<u64, Vec<String>> {
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for line in out.lines() {
        let t = line.trim();
        // cargo's indented `     Running tests/a.rs (target/.../a-HASH.wasm)`, not the
        // runner's own `Running headless tests in Chrome on ...`.
        let cargo_line = line.starts_with(' ') && t.ends_with(')');
        if let Some(what) = t.strip_prefix("Running ").filter(|_| cargo_line) {
            sections.push((what.to_string(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(line);
        }
    }
    let mut problems = Vec::new();
    let mut passed = 0;
    if sections.len() != expected_binaries {
        problems.push(format!(
            "expected {expected_binaries} wasm test binaries to run, saw {}",
            sections.len()
        ));
    }
    for (name, lines) in &sections {
        let results: Vec<Counts> = lines.iter().filter_map(|l| parse_test_result(l)).collect();
        let lower: Vec<String> = lines.iter().map(|l| l.to_ascii_lowercase()).collect();
        if lower.iter().any(|l| l.contains("no tests to run")) {
            problems.push(format!("{name}: ran no tests (\"no tests to run!\")"));
            continue;
        }
        if let Some(l) = lower
            .iter()
            .find(|l| l.contains("skipping") || l.contains("skipped"))
        {
            problems.push(format!("{name}: skipped: {}", l.trim()));
            continue;
        }
        match results.as_slice() {
            [] => problems.push(format!(
                "{name}: no `test result:` line (did the runner crash or time out?)"
            )),
            [c] => {
                passed += c.passed;
                if c.passed == 0 {
                    problems.push(format!("{name}: 0 tests passed"));
                }
                if c.failed > 0 {
                    problems.push(format!("{name}: {} failed", c.failed));
                }
                if c.ignored > 0 {
                    problems.push(format!("{name}: {} ignored", c.ignored));
                }
                if c.filtered > 0 {
                    problems.push(format!("{name}: {} filtered out", c.filtered));
                }
            }
            _ => problems.push(format!("{name}: more than one `test result:` line")),
        }
    }
    if problems.is_empty() {
        Ok(passed)
    } else {
        Err(problems)
    }
}

/// What `cargo test --target wasm32-unknown-unknown` should run.
#[derive(Debug, Default, PartialEq)]
pub struct WasmTargets {
    /// Whether src/ has `#[wasm_bindgen_test]`s (run `--lib`).
    pub lib: bool,
    /// Integration test names (`--test NAME`) that contain wasm-bindgen tests.
    pub tests: Vec<String>,
}

impl WasmTargets {
    fn count(&self) -> usize {
        self.tests.len() + usize::from(self.lib)
    }

    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if self.lib {
            a.push("--lib".to_string());
        }
        for t in &self.tests {
            a.push("--test".to_string());
            a.push(t.clone());
        }
        a
    }
}

const MODES: &[&str] = &[
    "run_in_browser",
    "run_in_dedicated_worker",
    "run_in_shared_worker",
    "run_in_service_worker",
];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Finds the wasm-bindgen-test targets: integration tests (tests/NAME.rs or
/// tests/NAME/main.rs) and src/ that use `wasm_bindgen_test`. Each must
/// configure a browser or worker mode, or it would silently run in Node.
pub fn discover_wasm_targets(root: &Path) -> Result<WasmTargets> {
    let mut t = WasmTargets::default();
    let mut bad = Vec::new();
    let mut candidates: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("tests")) {
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if p.is_file() && p.extension().is_some_and(|e| e == "rs") {
                candidates.push((name, p));
            } else if p.join("main.rs").is_file() {
                candidates.push((name, p.join("main.rs")));
            }
        }
    }
    candidates.sort();
    for (name, path) in candidates {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        if !src.contains("wasm_bindgen_test") {
            continue;
        }
        if !MODES.iter().any(|m| src.contains(m)) {
            bad.push(format!(
                "{}: has wasm-bindgen tests but no `wasm_bindgen_test_configure!(run_in_browser)`",
                path.display()
            ));
        }
        t.tests.push(name);
    }
    let mut src_files = Vec::new();
    rs_files(&root.join("src"), &mut src_files);
    let mut lib_has_tests = false;
    let mut lib_has_mode = false;
    for f in src_files {
        let s = std::fs::read_to_string(&f).unwrap_or_default();
        lib_has_tests |= s.contains("#[wasm_bindgen_test]") || s.contains("#[wasm_bindgen_test(");
        lib_has_mode |= MODES.iter().any(|m| s.contains(m));
    }
    if lib_has_tests {
        t.lib = true;
        if !lib_has_mode {
            bad.push("src/: has #[wasm_bindgen_test]s but no `wasm_bindgen_test_configure!(run_in_browser)`".into());
        }
    }
    if !bad.is_empty() {
        return Err(bad.join("\n"));
    }
    Ok(t)
}

fn print_summary(suites: &[Suite]) {
    println!();
    println!("==== summary ====");
    for s in suites {
        let mark = if s.ok { "PASS" } else { "FAIL" };
        println!(
            "[{mark}] {} -- {} tests passed, {} failed{}",
            s.name, s.passed, s.failed, s.note
        );
    }
    let passed: u64 = suites.iter().map(|s| s.passed).sum();
    let failed: u64 = suites.iter().map(|s| s.failed).sum();
    let failed_suites = suites.iter().filter(|s| !s.ok).count() as u64;
    // A failed suite whose tests we could not count still counts as a failure.
    let failed = failed.max(failed_suites);
    println!("{passed} passed, {failed} failed");
}

/// Records a suite; on failure prints the summary and returns an error.
fn record(suites: &mut Vec<Suite>, s: Suite) -> Result<()> {
    let ok = s.ok;
    let name = s.name.clone();
    suites.push(s);
    if ok {
        Ok(())
    } else {
        print_summary(suites);
        Err(format!("test: {name} failed"))
    }
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Suite {
    println!("\n==== {name} ====");
    match f() {
        Ok(()) => Suite {
            name: name.into(),
            passed: 0,
            failed: 0,
            ok: true,
            note: String::new(),
        },
        Err(e) => {
            eprintln!("{e}");
            Suite {
                name: name.into(),
                passed: 0,
                failed: 1,
                ok: false,
                note: format!(" ({e})"),
            }
        }
    }
}

/// Runs `cargo xtask test`.
pub fn test(o: &Opts) -> Result<()> {
    let root = repo_root();
    let mut suites: Vec<Suite> = Vec::new();
    if o.setup {
        let s = step("setup", crate::setup::setup);
        record(&mut suites, s)?;
    }
    if o.build {
        let s = step("build", crate::build::build);
        record(&mut suites, s)?;
    }

    if o.host {
        println!("\n==== host tests: cargo test --workspace ====");
        let mut c = cmd("cargo");
        c.args(["test", "--workspace", "--no-fail-fast"]);
        let (ok, out) = run_tee(c)?;
        let counts: Vec<Counts> = out.lines().filter_map(parse_test_result).collect();
        let passed = counts.iter().map(|c| c.passed).sum();
        let failed = counts.iter().map(|c| c.failed).sum();
        record(
            &mut suites,
            Suite {
                name: "host: cargo test --workspace".into(),
                passed,
                failed,
                ok: ok && failed == 0,
                note: String::new(),
            },
        )?;
    }

    if o.types {
        let s = types_suite(&root)?;
        record(&mut suites, s)?;
    }

    let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
    let echo_url = echo.url();
    println!("\necho server: {echo_url}  (WSROUTE_ECHO_URL)");

    if o.wasm {
        let found = discover_wasm_targets(&root).and_then(|t| {
            if t.count() > 0 {
                Ok(t)
            } else {
                Err("no wasm-bindgen-test targets found (tests/*.rs using wasm_bindgen_test with \
                     wasm_bindgen_test_configure!(run_in_browser)): the wasm suites would run nothing"
                    .into())
            }
        });
        let targets = match found {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("{e}");
                record(
                    &mut suites,
                    Suite {
                        name: "wasm: discover".into(),
                        passed: 0,
                        failed: 1,
                        ok: false,
                        note: format!(" ({e})"),
                    },
                )?;
                None
            }
        };
        if let Some(targets) = targets {
            // pkg/ over HTTP on another origin, with CORS, for the worker tests
            // (`importScripts()` / `import()` from Blob workers).
            let http = StaticServer::start(wasm_site(&root))
                .map_err(|e| format!("cannot start the static server: {e}"))?;
            let http_url = http.url();
            println!("static server: {http_url}  (WSROUTE_HTTP_URL)");
            for b in &o.browsers {
                let s = wasm_suite(&root, *b, &targets, &echo_url, &http_url)?;
                record(&mut suites, s)?;
            }
            drop(http);
        }
    }

    if o.e2e {
        let s = e2e_suite(&root, &echo_url)?;
        record(&mut suites, s)?;
    }
    drop(echo);
    print_summary(&suites);
    Ok(())
}

/// What the wasm suites fetch over HTTP: `pkg/` under `/pkg/`.
fn wasm_site(root: &Path) -> Site {
    Site::new(root.join("pkg")).mount("/pkg/", root.join("pkg"))
}

fn wasm_suite(
    root: &Path,
    b: Browser,
    targets: &WasmTargets,
    echo_url: &str,
    http_url: &str,
) -> Result<Suite> {
    let name = match b {
        Browser::Chrome => "wasm: headless Chromium",
        Browser::Firefox => "wasm: headless Firefox",
    };
    println!("\n==== {name} ({} test binaries) ====", targets.count());
    let mut c = cmd("cargo");
    c.args([
        "test",
        "--no-fail-fast",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "wsroute",
    ])
    .args(targets.args());
    prepare_wasm_env(&mut c, root, echo_url);
    c.env("WSROUTE_HTTP_URL", http_url);
    match b {
        Browser::Chrome => {
            c.env("CHROMEDRIVER", "/usr/bin/chromedriver");
        }
        Browser::Firefox => {
            let gd = geckodriver_path().ok_or("geckodriver not found (run `cargo xtask setup`)")?;
            c.env("GECKODRIVER", gd);
        }
    }
    let (ok, out) = run_tee(c)?;
    Ok(match check_wasm_output(&out, targets.count()) {
        Ok(passed) => Suite {
            name: name.into(),
            passed,
            failed: 0,
            ok,
            note: String::new(),
        },
        Err(problems) => {
            eprintln!("\n{name}: FAILED:\n  {}", problems.join("\n  "));
            let failed: u64 = out
                .lines()
                .filter_map(parse_test_result)
                .map(|c| c.failed)
                .sum();
            let passed: u64 = out
                .lines()
                .filter_map(parse_test_result)
                .map(|c| c.passed)
                .sum();
            Suite {
                name: name.into(),
                passed,
                failed: failed.max(1),
                ok: false,
                note: format!(" ({})", problems.join("; ")),
            }
        }
    })
}

fn prepare_wasm_env(c: &mut Command, root: &Path, echo_url: &str) {
    for v in [
        "CHROMEDRIVER",
        "GECKODRIVER",
        "SAFARIDRIVER",
        "MSEDGEDRIVER",
        "CHROMEDRIVER_REMOTE",
        "GECKODRIVER_REMOTE",
        "SAFARIDRIVER_REMOTE",
        "MSEDGEDRIVER_REMOTE",
        "WASM_BINDGEN_TEST_ONLY_NODE",
        "WASM_BINDGEN_TEST_ONLY_WEB",
        "WASM_BINDGEN_USE_BROWSER",
        "WASM_BINDGEN_USE_DENO",
        "WASM_BINDGEN_USE_NODE_EXPERIMENTAL",
        "WASM_BINDGEN_USE_DEDICATED_WORKER",
        "WASM_BINDGEN_USE_SHARED_WORKER",
        "WASM_BINDGEN_USE_SERVICE_WORKER",
        "NO_HEADLESS",
    ] {
        c.env_remove(v);
    }
    c.env("WSROUTE_ECHO_URL", echo_url)
        .env(
            "WASM_BINDGEN_TEST_TIMEOUT",
            std::env::var("WASM_BINDGEN_TEST_TIMEOUT").unwrap_or_else(|_| "120".into()),
        )
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("webdriver.json"),
        )
        .current_dir(root);
}

/// The typings check: `tsc -p tests/types --noEmit` (TypeScript pinned in
/// tests/e2e/package.json) against pkg/wsroute.d.ts and pkg/wsroute.global.d.ts;
/// counts as one test.
fn types_suite(root: &Path) -> Result<Suite> {
    let name = "types: tsc -p tests/types --noEmit";
    println!("\n==== {name} ====");
    let tsc = root.join("tests/e2e/node_modules/typescript/bin/tsc");
    let fail = |note: String| Suite {
        name: name.into(),
        passed: 0,
        failed: 1,
        ok: false,
        note: format!(" ({note})"),
    };
    if !tsc.exists() {
        let e = format!(
            "{} is missing: run `cargo xtask setup` (typescript is pinned in tests/e2e/package.json)",
            tsc.display()
        );
        eprintln!("{e}");
        return Ok(fail(e));
    }
    let mut c = cmd("node");
    c.arg(&tsc)
        .args(["-p", "tests/types", "--noEmit", "--pretty", "false"])
        .current_dir(root);
    let (ok, out) = run_tee(c)?;
    Ok(if ok {
        println!("types: tests/types/usage.ts type-checks against pkg/");
        Suite {
            name: name.into(),
            passed: 1,
            failed: 0,
            ok: true,
            note: String::new(),
        }
    } else {
        let errors = out.lines().filter(|l| l.contains("error TS")).count();
        eprintln!(
            "types: FAILED: {errors} TypeScript errors (a wrong type in pkg/*.d.ts, or an \
             `@ts-expect-error` line that now compiles)"
        );
        fail(format!("{errors} TypeScript errors"))
    })
}

/// What the e2e suite serves: tests/e2e/pages at `/`, pkg/ at `/pkg/`, the
/// e2e node_modules at `/node_modules/`, and the demo (www/ at `/demo/` with
/// the `/config.js` `cargo xtask demo` generates).
fn e2e_site(root: &Path, echo_url: &str) -> Site {
    let config = format!(
        "globalThis.WSROUTE_ECHO_URL = {};\n",
        crate::build::json_str(echo_url)
    );
    Site::new(root.join("tests/e2e/pages"))
        .mount("/pkg/", root.join("pkg"))
        // Browser builds of the third-party clients the e2e pages load.
        .mount("/node_modules/", root.join("tests/e2e/node_modules"))
        .mount("/demo/", root.join("www"))
        .file("/config.js", config)
        .csp(CSP_PAGE, CSP_POLICY)
}

fn e2e_suite(root: &Path, echo_url: &str) -> Result<Suite> {
    let name = "e2e: node tests/e2e/run.mjs (Playwright + Chromium)";
    println!("\n==== {name} ====");
    let site = e2e_site(root, echo_url);
    let http =
        StaticServer::start(site).map_err(|e| format!("cannot start the static server: {e}"))?;
    println!("static server: {}  (WSROUTE_HTTP_URL)", http.url());
    let mut c = cmd("node");
    c.arg(root.join("tests/e2e/run.mjs"))
        .env("WSROUTE_ECHO_URL", echo_url)
        .env("WSROUTE_HTTP_URL", http.url())
        .env("CHROMIUM", "/usr/bin/chromium");
    let (ok, out) = run_tee(c)?;
    drop(http);
    Ok(match parse_plain_summary(&out) {
        Some((passed, failed)) => Suite {
            name: name.into(),
            passed,
            failed,
            ok: ok && failed == 0 && passed > 0,
            note: if passed + failed == 0 {
                " (ran no tests)".into()
            } else {
                String::new()
            },
        },
        None => Suite {
            name: name.into(),
            passed: 0,
            failed: 1,
            ok: false,
            note: " (no `N passed, M failed` line)".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libtest_and_wasm_bindgen_test_results() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; finished in 0.00s"
            ),
            Some(Counts {
                passed: 3,
                failed: 0,
                ignored: 1,
                filtered: 2
            })
        );
        assert_eq!(
            parse_test_result(
                "test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 filtered out; finished in 1.20s"
            ),
            Some(Counts {
                passed: 5,
                failed: 2,
                ignored: 0,
                filtered: 0
            })
        );
        assert_eq!(parse_test_result("nothing here"), None);
    }

    #[test]
    fn plain_summary() {
        assert_eq!(
            parse_plain_summary("ok - a\n2 passed, 0 failed\n"),
            Some((2, 0))
        );
        assert_eq!(parse_plain_summary("x\n1 passed, 3 failed"), Some((1, 3)));
        assert_eq!(parse_plain_summary("no summary"), None);
    }

    const GOOD: &str = "   Compiling wsroute\n     Running tests/a.rs (target/wasm32-unknown-unknown/debug/deps/a-1.wasm)\n\
        running 2 tests\n\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.1s\n\
        \x20    Running tests/b.rs (target/wasm32-unknown-unknown/debug/deps/b-1.wasm)\n\
        Running headless tests in Chrome on `http://127.0.0.1:35169/`\n\
        test result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.1s\n";

    #[test]
    fn wasm_output_good() {
        assert_eq!(check_wasm_output(GOOD, 2), Ok(5));
    }

    #[test]
    fn wasm_output_rejects_empty_skipped_and_ignored() {
        assert!(check_wasm_output(GOOD, 3).is_err());
        let none = "     Running tests/a.rs (x.wasm)\nno tests to run!\n";
        assert!(check_wasm_output(none, 1).is_err());
        let skip = "     Running tests/a.rs (x.wasm)\nthis test suite is only configured to run in a browser, but we're only testing node.js tests so skipping\n";
        assert!(check_wasm_output(skip, 1).is_err());
        let ign = "     Running tests/a.rs (x.wasm)\ntest result: ok. 2 passed; 0 failed; 1 ignored; 0 filtered out\n";
        assert!(check_wasm_output(ign, 1).is_err());
        let filt = "     Running tests/a.rs (x.wasm)\ntest result: ok. 2 passed; 0 failed; 0 ignored; 4 filtered out\n";
        assert!(check_wasm_output(filt, 1).is_err());
        let zero = "     Running tests/a.rs (x.wasm)\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 filtered out\n";
        assert!(check_wasm_output(zero, 1).is_err());
        let crash = "     Running tests/a.rs (x.wasm)\nerror: some driver failure\n";
        assert!(check_wasm_output(crash, 1).is_err());
    }

    #[test]
    fn discovers_wasm_targets() {
        let tmp = std::env::temp_dir().join(format!("xtask-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("tests/multi")).unwrap();
        std::fs::create_dir_all(tmp.join("src")).unwrap();
        std::fs::write(tmp.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(tmp.join("tests/host.rs"), "#[test] fn t() {}\n").unwrap();
        std::fs::write(
            tmp.join("tests/web.rs"),
            "wasm_bindgen_test_configure!(run_in_browser);\n#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        std::fs::write(
            tmp.join("tests/multi/main.rs"),
            "wasm_bindgen_test_configure!(run_in_dedicated_worker);\n#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        let t = discover_wasm_targets(&tmp).unwrap();
        assert_eq!(
            t,
            WasmTargets {
                lib: false,
                tests: vec!["multi".into(), "web".into()]
            }
        );
        assert_eq!(t.args(), ["--test", "multi", "--test", "web"]);

        std::fs::write(
            tmp.join("tests/node.rs"),
            "#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        assert!(discover_wasm_targets(&tmp).unwrap_err().contains("node.rs"));
        std::fs::remove_file(tmp.join("tests/node.rs")).unwrap();

        std::fs::write(tmp.join("src/lib.rs"), "#[wasm_bindgen_test]\nfn t() {}\n").unwrap();
        assert!(discover_wasm_targets(&tmp).is_err());
        std::fs::write(
            tmp.join("src/lib.rs"),
            "wasm_bindgen_test_configure!(run_in_browser);\n#[wasm_bindgen_test]\nfn t() {}\n",
        )
        .unwrap();
        assert!(discover_wasm_targets(&tmp).unwrap().lib);
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn parses_options() {
        let a = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = Opts::parse(&[]).unwrap();
        assert!(o.host && o.types && o.wasm && o.e2e && o.setup && o.build);
        assert_eq!(o.browsers, [Browser::Chrome, Browser::Firefox]);
        let o = Opts::parse(&a("--browser firefox --skip-e2e")).unwrap();
        assert_eq!(o.browsers, [Browser::Firefox]);
        assert!(!o.e2e && o.wasm && o.host);
        let o = Opts::parse(&a("--only host")).unwrap();
        assert!(o.host && !o.types && !o.wasm && !o.e2e);
        let o = Opts::parse(&a("--only types --only e2e")).unwrap();
        assert!(!o.host && o.types && !o.wasm && o.e2e);
        let o = Opts::parse(&a("--skip-types")).unwrap();
        assert!(o.host && !o.types && o.wasm && o.e2e);
        assert!(Opts::parse(&a("--browser safari")).is_err());
        assert!(Opts::parse(&a("--only nope")).is_err());
        assert!(Opts::parse(&a("--bogus")).is_err());
    }
}
