//! Citizens' photo uploads: checks that a file really is a JPEG, PNG or WebP picture and returns
//! it without its metadata. Phones write the GPS position, the device and the owner's name into
//! EXIF/XMP/text blocks; a public complaint must not publish or even keep them. Pure: bytes in,
//! bytes out, no decoding (the structure is checked, the pixels are copied untouched).
//!
//! Every format is cleaned by a whitelist: only the blocks a viewer needs to draw the picture are
//! copied, so metadata blocks unknown to this module are dropped too.
use std::borrow::Cow;

/// How many photos one complaint may carry; the form refuses more.
pub const MAX_PHOTOS: usize = 5;
/// The largest photo accepted, in bytes: enough for a phone picture, small enough to store many.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The picture formats accepted, all of which every browser shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG, what most phone cameras write.
    Jpeg,
    /// PNG, what screenshots are.
    Png,
    /// WebP, what some apps and browsers re-encode to.
    Webp,
}

impl ImageKind {
    /// The content type to serve the stored photo with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The file name extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    /// The kind a stored content type names (case and surrounding spaces ignored), for reading
    /// rows back. Not for judging an upload: its declared type is not trusted, `clean` reads the
    /// content instead.
    pub fn from_mime(s: &str) -> Option<Self> {
        // "image/jpg" is wrong but common enough in the wild to accept.
        const NAMES: [(&str, ImageKind); 4] = [
            ("image/jpeg", ImageKind::Jpeg),
            ("image/jpg", ImageKind::Jpeg),
            ("image/png", ImageKind::Png),
            ("image/webp", ImageKind::Webp),
        ];
        let s = s.trim();
        NAMES.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)).map(|&(_, kind)| kind)
    }
}

/// A photo with its metadata removed, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanImage {
    /// The format found in the content.
    pub kind: ImageKind,
    /// The file without its metadata blocks.
    pub bytes: Vec<u8>,
    /// EXIF orientation (1..=8) read before the EXIF block was dropped, 1 when absent, so the page can still show the photo upright.
    pub orientation: u8,
    /// Width in pixels, as the file declares it.
    pub width: u32,
    /// Height in pixels, as the file declares it.
    pub height: u32,
}

/// Why an upload is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The file has no bytes.
    #[error("the photo is empty")]
    Empty,
    /// The file is larger than `MAX_PHOTO_BYTES`.
    #[error("the photo is too large")]
    TooLarge,
    /// The content is not a JPEG, PNG or WebP picture.
    #[error("the file is not a JPEG, PNG or WebP picture")]
    NotAnImage,
    /// The content starts like a picture but its structure is broken.
    #[error("the picture is damaged")]
    Corrupt,
}

impl PhotoError {
    /// i18n message key: "err.photo_empty", "err.photo_too_large", "err.photo_type", "err.photo_corrupt"
    pub fn key(self) -> &'static str {
        match self {
            Self::Empty => "err.photo_empty",
            Self::TooLarge => "err.photo_too_large",
            Self::NotAnImage => "err.photo_type",
            Self::Corrupt => "err.photo_corrupt",
        }
    }
}

/// Checks the bytes (by their content, never by file name or declared type), and returns them without metadata.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, PhotoError> {
    // The size first: nothing else is worth reading in a file that will be refused anyway.
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    match sniff(bytes).ok_or(PhotoError::NotAnImage)? {
        ImageKind::Jpeg => jpeg::clean(bytes),
        ImageKind::Png => png::clean(bytes),
        ImageKind::Webp => webp::clean(bytes),
    }
}

/// The format named by the file's magic bytes. HEIC, GIF, PDF and anything else give `None`.
fn sniff(b: &[u8]) -> Option<ImageKind> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if b.starts_with(&png::SIGNATURE) {
        Some(ImageKind::Png)
    } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// `len` bytes of `b` from `at`, or `Corrupt`: every read of the upload goes through a checked
/// slice, since the upload is hostile until proven otherwise.
fn span(b: &[u8], at: usize, len: usize) -> Result<&[u8], PhotoError> {
    at.checked_add(len).and_then(|end| b.get(at..end)).ok_or(PhotoError::Corrupt)
}

/// `N` bytes of `b` from `at`, if they are there.
fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// A big-endian u16 (JPEG, and TIFF "MM").
fn be16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_be_bytes)
}

/// A big-endian u32 (PNG, and TIFF "MM").
fn be32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_be_bytes)
}

/// A little-endian u16 (VP8, and TIFF "II").
fn le16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}

/// A little-endian u32 (RIFF, and TIFF "II").
fn le32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}

/// A little-endian 24-bit number (VP8X canvas size).
fn le24(b: &[u8], at: usize) -> Option<u32> {
    array::<3>(b, at).map(|[a, b, c]| u32::from_le_bytes([a, b, c, 0]))
}

/// Reading the orientation out of an EXIF block, the one piece of it worth keeping.
mod exif {
    use super::{be16, be32, le16, le32};

    /// The TIFF tag holding the orientation.
    const ORIENTATION: u16 = 0x0112;
    /// The TIFF type SHORT, the only one the orientation tag may have.
    const SHORT: u16 = 3;

    /// The orientation in an EXIF payload that may start with "Exif\0\0" (JPEG always, WebP
    /// sometimes) or directly with the TIFF header (PNG eXIf, most WebP).
    pub(super) fn orientation(payload: &[u8]) -> Option<u8> {
        tiff_orientation(payload.strip_prefix(b"Exif\0\0").unwrap_or(payload))
    }

