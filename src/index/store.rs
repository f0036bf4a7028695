//! How an entry's stored form is compressed: each entry on its own, with zstd and a
//! dictionary trained on the index's own entries.
//!
//! Tantivy's document store compresses blocks of documents, so fetching one hit means
//! decompressing the whole block around it (60 µs for a 32 KiB block, most of a search's
//! time in a fresh process). Here Tantivy stores bytes as they are and every entry is a zstd
//! frame of its own: fetching a hit decompresses a few kilobytes. Entries alone compress
//! poorly, so the first run over a folder trains a dictionary (zstd's `ZDICT`) on a sample of
//! the entries it is about to write, and every later run reuses it. At 100k entries this
//! makes the store smaller than 32 KiB blocks did and a fetch several times faster (see
//! BENCHMARKS.md).
//!
//! The dictionary lives in the index folder as `dictionary-ID.zst` (zstd's id of the
//! dictionary, in hex), written before any entry that needs it and named by the commit
//! payload (see `schema::CommitPayload`); a commit with another dictionary (a rebuild)
//! removes the old file. It is a plain file rather than a document because Tantivy reads
//! stored bytes back one byte at a time: a 1 MiB document cost two milliseconds per process.
//! Opening an index maps the file and hands zstd the mapped bytes to decompress against in
//! place (`ZSTD_createDDict_byReference`): reading it into memory and letting zstd copy it
//! cost a search process two copies of 1 MiB and about 180 page faults (whole process at 100k
//! 6.4 → 5.3 ms).
//!
//! A stored value is a tag byte, [`PLAIN`] (no dictionary: a corpus too small to train on)
//! or [`WITH_DICTIONARY`] followed by the low byte of the dictionary's id (a check, not a
//! lookup), then the length of the entry (LEB128) and a zstd frame without magic number,
//! dictionary id or content size: at a hundred thousand entries, those 10 bytes a frame
//! would repeat weigh 1 MB. ([`RAW`], the entry as it is, is kept for the case zstd should
//! fail to compress one.)

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_64;
use zstd_safe::{CCtx, CParameter, DCtx, DDict, DParameter, FrameFormat};

use crate::error::{Error, Result};

/// Tag of an entry kept as it is (only if zstd failed to compress it).
const RAW: u8 = 0;
/// Tag of a frame compressed without a dictionary.
const PLAIN: u8 = 1;
/// Tag of a frame compressed with the index's dictionary.
const WITH_DICTIONARY: u8 = 2;

/// zstd level (see BENCHMARKS.md for the trade between levels and dictionary sizes).
const LEVEL: i32 = 5;

/// Shortest match zstd looks for: 6 rather than level 5's 5 makes entries 2% smaller at the
/// same speed (words repeated from the dictionary are longer than that).
const MIN_MATCH: u32 = 6;

/// Largest dictionary trained, in bytes.
const DICTIONARY_BYTES: usize = 1024 * 1024;

/// Fewest sample bytes worth training a dictionary on: below that, a corpus is too small for
/// its size to matter and entries are compressed alone.
const MIN_SAMPLE_BYTES: usize = 256 * 1024;

/// Segment size zstd's fastCover trainer selects dictionary content by. `ZDICT_trainFromBuffer`
/// tries five sizes (50 to 1998) and keeps the one that compresses a held-out quarter of the
/// samples best; on the generated corpus and on the Wikinews sample it picked 537, and the
/// search took 1.0–1.6 s on one core before any file was indexed. Training once with this
/// size takes 0.26–0.31 s, on every sample, and makes the index a little smaller (BENCHMARKS.md).
const TRAIN_SEGMENT: u32 = 537;

/// Length of the byte strings (dmers) the trainer counts: zstd's default.
const TRAIN_DMER: u32 = 8;

/// Largest stored entry decompressed (a stored entry claiming more is damage).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// Compresses and decompresses stored entries, with the index's dictionary when it has one.
#[derive(Clone, Default)]
pub struct Codec {
    dictionary: Option<Arc<Dictionary>>,
}

