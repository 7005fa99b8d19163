//! `cargo xtask mutants`: mutation testing with cargo-mutants, the measure
//! of the tests. Not part of `cargo xtask test` (it takes hours).
//!
//! - `--core` (the default): every mutant of `src/sans_io/`, caught or not
//!   by the host tests (`cargo test --lib`).
//! - `--edge --shard K/N`: one shard of the mutants of `src/web/`, caught or
//!   not by the browser suites in headless Chromium (each mutant rebuilds
//!   the wasm test binaries); the echo and static servers run meanwhile.
//!   The suites that load `pkg/` (workers, other realms) must see the
//!   mutant too: the wasm runner is `cargo xtask mutants-runner`, which
//!   rebuilds `pkg/` in cargo-mutants' copy of the tree whenever its
//!   sources changed and serves that build, then runs
//!   `wasm-bindgen-test-runner` in Chromium and, where Chromium passes, in
//!   Firefox too (code for one browser's quirks is caught there).
//!
//! Results go to `target/mutants/core/` or `target/mutants/edge-K-of-N/`
//! (`mutants.out/outcomes.json`, `missed.txt`, `caught.txt`, ...); the
//! summary line is cargo-mutants' own. TESTING.md reads them.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use crate::echo::EchoServer;
use crate::http::{Site, StaticServer};
use crate::setup;
use crate::util::{Result, cmd, repo_root, run, which};

/// The cargo-mutants version setup installs for this command.
const CARGO_MUTANTS: &str = "27.1.0";

pub const USAGE: &str = "\
cargo xtask mutants [--core | --edge --shard K/N] [--jobs N]
  --core        the mutants of src/sans_io/, against the host tests (the default)
  --edge        the mutants of src/web/, against the browser suites in headless Chromium
                (and Firefox where Chromium passes)
  --shard K/N   only shard K (0-based) of N (cargo-mutants' --shard); needed with --edge
  --jobs N      mutants built and tested at once (default 2; 1 with --edge)";

/// Options of `cargo xtask mutants`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opts {
    pub edge: bool,
    pub shard: Option<(u32, u32)>,
    pub jobs: u32,
}

impl Opts {
    pub fn parse(args: &[String]) -> Result<Opts> {
        let mut o = Opts {
            edge: false,
            shard: None,
            jobs: 0,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--core" => o.edge = false,
                "--edge" => o.edge = true,
                "--shard" => {
                    let v = it.next().ok_or("--shard needs K/N")?;
                    let (k, n) = v
                        .split_once('/')
                        .and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)))
                        .filter(|&(k, n): &(u32, u32)| n > 0 && k < n)
                        .ok_or_else(|| format!("--shard takes K/N with 0 <= K < N, not {v}"))?;
                    o.shard = Some((k, n));
                }
                "--jobs" => {
                    let v = it.next().ok_or("--jobs needs a number")?;
                    o.jobs = v
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("--jobs takes a positive number, not {v}"))?;
                }
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        if o.edge && o.shard.is_none() {
            return Err(format!(
                "--edge needs --shard K/N: each edge mutant rebuilds the wasm\n{USAGE}"
            ));
        }
        if o.jobs == 0 {
            o.jobs = if o.edge { 1 } else { 2 };
        }
        Ok(o)
    }

    /// Where this run's results go.
    fn out_dir(&self) -> PathBuf {
        let name = match self.shard {
            Some((k, n)) if self.edge => format!("edge-{k}-of-{n}"),
            Some((k, n)) => format!("core-{k}-of-{n}"),
            None => "core".into(),
        };
        repo_root().join("target").join("mutants").join(name)
    }
}

