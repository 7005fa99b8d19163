//! The options of `cargo xtask test`.

use crate::util::Result;

/// A browser for the wasm-bindgen-test suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Chromium via chromedriver.
    Chrome,
    /// Firefox ESR via geckodriver.
    Firefox,
}

/// Command-line options of `cargo xtask test`.
#[derive(Debug, Clone)]
pub struct Opts {
    /// Browsers for the wasm suites.
    pub browsers: Vec<Browser>,
    /// Run `cargo test --workspace`.
    pub host: bool,
    /// Type-check tests/types against pkg/'s typings.
    pub types: bool,
    /// Run the wasm-bindgen-test suites.
    pub wasm: bool,
    /// Run the e2e suite.
    pub e2e: bool,
    /// Run the example crate's tests with wasm-pack.
    pub example: bool,
    /// Run the Python package's tests (pytest).
    pub python: bool,
    /// Run `setup` first.
    pub setup: bool,
    /// Run `build` first.
    pub build: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            browsers: vec![Browser::Chrome, Browser::Firefox],
            host: true,
            types: true,
            wasm: true,
            e2e: true,
            example: true,
            python: true,
            setup: true,
            build: true,
        }
    }
}

pub const USAGE: &str = "\
cargo xtask test [--browser chrome|firefox]... [--only host|types|wasm|e2e|example|python]...
                 [--skip-host] [--skip-types] [--skip-wasm] [--skip-e2e] [--skip-example]
                 [--skip-python]
                 [--no-setup] [--no-build]";

impl Opts {
    /// Parses the arguments after `test`.
    pub fn parse(args: &[String]) -> Result<Opts> {
        let mut o = Opts::default();
        let mut browsers = Vec::new();
        let mut only: Vec<String> = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value\nusage: {USAGE}"))
            };
            match a.as_str() {
                "--browser" => match value("--browser")?.as_str() {
                    "chrome" | "chromium" => browsers.push(Browser::Chrome),
                    "firefox" => browsers.push(Browser::Firefox),
                    other => return Err(format!("unknown browser {other:?}\nusage: {USAGE}")),
                },
                "--only" => only.push(value("--only")?),
                "--skip-host" => o.host = false,
                "--skip-types" => o.types = false,
                "--skip-wasm" => o.wasm = false,
                "--skip-e2e" => o.e2e = false,
                "--skip-example" => o.example = false,
                "--skip-python" => o.python = false,
                "--no-setup" => o.setup = false,
                "--no-build" => o.build = false,
                other => return Err(format!("unknown argument {other:?}\nusage: {USAGE}")),
            }
        }
        if !browsers.is_empty() {
            o.browsers = browsers;
        }
        if !only.is_empty() {
            for s in &only {
                if !["host", "types", "wasm", "e2e", "example", "python"].contains(&s.as_str()) {
                    return Err(format!(
                        "--only takes host, types, wasm, e2e, example or python, not {s:?}"
                    ));
                }
            }
            o.host = only.iter().any(|s| s == "host");
            o.types = only.iter().any(|s| s == "types");
            o.wasm = only.iter().any(|s| s == "wasm");
            o.e2e = only.iter().any(|s| s == "e2e");
            o.example = only.iter().any(|s| s == "example");
            o.python = only.iter().any(|s| s == "python");
        }
        Ok(o)
    }
}

impl Opts {
    /// The suites these options leave out, each with why.
    pub fn left_out(&self) -> Vec<String> {
        let mut out = Vec::new();
        let skipped = |on: bool, name: &str, out: &mut Vec<String>| {
            if !on {
                out.push(format!("{name} (left out by an option)"));
            }
        };
        skipped(self.host, "host", &mut out);
        skipped(self.types, "types", &mut out);
        self.per_browser(
            self.wasm,
            "wasm: headless Chromium and Firefox",
            ["wasm: headless Chromium", "wasm: headless Firefox"],
            &mut out,
        );
        skipped(self.e2e, "e2e", &mut out);
        self.per_browser(
            self.example,
            "example: wasm-pack test",
            [
                "example: wasm-pack test --chrome",
                "example: wasm-pack test --firefox",
            ],
            &mut out,
        );
        skipped(self.python, "python", &mut out);
        out
    }

    /// A suite run once per browser: all of it left out by an option, or
    /// the runs `--browser` leaves out (`names`: Chromium's, Firefox's).
    fn per_browser(&self, on: bool, all: &str, names: [&str; 2], out: &mut Vec<String>) {
        if !on {
            out.push(format!("{all} (left out by an option)"));
            return;
        }
        for (b, name) in [Browser::Chrome, Browser::Firefox].into_iter().zip(names) {
            if !self.browsers.contains(&b) {
                out.push(format!("{name} (left out by --browser)"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let a = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = Opts::parse(&[]).unwrap();
        assert!(o.host && o.types && o.wasm && o.e2e && o.setup && o.build);
        assert_eq!(o.browsers, [Browser::Chrome, Browser::Firefox]);
        let o = Opts::parse(&a("--browser firefox --skip-e2e")).unwrap();
        assert_eq!(o.browsers, [Browser::Firefox]);
        assert!(!o.e2e && o.wasm && o.host);
        let o = Opts::parse(&a("--only host")).unwrap();
        assert!(o.host && !o.types && !o.wasm && !o.e2e);
        let o = Opts::parse(&a("--only types --only e2e")).unwrap();
        assert!(!o.host && o.types && !o.wasm && o.e2e);
        let o = Opts::parse(&a("--skip-types")).unwrap();
        assert!(o.host && !o.types && o.wasm && o.e2e);
        assert!(Opts::parse(&a("--browser safari")).is_err());
        assert!(Opts::parse(&a("--only nope")).is_err());
        assert!(Opts::parse(&a("--bogus")).is_err());
    }

    #[test]
    fn names_what_it_leaves_out() {
        let a = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert!(Opts::parse(&[]).unwrap().left_out().is_empty());
        assert_eq!(
            Opts::parse(&a("--browser firefox --skip-e2e"))
                .unwrap()
                .left_out(),
            [
                "wasm: headless Chromium (left out by --browser)",
                "e2e (left out by an option)",
                "example: wasm-pack test --chrome (left out by --browser)",
            ]
        );
        assert_eq!(
            Opts::parse(&a("--only host")).unwrap().left_out(),
            [
                "types (left out by an option)",
                "wasm: headless Chromium and Firefox (left out by an option)",
                "e2e (left out by an option)",
                "example: wasm-pack test (left out by an option)",
                "python (left out by an option)",
            ]
        );
        let o = Opts::parse(&a("--only example")).unwrap();
        assert!(o.example && !o.host && !o.wasm && !o.e2e && !o.types);
        assert!(!Opts::parse(&a("--skip-example")).unwrap().example);
        let o = Opts::parse(&a("--only python")).unwrap();
        assert!(o.python && !o.example && !o.host && !o.wasm && !o.e2e && !o.types);
        assert!(!Opts::parse(&a("--skip-python")).unwrap().python);
    }
}
