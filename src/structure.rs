//! Structural check of a document against the JSON Schema that schemars generates for the wire
//! types: the simulation assumptions here; a rule document by `crate::shape`, which a test
//! holds to exactly this walker's findings over `schema/ruleset.schema.json`.
//!
//! serde stops at the first error, which turns fixing a hand-written rule document into a slow
//! "fix one thing, run again" loop. Instead we walk the parsed [`Value`] alongside the schema and
//! collect *every* structural problem, each with the JSON pointer of the offending value. Only
//! when this finds nothing does the caller deserialize with serde, so the schema (derived from the
//! very same types) stays the single source of truth for both.
//!
//! This is not a general JSON Schema validator: it supports what schemars 1.x emits (draft
//! 2020-12, local `$ref`s into `$defs`), and where a full validator would list every failing
//! `oneOf` branch it picks the branch the author most plausibly meant and reports only its errors.

use crate::diagnostics::{Diagnostic, closest, join};
use crate::engine::FnvMap;
use crate::json;
use serde_json::{Map, Number, Value};
use std::cmp::{Ordering, Reverse};
use std::rc::Rc;

/// Upper bound on nested checks (document levels plus schema steps). serde_json stops parsing at
/// depth 128 already; this also bounds hand-built values and keeps the stack small on wasm.
const MAX_LEVEL: usize = 600;
/// Upper bound on schema steps (`$ref`, `allOf`, `oneOf`...) without descending into the
/// document. Recursive schemas (trees) are fine, as each trip round them consumes document depth;
/// a cycle that does not (`A = {"$ref": A}`) is cut off here.
const MAX_HOPS: usize = 64;
/// Lists of allowed keys/values longer than this are not spelled out in messages.
const MAX_LISTED: usize = 12;
/// String previews in messages are cut to this many characters.
const PREVIEW_CHARS: usize = 40;

/// Checks `doc` against `schema` (a JSON Schema as schemars 1.x emits it) and returns every
/// structural problem, in document order.
pub fn check(schema: &Value, doc: &Value) -> Vec<Diagnostic> {
    let mut walker = Walker { root: schema, memo: FnvMap::default(), type_cache: FnvMap::default() };
    let mut out = Vec::new();
    walker.node(schema, doc, &Path::Root, Level::default(), &mut out);
    in_document_order(doc, out)
}

type Obj = Map<String, Value>;
/// A failed `oneOf`/`anyOf` branch and its errors.
type Tried<'a> = (&'a Value, Rc<Vec<Diagnostic>>);

/// A JSON pointer, built lazily: rendered (with [`join`]) only when a diagnostic needs it, so
/// walking a valid document allocates no path strings.
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl From<&Path<'_>> for String {
    fn from(path: &Path<'_>) -> String {
        match path {
            Path::Root => String::new(),
            Path::Key(parent, key) => join(&String::from(*parent), key),
            Path::Index(parent, i) => join(&String::from(*parent), i),
        }
    }
}

/// How deep the check is; see [`MAX_LEVEL`] and [`MAX_HOPS`].
#[derive(Clone, Copy, Default)]
struct Level {
    total: usize,
    hops: usize,
}

impl Level {
    /// One more schema step at the same document value.
    fn hop(self) -> Self {
        Level { total: self.total + 1, hops: self.hops + 1 }
    }
    /// One level deeper into the document.
    fn down(self) -> Self {
        Level { total: self.total + 1, hops: 0 }
    }
}

// JSON types as bits, so the types a `oneOf` accepts can be unioned across its branches.
pub(crate) const NULL: u8 = 1;
pub(crate) const BOOL: u8 = 2;
pub(crate) const OBJ: u8 = 4;
pub(crate) const ARR: u8 = 8;
pub(crate) const NUM: u8 = 16; // a number with a fraction or exponent
pub(crate) const INT: u8 = 32; // an integral number: serde rejects `1.0` for integer types, and so do we
pub(crate) const STR: u8 = 64;
const ANY: u8 = 127;
/// JSON Schema type names, their bits and how messages name them.
const TYPES: [(&str, u8, &str); 7] = [
    ("string", STR, "a string"),
    ("number", NUM | INT, "a number"),
    ("integer", INT, "an integer"),
    ("boolean", BOOL, "a boolean"),
    ("object", OBJ, "an object"),
    ("array", ARR, "an array"),
    ("null", NULL, "null"),
];

struct Walker<'a> {
    root: &'a Value,
    /// Errors of (branch schema, document value) pairs already tried: nested alternatives would
    /// otherwise re-check the same subtree exponentially often.
    memo: FnvMap<(usize, usize), Rc<Vec<Diagnostic>>>,
    type_cache: FnvMap<usize, u8>,
}

