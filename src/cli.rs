//! The command line, as clap derive structs. Values are parsed into typed values here, by the
//! modules that own them (dates by `date`, sort orders by `search`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use newsdex::date::{parse_bound, parse_since, DateSpan, Since};
use newsdex::render::export::ExportFormat;
use newsdex::search::explain::Engine;
use newsdex::search::Sort;

/// Full-text search for news: index folders of live blogs, articles and exports, then find
/// what was reported, when, and by whom.
#[derive(Debug, Parser)]
#[command(name = "newsdex", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the entries files yield, as NDJSON, without touching any index.
    Extract(ExtractArgs),
    /// Read a folder of news files into an index.
    Index(IndexArgs),
    /// Search an index.
    ///
    /// Query syntax (words are joined with spaces; all must match unless --any):
    ///   north korean troops         every word; stemmed (troop finds troops), case and accents
    ///                               folded (Milanovic finds Milanović)
    ///   "north korean troops"~3     a phrase; ~3 lets its words be up to 3 positions apart
    ///   rutte NEAR/5 desperation    both words at most 5 words apart, in either order
    ///   iraq OR iran                either; also AND, NOT, -word, +word and (groups);
    ///                               only upper-case AND, OR, NOT are operators
    ///   ukrain*                     words starting with ukrain, as written
    ///   zelensky~  zelensky~2       words within 1 or 2 typing mistakes
    ///   =universe  exact:universe   the word as written, unstemmed (not university)
    ///   title: body: source: author: url: kind: id:    scope a clause (source:Reuters)
    ///   date:2024-10-29  date:2024-10  date:2024-10-01..2024-10-31  date:>=2024-10
    ///
    /// When nothing matches, corrections from the index's own words are suggested.
    #[command(verbatim_doc_comment)]
    Search(SearchArgs),
    /// Print one entry in full, with every page it appeared on.
    Show(ShowArgs),
    /// Describe an index: entries, pages, files, dates, sources, size.
    Stats(StatsArgs),
    /// Measure ranking quality on a judged test collection (MAP, nDCG@10, P@10).
    ///
    /// Indexes the collection's documents into a fresh index (through the same reader and writer
    /// as `newsdex index`), runs each of its queries as `newsdex search --any` does, and scores
    /// the rankings against the relevance judgments: MAP (over the top 1000), nDCG@10 and P@10.
    /// The collection is a folder in the SMART layout of the TIME collection: TIME.ALL or
    /// TIME.txt, TIME.QUE(.txt) and TIME.REL(.txt).
    Eval(EvalArgs),
    /// Serve an index over HTTP: a JSON API and a search page.
    ///
    /// Endpoints: GET / (the search page), /api/search (the parameters of `search`: q, any,
    /// from, to, since, source, sort, limit, offset, facets; the same JSON as `search --json`),
    /// /api/entries/ID (as `show --json`), /api/stats (as `stats --json`), /health.
    /// New commits of `newsdex index` are picked up while running. Ctrl-C or SIGTERM stops it.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Write the indexed entries (all, or those a query matches) for another search engine:
    /// NDJSON, an OpenSearch/Elasticsearch `_bulk` body, or Quickwit's ingest format.
    ///
    /// Entries stream to stdout in index order, or into numbered files of --batch-size
    /// entries each with --out. The index mappings these formats fit are in deploy/.
    #[command(verbatim_doc_comment)]
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files (or folders) to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = newsdex::corpus::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of news files to index.
    #[arg(value_name = "DIR", default_value = "corpus")]
    pub dir: PathBuf,

    /// Where the index lives.
    #[arg(long, value_name = "PATH", default_value = newsdex::index::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,

    /// Start from an empty index, whatever version wrote the one at PATH (searches see the
    /// old one until the new one is committed). Without it, only new, changed and vanished
    /// files are dealt with.
    #[arg(long)]
    pub rebuild: bool,

    /// Exit with status 2 (after committing everything readable) when files were skipped.
    #[arg(long)]
    pub strict: bool,

    /// Print a machine-readable summary on stdout.
    #[arg(long)]
    pub json: bool,

    /// Print no progress, only problems and the final summary.
    #[arg(long, short)]
    pub quiet: bool,

    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = newsdex::corpus::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Memory for the index writer, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = newsdex::index::writer::DEFAULT_MEMORY_BUDGET / (1024 * 1024))]
    pub memory: usize,

    /// Threads building the index (default: one per core, or one for a new index whose files
    /// fit in half of --memory; every core reads and analyses files either way).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Keep running: index files as they appear, change or vanish, until Ctrl-C.
    #[arg(long)]
    pub watch: bool,
}

/// The date and agency filters `search` and `export` share.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only entries dated on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub from: Option<DateSpan>,

    /// Only entries dated on or before DATE (the whole year, month or day it names).
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub to: Option<DateSpan>,

    /// Only entries dated within this age (7d, 2w, 3m, 1y: from the start of that day; 12h:
    /// exactly) or since DATE. NEWSDEX_NOW=DATE fixes "now".
    #[arg(long, value_name = "AGE", value_parser = parse_since)]
    pub since: Option<Since>,

    /// Only entries crediting this agency (repeat for any of several).
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  newsdex search '\"north korean troops\"~3 source:Reuters'
  newsdex search 'rutte NEAR/5 desperation' --since 2w --facets
  newsdex search --any 'What did Croatia promise Ukraine about tanks?'

