//! Values seen while evaluating JsonLogic, and the JavaScript coercion rules the reference
//! implementation (json-logic-js) inherits: truthiness, `==`, `<`, `ToNumber`, `parseFloat`,
//! `String(x)`. Matching them exactly is what makes rules portable between engines.
//!
//! A `Val` borrows strings from the client record or the compiled rules where it can, so the hot
//! path allocates nothing for numbers, booleans and field strings.

use std::cmp::Ordering;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    /// A string borrowed from the record or the rules.
    Str(&'a str),
    /// A string computed during evaluation (`cat`, `substr`, JSON data).
    Owned(Rc<str>),
    /// A list of strings borrowed from a record's `list` field.
    StrList(&'a [Box<str>]),
    Arr(Rc<[Val<'a>]>),
    /// An object's entries sorted by key (the order serde_json's map keeps): see [`Val::get`].
    Obj(Rc<[(String, Val<'a>)]>),
    /// A datetime field's value (ms since the epoch). Behaves as that number in arithmetic.
    Time(i64),
}

impl<'a> Val<'a> {
    pub fn str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Owned(s) => Some(s),
            _ => None,
        }
    }

    /// An object's value for `key` (a binary search: the entries are sorted by key).
    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        let Val::Obj(o) = self else { return None };
        o.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &o[i].1)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    pub fn owned_str(s: &str) -> Val<'a> {
        Val::Owned(Rc::from(s))
    }

    /// Array-like values as a vector of elements (lists of strings become string values).
    pub fn elements(&self) -> Option<Vec<Val<'a>>> {
        match self {
            Val::Arr(a) => Some(a.to_vec()),
            Val::StrList(l) => Some(l.iter().map(|s| Val::Str(s)).collect()),
            _ => None,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Val::Arr(_) | Val::StrList(_))
    }

    pub fn array_len(&self) -> Option<usize> {
        match self {
            Val::Arr(a) => Some(a.len()),
            Val::StrList(l) => Some(l.len()),
            _ => None,
        }
    }

    /// JsonLogic truthiness: JavaScript's, except that an empty array is false.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
            Val::Owned(s) => !s.is_empty(),
            Val::StrList(l) => !l.is_empty(),
            Val::Arr(a) => !a.is_empty(),
            Val::Obj(_) => true,
            Val::Time(_) => true,
        }
    }

    /// JavaScript `ToNumber` (used by `-`, `/`, `%`, comparisons, `min`, `max`).
    pub fn to_number(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Time(t) => *t as f64,
            Val::Str(s) => string_to_number(s),
            Val::Owned(s) => string_to_number(s),
            Val::Arr(_) | Val::StrList(_) => string_to_number(&self.to_js_string()),
            Val::Obj(_) => f64::NAN,
        }
    }

    /// JavaScript `parseFloat(String(x))` (used by `+` and `*`).
    pub fn parse_float(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Time(t) => *t as f64,
            Val::Str(s) => parse_float(s),
            Val::Owned(s) => parse_float(s),
            Val::Null | Val::Bool(_) | Val::Obj(_) => f64::NAN,
            Val::Arr(_) | Val::StrList(_) => parse_float(&self.to_js_string()),
        }
    }

    /// JavaScript `String(x)`; arrays join with `,`, null inside arrays is empty.
    pub fn to_js_string(&self) -> String {
        let mut out = String::new();
        self.write_js_string(&mut out);
        out
    }

    fn write_js_string(&self, out: &mut String) {
        match self {
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Num(n) => out.push_str(&js_number_string(*n)),
            Val::Time(t) => out.push_str(&js_number_string(*t as f64)),
            Val::Str(s) => out.push_str(s),
            Val::Owned(s) => out.push_str(s),
            Val::StrList(l) => out.push_str(&l.join(",")),
            Val::Arr(a) => {
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !v.is_null() {
                        v.write_js_string(out);
                    }
                }
            }
            Val::Obj(_) => out.push_str("[object Object]"),
        }
    }

    /// The value as JSON. NaN and infinities become null, as in `JSON.stringify`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Val::Null => J::Null,
            Val::Bool(b) => J::Bool(*b),
            Val::Num(n) => num_to_json(*n),
            Val::Time(t) => J::from(*t),
            Val::Str(s) => J::String((*s).to_string()),
            Val::Owned(s) => J::String(s.to_string()),
            Val::StrList(l) => J::Array(l.iter().map(|s| J::String(s.to_string())).collect()),
            Val::Arr(a) => J::Array(a.iter().map(Val::to_json).collect()),
            // Inserted one by one: `collect` into a map would link a sort (the keys are sorted already).
            Val::Obj(o) => {
                let mut m = serde_json::Map::new();
                for (k, v) in o.iter() {
                    m.insert(k.clone(), v.to_json());
                }
                J::Object(m)
            }
        }
    }

    /// Converts JSON data (for `applyLogic` and event properties) into values.
    pub fn from_json(v: &serde_json::Value) -> Val<'static> {
        use serde_json::Value as J;
        match v {
            J::Null => Val::Null,
            J::Bool(b) => Val::Bool(*b),
            J::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Val::Owned(Rc::from(s.as_str())),
            J::Array(a) => Val::Arr(a.iter().map(Val::from_json).collect()),
            J::Object(o) => Val::Obj(o.iter().map(|(k, v)| (k.clone(), Val::from_json(v))).collect()),
        }
    }
}