impl<'a> Walker<'a> {
    /// Resolves a local reference (`#`, `#/$defs/Tag`) against the root schema; schemars
    /// percent-encodes unusual definition names.
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        match reference.strip_prefix('#')? {
            "" => Some(self.root),
            pointer => self.root.pointer(&percent_decode(pointer)),
        }
    }

    fn follow(&self, s: &Obj) -> Option<&'a Value> {
        s.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r))
    }

    /// Follows a chain of `$ref`s (schemars wraps types in `{"$ref": ...}` plus annotations).
    fn target(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_HOPS {
            match schema.as_object().and_then(|s| self.follow(s)) {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }

    /// Checks `doc` against `schema`, appending problems to `out`.
    fn node(&mut self, schema: &'a Value, doc: &'a Value, path: &Path, lvl: Level, out: &mut Vec<Diagnostic>) {
        let s = match schema {
            Value::Object(s) => s,
            Value::Bool(false) => return out.push(not_allowed(path, doc)),
            _ => return,
        };
        if lvl.total > MAX_LEVEL || lvl.hops > MAX_HOPS {
            let msg = "the document is nested too deeply (or the schema is cyclic) to be checked";
            return out.push(Diagnostic::error("too-deep", path, msg));
        }
        if let Some(target) = self.follow(s) {
            self.node(target, doc, path, lvl.hop(), out);
        }
        // A wrong type or value makes every other keyword noise: report it alone.
        let bits = s.get("type").map_or(ANY, type_bits);
        if bits & bit_of(doc) == 0 {
            return out.push(wrong_type(path, bits, doc));
        }
        if let Some(c) = s.get("const").filter(|c| !json_eq(c, doc)) {
            return out.push(invalid_value(path, doc, [c]));
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            if !values.iter().any(|v| json_eq(v, doc)) {
                return out.push(invalid_value(path, doc, values));
            }
        }
        match doc {
            Value::Number(n) => number_bounds(s, n, path, out),
            Value::String(text) => {
                count_bounds(s, ["minLength", "maxLength", "character"], text.chars().count(), path, out)
            }
            Value::Array(items) => self.array(s, items, path, lvl, out),
            Value::Object(map) => self.object(s, map, path, lvl, out),
            _ => {}
        }
        for branch in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.node(branch, doc, path, lvl.hop(), out);
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = s.get(keyword) {
                self.choose(branches, doc, path, lvl.hop(), out);
            }
        }
        if let Some(not) = s.get("not") {
            if self.eval(not, doc, path, lvl.hop()).is_empty() {
                out.push(not_allowed(path, doc));
            }
        }
    }

    /// The errors of one branch on its own, memoized.
    fn eval(&mut self, schema: &'a Value, doc: &'a Value, path: &Path, lvl: Level) -> Rc<Vec<Diagnostic>> {
        let key = (std::ptr::from_ref(schema) as usize, std::ptr::from_ref(doc) as usize);
        if let Some(hit) = self.memo.get(&key) {
            return Rc::clone(hit);
        }
        let mut errors = Vec::new();
        self.node(schema, doc, path, lvl, &mut errors);
        Rc::clone(self.memo.entry(key).or_insert(Rc::new(errors)))
    }

    fn array(&mut self, s: &'a Obj, items: &'a [Value], path: &Path, lvl: Level, out: &mut Vec<Diagnostic>) {
        count_bounds(s, ["minItems", "maxItems", "item"], items.len(), path, out);
        // 2020-12 tuples: `prefixItems`, then `items` for the rest; older drafts: `items: [...]`.
        let (prefix, rest): (&[Value], _) = match (s.get("prefixItems"), s.get("items")) {
            (Some(Value::Array(p)), rest) => (p, rest),
            (None, Some(Value::Array(p))) => (p, s.get("additionalItems")),
            (_, rest) => (&[], rest),
        };
        let unique = s.get("uniqueItems") == Some(&Value::Bool(true));
        let mut seen: FnvMap<String, usize> = FnvMap::default();
        for (i, item) in items.iter().enumerate() {
            let item_path = Path::Index(path, i);
            // Compact JSON is canonical here, as serde_json's maps keep their keys sorted.
            let first = if unique { *seen.entry(item.to_string()).or_insert(i) } else { i };
            if first != i {
                let msg = format!("item {i} ({}) is a duplicate of item {first}", show(item));
                out.push(Diagnostic::error("duplicate-item", &item_path, msg));
            }
            if let Some(sub) = prefix.get(i).or(rest) {
                self.node(sub, item, &item_path, lvl.down(), out);
            }
        }
    }

    fn object(&mut self, s: &'a Obj, map: &'a Obj, path: &Path, lvl: Level, out: &mut Vec<Diagnostic>) {
        count_bounds(s, ["minProperties", "maxProperties", "key"], map.len(), path, out);
        for key in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !map.contains_key(key) {
                out.push(Diagnostic::error("missing-key", path, format!("missing required key \"{key}\"")));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        let mut declared = None; // for `unevaluatedProperties`, computed on demand
        for (key, value) in map {
            let key_path = Path::Key(path, key);
            if let Some(sub) = props.and_then(|p| p.get(key)) {
                self.node(sub, value, &key_path, lvl.down(), out);
                continue;
            }
            if s.contains_key("patternProperties") {
                continue; // without a regex engine, never flag keys a pattern might allow
            }
            match (s.get("additionalProperties"), s.get("unevaluatedProperties")) {
                (Some(Value::Bool(false)), _) => out.push(unknown_key(key, &key_path, &prop_names(props))),
                (Some(sub), _) => self.node(sub, value, &key_path, lvl.down(), out),
                // `#[serde(flatten)]` makes schemars emit `unevaluatedProperties: false`; we count
                // every property the subschemas declare as evaluated.
                (None, Some(sub)) => match declared.get_or_insert_with(|| self.declared(s, 0)) {
                    declared if declared.contains(&key.as_str()) => {}
                    declared if *sub == Value::Bool(false) => out.push(unknown_key(key, &key_path, declared)),
                    _ => self.node(sub, value, &key_path, lvl.down(), out),
                },
                (None, None) => {}
            }
        }
    }

    /// Property names `s` declares itself or through `$ref`/`allOf`/`anyOf`/`oneOf` subschemas.
    fn declared(&self, s: &'a Obj, depth: usize) -> Vec<&'a str> {
        let subs = ["allOf", "anyOf", "oneOf"].iter().filter_map(|k| s.get(*k).and_then(Value::as_array)).flatten();
        let subs: Vec<&Obj> = subs.chain(self.follow(s)).filter_map(|b| self.target(b).as_object()).collect();
        let mut names = prop_names(s.get("properties").and_then(Value::as_object));
        for sub in subs.into_iter().filter(|_| depth < MAX_HOPS) {
            names.extend(self.declared(sub, depth + 1));
        }
        names
    }

    /// `anyOf`/`oneOf`: fine if any branch accepts the value; otherwise report the errors of the
    /// branch the author most plausibly meant. `oneOf` is treated like `anyOf` on purpose:
    /// schemars uses it for enums whose branches may overlap, and serde takes the first match.
    fn choose(&mut self, branches: &'a [Value], doc: &'a Value, path: &Path, lvl: Level, out: &mut Vec<Diagnostic>) {
        let mut union = 0;
        let mut tried: Vec<Tried<'a>> = Vec::new();
        for branch in branches {
            let types = self.types(branch, 0);
            union |= types;
            if types & bit_of(doc) != 0 {
                let errors = self.eval(branch, doc, path, lvl);
                if errors.is_empty() {
                    return;
                }
                tried.push((branch, errors));
            }
        }
        if tried.is_empty() {
            return out.push(wrong_type(path, union, doc));
        }
        // Unit-variant enums (`{"const": "a"}`, `{"enum": ["b"]}`...): one list of all values.
        let mut values = Vec::new();
        if tried.iter().all(|(b, _)| self.collect_values(b, &mut values)) {
            return out.push(invalid_value(path, doc, values));
        }
        if let Value::Object(map) = doc {
            if let Some(d) = self.discriminator(&tried, map, path) {
                return out.push(d);
            }
            if let Some(ds) = self.external_tag(&tried, map, path) {
                return out.extend(ds);
            }
        }
        // Most matching tags, fewest mismatching ones, most shared keys, fewest errors; among
        // equals `min_by_key` keeps the first branch, as serde would try it first.
        let best = tried.iter().min_by_key(|(b, errors)| {
            let (hits, misses, shared) = self.affinity(b, doc);
            (Reverse(hits), misses, Reverse(shared), errors.len())
        });
        out.extend(best.into_iter().flat_map(|(_, errors)| errors.iter().cloned()));
    }

    /// Adds the values a pure `const`/`enum` branch allows; `false` for any other branch.
    fn collect_values(&self, branch: &'a Value, values: &mut Vec<&'a Value>) -> bool {
        let s = self.target(branch);
        match (s.get("const"), s.get("enum")) {
            (Some(c), _) => values.push(c),
            (None, Some(Value::Array(e))) => values.extend(e),
            _ => return false,
        }
        true
    }

    /// Internally/adjacently tagged enums: when every branch requires the same `const` key
    /// (`"kind"`) and the document's tag is missing or matches none, that is the one error to report.
    fn discriminator(&self, tried: &[Tried<'a>], map: &Obj, path: &Path) -> Option<Diagnostic> {
        let props = |b: &'a Value| self.target(b).get("properties").and_then(Value::as_object);
        for key in props(tried.first()?.0)?.keys().filter(|_| tried.len() > 1) {
            let tag = |b: &'a Value| {
                let required = self.target(b).get("required").and_then(Value::as_array);
                let tag = props(b)?.get(key).and_then(|p| single_value(self.target(p)));
                tag.filter(|_| required.is_some_and(|r| r.iter().any(|k| k == key.as_str())))
            };
            let Some(tags) = tried.iter().map(|(b, _)| tag(b)).collect::<Option<Vec<_>>>() else { continue };
            return match map.get(key) {
                None => {
                    let msg = format!("missing required key \"{key}\" (one of {})", list(tags));
                    Some(Diagnostic::error("missing-key", path, msg))
                }
                Some(v) if tags.iter().any(|t| json_eq(t, v)) => None,
                Some(v) => Some(invalid_value(&Path::Key(path, key), v, tags)),
            };
        }
        None
    }

    /// Externally tagged enums (`{"and": [...]}`): every branch is an object with one required
    /// key. If the document uses none of them, each of its keys is unknown, with a did-you-mean
    /// over all variants rather than just the first branch's one.
    fn external_tag(&self, tried: &[Tried<'a>], map: &'a Obj, path: &Path) -> Option<Vec<Diagnostic>> {
        let mut names = Vec::new();
        for (branch, _) in tried {
            let b = self.target(branch);
            let single = b.get("properties").and_then(Value::as_object).is_some_and(|p| p.len() == 1);
            match b.get("required").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(name)]) if single => names.push(name.as_str()),
                _ => return None,
            }
        }
        if tried.len() < 2 || map.keys().any(|k| names.contains(&k.as_str())) {
            return None;
        }
        if map.is_empty() {
            let msg = format!("missing a key: expected one of {}", quote_all(&names));
            return Some(vec![Diagnostic::error("missing-key", path, msg)]);
        }
        Some(map.keys().map(|k| unknown_key(k, &Path::Key(path, k), &names)).collect())
    }

    /// How well an object fits a branch: (matching tags, mismatching tags, shared keys).
    fn affinity(&self, branch: &'a Value, doc: &Value) -> (usize, usize, usize) {
        let props = self.target(branch).get("properties").and_then(Value::as_object);
        let (Value::Object(map), Some(props)) = (doc, props) else { return (0, 0, 0) };
        let (mut hits, mut misses, mut shared) = (0, 0, 0);
        for (prop, value) in map.iter().filter_map(|(k, v)| Some((props.get(k)?, v))) {
            shared += 1;
            match single_value(self.target(prop)) {
                Some(tag) if json_eq(tag, value) => hits += 1,
                Some(_) => misses += 1,
                None => {}
            }
        }
        (hits, misses, shared)
    }

    /// The JSON types a schema can possibly accept, as bits (cached; cycles count as "any").
    fn types(&mut self, schema: &'a Value, depth: usize) -> u8 {
        let s = match schema {
            Value::Object(s) if depth <= MAX_HOPS => s,
            Value::Bool(false) => return 0,
            _ => return ANY,
        };
        let key = std::ptr::from_ref(schema) as usize;
        if let Some(&t) = self.type_cache.get(&key) {
            return t;
        }
        self.type_cache.insert(key, ANY);
        let mut t = s.get("type").map_or(ANY, type_bits);
        if let Some(c) = s.get("const") {
            t &= loose_bit(c);
        }
        if let Some(Value::Array(e)) = s.get("enum") {
            t &= e.iter().fold(0, |acc, v| acc | loose_bit(v));
        }
        if let Some(target) = self.follow(s) {
            t &= self.types(target, depth + 1);
        }
        for branch in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            t &= self.types(branch, depth + 1);
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = s.get(keyword) {
                t &= branches.iter().fold(0, |acc, b| acc | self.types(b, depth + 1));
            }
        }
        self.type_cache.insert(key, t);
        t
    }
}

