//! `cargo xtask bench`: the benchmark tables.
//!
//! Sets up and builds like `test`, installs `bench/` (its own exact-pinned npm
//! packages: playwright-core, @mswjs/interceptors, mock-socket), starts the
//! echo server and a static server on 127.0.0.1, and runs `node bench/run.mjs`,
//! which drives headless Chromium through every system and workload and prints
//! the report. A full run rewrites `BENCHMARKS.md`; `--quick` does not unless
//! `--write` is given. Raw results and the CPU profile go to `target/bench/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::echo::EchoServer;
use crate::http::{Site, StaticServer};
use crate::util::{Result, cmd, gzip_size, output, repo_root, run, show, target_dir, which};
use crate::{build, setup};

/// The npm packages of `bench/package.json`, each pinned to an exact version.
const BENCH_PACKAGES: &[&str] = &["playwright-core", "@mswjs/interceptors", "mock-socket"];

/// Echo servers besides the main one, for the memory churn.
const CHURN_SERVERS: usize = 7;

pub const USAGE: &str = "\
cargo xtask bench [--rounds N] [--quick] [--systems A,B] [--baseline REV] [--write | --no-write]
                  [--no-setup] [--no-build]
  --rounds N    rounds per system and workload (default 5; 1 with --quick)
  --baseline REV  also measure the classic script built at git revision REV, as base-* systems
                beside this build's, in the same run (before/after); with --write it writes
                only BENCHMARKS.md's paired section (default: --no-write)
  --systems A,B measure only these systems (ids as in bench/run.mjs, e.g. wsroute-mock,msw-mock)
                besides native (and their base-* twins with --baseline); skips the memory
                churn; implies --no-write
  --quick       a smoke run: workloads a tenth of the size, short budgets (< 4 minutes)
  --write       write BENCHMARKS.md (the default for a full run)
  --no-write    do not write BENCHMARKS.md (the default with --quick)";

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq)]
pub struct Opts {
    pub rounds: u32,
    pub quick: bool,
    pub write: bool,
    pub setup: bool,
    pub build: bool,
    /// System ids to measure besides native; empty: all.
    pub systems: Vec<String>,
    /// A git revision to build and measure beside this build.
    pub baseline: Option<String>,
}

impl Opts {
    pub fn parse(args: &[String]) -> Result<Opts> {
        let mut rounds = None;
        let mut quick = false;
        let mut write = None;
        let mut o = Opts {
            rounds: 5,
            quick: false,
            write: true,
            setup: true,
            build: true,
            systems: Vec::new(),
            baseline: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--rounds" => {
                    let v = it.next().ok_or("--rounds needs a number")?;
                    let n: u32 = v
                        .parse()
                        .map_err(|_| format!("--rounds: not a number: {v}"))?;
                    if !(1..=50).contains(&n) {
                        return Err(format!("--rounds takes 1 to 50, not {n}"));
                    }
                    rounds = Some(n);
                }
                "--quick" => quick = true,
                "--systems" => {
                    let v = it.next().ok_or("--systems needs a comma-separated list")?;
                    o.systems = v
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if o.systems.is_empty() {
                        return Err("--systems needs at least one system id".into());
                    }
                }
                "--baseline" => {
                    o.baseline = Some(it.next().ok_or("--baseline needs a git revision")?.clone());
                }
                "--write" => write = Some(true),
                "--no-write" => write = Some(false),
                "--no-setup" => o.setup = false,
                "--no-build" => o.build = false,
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        o.quick = quick;
        o.rounds = rounds.unwrap_or(if quick { 1 } else { 5 });
        o.write = write.unwrap_or(!quick && o.systems.is_empty() && o.baseline.is_none());
        // With --baseline, --write writes the paired section of BENCHMARKS.md
        // only (any systems); without, the main tables (all systems).
        if o.write && !o.systems.is_empty() && o.baseline.is_none() {
            return Err(
                "--write with --systems would leave BENCHMARKS.md without the other systems \
                 (with --baseline it writes the paired section)"
                    .into(),
            );
        }
        if o.write && o.quick {
            return Err("--write with --quick would publish a smoke run".into());
        }
        Ok(o)
    }

