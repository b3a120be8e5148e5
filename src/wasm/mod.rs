//! The WebAssembly boundary: the JavaScript API of the npm package. The only module that
//! imports `wasm_bindgen` (the JavaScript built-ins it calls are bound in `js`); everything it
//! calls is plain Rust tested natively. Every error that crosses it is a thrown `Error` with a
//! stable `code`, a `message` and, where they apply, `path` and `diagnostics` — never a panic.

use crate::diagnostics::Diagnostic;
use crate::engine::{Context, Engine as Core};
use crate::json::ToJson;
use crate::record::Record;
use crate::time;
use wasm_bindgen::prelude::*;

mod codec;
mod js;

// The allocator: talc in place of std's dlmalloc, for fewer bytes in the module (single-threaded
// wasm, memory grown on demand as with dlmalloc).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
// The seeded synthetic population and the what-if simulation: in the second module only
// (`clientseg/simulation`, see Cargo.toml).
#[cfg(feature = "simulation")]
mod population;
#[cfg(feature = "simulation")]
mod sim;

// The interfaces the signatures below name (RuleSet, Client, Decision, ...), generated from the
// Rust types by `tests/typescript_fresh.rs` (see `crate::typescript::api`).
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// A thrown JS `Error` with `code` and optional extra properties.
fn error(code: &str, message: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let e = js::Error::new(message);
    let obj: &JsValue = e.as_ref();
    let _ = js::reflect_set(obj, &"code".into(), &code.into());
    for (k, v) in extra {
        let _ = js::reflect_set(obj, &(*k).into(), v);
    }
    e.into()
}

/// Results cross as JSON text (written by [`ToJson`]) parsed by the JS engine's own
/// `JSON.parse`: far faster than building the object property by property through the boundary.
/// Decisions cross as numbers instead (see `codec`).
fn to_js(v: &impl ToJson) -> Result<JsValue, JsValue> {
    js::parse(&v.to_json()).map_err(|_| error("INTERNAL", "cannot convert the result", &[]))
}

/// A JS value as JSON text, by the JS engine's own `JSON.stringify` (cycles and BigInts throw there).
fn json_text(v: &JsValue, code: &str, what: &str) -> Result<String, JsValue> {
    let text = js::stringify(v).map_err(|e| {
        let why = js::message_of(&e);
        error(code, &format!("{what} cannot be written as JSON: {why}"), &[])
    })?;
    text.as_string()
        .ok_or_else(|| error(code, &format!("{what} must be a JSON value, not undefined or a function"), &[]))
}

fn diagnostics_error(code: &str, message: &str, diags: &[Diagnostic]) -> JsValue {
    let list = to_js(&diags).unwrap_or(JsValue::NULL);
    let path = diags.iter().find(|d| d.is_error()).map(|d| JsValue::from(d.path.as_str())).unwrap_or(JsValue::NULL);
    error(code, message, &[("diagnostics", list), ("path", path)])
}

/// Rules as a JSON string or an object.
fn rules_text(rules: &JsValue) -> Result<String, JsValue> {
    match rules.as_string() {
        Some(s) => Ok(s),
        None => json_text(rules, "INVALID_RULES", "the rules"),
    }
}

/// `now` as an RFC 3339 string, epoch milliseconds or a `Date`.
fn parse_now(v: &JsValue, tz: time::TimeZone) -> Result<i64, JsValue> {
    if let Some(s) = v.as_string() {
        return time::parse_datetime(&s, tz)
            .map_err(|e| error("INVALID_OPTIONS", &format!("`now` \"{s}\": {e}"), &[("path", "now".into())]));
    }
    if let Some(n) = v.as_f64().filter(|n| n.is_finite()) {
        return Ok(n as i64);
    }
    if let Some(d) = v.dyn_ref::<js::Date>() {
        let ms = d.get_time();
        if ms.is_finite() {
            return Ok(ms as i64);
        }
    }
    Err(error(
        "INVALID_OPTIONS",
        "`now` is required: an RFC 3339 string (\"2026-11-25T10:00:00+08:00\"), epoch milliseconds or a Date",
        &[("path", "now".into())],
    ))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() { js::reflect_get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED }
}

