//! Integration tests: the real binary on real files and real index folders.

mod util;

mod core_extract;
mod core_search;
mod index_crash;
mod index_incremental;
mod index_store;
mod index_watch;
mod ingest_bad_input;
mod ingest_formats;
mod ingest_layouts;
mod ingest_real;
mod query_analysis;
mod query_language;
mod query_relevance;
mod query_results;
mod reliability_faults;
mod reliability_properties;
mod scaleout;
mod serve_abuse;
mod serve_api;
mod serve_browser;
mod serve_load;
