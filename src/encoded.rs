//! Client objects encoded by the package's JavaScript encoder (`src/wasm/codec.js`) → [`Record`].
//!
//! `JSON.stringify` of a client and parsing the text again in wasm took most of a single decision's
//! time in JS. Instead the encoder reads only the declared fields of the object ([`Engine::encoder_plan`]
//! names them; nothing else is looked at, so undeclared data never crosses into wasm) and writes
//! each value tagged by its JavaScript type; this reader checks it against the declared type. Like
//! the one-pass text reader it takes only records it fully understands: on anything else — a wrong
//! type, a bad date, an object where a value should be — it returns `None` and the caller reads the
//! record as JSON with the full reader, so every diagnostic still comes from one place.
//!
//! The format (little endian). A value is a tag byte and its payload:
//! [`ABSENT`] (`undefined`, `null`, or a number JSON writes as `null`), [`FALSE`], [`TRUE`],
//! [`NUM`] (f64), [`TEXT`] (u32 byte length, UTF-8), [`LIST`] (u32 count, then the values),
//! [`OTHER`] (anything else: an object, a function, ...; no payload), [`TIME`] (a datetime in the
//! common form, read by the encoder exactly as [`crate::time::parse_datetime`] reads it: epoch
//! milliseconds as f64; only where a datetime is declared).
//! A record is its `id`, one value per declared field in declaration order, then `events` and
//! `contacts`, each [`ABSENT`], [`OTHER`] (not a list) or [`LIST`] with a u32 count of items.
//! An event item is [`SKIP`] (its type is not declared, so it is not read), [`OTHER`] (not an
//! object, or its `type` is not text) or [`ITEM`], the type's index (u16), `at`, and one value per
//! declared property. A contact item is [`OTHER`] or [`ITEM`] followed by `channel`, `outcome`,
//! `at` and `action`. In a batch each record is preceded by its byte length (u32).

use crate::engine::Engine;
use crate::record::{Contact, Event, FieldVal, Outcome, PropVal, Record};
use crate::schema::{Channel, FieldType, PropType};
use crate::time;
use serde::Serialize;

pub const ABSENT: u8 = 0;
pub const FALSE: u8 = 1;
pub const TRUE: u8 = 2;
pub const NUM: u8 = 3;
pub const TEXT: u8 = 4;
pub const LIST: u8 = 5;
pub const OTHER: u8 = 6;
pub const TIME: u8 = 7;
/// An event of an undeclared type.
pub const SKIP: u8 = 0;
/// An event or contact that follows.
pub const ITEM: u8 = 1;

/// What the encoder reads: the declared fields in order, and each declared event type with its
/// declared properties in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncoderPlan {
    pub fields: Vec<String>,
    /// Per field: whether it is a datetime (the encoder may send it as [`TIME`]).
    pub datetime: Vec<bool>,
    pub events: Vec<(String, Vec<String>)>,
}

