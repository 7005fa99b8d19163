//! Finding the wasm-bindgen-test targets, and refusing any that would run
//! in Node (or nowhere) instead of a browser.

use std::path::{Path, PathBuf};

use crate::util::Result;

/// What `cargo test --target wasm32-unknown-unknown` should run.
#[derive(Debug, Default, PartialEq)]
pub struct WasmTargets {
    /// Whether src/ has `#[wasm_bindgen_test]`s (run `--lib`).
    pub lib: bool,
    /// Integration test names (`--test NAME`) that contain wasm-bindgen tests.
    pub tests: Vec<String>,
}

impl WasmTargets {
    pub fn count(&self) -> usize {
        self.tests.len() + usize::from(self.lib)
    }

    pub fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if self.lib {
            a.push("--lib".to_string());
        }
        for t in &self.tests {
            a.push("--test".to_string());
            a.push(t.clone());
        }
        a
    }
}

const MODES: &[&str] = &[
    "run_in_browser",
    "run_in_dedicated_worker",
    "run_in_shared_worker",
    "run_in_service_worker",
];

/// Finds the wasm-bindgen-test targets: integration tests (tests/NAME.rs or
/// tests/NAME/main.rs) and src/ that use `wasm_bindgen_test`. Each must
/// configure a browser or worker mode, or it would silently run in Node.
pub fn discover_wasm_targets(root: &Path) -> Result<WasmTargets> {
    let mut t = WasmTargets::default();
    let mut bad = Vec::new();
    let mut candidates: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("tests")) {
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if p.is_file() && p.extension().is_some_and(|e| e == "rs") {
                candidates.push((name, p));
            } else if p.join("main.rs").is_file() {
                candidates.push((name, p.join("main.rs")));
            }
        }
    }
    candidates.sort();
    for (name, path) in candidates {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        if !src.contains("wasm_bindgen_test") {
            continue;
        }
        if !MODES.iter().any(|m| src.contains(m)) {
            bad.push(format!(
                "{}: has wasm-bindgen tests but no `wasm_bindgen_test_configure!(run_in_browser)`",
                path.display()
            ));
        }
        t.tests.push(name);
    }
    let src_files = crate::util::files_under(&root.join("src"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"));
    let mut lib_has_tests = false;
    let mut lib_has_mode = false;
    for f in src_files {
        let s = std::fs::read_to_string(&f).unwrap_or_default();
        lib_has_tests |= s.contains("#[wasm_bindgen_test]") || s.contains("#[wasm_bindgen_test(");
        lib_has_mode |= MODES.iter().any(|m| s.contains(m));
    }
    if lib_has_tests {
        t.lib = true;
        if !lib_has_mode {
            bad.push("src/: has #[wasm_bindgen_test]s but no `wasm_bindgen_test_configure!(run_in_browser)`".into());
        }
    }
    if !bad.is_empty() {
        return Err(bad.join("\n"));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_wasm_targets() {
        let tmp = std::env::temp_dir().join(format!("xtask-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("tests/multi")).unwrap();
        std::fs::create_dir_all(tmp.join("src")).unwrap();
        std::fs::write(tmp.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(tmp.join("tests/host.rs"), "#[test] fn t() {}\n").unwrap();
        std::fs::write(
            tmp.join("tests/web.rs"),
            "wasm_bindgen_test_configure!(run_in_browser);\n#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        std::fs::write(
            tmp.join("tests/multi/main.rs"),
            "wasm_bindgen_test_configure!(run_in_dedicated_worker);\n#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        let t = discover_wasm_targets(&tmp).unwrap();
        assert_eq!(
            t,
            WasmTargets {
                lib: false,
                tests: vec!["multi".into(), "web".into()]
            }
        );
        assert_eq!(t.args(), ["--test", "multi", "--test", "web"]);

        std::fs::write(
            tmp.join("tests/node.rs"),
            "#[wasm_bindgen_test] fn t() {}\n",
        )
        .unwrap();
        assert!(discover_wasm_targets(&tmp).unwrap_err().contains("node.rs"));
        std::fs::remove_file(tmp.join("tests/node.rs")).unwrap();

        std::fs::write(tmp.join("src/lib.rs"), "#[wasm_bindgen_test]\nfn t() {}\n").unwrap();
        assert!(discover_wasm_targets(&tmp).is_err());
        std::fs::write(
            tmp.join("src/lib.rs"),
            "wasm_bindgen_test_configure!(run_in_browser);\n#[wasm_bindgen_test]\nfn t() {}\n",
        )
        .unwrap();
        assert!(discover_wasm_targets(&tmp).unwrap().lib);
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