/// How a commit names its dictionary: zstd's id (which names the file) and a hash of the
/// contents (which tells a damaged file from a good one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DictionaryRef {
    /// zstd's id of the dictionary.
    pub id: u32,
    /// xxh3 of its bytes.
    pub hash: u64,
}

/// A trained dictionary, prepared for decompression.
struct Dictionary {
    /// zstd's decompression dictionary, which reads its content in place from `bytes`
    /// (declared first, so that it is dropped before them).
    decompress: DDict<'static>,
    reference: DictionaryRef,
    bytes: DictionaryBytes,
}

/// Where a dictionary's bytes live: a file of the index mapped read-only (a search: nothing
/// is copied, the page cache is read in place), or memory (a dictionary just trained).
enum DictionaryBytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for DictionaryBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            DictionaryBytes::Mapped(map) => map,
            DictionaryBytes::Owned(bytes) => bytes,
        }
    }
}

impl Dictionary {
    fn new(bytes: DictionaryBytes) -> Option<Dictionary> {
        let id = zstd_safe::get_dict_id(&bytes)?.get();
        let hash = xxh3_64(&bytes);
        // SAFETY: the decompression dictionary refers to the content of `bytes`, which lives
        // in a heap buffer or a mapping that stays where it is when `bytes` moves, is never
        // written to, and is dropped after the dictionary (field order of `Dictionary`).
        let content: &'static [u8] = unsafe { std::slice::from_raw_parts(bytes.as_ptr(), bytes.len()) };
        let decompress = DDict::try_create_by_reference(content)?;
        Some(Dictionary { decompress, reference: DictionaryRef { id, hash }, bytes })
    }

    /// `bytes` made by [`Codec::train`] (not read back from an index), prepared.
    fn prepared(bytes: Vec<u8>) -> Result<Dictionary> {
        Dictionary::new(DictionaryBytes::Owned(bytes))
            .ok_or_else(|| Error::Damaged("not a zstd dictionary".to_string()))
    }
}

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Codec").field("dictionary", &self.reference()).finish()
    }
}

/// The compression context of a thread, with the dictionary (by id, 0 for none) it holds.
struct Compressor {
    dictionary: u32,
    cctx: CCtx<'static>,
}

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<DCtx<'static>>> = const { RefCell::new(None) };
}

/// The file of dictionary `id` in the index folder `folder`.
pub fn dictionary_path(folder: &Path, id: u32) -> PathBuf {
    folder.join(format!("dictionary-{id:08x}.zst"))
}

/// Whether `name` is the name of a dictionary file.
pub fn is_dictionary_file(name: &str) -> bool {
    name.starts_with("dictionary-") && name.ends_with(".zst")
}

