//! The HTTP routes: the JSON API, the embedded page, and the errors.
//!
//! ```text
//! GET /api/search?q=&any=&from=&to=&since=&source=&sort=&limit=&offset=&facets=
//!                          the `newsdex search --json` document for the same request
//! GET /api/entries/{id}    the `newsdex show --json` document (404 when there is none)
//! GET /api/stats           the `newsdex stats --json` document
//! GET /health              {"status": "ok", "entries": N}
//! GET /                    the search page (and its script and style under /assets/)
//! ```
//!
//! Search parameters mean what the `search` command's flags of the same names mean; `source`
//! may be repeated; `any` and `facets` take `true`/`false` (`1`/`0`; bare means true); empty
//! values count as absent. Unknown or repeated parameters are refused.
//!
//! Errors are JSON: `{"error": message, "parameter": name}` with 400 for a bad parameter
//! (the parameter named), 404 for an unknown entry or path, 503 when the deadline passed,
//! and 500, without details, for faults of the server (the details go to the log).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, Request, State as Shared};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::sync::Semaphore;

use super::{page, Access, Event, Log, Settings};
use crate::date::{parse_bound, parse_since, Clock, DateRange, EmptyRange};
use crate::error::Error;
use crate::index::NewsIndex;
use crate::query::Filters;
use crate::render::json;
use crate::search::{search, show, stats, SearchRequest, Sort, DEFAULT_LIMIT};

/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;

/// The deepest a request may page (offset).
pub const MAX_OFFSET: usize = 10_000;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;

/// The most `source` values one request may give, and the longest one.
const MAX_SOURCES: usize = 50;
const MAX_SOURCE_CHARS: usize = 200;

/// The longest entry id or URL looked up.
const MAX_KEY_CHARS: usize = 2_000;

/// What every request can reach.
pub struct State {
    index: NewsIndex,
    index_label: PathBuf,
    clock: Clock,
    timeout: Duration,
    searches: Semaphore,
    log: Log,
    /// Entries of the commit served, counted when it is loaded (for `/health`).
    entries: AtomicUsize,
}

impl State {
    /// The state for serving `index`.
    pub fn new(index: NewsIndex, settings: &Settings, log: Log) -> Result<State, Error> {
        let entries = AtomicUsize::new(index.entry_count()?);
        Ok(State {
            entries,
            index,
            index_label: settings.index_label.clone(),
            clock: settings.clock,
            timeout: settings.request_timeout,
            searches: Semaphore::new(settings.max_searches.max(1)),
            log,
        })
    }

    /// Notes the number of entries of a newly loaded commit.
    pub fn loaded(&self, entries: usize) {
        self.entries.store(entries, Ordering::Relaxed);
    }

    /// The index served.
    pub fn index(&self) -> &NewsIndex {
        &self.index
    }

    /// The log function.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Runs index work on a blocking thread, a limited number at once.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&NewsIndex) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.searches.acquire().await.map_err(|_| ApiError::unavailable())?;
        let state = self.clone();
        match tokio::task::spawn_blocking(move || work(&state.index)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.error(e)),
            Err(e) => Err(self.fault(&format!("a request's work failed: {e}"))),
        }
    }

    /// The answer to a library error: 400 for what the user asked, 500 for the rest.
    fn error(&self, e: Error) -> ApiError {
        if e.is_user_error() {
            ApiError::bad("q", e.to_string())
        } else {
            self.fault(&e.to_string())
        }
    }

    /// Logs a fault and answers 500 without its details (they may name files).
    fn fault(&self, what: &str) -> ApiError {
        (self.log)(&Event::Fault(what));
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error; the server's log has the details".to_string(),
            parameter: None,
        }
    }
}

/// The client's address, put into each request by the connection loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Every route.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/assets/{name}", get(page::asset))
        .route("/api/search", get(search_route))
        .route("/api/entries/{id}", get(entry_route))
        .route("/api/stats", get(stats_route))
        .route("/health", get(health_route))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), frame))
        .with_state(state)
}

/// Around every request: the deadline, the security headers and the access log.
async fn frame(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request.uri().path_and_query().map_or_else(|| request.uri().path().to_string(), |p| p.to_string());
    let peer = request.extensions().get::<Peer>().map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |p| p.0);
    let mut response = match tokio::time::timeout(state.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!("the request took longer than {} seconds; try a narrower query", state.timeout.as_secs()),
            parameter: None,
        }
        .into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    (state.log)(&Event::Request(Access {
        peer,
        method: method.as_str(),
        target: &target,
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
    }));
    response
}

/// An error answer: `{"error": message, "parameter": name}`.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    #[serde(rename = "error")]
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'static str>,
}

impl ApiError {
    fn bad(parameter: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, message: message.into(), parameter: Some(parameter) }
    }

    fn unavailable() -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "the server is shutting down".to_string(),
            parameter: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{\"error\":\"error\"}".to_vec());
        body.push(b'\n');
        (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

/// A JSON document rendered by `render::json`.
fn json_body(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], bytes).into_response()
}

async fn search_route(Shared(state): Shared<Arc<State>>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let request = search_request(raw.as_deref().unwrap_or(""), &state.clock)?;
    let bytes = state
        .blocking(move |index| {
            let results = search(index, &request)?;
            let mut bytes = Vec::with_capacity(4096);
            json::write_search(&mut bytes, &results).map_err(|e| Error::io("the response", e))?;
            Ok(bytes)
        })
        .await?;
    Ok(json_body(bytes))
}