    /// The orientation tag of IFD0 of a TIFF structure, when it is present and valid (1..=8).
    /// A damaged EXIF block only loses the orientation: the block is dropped anyway, so it is no
    /// reason to refuse the photo.
    pub(super) fn tiff_orientation(t: &[u8]) -> Option<u8> {
        let big = match t.get(..2)? {
            b"MM" => true,
            b"II" => false,
            _ => return None,
        };
        let u16_at = |at| if big { be16(t, at) } else { le16(t, at) };
        let u32_at = |at| if big { be32(t, at) } else { le32(t, at) };
        if u16_at(2)? != 42 {
            return None;
        }
        let ifd = usize::try_from(u32_at(4)?).ok()?;
        let count = usize::from(u16_at(ifd)?);
        // Each entry: tag (2), type (2), count (4), value or offset (4); a SHORT sits in the
        // first two bytes of the value field.
        let entry = (0..count).map_while(|i| ifd.checked_add(2 + 12 * i)).find(|&e| u16_at(e) == Some(ORIENTATION))?;
        if u16_at(entry + 2)? != SHORT {
            return None;
        }
        let value = u8::try_from(u16_at(entry + 8)?).ok()?;
        (1..=8).contains(&value).then_some(value)
    }
}

/// JPEG: a chain of marker segments up to the scan, then entropy-coded data up to EOI.
mod jpeg {
    use super::{CleanImage, Cow, ImageKind, PhotoError, be16, exif, span};

    const SOI: u8 = 0xD8;
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    const APP0: u8 = 0xE0;
    const APP1: u8 = 0xE1;
    const APP2: u8 = 0xE2;
    const APP14: u8 = 0xEE;
    /// Table and frame markers a decoder needs: DHT, DAC, DQT, DNL, DRI.
    const TABLES: [u8; 5] = [0xC4, 0xCC, 0xDB, 0xDC, 0xDD];
    /// The JFIF APP0 header without a thumbnail: identifier (5), version (2), units (1),
    /// densities (4), thumbnail size (2).
    const JFIF_LEN: usize = 14;

    /// What the walk over the segments has found so far.
    struct Walk {
        out: Vec<u8>,
        orientation: Option<u8>,
        size: Option<(u32, u32)>,
        scanned: bool,
    }

    /// Copies the segments a decoder needs, in order, and stops at the first EOI: whatever
    /// follows it (MPF secondary images, vendor trailers, each with its own EXIF) is dropped.
    pub(super) fn clean(b: &[u8]) -> Result<CleanImage, PhotoError> {
        let mut w = Walk { out: Vec::with_capacity(b.len()), orientation: None, size: None, scanned: false };
        w.out.extend_from_slice(&[0xFF, SOI]);
        let mut pos = 2;
        loop {
            let (marker, after) = next_marker(b, pos)?;
            pos = match marker {
                EOI => break,
                SOI => return Err(PhotoError::Corrupt),
                // Standalone markers (TEM, RSTn) carry no length and nothing private.
                0x01 | 0xD0..=0xD7 => {
                    w.out.extend_from_slice(&[0xFF, marker]);
                    after
                }
                _ => w.segment(b, marker, after)?,
            };
        }
        let (width, height) = w.size.filter(|_| w.scanned).ok_or(PhotoError::Corrupt)?;
        w.out.extend_from_slice(&[0xFF, EOI]);
        let orientation = w.orientation.unwrap_or(1);
        Ok(CleanImage { kind: ImageKind::Jpeg, bytes: w.out, orientation, width, height })
    }

    /// The marker starting at `pos` and the position after it. Any number of 0xFF fill bytes
    /// may precede the marker code.
    fn next_marker(b: &[u8], pos: usize) -> Result<(u8, usize), PhotoError> {
        if b.get(pos) != Some(&0xFF) {
            return Err(PhotoError::Corrupt);
        }
        let rest = b.get(pos..).unwrap_or_default();
        match rest.iter().enumerate().find(|&(_, &x)| x != 0xFF) {
            Some((_, 0)) | None => Err(PhotoError::Corrupt),
            Some((i, &code)) => Ok((code, pos + i + 1)),
        }
    }

    impl Walk {
        /// Reads the segment whose length field is at `pos`, copies it when kept, and returns
        /// where the next marker starts (after the entropy-coded data for a scan).
        fn segment(&mut self, b: &[u8], marker: u8, pos: usize) -> Result<usize, PhotoError> {
            let len = usize::from(be16(b, pos).ok_or(PhotoError::Corrupt)?);
            let payload = span(b, pos + 2, len.checked_sub(2).ok_or(PhotoError::Corrupt)?)?;
            let end = pos + len;
            self.note(marker, payload)?;
            if let Some(kept) = kept(marker, payload) {
                let len = u16::try_from(kept.len() + 2).map_err(|_| PhotoError::Corrupt)?;
                self.out.extend_from_slice(&[0xFF, marker]);
                self.out.extend_from_slice(&len.to_be_bytes());
                self.out.extend_from_slice(&kept);
            }
            if marker != SOS {
                return Ok(end);
            }
            let stop = entropy_end(b, end)?;
            self.out.extend_from_slice(b.get(end..stop).ok_or(PhotoError::Corrupt)?);
            self.scanned = true;
            Ok(stop)
        }

        /// Takes what is needed from a segment before it may be dropped: the frame size and the
        /// orientation. A scan before any frame header has no size to be drawn at.
        fn note(&mut self, marker: u8, payload: &[u8]) -> Result<(), PhotoError> {
            if is_sof(marker) && self.size.is_none() {
                self.size = Some(frame_size(payload)?);
            } else if marker == SOS && self.size.is_none() {
                return Err(PhotoError::Corrupt);
            } else if marker == APP1 && self.orientation.is_none() && payload.starts_with(b"Exif\0\0") {
                self.orientation = exif::orientation(payload);
            }
            Ok(())
        }
    }