Exit status: 0 when something matched, 1 when nothing did, 2 on error.")]
pub struct SearchArgs {
    /// The query (see above). Quote it, or put it after `--`, when it starts with `-`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Where the index lives (default: index/, built from corpus/ on first use).
    #[arg(long, value_name = "PATH")]
    pub index: Option<PathBuf>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of hits to show.
    #[arg(long, value_name = "N", default_value_t = newsdex::search::DEFAULT_LIMIT)]
    pub limit: usize,

    /// Number of hits to skip.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Result order.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,

    /// Match any of the words (ranked by how well they match) instead of all of them.
    #[arg(long)]
    pub any: bool,

    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also count all matches per source and per author, and draw them over time.
    #[arg(long)]
    pub facets: bool,

    /// When to colour highlights.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print the request body that asks OpenSearch or Quickwit the same question (for the
    /// index deploy/ defines and `newsdex export` fills) instead of searching; differences
    /// are noted on stderr.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub explain: Option<EngineArg>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  newsdex export --format opensearch-bulk | curl -s -H 'Content-Type: application/x-ndjson' \\
      -XPOST localhost:9200/newsdex/_bulk --data-binary @-
  newsdex export --format quickwit --out parts/ && quickwit index ingest --index newsdex --input-path parts/part-00001.ndjson
  newsdex export 'source:Reuters' --from 2024-10 --format ndjson > reuters.ndjson")]
pub struct ExportArgs {
    /// Only entries matching this query (default: every entry).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Where the index lives.
    #[arg(long, value_name = "PATH", default_value = newsdex::index::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormatArg::Ndjson)]
    pub format: ExportFormatArg,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Match any of the words instead of all of them.
    #[arg(long)]
    pub any: bool,

    /// Write numbered files (part-00001.ndjson, ...) into this folder instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Entries per file with --out (one `_bulk` request each).
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: u64,

    /// The OpenSearch index named in every bulk action (default: the one in the `_bulk` URL).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    /// One entry object per line, as `show --json` prints it; `newsdex index` reads it back.
    Ndjson,
    /// An OpenSearch / Elasticsearch `_bulk` body, `_id` = the entry id.
    OpensearchBulk,
    /// Quickwit's NDJSON ingest format, with pre-stemmed copies of title and body.
    Quickwit,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(f: ExportFormatArg) -> ExportFormat {
        match f {
            ExportFormatArg::Ndjson => ExportFormat::Ndjson,
            ExportFormatArg::OpensearchBulk => ExportFormat::OpensearchBulk,
            ExportFormatArg::Quickwit => ExportFormat::Quickwit,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EngineArg {
    /// OpenSearch / Elasticsearch query DSL (the `_search` body).
    Opensearch,
    /// Quickwit search API parameters (the `POST /api/v1/<index>/search` body).
    Quickwit,
}

impl From<EngineArg> for Engine {
    fn from(e: EngineArg) -> Engine {
        match e {
            EngineArg::Opensearch => Engine::Opensearch,
            EngineArg::Quickwit => Engine::Quickwit,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 when the entry was found, 1 when not, 2 on error.")]
pub struct ShowArgs {
    /// The entry's id (as in search results), its URL, or a DW short URL.
    #[arg(value_name = "ID|URL")]
    pub key: String,

    /// Where the index lives.
    #[arg(long, value_name = "PATH", default_value = newsdex::index::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// When to use bold.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Where the index lives.
    #[arg(long, value_name = "PATH", default_value = newsdex::index::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// When to use bold.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  newsdex serve --index index
  curl 'http://127.0.0.1:8080/api/search?q=troops&source=Reuters&facets=true'
  newsdex serve --addr 0.0.0.0:8080     (reachable from other machines: mind what the index holds)")]
pub struct ServeArgs {
    /// Where the index lives.
    #[arg(long, value_name = "PATH", default_value = newsdex::index::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,

    /// Address and port to listen on (loopback by default; port 0 picks a free one).
    #[arg(long, value_name = "IP:PORT", default_value = newsdex::serve::DEFAULT_ADDR)]
    pub addr: std::net::SocketAddr,

    /// Answer a request that takes longer than this with 503.
    #[arg(long, value_name = "SECONDS", default_value_t = newsdex::serve::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// Close a connection whose client takes longer than this to send a request's head, or
    /// that stays idle this long.
    #[arg(long, value_name = "SECONDS", default_value_t = newsdex::serve::DEFAULT_HEAD_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// No access log: only the address, problems, and the stop.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The collection folder.
    #[arg(value_name = "DIR")]
    pub collection: PathBuf,

    /// The weight of title matches, added to the body's score.
    #[arg(long, value_name = "X", default_value_t = newsdex::query::build::TITLE_BOOST)]
    pub title_boost: f32,

    /// Index and query without stemming.
    #[arg(long)]
    pub no_stemming: bool,

    /// Give each document a headline made of its first N words (taken out of its text);
    /// by default documents stay untitled, as in the collection.
    #[arg(long, value_name = "N")]
    pub headline_words: Option<usize>,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also print the figures of every query.
    #[arg(long)]
    pub per_query: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Relevance,
    /// Most recent first.
    Newest,
    /// Oldest first.
    Oldest,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
