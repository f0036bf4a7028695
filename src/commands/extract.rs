//! `newsdex extract FILE...`: the entries files yield, as NDJSON on stdout; problems on stderr.

use newsdex::corpus::{self, ReadOptions};
use newsdex::render::json::write_entry;
use newsdex::Result;

use super::{finish, stdout, stdout_error, Status};
use crate::cli::ExtractArgs;

pub fn run(args: ExtractArgs) -> Result<Status> {
    let options = ReadOptions { max_file_size: args.max_file_size };
    let mut out = stdout();
    let mut failed = false;
    for arg in &args.files {
        let (files, walk_problems) = if arg.is_dir() { corpus::walk(arg) } else { (vec![arg.clone()], Vec::new()) };
        for problem in walk_problems {
            eprintln!("newsdex: skipped {problem}");
            failed = true;
        }
        for file in files {
            match corpus::read_file(&file, &options) {
                Ok(read) => {
                    for warning in &read.warnings {
                        eprintln!("newsdex: {warning}");
                    }
                    for entry in &read.entries {
                        write_entry(&mut out, entry).map_err(stdout_error)?;
                    }
                }
                Err(problem) => {
                    eprintln!("newsdex: skipped {problem}");
                    failed = true;
                }
            }
        }
    }
    finish(out)?;
    Ok(if failed { Status::Failure } else { Status::Success })
}
