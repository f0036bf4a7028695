//! `newsdex serve`: open the index, then serve it until Ctrl-C or SIGTERM. The address, the
//! access log (one line per request, unless `--quiet`) and problems go to stderr.

use std::sync::Arc;
use std::time::Duration;

use newsdex::index::NewsIndex;
use newsdex::serve::{serve, Event, Settings};
use newsdex::Result;

use super::search::clock;
use super::Status;
use crate::cli::ServeArgs;

pub fn run(args: ServeArgs) -> Result<Status> {
    let index = NewsIndex::open(&args.index)?;
    let mut settings = Settings::new(args.addr, args.index.clone());
    settings.clock = clock()?;
    settings.request_timeout = Duration::from_secs(args.timeout);
    settings.head_timeout = Duration::from_secs(args.header_timeout);
    let quiet = args.quiet;
    let log = Arc::new(move |event: &Event<'_>| match event {
        Event::Listening(addr) => eprintln!("newsdex: serving at http://{addr}/ (Ctrl-C stops)"),
        Event::Request(r) if !quiet => {
            eprintln!("{} {} {} {} {:.1}ms", r.peer, r.method, r.target, r.status, r.elapsed.as_secs_f64() * 1e3)
        }
        Event::Request(_) => {}
        Event::Reloaded { entries } if !quiet => eprintln!("newsdex: the index changed; now {entries} entries"),
        Event::Reloaded { .. } => {}
        Event::Fault(what) => eprintln!("newsdex: {what}"),
        Event::Stopping => eprintln!("newsdex: stopping; finishing open requests"),
    });
    serve(index, settings, log)?;
    Ok(Status::Success)
}
