//! Numbers as text, exactly as `format!("{x}")`, `format!("{x:?}")` and JavaScript print them,
//! from the shortest round-trip digits that `zmij` (serde_json's float printer) finds; and text
//! as numbers ([`parse`]), correctly rounded as `str::parse` and JavaScript read them.
//!
//! Rust's own float formatting (Grisu with a Dragon4 fallback, for both shortest and fixed
//! precision) would otherwise be linked into the `.wasm` next to `zmij`, for the same digits.
//! Both print the shortest digits that read back as the same number; of those Rust (and
//! JavaScript) take the closest to it, which `zmij` does not always do with 17 digits, so the
//! last digit is checked exactly. The tests compare every function here with Rust's formatting.
//!
//! [`parse`] replaces `str::parse::<f64>` for the same reason: the standard library's reader
//! carries a 10 KB table of powers of five for its Eisel–Lemire step. Here the numbers data holds
//! (up to 19 digits, exponents from -21 to about 20) are exact in integer or `f64` arithmetic,
//! and any other is an estimate corrected against the exact midpoints with the big integers
//! that also check the printer's last digit.

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
    if better != d && parse(&format!("{text}e{q}")) == Some(x.abs()) {
        let trimmed = text.trim_end_matches('0');
        return (trimmed.to_owned(), text.len() as i32 + q);
    }
    (digits.to_owned(), n)
}

/// `x` compared with `(m2 / 2) × 10^q`, exactly (big integers of 32-bit limbs).
fn vs_midpoint(x: f64, m2: u64, q: i32) -> Ordering {
    let (m, e) = parts(x);
    cmp_exact(2 * m, e, big(m2), q)
}

/// `x` (finite, not negative) as `m × 2^e` with `m` its 53-bit significand (fewer when subnormal).
fn parts(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let (exp, frac) = ((bits >> 52) as i32 & 0x7ff, bits & ((1 << 52) - 1));
    if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) }
}

/// `m·2^e` compared with `b·10^q`, exactly: both scaled by 2^max(0,-e) and 10^max(0,-q) to integers.
fn cmp_exact(m: u64, e: i32, mut b: Vec<u32>, q: i32) -> Ordering {
    let mut a = big(m);
    mul_pow(&mut a, 2, e.max(0) as u32);
    mul_pow(&mut b, 2, (-e).max(0) as u32);
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

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Most significant digits [`parse`] keeps. A midpoint between two doubles has at most 767, so
/// further digits only matter as "more than zero", which one digit 1 in their place keeps.
const MAX_DIGITS: usize = 800;

/// A decimal number as `str::parse::<f64>` reads it — an optional sign, digits with an optional
/// point, an optional exponent (not `inf` or `NaN`) — correctly rounded (beyond the range it is
/// infinite); `None` when `s` is not one.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let neg = b.first() == Some(&b'-');
    let start = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    // The first 19 significant digits as `w`, and `e` with |value| ≈ w·10^e.
    let (mut w, mut kept, mut e, mut rest_nonzero) = (0u64, 0i64, 0i64, false);
    let mut i = start;
    let mut digit = |c: u8, fraction: bool| {
        if kept < 19 {
            if w > 0 || c != b'0' {
                w = w * 10 + u64::from(c - b'0');
                kept += 1;
            }
            e -= i64::from(fraction);
        } else {
            e += i64::from(!fraction);
            rest_nonzero |= c != b'0';
        }
    };
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        digit(c, false);
        i += 1;
    }
    let mut seen = i > start;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let fraction = i;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            digit(c, true);
            i += 1;
        }
        seen |= i > fraction;
    }
    let digits_end = i;
    if !seen {
        return None;
    }
    let mut exp = 0i64;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let minus = b.get(i) == Some(&b'-');
        i += usize::from(matches!(b.get(i), Some(b'-' | b'+')));
        let digits = i;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            exp = (exp * 10 + i64::from(d - b'0')).min(1_000_000);
            i += 1;
        }
        if i == digits {
            return None;
        }
        if minus {
            exp = -exp;
        }
    }
    if i != b.len() {
        return None;
    }
    e += exp;
    let x = if w == 0 || e + kept <= -324 {
        // Below 10^-324, less than half the smallest double.
        0.0
    } else if e >= 309 {
        f64::INFINITY
    } else if rest_nonzero {
        exact(&b[start..digits_end], exp, estimate(w, e))
    } else if w <= 1 << 53 && (-22..=22).contains(&e) {
        // Both exact, so the one rounding of the product or quotient is the right one.
        if e >= 0 { w as f64 * POW10[e as usize] } else { w as f64 / POW10[-e as usize] }
    } else if let Some(n) = (0..=38).contains(&e).then(|| u128::from(w).checked_mul(10u128.pow(e as u32))).flatten() {
        n as f64
    } else if (-21..0).contains(&e) {
        quotient(w, 10u128.pow(-e as u32))
    } else {
        exact(&b[start..digits_end], exp, estimate(w, e))
    };
    Some(if neg { -x } else { x })
}

