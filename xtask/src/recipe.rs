//! `cargo xtask recipe trunk`: tries the README's Trunk recipe for real.
//!
//! It copies `tests/recipes/trunk/` (a plain Rust front-end with the
//! README's `index.dev.html` and a `dev-routes.js` mock) into
//! `target/recipes/trunk/`, puts `pkg/wsroute.global.js` where an npm install
//! would (`node_modules/wsroute/`), runs `trunk serve index.dev.html` on
//! 127.0.0.1 and checks in headless Chromium that the app shows the mocked
//! reply (`tests/recipes/check.mjs`). Not part of `cargo xtask test`:
//! installing Trunk from source takes about 13 minutes on 2 cores.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Result, cmd, repo_root, run, which};
use crate::{build, setup};

/// The Trunk release `--install` installs (the newest that builds with the
/// machine's rustc 1.95; 0.22 needs 1.96).
pub const TRUNK_VERSION: &str = "0.21.14";

pub const USAGE: &str = "\
cargo xtask recipe trunk [--install] [--no-setup] [--no-build]
  --install   cargo install trunk (about 13 minutes on 2 cores) when it is missing";

/// What the app shows when the mock answered.
const EXPECTED: &str = "mocked: hello";

#[derive(Debug, PartialEq)]
pub struct Opts {
    pub install: bool,
    pub setup: bool,
    pub build: bool,
}

impl Opts {
    pub fn parse(args: &[String]) -> Result<Opts> {
        let mut it = args.iter();
        match it.next().map(String::as_str) {
            Some("trunk") => {}
            Some(other) => return Err(format!("unknown recipe {other:?}\n{USAGE}")),
            None => return Err(USAGE.into()),
        }
        let mut o = Opts {
            install: false,
            setup: true,
            build: true,
        };
        for a in it {
            match a.as_str() {
                "--install" => o.install = true,
                "--no-setup" => o.setup = false,
                "--no-build" => o.build = false,
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            }
        }
        Ok(o)
    }
}

pub fn trunk(o: &Opts) -> Result<()> {
    let trunk = match which("trunk") {
        Some(t) => t,
        None if o.install => {
            println!("recipe: installing trunk {TRUNK_VERSION} (cargo install; several minutes)");
            let mut c = cmd("cargo");
            c.args(["install", "trunk", "--locked", "--version", TRUNK_VERSION]);
            run(c)?;
            which("trunk").ok_or("recipe: trunk is still not on PATH after cargo install")?
        }
        None => {
            return Err(format!(
                "recipe: trunk is not installed. Run `cargo xtask recipe trunk --install` or \
                 `cargo install trunk --locked --version {TRUNK_VERSION}` (about 13 minutes on 2 cores)."
            ));
        }
    };
    if o.setup {
        setup::setup()?;
    }
    if o.build {
        build::build()?;
    }
    let root = repo_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = target.join("recipes").join("trunk");
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(&root.join("tests/recipes/trunk"), &work)?;
    let modules = work.join("node_modules").join("wsroute");
    std::fs::create_dir_all(&modules).map_err(|e| format!("recipe: {e}"))?;
    std::fs::copy(
        root.join("pkg/wsroute.global.js"),
        modules.join("wsroute.global.js"),
    )
    .map_err(|e| format!("recipe: pkg/wsroute.global.js: {e} (run `cargo xtask build`)"))?;

    let port = free_port()?;
    let log_path = target.join("recipes").join("trunk-serve.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("recipe: {e}"))?;
    let mut c = cmd(&trunk);
    c.current_dir(&work)
        .args(["serve", "index.dev.html", "--offline", "--no-autoreload"])
        .args(["--address", "127.0.0.1", "--port", &port.to_string()])
        // The app's build output stays between runs (incremental rebuilds).
        .env(
            "CARGO_TARGET_DIR",
            target.join("recipes").join("trunk-target"),
        )
        .stdout(Stdio::from(
            log.try_clone().map_err(|e| format!("recipe: {e}"))?,
        ))
        .stderr(Stdio::from(log));
    println!(
        "recipe: trunk serve index.dev.html on 127.0.0.1:{port} (log: {})",
        log_path.display()
    );
    let child = c
        .spawn()
        .map_err(|e| format!("recipe: cannot start {}: {e}", trunk.display()))?;
    let mut server = Server(child);
    let url = format!("http://127.0.0.1:{port}/");
    wait_until_served(&mut server.0, port, Duration::from_secs(300), &log_path)?;

    let shot = target.join("recipes").join("trunk.png");
    let mut check = cmd("node");
    check
        .arg(root.join("tests/recipes/check.mjs"))
        .args([url.as_str(), EXPECTED])
        .arg(&shot);
    run(check).map_err(|e| format!("recipe: the Trunk recipe failed: {e}"))?;
    println!(
        "recipe: Trunk recipe OK (trunk serve index.dev.html; screenshot {})",
        shot.display()
    );
    Ok(())
}

/// Stops `trunk serve` however the recipe ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("recipe: no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("recipe: {e}"))
}

/// Waits until `GET /` answers 200 (Trunk serves after its first build).
fn wait_until_served(child: &mut Child, port: u16, limit: Duration, log: &Path) -> Result<()> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "recipe: trunk serve exited ({status}) before serving; its log:\n{}",
                tail(log)
            ));
        }
        if get_ok(port) {
            return Ok(());
        }
        if start.elapsed() > limit {
            return Err(format!(
                "recipe: trunk serve did not serve within {} s; its log:\n{}",
                limit.as_secs(),
                tail(log)
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn get_ok(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("recipe: {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("recipe: {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("recipe: {e}"))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)
                .map_err(|e| format!("recipe: {} -> {}: {e}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::words as a;

    #[test]
    fn parses_options() {
        assert_eq!(
            Opts::parse(&a("trunk")).unwrap(),
            Opts {
                install: false,
                setup: true,
                build: true
            }
        );
        let o = Opts::parse(&a("trunk --install --no-setup --no-build")).unwrap();
        assert!(o.install && !o.setup && !o.build);
        assert!(Opts::parse(&[]).is_err());
        assert!(Opts::parse(&a("vite")).is_err());
        assert!(Opts::parse(&a("trunk --fast")).is_err());
    }

    #[test]
    fn the_recipe_is_the_readme_s() {
        // The HTML the recipe serves must carry the README's lines verbatim.
        let root = repo_root();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let html =
            std::fs::read_to_string(root.join("tests/recipes/trunk/index.dev.html")).unwrap();
        for line in html
            .lines()
            .map(str::trim)
            .filter(|l| l.contains("data-trunk") || l.starts_with("<script"))
        {
            assert!(
                readme.contains(line),
                "README lacks the recipe line {line:?}"
            );
        }
    }
}
