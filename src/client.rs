//! Client JSON → [`Record`]: reads only the declared fields and event types (data minimisation),
//! checks their types, and reports every problem of a bad record with its JSON path.

use crate::diagnostics::{Diagnostic, join};
use crate::engine::Engine;
use crate::record::{Contact, Event, FieldVal, Outcome, PropVal, Record};
use crate::schema::{Channel, FieldType, PropType};
use crate::time;
use serde_json::{Map, Value};
use thiserror::Error;

/// A client record that cannot be decided, with every problem found in it.
#[derive(Debug, Clone, Error, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[error("client record{} is invalid: {}", .client_id.as_ref().map(|i| format!(" `{i}`")).unwrap_or_default(), .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct RecordError {
    /// The record's `id`, when it has a readable one.
    pub client_id: Option<String>,
    /// 1-based line (NDJSON) or row (CSV) of the record in a batch.
    pub line: Option<usize>,
    pub errors: Vec<Diagnostic>,
}

impl RecordError {
    pub const CODE: &'static str = "INVALID_CLIENT";
}

fn preview(v: &Value) -> String {
    let s = crate::json::text(v);
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn wrong(path: String, want: &str, v: &Value) -> Diagnostic {
    Diagnostic::error("wrong-type", path, format!("expected {want}, found {} ({})", kind(v), preview(v)))
}

impl Engine {
    /// Reads one client from JSON. Undeclared keys are ignored without being looked at.
    ///
    /// # Errors
    /// [`RecordError`] listing every wrong type, bad date, unknown enum value or missing
    /// required field.
    pub fn read_client(&self, v: &Value) -> Result<Record, RecordError> {
        let Value::Object(obj) = v else {
            return Err(RecordError {
                client_id: None,
                line: None,
                errors: vec![wrong(String::new(), "a client object", v)],
            });
        };
        let mut errors = Vec::new();
        let id = match obj.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => {
                errors.push(wrong("/id".into(), "a non-empty client id", other));
                String::new()
            }
            None => {
                errors.push(Diagnostic::error("missing-key", "", "the client record has no `id`"));
                String::new()
            }
        };
        let mut values = Vec::with_capacity(self.fields.len());
        for (slot, f) in self.fields.iter().enumerate() {
            // Paths are built only for diagnostics: this loop runs for every field of every record.
            let val = match obj.get(&f.id) {
                None | Some(Value::Null) => {
                    if f.required {
                        errors.push(Diagnostic::error(
                            "missing-field",
                            join("", &f.id),
                            format!("required field `{}` is missing", f.id),
                        ));
                    }
                    FieldVal::Missing
                }
                Some(v) => match self.field_value(slot, f.ty, v, &f.id) {
                    Ok(x) => x,
                    Err(d) => {
                        errors.push(d);
                        FieldVal::Missing
                    }
                },
            };
            values.push(val);
        }
        let events = match obj.get("events") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => self.read_events(items, &mut errors),
            Some(other) => {
                errors.push(wrong("/events".into(), "a list of events", other));
                Vec::new()
            }
        };
        let contacts = match obj.get("contacts") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => self.read_contacts(items, &mut errors),
            Some(other) => {
                errors.push(wrong("/contacts".into(), "a list of contacts", other));
                Vec::new()
            }
        };
        if errors.is_empty() {
            Ok(Record { id: id.into_boxed_str(), values, events, contacts })
        } else {
            Err(RecordError { client_id: (!id.is_empty()).then_some(id), line: None, errors })
        }
    }

    fn field_value(&self, slot: usize, ty: FieldType, v: &Value, key: &str) -> Result<FieldVal, Diagnostic> {
        let p = || join("", key);
        Ok(match ty {
            FieldType::Number => FieldVal::Num(v.as_f64().ok_or_else(|| wrong(p(), "a number", v))?),
            FieldType::Integer => {
                let n = v.as_f64().ok_or_else(|| wrong(p(), "an integer", v))?;
                if n.fract() != 0.0 {
                    return Err(wrong(p(), "an integer", v));
                }
                FieldVal::Num(n)
            }
            FieldType::String => FieldVal::Str(v.as_str().ok_or_else(|| wrong(p(), "text", v))?.into()),
            FieldType::Boolean => FieldVal::Bool(v.as_bool().ok_or_else(|| wrong(p(), "true or false", v))?),
            FieldType::Datetime => {
                let s = v.as_str().ok_or_else(|| wrong(p(), "a datetime such as \"2026-11-25T09:30:00+08:00\"", v))?;
                FieldVal::Time(
                    time::parse_datetime(s, self.tz)
                        .map_err(|e| Diagnostic::error("bad-datetime", p(), format!("\"{s}\": {e}")))?,
                )
            }
            FieldType::Enum => {
                let s = v.as_str().ok_or_else(|| wrong(p(), "text", v))?;
                let values = self.enums.get(slot).map(|b| &b[..]).unwrap_or(&[]);
                match values.iter().position(|x| &**x == s) {
                    Some(i) => FieldVal::Enum(i as u16),
                    None => {
                        let all: Vec<&str> = values.iter().map(|x| &**x).collect();
                        return Err(Diagnostic::error(
                            "unknown-enum-value",
                            p(),
                            format!("\"{s}\" is not one of {}", all.join(", ")),
                        ));
                    }
                }
            }
            FieldType::List => {
                let items = v.as_array().ok_or_else(|| wrong(p(), "a list of text", v))?;
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    out.push(x.as_str().ok_or_else(|| wrong(join(&p(), i), "text", x))?.into());
                }
                FieldVal::List(out.into())
            }
        })
    }

    fn read_time(
        &self,
        obj: &Map<String, Value>,
        path: &dyn Fn() -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<i64> {
        match obj.get("at") {
            Some(Value::String(s)) => match time::parse_datetime(s, self.tz) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(Diagnostic::error("bad-datetime", join(&path(), "at"), format!("\"{s}\": {e}")));
                    None
                }
            },
            Some(other) => {
                errors.push(wrong(join(&path(), "at"), "a datetime", other));
                None
            }
            None => {
                errors.push(Diagnostic::error("missing-key", path(), "`at` (when it happened) is required"));
                None
            }
        }
    }

    fn read_events(&self, items: &[Value], errors: &mut Vec<Diagnostic>) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = || format!("/events/{i}");
            let Value::Object(obj) = item else {
                errors.push(wrong(path(), "an event object", item));
                continue;
            };
            let Some(ty_name) = obj.get("type").and_then(Value::as_str) else {
                errors.push(Diagnostic::error("missing-key", path(), "an event needs a `type`"));
                continue;
            };
            // Undeclared event types are not read at all.
            let Some(ty) = self.event_slots.get(ty_name) else { continue };
            let Some(at) = self.read_time(obj, &path, errors) else { continue };
            let def = &self.events[ty as usize];
            let mut props = Vec::with_capacity(def.props.len());
            for (name, pty) in &def.props {
                let pv = match (obj.get(name), pty) {
                    (None | Some(Value::Null), _) => PropVal::Missing,
                    (Some(Value::Number(n)), PropType::Number) => PropVal::Num(n.as_f64().unwrap_or(f64::NAN)),
                    (Some(Value::String(s)), PropType::String) => PropVal::Str(s.as_str().into()),
                    (Some(Value::Bool(b)), PropType::Boolean) => PropVal::Bool(*b),
                    (Some(other), t) => {
                        let want = match t {
                            PropType::Number => "a number",
                            PropType::String => "text",
                            PropType::Boolean => "true or false",
                        };
                        errors.push(wrong(join(&path(), name), want, other));
                        PropVal::Missing
                    }
                };
                props.push(pv);
            }
            out.push(Event { event_type: ty, at, props: props.into() });
        }
        crate::sort::sort_by_key(&mut out, |e| e.at);
        out
    }

    fn read_contacts(&self, items: &[Value], errors: &mut Vec<Diagnostic>) -> Vec<Contact> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = || format!("/contacts/{i}");
            let Value::Object(obj) = item else {
                errors.push(wrong(path(), "a contact object", item));
                continue;
            };
            let channel = match obj.get("channel").and_then(Value::as_str).map(|s| (s, Channel::parse(s))) {
                Some((_, Some(c))) => c,
                Some((s, None)) => {
                    errors.push(Diagnostic::error(
                        "invalid-value",
                        join(&path(), "channel"),
                        format!(
                            "\"{s}\" is not a channel (push, sms, wecom, outbound_call, advisor_assignment, in_app)"
                        ),
                    ));
                    continue;
                }
                None => {
                    errors.push(Diagnostic::error("missing-key", path(), "a contact needs a `channel`"));
                    continue;
                }
            };
            let outcome = match obj.get("outcome").and_then(Value::as_str) {
                Some(s) => match Outcome::parse(s) {
                    Some(o) => o,
                    None => {
                        errors.push(Diagnostic::error(
                            "invalid-value",
                            join(&path(), "outcome"),
                            format!("\"{s}\" is not an outcome (delivered, opened, clicked, rejected, converted)"),
                        ));
                        continue;
                    }
                },
                None => Outcome::Delivered,
            };
            let Some(at) = self.read_time(obj, &path, errors) else { continue };
            let action = obj.get("action").and_then(Value::as_str).and_then(|a| self.action_slots.get(a));
            out.push(Contact { action, channel, at, outcome });
        }
        crate::sort::sort_by_key(&mut out, |c| c.at);
        out
    }
}