    /// SOF0..SOF15, except the codes in that range that are not frame headers (DHT, JPG, DAC).
    fn is_sof(marker: u8) -> bool {
        matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
    }

    /// Width and height of a frame header: precision (1), height (2), width (2), components
    /// (1), then 3 bytes per component. A height of 0 (deferred to a DNL) is refused: browsers
    /// do not support it and the page needs the size.
    fn frame_size(p: &[u8]) -> Result<(u32, u32), PhotoError> {
        let (h, w, n) = (be16(p, 1), be16(p, 3), p.get(5));
        match (h, w, n) {
            (Some(h), Some(w), Some(&n)) if h > 0 && w > 0 && n > 0 && p.len() >= 6 + 3 * usize::from(n) => {
                Ok((u32::from(w), u32::from(h)))
            }
            _ => Err(PhotoError::Corrupt),
        }
    }

    /// The payload to write for a segment, or `None` to drop it. Kept: JFIF (without its
    /// thumbnail, which may show what was cropped out), ICC profiles (colours), Adobe APP14
    /// (colour transform), tables, frame headers and scans. Dropped: EXIF/XMP (APP1), COM, MPF
    /// and every other APPn, and anything unknown.
    fn kept(marker: u8, payload: &[u8]) -> Option<Cow<'_, [u8]>> {
        match marker {
            APP0 if payload.starts_with(b"JFIF\0") => jfif_without_thumbnail(payload),
            APP2 if payload.starts_with(b"ICC_PROFILE\0") => Some(Cow::Borrowed(payload)),
            APP14 if payload.starts_with(b"Adobe") => Some(Cow::Borrowed(payload)),
            SOS => Some(Cow::Borrowed(payload)),
            m if is_sof(m) || TABLES.contains(&m) => Some(Cow::Borrowed(payload)),
            _ => None,
        }
    }

    /// The JFIF header with its thumbnail size set to 0x0 and the thumbnail pixels cut off;
    /// unchanged when it has none. A header too short to be JFIF is dropped.
    fn jfif_without_thumbnail(payload: &[u8]) -> Option<Cow<'_, [u8]>> {
        let header = payload.get(..JFIF_LEN)?;
        if payload.len() == JFIF_LEN && header.ends_with(&[0, 0]) {
            return Some(Cow::Borrowed(payload));
        }
        Some(Cow::Owned([header.get(..JFIF_LEN - 2)?, &[0, 0]].concat()))
    }

    /// Where the entropy-coded data starting at `from` ends: at the first 0xFF that starts a
    /// real marker, i.e. is not a stuffed 0xFF00, a restart marker or a fill byte. Running out
    /// of bytes first means the file was cut short.
    fn entropy_end(b: &[u8], from: usize) -> Result<usize, PhotoError> {
        let mut i = from;
        loop {
            let rest = b.get(i..).ok_or(PhotoError::Corrupt)?;
            let ff = i + rest.iter().position(|&x| x == 0xFF).ok_or(PhotoError::Corrupt)?;
            i = match b.get(ff + 1) {
                None => return Err(PhotoError::Corrupt),
                Some(0x00 | 0xD0..=0xD7) => ff + 2,
                Some(0xFF) => ff + 1,
                Some(_) => return Ok(ff),
            };
        }
    }
}

/// PNG: a signature, then length-type-data-CRC chunks from IHDR to IEND.
mod png {
    use super::{CleanImage, ImageKind, PhotoError, be32, exif, span};

    /// The 8 bytes every PNG starts with.
    pub(super) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    /// The chunks needed to draw the picture as intended; all others (tEXt, zTXt, iTXt, eXIf,
    /// tIME, unknown) are dropped.
    const KEPT: [&[u8; 4]; 11] =
        [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs"];
    /// The largest chunk length the format allows.
    const MAX_LEN: u32 = 0x7FFF_FFFF;

    /// One chunk: its type, its data and all of its bytes (to copy it unchanged).
    struct Chunk<'a> {
        kind: &'a [u8],
        data: &'a [u8],
        raw: &'a [u8],
    }

    /// Copies the kept chunks up to IEND; bytes after IEND are dropped.
    pub(super) fn clean(b: &[u8]) -> Result<CleanImage, PhotoError> {
        let mut out = SIGNATURE.to_vec();
        let first = chunk(b, SIGNATURE.len())?;
        if first.kind != b"IHDR" {
            return Err(PhotoError::Corrupt);
        }
        let (width, height) = ihdr_size(first.data)?;
        out.extend_from_slice(first.raw);
        let mut pos = SIGNATURE.len() + first.raw.len();
        let (mut orientation, mut has_data) = (None, false);
        loop {
            let c = chunk(b, pos)?;
            pos += c.raw.len();
            match c.kind {
                b"IHDR" => return Err(PhotoError::Corrupt),
                b"IDAT" => has_data = true,
                b"eXIf" if orientation.is_none() => orientation = exif::tiff_orientation(c.data),
                _ => {}
            }
            if KEPT.iter().any(|k| k.as_slice() == c.kind) {
                out.extend_from_slice(c.raw);
            }
            if c.kind == b"IEND" {
                break;
            }
        }
        if !has_data {
            return Err(PhotoError::Corrupt);
        }
        let orientation = orientation.unwrap_or(1);
        Ok(CleanImage { kind: ImageKind::Png, bytes: out, orientation, width, height })
    }

