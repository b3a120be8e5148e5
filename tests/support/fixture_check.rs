//! The fixture checker shared by `tests/fixtures.rs` (native, reads `tests/fixtures/`) and
//! `tests/wasm_fixtures.rs` (wasm32 in Node and Chromium, fixtures embedded at compile time).
//!
//! One case is `{description, rules, now, client, expected}` (see `tests/fixtures/README.md`):
//! - `rules`: an inline rule set, or the name of a pack in `rules/` (`"internet-branch"`);
//! - optional `event` (the triggering event type) and `trace` (boolean);
//! - `expected` is matched against a view of the decision — `tags`, `primaryLayer`, `layers`,
//!   `actions` (chosen, in rank order), `reasons` (`{actionId: reason}` of the candidates not
//!   chosen), `controlGroups`, `explanation` — objects by the keys the fixture lists, arrays
//!   element by element with equal length, numbers within 1e-9;
//! - or `expected.diagnostics` (the rule set must fail to compile with these `{code, path}`), or
//!   `expected.recordErrors` (the client must be rejected with these `{code, path}`).

use clientseg::{Context, Engine};
use serde_json::{Map, Value, json};

/// `expected` matches `actual` when every key it lists matches (see the module docs).
pub fn matches(expected: &Value, actual: &Value, path: &str, errs: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}/{k}");
                match a.get(k) {
                    Some(av) => matches(ev, av, &p, errs),
                    None if ev.is_null() => {}
                    None => errs.push(format!("{p}: expected {ev}, missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                errs.push(format!("{path}: expected {} items {expected}, got {} {actual}", e.len(), a.len()));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                matches(ev, av, &format!("{path}/{i}"), errs);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let (x, y) = (e.as_f64().unwrap_or(f64::NAN), a.as_f64().unwrap_or(f64::NAN));
            if (x - y).abs() > 1e-9 * x.abs().max(1.0) {
                errs.push(format!("{path}: expected {x}, got {y}"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => errs.push(format!("{path}: expected {e}, got {a}")),
    }
}

/// The fixture view of a decision.
fn view(d: &clientseg::Decision) -> Value {
    let v = serde_json::to_value(d).unwrap();
    let mut reasons = Map::new();
    for r in v["notChosen"].as_array().unwrap() {
        reasons.insert(r["id"].as_str().unwrap().to_string(), r["reason"].clone());
    }
    json!({
        "tags": v["tags"],
        "primaryLayer": v["primaryLayer"],
        "layers": v["layers"],
        "actions": v["actions"],
        "reasons": reasons,
        "controlGroups": v["controlGroups"],
        "explanation": v["explanation"],
        "trace": v.get("trace").cloned().unwrap_or(Value::Null),
    })
}

fn diag_view(diags: &[clientseg::Diagnostic]) -> Value {
    serde_json::to_value(diags).unwrap()
}

/// The case's `description`, for failure messages.
pub fn description(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v["description"].as_str().map(String::from))
        .unwrap_or_default()
}

/// Checks one case given as JSON text. `pack(name)` returns the text of the rule pack `rules/{name}.json`.
pub fn run_case(text: &str, pack: &dyn Fn(&str) -> Result<String, String>) -> Result<(), String> {
    let case: Value = serde_json::from_str(text).map_err(|e| format!("invalid fixture JSON: {e}"))?;
    let rules_text = match &case["rules"] {
        Value::String(name) => pack(name).map_err(|e| format!("rule pack {name}: {e}"))?,
        other => other.to_string(),
    };
    let expected = &case["expected"];
    let engine = match Engine::compile(&rules_text) {
        Ok(e) => e,
        Err(err) => {
            let Some(want) = expected.get("diagnostics") else {
                return Err(format!("rules do not compile: {:?}", err.diagnostics));
            };
            let mut errs = Vec::new();
            matches(want, &diag_view(&err.diagnostics), "/diagnostics", &mut errs);
            return if errs.is_empty() { Ok(()) } else { Err(errs.join("\n")) };
        }
    };
    if let Some(want) = expected.get("diagnostics") {
        let mut errs = Vec::new();
        matches(want, &diag_view(engine.warnings()), "/diagnostics", &mut errs);
        return if errs.is_empty() {
            Ok(())
        } else {
            Err(format!("rules compiled; warnings differ: {}", errs.join("\n")))
        };
    }
    let now_s = case["now"].as_str().ok_or("`now` is required")?;
    let now = clientseg::time::parse_datetime(now_s, engine.time_zone())?;
    let ctx = Context {
        now,
        event: case["event"].as_str().map(String::from),
        trace: case["trace"].as_bool().unwrap_or(false),
    };
    let mut errs = Vec::new();
    match (engine.decide_json(&case["client"], &ctx), expected.get("recordErrors")) {
        (Ok(d), None) => matches(expected, &view(&d), "", &mut errs),
        (Ok(d), Some(_)) => {
            errs.push(format!("the client was accepted: {}", serde_json::to_string(&view(&d)).unwrap()))
        }
        (Err(e), Some(want)) => matches(want, &diag_view(&e.errors), "/recordErrors", &mut errs),
        (Err(e), None) => errs.push(format!("the client was rejected: {e}")),
    }
    if errs.is_empty() { Ok(()) } else { Err(errs.join("\n")) }
}

/// Runs every `(file name, text)` case; returns the number passed and one message per failure.
pub fn run_all<'a>(
    cases: impl IntoIterator<Item = (&'a str, &'a str)>,
    pack: &dyn Fn(&str) -> Result<String, String>,
) -> (usize, Vec<String>) {
    let (mut passed, mut failures) = (0, Vec::new());
    for (name, text) in cases {
        match run_case(text, pack) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{name} ({}):\n  {}", description(text), e.replace('\n', "\n  "))),
        }
    }
    (passed, failures)
}