/// Removes the dictionary files of `folder` other than `keep` (after a commit that no
/// longer needs them). A file that cannot be removed is left for the next commit.
pub fn remove_unused(folder: &Path, keep: Option<DictionaryRef>) {
    let kept = keep.map(|d| dictionary_path(folder, d.id));
    let Ok(items) = std::fs::read_dir(folder) else { return };
    for item in items.flatten() {
        let path = item.path();
        if item.file_name().to_str().is_some_and(is_dictionary_file) && Some(&path) != kept.as_ref() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

impl Codec {
    /// A codec without a dictionary.
    pub fn plain() -> Codec {
        Codec::default()
    }

    /// The codec of the index in `folder` whose last commit names dictionary `named`.
    pub fn open(folder: &Path, named: Option<DictionaryRef>) -> Result<Codec> {
        let Some(named) = named else { return Ok(Codec::plain()) };
        let path = dictionary_path(folder, named.id);
        let cannot_read = |e: std::io::Error| Error::Damaged(format!("{} cannot be read: {e}", path.display()));
        let file = std::fs::File::open(&path).map_err(cannot_read)?;
        // SAFETY: a dictionary file is written once, under a temporary name, and renamed
        // into place; nothing writes to it afterwards. Every page is read at once (the hash
        // below reads them all), hence `populate`.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(cannot_read)?;
        match Dictionary::new(DictionaryBytes::Mapped(map)) {
            Some(d) if d.reference == named => Ok(Codec { dictionary: Some(Arc::new(d)) }),
            _ => Err(Error::Damaged(format!("{} is not the dictionary the index names", path.display()))),
        }
    }

    /// A codec compressing with `bytes`, a dictionary [`Codec::train`] made, which is saved
    /// in `folder` first (replacing, safely, any file of the same id).
    pub fn create(folder: &Path, bytes: Vec<u8>) -> Result<Codec> {
        let dictionary = Dictionary::prepared(bytes)?;
        let path = dictionary_path(folder, dictionary.reference.id);
        let temporary = folder.join(format!(".dictionary-{:08x}.tmp", dictionary.reference.id));
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&dictionary.bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &path)?;
            // The rename itself reaches the disk with the folder.
            std::fs::File::open(folder)?.sync_all()
        };
        write().map_err(|e| Error::io(&path, e))?;
        Ok(Codec { dictionary: Some(Arc::new(dictionary)) })
    }

    /// A codec compressing with `bytes`, kept in memory only (tests and measurements).
    pub fn in_memory(bytes: Vec<u8>) -> Result<Codec> {
        Ok(Codec { dictionary: Some(Arc::new(Dictionary::prepared(bytes)?)) })
    }

    /// The dictionary entries are compressed with, as a commit names it.
    pub fn reference(&self) -> Option<DictionaryRef> {
        self.dictionary.as_ref().map(|d| d.reference)
    }

    /// Trains a dictionary on `samples` (stored forms of entries), or `None` when they are too
    /// few to train on or zstd cannot make one of them.
    pub fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
        let total: usize = samples.iter().map(Vec::len).sum();
        if total < MIN_SAMPLE_BYTES || samples.len() < 64 {
            return None;
        }
        let mut joined = Vec::with_capacity(total);
        let mut sizes = Vec::with_capacity(samples.len());
        for s in samples {
            joined.extend_from_slice(s);
            sizes.push(s.len());
        }
        train_fast_cover(&joined, &sizes, DICTIONARY_BYTES.min(total / 4))
    }

    /// The stored form of `data`.
    pub fn compress(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + zstd_safe::compress_bound(data.len()));
        match &self.dictionary {
            Some(d) => out.extend_from_slice(&[WITH_DICTIONARY, d.reference.id as u8]),
            None => out.push(PLAIN),
        }
        push_length(&mut out, data.len());
        let written = COMPRESSOR.with_borrow_mut(|slot| {
            let wanted = self.dictionary.as_ref().map_or(0, |d| d.reference.id);
            if slot.as_ref().is_none_or(|c| c.dictionary != wanted) {
                *slot = Some(Compressor { dictionary: wanted, cctx: compression_context(self.dictionary.as_deref())? });
            }
            let Some(compressor) = slot.as_mut() else { return Err(0) };
            let mut frame = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
            compressor.cctx.compress2(&mut frame, data)?;
            out.extend_from_slice(&frame);
            Ok(())
        });
        // The buffer holds the bound of any frame, so zstd has no reason to fail; should it
        // fail anyway (it could not allocate), the entry is kept as it is.
        if written.is_err() {
            out.clear();
            out.push(RAW);
            out.extend_from_slice(data);
        }
        out
    }

    /// The data `stored` holds (what [`Codec::compress`] was given).
    pub fn decompress(&self, stored: &[u8]) -> Result<Vec<u8>> {
        let damaged = |what: &str| Error::Damaged(format!("a stored entry {what}"));
        let (&tag, rest) = stored.split_first().ok_or_else(|| damaged("is empty"))?;
        let (dictionary, rest) = match tag {
            RAW => return Ok(rest.to_vec()),
            PLAIN => (None, rest),
            WITH_DICTIONARY => {
                let (&check, rest) = rest.split_first().ok_or_else(|| damaged("is cut short"))?;
                match &self.dictionary {
                    Some(d) if d.reference.id as u8 == check => (Some(d), rest),
                    Some(_) => return Err(damaged("was compressed with another dictionary (was the index rebuilt?)")),
                    None => return Err(damaged("needs a compression dictionary the index does not name")),
                }
            }
            _ => return Err(damaged(&format!("has an unknown tag {tag}"))),
        };
        let (size, frame) = read_length(rest).ok_or_else(|| damaged("has no readable length"))?;
        if size > MAX_ENTRY_BYTES {
            return Err(damaged("claims an impossible length"));
        }
        let mut out = Vec::with_capacity(size as usize);
        let done = DECOMPRESSOR.with_borrow_mut(|slot| {
            if slot.is_none() {
                let mut dctx = DCtx::try_create().ok_or(0usize)?;
                dctx.set_parameter(DParameter::Format(FrameFormat::Magicless))?;
                *slot = Some(dctx);
            }
            let Some(dctx) = slot.as_mut() else { return Err(0) };
            match dictionary {
                None => dctx.decompress(&mut out, frame),
                Some(d) => dctx.decompress_using_ddict(&mut out, frame, &d.decompress),
            }
        });
        done.map_err(|_| damaged("does not decompress"))?;
        if out.len() as u64 != size {
            return Err(damaged("is shorter than its length says"));
        }
        Ok(out)
    }
}