    /// The chunk at `pos`, its CRC checked: a bad CRC means the file was damaged on the way.
    fn chunk(b: &[u8], pos: usize) -> Result<Chunk<'_>, PhotoError> {
        let len = be32(b, pos).filter(|&l| l <= MAX_LEN).ok_or(PhotoError::Corrupt)?;
        let len = usize::try_from(len).map_err(|_| PhotoError::Corrupt)?;
        let raw = span(b, pos, len.checked_add(12).ok_or(PhotoError::Corrupt)?)?;
        let kind = span(raw, 4, 4)?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(PhotoError::Corrupt);
        }
        let crc = be32(raw, 8 + len).ok_or(PhotoError::Corrupt)?;
        if crc32(span(raw, 4, 4 + len)?) != crc {
            return Err(PhotoError::Corrupt);
        }
        Ok(Chunk { kind, data: span(raw, 8, len)?, raw })
    }

    /// Width and height from IHDR (13 bytes: width, height, then five one-byte fields); both
    /// must be 1..=2^31-1.
    fn ihdr_size(data: &[u8]) -> Result<(u32, u32), PhotoError> {
        let valid = |v: Option<u32>| v.filter(|v| (1..=MAX_LEN).contains(v));
        match (data.len(), valid(be32(data, 0)), valid(be32(data, 4))) {
            (13, Some(w), Some(h)) => Ok((w, h)),
            _ => Err(PhotoError::Corrupt),
        }
    }

    /// CRC-32 as PNG (and zip) use it: reflected polynomial 0xEDB88320, built into a table at
    /// compile time so no crate is needed.
    pub(super) fn crc32(data: &[u8]) -> u32 {
        !data.iter().fold(!0u32, |c, &byte| CRC_TABLE[usize::from((c as u8) ^ byte)] ^ (c >> 8))
    }

    /// The CRC of every byte value, for `crc32`.
    const CRC_TABLE: [u32; 256] = crc_table();

    /// Builds `CRC_TABLE` (a `const fn`, hence the `while` loops).
    const fn crc_table() -> [u32; 256] {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    }
}

/// WebP: a RIFF container of chunks, each padded to an even size.
mod webp {
    use super::{CleanImage, ImageKind, PhotoError, exif, le16, le24, le32, span};