async fn entry_route(
    Shared(state): Shared<Arc<State>>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let Path(key) = id.map_err(|e| ApiError::bad("id", e.body_text()))?;
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(ApiError::bad("id", format!("an id or URL is at most {MAX_KEY_CHARS} characters")));
    }
    let wanted = key.clone();
    let found = state
        .blocking(move |index| {
            let Some(item) = show::find(index, &wanted)? else { return Ok(None) };
            let mut bytes = Vec::with_capacity(4096);
            json::write_indexed_entry(&mut bytes, &item).map_err(|e| Error::io("the response", e))?;
            Ok(Some(bytes))
        })
        .await?;
    match found {
        Some(bytes) => Ok(json_body(bytes)),
        None => Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no entry with the id or URL {key:?}"),
            parameter: Some("id"),
        }),
    }
}

async fn stats_route(Shared(state): Shared<Arc<State>>) -> Result<Response, ApiError> {
    let label = state.index_label.clone();
    let bytes = state
        .blocking(move |index| {
            let described = stats::stats(index)?;
            let mut bytes = Vec::with_capacity(1024);
            json::write_stats(&mut bytes, &label, &described).map_err(|e| Error::io("the response", e))?;
            Ok(bytes)
        })
        .await?;
    Ok(json_body(bytes))
}

/// Answers without touching the index (the count is the one of the last commit loaded), so
/// health checks never wait behind searches.
async fn health_route(Shared(state): Shared<Arc<State>>) -> Response {
    let entries = state.entries.load(Ordering::Relaxed);
    json_body(format!("{{\"status\":\"ok\",\"entries\":{entries}}}\n").into_bytes())
}

async fn not_found() -> ApiError {
    no_such_page()
}

/// The answer to a path nothing serves.
pub(crate) fn no_such_page() -> ApiError {
    ApiError { status: StatusCode::NOT_FOUND, message: "no such page".to_string(), parameter: None }
}

/// The parameters `/api/search` knows.
const SEARCH_PARAMETERS: &[&str] = &["q", "any", "from", "to", "since", "source", "sort", "limit", "offset", "facets"];

/// Reads `/api/search`'s query string into the request `newsdex search` would make.
pub fn search_request(raw: &str, clock: &Clock) -> Result<SearchRequest, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|e| ApiError::bad("query string", format!("the query string cannot be read: {e}")))?;
    let mut seen: Vec<&'static str> = Vec::new();
    let mut request = SearchRequest { limit: DEFAULT_LIMIT, ..SearchRequest::default() };
    let (mut from, mut to, mut since) = (None, None, None);
    let mut sources = Vec::new();
    for (name, value) in &pairs {
        let Some(&known) = SEARCH_PARAMETERS.iter().find(|p| **p == name.as_str()) else {
            let shown: String = name.chars().take(40).collect();
            return Err(ApiError::bad(
                "query string",
                format!("unknown parameter {shown:?}; known: {}", SEARCH_PARAMETERS.join(", ")),
            ));
        };
        if known != "source" {
            if seen.contains(&known) {
                return Err(ApiError::bad(known, format!("{known} is given more than once")));
            }
            seen.push(known);
        }
        let value = value.trim();
        if value.is_empty() && !matches!(known, "any" | "facets") {
            continue;
        }
        match known {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(ApiError::bad("q", format!("the query is longer than {MAX_QUERY_CHARS} characters")));
                }
                request.query = value.to_string();
            }
            "any" => request.any = flag("any", value)?,
            "facets" => request.facets = flag("facets", value)?,
            "from" => from = Some(parse_bound(value).map_err(|e| ApiError::bad("from", e.to_string()))?),
            "to" => to = Some(parse_bound(value).map_err(|e| ApiError::bad("to", e.to_string()))?),
            "since" => since = Some(parse_since(value).map_err(|e| ApiError::bad("since", e.to_string()))?),
            "source" => {
                if sources.len() == MAX_SOURCES {
                    return Err(ApiError::bad("source", format!("at most {MAX_SOURCES} sources")));
                }
                if value.chars().count() > MAX_SOURCE_CHARS {
                    return Err(ApiError::bad("source", format!("a source is at most {MAX_SOURCE_CHARS} characters")));
                }
                sources.push(value.to_string());
            }
            "sort" => {
                request.sort = Sort::from_name(value).ok_or_else(|| {
                    ApiError::bad("sort", format!("sort {value:?}: expected relevance, newest or oldest"))
                })?
            }
            "limit" => request.limit = number("limit", value, MAX_LIMIT)?,
            "offset" => request.offset = number("offset", value, MAX_OFFSET)?,
            _ => {} // every name in SEARCH_PARAMETERS has its arm above
        }
    }
    let since = since.map(|s| s.start(clock));
    let range = DateRange::bounded(from.as_ref(), to.as_ref(), since).map_err(|e| match e {
        EmptyRange::FromAfterTo => ApiError::bad("to", "from is after to: no date can fall between them"),
        EmptyRange::SinceAfterTo => {
            ApiError::bad("since", "since reaches back less far than to: no date can fall between them")
        }
    })?;
    request.filters = Filters { range, sources };
    Ok(request)
}

fn flag(name: &'static str, value: &str) -> Result<bool, ApiError> {
    match value {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ApiError::bad(name, format!("{name} {value:?}: expected true or false"))),
    }
}

fn number(name: &'static str, value: &str, max: usize) -> Result<usize, ApiError> {
    match value.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(ApiError::bad(name, format!("{name} {value:?}: expected a whole number from 0 to {max}"))),
    }
}
