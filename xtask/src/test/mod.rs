//! `cargo xtask test`: setup, build, then every suite, failing fast.
//!
//! Suites: host (`cargo test --workspace`), the typings check (`tsc -p
//! tests/types`), wasm-bindgen-test in headless Chrome and Firefox, the
//! Playwright e2e pages, and the example crate (`examples/chat-client`)
//! through `wasm-pack test` in each browser, as a downstream crate runs it,
//! and the Python package (`python/`: its wheel, then pytest with
//! pytest-playwright in Chromium). A suite fails when a test fails, when it ran no
//! test, and when it ignored, filtered out or skipped one. The run ends with
//! the summary: each suite, each suite left out by an option, and a line
//! `N passed, M failed` (tests counted where the runners report them).
//!
//! | file | owns |
//! |---|---|
//! | `opts.rs` | the command line |
//! | `suites.rs` | running each suite |
//! | `results.rs` | reading the runners' output |
//! | `discover.rs` | finding the wasm test binaries |
//! | `report.rs` | suites' outcomes and the summary |

mod discover;
mod docs;
mod opts;
mod report;
mod results;
mod suites;

pub use opts::Opts;

use report::{Report, Suite, step};

use crate::echo::EchoServer;
use crate::http::StaticServer;
use crate::util::{Result, repo_root};

/// The e2e page that is served with a Content-Security-Policy header.
pub const CSP_PAGE: &str = "/csp.html";
/// Its policy: no inline scripts, no eval, but wasm compilation allowed.
pub const CSP_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:";

/// The e2e page served with a policy that forbids compiling wasm.
pub const CSP_NO_WASM_PAGE: &str = "/csp-no-wasm.html";
/// Its policy: scripts from the site only, no 'wasm-unsafe-eval'.
pub const CSP_NO_WASM_POLICY: &str =
    "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:";

/// The names of the wasm-bindgen-test binaries (`tests/NAME.rs`).
pub fn wasm_targets(root: &std::path::Path) -> Result<Vec<String>> {
    Ok(discover::discover_wasm_targets(root)?.tests)
}

/// Runs `cargo xtask test`.
pub fn test(o: &Opts) -> Result<()> {
    let root = repo_root();
    let mut report = Report::new(o.left_out());
    if o.setup {
        report.record(step("setup", crate::setup::setup))?;
    }
    if o.build {
        report.record(step("build", crate::build::build))?;
    }
    if o.host {
        report.record(suites::host_suite()?)?;
        report.record(suites::package_suite()?)?;
    }
    if o.types {
        report.record(suites::types_suite(&root)?)?;
    }
    let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
    let echo_url = echo.url();
    println!("\necho server: {echo_url}  (WSROUTE_ECHO_URL)");
    if o.wasm {
        report.record(suites::rustdoc_suite()?)?;
        report.record(suites::no_har_suite()?)?;
        report.record(suites::doc_suite(&root, &echo_url)?)?;
        wasm_suites(&root, o, &echo_url, &mut report)?;
    }
    if o.e2e {
        report.record(suites::e2e_suite(&root, &echo_url)?)?;
    }
    if o.example {
        for b in &o.browsers {
            report.record(suites::example_suite(&root, *b, &echo_url)?)?;
        }
    }
    drop(echo);
    if o.python {
        report.record(suites::python_suite()?)?;
    }
    report.print();
    Ok(())
}

/// The wasm-bindgen-test binaries, in each browser of `o`.
fn wasm_suites(
    root: &std::path::Path,
    o: &Opts,
    echo_url: &str,
    report: &mut Report,
) -> Result<()> {
    let targets = match discover::discover_wasm_targets(root) {
        Ok(t) if t.count() > 0 => t,
        Ok(_) => {
            let why = "no wasm-bindgen-test targets found (tests/*.rs using wasm_bindgen_test with \
                       wasm_bindgen_test_configure!(run_in_browser)): the wasm suites would run nothing";
            eprintln!("{why}");
            return report.record(Suite::broken("wasm: discover", why));
        }
        Err(e) => {
            eprintln!("{e}");
            return report.record(Suite::broken("wasm: discover", &e));
        }
    };
    // pkg/ over HTTP on another origin, with CORS, for the worker tests
    // (`importScripts()` / `import()` from Blob workers).
    let http = StaticServer::start(suites::wasm_site(root))
        .map_err(|e| format!("cannot start the static server: {e}"))?;
    let http_url = http.url();
    println!("static server: {http_url}  (WSROUTE_HTTP_URL)");
    for b in &o.browsers {
        report.record(suites::wasm_suite(root, *b, &targets, echo_url, &http_url)?)?;
    }
    Ok(())
}
