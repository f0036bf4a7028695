//! `newsdex serve`: an index as an HTTP API and a search page, on loopback by default.
//!
//! This module owns the server's life: the Tokio runtime, the listening socket, the
//! connection loop with its limits (slow request heads are cut off, request heads are capped in
//! size, connections are capped in number, every request has a deadline), picking up commits
//! of `newsdex index` while running, and a graceful stop on SIGINT/SIGTERM. [`api`] answers
//! the requests: the API goes through the same [`crate::search::search`] and
//! [`crate::render::json`] code as `newsdex search --json`, so both give the same bytes.
//! [`page`] holds the search page, embedded in the binary.
//!
//! The library never prints: what happens is reported as [`Event`]s to the caller's log
//! function (the `serve` command writes them on stderr).

pub mod api;
pub mod page;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::date::Clock;
use crate::error::{Error, Result};
use crate::index::NewsIndex;

/// The default address: loopback only; `--addr 0.0.0.0:PORT` exposes the server.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// How long a request may take, by default, before it is answered with 503.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long, by default, a client may take to send a request's head, or stay idle.
pub const DEFAULT_HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head (request line and headers) read, in bytes; larger ones are
/// refused with 431.
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Tries to load a new commit before giving up on it until the next one.
const RELOAD_ATTEMPTS: u32 = 8;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The index folder as the user named it (shown by `/api/stats`).
    pub index_label: PathBuf,
    /// "Now", for `since`.
    pub clock: Clock,
    /// The deadline of one request.
    pub request_timeout: Duration,
    /// How long a client may take to send a request's head (slow clients are cut off), and
    /// how long an idle kept-alive connection stays open.
    pub head_timeout: Duration,
    /// Connections served at once; further ones wait in the listen queue.
    pub max_connections: usize,
    /// Searches run at once; further ones wait (within their deadline).
    pub max_searches: usize,
    /// How often the index folder is checked for a new commit.
    pub reload_every: Duration,
}

impl Settings {
    /// The defaults for an address and an index.
    pub fn new(addr: SocketAddr, index_label: PathBuf) -> Settings {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Settings {
            addr,
            index_label,
            clock: Clock::system(),
            request_timeout: DEFAULT_TIMEOUT,
            head_timeout: DEFAULT_HEAD_TIMEOUT,
            max_connections: 4096,
            max_searches: cores * 2,
            reload_every: Duration::from_millis(250),
        }
    }
}

/// One answered request, for the access log.
#[derive(Debug)]
pub struct Access<'a> {
    /// The client.
    pub peer: SocketAddr,
    /// GET, HEAD, ...
    pub method: &'a str,
    /// Path and query as requested.
    pub target: &'a str,
    /// The status answered.
    pub status: u16,
    /// Time from the request's head to the response's head.
    pub elapsed: Duration,
}

/// What the server reports while it runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// The socket is bound; requests are served from now on.
    Listening(SocketAddr),
    /// A request was answered.
    Request(Access<'a>),
    /// A new commit of the index is now searched.
    Reloaded {
        /// Entries in it.
        entries: usize,
    },
    /// Something failed on the server's side (the client got a 500 without the details).
    Fault(&'a str),
    /// A stop signal arrived; open requests are being finished.
    Stopping,
}

/// Where events go.
pub type Log = Arc<dyn Fn(&Event<'_>) + Send + Sync>;

/// Serves `index` until SIGINT or SIGTERM, then finishes the open requests and returns.
pub fn serve(index: NewsIndex, settings: Settings, log: Log) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("newsdex-serve")
        .build()
        .map_err(|e| Error::io("the server's threads", e))?;
    let outcome = runtime.block_on(async {
        let stop = stop_signal().map_err(|e| Error::io("signal handlers", e))?;
        let listener = TcpListener::bind(settings.addr).await.map_err(|e| Error::io(settings.addr.to_string(), e))?;
        let bound = listener.local_addr().map_err(|e| Error::io(settings.addr.to_string(), e))?;
        let state = Arc::new(api::State::new(index, &settings, log.clone())?);
        tokio::spawn(follow_commits(state.clone(), settings.reload_every));
        log(&Event::Listening(bound));
        accept(listener, api::router(state), &settings, &log, stop).await;
        Ok(())
    });
    // Searches still running past the grace period are abandoned with the process.
    runtime.shutdown_timeout(Duration::from_secs(2));
    outcome
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM. The handlers are installed before this
/// returns, so a signal that arrives while the socket is being bound is not lost.
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Accepts connections until `stop`, then lets the open ones finish (for a few seconds).
async fn accept(
    listener: TcpListener,
    app: axum::Router,
    settings: &Settings,
    log: &Log,
    stop: impl Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.head_timeout)
        .max_buf_size(MAX_REQUEST_HEAD)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    tokio::pin!(stop);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    log(&Event::Fault(&format!("cannot accept a connection: {e}")));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(api::Peer(peer));
            tower::ServiceExt::oneshot(app.clone(), request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away or sends garbage ends only its own connection.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    log(&Event::Stopping);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Polls the index folder and makes each new commit (by `newsdex index`, `index --watch`)
/// visible to new searches.
async fn follow_commits(state: Arc<api::State>, every: Duration) {
    let meta = state.index().path().join("meta.json");
    let stamp = |path: &PathBuf| -> Option<(SystemTime, u64)> {
        let m = std::fs::metadata(path).ok()?;
        Some((m.modified().ok()?, m.len()))
    };
    let mut seen = stamp(&meta);
    let mut failures = 0;
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = stamp(&meta);
        if now.is_none() || now == seen {
            continue;
        }
        let reloading = state.clone();
        let reloaded = tokio::task::spawn_blocking(move || {
            reloading.index().reload()?;
            reloading.index().entry_count()
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|counted| counted.map_err(|e| e.to_string()));
        match reloaded {
            Ok(entries) => {
                seen = now;
                failures = 0;
                state.loaded(entries);
                (state.log())(&Event::Reloaded { entries });
            }
            // Caught mid-way through a commit, or damaged: keep serving the last good commit,
            // try again for a while, then wait for the next commit.
            Err(why) => {
                failures += 1;
                if failures >= RELOAD_ATTEMPTS {
                    (state.log())(&Event::Fault(&format!("cannot load the index's new commit: {why}")));
                    seen = now;
                    failures = 0;
                }
            }
        }
    }
}
