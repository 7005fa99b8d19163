//! Small helpers: paths, running commands, finding tools.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The error type of xtask: a message for the user.
pub type Result<T> = std::result::Result<T, String>;

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Every file under `dir`, recursively (a directory that cannot be read
/// adds nothing).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(h).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo").join("bin")
}

/// `PATH` with the cargo bin directory first, so freshly `cargo install`ed
/// tools win over stale ones.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin_dir()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p).filter(|d| *d != cargo_bin_dir()));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Finds an executable on `PATH` (cargo bin first).
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&path_with_cargo_bin())
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Whether we run as root.
pub fn is_root() -> bool {
    // std has no geteuid; /proc/self/status has "Uid: real effective ...".
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// Renders a command for printing.
pub fn show(cmd: &Command) -> String {
    let mut s = String::new();
    for (k, v) in cmd.get_envs() {
        if k == "PATH" {
            continue; // always the cargo-bin-first PATH; too long to be useful
        }
        if let Some(v) = v {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), v.to_string_lossy()));
        }
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.contains(' ') || a.is_empty() {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push_str(&format!(" {a}"));
        }
    }
    s
}

/// A command with the cargo-bin-first `PATH`, run in the repo root.
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", path_with_cargo_bin());
    c.current_dir(repo_root());
    c
}

/// Runs a command with inherited stdio; errors on spawn failure or non-zero exit.
pub fn run(mut c: Command) -> Result<()> {
    println!("$ {}", show(&c));
    let _ = std::io::stdout().flush();
    let status = c
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", show(&c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(&c)))
    }
}

/// Runs a command, printing its merged stdout+stderr live and returning it.
/// Returns `(success, output)`; errors only when it cannot start.
pub fn run_tee(mut c: Command) -> Result<(bool, String)> {
    println!("$ {}", show(&c));
    let _ = std::io::stdout().flush();
    let (reader, writer) = std::io::pipe().map_err(|e| format!("pipe: {e}"))?;
    let writer2 = writer.try_clone().map_err(|e| format!("pipe: {e}"))?;
    c.stdin(Stdio::null()).stdout(writer).stderr(writer2);
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", show(&c)))?;
    // Drop our copies of the write end (held by `c`) so reads see EOF.
    drop(c);
    let mut out = String::new();
    let mut r = BufReader::new(reader);
    let mut line = Vec::new();
    let stdout = std::io::stdout();
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                let mut lock = stdout.lock();
                let _ = lock.write_all(text.as_bytes());
                let _ = lock.flush();
                out.push_str(&text);
            }
        }
    }
    let status = child.wait().map_err(|e| format!("wait: {e}"))?;
    Ok((status.success(), out))
}

/// Runs a command quietly and returns its trimmed stdout when it succeeds.
pub fn output(mut c: Command) -> Option<String> {
    c.stdin(Stdio::null()).stderr(Stdio::null());
    let o = c.output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The crate version from the root `Cargo.toml` (`[package] version`).
pub fn crate_version() -> Result<String> {
    let toml = std::fs::read_to_string(repo_root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    toml_package_field(&toml, "version").ok_or_else(|| "no version in Cargo.toml".into())
}

/// Reads `key = "value"` from the `[package]` table of a Cargo.toml.
pub fn toml_package_field(toml: &str, key: &str) -> Option<String> {
    let mut in_package = false;
    for line in toml.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_package = l == "[package]";
            continue;
        }
        if in_package
            && let Some((k, v)) = l.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// The `wasm-bindgen` version the project pins: Cargo.lock first, else the
/// `=x.y.z` requirement in Cargo.toml.
pub fn pinned_wasm_bindgen() -> Result<String> {
    let root = repo_root();
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        let mut lines = lock.lines();
        while let Some(l) = lines.next() {
            if l.trim() == "name = \"wasm-bindgen\""
                && let Some(v) = lines.next()
                && let Some(v) = v.trim().strip_prefix("version = ")
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    let toml = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    for l in toml.lines() {
        if let Some(rest) = l.trim().strip_prefix("wasm-bindgen")
            && let Some(v) = rest.trim().strip_prefix('=')
        {
            let v = v.trim().trim_matches('"').trim_start_matches('=');
            if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return Ok(v.to_string());
            }
        }
    }
    Err("cannot find the pinned wasm-bindgen version in Cargo.lock or Cargo.toml".into())
}

/// Gzip size (`gzip -9 -c | wc -c`), if gzip is available.
pub fn gzip_size(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    gzip_bytes(&bytes).map(|n| n as u64)
}

/// The size of `bytes` compressed by `gzip -9` (None without gzip).
pub fn gzip_bytes(bytes: &[u8]) -> Option<usize> {
    use std::io::Write as _;
    let mut child = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    // Written from a thread: gzip's output would fill the pipe otherwise.
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    out.status.success().then_some(out.stdout.len())
}

/// A command line split on whitespace, as `Opts::parse` receives it (tests).
#[cfg(test)]
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_fields() {
        let t =
            "[package]\nname = \"wsroute\"\nversion = \"0.1.0\"\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(toml_package_field(t, "version").as_deref(), Some("0.1.0"));
        assert_eq!(toml_package_field(t, "name").as_deref(), Some("wsroute"));
        assert_eq!(toml_package_field(t, "nope"), None);
    }

    #[test]
    fn finds_pinned_wasm_bindgen() {
        let v = pinned_wasm_bindgen().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }
}