fn prop_names(props: Option<&Obj>) -> Vec<&str> {
    props.into_iter().flat_map(|p| p.keys().map(String::as_str)).collect()
}

pub(crate) fn bit_of(v: &Value) -> u8 {
    match v {
        Value::Null => NULL,
        Value::Bool(_) => BOOL,
        Value::Object(_) => OBJ,
        Value::Array(_) => ARR,
        Value::String(_) => STR,
        Value::Number(n) if as_int(n).is_some() => INT,
        Value::Number(_) => NUM,
    }
}

/// Like [`bit_of`], but any number matches any number, as [`json_eq`] has `1 == 1.0`.
fn loose_bit(v: &Value) -> u8 {
    if v.is_number() { NUM | INT } else { bit_of(v) }
}

fn type_bits(t: &Value) -> u8 {
    let bits = |n: &str| TYPES.iter().find(|(name, ..)| *name == n).map_or(0, |(_, b, _)| *b);
    match t {
        Value::String(n) => bits(n),
        Value::Array(names) => names.iter().filter_map(Value::as_str).fold(0, |acc, n| acc | bits(n)),
        _ => ANY,
    }
}

/// "a string, a number or null".
fn describe_types(bits: u8) -> String {
    // "a number" covers integers too; "an integer" only when fractions are not allowed.
    let bits = if bits & NUM != 0 { bits & !INT } else { bits };
    let own_bit = |b: u8| if b == NUM | INT { NUM } else { b };
    let parts: Vec<&str> = TYPES.iter().filter(|(_, b, _)| bits & own_bit(*b) != 0).map(|(.., a)| *a).collect();
    match parts.split_last() {
        None => "nothing".into(),
        Some((last, [])) => (*last).into(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// What was found, with a short preview: `a string ("abc")`, `a number (1.5)`, `an object`.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(_) => format!("a string ({})", show(v)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A value as JSON, cut short so that messages stay readable.
fn show(v: &Value) -> String {
    let cut = |s: &str| match s.char_indices().nth(PREVIEW_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    };
    match v {
        Value::String(s) => json::text(&Value::String(cut(s))),
        _ => cut(&json::text(v)),
    }
}

/// `"a", "b", "c"`: the first [`MAX_LISTED`] distinct values.
fn list<'v>(values: impl IntoIterator<Item = &'v Value>) -> String {
    let mut distinct: Vec<&Value> = Vec::new();
    for v in values {
        if !distinct.iter().any(|d| json_eq(d, v)) {
            distinct.push(v);
        }
    }
    let more = if distinct.len() > MAX_LISTED { ", ..." } else { "" };
    let shown: Vec<String> = distinct.iter().take(MAX_LISTED).map(|v| show(v)).collect();
    format!("{}{more}", shown.join(", "))
}

/// `"a", "b", "c"` for key names.
fn quote_all(names: &[&str]) -> String {
    names.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
}

/// Adds `did you mean "x"?` when a candidate is close to `word` (never for an empty word, which
/// would be a "prefix" of everything).
fn did_you_mean(d: Diagnostic, word: &str, candidates: Vec<&str>) -> Diagnostic {
    match closest(word, candidates).filter(|_| !word.is_empty()) {
        Some(c) => d.with_suggestion(format!("did you mean \"{c}\"?")),
        None => d,
    }
}

pub(crate) fn wrong_type(path: &Path, expected: u8, doc: &Value) -> Diagnostic {
    let msg = format!("expected {}, found {}", describe_types(expected), found(doc));
    Diagnostic::error("wrong-type", path, msg)
}

fn not_allowed(path: &Path, doc: &Value) -> Diagnostic {
    Diagnostic::error("invalid-value", path, format!("{} is not allowed here", show(doc)))
}

pub(crate) fn invalid_value<'v>(path: &Path, doc: &Value, allowed: impl IntoIterator<Item = &'v Value>) -> Diagnostic {
    let allowed: Vec<&Value> = allowed.into_iter().collect();
    let msg = match allowed.as_slice() {
        [one] => format!("expected {}, found {}", show(one), show(doc)),
        many => format!("{} is not one of {}", show(doc), list(many.iter().copied())),
    };
    let d = Diagnostic::error("invalid-value", path, msg);
    did_you_mean(d, doc.as_str().unwrap_or_default(), allowed.iter().filter_map(|v| v.as_str()).collect())
}

pub(crate) fn unknown_key(key: &str, path: &Path, allowed: &[&str]) -> Diagnostic {
    let msg = match allowed.len() {
        0 => format!("unknown key \"{key}\"; this object takes no keys"),
        n if n <= MAX_LISTED => format!("unknown key \"{key}\"; expected one of {}", quote_all(allowed)),
        _ => format!("unknown key \"{key}\""),
    };
    did_you_mean(Diagnostic::error("unknown-key", path, msg), key, allowed.to_vec())
}

/// The one value a `const` or single-element `enum` schema allows (a tag).
fn single_value(s: &Value) -> Option<&Value> {
    match (s.get("const"), s.get("enum")) {
        (Some(c), _) => Some(c),
        (None, Some(Value::Array(e))) if e.len() == 1 => e.first(),
        _ => None,
    }
}

pub(crate) fn as_int(n: &Number) -> Option<i128> {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
}

pub(crate) fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    match (as_int(a), as_int(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// JSON equality where `1` equals `1.0`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `minimum`/`maximum`/`exclusive*`, then (if those passed) the range of integer formats such as
/// `uint32`, for which schemars emits no `maximum`.
fn number_bounds(s: &Obj, n: &Number, path: &Path, out: &mut Vec<Diagnostic>) {
    let before = out.len();
    // (keyword, how the value compares to the limit when it breaks it, wording)
    let checks = [
        ("minimum", [Ordering::Less, Ordering::Less], "at least"),
        ("exclusiveMinimum", [Ordering::Less, Ordering::Equal], "more than"),
        ("maximum", [Ordering::Greater, Ordering::Greater], "at most"),
        ("exclusiveMaximum", [Ordering::Greater, Ordering::Equal], "less than"),
    ];
    for (keyword, breaking, phrase) in checks {
        if let Some(Value::Number(limit)) = s.get(keyword) {
            if num_cmp(n, limit).is_some_and(|o| breaking.contains(&o)) {
                let msg = format!("expected a number {phrase} {limit}, found {n}");
                out.push(Diagnostic::error("out-of-range", path, msg));
            }
        }
    }
    let range = s.get("format").and_then(Value::as_str).and_then(int_range);
    if let (true, Some((lo, hi)), Some(v)) = (out.len() == before, range, as_int(n)) {
        if v < i128::from(lo) || v > i128::from(hi) {
            let msg = format!("{n} is out of range: expected an integer from {lo} to {hi}");
            out.push(Diagnostic::error("out-of-range", path, msg));
        }
    }
}

/// The value range of schemars' integer formats. `uint`/`int` are the target's `usize`/`isize`,
/// so on wasm32 the check agrees with what serde accepts there. 128-bit formats have none: they
/// hold every integer serde_json can parse. (Bounds in `i64`/`u64`: printing an `i128` would link
/// its own formatting code.)
fn int_range(format: &str) -> Option<(i64, u64)> {
    let (signed, bits) = match format {
        "int" => (true, isize::BITS),
        "uint" => (false, usize::BITS),
        _ => (!format.starts_with('u'), format.trim_start_matches('u').strip_prefix("int")?.parse().ok()?),
    };
    matches!(bits, 8 | 16 | 32 | 64).then_some(())?;
    Some(if signed {
        (i64::MIN >> (64 - bits), (i64::MAX >> (64 - bits)) as u64)
    } else {
        (0, u64::MAX >> (64 - bits))
    })
}

/// `minLength`/`maxLength`, `minItems`/`maxItems`, `minProperties`/`maxProperties`.
fn count_bounds(s: &Obj, [min, max, noun]: [&str; 3], count: usize, path: &Path, out: &mut Vec<Diagnostic>) {
    let count = count as u64;
    let plural = |n: u64| if n == 1 { format!("{n} {noun}") } else { format!("{n} {noun}s") };
    if let Some(min) = s.get(min).and_then(Value::as_u64).filter(|m| count < *m) {
        let msg = format!("expected at least {}, found {count}", plural(min));
        out.push(Diagnostic::error("out-of-range", path, msg));
    }
    if let Some(max) = s.get(max).and_then(Value::as_u64).filter(|m| count > *m) {
        let msg = format!("expected at most {}, found {count}", plural(max));
        out.push(Diagnostic::error("out-of-range", path, msg));
    }
}

/// Decodes `%XX` escapes in a `$ref` fragment (the JSON pointer `~` escapes are left to `pointer`).
fn percent_decode(s: &str) -> String {
    let (mut out, mut rest) = (Vec::with_capacity(s.len()), s.as_bytes());
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
        let decoded = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).filter(|_| b == b'%');
        out.push(decoded.unwrap_or(b));
        rest = if decoded.is_some() { tail.get(2..).unwrap_or_default() } else { tail };
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Drops exact duplicates (overlapping `allOf` branches) and sorts stably by each path's position
/// in the document, so problems read top to bottom even when several keywords reported on the
/// same subtree (a flattened enum's `oneOf` next to the struct's own `properties`).
pub(crate) fn in_document_order(doc: &Value, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = FnvMap::default();
    let mut keyed: Vec<(Vec<usize>, Diagnostic)> = diags
        .into_iter()
        .filter(|d| seen.insert((d.code, d.path.clone(), d.message.clone()), ()).is_none())
        .map(|d| (position(doc, &d.path), d))
        .collect();
    crate::sort::sort_by(&mut keyed, &|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// The child indexes a JSON pointer walks through (`/b/1` in `{"a":0,"b":[5,6]}` is `[1, 1]`).
fn position(doc: &Value, path: &str) -> Vec<usize> {
    let mut pos = Vec::new();
    let mut cur = doc;
    for raw in path.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let next = match cur {
            Value::Object(m) => m.iter().enumerate().find(|(_, (k, _))| **k == token).map(|(i, (_, v))| (i, v)),
            Value::Array(a) => token.parse().ok().and_then(|i: usize| Some((i, a.get(i)?))),
            _ => None,
        };
        let Some((i, v)) = next else { break };
        pos.push(i);
        cur = v;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Campaign {
        campaign_id: String,
        channel: Channel,
        max_sends: u32,
        #[schemars(range(min = 0, max = 1))]
        weight: f64,
        note: Option<String>,
        tags: Vec<Tag>,
        limit: Limit,
        fallback: Option<Channel>,
        #[serde(default)]
        children: Vec<Campaign>,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    enum Channel {
        Push,
        Sms,
        InApp,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    enum Tag {
        Tiers { field: String, cuts: Vec<f64> },
        Flag { field: String },
        Plain,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Limit {
        Count(u32),
        Window { count: u32, days: u32 },
    }

    fn schema() -> Value {
        serde_json::to_value(schemars::schema_for!(Campaign)).unwrap()
    }

    fn base() -> Value {
        json!({
            "campaignId": "c1",
            "channel": "push",
            "maxSends": 3,
            "weight": 0.5,
            "tags": [{"kind": "tiers", "field": "aum", "cuts": [1.0, 2]}, {"kind": "plain"}],
            "limit": 10
        })
    }

    /// `base()` with `pointer` replaced by `value` (or removed when `value` is `None`).
    fn with(pointer: &str, value: Option<Value>) -> Value {
        let mut doc = base();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = doc.pointer_mut(parent).unwrap();
        match (target, value) {
            (Value::Object(m), Some(v)) => drop(m.insert(key.to_string(), v)),
            (Value::Object(m), None) => drop(m.remove(key)),
            (Value::Array(a), Some(v)) => a[key.parse::<usize>().unwrap()] = v,
            _ => panic!("bad pointer"),
        }
        doc
    }

    type Row = (&'static str, String, Option<String>);

    /// Diagnostics as (code, path, suggestion); also asserts serde rejects what we reject.
    fn problems(doc: &Value) -> Vec<Row> {
        let diags = check(&schema(), doc);
        let serde = serde_json::from_value::<Campaign>(doc.clone());
        assert_eq!(diags.is_empty(), serde.is_ok(), "check: {diags:#?}\nserde: {serde:?}");
        diags.into_iter().map(|d| (d.code, d.path, d.suggestion)).collect()
    }

    fn row(code: &'static str, path: &str, suggestion: Option<&str>) -> Row {
        (code, path.to_string(), suggestion.map(String::from))
    }

    fn messages(schema: &Value, doc: &Value) -> Vec<String> {
        check(schema, doc).into_iter().map(|d| format!("{} {}: {}", d.code, d.path, d.message)).collect()
    }

    /// The shapes the heuristics rely on; if a schemars upgrade changes them, this fails first.
    #[test]
    fn schemars_emits_the_expected_shapes() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"]["maxSends"], json!({"type": "integer", "format": "uint32", "minimum": 0}));
        assert_eq!(schema["properties"]["weight"]["maximum"], json!(1));
        assert_eq!(schema["properties"]["children"]["items"], json!({"$ref": "#"}));
        assert_eq!(schema["$defs"]["Channel"]["enum"], json!(["push", "sms", "in_app"]));
        assert_eq!(
            schema["$defs"]["Tag"]["oneOf"][0]["properties"]["kind"],
            json!({"type": "string", "const": "tiers"})
        );
        assert_eq!(schema["$defs"]["Limit"]["anyOf"][0]["type"], json!("integer"));
        assert_eq!(schema["properties"]["fallback"]["anyOf"][1], json!({"type": "null"}));
    }

    #[test]
    fn documents_serde_accepts_have_no_diagnostics() {
        let deep = (0..40).fold(base(), |child, _| with("/children", Some(json!([child]))));
        let docs = [
            base(),
            with("/note", Some(json!("hi"))),
            with("/note", Some(Value::Null)),
            with("/fallback", Some(json!("in_app"))),
            with("/fallback", Some(Value::Null)),
            with("/limit", Some(json!({"count": 1, "days": 7}))),
            with("/limit", Some(json!(0))),
            with("/maxSends", Some(json!(u32::MAX))),
            with("/weight", Some(json!(1))),
            with("/weight", Some(json!(0))),
            with("/tags", Some(json!([]))),
            with("/tags/1", Some(json!({"kind": "flag", "field": "x"}))),
            with("/children", Some(json!([base(), base()]))),
            deep,
        ];
        for doc in &docs {
            assert_eq!(problems(doc), vec![], "{doc}");
        }
    }

    #[test]
    fn typo_in_key_is_unknown_and_the_real_key_is_missing() {
        let mut doc = with("/maxSends", None);
        doc["maxSend"] = json!(3);
        assert_eq!(
            problems(&doc),
            vec![row("missing-key", "", None), row("unknown-key", "/maxSend", Some("did you mean \"maxSends\"?"))]
        );
        let msgs = messages(&schema(), &doc);
        assert_eq!(msgs[0], "missing-key : missing required key \"maxSends\"");
        assert!(
            msgs[1].starts_with(
                "unknown-key /maxSend: unknown key \"maxSend\"; expected one of \"campaignId\", \"channel\""
            ),
            "{}",
            msgs[1]
        );
    }

    #[test]
    fn all_problems_at_once_in_document_order() {
        let mut doc = base();
        doc["weight"] = json!(1.5);
        doc["maxSends"] = json!("abc");
        doc["channel"] = json!("smss");
        doc["tags"] = json!([
            {"kind": "flag"},
            {"kind": "tier", "field": "aum", "cuts": []},
            {"kind": "plain", "feild": "x"},
            {"field": "x"},
            {"kind": "tiers", "field": "aum", "cuts": [1, "2"]},
        ]);
        assert_eq!(
            problems(&doc),
            vec![
                row("invalid-value", "/channel", Some("did you mean \"sms\"?")),
                row("wrong-type", "/maxSends", None),
                row("missing-key", "/tags/0", None),
                row("invalid-value", "/tags/1/kind", Some("did you mean \"tiers\"?")),
                row("unknown-key", "/tags/2/feild", None),
                row("missing-key", "/tags/3", None),
                row("wrong-type", "/tags/4/cuts/1", None),
                row("out-of-range", "/weight", None),
            ]
        );
        let msgs = messages(&schema(), &doc);
        assert_eq!(
            msgs,
            vec![
                "invalid-value /channel: \"smss\" is not one of \"push\", \"sms\", \"in_app\"",
                "wrong-type /maxSends: expected an integer, found a string (\"abc\")",
                "missing-key /tags/0: missing required key \"field\"",
                "invalid-value /tags/1/kind: \"tier\" is not one of \"tiers\", \"flag\", \"plain\"",
                "unknown-key /tags/2/feild: unknown key \"feild\"; expected one of \"kind\"",
                "missing-key /tags/3: missing required key \"kind\" (one of \"tiers\", \"flag\", \"plain\")",
                "wrong-type /tags/4/cuts/1: expected a number, found a string (\"2\")",
                "out-of-range /weight: expected a number at most 1, found 1.5",
            ]
        );
    }

    #[test]
    fn integer_fields_check_type_and_range() {
        let cases = [
            (json!(-1), "expected a number at least 0, found -1"),
            (json!(4_294_967_296_u64), "4294967296 is out of range: expected an integer from 0 to 4294967295"),
            (json!(1.5), "expected an integer, found a number (1.5)"),
            // serde rejects `1.0` for a u32, so we do too.
            (json!(1.0), "expected an integer, found a number (1.0)"),
            (json!(null), "expected an integer, found null"),
        ];
        for (value, msg) in cases {
            let doc = with("/maxSends", Some(value));
            assert_eq!(problems(&doc).len(), 1);
            assert_eq!(check(&schema(), &doc)[0].message, msg);
        }
    }

    #[test]
    fn untagged_number_or_object() {
        let doc = with("/limit", Some(json!("abc")));
        assert_eq!(problems(&doc), vec![row("wrong-type", "/limit", None)]);
        assert_eq!(check(&schema(), &doc)[0].message, "expected an integer or an object, found a string (\"abc\")");

        let doc = with("/limit", Some(json!({"count": 1})));
        assert_eq!(problems(&doc), vec![row("missing-key", "/limit", None)]);
        assert_eq!(check(&schema(), &doc)[0].message, "missing required key \"days\"");

        let doc = with("/limit", Some(json!({"count": "x", "days": -2})));
        assert_eq!(
            problems(&doc),
            vec![row("wrong-type", "/limit/count", None), row("out-of-range", "/limit/days", None)]
        );

        let doc = with("/limit", Some(json!(-5)));
        assert_eq!(problems(&doc), vec![row("out-of-range", "/limit", None)]);
    }

    #[test]
    fn optional_enum_and_wrong_containers() {
        let doc = with("/fallback", Some(json!("e-mail")));
        assert_eq!(problems(&doc), vec![row("invalid-value", "/fallback", None)]);
        let doc = with("/fallback", Some(json!(5)));
        assert_eq!(problems(&doc), vec![row("wrong-type", "/fallback", None)]);
        assert_eq!(check(&schema(), &doc)[0].message, "expected a string or null, found a number (5)");
        let doc = with("/tags", Some(json!({"kind": "plain"})));
        assert_eq!(problems(&doc), vec![row("wrong-type", "/tags", None)]);
        assert_eq!(problems(&json!([1])), vec![row("wrong-type", "", None)]);
        assert_eq!(problems(&json!({})).len(), 6);
    }

    #[test]
    fn nested_errors_deep_in_a_recursive_schema() {
        let bad = with("/channel", Some(json!("fax")));
        let deep = (0..30).fold(bad, |child, _| with("/children", Some(json!([child]))));
        let path = format!("{}/channel", "/children/0".repeat(30));
        assert_eq!(problems(&deep), vec![row("invalid-value", &path, None)]);
    }

    #[test]
    fn unit_enum_with_documented_variants_reports_one_list() {
        /// Delivery speed.
        #[derive(Deserialize, JsonSchema)]
        #[allow(dead_code)]
        enum Speed {
            /// Right now.
            Now,
            /// Batched.
            Later,
            Never,
        }
        let schema = serde_json::to_value(schemars::schema_for!(Speed)).unwrap();
        assert!(schema.get("oneOf").is_some(), "{schema}");
        let diags = check(&schema, &json!("Latr"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "invalid-value");
        assert_eq!(diags[0].message, "\"Latr\" is not one of \"Never\", \"Now\", \"Later\"");
        assert_eq!(diags[0].suggestion.as_deref(), Some("did you mean \"Later\"?"));
        assert_eq!(messages(&schema, &json!(3)), vec!["wrong-type : expected a string, found a number (3)"]);
        assert!(check(&schema, &json!("Now")).is_empty());
    }

    #[test]
    fn externally_tagged_operators() {
        #[derive(Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        #[allow(dead_code)]
        enum Expr {
            And(Vec<Expr>),
            Or(Vec<Expr>),
            Var(String),
            Not(Box<Expr>),
        }
        let schema = serde_json::to_value(schemars::schema_for!(Expr)).unwrap();
        let good = json!({"and": [{"var": "x"}, {"not": {"or": []}}]});
        assert!(serde_json::from_value::<Expr>(good.clone()).is_ok());
        assert!(check(&schema, &good).is_empty());
        let bad = json!({"and": [{"var": "x"}, {"ands": []}, {"var": 5}, {}, {"not": {"var": "y", "or": []}}]});
        assert!(serde_json::from_value::<Expr>(bad.clone()).is_err());
        assert_eq!(
            messages(&schema, &bad),
            vec![
                "unknown-key /and/1/ands: unknown key \"ands\"; expected one of \"and\", \"or\", \"var\", \"not\"",
                "wrong-type /and/2/var: expected a string, found a number (5)",
                "missing-key /and/3: missing a key: expected one of \"and\", \"or\", \"var\", \"not\"",
                // Two operators in one object: equally plausible, the first branch ("or") wins.
                "unknown-key /and/4/not/var: unknown key \"var\"; expected one of \"or\"",
            ]
        );
        assert_eq!(check(&schema, &bad)[0].suggestion.as_deref(), Some("did you mean \"and\"?"));
    }

    #[test]
    fn flattened_enum_uses_unevaluated_properties() {
        #[derive(Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Outer {
            a: u8,
            #[serde(flatten)]
            inner: Inner,
        }
        #[derive(Deserialize, JsonSchema)]
        #[serde(tag = "t")]
        #[allow(dead_code)]
        enum Inner {
            X { x: u8 },
            Y,
        }
        let schema = serde_json::to_value(schemars::schema_for!(Outer)).unwrap();
        assert!(check(&schema, &json!({"a": 1, "t": "X", "x": 2})).is_empty());
        assert!(check(&schema, &json!({"a": 1, "t": "Y"})).is_empty());
        let rows: Vec<_> = check(&schema, &json!({"a": 300, "t": "Z", "b": 1}))
            .into_iter()
            .map(|d| (d.code, d.path, d.suggestion))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("out-of-range", "/a".to_string(), None),
                ("unknown-key", "/b".to_string(), Some("did you mean \"a\"?".to_string())),
                ("invalid-value", "/t".to_string(), Some("did you mean \"X\"?".to_string())),
            ]
        );
    }

    #[test]
    fn hand_written_keywords() {
        let schema = json!({
            "type": "object",
            "properties": {
                "ids": {"type": "array", "items": {"type": "integer", "format": "uint8"}, "uniqueItems": true, "maxItems": 4},
                "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}], "items": false},
                "code": {"type": "string", "minLength": 2, "maxLength": 3},
                "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                "never": false,
                "anything": true,
                "fixed": {"const": {"a": [1, 2]}},
                "small": {"type": "integer", "format": "int8"},
                "odd": {"not": {"const": 2}},
                "both": {"allOf": [{"type": "integer"}, {"minimum": 10}]},
                "a/b": {"type": "null"}
            },
            "additionalProperties": {"type": "string"}
        });
        let ok = json!({"ids": [1, 2], "pair": ["x", true], "code": "ab", "ratio": 0.5, "anything": [{}],
            "fixed": {"a": [1.0, 2]}, "small": -128, "odd": 3, "both": 10, "a/b": null, "extra": "s"});
        assert_eq!(messages(&schema, &ok), Vec::<String>::new());
        let long = "x".repeat(100);
        let bad = json!({"ids": [1, 256, 1, 2, 1], "pair": ["x", true, 3], "code": long, "ratio": 1, "never": 1,
            "fixed": {"a": [1]}, "small": 128, "odd": 2, "both": 9, "a/b": 0, "extra": 5});
        assert_eq!(
            messages(&schema, &bad),
            vec![
                "wrong-type /a~1b: expected null, found a number (0)".to_string(),
                "out-of-range /both: expected a number at least 10, found 9".to_string(),
                format!("out-of-range /code: expected at most 3 characters, found 100"),
                "wrong-type /extra: expected a string, found a number (5)".to_string(),
                "invalid-value /fixed: expected {\"a\":[1,2]}, found {\"a\":[1]}".to_string(),
                "out-of-range /ids: expected at most 4 items, found 5".to_string(),
                "out-of-range /ids/1: 256 is out of range: expected an integer from 0 to 255".to_string(),
                "duplicate-item /ids/2: item 2 (1) is a duplicate of item 0".to_string(),
                "duplicate-item /ids/4: item 4 (1) is a duplicate of item 0".to_string(),
                "invalid-value /never: 1 is not allowed here".to_string(),
                "invalid-value /odd: 2 is not allowed here".to_string(),
                "invalid-value /pair/2: 3 is not allowed here".to_string(),
                "out-of-range /ratio: expected a number less than 1, found 1".to_string(),
                "out-of-range /small: 128 is out of range: expected an integer from -128 to 127".to_string(),
            ]
        );
    }

    #[test]
    fn long_strings_are_cut_in_messages() {
        let long = format!("{}yz", "a".repeat(PREVIEW_CHARS));
        let msgs = messages(&json!({"type": "integer"}), &json!(long));
        assert_eq!(
            msgs,
            vec![format!("wrong-type : expected an integer, found a string (\"{}…\")", "a".repeat(PREVIEW_CHARS))]
        );
    }

    #[test]
    fn cyclic_and_odd_schemas_do_not_panic_or_hang() {
        let cyclic = json!({"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/A"}]}}});
        let diags = check(&cyclic, &json!(1));
        assert!(diags.iter().all(|d| d.code == "too-deep"), "{diags:?}");
        for schema in [
            json!(true),
            json!(false),
            json!(null),
            json!({"$ref": "#/nowhere"}),
            json!({"$ref": "http://x/y"}),
            json!({"type": 5}),
            json!({"enum": 3}),
            json!({"format": "int999"}),
        ] {
            let _ = check(&schema, &json!({"a": [1, "b", null]}));
        }
        assert_eq!(messages(&json!(false), &json!(1)), vec!["invalid-value : 1 is not allowed here"]);
        // Suggestions only for strings that look like a typo.
        for doc in [json!(5), json!(""), json!(null)] {
            let diags = check(&json!({"enum": ["push", "sms"]}), &doc);
            assert_eq!((diags.len(), diags[0].suggestion.as_ref()), (1, None), "{doc}");
        }
        // A self-nesting schema applied to a hand-built document deeper than serde_json allows.
        let tree = json!({"type": "array", "items": {"$ref": "#"}});
        let deep = (0..2000).fold(json!([]), |inner, _| Value::Array(vec![inner]));
        let diags = check(&tree, &deep);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "too-deep");
        std::mem::forget(deep); // dropping a 2000-deep Value recursively could overflow the test stack
    }

    #[test]
    fn nested_alternatives_stay_fast() {
        // Every level is a oneOf whose branches all descend into the same child: without the
        // memo this is 3^depth evaluations.
        let schema = json!({"$defs": {"E": {"oneOf": [
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/E"}, "a": {"const": 1}}, "required": ["a"]},
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/E"}, "b": {"const": 1}}, "required": ["b"]},
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/E"}, "c": {"const": 1}}, "required": ["c"]},
            {"type": "integer"}
        ]}}, "$ref": "#/$defs/E"});
        let doc = (0..100).fold(json!("leaf"), |inner, _| json!({"x": inner, "c": 2}));
        let diags = check(&schema, &doc);
        assert!(!diags.is_empty());
        let big = json!({"campaignId": "c", "channel": "sms", "maxSends": 1, "weight": 0.1, "limit": 1,
            "tags": (0..20_000).map(|i| json!({"kind": "tiers", "field": format!("f{i}"), "cuts": [1, 2, 3]})).collect::<Vec<_>>()});
        assert_eq!(problems(&big), vec![]);
    }

    #[test]
    fn percent_encoded_refs_resolve() {
        let schema = json!({"$ref": "#/$defs/A%20B", "$defs": {"A B": {"type": "string"}}});
        assert_eq!(messages(&schema, &json!(1)), vec!["wrong-type : expected a string, found a number (1)"]);
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }
}
