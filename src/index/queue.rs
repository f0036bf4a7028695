//! Back-pressure between the threads that read files and Tantivy's indexing threads.
//!
//! Tantivy queues up to 10,000 *operations* for its indexing threads, and a file's entries go
//! in as one operation (so that they land in one segment, in file order). Reading and parsing
//! outrun indexing, so without a limit that queue fills with hundreds of thousands of
//! documents: gigabytes at a million entries. Each queued entry document therefore carries a
//! [`Ticket`] from a [`Gate`] that admits a bounded number of documents at a time; Tantivy
//! drops the document once it has indexed it, and the ticket lets the next one in.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tantivy::schema::document::Document;
use tantivy::TantivyDocument;

/// Entry documents allowed in Tantivy's queue at once (a few kilobytes each).
pub const IN_FLIGHT: usize = 8_192;

/// How long a reader waits for the indexing threads to take something before it goes on
/// regardless (they can stop for good, on a full disk, with documents still queued).
const PATIENCE: Duration = Duration::from_secs(2);

/// Admits up to a limit of documents into the writer's queue.
#[derive(Debug)]
pub struct Gate {
    state: Mutex<State>,
    freed: Condvar,
    limit: usize,
}

#[derive(Debug, Default)]
struct State {
    /// Documents queued.
    in_flight: usize,
    /// How many places each waiting reader asks for. A freed place wakes them only when one
    /// of them now fits: a wake-up is a system call, and a hundred thousand documents free as
    /// many places (waking the readers at every one made 400,000 `futex` calls at 100k
    /// entries).
    waiting: Vec<usize>,
}

impl State {
    /// True when `count` more documents may be queued now (a batch larger than the limit
    /// waits for an empty queue).
    fn fits(&self, count: usize, limit: usize) -> bool {
        self.in_flight == 0 || self.in_flight + count <= limit
    }
}

impl Gate {
    /// A gate letting `limit` documents be queued at once.
    pub fn new(limit: usize) -> Arc<Gate> {
        Arc::new(Gate { state: Mutex::new(State::default()), freed: Condvar::new(), limit: limit.max(1) })
    }

    /// Waits until `count` more documents fit (or the queue is empty: a batch larger than the
    /// limit goes in alone), then takes their places. Nothing is held while waiting.
    pub fn admit(self: &Arc<Gate>, count: usize) -> Vec<Ticket> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        while !state.fits(count, self.limit) && started.elapsed() < PATIENCE {
            state.waiting.push(count);
            state = match self.freed.wait_timeout(state, Duration::from_millis(50)) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
            if let Some(i) = state.waiting.iter().position(|&c| c == count) {
                state.waiting.swap_remove(i);
            }
        }
        state.in_flight += count;
        drop(state);
        (0..count).map(|_| Ticket { gate: self.clone() }).collect()
    }

    /// Documents queued now.
    #[cfg(test)]
    fn in_flight(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).in_flight
    }
}

/// One document's place in the queue, given back when the document is dropped.
#[derive(Debug)]
pub struct Ticket {
    gate: Arc<Gate>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.gate.state.lock().unwrap_or_else(|e| e.into_inner());
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.waiting.iter().any(|&count| state.fits(count, self.gate.limit)) {
            self.gate.freed.notify_all();
        }
    }
}

/// A document on its way to the writer, with its ticket when it counts against a [`Gate`].
#[derive(Debug)]
pub struct Queued {
    doc: TantivyDocument,
    _ticket: Option<Ticket>,
}

impl Queued {
    /// A document that waited for its place at `gate`.
    pub fn admitted(doc: TantivyDocument, ticket: Ticket) -> Queued {
        Queued { doc, _ticket: Some(ticket) }
    }
}

impl From<TantivyDocument> for Queued {
    /// A document that does not count against any gate (file records, merged stories).
    fn from(doc: TantivyDocument) -> Queued {
        Queued { doc, _ticket: None }
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_a_queued_document_lets_the_next_one_in() {
        let gate = Gate::new(2);
        let mut tickets = gate.admit(2).into_iter();
        let a = tickets.next().map(|t| Queued::admitted(TantivyDocument::default(), t));
        let b = tickets.next().map(|t| Queued::admitted(TantivyDocument::default(), t));
        assert_eq!(gate.in_flight(), 2);
        let waiting = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let _c = gate.admit(1);
                started.elapsed()
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        drop(a);
        let waited = waiting.join().unwrap();
        assert!(waited >= Duration::from_millis(150) && waited < PATIENCE, "{waited:?}");
        drop(b);
        assert_eq!(gate.in_flight(), 0);
        // A batch larger than the limit is let in when nothing else is queued.
        assert_eq!(gate.admit(5).len(), 5);
        assert_eq!(gate.in_flight(), 0, "the tickets were dropped with the vector");
        let _free = Queued::from(TantivyDocument::default());
        assert_eq!(gate.in_flight(), 0);
    }

    #[test]
    fn a_reader_is_let_in_once_all_the_places_it_asks_for_are_free() {
        let gate = Gate::new(3);
        let mut held = gate.admit(3);
        let (admitted, told) = std::sync::mpsc::channel();
        let waiting = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let tickets = gate.admit(2);
                admitted.send(()).unwrap();
                tickets
            })
        };
        held.pop();
        assert!(told.recv_timeout(Duration::from_millis(300)).is_err(), "one free place is not two");
        held.pop();
        told.recv_timeout(PATIENCE).expect("two free places let it in");
        let theirs = waiting.join().unwrap();
        assert_eq!((theirs.len(), gate.in_flight()), (2, 3));
    }
}
