//! Reading what the test runners print: libtest's `test result:` lines,
//! the e2e runner's summary, and the sections of a wasm-bindgen-test run.

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

/// Checks the output of `cargo test --workspace`: every `test result:` line
/// together must report more than zero passed tests and none failed,
/// ignored or filtered out. Returns the passed and failed counts, and the
/// problems.
pub fn check_host_output(out: &str) -> (u64, u64, Vec<String>) {
    let counts: Vec<Counts> = out.lines().filter_map(parse_test_result).collect();
    let sum = |f: fn(&Counts) -> u64| counts.iter().map(f).sum::<u64>();
    let (passed, failed) = (sum(|c| c.passed), sum(|c| c.failed));
    let mut problems = Vec::new();
    if passed == 0 {
        problems.push("no test passed (did any run?)".to_string());
    }
    if failed > 0 {
        problems.push(format!("{failed} failed"));
    }
    let ignored = sum(|c| c.ignored);
    if ignored > 0 {
        problems.push(format!(
            "{ignored} ignored (an ignored test checks nothing)"
        ));
    }
    let filtered = sum(|c| c.filtered);
    if filtered > 0 {
        problems.push(format!("{filtered} filtered out"));
    }
    (passed, failed, problems)
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
    fn host_output_must_run_tests_and_ignore_none() {
        let ok = "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n\
                  test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(check_host_output(ok), (3, 0, vec![]));
        let none = "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(check_host_output(none).2.len(), 1);
        assert!(check_host_output("").2[0].contains("no test passed"));
        let ignored =
            "test result: ok. 3 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out\n";
        assert!(check_host_output(ignored).2[0].contains("2 ignored"));
        let failed =
            "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(check_host_output(failed).1, 1);
    }
}
