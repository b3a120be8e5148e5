//! The npm package's types: [`declarations`] lists the Rust types whose TypeScript declarations
//! make up `src/wasm/types.d.ts` (and so the interfaces in `pkg/*/clientseg.d.ts`).
//!
//! Most are the serde types that cross the boundary as JSON (the rule set in, the decision out).
//! The rest, defined here, describe JavaScript shapes that have no serde type of their own: the
//! client record (read field by field by [`crate::client`]), the options (read property by
//! property by `src/wasm`), the batch result (built from typed arrays) and the thrown error. They
//! exist only to be described; nothing constructs them.
//!
//! To add a type to the package: derive `schemars::JsonSchema` on it (doc comments become TSDoc),
//! add one `.input::<T>()` or `.output::<T>()` line to [`declarations`], run
//! `UPDATE_SCHEMA=1 cargo test --test typescript_fresh`, and name the TypeScript type in the
//! export's `#[wasm_bindgen(unchecked_param_type = "...", unchecked_return_type = "...")]`. A type
//! that a field names only through `#[schemars(extend("x-ts-type" = "Name"))]` (as
//! `RejectedAction.reason` names `NotChosenReason`) is not reached by the converter: list it too.

use super::{Declarations, TS_TYPE};
use crate::client::RecordError;
use crate::decision::Decision;
use crate::diagnostics::Diagnostic;
use crate::engine::{CompileError, EngineInfo};
use crate::evaluate::Fate;
use crate::record::Outcome;
use crate::schema::{Channel, RuleSet};
use crate::simulate::{Assumptions, Progress, Report};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use std::collections::BTreeMap;

const HEADER: &str = "\
// Generated from the Rust types (src/typescript/api.rs) by `UPDATE_SCHEMA=1 cargo test --test
// typescript_fresh`; `cargo test` fails when this file is stale. Do not edit by hand.
";

/// The package's TypeScript declarations.
///
/// # Errors
/// A type the converter cannot declare (see [`Declarations::render`]).
pub fn declarations() -> Result<String, String> {
    Declarations::new(HEADER)
        // What the functions accept.
        .input::<RuleSet>()
        .input::<Client>()
        .input::<DecideOptions>()
        .input::<BatchOptions>()
        .input::<SimulationOptions>()
        .input::<Assumptions>()
        // What they return and throw.
        .output::<Decision>()
        .output::<NotChosenReason>()
        .output::<BatchResult>()
        .output::<EngineInfo>()
        .output::<Diagnostic>()
        .output::<ClientsegError>()
        .output::<Progress>()
        .output::<Report>()
        .render()
}

/// The codes of the errors the package throws (`ClientsegError.code`).
pub const ERROR_CODES: [&str; 9] = [
    CompileError::CODE,
    RecordError::CODE,
    "INVALID_OPTIONS",
    "INVALID_INPUT",
    "INVALID_LOGIC",
    "INVALID_DATA",
    "INVALID_ASSUMPTIONS",
    crate::simulate::MergeError::CODE,
    "INTERNAL",
];

/// A client record: its `id`, the fields the rule set declares, its event history and its past
/// contacts. Keys the rule set does not declare are ignored without being read, so a record may
/// carry any others. Each declared field is a number, text, `true`/`false`, a datetime
/// (RFC 3339 text; without an offset, the rule set's time zone), an enum value (text) or a list of
/// text, as its `type` says; `null` or absent means missing.
#[derive(JsonSchema)]
pub struct Client {
    /// The client id: non-empty text (a number is read as its decimal text).
    pub id: ClientId,
    /// Events, in any order. Only the rule set's declared event types are read.
    pub events: Option<Vec<ClientEvent>>,
    /// Past contacts (every one counts toward the frequency caps; rejected ones toward suppression).
    pub contacts: Option<Vec<ClientContact>>,
    /// The declared fields (and any others, which are ignored).
    #[serde(flatten)]
    pub fields: BTreeMap<String, Unknown>,
}

/// A client id: non-empty text, or a number (read as its decimal text).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ClientId {
    Text(String),
    Number(f64),
}

/// One event in a client's history: its `type`, when it happened (`at`) and the properties the
/// rule set declares for that type (others are ignored).
#[derive(JsonSchema)]
pub struct ClientEvent {
    /// An event type id from the rule set's `events`; events of other types are skipped unread.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened: RFC 3339 (`2026-11-20T14:03:00+08:00`; without an offset, the rule set's
    /// time zone).
    pub at: String,
    /// Declared properties: a number, text or `true`/`false` as declared; `null` means missing.
    #[serde(flatten)]
    pub properties: BTreeMap<String, EventValue>,
}

/// A past contact with the client.
#[derive(JsonSchema)]
pub struct ClientContact {
    /// The action id; contacts from actions outside the rule set still count toward the caps.
    pub action: Option<String>,
    pub channel: Channel,
    /// When it happened: RFC 3339.
    pub at: String,
    /// How it ended; without one the contact counts as `delivered`.
    pub outcome: Option<ContactOutcome>,
}

/// The options of `engine.decide`.
#[derive(JsonSchema)]
pub struct DecideOptions {
    /// The decision instant (required): the engine reads no clock.
    pub now: Instant,
    /// The event type this decision is made for: actions with `triggers` are considered only in a
    /// decision made for one of their trigger events.
    pub event: Option<String>,
    /// Include `trace`: every condition's result and the field values it read.
    pub trace: Option<bool>,
    /// `false` leaves out the words — each not-chosen reason's `message` and the zh/en
    /// `explanation` — which take most of a single decision's time (default `true`).
    pub explain: Option<bool>,
}

