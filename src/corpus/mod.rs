//! Reading a folder of news: walking it, recognising each file's format by its content (and
//! extension), and turning the file into [`Entry`] values.
//!
//! | format | recognised by | read by |
//! |---|---|---|
//! | live blog as text | live-blog cues (section markers, time stamps, short URLs) | [`liveblog`] (cues in [`cues`]) |
//! | article as text | any other text | [`article`] |
//! | JSON, NDJSON | `{` or `[` first, `.json`, `.ndjson`, `.jsonl` | [`json`] |
//! | HTML | `<!doctype html>`, `<html>`, `.html`, `.htm` | [`html`] |
//! | RSS 2.0, RSS 1.0 (RDF), Atom | the root element `<rss>`, `<rdf:RDF>`, `<feed>` | [`feed`] |
//!
//! The content decides; the extension only breaks ties (a `.json` file of several lines of
//! objects is NDJSON, a `.html` file without tags is still HTML).
//!
//! A file that cannot be read as news is not an error of the run: [`read_file`] returns a
//! [`Problem`] naming the file (and line) and what is wrong, and the caller goes on with the
//! next file. Problems inside a file that was otherwise read (a malformed NDJSON line, bytes
//! that were not UTF-8, a file name that is not) come back as warnings next to the entries.

pub mod article;
pub mod credits;
pub mod cues;
pub mod decode;
pub mod feed;
pub mod html;
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
    /// A web page (an article or a live blog).
    Html,
    /// An RSS 2.0 (or 0.9x) feed.
    Rss,
    /// An RSS 1.0 feed (RDF).
    Rdf,
    /// An Atom feed.
    Atom,
}

impl Format {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::LiveBlog => "liveblog",
            Format::Article => "article",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Html => "html",
            Format::Rss => "rss",
            Format::Rdf => "rdf",
            Format::Atom => "atom",
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
    parse_file(path, &bytes)
}

/// Reads the bytes of one file, or says why it cannot be read as news (a non-news extension,
/// missing, not a regular file, over the size limit).
pub fn read_bytes(path: &Path, options: &ReadOptions) -> Result<Vec<u8>, Problem> {
    let shown = display_path(path);
    if let Some(kind) = not_news_extension(path) {
        return Err(Problem::new(&shown, format!("not a news format ({kind})")));
    }
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

/// Parses the bytes read from `path` into entries; a file name that is not UTF-8 is said so.
pub fn parse_file(path: &Path, bytes: &[u8]) -> Result<FileEntries, Problem> {
    let shown = display_path(path);
    let mut read = parse_bytes(&shown, bytes)?;
    if path.to_str().is_none() {
        read.warnings.insert(0, Problem::new(&shown, "file name is not valid UTF-8; its bad bytes are shown as \\xNN"));
    }
    Ok(read)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file (or a broken symbolic link)".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if e.raw_os_error() == Some(40) || e.to_string().contains("Too many levels of symbolic links") => {
            "symbolic link loop (the link leads back to itself); not followed".to_string()
        }
        _ => {
            // "Too many levels of symbolic links (os error 40)" and the like, without the code.
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
    }
}