    /// How long `node bench/run.mjs` may take before it is stopped. The runner
    /// keeps its own, smaller budgets; this is the backstop.
    fn node_limit(&self) -> Duration {
        if self.quick {
            Duration::from_secs(240)
        } else {
            // run.mjs stops starting measured runs after 8 minutes in
            // Chromium and 5 in Firefox; memory, profile and install add
            // about two minutes; more rounds, more time.
            Duration::from_secs(1020 + 30 * u64::from(self.rounds.saturating_sub(5)))
        }
    }
}

pub fn bench(o: &Opts) -> Result<()> {
    if o.setup {
        setup::setup()?;
    }
    if o.build {
        build::build()?;
    }
    let root = repo_root();
    let sizes = sizes(&root)?;
    npm_install(&root.join("bench"))?;
    let baseline = o.baseline.as_deref().map(build_baseline).transpose()?;
    let servers = Servers::start(&root, baseline.as_deref())?;
    let out_dir = target_dir().join("bench");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let report = out_dir.join("report.md");
    let _ = std::fs::remove_file(&report);
    let mut c = cmd("node");
    c.arg(root.join("bench/run.mjs"));
    servers.pass_to(&mut c);
    c.env("BENCH_ROUNDS", o.rounds.to_string())
        .env("BENCH_QUICK", if o.quick { "1" } else { "0" })
        .env("BENCH_SYSTEMS", o.systems.join(","))
        // Firefox ESR runs, where setup installed it and geckodriver.
        .env("BENCH_FIREFOX", firefox_binary().unwrap_or_default())
        .env(
            "BENCH_GECKODRIVER",
            which("geckodriver").unwrap_or_default().into_os_string(),
        )
        .env("BENCH_OUT_DIR", &out_dir)
        .envs(sizes)
        .env("BENCH_REV", revision())
        .env(
            "CHROMIUM",
            std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()),
        );
    if let (Some(dir), Some(rev)) = (&baseline, &o.baseline) {
        let base_global = dir.join("wsroute.global.js");
        let base_raw = std::fs::metadata(&base_global)
            .map(|m| m.len())
            .unwrap_or(0);
        c.env("BENCH_BASE_SCRIPT", &base_global)
            .env("BENCH_BASE_REV", rev)
            .env("BENCH_BASE_GLOBAL_RAW", base_raw.to_string())
            .env(
                "BENCH_BASE_GLOBAL_GZIP",
                gzip_size(&base_global).unwrap_or(0).to_string(),
            );
    }
    let started = Instant::now();
    let ok = run_bounded(c, o.node_limit())?;
    drop(servers);
    if !ok {
        return Err("bench: node bench/run.mjs failed".into());
    }
    crate::benchmarks_md::publish(o.write, o.baseline.as_deref(), &root, &report)?;
    println!("bench: done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The sizes the report prints, as `BENCH_*` variables: the classic script
/// (raw, gzip -9; required) and the ES module's wasm.
fn sizes(root: &std::path::Path) -> Result<Vec<(&'static str, String)>> {
    let global = root.join("pkg/wsroute.global.js");
    let raw = std::fs::metadata(&global)
        .map_err(|e| {
            format!(
                "bench: {} is missing ({e}); run `cargo xtask build`",
                global.display()
            )
        })?
        .len();
    let gzip = gzip_size(&global).ok_or("bench: cannot run gzip to measure the global script")?;
    let wasm = root.join("pkg/wsroute_bg.wasm");
    let wasm_raw = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
    Ok(vec![
        ("BENCH_GLOBAL_RAW", raw.to_string()),
        ("BENCH_GLOBAL_GZIP", gzip.to_string()),
        ("BENCH_WASM_RAW", wasm_raw.to_string()),
        ("BENCH_WASM_GZIP", gzip_size(&wasm).unwrap_or(0).to_string()),
    ])
}

/// The servers a bench run talks to, all on 127.0.0.1.
struct Servers {
    echo: EchoServer,
    /// More echo servers (ports) for the memory churn's real sockets:
    /// Chromium opens one WebSocket at a time per endpoint, ~10 ms apart.
    churn: Vec<EchoServer>,
    http: StaticServer,
}

impl Servers {
    /// Starts them; the web server serves bench/pages, pkg/ at /pkg/, the
    /// bench's node_modules, and a baseline build's pkg/ at /base/.
    fn start(root: &Path, baseline: Option<&Path>) -> Result<Servers> {
        let echo = EchoServer::start().map_err(|e| format!("cannot start the echo server: {e}"))?;
        let churn = (0..CHURN_SERVERS)
            .map(|_| EchoServer::start())
            .collect::<std::io::Result<_>>()
            .map_err(|e| format!("cannot start an echo server: {e}"))?;
        let mut site = Site::new(root.join("bench/pages"))
            .mount("/pkg/", root.join("pkg"))
            .mount("/node_modules/", root.join("bench/node_modules"));
        if let Some(dir) = baseline {
            site = site.mount("/base/", dir.to_path_buf());
        }
        let http =
            StaticServer::start(site).map_err(|e| format!("cannot start the web server: {e}"))?;
        Ok(Servers { echo, churn, http })
    }

    /// Tells the runner where they are.
    fn pass_to(&self, c: &mut Command) {
        let churn: Vec<String> = self.churn.iter().map(EchoServer::url).collect();
        c.env("BENCH_ECHO_URL", self.echo.url())
            .env("BENCH_CHURN_URLS", churn.join(","))
            .env("BENCH_HTTP_URL", self.http.url());
    }
}

/// Builds `pkg/` at git revision `rev` in a worktree of its own (kept between
/// runs under target/bench/), with wasm-opt from this checkout's tools;
/// returns its `pkg/` directory.
fn build_baseline(rev: &str) -> Result<PathBuf> {
    let root = repo_root();
    let dir = target_dir().join("bench").join("baseline-src");
    let mut c = cmd("git");
    c.args(["worktree", "add", "-f", "--detach"])
        .arg(&dir)
        .arg(rev);
    if !dir.join(".git").exists() {
        run(c)?;
    } else {
        let mut c = cmd("git");
        c.args(["checkout", "-q", "--detach", rev])
            .current_dir(&dir);
        run(c)?;
    }
    // The baseline builds with this checkout's build tools (a link, so a
    // tool added since the worktree was made is there too).
    let tools = root.join("xtask/tools/node_modules");
    let their_tools = dir.join("xtask/tools/node_modules");
    if tools.is_dir() && std::fs::read_link(&their_tools).ok() != Some(tools.clone()) {
        if their_tools.is_dir() {
            std::fs::remove_dir_all(&their_tools).map_err(|e| e.to_string())?;
        } else {
            let _ = std::fs::remove_file(&their_tools);
        }
        std::os::unix::fs::symlink(&tools, &their_tools).map_err(|e| e.to_string())?;
    }
    println!("bench: building the baseline {rev} in {}", dir.display());
    let mut c = cmd("cargo");
    c.args(["run", "--quiet", "--package", "xtask", "--", "build"])
        .env(
            "CARGO_TARGET_DIR",
            target_dir().join("bench").join("baseline-target"),
        )
        .current_dir(&dir);
    run(c)?;
    Ok(dir.join("pkg"))
}

/// Debian's Firefox ESR, as the wasm suites use it (webdriver.json).
fn firefox_binary() -> Option<std::ffi::OsString> {
    let p = Path::new("/usr/bin/firefox-esr");
    p.exists().then(|| p.as_os_str().to_owned())
}

/// `git describe`-like: the short commit, with `-dirty` when the tree has changes.
fn revision() -> String {
    let commit = output({
        let mut c = cmd("git");
        c.args(["rev-parse", "--short", "HEAD"]);
        c
    })
    .unwrap_or_else(|| "unknown".into());
    let dirty = output({
        let mut c = cmd("git");
        c.args(["status", "--porcelain", "--untracked-files=no"]);
        c
    })
    .is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{commit} + uncommitted changes")
    } else {
        commit
    }
}

