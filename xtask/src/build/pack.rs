//! How the classic script carries its wasm: as a string literal of printable
//! ASCII that gzip compresses as well as the wasm itself, decoded on first
//! use by a wasm decoder of a few hundred bytes.
//!
//! Base64 breaks the wasm's byte alignment (three bytes become four
//! characters), so gzip finds far fewer repeats in it: the base64 text of a
//! wasm gzips to far more than the wasm itself. Here every byte stays
//! one or two characters, always the same ones: the 90 most frequent bytes of
//! this wasm are one character each (printable ASCII but `"`, `\`, `<` and the
//! two escapes), the next 90 are `}` and a character, the rest `~` and a
//! character. The literal is a few percent longer than the wasm and gzips
//! almost as well (BENCHMARKS.md's size table has both).
//!
//! A decoding loop in JavaScript runs in the interpreter this early and
//! costs several milliseconds, so the loop runs in a wasm module of its own:
//! the page's `TextEncoder` copies the literal into that module's memory and
//! one call decodes it in place through a 384-byte table the build writes
//! into the module. It runs on first use, when the script loads its wasm:
//! `wsroute.__loadMs` times that load (the bench's first-use rows).

/// Characters that stand for themselves in the literal, in rank order.
fn direct() -> Vec<u8> {
    (0x20u8..0x7f)
        .filter(|&c| !matches!(c, b'"' | b'\\' | b'<' | ESC1 | ESC2))
        .collect()
}

/// Escapes: `}c` is the byte of rank 90 + c's index, `~c` of 180 + that.
/// They are the only characters above `|` (124) in the literal, which the
/// decoder's loop relies on: class = c - 124 for them.
const ESC1: u8 = b'}';
const ESC2: u8 = b'~';

/// Where the literal starts in the decoder's memory; the table is before it.
pub const TABLE_LEN: u32 = 384;

/// The wasm as a literal (ASCII, safe between `"` in a script, even inline in
/// HTML) and the decoder module that turns it back into bytes.
pub struct Packed {
    /// The literal's text.
    pub text: String,
    /// The decoder module, table included.
    pub decoder: Vec<u8>,
}

/// Packs `bytes`.
pub fn pack(bytes: &[u8]) -> Packed {
    let mut count = [0usize; 256];
    for &b in bytes {
        count[usize::from(b)] += 1;
    }
    // Most frequent first; ties by value, so a build is reproducible.
    let mut order: Vec<u8> = (0..=255).collect();
    order.sort_by_key(|&b| (std::cmp::Reverse(count[usize::from(b)]), b));
    let direct = direct();
    let n = direct.len();
    // code[b]: the characters byte b becomes; table[class * 128 + c]: the byte.
    let mut code: Vec<Vec<u8>> = vec![Vec::new(); 256];
    let mut table = vec![0u8; TABLE_LEN as usize];
    for (rank, &b) in order.iter().enumerate() {
        let (class, c) = (rank / n, direct[rank % n]);
        code[usize::from(b)] = match class {
            0 => vec![c],
            1 => vec![ESC1, c],
            _ => vec![ESC2, c],
        };
        table[class * 128 + usize::from(c)] = b;
    }
    let mut text = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    for &b in bytes {
        text.extend_from_slice(&code[usize::from(b)]);
    }
    Packed {
        text: String::from_utf8(text).unwrap_or_default(),
        decoder: decoder(&table),
    }
}

/// The JavaScript expression that evaluates to the decoded bytes: a view of
/// the decoder's memory, where they are decoded in place over the literal
/// (each byte is at least one character, so a byte is written only where a
/// character was read already). Memory touched once costs less than two
/// fresh regions (the first touch of a page is what is slow), and no copy is
/// made: `WebAssembly.Module` copies what it is given.
pub fn unpack_expr(p: &Packed, len: usize) -> String {
    let decoder: Vec<String> = p.decoder.iter().map(u8::to_string).collect();
    format!(
        "(function (s, len) {{\n\
         \x20 const memory = new WebAssembly.Memory({{ initial: Math.ceil(({TABLE_LEN} + s.length) / 65536) }});\n\
         \x20 new TextEncoder().encodeInto(s, new Uint8Array(memory.buffer, {TABLE_LEN}));\n\
         \x20 const d = new WebAssembly.Module(new Uint8Array([{}]));\n\
         \x20 new WebAssembly.Instance(d, {{ e: {{ m: memory }} }}).exports.d(s.length, {TABLE_LEN});\n\
         \x20 return new Uint8Array(memory.buffer, {TABLE_LEN}, len);\n\
         }})(\"{}\", {len})",
        decoder.join(","),
        p.text
    )
}

