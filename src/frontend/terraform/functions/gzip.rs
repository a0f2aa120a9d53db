//! Go's `compress/gzip` writer at the default level, byte for byte, for `base64gzip`.
//!
//! Terraform's `base64gzip` calls `gzip.NewWriter`, `Write` once with the whole string,
//! then `Flush` and `Close`. A different deflate implementation gives different (valid)
//! bytes, so this is a port of the exact code path Go takes at level 6:
//! `src/compress/flate/deflate.go` (`compressor.deflate`, the lazy-matching step with hash
//! chains; `fillDeflate`, `findMatch`, `syncFlush`, `close`), `huffman_bit_writer.go`
//! (`writeBlock` choosing stored, fixed or dynamic Huffman; `generateCodegen`,
//! `writeDynamicHeader`, `writeTokens`, `writeStoredHeader`), `huffman_code.go`
//! (`generate`, `bitCounts`, `assignEncodingAndSize`), `token.go`, and
//! `src/compress/gzip/gzip.go` (header, CRC-32 and size trailer). The other levels'
//! paths (`deflatefast.go`, `writeBlockHuff`, `writeBlockDynamic`) are not reached.
//! Time is linear in the input: each position walks at most 128 hash-chain links.

/// `gzip.NewWriter` + `Write(data)` + `Flush()` + `Close()`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    // Zero ModTime, no name or comment, XFL 0 (level 6), OS 255 "unknown".
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut compressor = Compressor::new();
    compressor.write(data);
    compressor.sync_flush();
    compressor.close();
    out.append(&mut compressor.writer.out);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // RFC 1952 ISIZE: the input size modulo 2^32.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const BASE_MATCH_LENGTH: usize = 3;
const MIN_MATCH_LENGTH: usize = 4;
const MAX_MATCH_LENGTH: usize = 258;
const MAX_FLATE_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK_SIZE: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const MAX_HASH_OFFSET: i64 = 1 << 24;
/// Level 6 (`DefaultCompression`): good, lazy, nice, chain.
const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

/// A literal byte (or the end-of-block marker 256), or a match of `length` bytes at
/// `distance`.
#[derive(Clone, Copy)]
enum Token {
    Literal(u16),
    Match { length: u16, distance: u16 },
}

const END_BLOCK: Token = Token::Literal(256);

/// The deflate compressor state at level 6 (Go's `compressor` with `fillDeflate` and
/// `deflate` as its fill and step).
struct Compressor {
    writer: HuffmanBitWriter,
    sync: bool,
    chain_head: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    index: usize,
    window: Vec<u8>,
    window_end: usize,
    /// Window index where the pending tokens start; `None` once it slid out.
    block_start: Option<usize>,
    /// Whether `window[index - 1]` still awaits a decision (lazy matching).
    byte_available: bool,
    tokens: Vec<Token>,
    length: usize,
    offset: usize,
}

