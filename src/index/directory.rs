//! The folder an index is read through: Tantivy's memory-mapped directory, with advice to
//! the kernel about how each kind of file is read.
//!
//! - **Searching** ([`IndexDirectory::to_search`]): the document store is read a block here and a
//!   block there, one per hit. Small reads of the store (a block, the footer) are positioned
//!   reads (`pread`) into memory rather than slices of the map: a page fault on this virtual
//!   machine costs 3.5–5 µs (the kernel maps up to 16 pages around the one touched, `MADV_RANDOM`
//!   or not), a 4 KiB `pread` from the page cache about 1.4 µs. Larger reads (the store's skip
//!   index, read in place) are slices of the map. The other files stay memory-mapped.
//! - **Writing** ([`IndexDirectory::to_write`]): a merge reads every file it merges from
//!   start to end, and a mapped page that was read stays in the process's resident set until
//!   the map is dropped: merging a 1M-entry index (1.5 GB of files) into one segment took the
//!   writer's peak RSS from 1.1 to 1.6 GB, all of it the index's own files. Here every
//!   [`RELEASE_EVERY`] bytes handed out, the pages of every open map are released with
//!   `MADV_DONTNEED`. For a read-only shared file map that only unmaps them: the data stays in
//!   the page cache, and a later touch maps it back (peak RSS of the same build: 1.1 GB).
//! - **Files written** ([`Directory::open_write`]) reach the kernel in whole, aligned
//!   [`WRITE_CHUNK`]s (2 MiB, and the rest at the end) instead of Tantivy's 8 KiB buffers. A
//!   file system that keeps large folios in its page cache (ext4 and XFS on recent Linux)
//!   then holds each 2 MiB of a new segment as one folio, which a search process maps with
//!   one page fault where 8 KiB writes left 4 KiB pages mapped sixteen at a time: mapping
//!   8 MiB took 28–51 µs against 510–860 µs here (BENCHMARKS.md, fifteenth round). Other file
//!   systems see fewer, larger writes and nothing else.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// Bytes read between two releases.
const RELEASE_EVERY: usize = 128 << 20;

/// Largest read of a store served by `pread`; larger ones are slices of the map.
const READ_AT_MOST: usize = 64 * 1024;

/// Bytes a written file reaches the kernel in (the size of a huge page on x86-64 and of the
/// page cache's largest folio there).
const WRITE_CHUNK: usize = 2 << 20;

/// An [`MmapDirectory`] that advises the kernel (see the module documentation).
#[derive(Clone)]
pub(crate) struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    /// For a writer: what its file handles share, so that their pages can be released.
    release: Option<Arc<Shared>>,
}

/// What the handles of one directory share: how much they read, and the maps still open.
#[derive(Default)]
struct Shared {
    read: AtomicUsize,
    open: Mutex<Vec<Weak<Released>>>,
}

/// A search's document store: small reads with `pread`, large ones from the map.
struct ReadAt {
    file: File,
    map: OwnedBytes,
}

/// A file being written, handed to the kernel [`WRITE_CHUNK`] bytes at a time from its start.
struct Chunked<W> {
    file: W,
    pending: Vec<u8>,
}

/// One file's map, read through a writer's [`IndexDirectory`].
struct Released {
    bytes: OwnedBytes,
    shared: Arc<Shared>,
}

impl IndexDirectory {
    /// The directory a search reads the index at `path` through.
    pub(crate) fn to_search(path: &Path) -> tantivy::Result<IndexDirectory> {
        Ok(IndexDirectory { inner: MmapDirectory::open(path)?, root: path.to_path_buf(), release: None })
    }

    /// The directory a writer reads and writes the index at `path` through.
    pub(crate) fn to_write(path: &Path) -> tantivy::Result<IndexDirectory> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(path)?,
            root: path.to_path_buf(),
            release: Some(Arc::default()),
        })
    }
}

