//! The suites: host tests, the typings check, the wasm-bindgen-test
//! binaries in each browser, and the end-to-end pages.

use std::path::Path;
use std::process::Command;

use super::discover::WasmTargets;
use super::opts::Browser;
use super::report::Suite;
use super::results::{
    check_host_output, check_wasm_output, parse_plain_summary, parse_test_result,
};
use super::{CSP_NO_WASM_PAGE, CSP_NO_WASM_POLICY, CSP_PAGE, CSP_POLICY};
use crate::http::{Site, StaticServer};
use crate::setup::{geckodriver_path, wasm_pack_path};
use crate::util::{Result, cmd, run_tee};

/// `cargo test --workspace`: must run tests, fail none and ignore none.
pub fn host_suite() -> Result<Suite> {
    let name = "host: cargo test --workspace";
    println!("\n==== {name} ====");
    let mut c = cmd("cargo");
    c.args(["test", "--workspace", "--no-fail-fast"]);
    let (ok, out) = run_tee(c)?;
    let (passed, failed, problems) = check_host_output(&out);
    if !problems.is_empty() {
        eprintln!("\n{name}: FAILED:\n  {}", problems.join("\n  "));
    }
    Ok(Suite::counted(name, passed, failed, ok, &problems))
}

/// The crate as crates.io would get it: `cargo package` lists what
/// `Cargo.toml`'s `include` keeps and builds the packaged copy for wasm32
/// (where its API is), so a file the build needs and the package lacks
/// fails here. Counts as one test.
pub fn package_suite() -> Result<Suite> {
    let name = "package: cargo package (built for wasm32)";
    println!("\n==== {name} ====");
    let mut c = cmd("cargo");
    c.args([
        "package",
        "-p",
        "wsroute",
        "--allow-dirty",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    one_check(name, c, "the packaged crate does not build")
}

/// The crate without its default `har` feature, as a Rust test crate may
/// take it: the library and the wasm test binaries type-check for wasm32
/// with no warning from wsroute (a HAR-only item left ungated warns as
/// dead code). Counts as one test.
pub fn no_har_suite() -> Result<Suite> {
    let name = "features: wsroute without `har` (wasm32, no warnings)";
    println!("\n==== {name} ====");
    let mut c = cmd("cargo");
    c.args([
        "check",
        "-p",
        "wsroute",
        "--no-default-features",
        "--lib",
        "--tests",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    checked(name, c, |ok, out| {
        if !ok {
            Some("does not build without the `har` feature".into())
        } else if out.lines().any(|l| l.starts_with("warning")) {
            Some("warns without the `har` feature".into())
        } else {
            None
        }
    })
}

/// Runs `c` as a suite of one test, which passes when `c` succeeds.
fn one_check(name: &str, c: Command, failure: &str) -> Result<Suite> {
    checked(name, c, |ok, _| (!ok).then(|| failure.to_string()))
}

/// Runs `c` as a suite of one test, which `judge` (given whether `c`
/// succeeded and its output) fails by naming the problem.
fn checked(name: &str, c: Command, judge: impl Fn(bool, &str) -> Option<String>) -> Result<Suite> {
    let (ok, out) = run_tee(c)?;
    let problems: Vec<String> = judge(ok, &out).into_iter().collect();
    let passed = problems.is_empty();
    Ok(Suite::counted(
        name,
        u64::from(passed),
        u64::from(!passed),
        passed,
        &problems,
    ))
}

/// The doc examples, compiled for wasm32 (`cargo test --doc --target
/// wasm32-unknown-unknown`): on the host they compile to nothing, since the
/// API exists on wasm32 only. They are `no_run` (they need a page), so the
/// suite counts as one test: every example compiled.
pub fn doc_suite(root: &Path, echo_url: &str) -> Result<Suite> {
    let name = "docs: doc examples compile for wasm32";
    println!("\n==== {name} ====");
    let mut c = cmd("cargo");
    c.args([
        "test",
        "--doc",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "wsroute",
    ]);
    prepare_wasm_env(&mut c, root, echo_url);
    c.env("CHROMEDRIVER", "/usr/bin/chromedriver");
    one_check(name, c, "a doc example does not compile for wasm32")
}

/// The API docs as docs.rs builds them (for wasm32, where the API is):
/// `cargo doc` with every rustdoc warning an error (broken links, missing
/// docs). Counts as one test.
pub fn rustdoc_suite() -> Result<Suite> {
    let name = "docs: cargo doc for wasm32, no warnings";
    println!("\n==== {name} ====");
    let mut c = cmd("cargo");
    c.args([
        "doc",
        "--no-deps",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "wsroute",
    ])
    .env("RUSTDOCFLAGS", "-D warnings");
    one_check(name, c, "cargo doc warns (RUSTDOCFLAGS=-D warnings)")
}

/// What the wasm suites fetch over HTTP: `pkg/` under `/pkg/`.
pub fn wasm_site(root: &Path) -> Site {
    Site::new(root.join("pkg")).mount("/pkg/", root.join("pkg"))
}

pub fn wasm_suite(
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
    Ok(wasm_outcome(name, ok, &out, targets.count()))
}

/// A wasm-bindgen-test run's outcome: the tests each binary passed and
/// failed, and what `check_wasm_output` finds wrong (a binary that ran no
/// test, skipped one, or is missing from `binaries`).
fn wasm_outcome(name: &str, ok: bool, out: &str, binaries: usize) -> Suite {
    let counts: Vec<_> = out.lines().filter_map(parse_test_result).collect();
    let failed = counts.iter().map(|c| c.failed).sum();
    let (passed, problems) = match check_wasm_output(out, binaries) {
        Ok(passed) => (passed, Vec::new()),
        Err(problems) => {
            eprintln!("\n{name}: FAILED:\n  {}", problems.join("\n  "));
            (counts.iter().map(|c| c.passed).sum(), problems)
        }
    };
    Suite::counted(name, passed, failed, ok, &problems)
}

/// The example crate's tests, run as its user runs them: `wasm-pack test
/// --headless --chrome|--firefox` in `examples/chat-client` (its own
/// webdriver.json), with the drivers setup installed and wasm-bindgen-cli
/// from PATH (`--mode no-install`: nothing is downloaded). The pass-through
/// tests get the echo server as `CHAT_ECHO_URL`.
pub fn example_suite(root: &Path, b: Browser, echo_url: &str) -> Result<Suite> {
    let dir = root.join("examples/chat-client");
    let name = match b {
        Browser::Chrome => "example: wasm-pack test --chrome",
        Browser::Firefox => "example: wasm-pack test --firefox",
    };
    println!("\n==== {name} ====");
    let wasm_pack = wasm_pack_path().ok_or("wasm-pack not found (run `cargo xtask setup`)")?;
    let mut c = cmd(wasm_pack);
    c.args(["test", "--headless", "--mode", "no-install"]);
    match b {
        Browser::Chrome => {
            c.args(["--chrome", "--chromedriver", "/usr/bin/chromedriver"]);
        }
        Browser::Firefox => {
            let gd = geckodriver_path().ok_or("geckodriver not found (run `cargo xtask setup`)")?;
            c.arg("--firefox").arg("--geckodriver").arg(gd);
        }
    }
    c.arg(&dir);
    prepare_wasm_env(&mut c, root, echo_url);
    // The example's own webdriver.json, read from its directory.
    c.env_remove("WASM_BINDGEN_TEST_WEBDRIVER_JSON")
        .env("CHAT_ECHO_URL", format!("{echo_url}/echo"))
        .current_dir(&dir);
    let (ok, out) = run_tee(c)?;
    Ok(wasm_outcome(name, ok, &out, 1))
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
pub fn types_suite(root: &Path) -> Result<Suite> {
    let name = "types: tsc -p tests/types --noEmit";
    println!("\n==== {name} ====");
    let tsc = root.join("tests/e2e/node_modules/typescript/bin/tsc");
    if !tsc.exists() {
        let e = format!(
            "{} is missing: run `cargo xtask setup` (typescript is pinned in tests/e2e/package.json)",
            tsc.display()
        );
        eprintln!("{e}");
        return Ok(Suite::broken(name, &e));
    }
    let mut c = cmd("node");
    c.arg(&tsc)
        .args(["-p", "tests/types", "--noEmit", "--pretty", "false"])
        .current_dir(root);
    let (ok, out) = run_tee(c)?;
    Ok(if ok {
        println!("types: tests/types/usage.ts type-checks against pkg/");
        Suite::counted(name, 1, 0, true, &[])
    } else {
        let errors = out.lines().filter(|l| l.contains("error TS")).count();
        eprintln!(
            "types: FAILED: {errors} TypeScript errors (a wrong type in pkg/*.d.ts, or an \
             `@ts-expect-error` line that now compiles)"
        );
        Suite::broken(name, &format!("{errors} TypeScript errors"))
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
        .csp(CSP_NO_WASM_PAGE, CSP_NO_WASM_POLICY)
}

pub fn e2e_suite(root: &Path, echo_url: &str) -> Result<Suite> {
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
        Some((0, failed)) => Suite::counted(name, 0, failed, ok, &["ran no tests".into()]),
        Some((passed, failed)) => Suite::counted(name, passed, failed, ok, &[]),
        None => Suite::broken(name, "no `N passed, M failed` line"),
    })
}

/// The Python package: its wheel built and installed in the venv, then
/// pytest with pytest-playwright (Debian's Chromium). Fails when a test
/// fails, when none ran, and when any was skipped, deselected or xfailed.
pub fn python_suite() -> Result<Suite> {
    let name = "python: pytest python/tests (pytest-playwright + Chromium)";
    println!("\n==== {name} ====");
    let wheel = match crate::python::build_and_install_wheel() {
        Ok(w) => w,
        Err(e) => return Ok(Suite::broken(name, &format!("the wheel: {e}"))),
    };
    let (ok, out) = crate::python::pytest(&wheel)?;
    Ok(match crate::python::parse_pytest_summary(&out) {
        Some(c) => {
            let mut problems = c.not_run;
            if c.passed == 0 {
                problems.push("ran no tests".into());
            }
            Suite::counted(
                name,
                c.passed,
                c.failed,
                ok && problems.is_empty(),
                &problems,
            )
        }
        None => Suite::broken(name, "no pytest summary line (did pytest crash?)"),
    })
}