/// Runs `cargo xtask mutants`.
pub fn mutants(o: &Opts) -> Result<()> {
    if !which("cargo-mutants").is_some_and(|_| has_version()) {
        println!("mutants: installing cargo-mutants {CARGO_MUTANTS}");
        setup::cargo_install("cargo-mutants", Some(CARGO_MUTANTS))?;
    }
    let root = repo_root();
    let out = o.out_dir();
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut c = cmd("cargo");
    c.args(["mutants", "-p", "wsroute", "--no-shuffle"])
        .arg("--jobs")
        .arg(o.jobs.to_string())
        .arg("--output")
        .arg(&out)
        .current_dir(&root);
    if let Some((k, n)) = o.shard {
        c.arg("--shard").arg(format!("{k}/{n}"));
    }
    if !o.edge {
        c.args(["--file", "src/sans_io/**", "--cargo-test-arg=--lib"])
            // Fewer property cases per mutant (the tests' default is 4,000).
            .env("WSROUTE_PROP_CASES", "500");
        return run(c);
    }
    // The browser suites, as `cargo xtask test` runs them in Chromium.
    setup::setup()?;
    crate::build::build()?;
    // The static server serves the pkg/ of the mutant under test, which the
    // runner writes (the unmutated build until the first test).
    let served = out.join("pkg");
    let _ = std::fs::remove_dir_all(&served);
    crate::build::copy_dir(&root.join("pkg"), &served)
        .map_err(|e| format!("cannot copy pkg/ to {}: {e}", served.display()))?;
    let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
    let http = StaticServer::start(Site::new(served.clone()).mount("/pkg/", served.clone()))
        .map_err(|e| format!("cannot start the static server: {e}"))?;
    let xtask = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let runner = format!("{} mutants-runner", xtask.display());
    if runner.split_whitespace().count() != 2 {
        return Err(format!(
            "the xtask binary's path has a space: {}",
            xtask.display()
        ));
    }
    c.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env(SERVED_PKG, &served)
        .env(
            FIREFOX,
            setup::geckodriver_path().ok_or("geckodriver not found (run `cargo xtask setup`)")?,
        )
        .env(TOOLS, root.join("xtask").join("tools").join("node_modules"));
    c.args([
        "--file",
        "src/web/**",
        "--cargo-arg=--target=wasm32-unknown-unknown",
    ])
    // Only the wasm test binaries (their discovery is `cargo xtask test`'s).
    .args(wasm_test_args()?)
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    .env("WSROUTE_ECHO_URL", echo.url())
    .env("WSROUTE_HTTP_URL", http.url())
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
    .env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        root.join("webdriver.json"),
    )
    .env_remove("GECKODRIVER");
    let result = run(c);
    drop((echo, http));
    result
}

/// Where the runner puts the mutant's `pkg/` (the directory the static server serves).
const SERVED_PKG: &str = "WSROUTE_MUTANTS_PKG";
/// The checkout's `xtask/tools/node_modules` (wasm-opt), which cargo-mutants' copy lacks.
const TOOLS: &str = "WSROUTE_MUTANTS_TOOLS";
/// geckodriver, for the second browser.
const FIREFOX: &str = "WSROUTE_MUTANTS_GECKODRIVER";

/// `cargo xtask mutants-runner WASM [ARGS]`: the wasm test runner of an edge
/// run. Cargo starts it in the package directory of cargo-mutants' copy of
/// the tree, where one mutant is applied: when that tree's `src/` or `js/`
/// differ from what was last served, it builds `pkg/` there and copies it to
/// the served directory; then it runs `wasm-bindgen-test-runner` with the
/// same arguments in headless Chromium and, if every test passed there, in
/// headless Firefox, and exits with the status of the last run.
pub fn runner(args: &[String]) -> Result<()> {
    let served = PathBuf::from(std::env::var_os(SERVED_PKG).ok_or(
        "mutants-runner: WSROUTE_MUTANTS_PKG is not set (only `cargo xtask mutants --edge` runs this)",
    )?);
    let tree = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .ok_or("mutants-runner: cannot tell which tree to build")?;
    let stamp = fingerprint(&tree)?;
    let stamp_file = served.join(".sources");
    if std::fs::read_to_string(&stamp_file).ok().as_deref() != Some(stamp.as_str()) {
        build_served(&tree, &served)?;
        std::fs::write(&stamp_file, &stamp)
            .map_err(|e| format!("cannot write {}: {e}", stamp_file.display()))?;
    }
    let mut browsers = vec![("Chromium", "CHROMEDRIVER", "/usr/bin/chromedriver".into())];
    if let Some(geckodriver) = std::env::var_os(FIREFOX) {
        browsers.push(("Firefox", "GECKODRIVER", geckodriver));
    }
    for (browser, var, driver) in browsers {
        println!("mutants-runner: {browser}");
        let code = std::process::Command::new("wasm-bindgen-test-runner")
            .args(args)
            .env_remove("CHROMEDRIVER")
            .env_remove("GECKODRIVER")
            .env(var, driver)
            .status()
            .map_err(|e| format!("cannot run wasm-bindgen-test-runner: {e}"))?
            .code()
            .unwrap_or(1);
        if code != 0 {
            std::process::exit(code);
        }
    }
    std::process::exit(0);
}