/// The decoder: imports its memory as `e.m`, holds the table as a data
/// segment at 0, and exports `d(n, out)`, which decodes the `n` characters
/// at `TABLE_LEN` into the bytes at `out` (`TABLE_LEN` itself: in place).
fn decoder(table: &[u8]) -> Vec<u8> {
    // Locals: 0 n, 1 out (params); 2 i, 3 c, 4 k (escape, then class
    // offset), 5 end. No branch per character but the loop's own: Liftoff,
    // the baseline compiler that runs it, makes straight code fast.
    let (n, out, i, c, k, end) = (0, 1, 2, 3, 4, 5);
    let mut f = Body::default();
    f.const_(TABLE_LEN).set(i);
    f.get(n).const_(TABLE_LEN).op(ADD).set(end);
    f.op(BLOCK).op(VOID).op(LOOP).op(VOID);
    f.get(i).get(end).op(GE_U).op(BR_IF).op(1);
    // c = mem[i]; k = c is an escape; i += k
    f.get(i).op(LOAD8_U).op(0).op(0).set(c);
    f.get(c).const_(124).op(GT_U).set(k);
    f.get(i).get(k).op(ADD).set(i);
    // k = (k ? c - 124 : 0) << 7
    f.get(c).const_(124).op(SUB).const_(0).get(k).op(SELECT);
    f.const_(7).op(SHL).set(k);
    // mem[out] = table[k + mem[i]]; i += 1; out += 1
    f.get(out).get(k).get(i).op(LOAD8_U).op(0).op(0).op(ADD);
    f.op(LOAD8_U).op(0).op(0).op(STORE8).op(0).op(0);
    f.get(i).const_(1).op(ADD).set(i);
    f.get(out).const_(1).op(ADD).set(out);
    f.op(BR).op(0).op(END).op(END).op(END);

    let mut code = vec![1, 4, I32]; // one group of four i32 locals
    code.extend(f.0);
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(&mut m, 1, &[1, 0x60, 2, I32, I32, 0]); // type 0: (i32, i32) -> ()
    section(&mut m, 2, &[1, 1, b'e', 1, b'm', 2, 0, 1]); // import memory e.m, min 1 page
    section(&mut m, 3, &[1, 0]); // function 0 has type 0
    section(&mut m, 7, &[1, 1, b'd', 0, 0]); // export "d" = function 0
    let mut body = Vec::new();
    crate::wasm::put_leb(&mut body, code.len());
    body.extend(code);
    let mut s = vec![1];
    s.extend(body);
    section(&mut m, 10, &s);
    // Data: one active segment in memory 0 at offset 0.
    let mut d = vec![1, 0, I32_CONST, 0, END];
    crate::wasm::put_leb(&mut d, table.len());
    d.extend_from_slice(table);
    section(&mut m, 11, &d);
    m
}

const I32: u8 = 0x7f;
const VOID: u8 = 0x40;
const BLOCK: u8 = 0x02;
const LOOP: u8 = 0x03;
const END: u8 = 0x0b;
const BR: u8 = 0x0c;
const BR_IF: u8 = 0x0d;
const LOCAL_GET: u8 = 0x20;
const LOCAL_SET: u8 = 0x21;
const LOAD8_U: u8 = 0x2d;
const STORE8: u8 = 0x3a;
const SELECT: u8 = 0x1b;
const I32_CONST: u8 = 0x41;
const GT_U: u8 = 0x4b;
const GE_U: u8 = 0x4f;
const ADD: u8 = 0x6a;
const SUB: u8 = 0x6b;
const SHL: u8 = 0x74;

/// A function body being written.
#[derive(Default)]
struct Body(Vec<u8>);

impl Body {
    fn op(&mut self, b: u8) -> &mut Self {
        self.0.push(b);
        self
    }
    fn get(&mut self, l: u8) -> &mut Self {
        self.op(LOCAL_GET).op(l)
    }
    fn set(&mut self, l: u8) -> &mut Self {
        self.op(LOCAL_SET).op(l)
    }
    /// `i32.const v` (signed LEB128 of a non-negative value).
    fn const_(&mut self, mut v: u32) -> &mut Self {
        self.op(I32_CONST);
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 && b & 0x40 == 0 {
                return self.op(b);
            }
            self.op(b | 0x80);
        }
    }
}

fn section(m: &mut Vec<u8>, id: u8, content: &[u8]) {
    m.push(id);
    crate::wasm::put_leb(m, content.len());
    m.extend_from_slice(content);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_literal_is_safe_in_a_script_and_gzips_like_the_bytes() {
        let bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let p = pack(&bytes);
        assert!(p.text.bytes().all(|b| (0x20..0x7f).contains(&b)));
        assert!(!p.text.contains(['"', '\\', '<']));
        assert_eq!(direct().len(), 90);
        // Every byte is one or two characters.
        assert!(p.text.len() >= bytes.len() && p.text.len() <= 2 * bytes.len());
    }

    #[test]
    fn const_and_leb_encode_as_the_spec_says() {
        let mut b = Body::default();
        b.const_(0)
            .const_(1)
            .const_(63)
            .const_(64)
            .const_(126)
            .const_(384);
        assert_eq!(
            b.0,
            [
                0x41, 0, 0x41, 1, 0x41, 63, 0x41, 0xc0, 0, 0x41, 0xfe, 0, 0x41, 0x80, 3
            ]
        );
        let mut v = Vec::new();
        crate::wasm::put_leb(&mut v, 624_485);
        assert_eq!(v, [0xe5, 0x8e, 0x26]);
    }

    /// The decoder, run by node's WebAssembly, gives back every byte: all
    /// 256 values, in runs and alone, both escapes, and a
    /// wasm-like skew.
    #[test]
    fn decodes_to_the_same_bytes_in_node() {
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend((0..70_000u32).map(|i| if i % 3 == 0 { 0 } else { (i * 31 % 256) as u8 }));
        bytes.extend((0..=255u8).rev());
        bytes.extend([0x7e, 0x7d, 0x22, 0x5c, 0x3c, 0xff, 0]);
        let p = pack(&bytes);
        assert!(p.text.contains('~') && p.text.contains('}'));
        let program = format!(
            "process.stdout.write(Buffer.from({}).toString('hex'));",
            unpack_expr(&p, bytes.len())
        );
        let mut child = std::process::Command::new("node")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("node runs");
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(program.as_bytes())
            .expect("program written");
        let out = child.wait_with_output().expect("node ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            String::from_utf8_lossy(&out.stdout) == want,
            "decoded bytes differ"
        );
    }
}
