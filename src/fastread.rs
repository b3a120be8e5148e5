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
use crate::json::Lexer;
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
        let mut rec = Record::default();
        self.read_client_text_into(text, &mut rec)?;
        Ok(rec)
    }

    /// [`Engine::read_client_text`] into `rec`, reusing its lists (a batch reads each record into
    /// one it has decided already). On an error `rec` is left partly written.
    ///
    /// # Errors
    /// As [`Engine::read_client_text`].
    pub fn read_client_text_into(&self, text: &str, rec: &mut Record) -> Result<(), RecordError> {
        if (Reader { lx: Lexer::new(text), engine: self }).record_into(rec).is_some() {
            return Ok(());
        }
        match crate::json::parse(text) {
            Ok(v) => self.read_client(&v).map(|r| *rec = r),
            Err(e) => Err(RecordError {
                client_id: None,
                line: None,
                errors: vec![Diagnostic::error("invalid-json", "", crate::parse::json_error(&e).message)],
            }),
        }
    }

    /// The one-pass reader alone: `None` when the record needs the full reader (it has a problem
    /// to report, or a form this reader leaves to it).
    pub fn read_client_fast(&self, text: &str) -> Option<Record> {
        let mut rec = Record::default();
        (Reader { lx: Lexer::new(text), engine: self }).record_into(&mut rec)?;
        Some(rec)
    }
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

/// The lexer with the rule set whose fields it reads.
struct Reader<'a, 'e> {
    lx: Lexer<'a>,
    engine: &'e Engine,
}

impl<'a> std::ops::Deref for Reader<'a, '_> {
    type Target = Lexer<'a>;
    fn deref(&self) -> &Lexer<'a> {
        &self.lx
    }
}

impl std::ops::DerefMut for Reader<'_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.lx
    }
}

impl<'a> Reader<'a, '_> {
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        Some(match self.peek()? {
            b'"' => Scalar::Str(self.string()?),
            b't' => self.lit(b"true").map(|_| Scalar::Bool(true))?,
            b'f' => self.lit(b"false").map(|_| Scalar::Bool(false))?,
            b'n' => self.lit(b"null").map(|_| Scalar::Null)?,
            b'{' | b'[' => return None,
            _ => Scalar::Num(self.f64()?),
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

    /// The record into `rec` (see [`Engine::read_client_text_into`]); `None` leaves it partly
    /// written.
    fn record_into(mut self, rec: &mut Record) -> Option<()> {
        let e = self.engine;
        let mut id: Option<Cow<'a, str>> = None;
        let Record { values, events, contacts, .. } = rec;
        values.clear();
        values.resize(e.fields.len(), FieldVal::Missing);
        events.clear();
        contacts.clear();
        self.object(|r, key| {
            match &*key {
                "id" => id = Some(r.string()?).filter(|s| !s.is_empty()),
                "events" => r.events(events)?,
                "contacts" => r.contacts(contacts)?,
                k => match e.field_slots.get(k) {
                    Some(slot) => values[slot as usize] = r.field(slot)?,
                    None => r.value::<()>(0)?,
                },
            }
            Some(())
        })?;
        self.ws();
        if self.i != self.s.len() {
            return None;
        }
        if e.fields.iter().zip(values.iter()).any(|(f, v)| f.required && *v == FieldVal::Missing) {
            return None;
        }
        crate::sort::sort_hot_by(events, |a: &Event, b: &Event| a.at.cmp(&b.at));
        crate::sort::sort_hot_by(contacts, |a: &Contact, b: &Contact| a.at.cmp(&b.at));
        rec.id = id?.into();
        Some(())
    }

    fn field(&mut self, slot: u16) -> Option<FieldVal> {
        let e = self.engine;
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| FieldVal::Missing);
        }
        Some(match e.fields[slot as usize].ty {
            FieldType::Number => FieldVal::Num(self.f64()?),
            FieldType::Integer => FieldVal::Num(self.f64().filter(|n| n.fract() == 0.0)?),
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

    /// `null` or a list of flat objects (events, contacts) into `out`, which it clears first (a
    /// key given twice: the last one counts): `each` turns one object's members into an item
    /// (`Some(None)` skips it). Nested values: give up.
    fn object_list<T>(
        &mut self,
        out: &mut Vec<T>,
        mut each: impl FnMut(&Members<'a>) -> Option<Option<T>>,
    ) -> Option<()> {
        out.clear();
        if self.peek()? == b'n' {
            return self.lit(b"null");
        }
        // One list of members for all the objects, cleared for each.
        let mut members = Members(Vec::new());
        self.array(|r| {
            members.0.clear();
            r.object(|r, key| {
                members.0.push((key, r.scalar()?));
                Some(())
            })?;
            if let Some(item) = each(&members)? {
                out.push(item);
            }
            Some(())
        })
    }

    fn events(&mut self, out: &mut Vec<Event>) -> Option<()> {
        let e = self.engine;
        self.object_list(out, |m| {
            let get = |k: &str| m.get(k);
            let Some(Scalar::Str(ty)) = get("type") else { return None };
            // Undeclared event types are not read.
            let Some(event_type) = e.event_slots.get(ty) else { return Some(None) };
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

    fn contacts(&mut self, out: &mut Vec<Contact>) -> Option<()> {
        let e = self.engine;
        self.object_list(out, |m| {
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
                Some(Scalar::Str(a)) => e.action_slots.get(a),
                _ => None,
            };
            Some(Some(Contact { action, channel, at, outcome }))
        })
    }
}
