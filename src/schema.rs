//! Rule schema v1: the wire types of a rule document, shared by the app, the admin page and servers.
//!
//! These types describe the JSON only (parse stage). Nothing here is evaluated: `compile` turns a
//! [`RuleSet`] into the IR. `schema/ruleset.schema.json` is generated from these types
//! (`cargo test` fails when the committed file is stale) and drives the structural checks in
//! [`crate::structure`], so the JSON Schema and the Rust types can never disagree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

/// The only schema version this engine reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A JsonLogic expression (jsonlogic.com) plus the domain operators documented in the README.
pub type Logic = serde_json::Value;

/// A JSON object of the rule document as its entries in key order, as a `BTreeMap` holds them
/// (same JSON, schema and `Debug`), but in one `Vec`: these maps have a handful of entries, and
/// each `BTreeMap` key and value type put its own copy of the B-tree code into the `.wasm`.
#[derive(Clone, PartialEq)]
pub struct KeyMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for KeyMap<K, V> {
    fn default() -> Self {
        KeyMap(Vec::new())
    }
}

impl<K: Ord, V> KeyMap<K, V> {
    /// The entries sorted by key; of equal keys the last one is kept (as `BTreeMap::insert` does).
    pub fn new(mut entries: Vec<(K, V)>) -> Self {
        crate::sort::sort_by(&mut entries, &|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        KeyMap(out)
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }
}

impl<K, V> KeyMap<K, V> {
    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, K, V> IntoIterator for &'a KeyMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for KeyMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        KeyMap::new(iter.into_iter().collect())
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for KeyMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for KeyMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for KeyMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<K, V>::deserialize(d).map(|m| KeyMap(m.into_iter().collect()))
    }
}

impl<K: JsonSchema, V: JsonSchema> JsonSchema for KeyMap<K, V> {
    fn inline_schema() -> bool {
        BTreeMap::<K, V>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        BTreeMap::<K, V>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        BTreeMap::<K, V>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        BTreeMap::<K, V>::json_schema(generator)
    }
}

/// A complete, versioned rule set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "clientseg rule set", extend("$id" = "https://clientseg.dev/schema/ruleset.schema.json"))]
pub struct RuleSet {
    /// Must be 1.
    pub schema_version: u32,
    /// Stable identifier of the rule set, e.g. `internet-branch`.
    pub id: String,
    /// Version of this rule set, e.g. `2026.11.1`; shown in every decision.
    pub version: String,
    pub name: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Names>,
    /// Time zone used for dates without an offset, quiet hours and local days.
    /// A fixed offset (`+08:00`) or a zone without daylight saving (`Asia/Shanghai`). Default `+08:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Every client field the rules may read. Reading an undeclared field is an error.
    pub fields: Vec<Field>,
    /// Declared event types that may appear in a client's `events` history.
    #[serde(default)]
    pub events: Vec<EventType>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Priority-ordered: the first matching layer is the client's primary layer.
    #[serde(default)]
    pub layers: Vec<Layer>,
    /// The layer a client gets when no other layer matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_layer: Option<String>,
    /// The programmes that actions belong to (new-client welcome, churn win-back, ...).
    #[serde(default)]
    pub sops: Vec<Sop>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<Holdout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_policy: Option<ContactPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suitability: Option<Suitability>,
}

/// A display name in Chinese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

impl Names {
    /// Both texts are empty (a name or text that was not produced).
    pub fn is_empty(&self) -> bool {
        self.zh.is_empty() && self.en.is_empty()
    }
}

/// A client field the rule set reads: its type, unit, sensitivity and the purpose it is read for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Field {
    /// The key in a client record, e.g. `aum`.
    pub id: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// For `enum`: the allowed values in ascending order (`C1` … `C5`), so they can be compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// Unit of a number, e.g. `CNY`, `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Sensitive personal information under PIPL (financial accounts, assets): shown in the privacy manifest.
    #[serde(default)]
    pub sensitive: bool,
    /// Why the rules read this field (data minimisation): shown in the privacy manifest.
    pub purpose: String,
    /// A record without this field is rejected instead of treating it as missing (null).
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Names>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    #[default]
    Number,
    Integer,
    String,
    Boolean,
    /// RFC 3339 / ISO 8601 text; without an offset it is local time in the rule set's time zone.
    Datetime,
    /// An ordered enumeration such as C1–C5 (declare `values`).
    Enum,
    /// A list of strings, e.g. product categories held.
    List,
}

impl FieldType {
    pub const ALL: [FieldType; 7] = [
        FieldType::Number,
        FieldType::Integer,
        FieldType::String,
        FieldType::Boolean,
        FieldType::Datetime,
        FieldType::Enum,
        FieldType::List,
    ];

    /// The name in a rule document (`"number"`, `"datetime"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Number => "number",
            FieldType::Integer => "integer",
            FieldType::String => "string",
            FieldType::Boolean => "boolean",
            FieldType::Datetime => "datetime",
            FieldType::Enum => "enum",
            FieldType::List => "list",
        }
    }
}

/// A declared event type and the properties rules may read from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EventType {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Names>,
    /// Properties an event of this type may carry besides `type` and `at`, with their types.
    #[serde(default)]
    pub properties: KeyMap<String, PropType>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PropType {
    #[default]
    Number,
    String,
    Boolean,
}

