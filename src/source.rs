//! Source files and byte spans. Every value a rule may point at carries a [`Span`];
//! line and column numbers are computed here, once, for every reporter.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// No template, plan or variables file vpclint reads is larger (CloudFormation takes 1 MB
/// templates; the largest real plans are tens of MB); this bounds memory on any input.
pub const MAX_SOURCE_BYTES: u64 = 256 << 20;

/// Reads a file as UTF-8 text, without the byte-order mark some editors write first
/// (Terraform, CloudFormation and every editor ignore it).
pub fn read(path: &Path) -> Result<Arc<str>, String> {
    read_at_most(path, MAX_SOURCE_BYTES, |len| {
        format!(
            "file is {} MB: too large (vpclint reads at most {} MB)",
            len >> 20,
            MAX_SOURCE_BYTES >> 20
        )
    })
}

/// [`read`], refusing a file of more than `limit` bytes with `too_large(its length)`.
pub fn read_at_most(
    path: &Path,
    limit: u64,
    too_large: impl FnOnce(u64) -> String,
) -> Result<Arc<str>, String> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| format!("cannot read file: {e}");
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    // Checked before reading: a huge (or sparse) file must not be loaded to be refused.
    let len = file.metadata().map_or(0, |metadata| metadata.len());
    if len > limit {
        return Err(too_large(len));
    }
    let mut file = file;
    let mut bytes = match read_exactly(&mut file, len as usize).map_err(cannot_read)? {
        Ok(whole) => return text_of(whole),
        Err(started) => started,
    };
    // The file's size changed since its `stat` (or it has none: a pipe): the rest, through
    // `take`, so that a file that grew is cut at the limit instead of read whole.
    let rest = (limit + 1).saturating_sub(bytes.len() as u64);
    file.take(rest)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    text_of(Arc::from(bytes))
}

