//! Bytes to text: byte-order marks, UTF-16, and UTF-8 with a Windows-1252 fallback for
//! the stray Latin-1 bytes old news files carry; refuses what is not text at all.

use std::borrow::Cow;

/// How the bytes of a file were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8 (with or without a byte-order mark).
    Utf8,
    /// UTF-16, little or big endian, announced by a byte-order mark.
    Utf16,
    /// Mostly UTF-8; the bytes that were not are read as Windows-1252 (a superset of Latin-1).
    Windows1252Fallback {
        /// Byte offset of the first byte that was not UTF-8.
        first_bad_byte: usize,
    },
}

/// Why bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    /// Nothing but whitespace.
    Empty,
    /// NUL or other control bytes: an image, archive or other binary file.
    Binary,
}

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), NotText> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        decode_utf8(rest)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, _) = enc.decode_without_bom_handling(&bytes[2..]);
        (text, Encoding::Utf16)
    } else {
        if looks_binary(bytes) {
            return Err(NotText::Binary);
        }
        decode_utf8(bytes)
    };
    if text.trim().is_empty() {
        return Err(NotText::Empty);
    }
    if looks_binary(text.as_bytes()) {
        return Err(NotText::Binary);
    }
    Ok((text, encoding))
}

fn decode_utf8(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(e) => {
            let first_bad_byte = e.valid_up_to();
            let mut out = String::with_capacity(bytes.len() + 16);
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for &b in chunk.invalid() {
                    out.push(windows_1252(b));
                }
            }
            (Cow::Owned(out), Encoding::Windows1252Fallback { first_bad_byte })
        }
    }
}

/// The character a Windows-1252 byte stands for.
fn windows_1252(byte: u8) -> char {
    let buf = [byte];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&buf);
    text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// NUL bytes, or many control bytes, in the first 8 KiB mean the file is not text.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    control * 20 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let (t, e) = decode("Zürich £5".as_bytes()).unwrap();
        assert_eq!((t.as_ref(), e), ("Zürich £5", Encoding::Utf8));
        let (t, _) = decode(b"\xEF\xBB\xBFhello").unwrap();
        assert_eq!(t, "hello");
    }

    #[test]
    fn stray_latin1_bytes_become_their_characters() {
        let (t, e) = decode(b"a \xa315.8m signing, caf\xc3\xa9").unwrap();
        assert_eq!(t, "a £15.8m signing, café");
        assert_eq!(e, Encoding::Windows1252Fallback { first_bad_byte: 2 });
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Café news".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), (Cow::Borrowed("Café news"), Encoding::Utf16));
    }

    #[test]
    fn binary_and_empty_are_refused() {
        let mut jpeg = b"\xff\xd8\xff\xe0".to_vec();
        jpeg.extend(0u8..=255);
        assert_eq!(decode(&jpeg).unwrap_err(), NotText::Binary);
        assert_eq!(decode(b"  \n\n ").unwrap_err(), NotText::Empty);
        assert_eq!(decode(b"").unwrap_err(), NotText::Empty);
    }
}
