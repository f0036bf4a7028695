//! Reading a folder of news: walking it, recognising each file's format by its content (and
//! extension), and turning the file into [`Entry`] values.
//!
//! A file that cannot be read as news is not an error of the run: [`read_file`] returns a
//! [`Problem`] naming the file (and line) and what is wrong, and the caller goes on with the
//! next file. Problems inside a file that was otherwise read (a malformed NDJSON line) come
//! back as warnings next to the entries.

pub mod article;
pub mod credits;
pub mod decode;
pub mod json;
pub mod liveblog;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::entry::{content_fingerprint, Entry};

/// Files larger than this are skipped unless the user raises the limit.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Name of the file that lists, gitignore-style, what `index` leaves out of a folder.
pub const IGNORE_FILE: &str = ".newsdexignore";

/// Something wrong with one file (or one line of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the user named it or as the walk found it.
    pub path: String,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file.
    pub fn new(path: &str, message: impl Into<String>) -> Problem {
        Problem { path: path.to_string(), line: None, message: message.into() }
    }

    /// A problem on one line of the file.
    pub fn at_line(path: &str, line: usize, message: impl Into<String>) -> Problem {
        Problem { path: path.to_string(), line: Some(line), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: line {}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// The formats newsdex reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A live blog saved as text.
    LiveBlog,
    /// A single article saved as text.
    Article,
    /// One JSON document (an object or an array of objects).
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::LiveBlog => "liveblog",
            Format::Article => "article",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }
}

/// What one file yielded.
#[derive(Debug, Clone)]
pub struct FileEntries {
    /// The format it was read as.
    pub format: Format,
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
    /// Parts of it that could not be read (the rest was).
    pub warnings: Vec<Problem>,
}

/// Limits applied while reading files.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Larger files are skipped.
    pub max_file_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_file_size: DEFAULT_MAX_FILE_SIZE }
    }
}

/// Reads one file into entries, or says why it cannot be read as news.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<FileEntries, Problem> {
    let bytes = read_bytes(path, options)?;
    parse_bytes(&path.to_string_lossy(), &bytes)
}

/// Reads the bytes of one file, or says why it cannot be read (missing, not a regular file,
/// over the size limit).
pub fn read_bytes(path: &Path, options: &ReadOptions) -> Result<Vec<u8>, Problem> {
    let shown = path.to_string_lossy();
    let meta = fs::metadata(path).map_err(|e| Problem::new(&shown, format!("cannot read: {}", io_reason(&e))))?;
    if !meta.is_file() {
        return Err(Problem::new(&shown, "not a regular file"));
    }
    if meta.len() > options.max_file_size {
        return Err(Problem::new(
            &shown,
            format!(
                "file is {} bytes, over the {}-byte limit (raise it with --max-file-size)",
                meta.len(),
                options.max_file_size
            ),
        ));
    }
    fs::read(path).map_err(|e| Problem::new(&shown, format!("cannot read: {}", io_reason(&e))))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Reads the bytes of a file named `path` into entries (no file system access).
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<FileEntries, Problem> {
    let (text, encoding) = decode::decode(bytes).map_err(|why| match why {
        decode::NotText::Empty => Problem::new(path, "empty file"),
        decode::NotText::Binary => Problem::new(path, "binary file (not text)"),
    })?;
    let mut warnings = Vec::new();
    if let decode::Encoding::Windows1252Fallback { first_bad_byte } = encoding {
        warnings.push(Problem::new(
            path,
            format!("not valid UTF-8 (first bad byte at offset {first_bad_byte}); read those bytes as Windows-1252"),
        ));
    }
    let (format, mut entries) = match detect(path, &text) {
        Format::Json => match json::parse_document(&text, path) {
            Ok((entries, mut problems)) => {
                warnings.append(&mut problems);
                (Format::Json, entries)
            }
            // A file of several JSON objects, one per line, named .json.
            Err(problem) if looks_like_ndjson(&text) => {
                let _ = problem;
                let (entries, mut problems) = json::parse_lines(&text, path);
                warnings.append(&mut problems);
                (Format::Ndjson, entries)
            }
            Err(problem) => return Err(problem),
        },
        Format::Ndjson => {
            let (entries, mut problems) = json::parse_lines(&text, path);
            warnings.append(&mut problems);
            (Format::Ndjson, entries)
        }
        Format::LiveBlog | Format::Article => match liveblog::parse(&text, path) {
            Some(entries) => (Format::LiveBlog, entries),
            None => (Format::Article, article::parse(&text, path).into_iter().collect()),
        },
    };
    if entries.is_empty() {
        let why = warnings.first().map(|w| w.to_string()).unwrap_or_else(|| "no entries found".to_string());
        return Err(Problem::new(
            path,
            format!("nothing readable: {}", why.trim_start_matches(path).trim_start_matches(": ")),
        ));
    }
    separate_colliding_ids(&mut entries);
    Ok(FileEntries { format, entries, warnings })
}

/// Picks a format from the extension and the first non-blank character.
fn detect(path: &str, text: &str) -> Format {
    let ext = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let start = text.trim_start().chars().next();
    match (ext.as_str(), start) {
        ("ndjson" | "jsonl", _) => Format::Ndjson,
        ("json", _) => Format::Json,
        (_, Some('[')) => Format::Json,
        (_, Some('{')) if looks_like_ndjson(text) => Format::Ndjson,
        (_, Some('{')) => Format::Json,
        _ => Format::Article,
    }
}

/// Several lines, each starting with `{`.
fn looks_like_ndjson(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().is_some_and(|l| l.starts_with('{') && l.ends_with('}'));
    first && lines.next().is_some_and(|l| l.starts_with('{'))
}

/// Two different entries of one file must not share an id (records that share a URL, say):
/// the later ones fall back to a fingerprint of their content.
fn separate_colliding_ids(entries: &mut [Entry]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for i in 0..entries.len() {
        match seen.get(&entries[i].id) {
            Some(&first) if entries[first].title != entries[i].title || entries[first].body != entries[i].body => {
                let e = &mut entries[i];
                e.id = content_fingerprint(&e.title, e.date.as_ref(), &e.body);
            }
            Some(_) => {}
            None => {
                seen.insert(entries[i].id.clone(), i);
            }
        }
    }
}

/// Shortens text to at most `max` bytes, cutting at a word boundary and adding `…`.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let at_word_end = text[cut..].starts_with(char::is_whitespace);
    let head = match head.rfind(char::is_whitespace) {
        Some(at) if !at_word_end && at > cut / 2 => &head[..at],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':'))
}

