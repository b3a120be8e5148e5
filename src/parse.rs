//! Stage 1 — parse: rule JSON text → [`RuleSet`], with every structural problem reported at once.
//!
//! JSON syntax errors carry their line and column; the document is then checked against the
//! committed JSON Schema (generated from [`crate::schema`]) so that all unknown keys, wrong types
//! and missing keys are found in one pass, before serde (which stops at the first) runs.

use crate::diagnostics::{Diagnostic, join};
use crate::json::JsonError;
use crate::schema::{RuleSet, SCHEMA_VERSION};
use serde_json::Value;

/// Largest rule document accepted (bytes). A rule set is a few tens of KB; anything near this
/// is a mistake (or an attack on a phone's memory).
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;
/// Most tags, layers or actions accepted in one rule set.
pub const MAX_RULES: usize = 2_000;
/// Most declared fields.
pub const MAX_FIELDS: usize = 512;
/// Most values of one enum field, or tiers of one tag (the engine keeps their indices in 16 bits).
pub const MAX_VALUES: usize = 65_535;

/// The committed JSON Schema of the rule format (`schema/ruleset.schema.json`).
pub const JSON_SCHEMA: &str = include_str!("../schema/ruleset.schema.json");

/// The JSON Schema generated from the Rust types, as committed (pretty-printed, trailing newline).
pub fn generate_json_schema() -> String {
    schema_text::<RuleSet>()
}

/// The JSON Schema of `T` as the committed files hold it: pretty-printed, with a trailing newline.
pub(crate) fn schema_text<T: schemars::JsonSchema>() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(T)).unwrap_or_default();
    s.push('\n');
    s
}

/// Parses rule JSON text. On failure returns every diagnostic found.
pub fn parse_text(text: &str) -> Result<(RuleSet, Value), Vec<Diagnostic>> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(vec![Diagnostic::error(
            "too-large",
            "",
            format!("the rule document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted", text.len()),
        )]);
    }
    let value = crate::json::parse(text).map_err(|e| vec![json_error(&e)])?;
    parse_value(value)
}

/// An error when the list at `doc[key]` has more than `max` entries (`at` is `doc`'s path).
fn limit(diags: &mut Vec<Diagnostic>, doc: &Value, at: &str, key: &str, max: usize) {
    if let Some(n) = doc.get(key).and_then(Value::as_array).map(Vec::len).filter(|n| *n > max) {
        let message = format!("{n} entries in `{key}`; at most {max} are accepted");
        diags.push(Diagnostic::error("too-many-rules", join(at, key), message));
    }
}

/// Turns a JSON syntax error into a diagnostic that says where (line, column) and why.
pub fn json_error(e: &JsonError) -> Diagnostic {
    let why =
        if e.why == JsonError::TOO_DEEP { "nested more than 128 levels deep (no rule needs that)" } else { e.why };
    Diagnostic::error("invalid-json", "", format!("invalid JSON at line {}, column {}: {why}", e.line, e.column))
}

/// Checks an already parsed document. Returns the typed rule set and the document itself
/// (kept for the canonical content hash).
pub fn parse_value(value: Value) -> Result<(RuleSet, Value), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    // The version decides how to read everything else, so check it first and stop if it is wrong.
    match value.get("schemaVersion") {
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(v) => {
            return Err(vec![Diagnostic::error(
                "unsupported-schema-version",
                "/schemaVersion",
                format!(
                    "schemaVersion {} is not supported; this engine reads schemaVersion {SCHEMA_VERSION}",
                    crate::json::text(v)
                ),
            )]);
        }
        None if value.is_object() => {
            diags.push(Diagnostic::error("missing-key", "", "`schemaVersion` is required (1)"));
        }
        None => {}
    }
    // Indices into these lists are kept in 16 bits: a longer list is refused rather than misread.
    let limits = [
        ("tags", MAX_RULES),
        ("layers", MAX_RULES),
        ("actions", MAX_RULES),
        ("events", MAX_RULES),
        ("sops", MAX_RULES),
        ("fields", MAX_FIELDS),
    ];
    for (key, max) in limits {
        limit(&mut diags, &value, "", key, max);
    }
    for (list, key) in [("fields", "values"), ("tags", "tiers")] {
        if let Some(items) = value.get(list).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                limit(&mut diags, item, &join(&join("", list), i), key, MAX_VALUES);
            }
        }
    }
    // What the committed JSON Schema says about the document (checked from its shapes: see `crate::shape`).
    diags.extend(crate::shape::check_rule_set(&value).into_iter().filter(|d| d.path != "/schemaVersion"));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    match crate::read::rule_set(&value) {
        Ok(rules) => Ok((rules, value)),
        // The structural check mirrors the wire types, so this is a backstop, not the usual path.
        Err(e) => Err(vec![Diagnostic::error("invalid-rules", "", e)]),
    }
}