/// A compression context for frames without magic number, dictionary id or content size,
/// holding `dictionary` (zstd prepares it once per context).
fn compression_context(dictionary: Option<&Dictionary>) -> std::result::Result<CCtx<'static>, usize> {
    let mut cctx = CCtx::try_create().ok_or(0usize)?;
    cctx.set_parameter(CParameter::CompressionLevel(LEVEL))?;
    cctx.set_parameter(CParameter::MinMatch(MIN_MATCH))?;
    cctx.set_parameter(CParameter::Format(FrameFormat::Magicless))?;
    cctx.set_parameter(CParameter::ContentSizeFlag(false))?;
    cctx.set_parameter(CParameter::DictIdFlag(false))?;
    cctx.set_parameter(CParameter::ChecksumFlag(false))?;
    if let Some(d) = dictionary {
        cctx.load_dictionary(&d.bytes)?;
    }
    Ok(cctx)
}

/// Appends `n` in LEB128.
fn push_length(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a LEB128 length; returns it and the bytes after it.
fn read_length(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut n: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

/// A dictionary of at most `capacity` bytes trained on `samples` (the samples joined, and
/// their sizes) by zstd's fastCover with fixed parameters, or `None` when zstd cannot make one.
fn train_fast_cover(samples: &[u8], sizes: &[usize], capacity: usize) -> Option<Vec<u8>> {
    use zstd_safe::zstd_sys as sys;
    if sizes.iter().sum::<usize>() != samples.len() {
        return None;
    }
    let params = sys::ZDICT_fastCover_params_t {
        k: TRAIN_SEGMENT,
        d: TRAIN_DMER,
        // zstd's defaults (f = 20, accel = 1), and every sample trained on (none held out).
        f: 20,
        steps: 0,
        nbThreads: 0,
        splitPoint: 1.0,
        accel: 1,
        shrinkDict: 0,
        shrinkDictMaxRegression: 0,
        zParams: sys::ZDICT_params_t { compressionLevel: LEVEL, notificationLevel: 0, dictID: 0 },
    };
    let count = u32::try_from(sizes.len()).ok()?;
    let mut dictionary: Vec<u8> = Vec::with_capacity(capacity);
    // SAFETY: zstd writes at most `capacity` bytes into the vector's spare capacity and reads
    // `count` sample sizes and the samples they add up to (checked above); the length is set
    // to what it reports written, and only when it reports no error.
    let written = unsafe {
        sys::ZDICT_trainFromBuffer_fastCover(
            dictionary.as_mut_ptr().cast(),
            capacity,
            samples.as_ptr().cast(),
            sizes.as_ptr(),
            count,
            params,
        )
    };
    // SAFETY: a plain function of the returned code.
    if unsafe { sys::ZDICT_isError(written) } != 0 || written > capacity {
        return None;
    }
    // SAFETY: zstd initialised the first `written` bytes (at most `capacity`).
    unsafe { dictionary.set_len(written) };
    Some(dictionary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Vec<u8>> {
        let words = ["troops", "Kyiv", "said", "Reuters", "minister", "border", "talks", "ceasefire", "drone"];
        (0..n)
            .map(|i| {
                let body: Vec<&str> = (0..120).map(|j| words[(i * 7 + j * j) % words.len()]).collect();
                format!(r#"{{"id":"e{i}","title":"Update {i}","body":"{}","sources":["AP"]}}"#, body.join(" "))
                    .into_bytes()
            })
            .collect()
    }

    #[test]
    fn entries_come_back_as_they_went_in_with_and_without_a_dictionary() {
        let samples = entries(2000);
        let dictionary = Codec::train(&samples).expect("enough samples to train on");
        assert!(dictionary.len() <= DICTIONARY_BYTES);
        let trained = Codec::in_memory(dictionary).unwrap();
        let plain = Codec::plain();
        for s in samples.iter().take(50) {
            let with = trained.compress(s);
            let without = plain.compress(s);
            assert_eq!(trained.decompress(&with).unwrap(), *s);
            assert_eq!(plain.decompress(&without).unwrap(), *s);
            // A codec with a dictionary still reads entries stored before it had one.
            assert_eq!(trained.decompress(&without).unwrap(), *s);
            assert!(with.len() < without.len(), "{} vs {}", with.len(), without.len());
        }
        assert_eq!(trained.decompress(&trained.compress(b"")).unwrap(), b"");
        // An entry zstd failed to compress is kept as it is.
        assert_eq!(plain.decompress(&[RAW, b'{', b'}']).unwrap(), b"{}");
    }

    #[test]
    fn too_little_to_train_on_gives_no_dictionary() {
        assert!(Codec::train(&entries(10)).is_none());
        assert!(Codec::train(&[]).is_none());
    }

    #[test]
    fn damaged_stored_entries_are_errors_not_panics() {
        let codec = Codec::in_memory(Codec::train(&entries(2000)).unwrap()).unwrap();
        let good = codec.compress(&entries(1)[0]);
        let cases: Vec<Vec<u8>> = vec![Vec::new(), vec![PLAIN], vec![9, 1, 2, 3], good[..good.len() / 2].to_vec()];
        for case in cases {
            assert!(matches!(codec.decompress(&case), Err(Error::Damaged(_))), "{case:?}");
        }
        // Any flipped byte: never a panic; mostly an error or other bytes (which then fail to
        // parse as an entry). Frames carry no checksum, so a flip in a field that does not
        // matter for so short an entry (the window size) goes unnoticed, harmlessly.
        let mut noticed = 0;
        for i in 1..good.len() {
            let mut flipped = good.clone();
            flipped[i] ^= 0x5a;
            if codec.decompress(&flipped).map_or(true, |d| d != entries(1)[0]) {
                noticed += 1;
            }
        }
        assert!(noticed * 10 >= (good.len() - 1) * 9, "{noticed} of {} flips noticed", good.len() - 1);
        // Stored with a dictionary, read without one.
        assert!(matches!(Codec::plain().decompress(&good), Err(Error::Damaged(_))));
        assert!(Codec::in_memory(b"\x37\xa4\x30\xec garbage".to_vec()).is_err());
    }

    #[test]
    fn dictionaries_are_files_named_by_their_id_and_found_by_it() {
        let folder = std::env::temp_dir().join(format!("newsdex-store-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let first = Codec::create(&folder, Codec::train(&entries(2000)).unwrap()).unwrap();
        let named = first.reference().unwrap();
        let path = dictionary_path(&folder, named.id);
        assert!(path.is_file());
        let stored = first.compress(&entries(1)[0]);
        // Reopened from the folder as a commit names it.
        assert_eq!(Codec::open(&folder, Some(named)).unwrap().decompress(&stored).unwrap(), entries(1)[0]);
        // Without it, the entry cannot be read.
        assert!(matches!(Codec::open(&folder, None).unwrap().decompress(&stored), Err(Error::Damaged(_))));
        // Damaged: the same name, other bytes.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(matches!(Codec::open(&folder, Some(named)), Err(Error::Damaged(_))));
        remove_unused(&folder, None);
        assert!(!path.exists());
        assert!(matches!(Codec::open(&folder, Some(named)), Err(Error::Damaged(_))));
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