/// The exact version `package.json` pins for `name` in `devDependencies`.
fn pinned(package_json: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\"");
    let rest = &package_json[package_json.find(&key)? + key.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// The `"version"` of an installed package.
fn installed(dir: &Path, name: &str) -> Option<String> {
    let p =
        std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json")).ok()?;
    pinned(&p, "version")
}

/// `npm ci` (or `npm install` without a lock file) in `bench/` unless every
/// pinned package is installed at its version.
fn npm_install(dir: &Path) -> Result<()> {
    let pkg = std::fs::read_to_string(dir.join("package.json"))
        .map_err(|e| format!("bench: cannot read bench/package.json: {e}"))?;
    let stale: Vec<String> = BENCH_PACKAGES
        .iter()
        .filter_map(|name| {
            let want = pinned(&pkg, name);
            let have = installed(dir, name);
            (want.is_none() || want != have).then(|| {
                format!(
                    "{name} {} wanted, {} found",
                    want.as_deref().unwrap_or("?"),
                    have.as_deref().unwrap_or("none")
                )
            })
        })
        .collect();
    if stale.is_empty() {
        println!(
            "bench: npm packages installed ({})",
            BENCH_PACKAGES.join(", ")
        );
        return Ok(());
    }
    let verb = if dir.join("package-lock.json").exists() {
        "ci"
    } else {
        "install"
    };
    println!("bench: {}: npm {verb}", stale.join(", "));
    crate::setup::npm_install(dir, verb)
}

/// Runs `c` with inherited stdout/stderr; stops it (by its pid) after `limit`.
/// Returns whether it exited successfully.
fn run_bounded(mut c: Command, limit: Duration) -> Result<bool> {
    println!("$ {}", show(&c));
    c.stdin(Stdio::null());
    let mut child: Child = c
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", show(&c)))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status.success()),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "bench: node bench/run.mjs did not finish in {} s; stopped",
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("bench: wait: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::words as a;

    #[test]
    fn parses_options() {
        let o = Opts::parse(&[]).unwrap();
        assert_eq!(
            (o.rounds, o.quick, o.write, o.setup, o.build),
            (5, false, true, true, true)
        );
        let o = Opts::parse(&a("--quick")).unwrap();
        assert_eq!((o.rounds, o.quick, o.write), (1, true, false));
        let o = Opts::parse(&a("--quick --no-write --rounds 3 --no-setup --no-build")).unwrap();
        assert_eq!(
            (o.rounds, o.quick, o.write, o.setup, o.build),
            (3, true, false, false, false)
        );
        let o = Opts::parse(&a("--no-write")).unwrap();
        assert!(!o.write && !o.quick);
        assert!(Opts::parse(&a("--rounds")).is_err());
        assert!(Opts::parse(&a("--rounds x")).is_err());
        assert!(Opts::parse(&a("--rounds 0")).is_err());
        assert!(Opts::parse(&a("--fast")).is_err());
        let o = Opts::parse(&a("--systems wsroute-mock,msw-mock")).unwrap();
        assert_eq!(o.systems, ["wsroute-mock", "msw-mock"]);
        assert!(!o.write, "a filtered run must not rewrite BENCHMARKS.md");
        assert!(Opts::parse(&a("--systems")).is_err());
        assert!(Opts::parse(&a("--systems ,")).is_err());
        assert!(Opts::parse(&a("--systems wsroute-mock --write")).is_err());
        let o = Opts::parse(&a("--baseline 2d9eb7b --quick")).unwrap();
        assert_eq!(o.baseline.as_deref(), Some("2d9eb7b"));
        assert!(!o.write, "a baseline run must not rewrite BENCHMARKS.md");
        assert!(!Opts::parse(&a("--baseline HEAD~1")).unwrap().write);
        assert!(Opts::parse(&a("--baseline")).is_err());
        let o = Opts::parse(&a("--baseline x --systems wsroute-mock --write")).unwrap();
        assert!(o.write, "a paired run may write its own section");
        assert!(Opts::parse(&a("--quick --write")).is_err());
    }

    #[test]
    fn time_limits_are_bounded() {
        let quick = Opts::parse(&a("--quick")).unwrap();
        assert!(quick.node_limit() <= Duration::from_secs(240));
        let full = Opts::parse(&[]).unwrap();
        assert!(full.node_limit() <= Duration::from_secs(1020));
    }

    #[test]
    fn bench_package_pins_exact_versions() {
        let pkg = std::fs::read_to_string(repo_root().join("bench/package.json")).unwrap();
        for name in BENCH_PACKAGES {
            let v =
                pinned(&pkg, name).unwrap_or_else(|| panic!("{name} is not in bench/package.json"));
            assert!(
                v.split('.').count() == 3 && v.chars().all(|c| c.is_ascii_digit() || c == '.'),
                "{name} is not pinned to an exact version: {v}"
            );
        }
    }
}
