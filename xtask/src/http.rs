//! A tiny static HTTP/1.1 file server (std only) for the e2e pages, the wasm
//! suites' worker tests and the demo.
//!
//! Serves a directory tree, extra mounted directories (`/pkg/` -> `<repo>/pkg/`),
//! generated in-memory files (`/config.js`), with `Cache-Control: no-store`, on
//! `127.0.0.1` and an ephemeral port. Responses are readable from any origin
//! (`Access-Control-Allow-Origin: *`, and `Cross-Origin-Resource-Policy:
//! cross-origin` for cross-origin-isolated pages such as wasm-bindgen-test's,
//! whose workers load `pkg/` from here). One path can carry a
//! `Content-Security-Policy` header. Every response closes the connection.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::echo::percent_decode;

/// What to serve.
#[derive(Debug, Clone, Default)]
pub struct Site {
    root: PathBuf,
    mounts: Vec<(String, PathBuf)>,
    generated: Vec<(String, String, Vec<u8>)>,
    csp: Vec<(String, String)>,
}

impl Site {
    /// Serves `root` at `/`.
    pub fn new(root: impl Into<PathBuf>) -> Site {
        Site {
            root: root.into(),
            ..Site::default()
        }
    }

    /// Serves `dir` under `prefix` (for example `/pkg/`), which wins over the root.
    pub fn mount(mut self, prefix: &str, dir: impl Into<PathBuf>) -> Site {
        let mut prefix = prefix.to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        self.mounts.push((prefix, dir.into()));
        // Longest prefix first.
        self.mounts.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        self
    }

    /// Serves `body` at exactly `path`, with the MIME type guessed from the path.
    pub fn file(mut self, path: &str, body: impl Into<Vec<u8>>) -> Site {
        self.generated
            .push((path.to_string(), mime_for(path).to_string(), body.into()));
        self
    }

    /// Adds `Content-Security-Policy: policy` to the response for `path`.
    pub fn csp(mut self, path: &str, policy: &str) -> Site {
        self.csp.push((path.to_string(), policy.to_string()));
        self
    }

    fn lookup(&self, path: &str) -> Option<(String, Vec<u8>)> {
        if let Some((_, mime, body)) = self.generated.iter().find(|(p, _, _)| p == path) {
            return Some((mime.clone(), body.clone()));
        }
        let (base, rest) = self
            .mounts
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
            .map(|(prefix, dir)| (dir.as_path(), &path[prefix.len()..]))
            .unwrap_or((self.root.as_path(), path.trim_start_matches('/')));
        let mut file = safe_join(base, rest)?;
        if file.is_dir() {
            file.push("index.html");
        }
        let body = std::fs::read(&file).ok()?;
        Some((mime_for(&file.to_string_lossy()).to_string(), body))
    }
}

