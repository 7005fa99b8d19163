//! BENCHMARKS.md: its parts and which run writes each. The main tables
//! (a full `cargo xtask bench`), the paired section (`--baseline REV
//! --write`), the wasm's make-up (`cargo xtask size --write`, and both bench
//! runs), then the reading (bench/READING.md). A run keeps the parts it does
//! not write.

use std::path::Path;

use crate::build;
use crate::util::{Result, repo_root};

/// Writes BENCHMARKS.md from the runner's report (unless told not to). The
/// file has three parts, each written by its own kind of run: the main
/// tables (a full run), the paired section (`--baseline REV --write`: this
/// build beside REV's, measured in one run) and the wasm's make-up (both);
/// then the reading of them (bench/READING.md). A run keeps the part it
/// does not write.
pub fn publish(write: bool, baseline: Option<&str>, root: &Path, report: &Path) -> Result<()> {
    let text = std::fs::read_to_string(report)
        .map_err(|e| format!("bench: the runner wrote no {}: {e}", report.display()))?;
    if !write {
        println!(
            "bench: BENCHMARKS.md left as it is (--quick/--no-write/--systems/--baseline); report in {}",
            report.display()
        );
        return Ok(());
    }
    let dest = root.join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&dest).unwrap_or_default();
    let (old_main, old_paired) = split_benchmarks(&old);
    let (main, paired) = match baseline {
        Some(rev) => (old_main, paired_section(rev, &text)),
        None => (text, old_paired),
    };
    let reading =
        std::fs::read_to_string(root.join("bench").join("READING.md")).unwrap_or_default();
    let text = [
        main.trim_end(),
        paired.trim_end(),
        wasm_parts()?.trim_end(),
        reading.trim_end(),
    ]
    .iter()
    .filter(|p| !p.is_empty())
    .map(|p| format!("{p}\n"))
    .collect::<Vec<_>>()
    .join("\n");
    std::fs::write(&dest, &text).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    println!("bench: wrote {}", dest.display());
    Ok(())
}

const PAIRED: &str = "## Paired run: this build beside a baseline";
const PARTS: &str = crate::wasm_size::HEADING;
const READING: &str = "## How to read these tables";

/// BENCHMARKS.md's main tables and its paired section (either may be empty).
fn split_benchmarks(text: &str) -> (String, String) {
    let cut = |t: &str, at: &str| t.find(at).unwrap_or(t.len());
    let end_of_main = [PAIRED, PARTS, READING]
        .iter()
        .map(|h| cut(text, h))
        .min()
        .unwrap_or(text.len());
    let main = text[..end_of_main].to_string();
    let paired = match text.find(PAIRED) {
        Some(start) => {
            let rest = &text[start..];
            let end = [PARTS, READING]
                .iter()
                .map(|h| cut(rest, h))
                .min()
                .unwrap_or(rest.len());
            rest[..end].to_string()
        }
        None => String::new(),
    };
    (main, paired)
}