/// The options of `engine.decideBatch`.
#[derive(JsonSchema)]
pub struct BatchOptions {
    /// The decision instant (required), the same for every record.
    pub now: Instant,
    /// The event type the decisions are made for (see `DecideOptions.event`).
    pub event: Option<String>,
    /// The format of text or `Uint8Array` input: NDJSON (the default) or CSV with a header row.
    pub format: Option<TextFormat>,
}

/// The format of text input.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    Ndjson,
    Csv,
}

/// The options of `new Simulation(published, draft, options)`.
#[derive(JsonSchema)]
pub struct SimulationOptions {
    /// The decision instant (required) for every client, under both rule sets.
    pub now: Instant,
    /// The simulation assumptions (an object or its JSON text); the default pack's are in
    /// `clientseg/rules/internet-branch.simulation.json`.
    pub assumptions: AssumptionsInput,
    /// The event type the decisions are made for (see `DecideOptions.event`).
    pub event: Option<String>,
}

/// Assumptions as an object or as JSON text.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AssumptionsInput {
    Object(Assumptions),
    Text(String),
}

/// The result of `engine.decideBatch`, compact: record `k` (in input order, bad records left
/// out) has primary layer `layerIds[primaryLayer[k]]` (`-1`: none) and chosen actions
/// `actions.subarray(actionOffsets[k], actionOffsets[k + 1])` (indices into `actionIds`, best
/// first).
// `src/wasm` builds it from `crate::batch::BatchResult`: a test checks they have the same keys.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BatchResult")]
pub struct BatchResult {
    /// How many records were decided: the length of `clientIds` and `primaryLayer`.
    pub count: u32,
    /// The decided records' ids, in input order.
    pub client_ids: Vec<String>,
    /// Per record: an index into `layerIds`, or `-1` when no layer applies.
    #[schemars(extend("x-ts-type" = "Int32Array"))]
    pub primary_layer: Vec<i32>,
    /// `count + 1` offsets into `actions`: record `k`'s actions are
    /// `actions.subarray(actionOffsets[k], actionOffsets[k + 1])`.
    #[schemars(extend("x-ts-type" = "Uint32Array"))]
    pub action_offsets: Vec<u32>,
    /// Every record's chosen actions, best first: indices into `actionIds`.
    #[schemars(extend("x-ts-type" = "Uint16Array"))]
    pub actions: Vec<u16>,
    /// The rule set's layer ids, in priority order.
    pub layer_ids: Vec<String>,
    /// The rule set's action ids.
    pub action_ids: Vec<String>,
    /// Records that could not be decided, each with its 1-based `line` and every problem.
    pub errors: Vec<RecordError>,
}

/// The `Error` every function of the package throws: a stable `code`, a `message` and, where they
/// apply, the JSON pointer `path` of the first problem and every `diagnostics` entry.
#[derive(JsonSchema)]
#[schemars(extend("x-ts-extends" = "Error"))]
pub struct ClientsegError {
    pub code: ErrorCode,
    /// JSON pointer of the (first) offending value: in the rules, the client record or the options
    /// (`null` when no diagnostic is an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-ts-type" = "string | null"))]
    pub path: Option<String>,
    /// Every problem found (`INVALID_RULES`, `INVALID_CLIENT`, `INVALID_LOGIC`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<Diagnostic>>,
}

/// Why a candidate action was not chosen ([`Fate::CODES`] except `chosen`).
pub struct NotChosenReason;

impl JsonSchema for NotChosenReason {
    fn schema_name() -> Cow<'static, str> {
        "NotChosenReason".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = Fate::CODES.into_iter().filter(|c| *c != "chosen").collect();
        json_schema!({
            "description": "Why a candidate action was not chosen. `personalisation_off`: its non-personalised\n\
                fallback is offered instead; `quiet_hours`: dropped (with `defer` the action is chosen with\n\
                `deferredUntil`); `outranked`: beyond the per-decision limit.",
            "enum": codes,
        })
    }
}

/// The outcome of a past contact ([`Outcome::ALL`]).
pub struct ContactOutcome;

impl JsonSchema for ContactOutcome {
    fn schema_name() -> Cow<'static, str> {
        "ContactOutcome".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let all: Vec<&str> = Outcome::ALL.into_iter().map(Outcome::as_str).collect();
        json_schema!({ "description": "How a past contact ended.", "enum": all })
    }
}

/// The thrown error's `code` ([`ERROR_CODES`]).
pub struct ErrorCode;

impl JsonSchema for ErrorCode {
    fn schema_name() -> Cow<'static, str> {
        "ErrorCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "What went wrong: `INVALID_RULES` (with `diagnostics`), `INVALID_CLIENT` (with\n\
                `diagnostics` and `path`), `INVALID_OPTIONS` (with `path`), `INVALID_INPUT` (decideBatch's input),\n\
                `INVALID_LOGIC` and `INVALID_DATA` (applyLogic), `INVALID_ASSUMPTIONS` (a simulation's assumptions,\n\
                with `diagnostics`), `INVALID_PARTIAL` (`Simulation.merge` given bytes of another simulation),\n\
                `INTERNAL` (a bug: please report it).",
            "enum": ERROR_CODES,
        })
    }
}

/// An instant given to the engine: RFC 3339 text, epoch milliseconds or a `Date`.
pub struct Instant;

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An instant: RFC 3339 text (`\"2026-11-25T10:00:00+08:00\"`; without an offset, the\n\
                rule set's time zone), epoch milliseconds or a `Date`.",
            TS_TYPE: "string | number | Date",
        })
    }
}

/// A value the engine never looks at (`unknown` in TypeScript).
pub struct Unknown;

impl JsonSchema for Unknown {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Unknown".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ TS_TYPE: "unknown" })
    }
}

/// An event property's value.
pub struct EventValue;

impl JsonSchema for EventValue {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "EventValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean", "null"] })
    }
}
