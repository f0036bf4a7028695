//! The command line, as clap derive structs. Values are parsed into typed values here, by the
//! modules that own them (dates by `date`, sort orders by `search`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use newsdex::date::{parse_bound, DateSpan};
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
    Search(SearchArgs),
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

    /// Indexing threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Keep running: index files as they appear, change or vanish, until Ctrl-C.
    #[arg(long)]
    pub watch: bool,
}

/// Search an index.
///
/// QUERY words are joined with spaces. Bare words must all match; "double quotes" make a
/// phrase ("north korean troops"~3 allows gaps); OR, AND, NOT, -word, +word and (groups)
/// combine clauses; a NEAR/5 b finds words close together; ukrain* matches prefixes;
/// zelensky~ tolerates typos; title:, body:, source:, author:, url:, kind: and id: scope a
/// clause; date:2024-10-29, date:2024-10 and date:2024-10-01..2024-10-31 filter by date.
#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 when something matched, 1 when nothing did, 2 on error.")]
pub struct SearchArgs {
    /// The query (see above). Quote it, or put it after `--`, when it starts with `-`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Where the index lives (default: index/, built from corpus/ on first use).
    #[arg(long, value_name = "PATH")]
    pub index: Option<PathBuf>,

    /// Only entries dated on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub from: Option<DateSpan>,

    /// Only entries dated on or before DATE (the whole year, month or day it names).
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    pub to: Option<DateSpan>,

    /// Only entries crediting this agency (repeat for any of several).
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,

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

    /// When to colour highlights.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
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