/// The paired section: the report of a `--baseline REV` run, its headings
/// one level down.
fn paired_section(rev: &str, report: &str) -> String {
    let mut out = format!(
        "{PAIRED}\n\nWritten by `cargo xtask bench --baseline {rev} --write` (with `--systems`): the \
         rows marked `[baseline {rev}]` are {rev}'s build, measured in the same run, in the same \
         browsers, rounds interleaved. Compare a row with its baseline twin.\n\n"
    );
    for line in report.lines() {
        if line.starts_with("# ") {
            continue;
        }
        if line.starts_with("## ") {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `cargo xtask size [--write]`: prints what the wasm is made of; with
/// `--write`, also puts it in BENCHMARKS.md in place of the old table (the
/// rest of the file stays as its runs wrote it).
pub fn size(args: &[String]) -> Result<()> {
    let write = match args {
        [] => false,
        [a] if a == "--write" => true,
        _ => return Err("usage: cargo xtask size [--write]".into()),
    };
    let parts = wasm_parts()?;
    println!("{parts}");
    if write {
        let dest = repo_root().join("BENCHMARKS.md");
        let old = std::fs::read_to_string(&dest)
            .map_err(|e| format!("cannot read {}: {e}", dest.display()))?;
        let text = replace_parts(&old, &parts);
        std::fs::write(&dest, text).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
        println!("size: wrote the table in {}", dest.display());
    }
    Ok(())
}

/// `text` with its "What the wasm is made of" section replaced by `parts`
/// (put before the reading when it has none).
fn replace_parts(text: &str, parts: &str) -> String {
    let end_at = |from: usize| text[from..].find(READING).map_or(text.len(), |i| from + i);
    let (start, end) = match text.find(PARTS) {
        Some(start) => (start, end_at(start)),
        None => {
            let at = end_at(0);
            (at, at)
        }
    };
    format!("{}{}\n\n{}", &text[..start], parts.trim_end(), &text[end..])
}

/// The table of what the shipped wasm is made of (by crate, by module).
pub fn wasm_parts() -> Result<String> {
    let named = build::named_global_wasm()?;
    let bytes =
        std::fs::read(&named).map_err(|e| format!("cannot read {}: {e}", named.display()))?;
    let parts = crate::wasm_size::parts(&bytes)
        .ok_or_else(|| format!("bench: cannot read the wasm {}", named.display()))?;
    let shipped = std::fs::metadata(repo_root().join("pkg/wsroute_bg.wasm"))
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let mut text = crate::wasm_size::report(&parts, shipped);
    let (script, wasm) = build::classic_build(true)?;
    text.push_str(&script_parts(&script, &wasm)?);
    text.push_str(&without_har(&script, &wasm)?);
    Ok(text)
}

/// What `pkg/wsroute.global.js` is made of: its JavaScript, the wasm as a
/// string literal, and what carrying the wasm that way costs over the wasm
/// file itself.
fn script_parts(script: &str, wasm: &[u8]) -> Result<String> {
    let gz = |b: &[u8]| crate::util::gzip_bytes(b).unwrap_or(0);
    let fmt = crate::wasm_size::fmt;
    let literal = build::wasm_literal(wasm);
    let at = script
        .find(&format!("\"{literal}\""))
        .ok_or("size: the wasm's literal is not in the classic script")?;
    let js = format!("{}{}", &script[..at], &script[at + literal.len() + 2..]);
    let row =
        |what: &str, b: &[u8]| format!("| {what} | {} B | {} B |\n", fmt(b.len()), fmt(gz(b)));
    let (lit_gz, wasm_gz) = (gz(literal.as_bytes()), gz(wasm));
    Ok(format!(
        "\n`pkg/wsroute.global.js` in parts, each compressed alone (gzip -9):\n\n\
         | part | raw | gzip |\n|---|---:|---:|\n{}{}{}{}\n\
         Carrying the wasm as a literal costs {} B gzip over the wasm file ({:.1}%); the parts \
         compressed alone add up to {} B more than the whole script compressed.\n",
        row(
            "JavaScript: the shim, the glue, the loader and the literal's decoder",
            js.as_bytes()
        ),
        row("the wasm as a string literal", literal.as_bytes()),
        row("the wasm itself (not shipped so; for comparison)", wasm),
        row("the whole script", script.as_bytes()),
        fmt(lit_gz.saturating_sub(wasm_gz)),
        lit_gz.saturating_sub(wasm_gz) as f64 * 100.0 / wasm_gz.max(1) as f64,
        fmt((gz(js.as_bytes()) + lit_gz).saturating_sub(gz(script.as_bytes()))),
    ))
}

/// What the `har` feature (HAR record and replay, serde and
/// serde-wasm-bindgen) adds: the classic script and its wasm built with
/// and without it, measured the same way.
fn without_har(script: &str, wasm: &[u8]) -> Result<String> {
    let gz = |b: &[u8]| crate::util::gzip_bytes(b).unwrap_or(0);
    let fmt = crate::wasm_size::fmt;
    let (lean_script, lean_wasm) = build::classic_build(false)?;
    let row = |what: &str, with: &[u8], without: &[u8]| {
        let (w, wo) = (with.len(), without.len());
        let (gw, gwo) = (gz(with), gz(without));
        format!(
            "| {what} | {} B / {} B | {} B / {} B | {} B / {} B |\n",
            fmt(w),
            fmt(gw),
            fmt(wo),
            fmt(gwo),
            fmt(w.saturating_sub(wo)),
            fmt(gw.saturating_sub(gwo))
        )
    };
    Ok(format!(
        "\nThe `har` feature (HAR record and replay with serde and serde-wasm-bindgen), \
         measured by building without it (`default-features = false`, as a Rust test crate \
         can; the npm package and the script always have it). Sizes raw / gzip -9:\n\n\
         | file | with `har` (shipped) | without | `har` adds |\n|---|---:|---:|---:|\n{}{}",
        row("the classic script's wasm", wasm, &lean_wasm),
        row(
            "`pkg/wsroute.global.js`",
            script.as_bytes(),
            lean_script.as_bytes()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_wasm_table() {
        let file = format!("main\n{PARTS}\nold\n\n{READING}\nreading\n");
        assert_eq!(
            replace_parts(&file, &format!("{PARTS}\nnew\n")),
            format!("main\n{PARTS}\nnew\n\n{READING}\nreading\n")
        );
        assert_eq!(
            replace_parts(&format!("main\n{READING}\nr\n"), "T\n"),
            format!("main\nT\n\n{READING}\nr\n")
        );
    }

    #[test]
    fn finds_the_wasm_literal_in_the_script() {
        let wasm = b"\0asm\x01\0\0\0 some bytes \xff\xfe";
        let script = format!(
            "const a = 1;\nconst b = \"{}\";\n",
            build::wasm_literal(wasm)
        );
        let parts = script_parts(&script, wasm).unwrap();
        assert!(
            parts.contains(
                "| JavaScript: the shim, the glue, the loader and the literal's decoder | 25 B |"
            ),
            "{parts}"
        );
        assert!(script_parts("no literal", wasm).is_err());
    }

    #[test]
    fn keeps_the_part_a_run_does_not_write() {
        let file = format!(
            "# wsroute benchmarks\nmain\n{PAIRED}\n\npaired\n{PARTS}\nparts\n{READING}\nreading\n"
        );
        let (main, paired) = split_benchmarks(&file);
        assert_eq!(main, "# wsroute benchmarks\nmain\n");
        assert_eq!(paired, format!("{PAIRED}\n\npaired\n"));
        assert_eq!(
            split_benchmarks("only main\n"),
            ("only main\n".into(), String::new())
        );
        let section = paired_section(
            "abc",
            "# wsroute benchmarks\n- date\n## ping-pong\n| row |\n",
        );
        assert!(section.starts_with(PAIRED));
        assert!(section.contains("--baseline abc --write"));
        assert!(section.ends_with("- date\n### ping-pong\n| row |\n"));
        assert!(!section.contains("# wsroute benchmarks"));
    }
}
