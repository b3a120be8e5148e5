//! The compiled rule set (the IR) and the public entry points: compile once, decide many.
//!
//! ```
//! use clientseg::{Engine, Context};
//! let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap();
//! let engine = Engine::compile(&rules).unwrap();
//! let now = clientseg::time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
//! let client = serde_json::json!({"id": "c1", "registered_at": "2026-11-01T09:00:00+08:00"});
//! let decision = engine.decide_json(&client, &Context::at(now)).unwrap();
//! println!("{} → {:?}", decision.client_id, decision.primary_layer);
//! ```

use crate::diagnostics::Diagnostic;
use crate::logic::ir::Expr;
use crate::schema::{Channel, ContentKind, FieldType, Names, PropType, QuietMode, SuppressionScope};
use crate::time::TimeZone;
use serde::Serialize;
use std::collections::HashMap;
use thiserror::Error;

/// Compilation failed: every diagnostic (errors and warnings) found in the rule set.
#[derive(Debug, Clone, Error)]
#[error("the rule set has {} error(s); first: {}", .diagnostics.iter().filter(|d| d.is_error()).count(), .diagnostics.iter().find(|d| d.is_error()).map(ToString::to_string).unwrap_or_default())]
pub struct CompileError {
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileError {
    /// Stable code for the JS boundary.
    pub const CODE: &'static str = "INVALID_RULES";
}

/// Options of one decision. `now` is always given: the core never reads a clock.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The instant of the decision, ms since the epoch.
    pub now: i64,
    /// The event type this decision is made for (e.g. `account_application`), which enables
    /// the actions it triggers.
    pub event: Option<String>,
    /// Record every condition's evaluation and the values it read.
    pub trace: bool,
}