/// A compiled rule set. Compile once, decide many.
#[wasm_bindgen]
pub struct Engine {
    core: Core,
    /// The JavaScript encoder and decision builder, made at the first decision.
    codec: std::cell::OnceCell<codec::Codec>,
}

#[wasm_bindgen]
impl Engine {
    /// Compiles rules (an object or a JSON string). Throws an `Error` with `code: "INVALID_RULES"`
    /// and `diagnostics` (every problem, each `{code, severity, path, message}`).
    pub fn compile(
        #[wasm_bindgen(unchecked_param_type = "RuleSet | string")] rules: &JsValue,
    ) -> Result<Engine, JsValue> {
        let text = rules_text(rules)?;
        Core::compile(&text)
            .map(|core| Engine { core, codec: Default::default() })
            .map_err(|e| diagnostics_error(crate::engine::CompileError::CODE, &e.to_string(), &e.diagnostics))
    }

    /// Decides one client. `options`: `{ now, event?, trace?, explain? }`; `explain: false` leaves
    /// out the words (each reason's `message` and the `explanation`), which is most of the time a
    /// single decision takes. Throws `INVALID_CLIENT` (with `diagnostics` and `path`) for a bad
    /// record and `INVALID_OPTIONS` for bad options.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Client")] client: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "DecideOptions")] options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let codec = self.codec();
        let o = codec.options(options);
        let now = match o.now {
            Some(ms) => ms,
            None => parse_now(&o.raw_now, self.core.time_zone())?,
        };
        let event = if o.event { get(options, "event").as_string() } else { None };
        let (ctx, explain) = (Context { now, event, trace: o.trace }, o.explain);
        let (mut kept, mut own) = (codec.record(), Record::default());
        let record = kept.as_deref_mut().unwrap_or(&mut own);
        if codec.read(&self.core, client, record).is_some() {
            return Ok(codec.decide(&self.core, record, &ctx, explain, None));
        }
        // The JSON route: exactly what the full reader says; its id crosses with the decision.
        let record = self.read_json(client)?;
        Ok(codec.decide(&self.core, &record, &ctx, explain, Some(&record.id)))
    }

    fn codec(&self) -> &codec::Codec {
        self.codec.get_or_init(|| codec::Codec::new(&self.core))
    }

    /// A client object read through JSON text by the full reader: its diagnostics on a bad record.
    fn read_json(&self, client: &JsValue) -> Result<Record, JsValue> {
        let text = json_text(client, "INVALID_CLIENT", "the client")?;
        self.core
            .read_client_text(&text)
            .map_err(|e| diagnostics_error(crate::RecordError::CODE, &e.to_string(), &e.errors))
    }

    /// Decides many clients in one call. `input`: NDJSON (or CSV with `format: "csv"`) as a
    /// `Uint8Array` or string, or an array of client objects; `options`: `{ now, event?, format? }`. Returns
    /// `{ count, clientIds, primaryLayer: Int32Array, actionOffsets: Uint32Array,
    /// actions: Uint16Array, layerIds, actionIds, errors: [{line, clientId, errors}] }`: record
    /// `k`'s actions are `actions.subarray(actionOffsets[k], actionOffsets[k + 1])`, best first.
    /// A bad record is listed in `errors` with its line; the others are still decided.
    #[wasm_bindgen(js_name = decideBatch, unchecked_return_type = "BatchResult")]
    pub fn decide_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | Client[]")] input: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "BatchOptions")] options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = parse_now(&get(options, "now"), self.core.time_zone())?;
        let ctx = Context { now, event: get(options, "event").as_string(), trace: false };
        let csv = match get(options, "format").as_string().as_deref() {
            None | Some("ndjson") => false,
            Some("csv") => true,
            Some(other) => {
                return Err(error(
                    "INVALID_OPTIONS",
                    &format!("`format` \"{other}\": expected \"ndjson\" or \"csv\""),
                    &[("path", "format".into())],
                ));
            }
        };
        let text_batch = |bytes: &[u8]| {
            if csv { self.core.decide_csv(bytes, &ctx) } else { self.core.decide_ndjson(bytes, &ctx) }
        };
        let out = if let Some(bytes) = js::uint8_bytes(input) {
            text_batch(&bytes)
        } else if let Some(text) = input.as_string() {
            text_batch(text.as_bytes())
        } else if js::Array::is_array(input) {
            // `isArray`, not `instanceof`: an array from another realm (an iframe) is a list too.
            let mut records = self.codec().read_many(&self.core, input.unchecked_ref());
            self.core.decide_read(&mut |rec: &mut Record| records.next_into(rec), &ctx)
        } else {
            return Err(error(
                "INVALID_INPUT",
                "decideBatch takes NDJSON (a Uint8Array or a string) or an array of client objects",
                &[],
            ));
        };
        let result = js::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js::reflect_set(&result, &k.into(), &v);
        };
        set("count", JsValue::from(out.client_ids.len() as u32));
        set("clientIds", to_js(&out.client_ids)?);
        set("primaryLayer", js::Int32Array::new(&out.primary_layer).into());
        set("actionOffsets", js::Uint32Array::new(&out.action_offsets).into());
        set("actions", js::Uint16Array::new(&out.actions).into());
        set("layerIds", to_js(&out.layer_ids)?);
        set("actionIds", to_js(&out.action_ids)?);
        set("errors", to_js(&out.errors)?);
        Ok(result.into())
    }

    /// One CSV row as a client object, typed by this rule set's field declarations (the record
    /// `decideBatch(csv, { format: "csv" })` and `Simulation.addCsv` read): `csv` is the header
    /// line and the row. Throws `INVALID_INPUT` (with `diagnostics`) when they cannot be read.
    #[wasm_bindgen(js_name = csvClient, unchecked_return_type = "Client")]
    pub fn csv_client(&self, csv: &str) -> Result<JsValue, JsValue> {
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let (Some(head), Some(row)) = (lines.next(), lines.next()) else {
            return Err(error("INVALID_INPUT", "csvClient takes the header line and one row", &[]));
        };
        let invalid = |e: crate::RecordError| diagnostics_error("INVALID_INPUT", &e.to_string(), &e.errors);
        let header = crate::csv::CsvHeader::parse(head).map_err(invalid)?;
        let json = self.core.csv_row_json(&header, row).map_err(invalid)?;
        js::parse(&json).map_err(|_| error("INTERNAL", "cannot convert the row", &[]))
    }

    /// `{ id, version, name, contentHash, fields: [{id, type, sensitive, purpose, unit?}] }`:
    /// the privacy manifest lists every client field the rule set reads.
    #[wasm_bindgen(unchecked_return_type = "EngineInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.core.info())
    }
}

