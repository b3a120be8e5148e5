//! Client JSON text → [`Record`] in one pass, without building a JSON tree: declared fields are
//! parsed straight into their slots and everything else is skipped (validated, not stored).
//!
//! This is the hot path of batches. It handles only records it fully understands; on anything
//! else — a wrong type, a bad date, a number JSON cannot hold, invalid JSON — it gives up and
//! [`Engine::read_client_text`] falls back to the full reader ([`Engine::read_client`]), so every
//! diagnostic comes from one place. `tests/fastread.rs` checks the two readers agree.

use crate::client::RecordError;
use crate::diagnostics::Diagnostic;
use crate::engine::Engine;
use crate::record::{Contact, Event, FieldVal, Outcome, PropVal, Record};
use crate::schema::{Channel, FieldType, PropType};
use crate::time;
use std::borrow::Cow;

impl Engine {
    /// Reads one client from JSON text (see the module docs).
    ///
    /// # Errors
    /// [`RecordError`] with every problem, exactly as [`Engine::read_client`] reports it.
    pub fn read_client_text(&self, text: &str) -> Result<Record, RecordError> {
        if let Some(r) = self.read_client_fast(text) {
            return Ok(r);
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => self.read_client(&v),
            Err(e) => Err(RecordError {
                client_id: None,
                line: None,
                errors: vec![Diagnostic::error("invalid-json", "", crate::parse::json_error(&e).message)],
            }),
        }
    }
}

impl Engine {
    /// The one-pass reader alone: `None` when the record needs the full reader (it has a problem
    /// to report, or a form this reader leaves to it).
    pub fn read_client_fast(&self, text: &str) -> Option<Record> {
        (Reader { t: text, s: text.as_bytes(), i: 0, engine: self }).record()
    }
}

/// The position of the first `"`, `\\` or control character (< 0x20) in `s`: eight bytes at a
/// time (SWAR), as most of a record's bytes are inside strings.
fn special_byte(s: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let mut chunks = s.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes(chunk.try_into().ok()?);
        let (quote, backslash) = (w ^ (ONES * u64::from(b'"')), w ^ (ONES * u64::from(b'\\')));
        // Per byte, the high bit is set where the byte is zero (or, for the last term, below
        // 0x20). Borrows only run upwards, so the lowest flagged byte is always a true match;
        // that is the one we want (little endian: the first in the text).
        let hits = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let hits = hits & HIGH;
        if hits != 0 {
            return Some(k * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let done = s.len() - chunks.remainder().len();
    chunks.remainder().iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|p| done + p)
}

/// A scalar JSON value of an event or contact, kept until the object's `type` is known.
enum Scalar<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
}

/// The members of a flat JSON object, in order.
struct Members<'a>(Vec<(Cow<'a, str>, Scalar<'a>)>);

