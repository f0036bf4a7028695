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

use std::fmt;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// Bytes read between two releases.
const RELEASE_EVERY: usize = 128 << 20;

/// Largest read of a store served by `pread`; larger ones are slices of the map.
const READ_AT_MOST: usize = 64 * 1024;

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
        self.inner.open_write(path)
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
    use std::io::Write;

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
}
