//! Numbers as text, exactly as `format!("{x}")`, `format!("{x:?}")` and JavaScript print them,
//! from the shortest round-trip digits that `zmij` (serde_json's float printer) finds.
//!
//! Rust's own float formatting (Grisu with a Dragon4 fallback, for both shortest and fixed
//! precision) would otherwise be linked into the `.wasm` next to `zmij`, for the same digits.
//! Both print the shortest digits that read back as the same number; of those Rust (and
//! JavaScript) take the closest to it, which `zmij` does not always do with 17 digits, so the
//! last digit is checked exactly. The tests compare every function here with Rust's formatting.

use std::cmp::Ordering;

/// The shortest digits that round-trip `|x|` (finite, not zero), without leading or trailing
/// zeros, and the exponent `n` with `|x| = 0.d₁d₂…dₖ × 10ⁿ`.
pub fn shortest(x: f64) -> (String, i32) {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x.abs());
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    let n = int.len() as i32 + exp - (all.len() - all.trim_start_matches('0').len()) as i32;
    let Ok(d) = digits.parse::<u64>() else { return (digits.to_owned(), n) };
    // |x| against the midpoints of d's neighbours: d ± 1 is closer when |x| is past one; Rust
    // rounds a tie up (JavaScript would take the even digit).
    let q = n - digits.len() as i32;
    let better = match (vs_midpoint(x.abs(), 2 * d + 1, q), vs_midpoint(x.abs(), 2 * d - 1, q)) {
        (Ordering::Greater | Ordering::Equal, _) => d + 1,
        (_, Ordering::Less) => d - 1,
        _ => d,
    };
    let text = better.to_string();
    // Only a number that reads back as `x` will do (the shortest digits always do).
    if better != d && format!("{text}e{q}").parse::<f64>() == Ok(x.abs()) {
        let trimmed = text.trim_end_matches('0');
        return (trimmed.to_owned(), text.len() as i32 + q);
    }
    (digits.to_owned(), n)
}

/// `x` compared with `(m2 / 2) × 10^q`, exactly (big integers of 32-bit limbs).
fn vs_midpoint(x: f64, m2: u64, q: i32) -> Ordering {
    let bits = x.to_bits();
    let (exp, frac) = ((bits >> 52) as i32 & 0x7ff, bits & ((1 << 52) - 1));
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) };
    // 2·m·2^e against m2·10^q, both scaled by 2^max(0,-e-1) and 10^max(0,-q) to integers.
    let mut a = big(m);
    let mut b = big(m2);
    let e2 = e + 1;
    mul_pow(&mut a, 2, e2.max(0) as u32);
    mul_pow(&mut b, 2, (-e2).max(0) as u32);
    mul_pow(&mut b, 10, q.max(0) as u32);
    mul_pow(&mut a, 10, (-q).max(0) as u32);
    while a.last() == Some(&0) {
        a.pop();
    }
    while b.last() == Some(&0) {
        b.pop();
    }
    a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn big(v: u64) -> Vec<u32> {
    vec![v as u32, (v >> 32) as u32]
}

/// `a *= base^k` for base 2 or 10.
fn mul_pow(a: &mut Vec<u32>, base: u64, mut k: u32) {
    let (step, per) = if base == 2 { (1u64 << 31, 31) } else { (1_000_000_000, 9) };
    while k > 0 {
        let now = k.min(per);
        let f = if now == per { step } else { base.pow(now) };
        k -= now;
        let mut carry = 0u64;
        for limb in a.iter_mut() {
            let v = u64::from(*limb) * f + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            a.push(carry as u32);
        }
    }
}

/// `format!("{x}")` for an `f64`: plain decimal notation, never an exponent.
pub fn plain(x: f64) -> String {
    general(x, false)
}

/// `format!("{x:?}")` for an `f64`: at least one decimal, exponent form below 1e-4 and from 1e16.
pub fn debug(x: f64) -> String {
    general(x, true)
}

fn general(x: f64, debug: bool) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let mut out = String::from(if x.is_sign_negative() { "-" } else { "" });
    if x.is_infinite() {
        out.push_str("inf");
        return out;
    }
    if x == 0.0 {
        out.push_str(if debug { "0.0" } else { "0" });
        return out;
    }
    let (digits, n) = shortest(x);
    let k = digits.len() as i32;
    if debug && !(1e-4..1e16).contains(&x.abs()) {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push_str(&(n - 1).to_string());
    } else if n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else if n >= k {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
        if debug {
            out.push_str(".0");
        }
    } else {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interesting numbers and a spread of random bit patterns.
    fn samples() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.2,
            0.3,
            1.5,
            100.0,
            123.456,
            1e-4,
            9.999e-5,
            1e-5,
            1e-7,
            1.5e-7,
            1e15,
            9.5e15,
            1e16,
            1.5e16,
            1e21,
            1e22,
            1.7976931348623157e308,
            5e-324,
            2.2250738585072014e-308,
            0.000123,
            123456789012345680.0,
            4.35,
            0.30000000000000004,
            2.5,
            1e100,
            1234.5e-20,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740993.0,
            0.07,
            70.0,
            1e-3,
            3.25159,
            1e300,
        ];
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            v.push(match i % 3 {
                0 => f64::from_bits(s),
                1 => (s % 100_000_000) as f64 / 10f64.powi((s % 12) as i32),
                _ => (s >> 11) as f64 * 2f64.powi((s % 200) as i32 - 100),
            });
        }
        v
    }

    #[test]
    fn prints_like_rust() {
        for x in samples() {
            assert_eq!(plain(x), format!("{x}"), "{:e}", x);
            assert_eq!(debug(x), format!("{x:?}"), "{:e}", x);
            if x.is_finite() && x != 0.0 {
                let (digits, n) = shortest(x);
                let e = format!("{:e}", x.abs());
                let (mant, exp) = e.split_once('e').unwrap();
                assert_eq!(digits, mant.replace('.', ""), "{e}");
                assert_eq!(n, exp.parse::<i32>().unwrap() + 1, "{e}");
            }
        }
    }
}