/// The files under `root` (or `root` itself when it is a file), in a stable order. Hidden
/// files, what `.newsdexignore` files list and the notes data sets ship beside their
/// documents (see [`is_folder_notes`]) are left out; symbolic links are followed, and loops
/// among them are reported rather than followed for ever.
pub fn walk(root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        .build();
    for item in walker {
        match item {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file())
                    && !(entry.depth() > 0 && is_folder_notes(entry.path()))
                {
                    files.push(entry.into_path());
                }
            }
            Err(e) => {
                let (path, message) = walk_error(&e);
                problems.push(Problem::new(&path.unwrap_or_else(|| root.to_string_lossy().into_owned()), message));
            }
        }
    }
    files.sort();
    (files, problems)
}

/// True for a file that describes the folder it is in rather than holding news: `README`,
/// `LICENSE`, `SOURCE.md` and the like, as text or Markdown, whatever the case.
pub fn is_folder_notes(path: &Path) -> bool {
    let (Some(stem), ext) = (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|e| e.to_str()))
    else {
        return false;
    };
    let notes = ["README", "LICENSE", "LICENCE", "COPYING", "SOURCE", "SOURCES", "CHANGELOG", "CITATION"];
    let text = ext.is_none_or(|e| ["txt", "md", "markdown", "rst"].contains(&e.to_ascii_lowercase().as_str()));
    text && notes.iter().any(|n| stem.eq_ignore_ascii_case(n))
}

fn walk_error(e: &ignore::Error) -> (Option<String>, String) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(path.to_string_lossy().into_owned()), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        ignore::Error::Loop { child, .. } => {
            (Some(child.to_string_lossy().into_owned()), "symbolic link loop; not followed".to_string())
        }
        ignore::Error::Io(io) => (None, io_reason(io)),
        other => (None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("The quick brown fox jumps over", 18), "The quick brown…");
        assert!(shorten(&"é".repeat(100), 11).len() <= 11);
    }

    #[test]
    fn problems_name_file_and_line() {
        assert_eq!(Problem::at_line("a.ndjson", 2, "bad").to_string(), "a.ndjson: line 2: bad");
        assert_eq!(Problem::new("b.jpg", "binary").to_string(), "b.jpg: binary");
    }

    #[test]
    fn bad_bytes_are_problems_not_panics() {
        assert_eq!(parse_bytes("e.txt", b"").unwrap_err().message, "empty file");
        assert!(parse_bytes("x.jpg", b"\xff\xd8\x00\x00").unwrap_err().message.contains("binary"));
        let read = parse_bytes("l.txt", b"Caf\xe9 prices rise\n\nA cup costs more.").unwrap();
        assert_eq!(read.entries[0].title, "Café prices rise");
        assert_eq!(read.warnings.len(), 1);
    }

    #[test]
    fn folder_notes_are_not_news() {
        for name in ["README", "README.TXT", "readme.md", "SOURCE.md", "LICENSE"] {
            assert!(is_folder_notes(Path::new(name)), "{name}");
        }
        for name in ["readme-story.txt", "README.json", "sources-say.txt", "story.txt"] {
            assert!(!is_folder_notes(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn records_sharing_a_url_keep_distinct_ids() {
        let text = "{\"title\": \"A\", \"body\": \"x\", \"url\": \"https://x.org/live\"}\n{\"title\": \"B\", \"body\": \"y\", \"url\": \"https://x.org/live\"}";
        let read = parse_bytes("s.ndjson", text.as_bytes()).unwrap();
        assert_ne!(read.entries[0].id, read.entries[1].id);
    }
}