/// `w / d` correctly rounded, for `w` < 2^64 and 10 ≤ `d` ≤ 10^21: the quotient of `w·2^k` (k
/// puts it just below 2^127) has at least 56 bits, and its remainder says if it is exact.
fn quotient(w: u64, d: u128) -> f64 {
    let k = w.leading_zeros() + 63;
    let a = u128::from(w) << k;
    let (q, r) = (a / d, a % d);
    let shift = 128 - q.leading_zeros() - 53;
    let (mut m, cut, half) = ((q >> shift) as u64, q & ((1 << shift) - 1), 1u128 << (shift - 1));
    if cut > half || (cut == half && (r != 0 || m & 1 == 1)) {
        m += 1;
    }
    // m·2^(shift-k), with m ≤ 2^53 and the power of two well inside the normal range.
    m as f64 * f64::from_bits(((1023 + shift as i64 - k as i64) as u64) << 52)
}

/// `w·10^e` in `f64` arithmetic: within a few units in the last place of the true value.
fn estimate(w: u64, e: i64) -> f64 {
    let (mut x, mut e) = (w as f64, e.clamp(-400, 400));
    while e > 22 {
        x *= 1e22;
        e -= 22;
    }
    while e < -22 {
        x /= 1e22;
        e += 22;
    }
    let x = if e >= 0 { x * POW10[e as usize] } else { x / POW10[-e as usize] };
    x.min(f64::MAX)
}

/// The double nearest to the decimal `digits` (a mantissa with an optional point) × 10^`exp`,
/// ties to even, found from the estimate `x` by comparing with the midpoints to its neighbours.
fn exact(digits: &[u8], exp: i64, mut x: f64) -> f64 {
    let (mut d, mut q, mut n) = (Vec::new(), exp.clamp(-100_000, 100_000) as i32, 0);
    let (mut chunk, mut len, mut fraction, mut rest_nonzero) = (0u32, 0, false, false);
    for &c in digits {
        if c == b'.' {
            fraction = true;
            continue;
        }
        if n >= MAX_DIGITS {
            rest_nonzero |= c != b'0';
            q += i32::from(!fraction);
            continue;
        }
        n += usize::from(n > 0 || c != b'0');
        q -= i32::from(fraction);
        (chunk, len) = (chunk * 10 + u32::from(c - b'0'), len + 1);
        if len == 9 {
            mul_add(&mut d, 1_000_000_000, chunk);
            (chunk, len) = (0, 0);
        }
    }
    if rest_nonzero {
        (chunk, len, q) = (chunk * 10 + 1, len + 1, q - 1);
    }
    mul_add(&mut d, 10u32.pow(len), chunk);
    loop {
        let (m, e) = parts(x);
        // Above the midpoint to the next double (or on it, when m is odd): up.
        let up = cmp_exact(2 * m + 1, e - 1, d.clone(), q);
        if up == Ordering::Less || (up == Ordering::Equal && m & 1 == 1) {
            if x == f64::MAX {
                return f64::INFINITY;
            }
            x = f64::from_bits(x.to_bits() + 1);
            continue;
        }
        // Below the midpoint to the previous one: down. At a power of two that one is closer.
        let down = match m {
            0 => Ordering::Less,
            _ if m == 1 << 52 && e > -1074 => cmp_exact(4 * m - 1, e - 2, d.clone(), q),
            _ => cmp_exact(2 * m - 1, e - 1, d.clone(), q),
        };
        if down == Ordering::Greater || (down == Ordering::Equal && m & 1 == 1) {
            x = f64::from_bits(x.to_bits() - 1);
            continue;
        }
        return x;
    }
}