    /// VP8X flag bit saying an EXIF chunk follows; cleared since that chunk is dropped.
    const EXIF_FLAG: u8 = 0x08;
    /// VP8X flag bit saying an XMP chunk follows; cleared since that chunk is dropped.
    const XMP_FLAG: u8 = 0x04;
    /// "RIFF", size, "WEBP".
    const HEADER_LEN: usize = 12;
    /// The chunks needed to draw the picture; EXIF, XMP and unknown chunks are dropped.
    const KEPT: [&[u8; 4]; 7] = [b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ICCP", b"ANIM", b"ANMF"];

    /// What the walk over the chunks has found so far.
    #[derive(Default)]
    struct Walk {
        out: Vec<u8>,
        canvas: Option<(u32, u32)>,
        frame: Option<(u32, u32)>,
        has_data: bool,
        orientation: Option<u8>,
    }

    /// Copies the kept chunks and rewrites the RIFF size; bytes after the RIFF data are dropped.
    pub(super) fn clean(b: &[u8]) -> Result<CleanImage, PhotoError> {
        let riff_len = usize::try_from(le32(b, 4).ok_or(PhotoError::Corrupt)?).map_err(|_| PhotoError::Corrupt)?;
        let body = span(b, HEADER_LEN, riff_len.checked_sub(4).ok_or(PhotoError::Corrupt)?)?;
        let mut w = Walk { out: b"RIFF\0\0\0\0WEBP".to_vec(), ..Walk::default() };
        let mut pos = 0;
        while pos < body.len() {
            let (fourcc, payload, next) = chunk(body, pos)?;
            // The first chunk says which layout the file has; nothing may come before it.
            let first = pos == 0;
            if (first && !matches!(fourcc, b"VP8X" | b"VP8 " | b"VP8L")) || (!first && fourcc == b"VP8X") {
                return Err(PhotoError::Corrupt);
            }
            w.chunk(fourcc, payload)?;
            pos = next;
        }
        let (width, height) = w.canvas.or(w.frame).filter(|_| w.has_data).ok_or(PhotoError::Corrupt)?;
        let riff_len = u32::try_from(w.out.len() - 8).map_err(|_| PhotoError::Corrupt)?;
        if let Some(size) = w.out.get_mut(4..8) {
            size.copy_from_slice(&riff_len.to_le_bytes());
        }
        let orientation = w.orientation.unwrap_or(1);
        Ok(CleanImage { kind: ImageKind::Webp, bytes: w.out, orientation, width, height })
    }

    /// The chunk at `pos` in the RIFF body: its FourCC, its payload and where the next chunk
    /// starts. A missing padding byte after the last chunk is tolerated (some encoders omit it).
    fn chunk(body: &[u8], pos: usize) -> Result<(&[u8], &[u8], usize), PhotoError> {
        let fourcc = span(body, pos, 4)?;
        let len = usize::try_from(le32(body, pos + 4).ok_or(PhotoError::Corrupt)?).map_err(|_| PhotoError::Corrupt)?;
        let payload = span(body, pos + 8, len)?;
        Ok((fourcc, payload, pos + 8 + len + (len & 1)))
    }

    impl Walk {
        /// Notes what a chunk tells and copies it when kept.
        fn chunk(&mut self, fourcc: &[u8], payload: &[u8]) -> Result<(), PhotoError> {
            match fourcc {
                b"VP8X" => return self.vp8x(payload),
                b"VP8 " | b"VP8L" => {
                    let size = if fourcc == b"VP8 " { vp8_size(payload)? } else { vp8l_size(payload)? };
                    self.frame.get_or_insert(size);
                    self.has_data = true;
                }
                b"ANMF" => self.has_data = true,
                b"EXIF" if self.orientation.is_none() => self.orientation = exif::orientation(payload),
                _ => {}
            }
            if KEPT.iter().any(|k| k.as_slice() == fourcc) {
                self.write(fourcc, payload);
            }
            Ok(())
        }

        /// The extended header: flags (1), reserved (3), canvas width-1 (3), height-1 (3). The
        /// EXIF and XMP flags are cleared so that readers do not look for the dropped chunks.
        fn vp8x(&mut self, payload: &[u8]) -> Result<(), PhotoError> {
            let (w, h) = (le24(payload, 4), le24(payload, 7));
            let (Some(&flags), Some(w), Some(h)) = (payload.first(), w, h) else {
                return Err(PhotoError::Corrupt);
            };
            self.canvas = Some((w + 1, h + 1));
            let rest = payload.get(1..).unwrap_or_default();
            self.write(b"VP8X", &[&[flags & !(EXIF_FLAG | XMP_FLAG)], rest].concat());
            Ok(())
        }

        /// Writes a chunk with its size and, for an odd size, a zero padding byte.
        fn write(&mut self, fourcc: &[u8], payload: &[u8]) {
            self.out.extend_from_slice(fourcc);
            // The payload is a slice of an upload of at most MAX_PHOTO_BYTES, so it fits.
            self.out.extend_from_slice(&u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes());
            self.out.extend_from_slice(payload);
            if payload.len() % 2 == 1 {
                self.out.push(0);
            }
        }
    }

    /// The size in a lossy key frame: frame tag (3 bytes, bit 0 clear for a key frame), start
    /// code 9d 01 2a, then 14-bit width and height (the top two bits are scaling).
    fn vp8_size(p: &[u8]) -> Result<(u32, u32), PhotoError> {
        let key_frame = p.first().is_some_and(|tag| tag & 1 == 0);
        let start_code = p.get(3..6) == Some(&[0x9D, 0x01, 0x2A]);
        let size = le16(p, 6).zip(le16(p, 8)).map(|(w, h)| (u32::from(w & 0x3FFF), u32::from(h & 0x3FFF)));
        match size {
            Some((w, h)) if key_frame && start_code && w > 0 && h > 0 => Ok((w, h)),
            _ => Err(PhotoError::Corrupt),
        }
    }

    /// The size in a lossless header: signature 0x2f, then 14-bit width-1, 14-bit height-1,
    /// alpha hint (1 bit) and a 3-bit version that must be 0.
    fn vp8l_size(p: &[u8]) -> Result<(u32, u32), PhotoError> {
        match (p.first(), le32(p, 1)) {
            (Some(0x2F), Some(bits)) if bits >> 29 == 0 => Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)),
            _ => Err(PhotoError::Corrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRETS: [&[u8]; 3] = [b"GPS-SECRET", b"Canon", b"Author"];

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn assert_no_secrets(bytes: &[u8]) {
        for s in SECRETS {
            assert!(!contains(bytes, s), "{} survived", String::from_utf8_lossy(s));
        }
    }

    /// A TIFF block as a phone writes it: IFD0 with Make "Canon", the orientation and a pointer
    /// to a GPS IFD whose data reads "GPS-SECRET".
    fn tiff(big_endian: bool, orientation: u16) -> Vec<u8> {
        let w16 = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let w32 = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let entry =
            |tag: u16, typ: u16, count: u32, value: [u8; 4]| [&w16(tag)[..], &w16(typ), &w32(count), &value].concat();
        let mut orient = [0u8; 4];
        orient[..2].copy_from_slice(&w16(orientation));
        [
            if big_endian { b"MM".to_vec() } else { b"II".to_vec() },
            w16(42).to_vec(),
            w32(8).to_vec(),
            w16(3).to_vec(),
            entry(0x010F, 2, 6, w32(50)),
            entry(0x0112, 3, 1, orient),
            entry(0x8825, 4, 1, w32(56)),
            w32(0).to_vec(),
            b"Canon\0".to_vec(), // at 50
            w16(1).to_vec(),     // GPS IFD at 56
            entry(0x001B, 7, 10, w32(74)),
            w32(0).to_vec(),
            b"GPS-SECRET".to_vec(), // at 74
        ]
        .concat()
    }

    // ---- JPEG ----

    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len() + 2).unwrap();
        [&[0xFF, marker][..], &len.to_be_bytes(), payload].concat()
    }

    fn jfif() -> Vec<u8> {
        seg(0xE0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    }

    fn dqt() -> Vec<u8> {
        seg(0xDB, &[&[0u8][..], &(1..=64).collect::<Vec<u8>>()].concat())
    }

    fn sof(marker: u8, width: u16, height: u16) -> Vec<u8> {
        seg(marker, &[&[8u8][..], &height.to_be_bytes(), &width.to_be_bytes(), &[1, 1, 0x11, 0]].concat())
    }

    fn dht() -> Vec<u8> {
        let mut counts = [0u8; 16];
        counts[0] = 1;
        seg(0xC4, &[&[0u8][..], &counts, &[0]].concat())
    }

    fn sos() -> Vec<u8> {
        seg(0xDA, &[1, 1, 0, 0, 0x3F, 0])
    }

    /// Entropy-coded bytes with a stuffed 0xFF00 and a restart marker, which must not end the scan.
    const ENTROPY: [u8; 7] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56];