pub fn num_to_json(n: f64) -> serde_json::Value {
    if n.is_finite() {
        // Integral values print as integers (1 not 1.0), as JavaScript does.
        if n == n.trunc() && n.abs() < 9.007_199_254_740_992e15 {
            serde_json::Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
    } else {
        serde_json::Value::Null
    }
}

/// JavaScript `==` (abstract equality).
pub fn loose_eq(a: &Val, b: &Val) -> bool {
    use Val::*;
    match (a, b) {
        (Null, Null) => true,
        (Null, _) | (_, Null) => false,
        (Bool(_), _) => loose_eq(&Num(a.to_number()), b),
        (_, Bool(_)) => loose_eq(a, &Num(b.to_number())),
        // Two arrays or objects are equal only when they are the same object, which two
        // evaluated operands never are.
        (Arr(_) | StrList(_) | Obj(_), Arr(_) | StrList(_) | Obj(_)) => false,
        (Arr(_) | StrList(_) | Obj(_), _) => loose_eq(&Val::Owned(Rc::from(a.to_js_string())), b),
        (_, Arr(_) | StrList(_) | Obj(_)) => loose_eq(a, &Val::Owned(Rc::from(b.to_js_string()))),
        _ => match (a.str(), b.str()) {
            (Some(x), Some(y)) => x == y,
            _ => a.to_number() == b.to_number(),
        },
    }
}

/// JavaScript `===` (strict equality; datetimes compare as their instant).
pub fn strict_eq(a: &Val, b: &Val) -> bool {
    use Val::*;
    match (a, b) {
        (Null, Null) => true,
        (Bool(x), Bool(y)) => x == y,
        (Num(x), Num(y)) => x == y,
        (Time(x), Time(y)) => x == y,
        (Time(x), Num(y)) | (Num(y), Time(x)) => *x as f64 == *y,
        _ => match (a.str(), b.str()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// JavaScript's abstract relational comparison: strings compare by UTF-16 code units, anything
/// else as numbers; `None` when either side is NaN (every comparison is then false).
pub fn js_compare(a: &Val, b: &Val) -> Option<Ordering> {
    let (pa, pb) = (primitive(a), primitive(b));
    if let (Some(x), Some(y)) = (pa.str(), pb.str()) {
        return Some(x.encode_utf16().cmp(y.encode_utf16()));
    }
    pa.to_number().partial_cmp(&pb.to_number())
}

/// `ToPrimitive`: arrays and objects become their string form.
fn primitive<'v>(v: &Val<'v>) -> Val<'v> {
    match v {
        Val::Arr(_) | Val::StrList(_) | Val::Obj(_) => Val::Owned(Rc::from(v.to_js_string())),
        other => other.clone(),
    }
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// JavaScript `ToNumber` on a string: the whole trimmed string must be a number.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let radix = |p: &str, r: u32| -> f64 {
        if p.is_empty() {
            return f64::NAN;
        }
        p.chars()
            .try_fold(0.0f64, |acc, c| c.to_digit(r).map(|d| acc * f64::from(r) + f64::from(d)))
            .unwrap_or(f64::NAN)
    };
    let lower = t.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        return radix(h, 16);
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return radix(o, 8);
    }
    if let Some(b) = lower.strip_prefix("0b") {
        return radix(b, 2);
    }
    match decimal_prefix(t) {
        Some((n, len)) if len == t.len() => n,
        _ => f64::NAN,
    }
}