/// A path as shown to users and stored with entries: as it is when it is valid UTF-8,
/// otherwise with each byte that is not shown as `\xNN`.
pub fn display_path(path: &Path) -> String {
    if let Some(s) = path.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// Files that are never news, by extension: what a browser saves next to a page, code,
/// media and archives (binary ones would be refused anyway, but this says why).
fn not_news_extension(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "a style sheet",
        "js" | "mjs" | "cjs" | "ts" | "py" | "rs" | "sh" | "java" | "c" | "h" | "cpp" | "go" | "rb" | "php" => {
            "source code"
        }
        "map" => "a source map",
        "svg" | "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "ico" | "bmp" | "tif" | "tiff" | "heic" => {
            "an image"
        }
        "woff" | "woff2" | "ttf" | "otf" | "eot" => "a font",
        "mp3" | "mp4" | "m4a" | "m4v" | "webm" | "ogg" | "wav" | "mov" | "avi" | "mkv" => "audio or video",
        "zip" | "gz" | "tgz" | "bz2" | "xz" | "zst" | "7z" | "rar" | "tar" => "an archive",
        "pdf" | "doc" | "docx" | "odt" | "xls" | "xlsx" | "ppt" | "pptx" => "an office document or PDF",
        "exe" | "dll" | "so" | "dylib" | "bin" | "o" | "class" | "wasm" => "a program",
        _ => return None,
    })
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
    let (format, mut entries) = match detect(path, &text)? {
        Format::Json => match json::parse_document(&text, path) {
            Ok((entries, mut problems)) => {
                warnings.append(&mut problems);
                (Format::Json, entries)
            }
            // A file of several JSON objects, one per line, named .json.
            Err(_) if looks_like_ndjson(&text) => {
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
        Format::Html => (Format::Html, html::parse(&text, path)),
        feed @ (Format::Rss | Format::Rdf | Format::Atom) => {
            let (entries, problem) = feed::parse(&text, path);
            match problem {
                // Items before the damage are kept; a feed with none is not readable.
                Some(p) if entries.is_empty() => return Err(p),
                Some(p) => warnings.push(p),
                None => {}
            }
            (feed, entries)
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

/// Picks a format from the content, with the extension breaking ties; refuses markup that is
/// neither a web page nor a feed.
fn detect(path: &str, text: &str) -> Result<Format, Problem> {
    let ext = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    match start.chars().next() {
        Some('{' | '[') if ext == "ndjson" || ext == "jsonl" => return Ok(Format::Ndjson),
        Some('[') => return Ok(Format::Json),
        Some('{') if ext != "json" && looks_like_ndjson(text) => return Ok(Format::Ndjson),
        Some('{') => return Ok(Format::Json),
        Some('<') => return markup(start, &ext).map_err(|why| Problem::new(path, why)),
        _ => {}
    }
    Ok(match ext.as_str() {
        "ndjson" | "jsonl" => Format::Ndjson,
        "json" => Format::Json,
        "html" | "htm" | "xhtml" | "shtml" => Format::Html,
        _ => Format::Article,
    })
}

/// What a text starting with `<` is: its first element (after the XML declaration, comments
/// and the doctype) names it.
fn markup(text: &str, ext: &str) -> Result<Format, String> {
    let mut rest = text;
    let mut doctype = None;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r);
        } else if rest.get(..9).is_some_and(|head| head.eq_ignore_ascii_case("<!doctype")) {
            let (decl, r) = rest.split_once('>').unwrap_or((rest, ""));
            doctype = Some(decl[9..].trim().to_ascii_lowercase());
            rest = r;
        } else {
            break;
        }
    }
    let name: String = rest
        .strip_prefix('<')
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_'))
        .collect();
    let local = name.rsplit(':').next().unwrap_or(&name).to_ascii_lowercase();
    Ok(match local.as_str() {
        "rss" => Format::Rss,
        "rdf" => Format::Rdf,
        "feed" => Format::Atom,
        "html" | "head" | "body" | "meta" | "title" | "article" | "main" | "div" | "p" | "h1" | "link" | "script" => {
            Format::Html
        }
        _ if doctype.as_deref().is_some_and(|d| d.starts_with("html")) => Format::Html,
        _ if matches!(ext, "html" | "htm" | "xhtml" | "shtml") => Format::Html,
        "" => return Err("markup newsdex cannot read (no element found)".to_string()),
        _ => {
            return Err(format!(
                "XML or SGML whose root element is <{name}>: not a web page, nor an RSS, RDF or Atom feed"
            ))
        }
    })
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

/// A URL without tracking parameters (`maca=`, `utm_*`, `at_*`, `fbclid`); a DW short URL
/// also in its one canonical form: `https://www.dw.com/p/4mKXR?maca=en-rss` becomes
/// `https://p.dw.com/p/4mKXR`.
pub fn clean_url(url: &str) -> String {
    let url = url.trim();
    if let Some(code) = crate::entry::short_url_code(url) {
        return format!("https://p.dw.com/p/{code}");
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let Some((head, query)) = base.split_once('?') else { return url.to_string() };
    let tracking = |p: &&str| {
        let key = p.split('=').next().unwrap_or("").to_ascii_lowercase();
        key == "maca" || key.starts_with("utm_") || key.starts_with("at_") || key == "fbclid" || key == "gclid"
    };
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !tracking(p)).collect();
    let mut out = head.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
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
/// files, what `.newsdexignore` files list, and the documentation that data sets ship with
/// (see [`is_documentation`]) are left out; symbolic links are followed, and loops among
/// them are reported rather than followed for ever.
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
                let is_root = entry.depth() == 0;
                if entry.file_type().is_some_and(|t| t.is_file()) && (is_root || !is_documentation(entry.path())) {
                    files.push(entry.into_path());
                }
            }
            Err(e) => {
                let (path, message) = walk_error(&e);
                problems.push(Problem::new(&path.unwrap_or_else(|| display_path(root)), message));
            }
        }
    }
    files.sort();
    (files, problems)
}

