//! Finding bytes eight at a time (SWAR: SIMD within a register). The JSON reader's string scan
//! and the batch reader's line ends read most of a batch's bytes this way.

const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGH: u64 = ONES << 7;

/// The high bit of each byte of `w` that is `b`. Borrows only run upwards, so the lowest flagged
/// byte is always a true match (flags above it may not be): [`find`] takes the lowest.
#[inline(always)]
pub(crate) fn bytes_equal(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The high bit of each byte of `w` below `b` (at most 0x80); likewise, only the lowest is sure.
#[inline(always)]
pub(crate) fn bytes_below(w: u64, b: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(b)) & !w & HIGH
}

/// The position of the first byte of `s` for which `byte` holds: eight bytes at a time with
/// `word` (the flags of [`bytes_equal`] and [`bytes_below`] for the same bytes), the last few
/// one by one. Little endian: the lowest flag is the first byte in `s`.
#[inline(always)]
pub(crate) fn find(s: &[u8], word: impl Fn(u64) -> u64, byte: impl Fn(u8) -> bool) -> Option<usize> {
    let mut words = s.chunks_exact(8);
    for (k, w) in words.by_ref().enumerate() {
        let hits = word(u64::from_le_bytes(w.try_into().ok()?));
        if hits != 0 {
            return Some(k * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let done = s.len() - words.remainder().len();
    words.remainder().iter().position(|&b| byte(b)).map(|p| done + p)
}

/// Test input for finders: `len` bytes, mostly lowercase letters, with one in `rate` drawn from
/// `alphabet` (so matches land anywhere in the words); `seed` is a xorshift state.
#[cfg(test)]
pub(crate) fn noisy_bytes(seed: &mut u64, len: usize, alphabet: &[u8], rate: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            if *seed % rate == 0 {
                alphabet[(*seed >> 8) as usize % alphabet.len()]
            } else {
                b'a' + (*seed >> 16) as u8 % 26
            }
        })
        .collect()
}