/// Joins a URL path below `base`, refusing `..` and absolute components.
fn safe_join(base: &Path, rest: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for comp in Path::new(rest).components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The MIME type for a file name.
pub fn mime_for(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" | "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A running static server. Stops accepting when dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Binds `127.0.0.1:0` and serves `site`.
    pub fn start(site: Site) -> io::Result<StaticServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let site = Arc::new(site);
        let accept_thread = thread::Builder::new()
            .name("http-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop2.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let site = site.clone();
                    let _ = thread::Builder::new()
                        .name("http-conn".into())
                        .spawn(move || {
                            let _ = handle(&site, stream);
                        });
                }
            })?;
        Ok(StaticServer {
            addr,
            stop,
            accept_thread: Some(accept_thread),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections.
    pub fn stop(&mut self) {
        if let Some(t) = self.accept_thread.take() {
            self.stop.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect(self.addr);
            let _ = t.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn handle(site: &Site, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers (bounded).
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        total += n;
        if n == 0 || line == "\r\n" || line == "\n" || total > 64 * 1024 {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path_raw = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path_raw, false);
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            &[],
            b"",
            true,
        );
    }
    let extra: Vec<(&str, &str)> = site
        .csp
        .iter()
        .filter(|(p, _)| *p == path)
        .map(|(_, policy)| ("Content-Security-Policy", policy.as_str()))
        .collect();
    match site.lookup(&path) {
        Some((mime, body)) => respond(&mut out, "200 OK", &mime, &extra, &body, method == "GET"),
        None => respond(
            &mut out,
            "404 Not Found",
            "text/plain; charset=utf-8",
            &[],
            format!("404 not found: {path}\n").as_bytes(),
            method == "GET",
        ),
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    mime: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    with_body: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nAccess-Control-Allow-Origin: *\r\n\
         Cross-Origin-Resource-Policy: cross-origin\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if with_body {
        out.write_all(body)?;
    }
    out.flush()?;
    let _ = out.shutdown(std::net::Shutdown::Write);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(server: &StaticServer, path: &str) -> (String, Vec<u8>) {
        let mut s = TcpStream::connect(server.addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        (
            String::from_utf8_lossy(&all[..split]).into_owned(),
            all[split + 4..].to_vec(),
        )
    }

    #[test]
    fn serves_files_mounts_generated_and_csp() {
        let tmp = std::env::temp_dir().join(format!("xtask-http-{}", std::process::id()));
        let root = tmp.join("root");
        let pkg = tmp.join("pkg");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(root.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(root.join("sub/a b.js"), "1").unwrap();
        std::fs::write(pkg.join("x.wasm"), [0u8, 97, 115, 109]).unwrap();
        std::fs::write(tmp.join("secret.txt"), "no").unwrap();
        let site = Site::new(&root)
            .mount("/pkg/", &pkg)
            .file("/config.js", "globalThis.X = 1;")
            .csp("/index.html", "script-src 'self' 'wasm-unsafe-eval'");
        let mut server = StaticServer::start(site).unwrap();

        let (h, b) = get(&server, "/");
        assert!(h.starts_with("HTTP/1.1 200"), "{h}");
        assert!(h.contains("Content-Type: text/html"), "{h}");
        assert!(h.contains("Cache-Control: no-store"), "{h}");
        assert!(h.contains("Access-Control-Allow-Origin: *"), "{h}");
        assert!(
            h.contains("Cross-Origin-Resource-Policy: cross-origin"),
            "{h}"
        );
        assert!(!h.contains("Content-Security-Policy"), "{h}");
        assert_eq!(b, b"<p>hi</p>");

        let (h, _) = get(&server, "/index.html?x=1");
        assert!(
            h.contains("Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'"),
            "{h}"
        );

        let (h, b) = get(&server, "/sub/a%20b.js");
        assert!(h.contains("Content-Type: text/javascript"), "{h}");
        assert_eq!(b, b"1");

        let (h, b) = get(&server, "/pkg/x.wasm");
        assert!(h.contains("Content-Type: application/wasm"), "{h}");
        assert_eq!(b, [0u8, 97, 115, 109]);

        let (h, b) = get(&server, "/config.js");
        assert!(h.contains("Content-Type: text/javascript"), "{h}");
        assert_eq!(b, b"globalThis.X = 1;");

        let (h, _) = get(&server, "/../secret.txt");
        assert!(h.starts_with("HTTP/1.1 404"), "{h}");
        let (h, _) = get(&server, "/sub/%2e%2e/%2e%2e/secret.txt");
        assert!(h.starts_with("HTTP/1.1 404"), "{h}");
        let (h, _) = get(&server, "/missing.png");
        assert!(h.starts_with("HTTP/1.1 404"), "{h}");

        server.stop();
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_for("a.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(mime_for("a.JS"), "text/javascript; charset=utf-8");
        assert_eq!(mime_for("a.wasm"), "application/wasm");
        assert_eq!(mime_for("a.json"), "application/json");
        assert_eq!(mime_for("a.css"), "text/css; charset=utf-8");
        assert_eq!(mime_for("a.png"), "image/png");
        assert_eq!(mime_for("noext"), "application/octet-stream");
    }
}
