//! The committed JSON Schemas as the structural check reads them, made at compile time: without
//! whitespace and without the annotation texts (`"description"` and `"title"` keys with a string
//! value), which [`crate::structure`] never reads. That is a third of the text the `.wasm` carried.
//!
//! A property that is *named* `description` (its value is an object) is kept; a test compares the
//! parsed result with the schema minus its annotations.

/// The length of [`compact`]'s output.
pub const fn compact_len(src: &[u8]) -> usize {
    run(src, &mut [])
}

/// `src` (JSON text) without whitespace and annotation texts. `N` is [`compact_len`]`(src)`.
pub const fn compact<const N: usize>(src: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    run(src, &mut out);
    out
}

/// Writes the compacted text into `out` unless it is empty; returns its length either way.
const fn run(src: &[u8], out: &mut [u8]) -> usize {
    let write = !out.is_empty();
    let (mut i, mut n) = (0, 0);
    // The last byte written, and whether the next comma goes with an annotation dropped first in
    // its object.
    let mut last = 0u8;
    let mut skip_comma = false;
    while i < src.len() {
        let c = src[i];
        if c == b'"' {
            let end = string_end(src, i);
            let colon = skip_ws(src, end);
            if colon < src.len() && src[colon] == b':' && is_annotation(src, i, end) {
                let value = skip_ws(src, colon + 1);
                if value < src.len() && src[value] == b'"' {
                    if last == b',' {
                        n -= 1;
                        last = b'"';
                    } else {
                        skip_comma = true;
                    }
                    i = string_end(src, value);
                    continue;
                }
            }
            while i < end {
                if write {
                    out[n] = src[i];
                }
                n += 1;
                i += 1;
            }
            last = b'"';
            skip_comma = false;
            continue;
        }
        i += 1;
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') || (c == b',' && skip_comma) {
            skip_comma = false;
            continue;
        }
        if write {
            out[n] = c;
        }
        n += 1;
        last = c;
        skip_comma = false;
    }
    n
}

/// The index after the string that opens at `start`.
const fn string_end(src: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < src.len() && src[j] != b'"' {
        j += if src[j] == b'\\' { 2 } else { 1 };
    }
    j + 1
}

const fn skip_ws(src: &[u8], mut j: usize) -> usize {
    while j < src.len() && matches!(src[j], b' ' | b'\t' | b'\n' | b'\r') {
        j += 1;
    }
    j
}

/// `src[start..end]` is `"description"` or `"title"`.
const fn is_annotation(src: &[u8], start: usize, end: usize) -> bool {
    eq(src, start, end, b"\"description\"") || eq(src, start, end, b"\"title\"")
}

const fn eq(src: &[u8], start: usize, end: usize, word: &[u8]) -> bool {
    if end - start != word.len() {
        return false;
    }
    let mut k = 0;
    while k < word.len() {
        if src[start + k] != word[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// The `&'static Value` of a committed JSON Schema (a `&'static str` constant): compacted at
/// compile time, parsed once on first use. Each use has its own statics.
macro_rules! parsed_schema {
    ($text:expr) => {{
        const LEN: usize = $crate::compact::compact_len($text.as_bytes());
        static TEXT: [u8; LEN] = $crate::compact::compact($text.as_bytes());
        static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
        SCHEMA.get_or_init(|| {
            std::str::from_utf8(&TEXT)
                .ok()
                .and_then(|t| crate::json::parse(t).ok())
                .unwrap_or(serde_json::Value::Bool(true))
        })
    }};
}
pub(crate) use parsed_schema;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn without_annotations(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, v)| !(matches!(k.as_str(), "description" | "title") && v.is_string()))
                    .map(|(k, v)| (k.clone(), without_annotations(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(without_annotations).collect()),
            other => other.clone(),
        }
    }

    fn check(text: &str) {
        let n = compact_len(text.as_bytes());
        let mut out = vec![0; n];
        assert_eq!(run(text.as_bytes(), &mut out), n);
        let got: Value = serde_json::from_slice(&out).unwrap();
        let want = without_annotations(&serde_json::from_str(text).unwrap());
        assert_eq!(got, want);
    }

    #[test]
    fn same_schema_minus_annotations() {
        check(crate::parse::JSON_SCHEMA);
        check(crate::simulate::assumptions::JSON_SCHEMA);
        assert!(compact_len(crate::parse::JSON_SCHEMA.as_bytes()) < crate::parse::JSON_SCHEMA.len() / 2);
        let doc = json!({"title": "t", "a": {"description": "only", "title": "x \" y"}, "description": {"title": 1},
                         "b": ["description", "title"], "c": {"x": 1, "description": "last"}, "d": " s p "});
        check(&serde_json::to_string_pretty(&doc).unwrap());
        check(&doc.to_string());
    }
}