/// JavaScript `parseFloat`: the longest leading decimal literal after leading white space.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    decimal_prefix(t).map_or(f64::NAN, |(n, _)| n)
}

/// Parses the longest prefix of `t` that is a JS StrDecimalLiteral; returns the value and length.
fn decimal_prefix(t: &str) -> Option<(f64, usize)> {
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if t[i..].starts_with("Infinity") {
        let end = i + "Infinity".len();
        let v = if b[0] == b'-' { f64::NEG_INFINITY } else { f64::INFINITY };
        return Some((v, end));
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - digits_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        mantissa_digits += j - frac_start;
        if mantissa_digits > 0 {
            i = j;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    crate::num::parse(&t[..i]).map(|v| (v, i))
}

/// JavaScript `Number.prototype.toString()`: shortest round-trip digits, exponent form outside
/// 1e-7 < |x| < 1e21.
pub fn js_number_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    // The shortest digits that round-trip, like JS: 1234.5 is "12345" and n = 4.
    let (digits, n) = crate::num::shortest(x);
    let k = digits.len() as i32;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_javascript() {
        let cases = [
            (1.0, "1"),
            (-3.0, "-3"),
            (0.5, "0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (2.5e-8, "2.5e-8"),
        ];
        for (x, s) in cases {
            assert_eq!(js_number_string(x), s, "{x}");
        }
    }

    #[test]
    fn string_coercions_follow_javascript() {
        assert_eq!(string_to_number(" 12 "), 12.0);
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("0x1F"), 31.0);
        assert!(string_to_number("12abc").is_nan());
        assert_eq!(parse_float("12abc"), 12.0);
        assert_eq!(parse_float(".5e1x"), 5.0);
        assert_eq!(parse_float("-Infinityx"), f64::NEG_INFINITY);
        assert!(parse_float("abc").is_nan());
        assert!(parse_float("").is_nan());
        assert_eq!(parse_float("1e"), 1.0);
    }

    #[test]
    fn loose_equality_follows_javascript() {
        assert!(loose_eq(&Val::Num(1.0), &Val::Str("1")));
        assert!(loose_eq(&Val::Bool(true), &Val::Str("1")));
        assert!(!loose_eq(&Val::Null, &Val::Num(0.0)));
        assert!(loose_eq(&Val::Str(""), &Val::Num(0.0)));
        assert!(!strict_eq(&Val::Num(1.0), &Val::Str("1")));
        assert_eq!(js_compare(&Val::Str("10"), &Val::Str("9")), Some(Ordering::Less));
        assert_eq!(js_compare(&Val::Str("10"), &Val::Num(9.0)), Some(Ordering::Greater));
        assert_eq!(js_compare(&Val::Null, &Val::Num(1.0)), Some(Ordering::Less));
        assert_eq!(js_compare(&Val::Str("a"), &Val::Num(1.0)), None);
    }
}
