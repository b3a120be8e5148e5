//! The structural check of a rule document, from a static description of the wire types' JSON
//! (the *shapes* below) instead of by walking the JSON Schema.
//!
//! [`crate::structure`] checks any document against a JSON Schema as schemars emits it, and
//! still does so for the simulation assumptions. A rule document's schema uses only a few of
//! those constructs (objects without extra keys, lists, maps, strings, numbers, `u32`, string
//! enums, nullable values), so its check is this short walk over static tables. Its findings are
//! the general walker's over `schema/ruleset.schema.json`, message for message, in the same order
//! (a test compares the two on every rule document in the repository and thousands of mutations
//! of them), which keeps the committed JSON Schema the contract; the `.wasm` an app loads then
//! needs neither the general walker nor the schema text.

use crate::diagnostics::Diagnostic;
use crate::structure::{
    ARR, BOOL, INT, NULL, NUM, OBJ, Path, STR, as_int, bit_of, in_document_order, invalid_value, num_cmp, unknown_key,
    wrong_type,
};
use serde_json::{Number, Value};
use std::cmp::Ordering;

/// What the JSON of one wire type looks like.
enum Shape {
    /// Anything (a JsonLogic expression).
    Any,
    Str,
    Bool,
    /// A number (`f64`).
    Num,
    /// An integer from 0 to `u32::MAX`.
    U32,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// `null` or the inner shape (`Option<T>`).
    Nullable(&'static Shape),
    List(&'static Shape),
    /// An object with these keys and no others.
    Object(&'static Obj),
    /// An object with any keys, each value of this shape.
    Map(&'static Shape),
    /// A boolean or a string (a consent source: fixed, or a field id).
    BoolOrStr,
}

/// An object's keys (sorted, as the schema lists them) and the required ones.
struct Obj {
    keys: &'static [(&'static str, Shape)],
    required: &'static [&'static str],
}

use Shape::*;

const CHANNEL: Shape = Enum(&["push", "sms", "wecom", "outbound_call", "advisor_assignment", "in_app"]);
const NAMES: Shape = Object(&Obj { keys: &[("en", Str), ("zh", Str)], required: &["zh", "en"] });
const CAP: Shape = Object(&Obj { keys: &[("max", U32), ("windowDays", Num)], required: &["max", "windowDays"] });

static FIELD: Obj = Obj {
    keys: &[
        ("id", Str),
        ("name", Nullable(&NAMES)),
        ("purpose", Str),
        ("required", Bool),
        ("sensitive", Bool),
        ("type", Enum(&["number", "integer", "string", "boolean", "datetime", "enum", "list"])),
        ("unit", Nullable(&Str)),
        ("values", Nullable(&List(&Str))),
    ],
    required: &["id", "type", "purpose"],
};

static EVENT_TYPE: Obj = Obj {
    keys: &[("id", Str), ("name", Nullable(&NAMES)), ("properties", Map(&Enum(&["number", "string", "boolean"])))],
    required: &["id"],
};

static TIER: Obj = Obj { keys: &[("id", Str), ("name", NAMES), ("when", Any)], required: &["id", "name", "when"] };

static TAG: Obj = Obj {
    keys: &[
        ("description", Nullable(&NAMES)),
        ("id", Str),
        ("name", NAMES),
        ("tiers", Nullable(&List(&Object(&TIER)))),
        ("when", Any),
    ],
    required: &["id", "name"],
};

static LAYER: Obj = Obj {
    keys: &[("description", Nullable(&NAMES)), ("id", Str), ("name", NAMES), ("when", Any)],
    required: &["id", "name"],
};

static SOP: Obj = Obj { keys: &[("id", Str), ("name", NAMES)], required: &["id", "name"] };

static SCORE: Obj = Obj {
    keys: &[("contextWeight", Any), ("lever", Any), ("propensity", Any), ("value", Any)],
    required: &["propensity"],
};

static ACTION: Obj = Obj {
    keys: &[
        ("channel", CHANNEL),
        ("content", Enum(&["benefit", "education", "product", "service"])),
        ("cooldownDays", Nullable(&Num)),
        ("fallback", Nullable(&Str)),
        ("id", Str),
        ("name", NAMES),
        ("personalised", Bool),
        ("priority", Nullable(&Num)),
        ("productRisk", Nullable(&Str)),
        ("score", Nullable(&Object(&SCORE))),
        ("sop", Str),
        ("triggers", Nullable(&List(&Str))),
        ("when", Any),
    ],
    required: &["id", "name", "sop", "channel", "content"],
};

static HOLDOUT: Obj = Obj { keys: &[("salt", Str), ("sops", Map(&Num))], required: &["salt", "sops"] };

/// An object with a key per channel, each of this shape.
macro_rules! per_channel {
    ($shape:expr) => {
        Object(&Obj {
            keys: &[
                ("advisor_assignment", $shape),
                ("in_app", $shape),
                ("outbound_call", $shape),
                ("push", $shape),
                ("sms", $shape),
                ("wecom", $shape),
            ],
            required: &[],
        })
    };
}

static CONSENT: Obj = Obj {
    keys: &[("channels", per_channel!(BoolOrStr)), ("personalisation", Nullable(&Str))],
    required: &["channels"],
};

static QUIET_HOURS: Obj = Obj {
    keys: &[("channels", Nullable(&List(&CHANNEL))), ("end", Str), ("mode", Enum(&["drop", "defer"])), ("start", Str)],
    required: &["start", "end", "mode"],
};

static SUPPRESSION: Obj = Obj {
    keys: &[
        ("pauseDays", Num),
        ("rejections", U32),
        ("scope", Nullable(&Enum(&["action", "sop", "channel", "all"]))),
        ("windowDays", Num),
    ],
    required: &["rejections", "windowDays", "pauseDays"],
};

static CONTACT_POLICY: Obj = Obj {
    keys: &[
        ("channels", per_channel!(CAP)),
        ("global", Nullable(&CAP)),
        ("maxActionsPerDecision", Nullable(&U32)),
        ("quietHours", Nullable(&Object(&QUIET_HOURS))),
        ("suppression", Nullable(&Object(&SUPPRESSION))),
    ],
    required: &[],
};

static SUITABILITY: Obj = Obj {
    keys: &[
        ("assessedAtField", Nullable(&Str)),
        ("investorClassField", Str),
        ("maxProductRisk", Nullable(&Map(&Str))),
        ("productRisks", Nullable(&List(&Str))),
        ("validityDays", Nullable(&Num)),
    ],
    required: &["investorClassField"],
};

static RULE_SET: Obj = Obj {
    keys: &[
        ("actions", List(&Object(&ACTION))),
        ("consent", Nullable(&Object(&CONSENT))),
        ("contactPolicy", Nullable(&Object(&CONTACT_POLICY))),
        ("defaultLayer", Nullable(&Str)),
        ("description", Nullable(&NAMES)),
        ("events", List(&Object(&EVENT_TYPE))),
        ("fields", List(&Object(&FIELD))),
        ("holdout", Nullable(&Object(&HOLDOUT))),
        ("id", Str),
        ("layers", List(&Object(&LAYER))),
        ("name", NAMES),
        ("schemaVersion", U32),
        ("sops", List(&Object(&SOP))),
        ("suitability", Nullable(&Object(&SUITABILITY))),
        ("tags", List(&Object(&TAG))),
        ("timeZone", Nullable(&Str)),
        ("version", Str),
    ],
    required: &["schemaVersion", "id", "version", "name", "fields"],
};

/// Every structural problem of a rule document, in document order: what
/// `structure::check(schema/ruleset.schema.json, doc)` reports.
pub fn check_rule_set(doc: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    object(&RULE_SET, doc, &Path::Root, &mut out);
    in_document_order(doc, out)
}

/// The JSON types a shape accepts, as [`crate::structure`]'s type bits.
fn types(shape: &Shape) -> u8 {
    match shape {
        Any => u8::MAX,
        Str | Enum(_) => STR,
        Bool => BOOL,
        Num => NUM | INT,
        U32 => INT,
        Nullable(inner) => types(inner) | NULL,
        List(_) => ARR,
        Object(_) | Map(_) => OBJ,
        BoolOrStr => BOOL | STR,
    }
}

fn check(shape: &Shape, doc: &Value, path: &Path, out: &mut Vec<Diagnostic>) {
    let bits = types(shape);
    if bits & bit_of(doc) == 0 {
        return out.push(wrong_type(path, bits, doc));
    }
    match (shape, doc) {
        (Nullable(inner), _) if !doc.is_null() => check(inner, doc, path, out),
        (U32, Value::Number(n)) => u32_bounds(n, path, out),
        (Enum(values), Value::String(s)) if !values.contains(&s.as_str()) => {
            let allowed: Vec<Value> = values.iter().map(|v| Value::from(*v)).collect();
            out.push(invalid_value(path, doc, &allowed));
        }
        (List(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check(item, v, &Path::Index(path, i), out);
            }
        }
        (Object(obj), _) => object(obj, doc, path, out),
        (Map(value), Value::Object(map)) => {
            for (k, v) in map {
                check(value, v, &Path::Key(path, k), out);
            }
        }
        _ => {}
    }
}

fn object(obj: &Obj, doc: &Value, path: &Path, out: &mut Vec<Diagnostic>) {
    let Value::Object(map) = doc else {
        return out.push(wrong_type(path, OBJ, doc));
    };
    for key in obj.required {
        if !map.contains_key(*key) {
            out.push(Diagnostic::error("missing-key", path, format!("missing required key \"{key}\"")));
        }
    }
    for (key, value) in map {
        let key_path = Path::Key(path, key);
        match obj.keys.iter().find(|(k, _)| k == key) {
            Some((_, shape)) => check(shape, value, &key_path, out),
            None => {
                let allowed: Vec<&str> = obj.keys.iter().map(|(k, _)| *k).collect();
                out.push(unknown_key(key, &key_path, &allowed));
            }
        }
    }
}

/// `minimum: 0`, then (if that passed) the `uint32` range, worded as the general walker words them.
fn u32_bounds(n: &Number, path: &Path, out: &mut Vec<Diagnostic>) {
    if num_cmp(n, &Number::from(0)) == Some(Ordering::Less) {
        out.push(Diagnostic::error("out-of-range", path, format!("expected a number at least 0, found {n}")));
    } else if as_int(n).is_some_and(|v| v > i128::from(u32::MAX)) {
        let msg = format!("{n} is out of range: expected an integer from 0 to {}", u32::MAX);
        out.push(Diagnostic::error("out-of-range", path, msg));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn walker(doc: &Value) -> Vec<Diagnostic> {
        crate::structure::check(crate::compact::parsed_schema!(crate::parse::JSON_SCHEMA), doc)
    }

    /// Every rule document in the repository (fixtures inline theirs), smallest first.
    fn documents() -> Vec<Value> {
        let mut out: Vec<Value> = crate::read::repository_documents().into_iter().map(|(_, v)| v).collect();
        // And one with every key of the rule format, so that each has its value checked.
        let n = || json!({"zh": "名", "en": "name"});
        out.push(json!({
            "schemaVersion": 1, "id": "all", "version": "1", "name": n(), "description": n(), "timeZone": "+08:00",
            "fields": [{"id": "c", "type": "enum", "values": ["C1"], "unit": "u", "sensitive": true, "purpose": "p",
                        "required": false, "name": n()}],
            "events": [{"id": "login", "name": n(), "properties": {"page": "string"}}],
            "tags": [{"id": "t", "name": n(), "description": n(), "when": true,
                      "tiers": [{"id": "a", "name": n(), "when": true}]}],
            "layers": [{"id": "l", "name": n(), "description": n(), "when": true}],
            "defaultLayer": "l",
            "sops": [{"id": "s", "name": n()}],
            "actions": [{"id": "a", "name": n(), "sop": "s", "channel": "push", "content": "benefit", "when": true,
                         "priority": 1, "score": {"propensity": 1, "contextWeight": 1, "value": 1, "lever": 1},
                         "productRisk": "R1", "cooldownDays": 1, "personalised": true, "fallback": "a",
                         "triggers": ["login"]}],
            "holdout": {"salt": "x", "sops": {"s": 0.1}},
            "consent": {"channels": {"push": true, "sms": "c"}, "personalisation": "c"},
            "contactPolicy": {"channels": {"push": {"max": 1, "windowDays": 7}}, "global": {"max": 2, "windowDays": 7},
                              "quietHours": {"start": "22:00", "end": "08:00", "mode": "defer", "channels": ["push"]},
                              "suppression": {"rejections": 2, "windowDays": 7, "pauseDays": 3, "scope": "sop"},
                              "maxActionsPerDecision": 1},
            "suitability": {"investorClassField": "c", "assessedAtField": "c", "validityDays": 365,
                            "productRisks": ["R1"], "maxProductRisk": {"C1": "R1"}}
        }));
        crate::sort::sort_by_key(&mut out, |d| d.to_string().len());
        out
    }

    /// Values that break (or fit) every shape somewhere.
    fn replacements() -> Vec<Value> {
        vec![
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(5_000_000_000u64),
            json!(""),
            json!("push"),
            json!("datetime"),
            json!("sop"),
            json!("pusj"),
            json!([]),
            json!(["x", 1]),
            json!({}),
            json!({"zh": "名", "en": "name"}),
            json!({"max": 1, "windowDays": 7}),
            json!({"naem": 1, "id": 2}),
        ]
    }

    /// The document with the value at a path replaced, an object key removed, or an unknown key
    /// added, one change at a time; at each place in the rule format once (the first list item
    /// stands for the others; JsonLogic expressions, which may be anything, are not entered).
    fn mutations(doc: &Value, seen: &mut std::collections::HashSet<String>) -> Vec<Value> {
        fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            out.push(at.clone());
            if matches!(
                at.last().map(String::as_str),
                Some("when" | "propensity" | "contextWeight" | "value" | "lever")
            ) {
                return;
            }
            match v {
                Value::Object(m) => m.iter().for_each(|(k, c)| {
                    at.push(k.clone());
                    paths(c, at, out);
                    at.pop();
                }),
                Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
                    at.push(i.to_string());
                    paths(c, at, out);
                    at.pop();
                }),
                _ => {}
            }
        }
        fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
            path.iter().fold(v, |v, k| match v {
                Value::Object(m) => m.get_mut(k).unwrap(),
                Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
                _ => unreachable!(),
            })
        }
        let mut all = Vec::new();
        paths(doc, &mut Vec::new(), &mut all);
        let mut out = Vec::new();
        for path in &all {
            let place: Vec<&str> =
                path.iter().map(|k| if k.parse::<usize>().is_ok() { "*" } else { k.as_str() }).collect();
            if !seen.insert(place.join("/")) {
                continue;
            }
            for r in replacements() {
                let mut d = doc.clone();
                *at(&mut d, path) = r;
                out.push(d);
            }
            let mut d = doc.clone();
            let Value::Object(m) = at(&mut d, path) else { continue };
            let keys: Vec<String> = m.keys().cloned().collect();
            m.insert("wehn".into(), json!(1));
            out.push(d);
            for k in keys {
                let mut d = doc.clone();
                if let Value::Object(m) = at(&mut d, path) {
                    m.remove(&k);
                }
                out.push(d);
            }
        }
        out
    }

    #[test]
    fn the_same_findings_as_the_schema_walker() {
        let (mut cases, mut with_findings) = (0, 0);
        let mut seen = std::collections::HashSet::new();
        for doc in documents() {
            for d in std::iter::once(doc.clone()).chain(mutations(&doc, &mut seen)) {
                let want = walker(&d);
                assert_eq!(check_rule_set(&d), want, "{d}");
                cases += 1;
                with_findings += usize::from(!want.is_empty());
            }
        }
        assert!(cases > 2_000 && with_findings > 1_500, "{cases} documents, {with_findings} with findings");
        eprintln!("shape check = schema walker on {cases} documents ({with_findings} with findings)");
    }

    #[test]
    fn the_shapes_list_the_schemas_keys() {
        // Every object of the committed schema, with its keys and required keys, is a shape here
        // (the comparison above would miss a key no document in the repository uses).
        fn shape_keys(shape: &Shape, out: &mut Vec<(Vec<&'static str>, Vec<&'static str>)>) {
            match shape {
                Nullable(s) | List(s) | Map(s) => shape_keys(s, out),
                Object(o) => obj_keys(o, out),
                _ => {}
            }
        }
        fn obj_keys(o: &Obj, out: &mut Vec<(Vec<&'static str>, Vec<&'static str>)>) {
            out.push((o.keys.iter().map(|(k, _)| *k).collect(), o.required.to_vec()));
            o.keys.iter().for_each(|(_, s)| shape_keys(s, out));
        }
        let mut ours = Vec::new();
        obj_keys(&RULE_SET, &mut ours);
        let schema: Value = serde_json::from_str(crate::parse::JSON_SCHEMA).unwrap();
        let mut theirs = Vec::new();
        fn collect(v: &Value, out: &mut Vec<(Vec<String>, Vec<String>)>) {
            match v {
                Value::Object(m) => {
                    // A struct's object: named keys, no others (a map has no `properties`).
                    let closed = m.get("additionalProperties") == Some(&Value::Bool(false));
                    if let (true, Some(Value::Object(p))) = (closed, m.get("properties")) {
                        let req = m.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
                        out.push((
                            p.keys().cloned().collect(),
                            req.iter().filter_map(|r| r.as_str().map(String::from)).collect(),
                        ));
                    }
                    m.values().for_each(|c| collect(c, out));
                }
                Value::Array(a) => a.iter().for_each(|c| collect(c, out)),
                _ => {}
            }
        }
        collect(&schema, &mut theirs);
        for (keys, required) in &theirs {
            assert!(
                ours.iter().any(|(k, r)| k == keys && r == required),
                "the schema's object {keys:?} (required {required:?}) has no shape"
            );
        }
        for (keys, required) in &ours {
            assert!(
                theirs.iter().any(|(k, r)| k == keys && r == required),
                "the shape {keys:?} (required {required:?}) is not in the schema"
            );
        }
    }
}
