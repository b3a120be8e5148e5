//! The crate's one JSON text reader: rule documents, assumptions, JsonLogic from JavaScript and
//! client records that [`crate::fastread`] leaves to the full reader become a [`Value`] here, and
//! `fastread` reads client records with the same `Lexer`.
//!
//! The tree is the one `serde_json::from_str` builds: integers that fit `u64` or `i64` stay
//! integers (`-0` is the float `-0.0`), every other number is the correctly rounded `f64` of its
//! text ([`crate::num::parse`], as `JSON.parse` and `Number()` read it), a number beyond
//! the `f64` range is an error, the last of repeated keys wins and nesting stops at 128 levels.
//! An error says why and where: `expected value at line 3 column 15`.
//!
//! Its writer ([`ToJson`], in `json/write.rs`) writes what crosses to JavaScript and the values
//! quoted in messages.

mod write;
pub use write::{ToJson, write_object, write_str};

use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// Arrays and objects nest at most this deep, less one (serde_json's recursion limit).
const MAX_DEPTH: usize = 128;

/// Why and where JSON text cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// Why, in serde_json's words (`expected value`, `EOF while parsing a string`, ...).
    pub why: &'static str,
    /// 1-based line of the character where reading stopped.
    pub line: usize,
    /// 1-based column (in characters) of that character; one past the end at the end of the text.
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.why, self.line, self.column)
    }
}

impl JsonError {
    /// The message of `MAX_DEPTH` being exceeded.
    pub const TOO_DEEP: &'static str = "recursion limit exceeded";
}

/// `v` as compact JSON text, the same as `v.to_string()`, for messages. Written by [`ToJson`],
/// the writer the results use: `Value`'s `Display` would link in serde_json's writers (compact
/// and pretty, over a formatter) for messages alone.
pub fn text(v: &Value) -> String {
    v.to_json()
}

/// Parses JSON text (one value, white space around it) into a [`Value`].
///
/// # Errors
/// [`JsonError`]: why and where the text stops being JSON.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut lx = Lexer::new(text);
    if let Some(v) = lx.value::<Value>(0) {
        if lx.peek().is_none() {
            return Ok(v);
        }
        lx.why = "trailing characters";
    }
    Err(lx.error())
}

