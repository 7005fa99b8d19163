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

    fn rust_section(readme: &str) -> &str {
        let start = readme
            .find("## Use it from Rust tests")
            .expect("README has a Rust section");
        let rest = &readme[start..];
        let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
        &rest[..end]
    }

    #[test]
    fn the_readme_rust_test_is_the_example_s() {
        let readme = read("README.md");
        let section = rust_section(&readme);
        let tests = read("examples/chat-client/tests/chat.rs");
        let code = blocks(section, "rust");
        assert_eq!(code.len(), 1, "one Rust block in the README's Rust section");
        // Every piece but the imports (the file imports more), verbatim.
        for piece in code[0]
            .split("\n\n")
            .filter(|p| !p.lines().all(|l| l.starts_with("use ")))
        {
            assert!(
                tests.contains(piece),
                "examples/chat-client/tests/chat.rs lacks the README's lines:\n{piece}"
            );
        }
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