/// The files data sets and archives ship beside their news: `README`, `LICENSE`, `SOURCE.md`,
/// `ATTRIBUTION.md`, `CHANGELOG.txt` and the like (by name, any case, with no extension or a
/// text extension). A folder walk leaves them out; naming one explicitly still reads it.
pub fn is_documentation(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
        None => (name, String::new()),
    };
    if !matches!(ext.as_str(), "" | "txt" | "md" | "markdown" | "rst") {
        return false;
    }
    const NAMES: [&str; 18] = [
        "README",
        "READ_ME",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "NOTICE",
        "AUTHORS",
        "CONTRIBUTORS",
        "CONTRIBUTING",
        "CHANGELOG",
        "CHANGES",
        "HISTORY",
        "CITATION",
        "ATTRIBUTION",
        "SOURCE",
        "SOURCES",
        "MANIFEST",
        "CODE_OF_CONDUCT",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(stem))
}

fn walk_error(e: &ignore::Error) -> (Option<String>, String) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(display_path(path)), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        ignore::Error::Loop { child, .. } => {
            (Some(display_path(child)), "symbolic link loop; not followed".to_string())
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

    /// Every prefix of pages in each format, and copies with multi-byte characters dropped in,
    /// are read or refused without a panic.
    #[test]
    fn damaged_input_never_panics() {
        let samples = [
            ("a.txt", "Floods live\n\nJune 14, 2020\n\n• Dams overflow\n\nAll updates in UTC\n\n17:05The Red Cross opened a shelter. Dr. Roe said so.\n\n15:30 Trains stopped.\n\nmk/dv (dpa, AFP)"),
            ("c.txt", "1. Skip to content\nConflictsUkraine\n\nUpdates\n\nPublished May 1, 2024last updated May 2, 2024\n\nLead.\n\nhttps://p.dw.com/p/AAAAA?maca=x\nAlt\nCaptionImage: X/AP\nSkip next section What you need to know\n\nSummary.\n\nSkip next section Head\nMay 2, 2024\n\nHead\n\nBody.\n\nkb (AP)\n\nhttps://p.dw.com/p/BBBBB"),
            ("bbc.txt", "Brexit\n\nSummary\n  • Leaves\n\n1. Bongspublished at 17:14 Greenwich Mean Time 31 January 2020\n17:14 GMT 31 January 2020\n\nIan Walsh\nReporter\n\nNo bongs.\n\nImage source, Getty Images"),
            ("e.txt", "Storm | News | DW | 12.11.2019\nWe use cookies to improve our service.\n1. Inhalt 2. Navigation\n\n18:20 Trains stop.\n\n16:05Flights cancelled.\n\nch (dpa)"),
            ("s.txt", "Recall\n\nSunday, June 23, 2019 - STUTTGART, March 4 (Reuters) - Cars recalled.\n\n(Reporting by A B; Editing by C)"),
            ("p.html", "<!doctype html><html><head><meta property=\"og:title\" content=\"T\"><script type=\"application/ld+json\">{\"@type\":\"LiveBlogPosting\",\"liveBlogUpdate\":[{\"headline\":\"U\",\"articleBody\":\"<p>B</p>\"}]}</script></head><body><main><p>17:05The text.</p><p>16:00 More.</p></main></body></html>"),
            ("f.xml", "<?xml version=\"1.0\"?><rss><channel><title>W</title><item><title>A &amp; B</title><description>&lt;p&gt;x&lt;/p&gt;&nbsp;</description><pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate><author>a@b (N)</author></item></channel></rss>"),
            ("g.atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"html\">G</title><link href=\"https://x\"/><content type=\"xhtml\"><div><p>S</p></div></content><author><name>L</name></author></entry></feed>"),
            ("j.json", "[{\"headline\": \"H\", \"published\": \"2024-02-14T09:20:00+01:00\", \"text\": \"<p>T</p>\", \"updates\": [{\"body\": \"U. V.\"}]}]"),
        ];
        for (name, text) in samples {
            for cut in 0..=text.len() {
                // Cuts inside a multi-byte character leave bytes that are not UTF-8.
                let _ = parse_bytes(name, &text.as_bytes()[..cut]);
                if text.is_char_boundary(cut) {
                    let damaged = format!("{}é€{}", &text[..cut], &text[cut..]);
                    let _ = parse_bytes(name, damaged.as_bytes());
                }
            }
        }
    }

    #[test]
    fn records_sharing_a_url_keep_distinct_ids() {
        let text = "{\"title\": \"A\", \"body\": \"x\", \"url\": \"https://x.org/live\"}\n{\"title\": \"B\", \"body\": \"y\", \"url\": \"https://x.org/live\"}";
        let read = parse_bytes("s.ndjson", text.as_bytes()).unwrap();
        assert_ne!(read.entries[0].id, read.entries[1].id);
    }
}
