//! The JSON Schema → TypeScript converter (host only: it runs in a test, never in the package).

use super::{TS_EXTENDS, TS_TYPE};
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

const PRELUDE: &str = "\
/** Any JSON value: what `JSON.parse` returns (JsonLogic expressions and data are JSON values). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
";

/// A set of Rust types to declare in TypeScript. Add types with [`input`](Self::input) and
/// [`output`](Self::output); [`render`](Self::render) declares them (in the order added, each
/// followed by the types it uses) and every type they reach.
pub struct Declarations {
    header: String,
    input: SchemaGenerator,
    output: SchemaGenerator,
    roots: Vec<String>,
    errors: Vec<String>,
}

impl Declarations {
    /// `header` opens the output (a comment saying where it comes from).
    pub fn new(header: &str) -> Declarations {
        Declarations {
            header: header.to_string(),
            input: SchemaSettings::draft2020_12().for_deserialize().into_generator(),
            output: SchemaSettings::draft2020_12().for_serialize().into_generator(),
            roots: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A type the API accepts: described as serde deserializes it.
    pub fn input<T: JsonSchema>(&mut self) -> &mut Self {
        let r = self.input.subschema_for::<T>();
        self.root(r.as_value(), std::any::type_name::<T>())
    }

    /// A type the API returns or throws: described as serde serializes it.
    pub fn output<T: JsonSchema>(&mut self) -> &mut Self {
        let r = self.output.subschema_for::<T>();
        self.root(r.as_value(), std::any::type_name::<T>())
    }

    fn root(&mut self, r: &Value, rust: &str) -> &mut Self {
        match r.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            Some(name) if !self.roots.contains(&name) => self.roots.push(name),
            Some(_) => {}
            None => self.errors.push(format!("{rust} is not a named schema (an inlined type cannot be declared)")),
        }
        self
    }

    /// The declarations as TypeScript text.
    ///
    /// # Errors
    /// A type that is not named, two different types that would get the same TypeScript name (two
    /// Rust types of the same name, or one type whose input and output shapes differ: rename one
    /// with `#[schemars(rename = "...")]`), or a schema this converter does not understand.
    pub fn render(&self) -> Result<String, String> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        let mut defs: BTreeMap<String, Value> = BTreeMap::new();
        for (g, output) in [(&self.input, false), (&self.output, true)] {
            for (name, schema) in g.definitions() {
                let mut schema = schema.clone();
                if output {
                    never_null_when_optional(&mut schema);
                }
                if defs.get(name).is_some_and(|other| *other != schema) {
                    return Err(format!(
                        "two different types are both named `{name}` in TypeScript (a Rust name used twice, or a \
                         type whose input and output shapes differ): rename one with #[schemars(rename = \"...\")]"
                    ));
                }
                defs.insert(name.clone(), schema);
            }
        }
        if let Some(name) = defs.keys().find(|n| defs.contains_key(&format!("{n}2"))) {
            return Err(format!(
                "two different Rust types are named `{name}`: rename one with #[schemars(rename = \"...\")]"
            ));
        }
        let mut out = self.header.clone();
        out.push_str(PRELUDE);
        let mut seen = HashSet::new();
        for root in &self.roots {
            declare(root, &defs, &mut seen, &mut out)?;
        }
        Ok(out)
    }
}

/// In an output, a property that may be absent is an `Option` skipped when `None`
/// (`skip_serializing_if = "Option::is_none"`, this crate's convention), so it is never `null`:
/// `x?: T`, not `x?: T | null`. (A property that can be absent *and* null needs an `x-ts-type`.)
fn never_null_when_optional(schema: &mut Value) {
    let Some(o) = schema.as_object_mut() else { return };
    let required: Vec<String> = o
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        for (_, p) in props.iter_mut().filter(|(n, _)| !required.contains(n)) {
            let Some(p) = p.as_object_mut() else { continue };
            if let Some(Value::Array(types)) = p.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = &types[..] {
                    let only = only.clone();
                    p.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(branches)) = p.get_mut("anyOf") {
                branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
            }
        }
    }
    for (_, v) in o.iter_mut() {
        match v {
            Value::Object(_) => never_null_when_optional(v),
            Value::Array(items) => items.iter_mut().for_each(never_null_when_optional),
            _ => {}
        }
    }
}

