//! A minimal reader of a wasm module's export signatures, to check that
//! `wasm-opt` kept them, and a writer of its import and export names
//! (`build/shorten.rs`).
//!
//! Debian 12's binaryen 108 rewrites wasm-bindgen 0.2.130 output with the
//! export `__wbindgen_externrefs` pointing at the funcref table instead of the
//! externref table (even without any pass), which breaks
//! `__wbindgen_init_externref_table` at load time ("WebAssembly.Table.set():
//! Argument 1 is invalid for table"). So every wasm-opt output is compared
//! with its input here and discarded when an export changed.

/// One export: name, kind (0 func, 1 table, 2 memory, 3 global, 4 tag) and a
/// description of its type (function signature, table element type, ...).
pub type Export = (String, u8, Vec<u8>);

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let x = *self.b.get(self.i)?;
        self.i += 1;
        Some(x)
    }
    fn leb(&mut self) -> Option<u64> {
        let mut r = 0u64;
        let mut shift = 0;
        loop {
            let x = self.byte()?;
            if shift < 64 {
                r |= u64::from(x & 0x7f) << shift;
            }
            shift += 7;
            if x < 0x80 {
                return Some(r);
            }
            if shift > 70 {
                return None;
            }
        }
    }
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.leb()?).ok()
    }
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(s)
    }
    fn name(&mut self) -> Option<String> {
        let n = self.len()?;
        Some(String::from_utf8_lossy(self.bytes(n)?).into_owned())
    }
    fn limits(&mut self) -> Option<()> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Some(())
    }
    /// A value type; only the single-byte ones (numbers, v128, funcref, externref...).
    fn valtype(&mut self) -> Option<u8> {
        let t = self.byte()?;
        matches!(
            t,
            0x7f | 0x7e
                | 0x7d
                | 0x7c
                | 0x7b
                | 0x70
                | 0x6f
                | 0x6e
                | 0x6d
                | 0x6c
                | 0x6b
                | 0x6a
                | 0x69
        )
        .then_some(t)
    }
}

/// What the sections of a module declare, as far as its exports' types need.
#[derive(Default)]
struct Module {
    types: Vec<Vec<u8>>,
    /// The type index of each function.
    funcs: Vec<usize>,
    /// The element type of each table.
    tables: Vec<u8>,
    globals: Vec<Vec<u8>>,
    exports: Vec<Export>,
}

impl Module {
    fn read_types(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            if s.byte()? != 0x60 {
                return None; // rec groups / GC types
            }
            let mut sig = Vec::new();
            for _ in 0..s.len()? {
                sig.push(s.valtype()?);
            }
            sig.push(0xff); // separator between params and results
            for _ in 0..s.len()? {
                sig.push(s.valtype()?);
            }
            self.types.push(sig);
        }
        Some(())
    }

    fn read_imports(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            s.name()?;
            s.name()?;
            match s.byte()? {
                0 => self.funcs.push(s.len()?),
                1 => {
                    self.tables.push(s.valtype()?);
                    s.limits()?;
                }
                2 => s.limits()?,
                3 => self.globals.push(vec![s.valtype()?, s.byte()?]),
                4 => {
                    s.byte()?;
                    s.len()?;
                }
                _ => return None,
            }
        }
        Some(())
    }

    fn read_functions(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            self.funcs.push(s.len()?);
        }
        Some(())
    }

    fn read_tables(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            if s.b.get(s.i) == Some(&0x40) {
                return None; // tables with an init expression
            }
            self.tables.push(s.valtype()?);
            s.limits()?;
        }
        Some(())
    }

    /// Only the types are needed; a global whose init expression is not a
    /// simple constant makes the module unreadable here.
    fn read_globals(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            self.globals.push(vec![s.valtype()?, s.byte()?]);
            loop {
                match s.byte()? {
                    0x0b => break,
                    0x41 | 0x42 | 0x23 | 0xd2 => {
                        s.leb()?;
                    }
                    0x43 => {
                        s.bytes(4)?;
                    }
                    0x44 => {
                        s.bytes(8)?;
                    }
                    0xd0 => {
                        s.byte()?;
                    }
                    _ => return None,
                }
            }
        }
        Some(())
    }

    fn read_exports(&mut self, s: &mut Reader) -> Option<()> {
        for _ in 0..s.len()? {
            let name = s.name()?;
            let kind = s.byte()?;
            let idx = s.len()?;
            let ty = match kind {
                0 => self.types.get(*self.funcs.get(idx)?)?.clone(),
                1 => vec![*self.tables.get(idx)?],
                3 => self.globals.get(idx)?.clone(),
                _ => Vec::new(),
            };
            self.exports.push((name, kind, ty));
        }
        Some(())
    }
}

