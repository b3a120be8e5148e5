//! The crate's JSON text writer: what crosses to JavaScript (`info()`, diagnostics, a decision's
//! trace, batch errors, the codec's tables) and the values quoted in messages.
//!
//! The text is byte for byte what `serde_json::to_string` writes for the same types (their
//! `Serialize` derives stay, for native users): `tests/json.rs` holds the two equal. The wasm
//! module carries this one small writer instead of serde's serializer machinery, which is
//! generic code repeated for every field of every type.

use crate::client::RecordError;
use crate::decision::{DecisionTables, RuleSetRef, TraceEntry};
use crate::diagnostics::{Diagnostic, Severity};
use crate::encoded::EncoderPlan;
use crate::engine::{EngineInfo, FieldInfo};
use crate::schema::Names;
use serde_json::Value;

/// A value that writes itself as JSON text (see the module docs).
pub trait ToJson {
    fn write_json(&self, out: &mut String);

    /// The text. (`Sized`: not in the table of `dyn ToJson`, which would repeat it for each type.)
    fn to_json(&self) -> String
    where
        Self: Sized,
    {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// `s` as a JSON string literal: `"` and `\` escaped, control characters as `\b \t \n \f \r` or
/// `\u00XX`, everything else as it is.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            b'\t' => 't',
            b'\n' => 'n',
            0x0c => 'f',
            b'\r' => 'r',
            0..0x20 => 'u',
            _ => continue,
        };
        // Every byte escaped is ASCII, so `run..i` lies on character boundaries.
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push('\\');
        out.push(short);
        if short == 'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// `{"key":value,...}` of the members in order.
pub fn write_object(out: &mut String, members: &[(&str, &dyn ToJson)]) {
    out.push('{');
    for (k, (key, value)) in members.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        write_str(out, key);
        out.push(':');
        value.write_json(out);
    }
    out.push('}');
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = *self;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend(digits[at..].iter().map(|&d| char::from(d)));
    }
}

impl ToJson for usize {
    fn write_json(&self, out: &mut String) {
        (*self as u64).write_json(out);
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut String) {
        u64::from(*self).write_json(out);
    }
}

/// A number as serde_json writes an `f64`: its shortest round-trip digits (`1.0`, `2.5e-7`), and
/// `null` for NaN and the infinities.
impl ToJson for f64 {
    fn write_json(&self, out: &mut String) {
        if self.is_finite() {
            out.push_str(zmij::Buffer::new().format_finite(*self));
        } else {
            out.push_str("null");
        }
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (k, v) in self.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            v.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        [&self.0 as &dyn ToJson, &self.1].write_json(out);
    }
}

impl<A: ToJson, B: ToJson, C: ToJson, D: ToJson> ToJson for (A, B, C, D) {
    fn write_json(&self, out: &mut String) {
        [&self.0 as &dyn ToJson, &self.1, &self.2, &self.3].write_json(out);
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u.write_json(out),
                (None, Some(i)) => {
                    out.push('-');
                    i.unsigned_abs().write_json(out);
                }
                (None, None) => n.as_f64().unwrap_or(f64::NAN).write_json(out),
            },
            Value::String(s) => write_str(out, s),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => map.write_json(out),
        }
    }
}

impl ToJson for Names {
    fn write_json(&self, out: &mut String) {
        write_object(out, &[("zh", &self.zh), ("en", &self.en)]);
    }
}

impl ToJson for Diagnostic {
    fn write_json(&self, out: &mut String) {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut members: Vec<(&str, &dyn ToJson)> =
            vec![("code", &self.code), ("severity", &severity), ("path", &self.path), ("message", &self.message)];
        if let Some(s) = &self.suggestion {
            members.push(("suggestion", s));
        }
        write_object(out, &members);
    }
}

impl ToJson for RecordError {
    fn write_json(&self, out: &mut String) {
        write_object(out, &[("clientId", &self.client_id), ("line", &self.line), ("errors", &self.errors)]);
    }
}

impl ToJson for FieldInfo {
    fn write_json(&self, out: &mut String) {
        let ty = self.field_type.as_str();
        let mut members: Vec<(&str, &dyn ToJson)> =
            vec![("id", &self.id), ("type", &ty), ("sensitive", &self.sensitive), ("purpose", &self.purpose)];
        if let Some(unit) = &self.unit {
            members.push(("unit", unit));
        }
        write_object(out, &members);
    }
}

impl ToJson for EngineInfo {
    fn write_json(&self, out: &mut String) {
        write_object(
            out,
            &[
                ("id", &self.id),
                ("version", &self.version),
                ("name", &self.name),
                ("contentHash", &self.content_hash),
                ("schemaVersion", &self.schema_version),
                ("fields", &self.fields),
                ("events", &self.events),
            ],
        );
    }
}

impl ToJson for RuleSetRef {
    fn write_json(&self, out: &mut String) {
        write_object(out, &[("id", &self.id), ("version", &self.version), ("contentHash", &self.content_hash)]);
    }
}

impl ToJson for DecisionTables {
    fn write_json(&self, out: &mut String) {
        write_object(
            out,
            &[
                ("ruleSet", &self.rule_set),
                ("tags", &self.tags),
                ("layers", &self.layers),
                ("actions", &self.actions),
                ("sops", &self.sops),
                ("reasons", &self.reasons),
            ],
        );
    }
}

impl ToJson for EncoderPlan {
    fn write_json(&self, out: &mut String) {
        write_object(out, &[("fields", &self.fields), ("datetime", &self.datetime), ("events", &self.events)]);
    }
}

impl ToJson for TraceEntry {
    fn write_json(&self, out: &mut String) {
        write_object(out, &[("kind", &self.kind), ("id", &self.id), ("result", &self.result), ("reads", &self.reads)]);
    }
}

impl ToJson for serde_json::Map<String, Value> {
    fn write_json(&self, out: &mut String) {
        out.push('{');
        for (k, (key, value)) in self.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            write_str(out, key);
            out.push(':');
            value.write_json(out);
        }
        out.push('}');
    }
}