    /// The segments a cleaned version of `phone_jpeg` must consist of, in order.
    fn expected_jpeg() -> Vec<u8> {
        [vec![0xFF, 0xD8], jfif(), dqt(), sof(0xC0, 16, 8), dht(), sos(), ENTROPY.to_vec(), vec![0xFF, 0xD9]].concat()
    }

    /// A baseline JPEG as a phone writes it: EXIF with GPS and orientation 6, a comment, fill
    /// bytes before a marker, and a trailer after EOI (as MPF secondary images are).
    fn phone_jpeg() -> Vec<u8> {
        [
            vec![0xFF, 0xD8],
            jfif(),
            seg(0xE1, &[&b"Exif\0\0"[..], &tiff(false, 6)].concat()),
            seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS-SECRET</x:xmpmeta>"),
            seg(0xFE, b"Canon EOS, GPS-SECRET"),
            vec![0xFF, 0xFF], // fill bytes
            dqt(),
            sof(0xC0, 16, 8),
            dht(),
            sos(),
            ENTROPY.to_vec(),
            vec![0xFF, 0xD9],
        ]
        .concat()
    }

    fn jpeg_with_trailer() -> Vec<u8> {
        [phone_jpeg(), b"MPF trailer GPS-SECRET".to_vec()].concat()
    }

    /// A progressive JPEG: two scans, with a table and a comment between them.
    fn progressive_jpeg() -> Vec<u8> {
        [
            vec![0xFF, 0xD8],
            seg(0xE2, b"ICC_PROFILE\0\x01\x01fake-profile"),
            seg(0xEE, b"Adobe\0\x64\0\0\0\0\x01"),
            dqt(),
            sof(0xC2, 640, 480),
            dht(),
            sos(),
            vec![0x01, 0x02],
            seg(0xFE, b"GPS-SECRET between scans"),
            dht(),
            sos(),
            vec![0x03, 0x04],
            vec![0xFF, 0xD9],
        ]
        .concat()
    }

    #[test]
    fn jpeg_loses_exif_xmp_comment_and_trailer_and_keeps_the_rest_byte_identical() {
        let img = clean(&jpeg_with_trailer()).unwrap();
        assert_eq!(img.kind, ImageKind::Jpeg);
        assert_eq!(img.bytes, expected_jpeg());
        assert_no_secrets(&img.bytes);
        assert_eq!((img.width, img.height, img.orientation), (16, 8, 6));
    }

    #[test]
    fn cleaning_a_clean_jpeg_changes_nothing() {
        let once = clean(&phone_jpeg()).unwrap();
        let twice = clean(&once.bytes).unwrap();
        assert_eq!(twice.bytes, once.bytes);
        // The EXIF is gone, so the second pass no longer knows the orientation: store the first.
        assert_eq!(twice.orientation, 1);
    }

    #[test]
    fn progressive_jpeg_keeps_every_scan_and_colour_segment_and_drops_comments_between_scans() {
        let src = progressive_jpeg();
        let img = clean(&src).unwrap();
        let comment = seg(0xFE, b"GPS-SECRET between scans");
        let expected: Vec<u8> = {
            let at = src.windows(comment.len()).position(|w| w == comment.as_slice()).unwrap();
            [&src[..at], &src[at + comment.len()..]].concat()
        };
        assert_eq!(img.bytes, expected);
        assert_eq!((img.width, img.height, img.orientation), (640, 480, 1));
    }

    #[test]
    fn jfif_thumbnail_is_cut_off() {
        let thumb = seg(0xE0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x01\x01\xAA\xBB\xCC");
        let src = [vec![0xFF, 0xD8], thumb, dqt(), sof(0xC0, 16, 8), dht(), sos(), ENTROPY.to_vec(), vec![0xFF, 0xD9]]
            .concat();
        assert_eq!(clean(&src).unwrap().bytes, expected_jpeg());
    }

    #[test]
    fn truncated_or_headless_jpegs_are_corrupt() {
        let full = phone_jpeg();
        // Cut inside the entropy-coded data (no EOI), and inside the DQT segment.
        assert_eq!(clean(&full[..full.len() - 4]), Err(PhotoError::Corrupt));
        let dqt_at = full.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        assert_eq!(clean(&full[..dqt_at + 10]), Err(PhotoError::Corrupt));
        // A scan with no frame header has no size.
        let no_sof = [vec![0xFF, 0xD8], dqt(), dht(), sos(), ENTROPY.to_vec(), vec![0xFF, 0xD9]].concat();
        assert_eq!(clean(&no_sof), Err(PhotoError::Corrupt));
        // EOI before any scan: no image data.
        let no_scan = [vec![0xFF, 0xD8], dqt(), sof(0xC0, 16, 8), vec![0xFF, 0xD9]].concat();
        assert_eq!(clean(&no_scan), Err(PhotoError::Corrupt));
        // A zero height.
        let zero = [vec![0xFF, 0xD8], sof(0xC0, 16, 0), sos(), ENTROPY.to_vec(), vec![0xFF, 0xD9]].concat();
        assert_eq!(clean(&zero), Err(PhotoError::Corrupt));
    }

    #[test]
    fn tiff_orientation_reads_both_byte_orders_and_ignores_garbage() {
        assert_eq!(exif::tiff_orientation(&tiff(false, 6)), Some(6));
        assert_eq!(exif::tiff_orientation(&tiff(true, 8)), Some(8));
        assert_eq!(exif::orientation(&[&b"Exif\0\0"[..], &tiff(true, 3)].concat()), Some(3));
        assert_eq!(exif::tiff_orientation(&tiff(false, 9)), None);
        assert_eq!(exif::tiff_orientation(&tiff(false, 6)[..20]), None);
        assert_eq!(exif::tiff_orientation(b"XX*\0\x08\0\0\0"), None);
    }

    // ---- PNG ----

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let len = u32::try_from(data.len()).unwrap();
        let crc = png::crc32(&[&kind[..], data].concat());
        [&len.to_be_bytes()[..], kind, data, &crc.to_be_bytes()].concat()
    }

