//! `newsdex show ID|URL`: one entry in full, with every page it appeared on (text, or JSON
//! with `--json`). Exit status 1 when no entry has that id or URL.

use newsdex::index::NewsIndex;
use newsdex::render::{json, text};
use newsdex::search::show::find;
use newsdex::Result;

use super::{finish, stdout, stdout_error, use_color, Status};
use crate::cli::ShowArgs;

pub fn run(args: ShowArgs) -> Result<Status> {
    let index = NewsIndex::open(&args.index)?;
    let Some(item) = find(&index, &args.key)? else {
        eprintln!("newsdex: no entry with the id or URL {:?} in {}", args.key, args.index.display());
        return Ok(Status::NoMatch);
    };
    let mut out = stdout();
    if args.json {
        json::write_indexed_entry(&mut out, &item).map_err(stdout_error)?;
    } else {
        text::write_entry(&mut out, &item, text::Style { color: use_color(args.color) }).map_err(stdout_error)?;
    }
    finish(out)?;
    Ok(Status::Success)
}
