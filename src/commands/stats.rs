//! `newsdex stats`: what an index holds (text, or JSON with `--json`).

use newsdex::index::NewsIndex;
use newsdex::render::{json, text};
use newsdex::search::stats::stats;
use newsdex::Result;

use super::{finish, stdout, stdout_error, use_color, Status};
use crate::cli::StatsArgs;

pub fn run(args: StatsArgs) -> Result<Status> {
    let index = NewsIndex::open(&args.index)?;
    let described = stats(&index)?;
    let mut out = stdout();
    if args.json {
        json::write_stats(&mut out, &args.index, &described).map_err(stdout_error)?;
    } else {
        let style = text::Style { color: use_color(args.color) };
        text::write_stats(&mut out, &args.index, &described, style).map_err(stdout_error)?;
    }
    finish(out)?;
    Ok(Status::Success)
}