/// `a = a·f + c`.
fn mul_add(a: &mut Vec<u32>, f: u32, c: u32) {
    let mut carry = u64::from(c);
    for limb in a.iter_mut() {
        let v = u64::from(*limb) * u64::from(f) + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    if carry > 0 {
        a.push(carry as u32);
    }
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

    /// Text for [`parse`]: random mantissas and exponents across the range, and edge cases.
    fn decimal_texts() -> Vec<String> {
        let mut v: Vec<String> = [
            "0",
            "-0",
            "+0",
            "0.0",
            ".5",
            "5.",
            "-.5e1",
            "1e",
            "e5",
            ".",
            "-",
            "+",
            "",
            "1e+",
            "1.e5",
            "1..2",
            "1e5.5",
            "inf",
            "NaN",
            "infinity",
            "0x10",
            " 1",
            "1 ",
            "1e-400",
            "1e400",
            "-1e400",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999999",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "9007199254740993",
            "9007199254740992.5",
            "18446744073709551615",
            "18446744073709551616",
            "340282366920938463463374607431768211455",
            "0.30000000000000004",
            "123456789012345678901234567890e-10",
            "1e23",
            "8.5e-323",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.10000000000000000555111512312578270211815834045410156250000000000000000001",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push(format!("2.{}e-308", "2250738585072011360574097967091319759348195463516456480234261097248222220210769455165295239081350879141491589130396211068700864386945946455276572074078206217433799881410632673292535522868813721490129811224514518898490572223072852551331557550159143974763979834118019993239625482890171070818506906306666559949382757725720157630626906633326475653000092458883164330377797918696120494973903778297049050510806099407302629371289589500035837999672072543043602840788957717961509455167482434710307026091446215722898802581825451803257070188608721131280795122334262883686223215037756666225039825343359745688844239002654981983854879482922068947216898310996983658468140228542433306603398508864458040010349339704275671864433837704860378616227717385456230658746790140867233276367187499999"));
        let mut s: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for _ in 0..300_000 {
            let r = next();
            let digits: String =
                (0..1 + r % 24).map(|k| char::from(b'0' + ((next() >> (k % 50)) % 10) as u8)).collect();
            let (int, frac) = digits.split_at((r >> 8) as usize % (digits.len() + 1));
            let exp = match (r >> 16) % 5 {
                0 => String::new(),
                1 => format!("e{}", (r >> 20) % 330),
                2 => format!("e-{}", (r >> 20) % 345),
                3 => format!("E+{}", (r >> 20) % 25),
                _ => format!("e-{}", (r >> 20) % 25),
            };
            let sign = ["", "-", "+"][(r >> 40) as usize % 3];
            v.push(format!("{sign}{int}.{frac}{exp}"));
            v.push(format!("{sign}{digits}{exp}"));
        }
        for x in samples() {
            v.push(format!("{x:e}"));
            v.push(format!("{x}"));
            v.push(format!("{x:.25e}"));
        }
        v
    }

    #[test]
    fn parses_like_rust() {
        for text in decimal_texts() {
            let want = text.parse::<f64>().ok().filter(|_| !text.to_ascii_lowercase().contains(['i', 'n']));
            assert_eq!(parse(&text).map(f64::to_bits), want.map(f64::to_bits), "{text}");
        }
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