/// The exports of a module with their types; `None` when the module uses
/// something this reader does not understand (then nothing can be compared).
pub fn exports(wasm: &[u8]) -> Option<Vec<Export>> {
    if wasm.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut r = Reader { b: wasm, i: 8 };
    let mut m = Module::default();
    while r.i < wasm.len() {
        let id = r.byte()?;
        let size = r.len()?;
        let mut s = Reader {
            b: r.bytes(size)?,
            i: 0,
        };
        match id {
            1 => m.read_types(&mut s)?,
            2 => m.read_imports(&mut s)?,
            3 => m.read_functions(&mut s)?,
            4 => m.read_tables(&mut s)?,
            6 => m.read_globals(&mut s)?,
            7 => m.read_exports(&mut s)?,
            _ => {}
        }
    }
    m.exports.sort();
    Some(m.exports)
}

/// Compares the exports of two modules: `Ok(())` when they agree, else a
/// description of the first difference (or that they cannot be read).
pub fn same_exports(before: &[u8], after: &[u8]) -> Result<(), String> {
    let a = exports(before).ok_or("cannot read the exports of the input")?;
    let b = exports(after).ok_or("cannot read the exports of the output")?;
    if a == b {
        return Ok(());
    }
    for e in &a {
        if !b.contains(e) {
            let now = b.iter().find(|x| x.0 == e.0);
            return Err(format!(
                "export {:?} changed: kind {} type {:02x?} -> {:?}",
                e.0,
                e.1,
                e.2,
                now.map(|x| (x.1, &x.2))
            ));
        }
    }
    Err("the output has exports the input does not".into())
}

/// `wasm` with its imports' and exports' names replaced: `import(module,
/// name)` gives an import's new module and name, `export(name)` an export's
/// new name. `None` when the module uses something this reader does not
/// understand. Nothing else changes (the name section, if any, names
/// functions by index, not by these names).
pub fn renamed(
    wasm: &[u8],
    import: &mut dyn FnMut(&str, &str) -> (String, String),
    export: &mut dyn FnMut(&str) -> String,
) -> Option<Vec<u8>> {
    if wasm.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut out = wasm.get(..8)?.to_vec();
    let mut r = Reader { b: wasm, i: 8 };
    while r.i < wasm.len() {
        let start = r.i;
        let id = r.byte()?;
        let size = r.len()?;
        let body = r.bytes(size)?;
        let mut s = Reader { b: body, i: 0 };
        let new_body = match id {
            2 => rename_imports(&mut s, import)?,
            7 => rename_exports(&mut s, export)?,
            _ => {
                out.extend_from_slice(wasm.get(start..r.i)?);
                continue;
            }
        };
        out.push(id);
        put_leb(&mut out, new_body.len());
        out.extend(new_body);
    }
    Some(out)
}

/// Appends `n` as unsigned LEB128 (lengths and indices in a module).
pub fn put_leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len());
    out.extend_from_slice(name.as_bytes());
}

fn rename_imports(
    s: &mut Reader,
    rename: &mut dyn FnMut(&str, &str) -> (String, String),
) -> Option<Vec<u8>> {
    let count = s.len()?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        let (module, name) = rename(&s.name()?, &s.name()?);
        put_name(&mut out, &module);
        put_name(&mut out, &name);
        let desc = s.i;
        match s.byte()? {
            0 => {
                s.len()?;
            }
            1 => {
                s.valtype()?;
                s.limits()?;
            }
            2 => s.limits()?,
            3 => {
                s.valtype()?;
                s.byte()?;
            }
            4 => {
                s.byte()?;
                s.len()?;
            }
            _ => return None,
        }
        out.extend_from_slice(s.b.get(desc..s.i)?);
    }
    (s.i == s.b.len()).then_some(out)
}

fn rename_exports(s: &mut Reader, rename: &mut dyn FnMut(&str) -> String) -> Option<Vec<u8>> {
    let count = s.len()?;
    let mut out = Vec::new();
    put_leb(&mut out, count);
    for _ in 0..count {
        put_name(&mut out, &rename(&s.name()?));
        let desc = s.i;
        s.byte()?;
        s.len()?;
        out.extend_from_slice(s.b.get(desc..s.i)?);
    }
    (s.i == s.b.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (module (type (func (param i32) (result i32))) (import "m" "f" (func (type 0)))
    ///   (table 1 funcref) (table 2 externref) (export "t" (table 1)) (export "f" (func 0)))
    fn module(export_table: u8) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f]); // type section
        m.extend([2, 7, 1, 1, b'm', 1, b'f', 0, 0]); // import section
        m.extend([4, 7, 2, 0x70, 0, 1, 0x6f, 0, 2]); // table section
        m.extend([7, 9, 2, 1, b't', 1, export_table, 1, b'f', 0, 0]); // export section
        m
    }

    #[test]
    fn reads_exports() {
        let e = exports(&module(1)).unwrap();
        assert_eq!(
            e,
            vec![
                ("f".to_string(), 0, vec![0x7f, 0xff, 0x7f]),
                ("t".to_string(), 1, vec![0x6f]),
            ]
        );
    }

    #[test]
    fn detects_a_table_export_moved_to_the_funcref_table() {
        assert!(same_exports(&module(1), &module(1)).is_ok());
        let err = same_exports(&module(1), &module(0)).unwrap_err();
        assert!(err.contains("\"t\""), "{err}");
        assert!(same_exports(b"nope", &module(1)).is_err());
    }
}