/// The position of the first `"`, `\\` or control character (< 0x20) in `s`: eight bytes at a
/// time (SWAR), as most of a record's bytes are inside strings.
fn special_byte(s: &[u8]) -> Option<usize> {
    use crate::swar::{bytes_below, bytes_equal, find};
    find(
        s,
        |w| bytes_equal(w, b'"') | bytes_equal(w, b'\\') | bytes_below(w, 0x20),
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

/// A cursor over JSON text. Its readers return `None` where the text is not what they read,
/// with the cursor where reading stopped and `why` saying what was wrong there.
pub(crate) struct Lexer<'a> {
    /// The text (for slicing: it is valid UTF-8 and we only cut at ASCII bytes) and its bytes.
    t: &'a str,
    pub(crate) s: &'a [u8],
    pub(crate) i: usize,
    why: &'static str,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer { t: text, s: text.as_bytes(), i: 0, why: "expected value" }
    }

    /// Notes why reading stops here.
    fn fail<T>(&mut self, why: &'static str) -> Option<T> {
        self.why = why;
        None
    }

    /// Why and where reading stopped.
    fn error(&self) -> JsonError {
        let before = self.t.get(..self.i.min(self.s.len())).unwrap_or(self.t);
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        JsonError {
            why: self.why,
            line: 1 + before.bytes().filter(|&b| b == b'\n').count(),
            column: 1 + before[line_start..].chars().count(),
        }
    }

    pub(crate) fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// The next byte that is not whitespace. Inlined, with compact JSON's case (no whitespace)
    /// first: the one-pass batch reader calls it for every token.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let c = *self.s.get(self.i)?;
        if c > b' ' {
            return Some(c);
        }
        self.ws();
        self.s.get(self.i).copied()
    }

    #[inline]
    pub(crate) fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    pub(crate) fn lit(&mut self, word: &[u8]) -> Option<()> {
        if self.s.get(self.i..self.i + word.len()) != Some(word) {
            return self.fail("expected ident");
        }
        self.i += word.len();
        Some(())
    }

    /// A string, decoding escapes; borrowed when it has none.
    pub(crate) fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.eat(b'"').is_none() {
            return self.fail("expected `\"`");
        }
        let start = self.i;
        // Find the closing quote, or the first escape or control character.
        let Some(k) = self.s.get(start..).and_then(special_byte) else {
            self.i = self.s.len();
            return self.fail("EOF while parsing a string");
        };
        self.i = start + k;
        match self.s[self.i] {
            b'"' => {
                let out = self.t.get(start..self.i)?;
                self.i += 1;
                return Some(Cow::Borrowed(out));
            }
            b'\\' => {}
            _ => return self.fail(CONTROL),
        }
        let mut out = self.t.get(start..self.i)?.to_string();
        loop {
            let Some(&b) = self.s.get(self.i) else { return self.fail("EOF while parsing a string") };
            match b {
                b'"' => {
                    self.i += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let Some(&e) = self.s.get(self.i + 1) else {
                        self.i = self.s.len();
                        return self.fail("EOF while parsing a string");
                    };
                    let c = match e {
                        b'u' => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair: \uD83D\uDE00.
                                if self.s.get(self.i..self.i + 2) != Some(&b"\\u"[..]) {
                                    return self.fail(LONE_SURROGATE);
                                }
                                self.i += 1;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return self.fail(LONE_SURROGATE);
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                            } else {
                                match char::from_u32(hi) {
                                    Some(c) => c,
                                    None => return self.fail(LONE_SURROGATE),
                                }
                            }
                        }
                        simple => {
                            self.i += 1;
                            let c = match simple {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                _ => return self.fail("invalid escape"),
                            };
                            self.i += 1;
                            c
                        }
                    };
                    out.push(c);
                }
                c if c < 0x20 => return self.fail(CONTROL),
                _ => {
                    let run = self.i;
                    while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\') && self.s[self.i] >= 0x20 {
                        self.i += 1;
                    }
                    out.push_str(self.t.get(run..self.i)?);
                }
            }
        }
    }

    /// The four hex digits after `\u` (the cursor is on the `u`).
    fn hex4(&mut self) -> Option<u32> {
        let hex = self.s.get(self.i + 1..self.i + 5).filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        let Some(v) = hex.and_then(|_| u32::from_str_radix(self.t.get(self.i + 1..self.i + 5)?, 16).ok()) else {
            return self.fail("invalid escape");
        };
        self.i += 5;
        Some(v)
    }

    /// Consumes a run of ASCII digits; returns how many.
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    /// A number as serde_json reads it: an integer that fits `u64` or (below zero) `i64` is an
    /// integer, anything else the correctly rounded `f64` of its text, which must be finite.
    pub(crate) fn number(&mut self) -> Option<Number> {
        self.ws();
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return self.fail(if self.i == start { "expected value" } else { "invalid number" }),
            None => return self.fail("EOF while parsing a value"),
        }
        let mut integer = true;
        if self.s.get(self.i) == Some(&b'.') {
            integer = false;
            self.i += 1;
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            integer = false;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        let text = self.t.get(start..self.i)?;
        if integer {
            if let Ok(n) = text.parse::<u64>() {
                return Some(n.into());
            }
            // `-0` is read as the float -0.0.
            if let Ok(n) = text.parse::<i64>()
                && text != "-0"
            {
                return Some(n.into());
            }
        }
        match crate::num::parse(text).and_then(Number::from_f64) {
            Some(n) => Some(n),
            None => {
                self.i = start;
                self.fail("number out of range")
            }
        }
    }

    /// A number as an `f64` (see [`Lexer::number`]).
    pub(crate) fn f64(&mut self) -> Option<f64> {
        self.number()?.as_f64()
    }

    /// Any JSON value, built as `T` ([`Value`], or `()` to check and skip it); `depth`: how many
    /// arrays and objects it is inside.
    pub(crate) fn value<T: Tree<'a>>(&mut self, depth: usize) -> Option<T> {
        let Some(c) = self.peek() else { return self.fail("EOF while parsing a value") };
        if matches!(c, b'[' | b'{') && depth + 1 >= MAX_DEPTH {
            return self.fail(JsonError::TOO_DEEP);
        }
        Some(match c {
            b'"' => T::string(self.string()?),
            b'[' => {
                self.i += 1;
                let mut items = T::List::default();
                if self.eat(b']').is_none() {
                    loop {
                        T::push(&mut items, self.value(depth + 1)?);
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => break self.i += 1,
                            Some(_) => return self.fail("expected `,` or `]`"),
                            None => return self.fail("EOF while parsing a list"),
                        }
                    }
                }
                T::list(items)
            }
            b'{' => {
                self.i += 1;
                let mut members = T::Object::default();
                if self.eat(b'}').is_none() {
                    loop {
                        match self.peek() {
                            Some(b'"') => {}
                            Some(_) => return self.fail("key must be a string"),
                            None => return self.fail("EOF while parsing an object"),
                        }
                        let key = self.string()?;
                        match self.peek() {
                            Some(b':') => self.i += 1,
                            Some(_) => return self.fail("expected `:`"),
                            None => return self.fail("EOF while parsing an object"),
                        }
                        T::insert(&mut members, key, self.value(depth + 1)?);
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => break self.i += 1,
                            Some(_) => return self.fail("expected `,` or `}`"),
                            None => return self.fail("EOF while parsing an object"),
                        }
                    }
                }
                T::object(members)
            }
            b't' => self.lit(b"true").map(|()| T::bool(true))?,
            b'f' => self.lit(b"false").map(|()| T::bool(false))?,
            b'n' => self.lit(b"null").map(|()| T::null())?,
            _ => T::number(self.number()?),
        })
    }
}