impl<'a> Members<'a> {
    /// The value of `key`; the last occurrence wins, as when the object is read into a map.
    fn get(&self, key: &str) -> Option<&Scalar<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

struct Reader<'a, 'e> {
    /// The text (for slicing: it is valid UTF-8 and we only cut at ASCII bytes) and its bytes.
    t: &'a str,
    s: &'a [u8],
    i: usize,
    engine: &'e Engine,
}

impl<'a> Reader<'a, '_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        self.s.get(self.i..self.i + word.len()).filter(|w| *w == word).map(|_| self.i += word.len())
    }

    /// A string, decoding escapes; borrowed when it has none.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        // Find the closing quote, or the first escape or control character.
        self.i = start + special_byte(self.s.get(start..)?)?;
        match self.s[self.i] {
            b'"' => {
                let out = self.t.get(start..self.i)?;
                self.i += 1;
                return Some(Cow::Borrowed(out));
            }
            b'\\' => {}
            _ => return None,
        }
        let mut out = self.t.get(start..self.i)?.to_string();
        loop {
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let c = match *self.s.get(self.i + 1)? {
                        b'u' => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair: \uD83D\uDE00.
                                if self.s.get(self.i..self.i + 2)? != b"\\u" {
                                    return None;
                                }
                                self.i += 1;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                            } else {
                                char::from_u32(hi)?
                            }
                        }
                        simple => {
                            self.i += 2;
                            match simple {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                _ => return None,
                            }
                        }
                    };
                    out.push(c);
                }
                c if c < 0x20 => return None,
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
        let digits = self.s.get(self.i + 1..self.i + 5)?;
        let text = self.t.get(self.i + 1..self.i + 5)?;
        let v = u32::from_str_radix(text, 16).ok()?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
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

    /// A number with serde_json's semantics: integers that fit i64/u64 are read as integers first.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        let mut integer = true;
        if self.s.get(self.i) == Some(&b'.') {
            integer = false;
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            integer = false;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let text = self.t.get(start..self.i)?;
        if integer {
            if let Ok(n) = text.parse::<i64>() {
                // serde_json reads `-0` as the float -0.0.
                return Some(if n == 0 && text.starts_with('-') { -0.0 } else { n as f64 });
            }
            if let Ok(n) = text.parse::<u64>() {
                return Some(n as f64);
            }
        }
        text.parse::<f64>().ok().filter(|n| n.is_finite())
    }

    /// Skips any JSON value, checking its grammar (so invalid JSON never reads as valid).
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > 100 {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.i += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.skip(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    fn scalar(&mut self) -> Option<Scalar<'a>> {
        Some(match self.peek()? {
            b'"' => Scalar::Str(self.string()?),
            b't' => self.lit(b"true").map(|_| Scalar::Bool(true))?,
            b'f' => self.lit(b"false").map(|_| Scalar::Bool(false))?,
            b'n' => self.lit(b"null").map(|_| Scalar::Null)?,
            b'{' | b'[' => return None,
            _ => Scalar::Num(self.number()?),
        })
    }

    /// Calls `each(key)` for every member of an object; `each` must consume the value.
    fn object(&mut self, mut each: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            each(self, key)?;
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }

    fn array(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            each(self)?;
            if self.eat(b',').is_none() {
                return self.eat(b']');
            }
        }
    }

    fn record(mut self) -> Option<Record> {
        let e = self.engine;
        let mut id: Option<String> = None;
        let mut values = vec![FieldVal::Missing; e.fields.len()];
        let mut events = Vec::new();
        let mut contacts = Vec::new();
        self.object(|r, key| {
            match &*key {
                "id" => id = Some(r.string()?.into_owned()).filter(|s| !s.is_empty()),
                "events" => events = r.events()?,
                "contacts" => contacts = r.contacts()?,
                k => match e.field_slots.get(k) {
                    Some(&slot) => values[slot as usize] = r.field(slot)?,
                    None => r.skip(0)?,
                },
            }
            Some(())
        })?;
        self.ws();
        if self.i != self.s.len() {
            return None;
        }
        if e.fields.iter().zip(&values).any(|(f, v)| f.required && *v == FieldVal::Missing) {
            return None;
        }
        crate::sort::sort_hot_by(&mut events, |a: &Event, b: &Event| a.at.cmp(&b.at));
        crate::sort::sort_hot_by(&mut contacts, |a: &Contact, b: &Contact| a.at.cmp(&b.at));
        Some(Record { id: id?.into_boxed_str(), values, events, contacts })
    }

    fn field(&mut self, slot: u16) -> Option<FieldVal> {
        let e = self.engine;
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| FieldVal::Missing);
        }
        Some(match e.fields[slot as usize].ty {
            FieldType::Number => FieldVal::Num(self.number()?),
            FieldType::Integer => FieldVal::Num(self.number().filter(|n| n.fract() == 0.0)?),
            FieldType::String => FieldVal::Str(self.string()?.into()),
            FieldType::Boolean => match self.scalar()? {
                Scalar::Bool(b) => FieldVal::Bool(b),
                _ => return None,
            },
            FieldType::Datetime => FieldVal::Time(time::parse_datetime(&self.string()?, e.tz).ok()?),
            FieldType::Enum => {
                let s = self.string()?;
                let i = e.enums.get(slot as usize)?.iter().position(|v| **v == *s)?;
                FieldVal::Enum(i as u16)
            }
            FieldType::List => {
                let mut items: Vec<Box<str>> = Vec::new();
                self.array(|r| {
                    items.push(r.string()?.into());
                    Some(())
                })?;
                FieldVal::List(items.into())
            }
        })
    }

    /// `null` or a list of flat objects (events, contacts): `each` turns one object's members into
    /// an item (`Some(None)` skips it). Nested values: give up.
    fn object_list<T>(&mut self, mut each: impl FnMut(&Members<'a>) -> Option<Option<T>>) -> Option<Vec<T>> {
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| Vec::new());
        }
        let mut out = Vec::new();
        self.array(|r| {
            let mut members = Members(Vec::new());
            r.object(|r, key| {
                members.0.push((key, r.scalar()?));
                Some(())
            })?;
            if let Some(item) = each(&members)? {
                out.push(item);
            }
            Some(())
        })?;
        Some(out)
    }

    fn events(&mut self) -> Option<Vec<Event>> {
        let e = self.engine;
        self.object_list(|m| {
            let get = |k: &str| m.get(k);
            let Some(Scalar::Str(ty)) = get("type") else { return None };
            // Undeclared event types are not read.
            let Some(&event_type) = e.event_slots.get(&**ty) else { return Some(None) };
            let Some(Scalar::Str(at)) = get("at") else { return None };
            let at = time::parse_datetime(at, e.tz).ok()?;
            let def = &e.events[event_type as usize];
            let mut props = Vec::with_capacity(def.props.len());
            for (name, pty) in &def.props {
                props.push(match (get(name), pty) {
                    (None | Some(Scalar::Null), _) => PropVal::Missing,
                    (Some(Scalar::Num(n)), PropType::Number) => PropVal::Num(*n),
                    (Some(Scalar::Str(s)), PropType::String) => PropVal::Str((**s).into()),
                    (Some(Scalar::Bool(b)), PropType::Boolean) => PropVal::Bool(*b),
                    _ => return None,
                });
            }
            Some(Some(Event { event_type, at, props: props.into() }))
        })
    }

    fn contacts(&mut self) -> Option<Vec<Contact>> {
        let e = self.engine;
        self.object_list(|m| {
            let get = |k: &str| m.get(k);
            let Some(Scalar::Str(ch)) = get("channel") else { return None };
            let channel = Channel::parse(ch)?;
            let outcome = match get("outcome") {
                None => Outcome::Delivered,
                Some(Scalar::Str(o)) => Outcome::parse(o)?,
                // A non-text outcome counts as absent in the full reader too.
                Some(_) => Outcome::Delivered,
            };
            let Some(Scalar::Str(at)) = get("at") else { return None };
            let at = time::parse_datetime(at, e.tz).ok()?;
            let action = match get("action") {
                Some(Scalar::Str(a)) => e.action_slots.get(&**a).copied(),
                _ => None,
            };
            Some(Some(Contact { action, channel, at, outcome }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::special_byte;

    #[test]
    fn special_byte_finds_the_first_quote_backslash_or_control_character() {
        let alphabet = [b'"', b'\\', 0x00, 0x1f, 0x20, b'a', 0x7f, 0x80, 0xa0, 0xdf, 0xff, b'\n'];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..48 {
            for _ in 0..400 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly ordinary bytes, so matches land anywhere in the words.
                        if seed % 5 == 0 {
                            alphabet[(seed >> 8) as usize % alphabet.len()]
                        } else {
                            b'a' + (seed >> 16) as u8 % 26
                        }
                    })
                    .collect();
                let want = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                assert_eq!(special_byte(&bytes), want, "{bytes:?}");
            }
        }
    }
}