/// The `len` bytes of `file` from its current position, read straight into the shared
/// allocation the text is kept in (no copy of a whole file, no second allocation of its
/// size); when the file does not end after exactly `len` bytes, what was read of it.
fn read_exactly(
    file: &mut std::fs::File,
    len: usize,
) -> std::io::Result<Result<Arc<[u8]>, Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Arc::<[u8]>::new_uninit_slice(len);
    let Some(uninit) = Arc::get_mut(&mut bytes) else {
        return Ok(Err(Vec::new()));
    };
    for byte in uninit.iter_mut() {
        byte.write(0);
    }
    // SAFETY: every byte was written just above.
    let mut bytes = unsafe { bytes.assume_init() };
    let Some(buffer) = Arc::get_mut(&mut bytes) else {
        return Ok(Err(Vec::new()));
    };
    let mut filled = 0;
    while filled < len {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => return Ok(Err(buffer[..filled].to_vec())),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut past_end = [0u8; 1];
    loop {
        match file.read(&mut past_end) {
            Ok(0) => return Ok(Ok(bytes)),
            Ok(_) => return Ok(Err([&bytes[..], &past_end].concat())),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The bytes of a file as text, without a leading byte-order mark.
fn text_of(bytes: Arc<[u8]>) -> Result<Arc<str>, String> {
    let text = std::str::from_utf8(&bytes).map_err(|_| "file is not valid UTF-8".to_string())?;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        return Ok(Arc::from(rest));
    }
    // SAFETY: the bytes are valid UTF-8 (checked above), and `str` has the layout of `[u8]`.
    Ok(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// An empty span at the start of a file, for whole-file diagnostics.
    pub fn file_start(file: FileId) -> Self {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }
}

/// 1-based line and column (column in Unicode code points, as SARIF's
/// `unicodeCodePoints` column kind and editors count them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path as given or discovered (relative to the working directory when it was given so).
    pub path: PathBuf,
    text: Text,
    /// Built on first use: most files of a large run never have a position looked up, and
    /// the index is a sixth of their size.
    lines: OnceLock<Lines>,
}

#[derive(Debug)]
enum Text {
    Kept(Arc<str>),
    /// Dropped once the unit was lowered ([`SourceMap::release`]); read again, for a
    /// snippet, only if the file is still the text that was read (else there is none).
    Released {
        fingerprint: u64,
        again: OnceLock<Option<Arc<str>>>,
    },
}

#[derive(Debug)]
struct Lines {
    starts: Vec<u32>,
    /// A column is then a byte difference: no counting along a minified megabyte line.
    ascii: bool,
    len: usize,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let mut starts = vec![0u32];
        // Eight bytes at a time: a byte-by-byte filter was 0.75% of a pre-commit run over a
        // module (170 KB of .tf), and `match_indices('\n')` pays a search call per line.
        let bytes = text.as_bytes();
        let mut words = bytes.chunks_exact(8);
        let mut offset = 0u32;
        for word in &mut words {
            let mut newlines =
                newline_bytes(u64::from_le_bytes(word.try_into().unwrap_or_default()));
            while newlines != 0 {
                starts.push(offset + newlines.trailing_zeros() / 8 + 1);
                newlines &= newlines - 1;
            }
            offset += 8;
        }
        for (i, byte) in words.remainder().iter().enumerate() {
            if *byte == b'\n' {
                starts.push(offset + i as u32 + 1);
            }
        }
        Lines {
            starts,
            ascii: text.is_ascii(),
            len: text.len(),
        }
    }
}

/// The high bit of each byte of `word` that is a `\n`, exactly (no borrow between bytes).
fn newline_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ 0x0a0a_0a0a_0a0a_0a0a;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

impl SourceFile {
    pub fn new(path: PathBuf, text: Arc<str>) -> Self {
        SourceFile {
            path,
            text: Text::Kept(text),
            lines: OnceLock::new(),
        }
    }

    /// The file's text: as read, or read again after [`SourceMap::release`] (empty when the
    /// file changed since: positions stay those of the text analyzed, snippets are left out).
    pub fn text(&self) -> &str {
        match &self.text {
            Text::Kept(text) => text,
            Text::Released { fingerprint, again } => again
                .get_or_init(|| {
                    let text = read(&self.path).ok()?;
                    let same =
                        text.len() == self.lines().len && fingerprint_of(&text) == *fingerprint;
                    same.then_some(text)
                })
                .as_deref()
                .unwrap_or_default(),
        }
    }

    /// [`SourceFile::text`], shared.
    pub fn shared_text(&self) -> Arc<str> {
        match &self.text {
            Text::Kept(text) => text.clone(),
            Text::Released { .. } => Arc::from(self.text()),
        }
    }

    /// This file without its text, if the text can be read again: a file of ASCII text (its
    /// columns are byte differences, known from the line index alone), not empty.
    fn released(&self) -> Option<SourceFile> {
        let Text::Kept(text) = &self.text else {
            return None;
        };
        let lines = Lines::of(text);
        if !lines.ascii || text.is_empty() {
            return None;
        }
        let fingerprint = fingerprint_of(text);
        Some(SourceFile {
            path: self.path.clone(),
            text: Text::Released {
                fingerprint,
                again: OnceLock::new(),
            },
            lines: OnceLock::from(lines),
        })
    }

    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::of(self.text()))
    }

    /// Line and column of a byte offset (clamped to the text, snapped back to a char boundary).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.char_boundary(offset as usize);
        let line = self.line_of(offset as u32);
        let lines = self.lines();
        let line_start = lines.starts[line as usize - 1] as usize;
        let column = if lines.ascii {
            offset - line_start
        } else {
            self.text()[line_start..offset].chars().count()
        } as u32
            + 1;
        LineCol { line, column }
    }

    /// The 1-based line holding a byte offset (offsets past the end are on the last line).
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.lines().starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.lines()
            .starts
            .get(line.checked_sub(1)? as usize)
            .copied()
    }

    pub fn line_count(&self) -> u32 {
        self.lines().starts.len() as u32
    }

    /// `offset` clamped to the text and moved back to a character boundary (without the text
    /// when it is ASCII: a released text is not read again for a position).
    fn char_boundary(&self, offset: usize) -> usize {
        let lines = self.lines();
        let mut offset = offset.min(lines.len);
        if lines.ascii {
            return offset;
        }
        let text = self.text();
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The offset `count` characters before `offset`, not before the start of its line.
    pub fn back_chars(&self, offset: usize, count: usize) -> usize {
        let offset = self.char_boundary(offset);
        let line_start = self.lines().starts[self.line_of(offset as u32) as usize - 1] as usize;
        self.text()
            .get(line_start..offset)
            .and_then(|before| before.char_indices().rev().nth(count.saturating_sub(1)))
            .map_or(line_start, |(i, _)| line_start + i)
    }

    /// The offset `count` characters after `offset`, not past the end of its line.
    pub fn forward_chars(&self, offset: usize, count: usize) -> usize {
        let offset = self.char_boundary(offset);
        let line = self.line_of(offset as u32);
        let line_end =
            self.line_start(line).unwrap_or(0) as usize + self.line_text(line).map_or(0, str::len);
        self.text()
            .get(offset..line_end.max(offset))
            .and_then(|after| after.char_indices().nth(count))
            .map_or(line_end.max(offset), |(i, _)| offset + i)
    }

    /// The text of a 1-based line, without its line terminator (`None` past the end, or
    /// when the text is no longer known).
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let start = self.line_start(line)? as usize;
        let end = self
            .line_start(line + 1)
            .map_or(self.lines().len, |e| e as usize);
        Some(self.text().get(start..end)?.trim_end_matches(['\n', '\r']))
    }
}

