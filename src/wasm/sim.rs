//! The what-if simulation's JavaScript API: `new Simulation(published, draft, { now,
//! assumptions })`, then chunks of input (`addSynthetic`, `addNdjson`, `addCsv`), `finish()` and
//! `report()`. The admin page drives it from a Web Worker, a chunk at a time, for its progress
//! bar. Everything it computes is [`crate::simulate`], tested natively. Built only with the cargo
//! feature `simulation`: the package's second module, `clientseg/simulation`, which only the admin
//! page loads, so that apps load a module without it.

use super::population::population_seed;
use super::{diagnostics_error, error, get, json_text, parse_now, rules_text};
use crate::engine::{CompileError, Context, Engine};
use crate::simulate::{Assumptions, Progress, Simulation as Core};
use wasm_bindgen::prelude::*;

fn compile(rules: &JsValue, side: &str) -> Result<Engine, JsValue> {
    let text = rules_text(rules)?;
    Engine::compile(&text).map_err(|e| {
        let err = diagnostics_error(CompileError::CODE, &format!("the {side} rule set: {e}"), &e.diagnostics);
        let _ = super::js::reflect_set(&err, &"side".into(), &side.into());
        err
    })
}

/// The simulation's results through serde (the admin page's module has no size budget; the
/// core's results are written by `ToJson`).
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|_| error("INTERNAL", "cannot convert the result to JSON", &[]))?;
    super::js::parse(&text).map_err(|_| error("INTERNAL", "cannot convert the result", &[]))
}

fn progress(p: Progress) -> JsValue {
    to_js(&p).unwrap_or(JsValue::NULL)
}

/// A published-vs-draft simulation over a population fed in chunks.
#[wasm_bindgen]
pub struct Simulation {
    core: Core,
}

#[wasm_bindgen]
impl Simulation {
    /// `published`, `draft`: rule sets (objects or JSON strings); `options`: `{ now, assumptions,
    /// event? }` with `assumptions` an object or JSON string. Throws `INVALID_RULES` (with `side`:
    /// "published" or "draft", and `diagnostics`), `INVALID_ASSUMPTIONS` (with `diagnostics`)
    /// or `INVALID_OPTIONS`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RuleSet | string")] published: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "RuleSet | string")] draft: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "SimulationOptions")] options: &JsValue,
    ) -> Result<Simulation, JsValue> {
        let a = compile(published, "published")?;
        let b = compile(draft, "draft")?;
        let now = parse_now(&get(options, "now"), a.time_zone())?;
        let raw = get(options, "assumptions");
        if raw.is_undefined() || raw.is_null() {
            return Err(error(
                "INVALID_OPTIONS",
                "`assumptions` is required (the default pack's are in `clientseg/rules/internet-branch.simulation.json`)",
                &[("path", "assumptions".into())],
            ));
        }
        let text = match raw.as_string() {
            Some(s) => s,
            None => json_text(&raw, "INVALID_ASSUMPTIONS", "the assumptions")?,
        };
        let assumptions = Assumptions::parse(&text)
            .map_err(|d| diagnostics_error("INVALID_ASSUMPTIONS", "the simulation assumptions are invalid", &d))?;
        let ctx = Context { now, event: get(options, "event").as_string(), trace: false };
        Core::new(a, b, ctx, assumptions).map(|core| Simulation { core }).map_err(|e| {
            diagnostics_error("INVALID_ASSUMPTIONS", "the assumptions do not fit the rule sets", &e.diagnostics)
        })
    }

    /// Adds clients `start .. start + count` of the seeded synthetic population (the clients
    /// `generatePopulation(size, seed, now)` returns). Returns the totals `{ clients, rejected }`.
    #[wasm_bindgen(js_name = addSynthetic, unchecked_return_type = "SimulationProgress")]
    pub fn add_synthetic(
        &mut self,
        start: u32,
        count: u32,
        #[wasm_bindgen(js_name = seed)] seed_value: f64,
    ) -> Result<JsValue, JsValue> {
        let s = population_seed(seed_value)?;
        Ok(progress(self.core.add_synthetic(start as usize, count as usize, s)))
    }

    /// Adds NDJSON bytes; a chunk may end anywhere (the rest of a line waits for the next chunk
    /// or `finish()`). Bad lines are counted and listed on the report with their line numbers.
    #[wasm_bindgen(js_name = addNdjson, unchecked_return_type = "SimulationProgress")]
    pub fn add_ndjson(&mut self, bytes: &[u8]) -> JsValue {
        progress(self.core.add_ndjson(bytes))
    }

    /// Adds CSV bytes: the first chunk of a file starts with its header row.
    #[wasm_bindgen(js_name = addCsv, unchecked_return_type = "SimulationProgress")]
    pub fn add_csv(&mut self, bytes: &[u8]) -> JsValue {
        progress(self.core.add_csv(bytes))
    }

    /// Ends the current file: decides a last line without a line break. The next `addNdjson`
    /// or `addCsv` starts a new file (lines count from 1; CSV expects a header).
    #[wasm_bindgen(unchecked_return_type = "SimulationProgress")]
    pub fn finish(&mut self) -> JsValue {
        progress(self.core.finish())
    }

    /// Starts CSV input in the middle of a file whose first row is `header` (a string): for a
    /// worker given the later part of a file another worker reads from its start. Throws
    /// `INVALID_INPUT` (with `diagnostics`) when the header cannot be read.
    #[wasm_bindgen(js_name = continueCsv)]
    pub fn continue_csv(&mut self, header: &str) -> Result<(), JsValue> {
        self.core.continue_csv(header).map_err(|e| {
            let why = e.errors.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
            diagnostics_error("INVALID_INPUT", &format!("the CSV header cannot be read: {why}"), &e.errors)
        })
    }

    /// Ends the input (as `finish()`) and returns every count so far as bytes, for `merge` in
    /// a simulation of the same rule sets, assumptions and `now` in another worker (post it as a
    /// transferable). A population split between workers and merged in order gives exactly the
    /// report of one simulation over all of it.
    pub fn partial(&mut self) -> Vec<u8> {
        self.core.partial()
    }

    /// Adds another simulation's `partial()`: the part of the population after this one's (its
    /// bad records' line numbers continue this part's). Ends this simulation's current input
    /// first, as `finish()` does. Throws `INVALID_PARTIAL` when the
    /// bytes come from another simulation or are damaged; nothing is merged then.
    pub fn merge(&mut self, partial: &[u8]) -> Result<(), JsValue> {
        self.core.merge(partial).map_err(|e| error(crate::simulate::MergeError::CODE, &e.message, &[]))
    }

    /// The report so far: both sides' counts, transitions, funnel, revenue, and the assumptions.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.core.report())
    }
}