impl Compressor {
    fn new() -> Self {
        Compressor {
            writer: HuffmanBitWriter::default(),
            sync: false,
            chain_head: -1,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            hash_offset: 1,
            index: 0,
            window: vec![0; 2 * WINDOW_SIZE],
            window_end: 0,
            block_start: Some(0),
            byte_available: false,
            tokens: Vec::with_capacity(MAX_FLATE_BLOCK_TOKENS + 1),
            length: MIN_MATCH_LENGTH - 1,
            offset: 0,
        }
    }

    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.deflate();
            let n = self.fill(data);
            data = &data[n..];
        }
    }

    fn sync_flush(&mut self) {
        self.sync = true;
        self.deflate();
        self.writer.write_stored_header(0, false);
        self.writer.flush();
        self.sync = false;
    }

    fn close(&mut self) {
        self.sync = true;
        self.deflate();
        self.writer.write_stored_header(0, true);
        self.writer.flush();
    }

    /// Copies input into the window, first sliding it by half when the lookahead is low.
    fn fill(&mut self, data: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
            self.window.copy_within(WINDOW_SIZE..2 * WINDOW_SIZE, 0);
            self.index -= WINDOW_SIZE;
            self.window_end -= WINDOW_SIZE;
            self.block_start = self
                .block_start
                .and_then(|start| start.checked_sub(WINDOW_SIZE));
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                self.rebase_hashes();
            }
        }
        let n = data.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
        self.window_end += n;
        n
    }

    /// Keeps the stored positions (index + offset) within `u32` on long inputs.
    fn rebase_hashes(&mut self) {
        let delta = self.hash_offset - 1;
        self.hash_offset -= delta;
        self.chain_head -= delta;
        for slot in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
            *slot = if i64::from(*slot) > delta {
                (i64::from(*slot) - delta) as u32
            } else {
                0
            };
        }
    }

    fn insert_hash(&mut self, index: usize) -> u32 {
        let hash = hash4(&self.window[index..index + MIN_MATCH_LENGTH]) as usize;
        let previous = self.hash_head[hash];
        self.hash_prev[index & WINDOW_MASK] = previous;
        self.hash_head[hash] = (index as i64 + self.hash_offset) as u32;
        previous
    }

    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let input = match self.block_start {
                Some(start) if start <= index => Some(&self.window[start..index]),
                _ => None,
            };
            self.writer.write_block(&self.tokens, false, input);
            self.block_start = Some(index);
        }
        self.tokens.clear();
    }

    /// Go's `deflate` step with lazy matching (`fastSkipHashing == skipNever`).
    fn deflate(&mut self) {
        let min_lookahead = MIN_MATCH_LENGTH + MAX_MATCH_LENGTH;
        if self.window_end - self.index < min_lookahead && !self.sync {
            return;
        }
        let max_insert_index = self.window_end.saturating_sub(MIN_MATCH_LENGTH - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < min_lookahead {
                if !self.sync {
                    break;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        let byte = self.window[self.index - 1];
                        self.tokens.push(Token::Literal(u16::from(byte)));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    break;
                }
            }
            if self.index < max_insert_index {
                self.chain_head = i64::from(self.insert_hash(self.index));
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH_LENGTH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WINDOW_SIZE) as i64;
            let head = self.chain_head - self.hash_offset;
            if head >= min_index && lookahead > prev_length && prev_length < LAZY {
                if let Some((length, offset)) = self.find_match(self.index, head, lookahead) {
                    self.length = length;
                    self.offset = offset;
                }
            }
            if prev_length >= MIN_MATCH_LENGTH && self.length <= prev_length {
                // The previous position's match is at least as good: emit it.
                self.tokens.push(Token::Match {
                    length: prev_length as u16,
                    distance: prev_offset as u16,
                });
                let new_index = self.index + prev_length - 1;
                self.index += 1;
                while self.index < new_index {
                    if self.index < max_insert_index {
                        self.insert_hash(self.index);
                    }
                    self.index += 1;
                }
                self.byte_available = false;
                self.length = MIN_MATCH_LENGTH - 1;
                if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let literal = self.index - 1;
                    self.tokens
                        .push(Token::Literal(u16::from(self.window[literal])));
                    if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                        self.write_block(literal + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }

    /// The longest match (length, distance) at `pos` longer than 3 along the hash chain
    /// from `head`, looking at most `CHAIN` links.
    fn find_match(&self, pos: usize, head: i64, lookahead: usize) -> Option<(usize, usize)> {
        let min_match_look = lookahead.min(MAX_MATCH_LENGTH);
        let win = &self.window[..pos + min_match_look];
        let nice = min_match_look.min(NICE);
        let mut length = MIN_MATCH_LENGTH - 1;
        let mut tries = if length >= GOOD { CHAIN >> 2 } else { CHAIN };
        let mut found = None;
        let mut w_end = win[pos + length];
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut i = head;
        while tries > 0 {
            let candidate = i as usize;
            if w_end == win[candidate + length] {
                let n = match_len(&win[candidate..], &win[pos..], min_match_look);
                if n > length && (n > MIN_MATCH_LENGTH || pos - candidate <= 4096) {
                    length = n;
                    found = Some((n, pos - candidate));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                // This chain slot was already reused for a newer position.
                break;
            }
            i = i64::from(self.hash_prev[candidate & WINDOW_MASK]) - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }
}

fn hash4(b: &[u8]) -> u32 {
    let word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    word.wrapping_mul(0x1e35a7bd) >> (32 - HASH_BITS)
}

fn match_len(a: &[u8], b: &[u8], max: usize) -> usize {
    a[..max]
        .iter()
        .zip(&b[..max])
        .position(|(x, y)| x != y)
        .unwrap_or(max)
}

const LITERAL_COUNT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const CODEGEN_CODE_COUNT: usize = 19;
const LENGTH_CODES_START: usize = 257;
/// End marker of the code-length sequence.
const BAD_CODE: u8 = 255;

const LENGTH_EXTRA_BITS: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// First length (minus 3) of each length code.
const LENGTH_BASE: [u16; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128,
    160, 192, 224, 255,
];
const OFFSET_EXTRA_BITS: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// First distance (minus 1) of each distance code.
const OFFSET_BASE: [u16; 30] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0008, 0x000c, 0x0010, 0x0018, 0x0020, 0x0030,
    0x0040, 0x0060, 0x0080, 0x00c0, 0x0100, 0x0180, 0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00,
    0x1000, 0x1800, 0x2000, 0x3000, 0x4000, 0x6000,
];
/// RFC 1951 3.2.7: the order code-length code lengths are written in.
const CODEGEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length code (0..29) of a match length minus 3.
fn length_code(xlength: u16) -> usize {
    LENGTH_BASE
        .iter()
        .rposition(|&base| base <= xlength)
        .unwrap_or(0)
}

/// Distance code (0..30) of a distance minus 1.
fn offset_code(xoffset: u16) -> usize {
    OFFSET_BASE
        .iter()
        .rposition(|&base| base <= xoffset)
        .unwrap_or(0)
}

/// Length code and extra bits of a token as the block writer counts them.
fn token_codes(length: u16, distance: u16) -> (usize, usize) {
    let xlength = length - BASE_MATCH_LENGTH as u16;
    let xoffset = distance - 1;
    (length_code(xlength), offset_code(xoffset))
}

/// Go's `huffmanBitWriter`: bits are emitted least significant first; Go's 48-bit
/// batching and output buffer do not change the byte stream.
#[derive(Default)]
struct HuffmanBitWriter {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
}

impl HuffmanBitWriter {
    fn write_bits(&mut self, value: u32, count: u32) {
        self.bits |= u64::from(value) << self.nbits;
        self.nbits += count;
        while self.nbits >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
    }

    fn write_code(&mut self, code: Code) {
        self.write_bits(u32::from(code.code), u32::from(code.len));
    }

    /// Pads the pending bits to a byte boundary.
    fn flush(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.bits as u8);
        }
        self.bits = 0;
        self.nbits = 0;
    }

    fn write_stored_header(&mut self, length: usize, eof: bool) {
        self.write_bits(u32::from(eof), 3);
        self.flush();
        self.write_bits(length as u32, 16);
        self.write_bits(u32::from(!(length as u16)), 16);
    }

    /// Go's `writeBlock`: the smallest of fixed Huffman, dynamic Huffman and (when the
    /// block's input is known and short enough) stored.
    fn write_block(&mut self, tokens: &[Token], eof: bool, input: Option<&[u8]>) {
        let mut literal_freq = [0u32; LITERAL_COUNT];
        let mut offset_freq = [0u32; OFFSET_CODE_COUNT];
        for token in tokens.iter().chain([&END_BLOCK]) {
            match *token {
                Token::Literal(literal) => literal_freq[usize::from(literal)] += 1,
                Token::Match { length, distance } => {
                    let (length_code, offset_code) = token_codes(length, distance);
                    literal_freq[LENGTH_CODES_START + length_code] += 1;
                    offset_freq[offset_code] += 1;
                }
            }
        }
        let num_literals = literal_freq
            .iter()
            .rposition(|&f| f != 0)
            .map_or(0, |i| i + 1);
        let mut num_offsets = offset_freq
            .iter()
            .rposition(|&f| f != 0)
            .map_or(0, |i| i + 1);
        if num_offsets == 0 {
            // A dynamic header needs at least one distance code.
            offset_freq[0] = 1;
            num_offsets = 1;
        }
        let literal_encoding = HuffmanEncoder::generate(&literal_freq, 15);
        let offset_encoding = HuffmanEncoder::generate(&offset_freq, 15);

        let stored_size = input
            .filter(|input| input.len() <= MAX_STORE_BLOCK_SIZE)
            .map(|input| (input.len() + 5) * 8);
        let mut extra_bits = 0;
        if stored_size.is_some() {
            // Extra bits cost the same in fixed and dynamic blocks; they only matter
            // against a stored block.
            for code in LENGTH_CODES_START + 8..num_literals {
                extra_bits += literal_freq[code] as usize
                    * usize::from(LENGTH_EXTRA_BITS[code - LENGTH_CODES_START]);
            }
            for code in 4..num_offsets {
                extra_bits += offset_freq[code] as usize * usize::from(OFFSET_EXTRA_BITS[code]);
            }
        }

        let fixed = (fixed_literal_encoding(), fixed_offset_encoding());
        let mut size =
            3 + fixed.0.bit_length(&literal_freq) + fixed.1.bit_length(&offset_freq) + extra_bits;

        let codegen = Codegen::new(
            &literal_encoding.lens()[..num_literals],
            &offset_encoding.lens()[..num_offsets],
        );
        let codegen_encoding = HuffmanEncoder::generate(&codegen.freq, 7);
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && codegen.freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let dynamic_size = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens
            + codegen_encoding.bit_length(&codegen.freq)
            + codegen.freq[16] as usize * 2
            + codegen.freq[17] as usize * 3
            + codegen.freq[18] as usize * 7
            + literal_encoding.bit_length(&literal_freq)
            + offset_encoding.bit_length(&offset_freq)
            + extra_bits;

        let dynamic = dynamic_size < size;
        if dynamic {
            size = dynamic_size;
        }
        if let (Some(stored_size), Some(input)) = (stored_size, input) {
            if stored_size < size {
                self.write_stored_header(input.len(), eof);
                // The stored header ends on a byte boundary.
                self.out.extend_from_slice(input);
                return;
            }
        }
        let (literal_codes, offset_codes) = if dynamic {
            self.write_bits(if eof { 5 } else { 4 }, 3);
            self.write_bits((num_literals - 257) as u32, 5);
            self.write_bits((num_offsets - 1) as u32, 5);
            self.write_bits((num_codegens - 4) as u32, 4);
            for &symbol in &CODEGEN_ORDER[..num_codegens] {
                self.write_bits(u32::from(codegen_encoding.codes[symbol].len), 3);
            }
            let mut entries = codegen.entries.iter();
            while let Some(&symbol) = entries.next() {
                self.write_code(codegen_encoding.codes[usize::from(symbol)]);
                let extra = match symbol {
                    16 => 2,
                    17 => 3,
                    18 => 7,
                    _ => continue,
                };
                let repeat = entries.next().copied().unwrap_or(0);
                self.write_bits(u32::from(repeat), extra);
            }
            (literal_encoding.codes, offset_encoding.codes)
        } else {
            self.write_bits(if eof { 3 } else { 2 }, 3);
            (fixed.0.codes, fixed.1.codes)
        };
        for token in tokens.iter().chain([&END_BLOCK]) {
            match *token {
                Token::Literal(literal) => self.write_code(literal_codes[usize::from(literal)]),
                Token::Match { length, distance } => {
                    let (length_code, offset_code) = token_codes(length, distance);
                    self.write_code(literal_codes[LENGTH_CODES_START + length_code]);
                    let xlength = length - BASE_MATCH_LENGTH as u16;
                    self.write_bits(
                        u32::from(xlength - LENGTH_BASE[length_code]),
                        u32::from(LENGTH_EXTRA_BITS[length_code]),
                    );
                    self.write_code(offset_codes[offset_code]);
                    self.write_bits(
                        u32::from(distance - 1 - OFFSET_BASE[offset_code]),
                        u32::from(OFFSET_EXTRA_BITS[offset_code]),
                    );
                }
            }
        }
    }
}

/// RFC 1951 3.2.7 run-length encoding of the concatenated literal and distance code
/// lengths (Go's `generateCodegen`): `entries` are code-length symbols, each 16/17/18
/// followed by its repeat count; `freq` counts the symbols.
struct Codegen {
    entries: Vec<u8>,
    freq: [u32; CODEGEN_CODE_COUNT],
}

impl Codegen {
    fn new(literal_lens: &[u8], offset_lens: &[u8]) -> Self {
        let mut lens: Vec<u8> = literal_lens.iter().chain(offset_lens).copied().collect();
        lens.push(BAD_CODE);
        let mut entries = Vec::with_capacity(lens.len());
        let mut freq = [0u32; CODEGEN_CODE_COUNT];
        let mut size = lens[0];
        let mut count: i64 = 1;
        let mut in_index = 1;
        while size != BAD_CODE {
            let next_size = lens[in_index];
            in_index += 1;
            if next_size == size {
                count += 1;
                continue;
            }
            if size != 0 {
                entries.push(size);
                freq[usize::from(size)] += 1;
                count -= 1;
                while count >= 3 {
                    let n = count.min(6);
                    entries.extend([16, (n - 3) as u8]);
                    freq[16] += 1;
                    count -= n;
                }
            } else {
                while count >= 11 {
                    let n = count.min(138);
                    entries.extend([18, (n - 11) as u8]);
                    freq[18] += 1;
                    count -= n;
                }
                if count >= 3 {
                    entries.extend([17, (count - 3) as u8]);
                    freq[17] += 1;
                    count = 0;
                }
            }
            for _ in 0..count {
                entries.push(size);
                freq[usize::from(size)] += 1;
            }
            size = next_size;
            count = 1;
        }
        Codegen { entries, freq }
    }
}

#[derive(Clone, Copy, Default)]
struct Code {
    code: u16,
    len: u16,
}

/// Go's `huffmanEncoder`: length-limited canonical Huffman codes, bit-reversed for
/// writing least significant bit first.
struct HuffmanEncoder {
    codes: Vec<Code>,
}

impl HuffmanEncoder {
    fn lens(&self) -> Vec<u8> {
        self.codes.iter().map(|c| c.len as u8).collect()
    }

    fn bit_length(&self, freq: &[u32]) -> usize {
        freq.iter()
            .zip(&self.codes)
            .map(|(&f, code)| f as usize * usize::from(code.len))
            .sum()
    }

    fn generate(freq: &[u32], max_bits: usize) -> Self {
        let mut codes = vec![Code::default(); freq.len()];
        // (literal, frequency) of the used symbols.
        let mut list: Vec<(u16, u32)> = freq
            .iter()
            .enumerate()
            .filter(|(_, &f)| f != 0)
            .map(|(i, &f)| (i as u16, f))
            .collect();
        if list.len() <= 2 {
            // One or two symbols: each gets one bit, in symbol order.
            for (i, &(literal, _)) in list.iter().enumerate() {
                codes[usize::from(literal)] = Code {
                    code: i as u16,
                    len: 1,
                };
            }
            return HuffmanEncoder { codes };
        }
        list.sort_unstable_by_key(|&(literal, f)| (f, literal));
        let bit_count = bit_counts(&list, max_bits);
        // Canonical codes: longest codes go to the least frequent symbols; within a
        // length, codes ascend with the symbol.
        let mut code: u16 = 0;
        let mut remaining = list.as_mut_slice();
        for (bits, &count) in bit_count.iter().enumerate() {
            code <<= 1;
            if bits == 0 || count == 0 {
                continue;
            }
            let (rest, chunk) = remaining.split_at_mut(remaining.len() - count);
            chunk.sort_unstable_by_key(|&(literal, _)| literal);
            for &(literal, _) in chunk.iter() {
                codes[usize::from(literal)] = Code {
                    code: reverse_bits(code, bits as u32),
                    len: bits as u16,
                };
                code += 1;
            }
            remaining = rest;
        }
        HuffmanEncoder { codes }
    }
}

/// Go's `bitCounts` (package-merge by levels): how many symbols get each code length
/// (index = length), for `list` sorted by ascending frequency with 3 or more entries.
fn bit_counts(list: &[(u16, u32)], max_bits: usize) -> Vec<usize> {
    #[derive(Clone, Copy, Default)]
    struct Level {
        last_freq: u64,
        next_char_freq: u64,
        next_pair_freq: u64,
        needed: i64,
    }
    // A frequency larger than any real sum: "nothing left here".
    const NONE: u64 = i32::MAX as u64;
    let n = list.len();
    let freq_at = |i: usize| list.get(i).map_or(NONE, |&(_, f)| u64::from(f));
    let max_bits = max_bits.min(n - 1);
    let mut levels = [Level::default(); 17];
    let mut leaf_counts = [[0usize; 17]; 17];
    for level in 1..=max_bits {
        levels[level] = Level {
            last_freq: freq_at(1),
            next_char_freq: freq_at(2),
            next_pair_freq: if level == 1 {
                NONE
            } else {
                freq_at(0) + freq_at(1)
            },
            needed: 0,
        };
        leaf_counts[level][level] = 2;
    }
    levels[max_bits].needed = 2 * n as i64 - 4;
    let mut level = max_bits;
    loop {
        if levels[level].next_pair_freq == NONE && levels[level].next_char_freq == NONE {
            // Out of both leaves and pairs: this level is done for good.
            levels[level].needed = 0;
            levels[level + 1].next_pair_freq = NONE;
            level += 1;
            continue;
        }
        let prev_freq = levels[level].last_freq;
        if levels[level].next_char_freq < levels[level].next_pair_freq {
            let count = leaf_counts[level][level] + 1;
            levels[level].last_freq = levels[level].next_char_freq;
            leaf_counts[level][level] = count;
            levels[level].next_char_freq = freq_at(count);
        } else {
            levels[level].last_freq = levels[level].next_pair_freq;
            let (lower, upper) = leaf_counts.split_at_mut(level);
            upper[0][..level].copy_from_slice(&lower[level - 1][..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if level == max_bits {
                break;
            }
            levels[level + 1].next_pair_freq = prev_freq + levels[level].last_freq;
            level += 1;
        } else {
            while levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }
    let counts = &leaf_counts[max_bits];
    let mut bit_count = vec![0; max_bits + 1];
    for (bits, level) in (1..=max_bits).rev().enumerate() {
        bit_count[bits + 1] = counts[level] - counts[level - 1];
    }
    bit_count
}

fn reverse_bits(code: u16, len: u32) -> u16 {
    (code << (16 - len)).reverse_bits()
}

fn fixed_literal_encoding() -> HuffmanEncoder {
    let codes = (0..LITERAL_COUNT as u16)
        .map(|symbol| {
            let (code, len) = match symbol {
                0..=143 => (symbol + 48, 8),
                144..=255 => (symbol + 400 - 144, 9),
                256..=279 => (symbol - 256, 7),
                _ => (symbol + 192 - 280, 8),
            };
            Code {
                code: reverse_bits(code, len),
                len: len as u16,
            }
        })
        .collect();
    HuffmanEncoder { codes }
}

fn fixed_offset_encoding() -> HuffmanEncoder {
    let codes = (0..OFFSET_CODE_COUNT as u16)
        .map(|symbol| Code {
            code: reverse_bits(symbol, 5),
            len: 5,
        })
        .collect();
    HuffmanEncoder { codes }
}

/// CRC-32 (IEEE 802.3, reflected), as gzip's trailer uses.
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, entry) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    !data.iter().fold(!0u32, |crc, &b| {
        table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    //! Expected outputs are `terraform console`'s (Terraform 1.11), which runs Go's
    //! `compress/gzip`; `tests/terraform_functions_differential.cases` has more.
    use super::*;
    use crate::frontend::base64::encode;
    use sha2::{Digest, Sha256};

    #[test]
    fn empty_input_is_two_empty_stored_blocks() {
        // Flush's sync block, then Close's final block, then CRC 0 and size 0.
        assert_eq!(
            gzip(b""),
            [
                0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff, 0,
                0, 0, 0, 0, 0, 0, 0
            ]
        );
    }

    #[test]
    fn short_ascii_is_a_fixed_huffman_block() {
        assert_eq!(
            encode(&gzip(b"hello")),
            "H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA=="
        );
    }

    #[test]
    fn incompressible_text_is_a_stored_block() {
        assert_eq!(
            encode(&gzip("倠뾛雜ἁ臢ඣ鄜紙䌘幸挦僃".as_bytes())),
            "H4sIAAAAAAAA/wAkANv/5YCg676b6Zuc4byB6Iei4Laj6YSc57SZ5IyY5bm45oym5YODAAAA//8BAAD//40GDSkkAAAA"
        );
    }

    /// Past 16 MiB the window has slid 512 times and the stored hash positions are
    /// rebased; the input mixes random letters with copies of earlier text.
    #[test]
    fn long_input_slides_the_window_and_rebases_the_hash_chains() {
        let mut state: u64 = 1;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let alphabet = b"abcdefghijklmnopqrstuvwxyz .\n";
        let size = 17 << 20;
        let mut input = Vec::with_capacity(size + 1600);
        while input.len() < size {
            for _ in 0..1000 {
                input.push(alphabet[next() % alphabet.len()]);
            }
            let start = input.len() - 1 - next() % (input.len() - 1).min(40000);
            let length = next() % 600;
            let end = (start + length).min(input.len());
            input.extend_from_within(start..end);
        }
        input.truncate(size);
        let encoded = encode(&gzip(&input));
        assert_eq!(encoded.len(), 11874380);
        assert_eq!(
            hex(&Sha256::digest(encoded.as_bytes())),
            "0c0221e2210856e37dcf8351e7c45cc1f42b4e1d239d76f888f9c65f24b1fa1f"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    /// Fibonacci frequencies would need codes longer than the limit: the lengths are
    /// capped and still form a complete prefix code.
    #[test]
    fn code_lengths_are_limited_and_complete() {
        let mut freq = vec![1u32, 1];
        while freq.len() < 25 {
            freq.push(freq[freq.len() - 1] + freq[freq.len() - 2]);
        }
        for max_bits in [7, 15] {
            let encoder = HuffmanEncoder::generate(&freq, max_bits);
            let lens = encoder.lens();
            assert_eq!(usize::from(*lens.iter().max().unwrap()), max_bits);
            let kraft: f64 = lens.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
            assert_eq!(kraft, 1.0);
        }
    }

    #[test]
    fn code_lengths_are_run_length_encoded() {
        let literal_lens: Vec<u8> = [[0u8; 20].as_slice(), &[5; 8], &[3]].concat();
        let codegen = Codegen::new(&literal_lens, &[0, 0]);
        // 20 zeros: 18 (11 + 9); eight 5s: one 5, 16 (3 + 3), one 5; 3; two zeros.
        assert_eq!(codegen.entries, [18, 9, 5, 16, 3, 5, 3, 0, 0]);
        assert_eq!(
            (
                codegen.freq[0],
                codegen.freq[3],
                codegen.freq[5],
                codegen.freq[16],
                codegen.freq[18]
            ),
            (2, 1, 2, 1, 1)
        );
    }
}
