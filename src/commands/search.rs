//! `newsdex search QUERY`: ranked hits as text (highlights coloured on a terminal) or as
//! one JSON document. Exit status 0 when something matched, 1 when nothing did. With
//! `--explain ENGINE`, the equivalent OpenSearch or Quickwit request instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use newsdex::date::{Clock, DateRange, DateSpan, EmptyRange, Since};
use newsdex::index::writer::{build, BuildOptions};
use newsdex::index::{self, NewsIndex, DEFAULT_INDEX_DIR};
use newsdex::query::Filters;
use newsdex::render::{json, text};
use newsdex::search::explain::{self, Engine};
use newsdex::search::{search, SearchRequest};
use newsdex::{Error, Result};

use super::index::{summary_line, StderrReport};
use super::{finish, stdout, stdout_error, use_color, Status};
use crate::cli::{FilterArgs, SearchArgs};

/// The environment variable that fixes "now" for `--since` (a date or an RFC 3339 instant).
pub(crate) const NOW_VARIABLE: &str = "NEWSDEX_NOW";

/// The folder a missing default index is built from.
const DEFAULT_CORPUS_DIR: &str = "corpus";

pub fn run(args: SearchArgs) -> Result<Status> {
    let request = request(&args)?;
    if let Some(engine) = args.explain {
        return explain(&args, &request, engine.into());
    }
    let index = open(args.index.as_deref())?;
    let results = search(&index, &request)?;
    let mut out = stdout();
    if args.json {
        json::write_search(&mut out, &results).map_err(stdout_error)?;
    } else {
        let style = text::Style { color: use_color(args.color) };
        text::write_search(&mut out, &results, style).map_err(stdout_error)?;
    }
    finish(out)?;
    Ok(if results.total > 0 { Status::Success } else { Status::NoMatch })
}

fn request(args: &SearchArgs) -> Result<SearchRequest> {
    Ok(SearchRequest {
        query: args.query.join(" "),
        any: args.any,
        filters: filters(&args.filters)?,
        limit: args.limit,
        offset: args.offset,
        sort: args.sort.into(),
        facets: args.facets,
    })
}

/// The filters of `--from`, `--to`, `--since` and `--source`.
pub(crate) fn filters(args: &FilterArgs) -> Result<Filters> {
    Ok(Filters {
        range: date_range(args.from.as_ref(), args.to.as_ref(), args.since.as_ref())?,
        sources: args.source.clone(),
    })
}

/// The dates `--from`, `--to` and `--since` leave, or an error when none can.
fn date_range(from: Option<&DateSpan>, to: Option<&DateSpan>, since: Option<&Since>) -> Result<DateRange> {
    let since = match since {
        Some(since) => Some(since.start(&clock()?)),
        None => None,
    };
    DateRange::bounded(from, to, since).map_err(|e| {
        Error::Usage(match e {
            EmptyRange::FromAfterTo => "--from is after --to: no date can fall between them".to_string(),
            EmptyRange::SinceAfterTo => "--since reaches back less far than --to: no date can fall between them".into(),
        })
    })
}

/// "Now" for `--since`: the clock, or the instant [`NOW_VARIABLE`] fixes.
pub(crate) fn clock() -> Result<Clock> {
    Ok(Clock::from_setting(std::env::var(NOW_VARIABLE).ok().as_deref())?)
}

/// Prints the request OpenSearch or Quickwit needs for the same search (stdout), and what
/// it does differently (stderr). The timeline's interval comes from running the search
/// here when the index is at hand.
fn explain(args: &SearchArgs, request: &SearchRequest, engine: Engine) -> Result<Status> {
    let interval = match (request.facets, args.index.as_deref()) {
        (false, _) => None,
        (true, path) => {
            let path = path.map_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR), Path::to_path_buf);
            if index::exists(&path) {
                let results = search(&NewsIndex::open(&path)?, &SearchRequest { limit: 1, ..request.clone() })?;
                results.facets.map(|f| f.timeline.interval)
            } else {
                None
            }
        }
    };
    let explained = explain::explain(request, engine, interval)?;
    for note in &explained.notes {
        eprintln!("newsdex: note: {note}");
    }
    let mut out = stdout();
    serde_json::to_writer_pretty(&mut out, &explained.body).map_err(|e| stdout_error(e.into()))?;
    writeln!(out).map_err(stdout_error)?;
    finish(out)?;
    Ok(Status::Success)
}

/// Opens the index; the default one is built from `corpus/` first when it does not exist,
/// and built again when an earlier version of newsdex wrote it (it holds only `corpus/`).
fn open(explicit: Option<&Path>) -> Result<NewsIndex> {
    if let Some(path) = explicit {
        return NewsIndex::open(path);
    }
    let path = PathBuf::from(DEFAULT_INDEX_DIR);
    let corpus = Path::new(DEFAULT_CORPUS_DIR);
    if !corpus.is_dir() {
        return NewsIndex::open(&path);
    }
    let rebuild = if !index::exists(&path) {
        eprintln!("newsdex: no index at {}/ yet; building it from {}/ first", path.display(), corpus.display());
        false
    } else {
        match NewsIndex::open(&path) {
            Err(Error::Incompatible { found, .. }) => {
                eprintln!(
                    "newsdex: the index at {}/ was written by another version of newsdex ({found}); building it again from {}/",
                    path.display(),
                    corpus.display()
                );
                true
            }
            opened => return opened,
        }
    };
    let options = BuildOptions { rebuild, ..BuildOptions::default() };
    let summary = build(corpus, &path, &options, &StderrReport::new(false))?;
    eprintln!("newsdex: {}", summary_line(&summary, &path));
    NewsIndex::open(&path)
}