/// A decoded value. A list is a list of text; any other list reads as [`Val::Other`].
enum Val<'a> {
    Absent,
    Bool(bool),
    Num(f64),
    Text(&'a str),
    /// A datetime the encoder read, in epoch milliseconds.
    Time(i64),
    List(Vec<&'a str>),
    Other,
}

struct Bytes<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.s.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(out)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn value(&mut self) -> Option<Val<'a>> {
        match self.s.get(self.i) {
            Some(&LIST) => {
                self.i += 1;
                let n = self.u32()?;
                let mut items = Vec::new();
                let mut text = true;
                for _ in 0..n {
                    // The items of a list are scalars: a list in a list is refused, not descended into.
                    match self.scalar()? {
                        Val::Text(s) => items.push(s),
                        _ => text = false,
                    }
                }
                Some(if text { Val::List(items) } else { Val::Other })
            }
            _ => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Option<Val<'a>> {
        Some(match self.u8()? {
            ABSENT => Val::Absent,
            FALSE => Val::Bool(false),
            TRUE => Val::Bool(true),
            NUM => Val::Num(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            TEXT => {
                let n = self.u32()? as usize;
                Val::Text(std::str::from_utf8(self.take(n)?).ok()?)
            }
            OTHER => Val::Other,
            TIME => {
                let ms = f64::from_le_bytes(self.take(8)?.try_into().ok()?);
                // Whole milliseconds within ±2^53, as the encoder writes them.
                if ms.fract() != 0.0 || ms.abs() > 9_007_199_254_740_991.0 {
                    return None;
                }
                Val::Time(ms as i64)
            }
            _ => return None,
        })
    }

    fn time(&mut self, tz: time::TimeZone) -> Option<i64> {
        match self.value()? {
            Val::Text(s) => time::parse_datetime(s, tz).ok(),
            Val::Time(ms) => Some(ms),
            _ => None,
        }
    }

    /// The count of a list of items (`0` when absent); `None` when it is not a list.
    fn items(&mut self) -> Option<u32> {
        match self.u8()? {
            ABSENT => Some(0),
            LIST => self.u32(),
            _ => None,
        }
    }
}

impl Engine {
    /// The fields and event properties the JavaScript encoder reads (see the module docs).
    pub fn encoder_plan(&self) -> EncoderPlan {
        EncoderPlan {
            fields: self.fields.iter().map(|f| f.id.clone()).collect(),
            datetime: self.fields.iter().map(|f| f.ty == FieldType::Datetime).collect(),
            events: self.events.iter().map(|e| (e.id.clone(), e.props.iter().map(|p| p.0.clone()).collect())).collect(),
        }
    }

    /// Reads one encoded record: `None` when it needs the full reader (see the module docs).
    pub fn read_client_encoded(&self, bytes: &[u8]) -> Option<Record> {
        let mut rec = Record::default();
        self.read_client_encoded_into(bytes, &mut rec)?;
        Some(rec)
    }

    /// [`Engine::read_client_encoded`] into `rec`, reusing its lists (one decision after another
    /// allocates less); `None` leaves `rec` partly written.
    pub fn read_client_encoded_into(&self, bytes: &[u8], rec: &mut Record) -> Option<()> {
        let mut r = Bytes { s: bytes, i: 0 };
        let id = match r.value()? {
            Val::Text(s) if !s.is_empty() => s,
            _ => return None,
        };
        let Record { values, events, contacts, .. } = rec;
        values.clear();
        for (slot, f) in self.fields.iter().enumerate() {
            values.push(match (r.value()?, f.ty) {
                (Val::Absent, _) if f.required => return None,
                (Val::Absent, _) => FieldVal::Missing,
                (Val::Num(n), FieldType::Number) => FieldVal::Num(n),
                (Val::Num(n), FieldType::Integer) if n.fract() == 0.0 => FieldVal::Num(n),
                (Val::Text(s), FieldType::String) => FieldVal::Str(s.into()),
                (Val::Bool(b), FieldType::Boolean) => FieldVal::Bool(b),
                (Val::Text(s), FieldType::Datetime) => FieldVal::Time(time::parse_datetime(s, self.tz).ok()?),
                (Val::Time(ms), FieldType::Datetime) => FieldVal::Time(ms),
                (Val::Text(s), FieldType::Enum) => {
                    FieldVal::Enum(self.enums.get(slot)?.iter().position(|v| **v == *s)? as u16)
                }
                (Val::List(items), FieldType::List) => FieldVal::List(items.into_iter().map(Into::into).collect()),
                _ => return None,
            });
        }
        events.clear();
        for _ in 0..r.items()? {
            match r.u8()? {
                SKIP => continue,
                ITEM => {}
                _ => return None,
            }
            let event_type = r.u16()?;
            let def = self.events.get(event_type as usize)?;
            let at = r.time(self.tz)?;
            let mut props = Vec::with_capacity(def.props.len());
            for (_, ty) in &def.props {
                props.push(match (r.value()?, ty) {
                    (Val::Absent, _) => PropVal::Missing,
                    (Val::Num(n), PropType::Number) => PropVal::Num(n),
                    (Val::Text(s), PropType::String) => PropVal::Str(s.into()),
                    (Val::Bool(b), PropType::Boolean) => PropVal::Bool(b),
                    _ => return None,
                });
            }
            events.push(Event { event_type, at, props: props.into() });
        }
        contacts.clear();
        for _ in 0..r.items()? {
            if r.u8()? != ITEM {
                return None;
            }
            let channel = match r.value()? {
                Val::Text(s) => Channel::parse(s)?,
                _ => return None,
            };
            let outcome = match r.value()? {
                Val::Text(s) => Outcome::parse(s)?,
                // A missing or non-text outcome counts as delivered, as in the full reader.
                _ => Outcome::Delivered,
            };
            let at = r.time(self.tz)?;
            let action = match r.value()? {
                Val::Text(a) => self.action_slots.get(a),
                _ => None,
            };
            contacts.push(Contact { action, channel, at, outcome });
        }
        if r.i != bytes.len() {
            return None;
        }
        crate::sort::sort_hot_by(events, |a: &Event, b: &Event| a.at.cmp(&b.at));
        crate::sort::sort_hot_by(contacts, |a: &Contact, b: &Contact| a.at.cmp(&b.at));
        rec.id = id.into();
        Some(())
    }
}

/// The next record of a batch (see the module docs) from `*pos`, which moves past it; `None`
/// when the framing is broken there (only a bug in the encoder could cause it).
pub fn next_record<'a>(bytes: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let mut r = Bytes { s: bytes, i: *pos };
    let n = r.u32()? as usize;
    let record = r.take(n)?;
    *pos = r.i;
    Some(record)
}