impl Shared {
    /// Counts `len` bytes read; releases every open map's pages when a multiple of
    /// [`RELEASE_EVERY`] is passed.
    fn count(&self, len: usize) {
        let before = self.read.fetch_add(len, Ordering::Relaxed);
        if before / RELEASE_EVERY != before.wrapping_add(len) / RELEASE_EVERY {
            self.release();
        }
    }

    fn release(&self) {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        open.retain(|map| match map.upgrade() {
            Some(map) => {
                unmap_pages(map.bytes.as_slice());
                true
            }
            None => false,
        });
    }
}

/// Gives the kernel `advice` about `bytes`, the whole of a read-only file map.
#[cfg(unix)]
fn advise(bytes: &[u8], advice: libc::c_int) {
    let page = 4096;
    if bytes.is_empty() || (bytes.as_ptr() as usize) % page != 0 {
        return;
    }
    // SAFETY: `bytes` is the whole of a live, read-only, shared map of a file (Tantivy's
    // directory maps files with PROT_READ and MAP_SHARED, from the first byte, which is
    // page-aligned as checked above). The advice given here changes no byte a reader sees:
    // MADV_DONTNEED on such a map only drops page-table entries (the next read of these
    // bytes, through this map or another, faults the same file data back in). A failure
    // changes nothing.
    unsafe {
        libc::madvise(bytes.as_ptr() as *mut libc::c_void, bytes.len(), advice);
    }
}

/// Drops the process's mappings of the pages of a whole file map.
fn unmap_pages(bytes: &[u8]) {
    #[cfg(unix)]
    advise(bytes, libc::MADV_DONTNEED);
}

impl fmt::Debug for IndexDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexDirectory({:?})", self.inner)
    }
}

impl fmt::Debug for Released {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Released({} bytes)", self.bytes.len())
    }
}

impl fmt::Debug for ReadAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReadAt({} bytes)", self.map.len())
    }
}

impl HasLen for ReadAt {
    fn len(&self) -> usize {
        self.map.len()
    }
}

impl FileHandle for ReadAt {
    fn read_bytes(&self, range: Range<usize>) -> std::io::Result<OwnedBytes> {
        #[cfg(unix)]
        if range.len() <= READ_AT_MOST && range.end <= self.map.len() {
            let mut bytes = vec![0; range.len()];
            std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, range.start as u64)?;
            return Ok(OwnedBytes::new(bytes));
        }
        Ok(self.map.slice(range))
    }
}

impl<W: Write> Write for Chunked<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.pending.is_empty() && rest.len() >= WRITE_CHUNK {
                // Whole chunks go out as they are, without a copy.
                let whole = rest.len() - rest.len() % WRITE_CHUNK;
                self.file.write_all(&rest[..whole])?;
                rest = &rest[whole..];
                continue;
            }
            let taken = rest.len().min(WRITE_CHUNK - self.pending.len());
            self.pending.extend_from_slice(&rest[..taken]);
            rest = &rest[taken..];
            if self.pending.len() == WRITE_CHUNK {
                self.file.write_all(&self.pending)?;
                self.pending.clear();
            }
        }
        Ok(bytes.len())
    }

    /// Keeps what is pending: Tantivy flushes a file at the end of each part of it (the
    /// positions of each field, for one), and a file is read only once it is terminated.
    /// Handing over a part's end would leave every later write off the chunks' alignment.
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl<W: TerminatingWrite> TerminatingWrite for Chunked<W> {
    fn terminate_ref(&mut self, token: AntiCallToken) -> std::io::Result<()> {
        self.file.write_all(&self.pending)?;
        self.pending = Vec::new();
        self.file.terminate_ref(token)
    }
}

