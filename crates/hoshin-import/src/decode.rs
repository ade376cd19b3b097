//! Bytes to text: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or Shift_JIS/CP932,
//! the encoding of many Japanese office files. Refuses what is not text, and what is too large to be one
//! policy, with a message that says what is wrong.

use thiserror::Error;

/// The largest input Hoshin reads as one document: a year's policy is well under 1 MB.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    ShiftJis,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::ShiftJis => "Shift_JIS (CP932)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; Hoshin reads documents of up to {MAX_INPUT_BYTES} bytes (20 MB)")]
    TooLarge { size: usize },
    #[error(
        "the file is binary, not text (byte {offset} is {byte:#04x}); give the text of the document, a web page, or a PDF"
    )]
    Binary { offset: usize, byte: u8 },
    #[error(
        "the file is neither UTF-8 nor Shift_JIS text (the first bad byte is at offset {offset}); save it as UTF-8"
    )]
    UnknownEncoding { offset: usize },
}

/// Decodes a document's bytes, detecting the encoding. Line endings are left as they are.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(DecodeError::TooLarge { size: bytes.len() });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    for (bom, encoding) in [(b"\xFF\xFE", encoding_rs::UTF_16LE), (b"\xFE\xFF", encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            if had_errors {
                return Err(DecodeError::UnknownEncoding { offset: 0 });
            }
            return Ok((text.into_owned(), Encoding::Utf16));
        }
    }
    if let Some(offset) = bytes.iter().position(|&byte| byte == 0 || (byte < 0x20 && !b"\t\n\r\x0c".contains(&byte))) {
        return Err(DecodeError::Binary { offset, byte: bytes[offset] });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), Encoding::Utf8)),
        Err(utf8_error) => {
            let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
            if had_errors {
                return Err(DecodeError::UnknownEncoding { offset: utf8_error.valid_up_to() });
            }
            Ok((text.into_owned(), Encoding::ShiftJis))
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    std::str::from_utf8(bytes)
        .map(|text| (text.to_string(), Encoding::Utf8))
        .map_err(|error| DecodeError::UnknownEncoding { offset: error.valid_up_to() + 3 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_and_shift_jis() {
        let text = "令和６年度　西区運営方針\n①43.9%";
        assert_eq!(decode(text.as_bytes()), Ok((text.to_string(), Encoding::Utf8)));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom), Ok((text.to_string(), Encoding::Utf8)));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert_eq!(decode(&sjis), Ok((text.to_string(), Encoding::ShiftJis)));
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16), Ok((text.to_string(), Encoding::Utf16)));
    }

    #[test]
    fn refuses_what_is_not_a_document() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\t"), Err(DecodeError::Empty));
        assert_eq!(decode(b"%PDF\x00\x01"), Err(DecodeError::Binary { offset: 4, byte: 0 }));
        assert!(matches!(decode(&[0x82, 0xA0, 0xFF, 0xFF, 0x80]), Err(DecodeError::UnknownEncoding { .. })));
        let large = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert_eq!(decode(&large), Err(DecodeError::TooLarge { size: MAX_INPUT_BYTES + 1 }));
    }
}