fn ref_name(r: &str) -> Option<String> {
    r.strip_prefix("#/$defs/").map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// Declares `name`, then (depth first) each type it refers to that is not declared yet.
fn declare(
    name: &str,
    defs: &BTreeMap<String, Value>,
    seen: &mut HashSet<String>,
    out: &mut String,
) -> Result<(), String> {
    if !seen.insert(name.to_string()) {
        return Ok(());
    }
    let schema = defs.get(name).ok_or_else(|| format!("`{name}` is referenced but has no definition"))?;
    let mut refs = Vec::new();
    out.push('\n');
    out.push_str(&declaration(name, schema, &mut refs)?);
    for r in refs {
        declare(&r, defs, seen, out)?;
    }
    Ok(())
}

/// `export interface Name { ... }` for an object with properties, else `export type Name = ...;`.
///
/// # Errors
/// A schema this converter does not understand.
pub fn declaration(name: &str, schema: &Value, refs: &mut Vec<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut doc = description(schema).map(str::to_string).unwrap_or_default();
    if let Some(variants) = variant_docs(schema) {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&variants);
    }
    out.push_str(&tsdoc(&doc, ""));
    if let Some(o) = as_interface(schema) {
        out.push_str("export interface ");
        out.push_str(name);
        if let Some(base) = o.get(TS_EXTENDS).and_then(Value::as_str) {
            out.push_str(" extends ");
            out.push_str(base);
        }
        out.push(' ');
        out.push_str(&object_body(o, "", refs)?);
        out.push('\n');
    } else {
        out.push_str(&format!("export type {name} = {};\n", ts_type(schema, "", refs)?));
    }
    Ok(out)
}

/// An object schema with named properties (and no override): declared as an interface.
fn as_interface(schema: &Value) -> Option<&Map<String, Value>> {
    let o = schema.as_object()?;
    let is_object = o.get("type").and_then(Value::as_str) == Some("object");
    (is_object && o.contains_key("properties") && !o.contains_key(TS_TYPE)).then_some(o)
}

fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str).filter(|d| !d.is_empty())
}