impl HasLen for Released {
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

impl FileHandle for Released {
    fn read_bytes(&self, range: Range<usize>) -> std::io::Result<OwnedBytes> {
        self.shared.count(range.len());
        Ok(self.bytes.slice(range))
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let handle = self.inner.get_file_handle(path)?;
        let store = path.extension().is_some_and(|e| e == "store");
        if self.release.is_none() && !store {
            return Ok(handle);
        }
        // The whole file's map (Tantivy's handle is a slice of it).
        let bytes = handle.read_bytes(0..handle.len()).map_err(|e| OpenReadError::wrap_io_error(e, path.into()))?;
        let Some(shared) = &self.release else {
            let file = File::open(self.root.join(path)).map_err(|e| OpenReadError::wrap_io_error(e, path.into()))?;
            return Ok(Arc::new(ReadAt { file, map: bytes }));
        };
        let map = Arc::new(Released { bytes, shared: shared.clone() });
        let mut open = shared.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        open.retain(|m| m.strong_count() > 0);
        open.push(Arc::downgrade(&map));
        Ok(map)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let buffered = self.inner.open_write(path)?;
        // Tantivy's writer, new and empty: its file, without the 8 KiB buffer.
        let (file, _) = buffered.into_parts();
        Ok(WritePtr::new(Box::new(Chunked { file, pending: Vec::new() })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufWriter, Write};

    use tantivy::directory::TerminatingWrite;

    use super::*;

    /// Resident KiB of the map holding `address`, from `/proc/self/smaps`.
    #[cfg(target_os = "linux")]
    fn resident_kib(address: usize) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or_default();
            if let Some((start, end)) = first.split_once('-').filter(|_| !first.ends_with(':')) {
                let range = usize::from_str_radix(start, 16).ok().zip(usize::from_str_radix(end, 16).ok());
                inside = range.is_some_and(|(start, end)| (start..end).contains(&address));
            } else if inside && first == "Rss:" {
                return line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).unwrap();
            }
        }
        panic!("no map holds {address:#x}");
    }

    #[test]
    fn a_searchs_store_reads_the_same_bytes_whether_read_in_place_or_copied() {
        let folder = tempfile::tempdir().unwrap();
        let writer = IndexDirectory::to_write(folder.path()).unwrap();
        let content: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
        for name in ["segment.store", "segment.idx"] {
            let mut file = writer.open_write(Path::new(name)).unwrap();
            file.write_all(&content).unwrap();
            file.terminate().unwrap();
        }
        let directory = IndexDirectory::to_search(folder.path()).unwrap();
        let store = directory.get_file_handle(Path::new("segment.store")).unwrap();
        let postings = directory.get_file_handle(Path::new("segment.idx")).unwrap();
        assert_eq!(store.len(), content.len());
        let ranges = [0..0, 0..1, 4090..8200, 299_990..300_000, 10..READ_AT_MOST + 10, 7..READ_AT_MOST + 8, 0..300_000];
        for range in ranges {
            assert_eq!(store.read_bytes(range.clone()).unwrap().as_slice(), &content[range.clone()], "{range:?}");
            assert_eq!(postings.read_bytes(range.clone()).unwrap().as_slice(), &content[range.clone()], "{range:?}");
        }
        // Tantivy reads a store through slices of its handle.
        let slice = tantivy::directory::FileSlice::new(store).slice(1000..200_000);
        assert_eq!(slice.slice(5..4101).read_bytes().unwrap().as_slice(), &content[1005..5101]);
    }

    #[test]
    fn reading_past_the_threshold_releases_the_pages_and_reads_back_the_same_bytes() {
        let folder = tempfile::tempdir().unwrap();
        let directory = IndexDirectory::to_write(folder.path()).unwrap();
        let shared = directory.release.clone().unwrap();
        let content: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut file = directory.open_write(Path::new("data")).unwrap();
        file.write_all(&content).unwrap();
        file.terminate().unwrap();

        let handle = directory.get_file_handle(Path::new("data")).unwrap();
        let early = handle.read_bytes(100..200_000).unwrap();
        let whole = handle.read_bytes(0..content.len()).unwrap();
        assert_eq!(whole.as_slice(), &content[..]);
        #[cfg(target_os = "linux")]
        assert!(resident_kib(whole.as_slice().as_ptr() as usize) >= 3 * 1024, "every page was read");
        // Passing the threshold releases every open map's pages; what was handed out before
        // and what is read after are the file's bytes all the same.
        shared.count(RELEASE_EVERY);
        #[cfg(target_os = "linux")]
        assert_eq!(resident_kib(whole.as_slice().as_ptr() as usize), 0, "the pages are released");
        assert_eq!(early.as_slice(), &content[100..200_000]);
        assert_eq!(whole.as_slice(), &content[..]);
        assert_eq!(handle.read_bytes(5..1_000_000).unwrap().as_slice(), &content[5..1_000_000]);
        drop((early, whole, handle));
        shared.release();
        assert!(shared.open.lock().unwrap().is_empty(), "closed maps are forgotten");
    }