/// A boolean tag (`when`) or a multi-tier tag (`tiers`, the first matching tier wins).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Tag {
    pub id: String,
    pub name: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Names>,
    /// The condition of a boolean tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
    /// The tiers of a multi-tier tag, tried in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Tier {
    pub id: String,
    pub name: Names,
    pub when: Logic,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Layer {
    pub id: String,
    pub name: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Names>,
    /// Required for every layer except the default layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
}

/// A programme of actions (SOP) such as new-client welcome or churn win-back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sop {
    pub id: String,
    pub name: Names,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Push,
    Sms,
    Wecom,
    OutboundCall,
    AdvisorAssignment,
    InApp,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Push,
        Channel::Sms,
        Channel::Wecom,
        Channel::OutboundCall,
        Channel::AdvisorAssignment,
        Channel::InApp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Push => "push",
            Channel::Sms => "sms",
            Channel::Wecom => "wecom",
            Channel::OutboundCall => "outbound_call",
            Channel::AdvisorAssignment => "advisor_assignment",
            Channel::InApp => "in_app",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    #[default]
    Benefit,
    Education,
    Product,
    Service,
}

/// A next-best action candidate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Action {
    pub id: String,
    pub name: Names,
    /// The SOP this action belongs to (id from `sops`).
    pub sop: String,
    pub channel: Channel,
    pub content: ContentKind,
    /// Eligibility; absent means always eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
    /// Fixed rank value (higher first). Give `priority` or `score`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// Arbitration score = propensity × context weight × value × lever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// Product risk R1–R5 (required when `content` is `product`): checked against suitability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_risk: Option<String>,
    /// Days after a contact with this action during which it is not repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_days: Option<f64>,
    /// Uses the client's personal characteristics; needs personalisation consent.
    #[serde(default)]
    pub personalised: bool,
    /// A non-personalised action (id) offered instead when the client has opted out of personalisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Event types (ids from `events`) that trigger this action; it is considered only in a
    /// decision made for one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
}

/// Each component is a number or a JsonLogic expression evaluated for the client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Score {
    pub propensity: Logic,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_weight: Option<Logic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Logic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<Logic>,
}

/// Control groups: per SOP, a share of clients (chosen by a stable hash of the client id) that
/// gets no action of that SOP, so the SOP's uplift can be measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Holdout {
    /// Changing the salt draws a new control group.
    pub salt: String,
    /// SOP id → share of clients held out (0 to 0.5).
    pub sops: KeyMap<String, f64>,
}

/// Marketing consent: per channel, a boolean client field (or `true` for channels that need no
/// consent, such as in-app service messages). Channels not listed are denied.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Consent {
    pub channels: KeyMap<Channel, ConsentSource>,
    /// Boolean field: the client accepts personalised recommendations (PIPL art. 24).
    /// Without it every client is treated as opted out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personalisation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConsentSource {
    /// `true`: always allowed; `false`: never.
    Fixed(bool),
    /// The id of a boolean field; missing or false means no consent.
    Field(String),
}

impl Default for ConsentSource {
    fn default() -> Self {
        ConsentSource::Fixed(false)
    }
}

/// Contact pressure rules: caps, quiet hours, suppression after rejections, top-k.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactPolicy {
    /// Per-channel caps.
    #[serde(default)]
    pub channels: KeyMap<Channel, Cap>,
    /// A cap over all channels together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<Cap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// At most this many actions per decision (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_actions_per_decision: Option<u32>,
}

/// At most `max` contacts within the last `windowDays` days (contacts chosen in the same decision count).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cap {
    pub max: u32,
    pub window_days: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QuietHours {
    /// Local time `HH:MM` when quiet hours begin (may be after `end`: the window crosses midnight).
    pub start: String,
    /// Local time `HH:MM` when quiet hours end.
    pub end: String,
    pub mode: QuietMode,
    /// Channels the quiet hours apply to (default: every channel except `in_app`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuietMode {
    /// The action is not taken.
    #[default]
    Drop,
    /// The action is chosen but scheduled for the end of the quiet window.
    Defer,
}

/// After `rejections` rejected contacts within `windowDays`, pause for `pauseDays`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Suppression {
    pub rejections: u32,
    pub window_days: f64,
    pub pause_days: f64,
    /// What a rejection pauses: the same action (default), its SOP, its channel, or all contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<SuppressionScope>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionScope {
    #[default]
    Action,
    Sop,
    Channel,
    All,
}

/// Investor suitability: which product risks each investor class may be actively recommended.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Suitability {
    /// An `enum` field holding the client's class, lowest first (C1 … C5).
    pub investor_class_field: String,
    /// A `datetime` field: when the client's risk assessment was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_at_field: Option<String>,
    /// An assessment older than this blocks product recommendations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_days: Option<f64>,
    /// Product risk levels, lowest first (default R1 … R5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_risks: Option<Vec<String>>,
    /// Class → highest product risk it may be recommended. Default: the CSRC matching
    /// (C1→R1, C2→R2, C3→R3, C4→R4, C5→R5). The lowest class may only be matched to the lowest risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_product_risk: Option<KeyMap<String, String>>,
}
