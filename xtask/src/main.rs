//! Project automation: `cargo xtask setup|build|test|demo|bench|mutants|recipe`.

mod bench;
mod benchmarks_md;
mod build;
mod echo;
mod http;
mod mutants;
mod python;
mod recipe;
mod setup;
mod test;
mod util;
mod wasm;
mod wasm_size;

use std::time::{Duration, Instant};

use crate::echo::EchoServer;
use crate::http::{Site, StaticServer};
use crate::util::{Result, repo_root};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                 install what is missing (wasm32 target, wasm-bindgen-cli, browsers,
                        drivers, wasm-opt, e2e npm packages); idempotent
  build                 write pkg/ (ES module package + pkg/wsroute.global.js)
  test [flags]          setup, build, then host tests, wasm tests in headless Chromium and
                        Firefox, the TypeScript typings check, and the e2e pages; flags:
                          --browser chrome|firefox   only this browser for the wasm suites
                          --only host|types|wasm|e2e|example|python  only these suites (repeatable)
                          --skip-host --skip-types --skip-wasm --skip-e2e --skip-example
                          --skip-python --no-setup --no-build
  demo [--exit-after SECS]
                        setup, build, serve www/ with an echo server; print the URL
  size [--write]        what the global script's wasm is made of: code by feature, crate and
                        wsroute module (the table BENCHMARKS.md has; --write replaces it there)
  bench [flags]         setup, build, then benchmark native WebSocket, wsroute and peers in
                        headless Chromium; print the tables, write BENCHMARKS.md; flags:
                          --rounds N   rounds per system and workload (default 5)
                          --quick      a smoke run (< 4 minutes; does not write BENCHMARKS.md)
                          --systems A,B  only these systems (and native); no BENCHMARKS.md
                          --write --no-write --no-setup --no-build
  recipe trunk [--install] [--no-setup] [--no-build]
                        try the README's Trunk recipe for real (needs trunk; --install
                        installs it, about 13 minutes): trunk serve + headless Chromium
  mutants [flags]       mutation testing with cargo-mutants (hours; not part of test); flags:
                          --core (default) | --edge --shard K/N   --jobs N
  echo-server           run only the WebSocket echo/test server (prints its URL)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("build") => build::build(),
        Some("test") => test::Opts::parse(&args[1..]).and_then(|o| test::test(&o)),
        Some("demo") => demo(&args[1..]),
        Some("bench") => bench::Opts::parse(&args[1..]).and_then(|o| bench::bench(&o)),
        Some("size") => benchmarks_md::size(&args[1..]),
        Some("echo-server") => echo_server(&args[1..]),
        Some("mutants") => mutants::Opts::parse(&args[1..]).and_then(|o| mutants::mutants(&o)),
        // The wasm test runner of `mutants --edge` (not for direct use).
        Some("mutants-runner") => mutants::runner(&args[1..]),
        Some("recipe") => recipe::Opts::parse(&args[1..]).and_then(|o| recipe::trunk(&o)),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// Parses `--exit-after SECS`.
fn exit_after(args: &[String]) -> Result<Option<Duration>> {
    let mut it = args.iter();
    let mut out = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--exit-after" => {
                let v = it.next().ok_or("--exit-after needs a number of seconds")?;
                let secs: f64 = v
                    .parse()
                    .map_err(|_| format!("--exit-after: not a number: {v}"))?;
                out = Some(Duration::from_secs_f64(secs));
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(out)
}

/// Sleeps until the deadline, or forever (Ctrl-C ends the process).
fn wait(limit: Option<Duration>) {
    let start = Instant::now();
    loop {
        match limit {
            Some(l) => {
                let left = l.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return;
                }
                std::thread::sleep(left.min(Duration::from_millis(200)));
            }
            None => std::thread::sleep(Duration::from_secs(3600)),
        }
    }
}

fn demo(args: &[String]) -> Result<()> {
    let limit = exit_after(args)?;
    setup::setup()?;
    build::build()?;
    let root = repo_root();
    let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
    let config = format!(
        "globalThis.WSROUTE_ECHO_URL = {};\n",
        build::json_str(&echo.url())
    );
    let site = Site::new(root.join("www"))
        .mount("/pkg/", root.join("pkg"))
        .file("/config.js", config);
    let http =
        StaticServer::start(site).map_err(|e| format!("cannot start the web server: {e}"))?;
    println!(
        "wsroute demo: {}/  (echo server {}/echo)",
        http.url(),
        echo.url()
    );
    println!("press Ctrl-C to stop");
    wait(limit);
    drop(http);
    drop(echo);
    println!("demo: stopped");
    Ok(())
}

fn echo_server(args: &[String]) -> Result<()> {
    let limit = exit_after(args)?;
    let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
    println!("echo server: {}/echo", echo.url());
    wait(limit);
    drop(echo);
    Ok(())
}