    /// What a [`Recorder`] was given.
    #[derive(Default)]
    struct Record {
        writes: Vec<usize>,
        bytes: Vec<u8>,
        terminated: bool,
    }

    /// A file that records the writes it is given.
    struct Recorder(std::rc::Rc<std::cell::RefCell<Record>>);

    impl Write for Recorder {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut record = self.0.borrow_mut();
            record.writes.push(bytes.len());
            record.bytes.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl TerminatingWrite for Recorder {
        fn terminate_ref(&mut self, _: AntiCallToken) -> std::io::Result<()> {
            self.0.borrow_mut().terminated = true;
            Ok(())
        }
    }

    /// Bytes that differ from one offset to the next.
    fn content(len: usize) -> Vec<u8> {
        (0..len as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect()
    }

    #[test]
    fn a_written_file_reaches_the_kernel_in_whole_aligned_chunks_with_its_bytes_in_order() {
        let data = content(5 * WRITE_CHUNK + 12_345);
        // Small pieces of every size, then one piece spanning two chunks from inside one,
        // then a piece of exactly one chunk at a chunk's start, then the rest.
        let mut pieces = Vec::new();
        let mut at = 0;
        let mut size = 1;
        while at + size < WRITE_CHUNK + 777 {
            pieces.push(at..at + size);
            at += size;
            size = size % 9_000 + 37;
        }
        pieces.push(at..3 * WRITE_CHUNK);
        pieces.push(3 * WRITE_CHUNK..4 * WRITE_CHUNK);
        pieces.push(4 * WRITE_CHUNK..data.len());

        let record = std::rc::Rc::default();
        let mut file = BufWriter::new(Chunked { file: Recorder(std::rc::Rc::clone(&record)), pending: Vec::new() });
        for (i, piece) in pieces.into_iter().enumerate() {
            file.write_all(&data[piece]).unwrap();
            // Flushed at the end of a part, as Tantivy does.
            if i % 100 == 3 {
                file.flush().unwrap();
            }
        }
        file.terminate().unwrap();
        let recorder = record.borrow();
        assert!(recorder.terminated, "termination reaches the file");
        assert_eq!(recorder.bytes, data, "the file holds the bytes written, in order");
        let (last, whole) = recorder.writes.split_last().unwrap();
        assert!(whole.iter().all(|w| w % WRITE_CHUNK == 0), "writes before the last are whole chunks: {whole:?}");
        assert_eq!(*last, 12_345);
    }

    #[test]
    fn a_file_written_through_the_directory_reads_back_as_written() {
        let folder = tempfile::tempdir().unwrap();
        let directory = IndexDirectory::to_search(folder.path()).unwrap();
        for len in [0, 1, WRITE_CHUNK - 1, WRITE_CHUNK, 2 * WRITE_CHUNK + 3] {
            let data = content(len);
            let name = format!("file-{len}");
            let mut file = directory.open_write(Path::new(&name)).unwrap();
            for piece in data.chunks(1_000) {
                file.write_all(piece).unwrap();
            }
            file.terminate().unwrap();
            assert_eq!(std::fs::read(folder.path().join(&name)).unwrap(), data, "{len} bytes");
        }
    }
}
