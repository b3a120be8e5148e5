//! The seeded synthetic population's JavaScript API: `generatePopulation`,
//! `generatePopulationNdjson` and `syntheticClient` ([`crate::synth`], tested natively). Test and
//! demonstration data for the admin page, benchmarks and tests, not for an app: built only with
//! the cargo feature `simulation`, in the package's second module (`clientseg/simulation`).

use super::{error, parse_now, to_js};
use crate::synth::{self, PopulationSpec};
use crate::time;
use wasm_bindgen::prelude::*;

/// The seeded synthetic population: `size` clients, the same on every runtime for the same
/// `seed` and `now` (default 2026-11-25T10:00:00+08:00).
#[wasm_bindgen(js_name = generatePopulation, unchecked_return_type = "Client[]")]
pub fn generate_population(
    size: u32,
    seed: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "Instant | null")] now: &JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&synth::generate(&population_spec(size as usize, seed, now)?))
}

/// The same population as NDJSON bytes (one client per line, `\n` after each): byte for byte
/// what the native `synth::generate_ndjson` writes, for `decideBatch`, `Simulation.addNdjson` or a
/// file.
#[wasm_bindgen(js_name = generatePopulationNdjson)]
pub fn generate_population_ndjson(
    size: u32,
    seed: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "Instant | null")] now: &JsValue,
) -> Result<Vec<u8>, JsValue> {
    Ok(synth::generate_ndjson(&population_spec(size as usize, seed, now)?).into_bytes())
}

/// Synthetic client `index` of the seeded population (for inspecting one client): the same
/// object as `generatePopulation(size, seed, now)[index]`.
#[wasm_bindgen(js_name = syntheticClient, unchecked_return_type = "Client")]
pub fn synthetic_client(
    index: u32,
    #[wasm_bindgen(js_name = seed)] seed_value: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "Instant | null")] now: &JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&synth::client(&population_spec(0, seed_value, now)?, index as usize))
}

/// The synthetic population's spec from JS arguments: `seed` a non-negative integer (exact in a
/// JS number), `now` optional (default 2026-11-25T10:00:00+08:00).
fn population_spec(size: usize, seed: f64, now: &JsValue) -> Result<PopulationSpec, JsValue> {
    let seed = population_seed(seed)?;
    let now = if now.is_undefined() || now.is_null() {
        time::parse_datetime("2026-11-25T10:00:00+08:00", time::TimeZone::SHANGHAI).unwrap_or(0)
    } else {
        parse_now(now, time::TimeZone::SHANGHAI)?
    };
    Ok(PopulationSpec { size, seed, now })
}

/// A population seed: a non-negative integer, exact in a JS number (at most 2^53 − 1).
pub(super) fn population_seed(seed: f64) -> Result<u64, JsValue> {
    if (0.0..=9_007_199_254_740_991.0).contains(&seed) && seed.fract() == 0.0 {
        Ok(seed as u64)
    } else {
        Err(error("INVALID_OPTIONS", "`seed` must be a non-negative integer", &[("path", "seed".into())]))
    }
}