/// Builds `pkg/` in `tree` (`cargo xtask build` there, with the checkout's
/// wasm-opt) and puts it where the static server serves it.
fn build_served(tree: &Path, served: &Path) -> Result<()> {
    let tools = tree.join("xtask").join("tools").join("node_modules");
    if let Some(from) = std::env::var_os(TOOLS).map(PathBuf::from)
        && !tools.exists()
        && from.exists()
    {
        std::os::unix::fs::symlink(&from, &tools)
            .map_err(|e| format!("cannot link {} to {}: {e}", tools.display(), from.display()))?;
    }
    let mut c = cmd("cargo");
    c.args(["xtask", "build"]).current_dir(tree);
    run(c)?;
    let _ = std::fs::remove_dir_all(served);
    crate::build::copy_dir(&tree.join("pkg"), served)
        .map_err(|e| format!("cannot copy the mutant's pkg/ to {}: {e}", served.display()))
}

/// A hash of every file under `src/` and `js/` of `tree` (paths and contents).
fn fingerprint(tree: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = ["src", "js"]
        .iter()
        .flat_map(|dir| crate::util::files_under(&tree.join(dir)))
        .collect();
    files.sort();
    let mut h = DefaultHasher::new();
    for f in &files {
        h.write(f.to_string_lossy().as_bytes());
        h.write(&std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?);
    }
    Ok(format!("{:016x} {} files", h.finish(), files.len()))
}

/// `--cargo-test-arg=--test=NAME` for every wasm-bindgen-test binary.
fn wasm_test_args() -> Result<Vec<String>> {
    let targets = crate::test::wasm_targets(&repo_root())?;
    Ok(targets
        .into_iter()
        .map(|t| format!("--cargo-test-arg=--test={t}"))
        .collect())
}

fn has_version() -> bool {
    let mut c = cmd("cargo");
    c.args(["mutants", "--version"]);
    crate::util::output(c).is_some_and(|v| v.contains(CARGO_MUTANTS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::words as a;

    #[test]
    fn the_fingerprint_follows_the_sources() {
        let tree = crate::util::target_dir().join(format!("mutants-fp.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tree);
        std::fs::create_dir_all(tree.join("src/web")).unwrap();
        std::fs::create_dir_all(tree.join("js")).unwrap();
        std::fs::write(tree.join("src/web/a.rs"), "fn a() {}").unwrap();
        std::fs::write(tree.join("js/shim.js"), "x").unwrap();
        let first = fingerprint(&tree).unwrap();
        assert!(first.ends_with(" 2 files"), "{first}");
        assert_eq!(fingerprint(&tree).unwrap(), first);
        std::fs::write(tree.join("src/web/a.rs"), "fn a() { }").unwrap();
        let second = fingerprint(&tree).unwrap();
        assert_ne!(second, first);
        std::fs::write(tree.join("js/shim.js"), "y").unwrap();
        assert_ne!(fingerprint(&tree).unwrap(), second);
        let _ = std::fs::remove_dir_all(&tree);
    }

    #[test]
    fn parses_options() {
        assert_eq!(
            Opts::parse(&[]).unwrap(),
            Opts {
                edge: false,
                shard: None,
                jobs: 2
            }
        );
        let o = Opts::parse(&a("--edge --shard 3/32")).unwrap();
        assert_eq!((o.edge, o.shard, o.jobs), (true, Some((3, 32)), 1));
        assert!(Opts::parse(&a("--edge")).is_err(), "edge needs a shard");
        assert!(Opts::parse(&a("--shard 32/32")).is_err());
        assert!(Opts::parse(&a("--shard x")).is_err());
        assert!(Opts::parse(&a("--jobs 0")).is_err());
        assert!(Opts::parse(&a("--bogus")).is_err());
        assert!(o.out_dir().ends_with("target/mutants/edge-3-of-32"));
    }
}