/// Recognizes a text read again: any edit of the file changes it (not a defence against
/// a file crafted to collide, which could only change what a snippet shows).
fn fingerprint_of(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut chunks = text.as_bytes().chunks_exact(8);
    let mut hash = text.len() as u64;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &byte in chunks.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
    }
    hash
}

/// All files read during one run. Append-only and shared between threads: frontends
/// add the files they read (child modules, tfvars) while parsing in parallel.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: RwLock<Files>,
    parsed: Parsed,
    /// Texts read before a frontend asks for them (discovery reads every Terraform file for
    /// its module calls), by lexically normal path: handed over once, then dropped here.
    read_ahead: Mutex<HashMap<PathBuf, Arc<str>>>,
}

/// What a frontend built from the files under a path (a Terraform module directory used by
/// several roots), built once per run and shared by every thread that asks for it.
type ParsedCell = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

#[derive(Debug, Default)]
struct Parsed(Mutex<HashMap<(TypeId, PathBuf), ParsedCell>>);

#[derive(Debug, Default)]
struct Files {
    list: Vec<Arc<SourceFile>>,
    /// Path → index in `list`, so that adding and finding a file is not a scan.
    by_path: HashMap<PathBuf, u32>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id. Adding the same path twice returns the first id.
    pub fn add(&self, path: PathBuf, text: Arc<str>) -> FileId {
        if let Some(id) = self.find(&path) {
            return id;
        }
        // Index the lines outside the lock: other threads keep adding files meanwhile.
        let file = Arc::new(SourceFile::new(path, text));
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&i) = files.by_path.get(&file.path) {
            return FileId(i);
        }
        let id = files.list.len() as u32;
        files.by_path.insert(file.path.clone(), id);
        files.list.push(file);
        FileId(id)
    }

    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).list[id.0 as usize].clone()
    }

    /// Drops the texts of `files` that can be read again ([`SourceFile::text`]), keeping
    /// their line index, and returns their size: once a unit is lowered only reports read
    /// its files (for the few findings and gaps of a run), and a large run's texts would
    /// otherwise be a third of its memory.
    pub fn release(&self, files: &[FileId]) -> usize {
        let mut bytes = 0;
        for &id in files {
            let file = self.get(id);
            let Some(released) = file.released() else {
                continue;
            };
            let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
            let slot = &mut files.list[id.0 as usize];
            if Arc::ptr_eq(slot, &file) {
                bytes += released.lines().len;
                *slot = Arc::new(released);
            }
        }
        bytes
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.by_path.get(path).copied().map(FileId)
    }

    pub fn len(&self) -> usize {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .list
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What `build` makes of the files under `path`, built by the first caller only: the
    /// others (other roots, on other threads) wait for it and share the result. Its spans
    /// point at files this map already holds, so each file is read and parsed once per run.
    pub fn parsed_once<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        let cell = {
            let mut parsed = self.parsed.0.lock().unwrap_or_else(|e| e.into_inner());
            parsed
                .entry((TypeId::of::<T>(), path.to_path_buf()))
                .or_default()
                .clone()
        };
        // Built outside the map's lock: other paths are built meanwhile.
        let built = cell.get_or_init(|| Arc::new(build())).clone();
        built
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("the cell of a type holds that type"))
    }

    /// Keeps `text`, just read from `path`, for the frontend that will read the file.
    pub fn keep_read(&self, path: &Path, text: Arc<str>) {
        let mut kept = self.read_ahead.lock().unwrap_or_else(|e| e.into_inner());
        kept.insert(lexically_normal(path), text);
    }

    /// The text kept for `path` by [`SourceMap::keep_read`], if any: once.
    pub fn take_read(&self, path: &Path) -> Option<Arc<str>> {
        let mut kept = self.read_ahead.lock().unwrap_or_else(|e| e.into_inner());
        if kept.is_empty() {
            return None;
        }
        kept.remove(&lexically_normal(path))
    }

    /// Drops the texts kept and not taken (a module no root used after all).
    pub fn clear_read_ahead(&self) {
        std::mem::take(&mut *self.read_ahead.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// The path of every file read.
    pub fn paths(&self) -> Vec<PathBuf> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.list.iter().map(|file| file.path.clone()).collect()
    }

    /// The rank of each file (by id) in path order: file ids follow the order files were
    /// read in, which parallel parsing makes differ from run to run.
    pub fn path_ranks(&self) -> Vec<u32> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        let mut ids: Vec<usize> = (0..files.list.len()).collect();
        ids.sort_by(|&a, &b| files.list[a].path.cmp(&files.list[b].path));
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in ids.into_iter().enumerate() {
            ranks[id] = rank as u32;
        }
        ranks
    }

    /// Start line/column and end line/column of a span.
    pub fn resolve(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }
}

