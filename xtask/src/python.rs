//! The Python package (`python/`): its virtual environment (setup), the
//! script it ships (build), and its suite (test): build the wheel, install
//! it in the environment, run pytest with pytest-playwright against Debian's
//! Chromium.

use std::path::{Path, PathBuf};

use crate::util::{Result, cmd, crate_version, repo_root, run, run_tee, target_dir};

/// The pinned test requirements (`python/requirements-test.txt`).
const REQUIREMENTS: &str = "python/requirements-test.txt";

/// The virtual environment the suite runs in.
pub fn venv() -> PathBuf {
    target_dir().join("python-venv")
}

fn venv_python() -> PathBuf {
    venv().join("bin").join("python")
}

/// Setup: creates the environment and installs the pinned requirements
/// when they changed since the last install (a stamp holds their text).
pub fn setup() -> Result<()> {
    let wanted = std::fs::read_to_string(repo_root().join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = venv().join("requirements.installed");
    if venv_python().exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        println!(
            "setup: python venv             installed ({})",
            venv().display()
        );
        return Ok(());
    }
    println!(
        "setup: python venv             missing or out of date: creating {} and installing {REQUIREMENTS}",
        venv().display()
    );
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| crate::util::which(p).is_some())
        .ok_or(
            "setup: no python3 on PATH (the Python package's tests need CPython 3.9 or newer)",
        )?;
    let mut c = cmd(python);
    c.args(["-m", "venv", "--clear"]).arg(venv());
    run(c)?;
    let mut c = pip_install();
    c.arg("-r").arg(repo_root().join(REQUIREMENTS));
    run(c)?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Build: the package ships the classic script as package data.
pub fn copy_script(pkg: &Path) -> Result<()> {
    let to = repo_root().join("python/src/wsroute/wsroute.global.js");
    std::fs::copy(pkg.join("wsroute.global.js"), &to)
        .map(|_| ())
        .map_err(|e| format!("build: cannot copy the script to {}: {e}", to.display()))
}

/// The wheel `python -m build` writes for version `v`.
fn wheel_name(v: &str) -> String {
    format!("wsroute-{v}-py3-none-any.whl")
}

/// Builds the wheel into `target/python-dist` and installs it in the venv.
pub fn build_and_install_wheel() -> Result<PathBuf> {
    let dist = target_dir().join("python-dist");
    let _ = std::fs::remove_dir_all(&dist);
    let mut c = cmd(venv_python());
    c.args(["-m", "build", "--wheel", "--no-isolation", "--outdir"])
        .arg(&dist)
        .arg(repo_root().join("python"));
    run(c)?;
    let wheel = dist.join(wheel_name(&crate_version()?));
    if !wheel.is_file() {
        return Err(format!(
            "python -m build wrote no {} (is python/pyproject.toml's version the crate's?)",
            wheel.display()
        ));
    }
    let mut c = pip_install();
    c.args(["--force-reinstall", "--no-deps"]).arg(&wheel);
    run(c)?;
    Ok(wheel)
}

/// `pip install` in the venv, quietly; Playwright for Python never
/// downloads a browser here (the tests drive Debian's Chromium).
fn pip_install() -> std::process::Command {
    let mut c = cmd(venv_python());
    c.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ])
    .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    c
}

/// `pytest python/tests` in the venv, the wheel installed; returns whether
/// pytest succeeded and its output.
pub fn pytest(wheel: &Path) -> Result<(bool, String)> {
    let xtask = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let mut c = cmd(venv_python());
    c.args(["-m", "pytest", "-p", "no:cacheprovider", "-rfEsxX", "tests"])
        .current_dir(repo_root().join("python"))
        .env("WSROUTE_XTASK", xtask)
        .env("WSROUTE_WHEEL", wheel)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run_tee(c)
}

/// Counts of pytest's last line (`== 3 failed, 20 passed, 1 skipped in 9.1s ==`):
/// passed, failed (failures and errors), and what must not happen in a
/// suite that counts as passed (skipped, xfailed, xpassed, deselected).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PytestCounts {
    pub passed: u64,
    pub failed: u64,
    pub not_run: Vec<String>,
}

/// Reads pytest's summary line; None when there is none.
pub fn parse_pytest_summary(out: &str) -> Option<PytestCounts> {
    let line = out
        .lines()
        .rev()
        .map(|l| l.trim().trim_matches('=').trim())
        .find(|l| {
            l.contains(" in ")
                && (l.contains("passed")
                    || l.contains("failed")
                    || l.contains("error")
                    || l.contains("no tests ran"))
        })?;
    let (counts, _) = line.rsplit_once(" in ")?;
    let mut c = PytestCounts::default();
    for part in counts.split(", ") {
        let Some((n, what)) = part.trim().split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match what {
            "passed" => c.passed += n,
            "failed" | "error" | "errors" => c.failed += n,
            other => c.not_run.push(format!("{n} {other}")),
        }
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pytests_summary() {
        let ok = "x\n============ 25 passed in 12.34s ============\n";
        assert_eq!(
            parse_pytest_summary(ok),
            Some(PytestCounts {
                passed: 25,
                failed: 0,
                not_run: vec![]
            })
        );
        let bad = "== 2 failed, 20 passed, 1 skipped, 1 error, 3 deselected in 9.10s ==";
        assert_eq!(
            parse_pytest_summary(bad),
            Some(PytestCounts {
                passed: 20,
                failed: 3,
                not_run: vec!["1 skipped".into(), "3 deselected".into()],
            })
        );
        let none = "==== no tests ran in 0.01s ====";
        assert_eq!(parse_pytest_summary(none), Some(PytestCounts::default()));
        assert_eq!(parse_pytest_summary("Traceback: boom"), None);
    }

    #[test]
    fn names_the_wheel() {
        assert_eq!(wheel_name("1.2.3"), "wsroute-1.2.3-py3-none-any.whl");
    }
}
