//! Checks that the README shows what the repository runs.

#[cfg(test)]
mod tests {
    use crate::util::repo_root;

    fn read(path: &str) -> String {
        std::fs::read_to_string(repo_root().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    /// The fenced blocks of `lang` in `text`, each as its lines.
    fn blocks(text: &str, lang: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut current: Option<String> = None;
        for line in text.lines() {
            match (&mut current, line.trim_end()) {
                (None, l) if l == format!("```{lang}") => current = Some(String::new()),
                (Some(_), "```") => out.extend(current.take()),
                (Some(b), l) => {
                    b.push_str(l);
                    b.push('\n');
                }
                (None, _) => {}
            }
        }
        out
    }

    /// The README section whose heading starts with `heading`.
    fn section<'a>(readme: &'a str, heading: &str) -> &'a str {
        let start = readme
            .find(heading)
            .unwrap_or_else(|| panic!("README has a section {heading:?}"));
        let rest = &readme[start..];
        let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
        &rest[..end]
    }

    fn rust_section(readme: &str) -> &str {
        section(readme, "## Use it from Rust tests")
    }

    /// Every piece of `block` (split at blank lines) but its imports is in
    /// `file`, verbatim.
    fn pieces_are_in(block: &str, file: &str, path: &str, import: &[&str]) {
        for piece in block
            .split("\n\n")
            .filter(|p| !p.lines().all(|l| import.iter().any(|i| l.starts_with(i))))
        {
            assert!(
                file.contains(piece),
                "{path} lacks the README's lines:\n{piece}"
            );
        }
    }

    #[test]
    fn the_readme_rust_test_is_the_example_s() {
        let readme = read("README.md");
        let section = rust_section(&readme);
        let tests = read("examples/chat-client/tests/chat.rs");
        let code = blocks(section, "rust");
        assert_eq!(code.len(), 1, "one Rust block in the README's Rust section");
        // Every piece but the imports (the file imports more), verbatim.
        let path = "examples/chat-client/tests/chat.rs";
        pieces_are_in(&code[0], &tests, path, &["use "]);
    }

    #[test]
    fn the_readme_python_test_is_the_suite_s_and_names_the_wheel_built() {
        let readme = read("README.md");
        let section = section(&readme, "## Use it from Python");
        let path = "python/tests/test_mock.py";
        let code = blocks(section, "python");
        assert_eq!(
            code.len(),
            1,
            "one Python block in the README's Python section"
        );
        pieces_are_in(&code[0], &read(path), path, &["from ", "import "]);
        let version = crate::util::toml_package_field(&read("Cargo.toml"), "version")
            .expect("Cargo.toml has a version");
        assert!(
            section.contains(&format!("wsroute-{version}-py3-none-any.whl")),
            "the README's pip line names the wheel of version {version}"
        );
    }

    #[test]
    fn the_readme_dev_dependencies_are_the_example_s() {
        let readme = read("README.md");
        let manifest = read("examples/chat-client/Cargo.toml");
        let toml = blocks(rust_section(&readme), "toml");
        assert_eq!(toml.len(), 1, "one TOML block in the README's Rust section");
        let version = crate::util::toml_package_field(&read("Cargo.toml"), "version")
            .expect("Cargo.toml has a version");
        let major_minor: Vec<&str> = version.split('.').take(2).collect();
        for line in toml[0].lines() {
            let key = line.split('=').next().unwrap_or_default().trim();
            if key == "wsroute" {
                assert!(
                    line.contains(&format!("\"{}\"", major_minor.join("."))),
                    "the README's wsroute line names version {version}: {line}"
                );
                assert!(manifest.contains("wsroute = { path = \"../..\" }"));
            } else if !key.starts_with('[') {
                assert!(
                    manifest.contains(line.trim()),
                    "examples/chat-client/Cargo.toml lacks the README's line {line:?}"
                );
            }
        }
    }
}