const CONTROL: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const LONE_SURROGATE: &str = "lone surrogate in hex escape";

/// What [`Lexer::value`] builds: a [`Value`], or nothing (`()`) when a value is only checked.
pub(crate) trait Tree<'a>: Sized {
    type List: Default;
    type Object: Default;
    fn null() -> Self;
    fn bool(b: bool) -> Self;
    fn number(n: Number) -> Self;
    fn string(s: Cow<'a, str>) -> Self;
    fn push(items: &mut Self::List, v: Self);
    fn list(items: Self::List) -> Self;
    fn insert(members: &mut Self::Object, key: Cow<'a, str>, v: Self);
    fn object(members: Self::Object) -> Self;
}

impl<'a> Tree<'a> for Value {
    type List = Vec<Value>;
    type Object = Map<String, Value>;
    fn null() -> Self {
        Value::Null
    }
    fn bool(b: bool) -> Self {
        Value::Bool(b)
    }
    fn number(n: Number) -> Self {
        Value::Number(n)
    }
    fn string(s: Cow<'a, str>) -> Self {
        Value::String(s.into_owned())
    }
    fn push(items: &mut Vec<Value>, v: Self) {
        items.push(v);
    }
    fn list(items: Vec<Value>) -> Self {
        Value::Array(items)
    }
    fn insert(members: &mut Map<String, Value>, key: Cow<'a, str>, v: Self) {
        members.insert(key.into_owned(), v);
    }
    fn object(members: Map<String, Value>) -> Self {
        Value::Object(members)
    }
}

impl<'a> Tree<'a> for () {
    type List = ();
    type Object = ();
    fn null() {}
    fn bool(_: bool) {}
    fn number(_: Number) {}
    fn string(_: Cow<'a, str>) {}
    fn push((): &mut (), (): ()) {}
    fn list((): ()) {}
    fn insert((): &mut (), _: Cow<'a, str>, (): ()) {}
    fn object((): ()) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_byte_finds_the_first_quote_backslash_or_control_character() {
        let alphabet = [b'"', b'\\', 0x00, 0x1f, 0x20, b'a', 0x7f, 0x80, 0xa0, 0xdf, 0xff, b'\n'];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..48 {
            for _ in 0..400 {
                let bytes = crate::swar::noisy_bytes(&mut seed, len, &alphabet, 5);
                let want = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                assert_eq!(special_byte(&bytes), want, "{bytes:?}");
            }
        }
    }
}