/// Every diagnostic of a rule set (object or JSON string); never throws for bad rules.
#[wasm_bindgen(js_name = validateRules, unchecked_return_type = "Diagnostic[]")]
pub fn validate_rules(#[wasm_bindgen(unchecked_param_type = "unknown")] rules: &JsValue) -> Result<JsValue, JsValue> {
    let diags = match rules_text(rules) {
        Ok(text) => crate::validate_rules(&text),
        Err(_) => vec![Diagnostic::error("invalid-json", "", "rules must be a JSON string or an object")],
    };
    to_js(&diags)
}

/// Plain JsonLogic, as json-logic-js `apply`.
#[wasm_bindgen(js_name = applyLogic, unchecked_return_type = "JsonValue")]
pub fn apply_logic(
    #[wasm_bindgen(unchecked_param_type = "JsonValue")] rule: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "unknown")] data: &JsValue,
) -> Result<JsValue, JsValue> {
    let parse = |v: &JsValue, code: &str, what: &str| -> Result<serde_json::Value, JsValue> {
        crate::json::parse(&json_text(v, code, what)?).map_err(|e| error(code, &format!("{what}: {e}"), &[]))
    };
    let rule = parse(rule, "INVALID_LOGIC", "the rule")?;
    let data = if data.is_undefined() { serde_json::Value::Null } else { parse(data, "INVALID_DATA", "the data")? };
    match crate::logic::apply(&rule, &data) {
        Ok(v) => to_js(&v),
        Err(d) => Err(diagnostics_error("INVALID_LOGIC", "the rule does not compile", &d)),
    }
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The rule schema version this engine reads.
#[wasm_bindgen(js_name = schemaVersion)]
pub fn schema_version() -> u32 {
    crate::schema::SCHEMA_VERSION
}
