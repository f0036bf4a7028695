//! `newsdex eval DIR`: ranking quality on a judged test collection (text, or JSON with
//! `--json`). Progress and figures go to stdout; nothing is kept on disk.

use newsdex::eval::{evaluate, EvalOptions, EvalReport};
use newsdex::query::Tuning;
use newsdex::Result;

use super::{finish, stdout, stdout_error, Status};
use crate::cli::EvalArgs;

pub fn run(args: EvalArgs) -> Result<Status> {
    let options = EvalOptions {
        tuning: Tuning { title_boost: args.title_boost },
        stemming: !args.no_stemming,
        headline_words: args.headline_words,
    };
    let report = evaluate(&args.collection, &options)?;
    let mut out = stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(|e| stdout_error(e.into()))?;
        std::io::Write::write_all(&mut out, b"\n").map_err(stdout_error)?;
    } else {
        write_text(&mut out, &report, args.per_query).map_err(stdout_error)?;
    }
    finish(out)?;
    Ok(Status::Success)
}

fn write_text(out: &mut dyn std::io::Write, r: &EvalReport, per_query: bool) -> std::io::Result<()> {
    if per_query {
        writeln!(out, "query  relevant  retrieved      AP  nDCG@10   P@10")?;
        for q in &r.per_query {
            writeln!(
                out,
                "{:>5}  {:>8}  {:>9}  {:.4}   {:.4}  {:.3}",
                q.query, q.relevant, q.retrieved, q.average_precision, q.ndcg_10, q.precision_10
            )?;
        }
    }
    let headlines = r.headline_words.map_or_else(|| "untitled".to_string(), |n| format!("{n}-word headlines"));
    writeln!(
        out,
        "{} documents, {} queries (stemming {}, title boost {}, {headlines}): MAP {:.4}  nDCG@10 {:.4}  P@10 {:.4}",
        r.documents,
        r.queries,
        if r.stemming { "on" } else { "off" },
        r.title_boost,
        r.map,
        r.ndcg_10,
        r.precision_10
    )
}