/// A union of documented constants (an enum whose variants have doc comments): one line each.
fn variant_docs(schema: &Value) -> Option<String> {
    let branches = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    let lines: Vec<String> = branches
        .iter()
        .filter_map(|b| Some(format!("- `{}`: {}", b.get("const")?, description(b)?.replace('\n', " "))))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A `/** ... */` comment (empty when there is no text), each line prefixed by `indent`.
fn tsdoc(text: &str, indent: &str) -> String {
    let text = text.trim().replace("*/", "*\\/");
    if text.is_empty() {
        return String::new();
    }
    if !text.contains('\n') {
        return format!("{indent}/** {text} */\n");
    }
    let mut out = format!("{indent}/**\n");
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

fn property_key(name: &str) -> String {
    let mut chars = name.chars();
    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident { name.to_string() } else { Value::String(name.to_string()).to_string() }
}

/// `{ ...members... }` of an object schema, one member a line, indented under `indent`.
/// Required properties come first, in declaration order; then the optional ones by name.
fn object_body(o: &Map<String, Value>, indent: &str, refs: &mut Vec<String>) -> Result<String, String> {
    let inner = format!("{indent}    ");
    let empty = Map::new();
    let props = o.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let required: Vec<&str> = o
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut names: Vec<&str> = required.iter().copied().filter(|r| props.contains_key(*r)).collect();
    names.extend(props.keys().map(String::as_str).filter(|k| !required.contains(k)));
    let mut out = String::from("{\n");
    for name in names {
        let p = &props[name];
        let mut doc = description(p).map(str::to_string).unwrap_or_default();
        if let Some(d) = p.get("default") {
            doc.push_str(&format!("{}@defaultValue `{d}`", if doc.is_empty() { "" } else { "\n\n" }));
        }
        out.push_str(&tsdoc(&doc, &inner));
        let optional = if required.contains(&name) { "" } else { "?" };
        out.push_str(&format!("{inner}{}{optional}: {};\n", property_key(name), ts_type(p, &inner, refs)?));
    }
    if let Some(extra) = o.get("additionalProperties").filter(|a| **a != Value::Bool(false)) {
        out.push_str(&format!("{inner}[key: string]: {};\n", ts_type(extra, &inner, refs)?));
    }
    out.push_str(indent);
    out.push('}');
    Ok(out)
}

/// The TypeScript type of a schema (nested objects indented under `indent`); names of the
/// definitions it refers to are appended to `refs`.
///
/// # Errors
/// A schema this converter does not understand.
pub fn ts_type(schema: &Value, indent: &str, refs: &mut Vec<String>) -> Result<String, String> {
    let o = match schema {
        Value::Bool(true) => return Ok("JsonValue".into()),
        Value::Bool(false) => return Ok("never".into()),
        Value::Object(o) => o,
        _ => return Err(format!("not a JSON schema: {schema}")),
    };
    if let Some(t) = o.get(TS_TYPE).and_then(Value::as_str) {
        return Ok(t.to_string());
    }
    if let Some(r) = o.get("$ref").and_then(Value::as_str) {
        let name = ref_name(r).ok_or_else(|| format!("unsupported $ref {r}"))?;
        refs.push(name.clone());
        return Ok(name);
    }
    if let Some(c) = o.get("const") {
        return Ok(literal(c));
    }
    if let Some(values) = o.get("enum").and_then(Value::as_array) {
        return Ok(union(values.iter().map(literal).collect()));
    }
    if let Some(branches) = o.get("anyOf").or_else(|| o.get("oneOf")).and_then(Value::as_array) {
        return Ok(union(branches.iter().map(|b| ts_type(b, indent, refs)).collect::<Result<_, _>>()?));
    }
    if let Some(parts) = o.get("allOf").and_then(Value::as_array) {
        let parts = parts.iter().map(|b| ts_type(b, indent, refs).map(wrap)).collect::<Result<Vec<_>, _>>()?;
        return Ok(parts.join(" & "));
    }
    let types: Vec<&str> = match o.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Ok("JsonValue".into()),
    };
    let members = types
        .into_iter()
        .map(|t| match t {
            "string" => Ok("string".to_string()),
            "number" | "integer" => Ok("number".to_string()),
            "boolean" => Ok("boolean".to_string()),
            "null" => Ok("null".to_string()),
            "array" => array_type(o, indent, refs),
            "object" => object_type(o, indent, refs),
            other => Err(format!("unsupported JSON Schema type {other}")),
        })
        .collect::<Result<_, _>>()?;
    Ok(union(members))
}

fn array_type(o: &Map<String, Value>, indent: &str, refs: &mut Vec<String>) -> Result<String, String> {
    if let Some(items) = o.get("prefixItems").and_then(Value::as_array) {
        let items = items.iter().map(|i| ts_type(i, indent, refs)).collect::<Result<Vec<_>, _>>()?;
        return Ok(format!("[{}]", items.join(", ")));
    }
    match o.get("items") {
        Some(items) => Ok(format!("{}[]", wrap(ts_type(items, indent, refs)?))),
        None => Ok("JsonValue[]".into()),
    }
}

fn object_type(o: &Map<String, Value>, indent: &str, refs: &mut Vec<String>) -> Result<String, String> {
    if o.contains_key("properties") {
        return object_body(o, indent, refs);
    }
    Ok(match o.get("additionalProperties") {
        Some(Value::Bool(false)) => "Record<string, never>".into(),
        Some(extra) => format!("{{ [key: string]: {} }}", ts_type(extra, indent, refs)?),
        None => "{ [key: string]: JsonValue }".into(),
    })
}

/// A JSON value as a TypeScript literal type.
fn literal(v: &Value) -> String {
    v.to_string()
}

/// `a | b | c` without repeats; a single member as is.
fn union(members: Vec<String>) -> String {
    let mut out: Vec<String> = Vec::new();
    for m in members {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    if out.is_empty() { "never".into() } else { out.join(" | ") }
}

/// Parenthesises a union or intersection used as an array element or intersection member.
fn wrap(t: String) -> String {
    let top_level_op = {
        let mut depth = 0i32;
        t.chars().any(|c| {
            match c {
                '{' | '(' | '[' | '<' => depth += 1,
                '}' | ')' | ']' | '>' => depth -= 1,
                '|' | '&' if depth == 0 => return true,
                _ => {}
            }
            false
        })
    };
    if top_level_op { format!("({t})") } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ty(s: Value) -> String {
        ts_type(&s, "", &mut Vec::new()).unwrap()
    }

    #[test]
    fn scalars_nullables_arrays_and_maps() {
        assert_eq!(ty(json!({"type": "string"})), "string");
        assert_eq!(ty(json!({"type": ["integer", "null"], "format": "uint32"})), "number | null");
        assert_eq!(
            ty(json!({"type": ["array", "null"], "items": {"type": ["string", "null"]}})),
            "(string | null)[] | null"
        );
        assert_eq!(
            ty(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]})),
            "[string, number]"
        );
        assert_eq!(
            ty(json!({"type": "object", "additionalProperties": {"type": "number"}})),
            "{ [key: string]: number }"
        );
        assert_eq!(ty(json!(true)), "JsonValue");
        assert_eq!(ty(json!({"description": "anything"})), "JsonValue");
        assert_eq!(ty(json!({"type": "array", "items": true, "x-ts-type": "Int32Array"})), "Int32Array");
    }

    #[test]
    fn enums_constants_and_unions() {
        assert_eq!(ty(json!({"type": "string", "enum": ["a", "b"]})), "\"a\" | \"b\"");
        assert_eq!(ty(json!({"oneOf": [{"const": "x", "type": "string"}, {"const": 1}]})), "\"x\" | 1");
        let mut refs = Vec::new();
        assert_eq!(
            ts_type(&json!({"anyOf": [{"$ref": "#/$defs/Cap"}, {"type": "null"}]}), "", &mut refs).unwrap(),
            "Cap | null"
        );
        assert_eq!(refs, ["Cap"]);
        assert_eq!(
            ty(json!({"allOf": [{"$ref": "#/$defs/A"}, {"anyOf": [{"type": "string"}, {"type": "number"}]}]})),
            "A & (string | number)"
        );
    }

    #[test]
    fn interfaces_keep_docs_order_and_optional_members() {
        let schema = json!({
            "description": "A thing.\n\nSecond paragraph with */ in it.",
            "type": "object",
            "properties": {
                "b": {"type": "string", "description": "Bee."},
                "a": {"type": "boolean", "default": false},
                "weird-key": {"type": "number"}
            },
            "required": ["b", "weird-key"],
            "additionalProperties": false,
            "x-ts-extends": "Error"
        });
        let text = declaration("Thing", &schema, &mut Vec::new()).unwrap();
        let want = "/**
 * A thing.
 *
 * Second paragraph with *\\/ in it.
 */
export interface Thing extends Error {
    /** Bee. */
    b: string;
    \"weird-key\": number;
    /** @defaultValue `false` */
    a?: boolean;
}
";
        assert_eq!(text, want);
    }

    #[test]
    fn documented_variants_are_listed_in_the_type_doc() {
        let schema = json!({"description": "Mode.", "oneOf": [
            {"type": "string", "const": "drop", "description": "Not taken."},
            {"type": "string", "const": "defer", "description": "Later."}
        ]});
        let text = declaration("Mode", &schema, &mut Vec::new()).unwrap();
        assert_eq!(
            text,
            "/**\n * Mode.\n *\n * - `\"drop\"`: Not taken.\n * - `\"defer\"`: Later.\n */\nexport type Mode = \"drop\" | \"defer\";\n"
        );
    }

    #[test]
    fn index_signatures_and_nested_objects() {
        let schema = json!({"type": "object", "properties": {"id": {"type": "string"}, "inner": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}}, "required": ["id"], "additionalProperties": {"x-ts-type": "unknown"}});
        let text = declaration("Open", &schema, &mut Vec::new()).unwrap();
        assert_eq!(
            text,
            "export interface Open {\n    id: string;\n    inner?: {\n        x: number;\n    };\n    [key: string]: unknown;\n}\n"
        );
    }
}