impl Context {
    pub fn at(now: i64) -> Context {
        Context { now, event: None, trace: false }
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub id: String,
    pub ty: FieldType,
    pub required: bool,
    pub sensitive: bool,
    pub purpose: String,
    pub unit: Option<String>,
    pub name: Option<Names>,
}

#[derive(Debug, Clone)]
pub struct EventDef {
    pub id: String,
    pub props: Vec<(String, PropType)>,
}

#[derive(Debug, Clone)]
pub enum TagRule {
    Bool(Expr),
    /// (tier id, tier name, condition), tried in order.
    Tiers(Vec<(String, Names, Expr)>),
}

#[derive(Debug, Clone)]
pub struct TagDef {
    pub id: String,
    pub name: Names,
    pub rule: TagRule,
    /// Field slots the conditions read (for the trace).
    pub reads: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct LayerDef {
    pub id: String,
    pub name: Names,
    pub when: Option<Expr>,
    pub reads: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct SopDef {
    pub id: String,
    pub name: Names,
    /// Share of clients held out as this SOP's control group.
    pub holdout: f64,
    /// FNV state of (holdout salt, SOP id): the control-group draw only hashes the client id.
    pub holdout_prefix: u64,
}

#[derive(Debug, Clone)]
pub enum RankRule {
    Priority(f64),
    /// propensity × context weight × value × lever.
    Score([Option<Expr>; 4]),
}

#[derive(Debug, Clone)]
pub struct ActionDef {
    pub id: String,
    pub name: Names,
    pub sop: u16,
    pub channel: Channel,
    pub content: ContentKind,
    pub when: Option<Expr>,
    pub rank: RankRule,
    /// Rank (1-based) of the product risk among the product risk levels.
    pub product_risk: Option<u16>,
    pub cooldown_ms: Option<i64>,
    pub personalised: bool,
    pub fallback: Option<u16>,
    /// This action is the non-personalised fallback of another and is offered only in its place.
    pub is_fallback: bool,
    pub triggers: Vec<u16>,
    pub reads: Vec<u16>,
}

#[derive(Debug, Clone, Copy)]
pub struct CapDef {
    pub max: u32,
    pub window_ms: i64,
}

#[derive(Debug, Clone)]
pub struct QuietDef {
    /// Minutes since local midnight.
    pub start: u32,
    pub end: u32,
    pub mode: QuietMode,
    pub channels: [bool; 6],
}

#[derive(Debug, Clone, Copy)]
pub struct SuppressionDef {
    pub rejections: u32,
    pub window_ms: i64,
    pub pause_ms: i64,
    pub scope: SuppressionScope,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyDef {
    pub caps: [Option<CapDef>; 6],
    pub global: Option<CapDef>,
    pub quiet: Option<QuietDef>,
    pub suppression: Option<SuppressionDef>,
    pub max_actions: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConsentDef {
    Deny,
    Allow,
    Field(u16),
}

#[derive(Debug, Clone)]
pub struct SuitabilityDef {
    pub class_field: u16,
    pub assessed_field: Option<u16>,
    pub validity_ms: Option<i64>,
    pub product_risks: Vec<String>,
    /// Per investor class (by enum index): highest product risk rank (1-based) allowed.
    pub max_risk: Vec<u16>,
}

/// FNV-1a for the crate's `HashMap`s (the structural checker's memo of the simulation
/// assumptions): short keys, where SipHash's setup dominates. The id → slot maps of records are
/// [`Slots`], a table of their own.
#[derive(Default, Clone, Copy)]
pub struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A `HashMap` hashed with [`FnvHasher`]: the crate's maps use this one hasher, so the `.wasm`
/// carries neither SipHash nor a second hasher's copy of each map's code. (The core module has
/// none: its maps are [`Slots`].)
pub type FnvMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FnvHasher>>;

pub use crate::slots::Slots;

/// A compiled rule set. Immutable and `Send + Sync`: compile once, share, decide many.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) name: Names,
    pub(crate) tz: TimeZone,
    pub(crate) fields: Vec<FieldDef>,
    /// Field id → slot, for reading records.
    pub(crate) field_slots: Slots,
    pub(crate) enums: Vec<Box<[Box<str>]>>,
    pub(crate) events: Vec<EventDef>,
    pub(crate) event_slots: Slots,
    pub(crate) tags: Vec<TagDef>,
    pub(crate) tag_order: Vec<u16>,
    pub(crate) tiers: Vec<Box<[Box<str>]>>,
    pub(crate) layers: Vec<LayerDef>,
    pub(crate) layer_order: Vec<u16>,
    pub(crate) default_layer: Option<u16>,
    pub(crate) sops: Vec<SopDef>,
    pub(crate) actions: Vec<ActionDef>,
    pub(crate) action_slots: Slots,
    pub(crate) policy: PolicyDef,
    pub(crate) consent: [ConsentDef; 6],
    pub(crate) personalisation: Option<u16>,
    pub(crate) suitability: Option<SuitabilityDef>,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) content_hash: String,
}

impl Engine {
    /// Whether `other` reads a client record exactly as this rule set does (same fields with the
    /// same types and enum values, same events, same action ids in the same order, same time
    /// zone), so one [`Record`](crate::record::Record) serves both.
    pub fn reads_records_like(&self, other: &Engine) -> bool {
        self.tz == other.tz
            && self.enums == other.enums
            && self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(&other.fields)
                .all(|(x, y)| x.id == y.id && x.ty == y.ty && x.required == y.required)
            && self.events.len() == other.events.len()
            && self.events.iter().zip(&other.events).all(|(x, y)| x.id == y.id && x.props == y.props)
            && self.actions.len() == other.actions.len()
            && self.actions.iter().zip(&other.actions).all(|(x, y)| x.id == y.id)
    }

    /// Compiles rule JSON text. All problems are reported at once in the error.
    ///
    /// # Errors
    /// [`CompileError`] with every diagnostic when the rule set has an error.
    pub fn compile(text: &str) -> Result<Engine, CompileError> {
        let (rules, doc) = crate::parse::parse_text(text).map_err(|diagnostics| CompileError { diagnostics })?;
        crate::compile::compile(&rules, &doc)
    }

    /// Compiles an already parsed rule document.
    ///
    /// # Errors
    /// [`CompileError`] with every diagnostic when the rule set has an error.
    pub fn compile_value(doc: serde_json::Value) -> Result<Engine, CompileError> {
        let (rules, doc) = crate::parse::parse_value(doc).map_err(|diagnostics| CompileError { diagnostics })?;
        crate::compile::compile(&rules, &doc)
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn name(&self) -> &Names {
        &self.name
    }
    pub fn time_zone(&self) -> TimeZone {
        self.tz
    }
    /// Warnings found while compiling (the rule set is usable).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
    /// `sha256:<hex>` of the canonical rule document (keys sorted, no white space): the same in
    /// Rust, Node and the browser.
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }
    pub fn tag_ids(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(|t| t.id.as_str())
    }
    pub fn layer_ids(&self) -> impl Iterator<Item = &str> {
        self.layers.iter().map(|l| l.id.as_str())
    }
    pub fn action_ids(&self) -> impl Iterator<Item = &str> {
        self.actions.iter().map(|a| a.id.as_str())
    }
    pub fn sop_ids(&self) -> impl Iterator<Item = &str> {
        self.sops.iter().map(|s| s.id.as_str())
    }
}

/// What a compiled rule set is and reads: identity, content hash and the privacy manifest.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EngineInfo {
    pub id: String,
    pub version: String,
    pub name: Names,
    /// `sha256:` of the canonical rule document (sorted keys, no white space): the same in Rust,
    /// Node and the browser.
    pub content_hash: String,
    pub schema_version: u32,
    /// Every client field the rule set reads, with its purpose and sensitivity.
    pub fields: Vec<FieldInfo>,
    /// The event types it reads from a client's history.
    pub events: Vec<String>,
}

/// A client field in the privacy manifest.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    /// The key in a client record.
    pub id: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Sensitive personal information under PIPL (financial accounts, assets).
    pub sensitive: bool,
    /// Why the rules read this field (data minimisation).
    pub purpose: String,
    /// Unit of a number, e.g. `CNY`, `days`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Engine {
    /// Identity, content hash and the privacy manifest of the rule set.
    pub fn info(&self) -> EngineInfo {
        EngineInfo {
            id: self.id.clone(),
            version: self.version.clone(),
            name: self.name.clone(),
            content_hash: self.content_hash.clone(),
            schema_version: crate::schema::SCHEMA_VERSION,
            fields: self
                .fields
                .iter()
                .map(|f| FieldInfo {
                    id: f.id.clone(),
                    field_type: f.ty,
                    sensitive: f.sensitive,
                    purpose: f.purpose.clone(),
                    unit: f.unit.clone(),
                })
                .collect(),
            events: self.events.iter().map(|e| e.id.clone()).collect(),
        }
    }
}

/// Every diagnostic of a rule set (errors and warnings); never fails.
pub fn validate_rules(text: &str) -> Vec<Diagnostic> {
    match Engine::compile(text) {
        Ok(e) => e.warnings,
        Err(e) => e.diagnostics,
    }
}
