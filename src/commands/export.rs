//! `newsdex export`: the indexed entries a query matches (all by default), streamed as
//! NDJSON, an OpenSearch `_bulk` body or Quickwit's ingest format, to stdout or into
//! numbered files of `--batch-size` entries.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use newsdex::index::NewsIndex;
use newsdex::render::export::{ExportFormat, Exporter};
use newsdex::search::export::for_each_match;
use newsdex::search::SearchRequest;
use newsdex::{Error, Result};

use super::search::filters;
use super::{finish, stdout, stdout_error, Status};
use crate::cli::ExportArgs;

pub fn run(args: ExportArgs) -> Result<Status> {
    let request = SearchRequest {
        query: args.query.join(" "),
        any: args.any,
        filters: filters(&args.filters)?,
        ..SearchRequest::default()
    };
    let index = NewsIndex::open(&args.index)?;
    let format: ExportFormat = args.format.into();
    let mut exporter = Exporter::new(format, args.target.clone());
    let count = match &args.out {
        None => {
            let mut out = stdout();
            let n = for_each_match(&index, &request, |item| exporter.write(&mut out, &item).map_err(stdout_error))?;
            finish(out)?;
            n
        }
        Some(dir) => {
            let mut parts = Parts::new(dir, format, args.batch_size)?;
            let n = for_each_match(&index, &request, |item| parts.write(&mut exporter, &item))?;
            parts.finish()?;
            eprintln!("newsdex: wrote {} file(s) into {}", parts.files, dir.display());
            n
        }
    };
    eprintln!("newsdex: exported {count} entr{}", if count == 1 { "y" } else { "ies" });
    Ok(Status::Success)
}

/// Numbered files of at most `batch` entries each.
struct Parts {
    dir: PathBuf,
    format: ExportFormat,
    batch: u64,
    in_file: u64,
    files: usize,
    current: Option<(PathBuf, BufWriter<File>)>,
}

impl Parts {
    fn new(dir: &Path, format: ExportFormat, batch: u64) -> Result<Parts> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Parts { dir: dir.to_path_buf(), format, batch, in_file: 0, files: 0, current: None })
    }

    fn write(&mut self, exporter: &mut Exporter, item: &newsdex::entry::IndexedEntry) -> Result<()> {
        if self.current.is_none() || self.in_file == self.batch {
            self.finish()?;
            self.files += 1;
            let path = self.dir.join(format!("part-{:05}.{}", self.files, self.format.extension()));
            let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
            self.current = Some((path, BufWriter::new(file)));
            self.in_file = 0;
        }
        if let Some((path, out)) = &mut self.current {
            exporter.write(out, item).map_err(|e| Error::io(path.as_path(), e))?;
        }
        self.in_file += 1;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if let Some((path, mut out)) = self.current.take() {
            out.flush().map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}
