//! A real `newsdex serve` process on an ephemeral loopback port, and a plain HTTP client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server; killed when dropped (unless stopped first).
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Everything it wrote on stderr so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `newsdex serve --index INDEX --addr 127.0.0.1:0 EXTRA...` and waits until it
    /// listens.
    pub fn start(index: &Path, extra: &[&str]) -> Server {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsdex"))
            .arg("serve")
            .arg("--index")
            .arg(index)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start newsdex serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, addr) = std::sync::mpsc::channel();
        let lines = log.clone();
        // Drains stderr for the server's whole life, so the access log never blocks it.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("newsdex: serving at http://") {
                    let addr: SocketAddr = rest.split('/').next().unwrap().parse().unwrap();
                    if let Some(tx) = found.take() {
                        let _ = tx.send(addr);
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = match addr.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {:?}", log.lock().unwrap());
            }
        };
        Server { child, addr, log }
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GET with a real HTTP client: status, content type, body.
    pub fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut response = agent.get(&self.url(path)).call().unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status().as_u16();
        let kind =
            response.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
        let body = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_vec().unwrap();
        (status, kind, body)
    }

    /// GET, expecting 200 and JSON.
    pub fn json(&self, path: &str) -> serde_json::Value {
        let (status, kind, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {}", String::from_utf8_lossy(&body));
        assert!(kind.starts_with("application/json"), "GET {path}: {kind}");
        serde_json::from_slice(&body).unwrap()
    }

    /// Sends raw bytes on a new connection and reads until the server closes it or `wait`
    /// passes.
    pub fn raw(&self, request: &[u8], wait: Duration) -> Vec<u8> {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(wait)).unwrap();
        let _ = stream.write_all(request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }

    /// True while the server answers /health with 200.
    pub fn healthy(&self) -> bool {
        let answer = self.raw(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Duration::from_secs(10));
        answer.starts_with(b"HTTP/1.1 200")
    }

    /// Sends a signal and waits for the exit.
    pub fn stop(mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill").args(["-s", signal, &pid]).status().unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the server did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's stderr lines so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of a search document with its `took_ms` value taken out (it differs by run).
pub fn without_took(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let Some(at) = text.find("\"took_ms\":") else { return text };
    let rest = &text[at..];
    let end = rest.find([',', '}']).unwrap();
    format!("{}{}", &text[..at], &rest[end..])
}
