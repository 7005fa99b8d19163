//! The outcome of each suite, and the summary that ends a run.

use crate::util::Result;

/// The outcome of one suite.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    name: String,
    passed: u64,
    failed: u64,
    ok: bool,
    note: String,
}

impl Suite {
    /// A suite that ran `passed` tests, `failed` of them failing; `problems`
    /// (if any) fail it too.
    pub fn counted(name: &str, passed: u64, failed: u64, ok: bool, problems: &[String]) -> Suite {
        Suite {
            name: name.into(),
            passed,
            failed: if ok && problems.is_empty() {
                failed
            } else {
                failed.max(1)
            },
            ok: ok && failed == 0 && problems.is_empty(),
            note: if problems.is_empty() {
                String::new()
            } else {
                format!(" ({})", problems.join("; "))
            },
        }
    }

    /// A suite that could not run, for `why`.
    pub fn broken(name: &str, why: &str) -> Suite {
        Suite::counted(name, 0, 1, false, &[why.to_string()])
    }
}

/// The suites of one run, and those left out of it.
#[derive(Default)]
pub struct Report {
    suites: Vec<Suite>,
    left_out: Vec<String>,
}

impl Report {
    pub fn new(left_out: Vec<String>) -> Report {
        Report {
            suites: Vec::new(),
            left_out,
        }
    }

    /// Records a suite; on failure prints the summary and returns an error.
    pub fn record(&mut self, s: Suite) -> Result<()> {
        let (ok, name) = (s.ok, s.name.clone());
        self.suites.push(s);
        if ok {
            Ok(())
        } else {
            self.print();
            Err(format!("test: {name} failed"))
        }
    }

    /// Prints every suite, those left out, and `N passed, M failed`.
    pub fn print(&self) {
        println!();
        println!("==== summary ====");
        for s in &self.suites {
            let mark = if s.ok { "PASS" } else { "FAIL" };
            println!(
                "[{mark}] {} -- {} tests passed, {} failed{}",
                s.name, s.passed, s.failed, s.note
            );
        }
        for l in &self.left_out {
            println!("[LEFT OUT] {l}");
        }
        let passed: u64 = self.suites.iter().map(|s| s.passed).sum();
        let failed: u64 = self.suites.iter().map(|s| s.failed).sum();
        let failed_suites = self.suites.iter().filter(|s| !s.ok).count() as u64;
        // A failed suite whose tests we could not count still counts as a failure.
        let failed = failed.max(failed_suites);
        if self.left_out.is_empty() {
            println!("{passed} passed, {failed} failed");
        } else {
            println!(
                "{passed} passed, {failed} failed, {} suites left out",
                self.left_out.len()
            );
        }
    }
}

/// Runs a step that has no tests of its own (setup, build) as a suite.
pub fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Suite {
    println!("\n==== {name} ====");
    match f() {
        Ok(()) => Suite::counted(name, 0, 0, true, &[]),
        Err(e) => {
            eprintln!("{e}");
            Suite::broken(name, &e)
        }
    }
}