    fn ihdr() -> Vec<u8> {
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
    }

    fn phys() -> Vec<u8> {
        chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1])
    }

    /// A zlib stream (one stored block) of the single 1x1 greyscale row: filter 0, pixel 0.
    fn idat() -> Vec<u8> {
        chunk(b"IDAT", &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
    }

    fn iend() -> Vec<u8> {
        chunk(b"IEND", &[])
    }

    /// A real 1x1 PNG with an author, a time stamp and EXIF (orientation 6, GPS).
    fn phone_png() -> Vec<u8> {
        [
            png::SIGNATURE.to_vec(),
            ihdr(),
            chunk(b"tEXt", b"Author\0Jane Doe"),
            chunk(b"eXIf", &tiff(true, 6)),
            phys(),
            chunk(b"tIME", &[0x07, 0xE9, 1, 2, 3, 4, 5]),
            idat(),
            iend(),
        ]
        .concat()
    }

    #[test]
    fn crc32_matches_known_values() {
        assert_eq!(png::crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(png::crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(iend()[8..], [0xAE, 0x42, 0x60, 0x82]);
    }

    #[test]
    fn png_loses_text_time_and_exif_and_stays_valid() {
        let img = clean(&phone_png()).unwrap();
        assert_eq!(img.kind, ImageKind::Png);
        assert_eq!(img.bytes, [png::SIGNATURE.to_vec(), ihdr(), phys(), idat(), iend()].concat());
        assert_no_secrets(&img.bytes);
        assert!(!contains(&img.bytes, b"eXIf") && !contains(&img.bytes, b"tIME"));
        assert_eq!((img.width, img.height, img.orientation), (1, 1, 6));
        assert_eq!(clean(&img.bytes).unwrap().bytes, img.bytes, "cleaning is idempotent");
    }

    #[test]
    fn broken_pngs_are_corrupt() {
        let mut bad_crc = phone_png();
        let last = bad_crc.len() - 1;
        bad_crc[last] ^= 1;
        assert_eq!(clean(&bad_crc), Err(PhotoError::Corrupt));
        let no_idat = [png::SIGNATURE.to_vec(), ihdr(), iend()].concat();
        assert_eq!(clean(&no_idat), Err(PhotoError::Corrupt));
        let ihdr_late = [png::SIGNATURE.to_vec(), phys(), ihdr(), idat(), iend()].concat();
        assert_eq!(clean(&ihdr_late), Err(PhotoError::Corrupt));
        let no_iend = [png::SIGNATURE.to_vec(), ihdr(), idat()].concat();
        assert_eq!(clean(&no_iend), Err(PhotoError::Corrupt));
        let zero_width =
            [png::SIGNATURE.to_vec(), chunk(b"IHDR", &[0, 0, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0]), idat(), iend()];
        assert_eq!(clean(&zero_width.concat()), Err(PhotoError::Corrupt));
    }

    // ---- WebP ----

    fn riff_chunk(fourcc: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let len = u32::try_from(payload.len()).unwrap();
        let pad = if payload.len() % 2 == 1 { vec![0] } else { vec![] };
        [&fourcc[..], &len.to_le_bytes(), payload, &pad].concat()
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = chunks.concat();
        let len = u32::try_from(body.len() + 4).unwrap();
        [&b"RIFF"[..], &len.to_le_bytes(), b"WEBP", &body].concat()
    }

    /// A 2x3 lossless frame with alpha; 7 bytes, so it is padded.
    fn vp8l() -> Vec<u8> {
        let bits: u32 = 1 | (2 << 14) | (1 << 28);
        riff_chunk(b"VP8L", &[&[0x2F][..], &bits.to_le_bytes(), &[0xAB, 0xCD]].concat())
    }

    fn vp8x(flags: u8) -> Vec<u8> {
        riff_chunk(b"VP8X", &[flags, 0, 0, 0, 1, 0, 0, 2, 0, 0])
    }

    /// An extended WebP with EXIF (orientation 6, with the "Exif\0\0" prefix) and XMP.
    fn phone_webp() -> Vec<u8> {
        riff(&[
            vp8x(0x10 | 0x08 | 0x04),
            vp8l(),
            riff_chunk(b"EXIF", &[&b"Exif\0\0"[..], &tiff(false, 6)].concat()),
            riff_chunk(b"XMP ", b"<x:xmpmeta>GPS-SECRET</x:xmpmeta>"),
        ])
    }

    #[test]
    fn webp_loses_exif_and_xmp_and_clears_their_flags() {
        let img = clean(&phone_webp()).unwrap();
        assert_eq!(img.kind, ImageKind::Webp);
        assert_eq!(img.bytes, riff(&[vp8x(0x10), vp8l()]));
        assert_eq!(img.bytes[20], 0x10, "only the alpha flag is left");
        assert_eq!(le32(&img.bytes, 4), Some(u32::try_from(img.bytes.len() - 8).unwrap()));
        assert!(!contains(&img.bytes, b"EXIF") && !contains(&img.bytes, b"XMP "));
        assert_no_secrets(&img.bytes);
        assert_eq!((img.width, img.height, img.orientation), (2, 3, 6));
        assert_eq!(clean(&img.bytes).unwrap().bytes, img.bytes, "cleaning is idempotent");
    }

    #[test]
    fn webp_exif_without_prefix_and_lossy_frames_are_read() {
        let frame = riff_chunk(b"VP8 ", &[0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, 16, 0, 8, 0, 0x11, 0x22]);
        let src = riff(&[vp8x(0x08), frame.clone(), riff_chunk(b"EXIF", &tiff(true, 8))]);
        let img = clean(&src).unwrap();
        assert_eq!(img.bytes, riff(&[vp8x(0), frame.clone()]));
        assert_eq!((img.width, img.height, img.orientation), (1 + 1, 2 + 1, 8), "the canvas size wins");
        let simple = clean(&riff(&[frame])).unwrap();
        assert_eq!((simple.width, simple.height, simple.orientation), (16, 8, 1));
    }

    #[test]
    fn broken_webps_are_corrupt() {
        let mut too_long = phone_webp();
        let claimed = u32::try_from(too_long.len()).unwrap();
        too_long[4..8].copy_from_slice(&claimed.to_le_bytes());
        assert_eq!(clean(&too_long), Err(PhotoError::Corrupt), "RIFF size beyond the file");
        let no_frame = riff(&[vp8x(0x10)]);
        assert_eq!(clean(&no_frame), Err(PhotoError::Corrupt));
        let bad_start_code = riff(&[riff_chunk(b"VP8 ", &[0x50, 0x01, 0x00, 0x9D, 0x01, 0x2B, 16, 0, 8, 0])]);
        assert_eq!(clean(&bad_start_code), Err(PhotoError::Corrupt));
        let exif_first = riff(&[riff_chunk(b"EXIF", &tiff(true, 8)), vp8l()]);
        assert_eq!(clean(&exif_first), Err(PhotoError::Corrupt));
    }

    // ---- Refusals and the small API ----

    #[test]
    fn non_images_empty_and_oversized_files_are_refused() {
        assert_eq!(clean(b"GIF89a\x01\x00\x01\x00\x80\x00\x00"), Err(PhotoError::NotAnImage));
        assert_eq!(clean(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Err(PhotoError::NotAnImage));
        assert_eq!(clean(b"hello, not a photo"), Err(PhotoError::NotAnImage));
        assert_eq!(clean(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Err(PhotoError::NotAnImage));
        assert_eq!(clean(b"RIFF\x04\0\0\0WAVE"), Err(PhotoError::NotAnImage));
        assert_eq!(clean(&[]), Err(PhotoError::Empty));
        let mut huge = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert_eq!(clean(&huge), Err(PhotoError::TooLarge));
        huge[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert_eq!(clean(&huge), Err(PhotoError::TooLarge), "size is checked before content");
        assert_eq!(clean(&huge[..MAX_PHOTO_BYTES]), Err(PhotoError::Corrupt), "exactly the limit is read");
    }

    #[test]
    fn kinds_and_errors_name_themselves() {
        for kind in [ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp] {
            assert_eq!(ImageKind::from_mime(kind.mime()), Some(kind));
        }
        assert_eq!(ImageKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(ImageKind::Webp.mime(), "image/webp");
        assert_eq!(
            [ImageKind::Jpeg.extension(), ImageKind::Png.extension(), ImageKind::Webp.extension()],
            ["jpg", "png", "webp"]
        );
        assert_eq!(ImageKind::from_mime(" Image/JPG "), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::from_mime("image/heic"), None);
        let keys =
            [PhotoError::Empty, PhotoError::TooLarge, PhotoError::NotAnImage, PhotoError::Corrupt].map(PhotoError::key);
        assert_eq!(keys, ["err.photo_empty", "err.photo_too_large", "err.photo_type", "err.photo_corrupt"]);
    }

    // ---- Never panics ----

    /// What any accepted mutant must still satisfy: nothing was added (a WebP may gain the one
    /// padding byte its last chunk lacked) and a second pass changes nothing. Whether metadata
    /// survives is not checked here: a flipped marker byte can legitimately turn a comment into
    /// what a decoder too would read as pixel data or a table.
    fn check_mutant(bytes: &[u8]) {
        if let Ok(img) = clean(bytes) {
            assert!(img.bytes.len() <= bytes.len() + 1, "cleaning added bytes");
            let again = clean(&img.bytes).expect("a cleaned image is accepted again");
            assert_eq!(again.bytes, img.bytes);
            assert_eq!((again.kind, again.width, again.height), (img.kind, img.width, img.height));
        }
    }

    #[test]
    fn truncated_and_mutated_images_never_panic() {
        let samples = [phone_jpeg(), progressive_jpeg(), phone_png(), phone_webp(), riff(&[vp8x(0x2C), vp8l()])];
        for s in &samples {
            assert!(clean(s).is_ok());
            // Every proper prefix lacks the end of the file, so it must be refused.
            for cut in 0..s.len() {
                assert!(clean(&s[..cut]).is_err(), "prefix of {cut} bytes accepted");
            }
            for i in 0..s.len() {
                for mask in [0x01, 0x80, 0xFF] {
                    let mut m = s.clone();
                    m[i] ^= mask;
                    check_mutant(&m);
                }
            }
            // Several bytes changed at once, at pseudo-random places (a fixed LCG, so that a
            // failure can be replayed).
            let mut seed: u64 = 0x5EED;
            let mut next = || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                usize::try_from(seed >> 33).unwrap()
            };
            for _ in 0..500 {
                let mut m = s.clone();
                for _ in 0..1 + next() % 4 {
                    let at = next() % m.len();
                    m[at] = u8::try_from(next() % 256).unwrap();
                }
                check_mutant(&m);
            }
        }
    }
}
