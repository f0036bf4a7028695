//! Integration tests: the real binary on real files and real index folders.

mod util;

mod core_extract;
mod core_search;
mod query_analysis;
mod query_language;
mod query_relevance;
mod query_results;
