//! newsdex: full-text search for news.
//!
//! News pages — live blogs saved as text, articles, JSON/NDJSON exports — are split into
//! entries, indexed with Tantivy and searched with ranked, highlighted hits. Data flows one
//! way through one module per stage:
//!
//! ```text
//! files ─► corpus (walk, detect, parse) ─► Entry ─► index (schema, analyzers, writer) ─► index/
//! query text ─► query (syntax ─► Tantivy query) ─► search (top hits, count, facets, snippets) ─► render (text | JSON)
//! ```
//!
//! - [`date`]: every date newsdex parses or prints: page dates, feed dates, user bounds.
//! - [`entry`]: the [`entry::Entry`] record every stage shares, and entry ids.
//! - [`corpus`]: walking a folder, detecting formats, turning files into entries; problems
//!   with a file are values naming the file and line, never a reason to stop.
//! - [`index`]: the schema (one struct of field handles), analyzers, opening, and the writer
//!   that brings an index up to date with a folder (file records, one entry per story,
//!   crash-safe commits, `--watch`).
//! - [`query`]: the query language and its translation into Tantivy queries.
//! - [`search`]: running a request: hits, total, snippets, facets and timeline, "did you
//!   mean"; one entry by id or URL; an index's statistics.
//! - [`render`]: JSON (its module doc is the format spec) and terminal text.
//! - [`serve`] (cargo feature `serve`, on by default): the HTTP API and the search page,
//!   through the same search and JSON code as the CLI.
//! - [`eval`]: ranking quality measured on a judged test collection (MAP, nDCG@10, P@10),
//!   through the same index and search path.
//! - [`error`]: the errors commands end with.
//!
//! Dependencies point down this list's pipeline order; only `index`, `query` and `search`
//! name Tantivy types. The library never prints: the `newsdex` binary (its `cli` and
//! `commands` modules) decides what goes to stdout and stderr.

pub mod corpus;
pub mod date;
pub mod entry;
pub mod error;
pub mod eval;
pub mod index;
pub mod query;
pub mod render;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
#[cfg(test)]
mod testkit;

pub use error::{Error, Result};