/// `a/./b/../c` → `a/c`, without touching the filesystem (a leading `..` of a relative path
/// stays; `..` at the root is the root).
pub fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The path with symbolic links resolved, or as given when it cannot be (it does not exist).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The directory holding `path`: `.` for a bare file name, whose `parent()` is empty.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// [`lexically_normal`] of the absolute path (relative to the working directory).
pub fn absolute_normal(path: &Path) -> PathBuf {
    lexically_normal(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_code_points_and_lines_from_one() {
        let file = SourceFile::new("a.tf".into(), "ab\nçd = 1\n".into());
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes but one column.
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 2 });
        // Offsets inside a multi-byte char snap back.
        assert_eq!(file.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_text(2), Some("çd = 1"));
    }

    #[test]
    fn line_index_matches_a_byte_scan_across_word_boundaries() {
        // Line feeds next to bytes a borrow could flag (0x0b, 0x09, 0x8a, '\n' '\n').
        let text = "\n\u{b}\n\t\n\n\u{8a}x\nabcdefg\nabcdefgh\n\n\n\n\n\n\n\n\nz\u{a}\u{b}\u{9}";
        for start in 0..text.len() {
            let Some(slice) = text.get(start..) else {
                continue;
            };
            let expected: Vec<u32> = std::iter::once(0)
                .chain(slice.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect();
            assert_eq!(Lines::of(slice).starts, expected, "{slice:?}");
        }
    }

    #[test]
    fn lines_start_after_each_line_feed() {
        let file = SourceFile::new("a.tf".into(), "a\r\nb\n\nc\n".into());
        let starts: Vec<Option<u32>> = (1..=6).map(|line| file.line_start(line)).collect();
        assert_eq!(starts, [Some(0), Some(3), Some(5), Some(6), Some(8), None]);
        assert_eq!(file.line_text(1), Some("a"));
        assert_eq!(SourceFile::new("e.tf".into(), "".into()).line_count(), 1);
    }

    #[test]
    fn windows_stay_on_their_line_and_on_char_boundaries() {
        let file = SourceFile::new("a.tf".into(), "ab\nçdéf\n".into());
        assert_eq!(file.back_chars(8, 2), 5);
        assert_eq!(file.back_chars(8, 10), 3, "not before the line");
        assert_eq!(file.forward_chars(3, 2), 6);
        assert_eq!(file.forward_chars(3, 10), 9, "not past the line");
        // Inside 'ç' (bytes 3-4): snapped back to its start.
        assert_eq!(file.back_chars(4, 1), 3);
        assert_eq!(file.forward_chars(4, 1), 5);
    }

    #[test]
    fn adding_a_path_twice_returns_the_same_id() {
        let map = SourceMap::new();
        let a = map.add("a".into(), "x".into());
        let b = map.add("b".into(), "y".into());
        assert_ne!(a, b);
        assert_eq!(map.add("a".into(), "x".into()), a);
    }

    #[test]
    fn a_released_text_is_read_again_only_while_the_file_is_unchanged() {
        let dir = std::env::temp_dir().join(format!("vpclint-release-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (same, edited, unicode) =
            (dir.join("same.tf"), dir.join("edited.tf"), dir.join("u.tf"));
        let text = "a = 1\r\nbb = 2\n";
        for (path, text) in [(&same, text), (&edited, text), (&unicode, "é = 1\n")] {
            std::fs::write(path, format!("\u{feff}{text}")).unwrap();
        }
        let map = SourceMap::new();
        let ids: Vec<FileId> = [&same, &edited, &unicode]
            .into_iter()
            .map(|path| map.add(path.clone(), read(path).unwrap()))
            .collect();
        assert_eq!(
            map.release(&ids),
            2 * text.len(),
            "the non-ASCII text is kept"
        );
        std::fs::write(&edited, "a = 10\r\nbb = 2\n").unwrap();
        let (same, edited) = (map.get(ids[0]), map.get(ids[1]));
        assert_eq!(same.text(), text);
        assert_eq!(same.line_text(2), Some("bb = 2"));
        // Positions are those of the text analyzed; its lines are not shown from another.
        assert_eq!(edited.line_col(8), LineCol { line: 2, column: 2 });
        assert_eq!(edited.text(), "");
        assert_eq!(edited.line_text(1), None);
        assert_eq!(edited.forward_chars(7, 3), 7);
        assert_eq!(map.get(ids[2]).line_col(2), LineCol { line: 1, column: 2 });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A pipe (`--var-file <(...)`) has no size before it is read: its text is read all the
    /// same, and the limit still holds.
    #[test]
    fn a_file_without_a_size_is_read_to_its_end_within_the_limit() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let (reader, mut writer) = std::io::pipe().unwrap();
        let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
        let text = "\u{feff}a = \"é\"\n".repeat(1000);
        let written = text.clone();
        let writing = std::thread::spawn(move || writer.write_all(written.as_bytes()));
        let read_text = read(&path).unwrap();
        writing.join().unwrap().unwrap();
        assert_eq!(*read_text, text["\u{feff}".len()..]);
        let (reader, mut writer) = std::io::pipe().unwrap();
        let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
        let writing = std::thread::spawn(move || writer.write_all(&[b'x'; 100]));
        assert_eq!(
            read_at_most(&path, 99, |len| format!("{len} bytes")),
            Err("100 bytes".to_string())
        );
        drop(reader);
        let _ = writing.join().unwrap();
    }

    #[test]
    fn parsed_once_builds_once_per_path_and_type() {
        let map = SourceMap::new();
        assert_eq!(*map.parsed_once(Path::new("m"), || 1u32), 1);
        assert_eq!(*map.parsed_once(Path::new("m"), || 2u32), 1);
        assert_eq!(*map.parsed_once(Path::new("n"), || 3u32), 3);
        assert_eq!(*map.parsed_once(Path::new("m"), || "m".to_string()), "m");
    }
}
