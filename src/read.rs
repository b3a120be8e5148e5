//! Reads a structurally checked document ([`crate::structure`]) into the wire types: the rule set
//! ([`crate::schema`]) and the simulation assumptions ([`crate::simulate::assumptions`]).
//!
//! The result is what `serde_json::from_value` gives (a test compares the two on every rule set in
//! the repository). It is written by hand because serde's `Value` deserializer, instantiated for
//! every wire type, was a seventh of the `.wasm`; these few small functions replace it. It borrows
//! the document, so only the strings and JsonLogic expressions it keeps are copied.
//!
//! The structural check runs first and reports every problem with its path, so the errors here are
//! a backstop: they name the key and what was expected, no more.

use crate::schema::{
    Action, Cap, Channel, Consent, ConsentSource, ContactPolicy, ContentKind, EventType, Field, FieldType, Holdout,
    KeyMap, Layer, Names, PropType, QuietHours, QuietMode, RuleSet, Score, Sop, Suitability, Suppression,
    SuppressionScope, Tag, Tier,
};
use crate::simulate::assumptions::{Assumptions, Breakpoint, BreakpointKind, Incentives, default_currency};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, String>;

/// The rule set in a checked document.
///
/// # Errors
/// The first key whose value is not what the wire types expect.
pub fn rule_set(doc: &Value) -> Result<RuleSet> {
    read_doc(doc)
}

/// The simulation assumptions in a checked document.
///
/// # Errors
/// The first key whose value is not what the wire types expect.
pub fn assumptions(doc: &Value) -> Result<Assumptions> {
    read_doc(doc)
}

fn read_doc<T: Read>(doc: &Value) -> Result<T> {
    let mut first = First(None);
    let out = T::read(doc, &mut first);
    match first.0 {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The first problem met, with the keys that lead to it. Readers note a problem here and go on
/// with a default value (the result is then thrown away): no early return means no cleanup code
/// for every partly read struct, which made this reader several times larger.
struct First(Option<String>);

impl First {
    fn note(&mut self, problem: impl FnOnce() -> String) {
        if self.0.is_none() {
            self.0 = Some(problem());
        }
    }

    fn expected<T: Default>(&mut self, what: &str) -> T {
        self.note(|| format!("invalid type: expected {what}"));
        T::default()
    }

    /// `T` read from `v`; a problem found in it is prefixed with `key`.
    fn within<T: Read>(&mut self, key: &str, v: &Value) -> T {
        let clean = self.0.is_none();
        let out = T::read(v, self);
        self.prefix(clean, key);
        out
    }

    /// Prefixes a problem noted since `clean` was taken with `key` (apart from [`First::within`],
    /// which is instantiated for every type read, so that this is not).
    #[inline(never)]
    fn prefix(&mut self, clean: bool, key: &str) {
        if clean && let Some(e) = &mut self.0 {
            *e = format!("`{key}`: {e}");
        }
    }
}

trait Read: Sized + Default {
    fn read(v: &Value, first: &mut First) -> Self;
}

/// The keys of one object.
struct Keys<'a>(Option<&'a Map<String, Value>>);

impl<'a> Keys<'a> {
    fn of(v: &'a Value, first: &mut First) -> Keys<'a> {
        match v {
            Value::Object(map) => Keys(Some(map)),
            _ => {
                first.note(|| "invalid type: expected an object".into());
                Keys(None)
            }
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.and_then(|m| m.get(key))
    }

    /// A required key.
    fn req<T: Read>(&self, first: &mut First, key: &str) -> T {
        match self.get(key) {
            Some(v) => first.within(key, v),
            None => {
                if self.0.is_some() {
                    first.note(|| format!("missing field `{key}`"));
                }
                T::default()
            }
        }
    }

    /// An optional key; `null` is absent too (as serde reads an `Option`).
    fn opt<T: Read>(&self, first: &mut First, key: &str) -> Option<T> {
        match self.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(first.within(key, v)),
        }
    }

    /// A key with a default (`#[serde(default)]`).
    fn or_default<T: Read>(&self, first: &mut First, key: &str) -> T {
        match self.get(key) {
            None => T::default(),
            Some(v) => first.within(key, v),
        }
    }
}

impl Read for String {
    fn read(v: &Value, first: &mut First) -> Self {
        match v {
            Value::String(s) => s.clone(),
            _ => first.expected("a string"),
        }
    }
}

impl Read for bool {
    fn read(v: &Value, first: &mut First) -> Self {
        match v {
            Value::Bool(b) => *b,
            _ => first.expected("a boolean"),
        }
    }
}

impl Read for f64 {
    fn read(v: &Value, first: &mut First) -> Self {
        match v.as_f64() {
            Some(x) => x,
            None => first.expected("a number"),
        }
    }
}

impl Read for u32 {
    fn read(v: &Value, first: &mut First) -> Self {
        match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => first.expected("u32"),
        }
    }
}

/// A JsonLogic expression: kept as it is.
impl Read for Value {
    fn read(v: &Value, _: &mut First) -> Self {
        v.clone()
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(v: &Value, first: &mut First) -> Self {
        let Value::Array(items) = v else {
            return first.expected("an array");
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(T::read(item, first));
        }
        out
    }
}

/// Map keys: strings as they are, or an enum's names.
trait Key: Ord + Sized + Default {
    fn key(k: &str, first: &mut First) -> Self;
}

impl Key for String {
    fn key(k: &str, _: &mut First) -> Self {
        k.to_owned()
    }
}

impl Key for Channel {
    fn key(k: &str, first: &mut First) -> Self {
        Channel::parse(k).unwrap_or_else(|| {
            first.note(|| format!("unknown variant `{k}`"));
            Channel::default()
        })
    }
}

/// A map's entries in key order: what both map types are made from.
fn entries<K: Key, V: Read>(v: &Value, first: &mut First) -> Vec<(K, V)> {
    let Some(map) = Keys::of(v, first).0 else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        out.push((K::key(k, first), first.within(k, v)));
    }
    out
}

impl<K: Key, V: Read> Read for KeyMap<K, V> {
    fn read(v: &Value, first: &mut First) -> Self {
        KeyMap::new(entries(v, first))
    }
}

impl<K: Key, V: Read> Read for BTreeMap<K, V> {
    fn read(v: &Value, first: &mut First) -> Self {
        entries(v, first).into_iter().collect()
    }
}

/// A unit enum from its name.
fn variant<T: Copy + Default>(v: &Value, first: &mut First, names: &[(&str, T)]) -> T {
    let Some(s) = v.as_str() else {
        return first.expected("a string");
    };
    match names.iter().find(|(name, _)| *name == s) {
        Some((_, x)) => *x,
        None => {
            first.note(|| format!("unknown variant `{s}`"));
            T::default()
        }
    }
}

impl Read for Channel {
    fn read(v: &Value, first: &mut First) -> Self {
        match v.as_str() {
            Some(s) => Channel::key(s, first),
            None => first.expected("a string"),
        }
    }
}

impl Read for FieldType {
    fn read(v: &Value, first: &mut First) -> Self {
        use FieldType::*;
        let names = [
            ("number", Number),
            ("integer", Integer),
            ("string", String),
            ("boolean", Boolean),
            ("datetime", Datetime),
            ("enum", Enum),
            ("list", List),
        ];
        variant(v, first, &names)
    }
}

impl Read for PropType {
    fn read(v: &Value, first: &mut First) -> Self {
        variant(v, first, &[("number", PropType::Number), ("string", PropType::String), ("boolean", PropType::Boolean)])
    }
}

impl Read for ContentKind {
    fn read(v: &Value, first: &mut First) -> Self {
        use ContentKind::*;
        variant(v, first, &[("benefit", Benefit), ("education", Education), ("product", Product), ("service", Service)])
    }
}

impl Read for QuietMode {
    fn read(v: &Value, first: &mut First) -> Self {
        variant(v, first, &[("drop", QuietMode::Drop), ("defer", QuietMode::Defer)])
    }
}

impl Read for SuppressionScope {
    fn read(v: &Value, first: &mut First) -> Self {
        use SuppressionScope::*;
        variant(v, first, &[("action", Action), ("sop", Sop), ("channel", Channel), ("all", All)])
    }
}

impl Read for BreakpointKind {
    fn read(v: &Value, first: &mut First) -> Self {
        use BreakpointKind::*;
        variant(v, first, &[("lead", Lead), ("newClient", NewClient), ("longTail", LongTail)])
    }
}

/// `#[serde(untagged)]`: a boolean or a field id.
impl Read for ConsentSource {
    fn read(v: &Value, first: &mut First) -> Self {
        match v {
            Value::Bool(b) => ConsentSource::Fixed(*b),
            Value::String(s) => ConsentSource::Field(s.clone()),
            _ => {
                first.note(|| "data did not match any variant of untagged enum ConsentSource".into());
                ConsentSource::default()
            }
        }
    }
}

impl Read for RuleSet {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        RuleSet {
            schema_version: o.req(first, "schemaVersion"),
            id: o.req(first, "id"),
            version: o.req(first, "version"),
            name: o.req(first, "name"),
            description: o.opt(first, "description"),
            time_zone: o.opt(first, "timeZone"),
            fields: o.req(first, "fields"),
            events: o.or_default(first, "events"),
            tags: o.or_default(first, "tags"),
            layers: o.or_default(first, "layers"),
            default_layer: o.opt(first, "defaultLayer"),
            sops: o.or_default(first, "sops"),
            actions: o.or_default(first, "actions"),
            holdout: o.opt(first, "holdout"),
            consent: o.opt(first, "consent"),
            contact_policy: o.opt(first, "contactPolicy"),
            suitability: o.opt(first, "suitability"),
        }
    }
}

impl Read for Names {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Names { zh: o.req(first, "zh"), en: o.req(first, "en") }
    }
}

impl Read for Field {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Field {
            id: o.req(first, "id"),
            field_type: o.req(first, "type"),
            values: o.opt(first, "values"),
            unit: o.opt(first, "unit"),
            sensitive: o.or_default(first, "sensitive"),
            purpose: o.req(first, "purpose"),
            required: o.or_default(first, "required"),
            name: o.opt(first, "name"),
        }
    }
}

impl Read for EventType {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        EventType { id: o.req(first, "id"), name: o.opt(first, "name"), properties: o.or_default(first, "properties") }
    }
}

impl Read for Tag {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Tag {
            id: o.req(first, "id"),
            name: o.req(first, "name"),
            description: o.opt(first, "description"),
            when: o.opt(first, "when"),
            tiers: o.opt(first, "tiers"),
        }
    }
}

impl Read for Tier {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Tier { id: o.req(first, "id"), name: o.req(first, "name"), when: o.req(first, "when") }
    }
}

impl Read for Layer {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Layer {
            id: o.req(first, "id"),
            name: o.req(first, "name"),
            description: o.opt(first, "description"),
            when: o.opt(first, "when"),
        }
    }
}

impl Read for Sop {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Sop { id: o.req(first, "id"), name: o.req(first, "name") }
    }
}

impl Read for Action {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Action {
            id: o.req(first, "id"),
            name: o.req(first, "name"),
            sop: o.req(first, "sop"),
            channel: o.req(first, "channel"),
            content: o.req(first, "content"),
            when: o.opt(first, "when"),
            priority: o.opt(first, "priority"),
            score: o.opt(first, "score"),
            product_risk: o.opt(first, "productRisk"),
            cooldown_days: o.opt(first, "cooldownDays"),
            personalised: o.or_default(first, "personalised"),
            fallback: o.opt(first, "fallback"),
            triggers: o.opt(first, "triggers"),
        }
    }
}

impl Read for Score {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Score {
            propensity: o.req(first, "propensity"),
            context_weight: o.opt(first, "contextWeight"),
            value: o.opt(first, "value"),
            lever: o.opt(first, "lever"),
        }
    }
}

impl Read for Holdout {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Holdout { salt: o.req(first, "salt"), sops: o.req(first, "sops") }
    }
}

impl Read for Consent {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Consent { channels: o.req(first, "channels"), personalisation: o.opt(first, "personalisation") }
    }
}

impl Read for ContactPolicy {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        ContactPolicy {
            channels: o.or_default(first, "channels"),
            global: o.opt(first, "global"),
            quiet_hours: o.opt(first, "quietHours"),
            suppression: o.opt(first, "suppression"),
            max_actions_per_decision: o.opt(first, "maxActionsPerDecision"),
        }
    }
}

impl Read for Cap {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Cap { max: o.req(first, "max"), window_days: o.req(first, "windowDays") }
    }
}

impl Read for QuietHours {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        QuietHours {
            start: o.req(first, "start"),
            end: o.req(first, "end"),
            mode: o.req(first, "mode"),
            channels: o.opt(first, "channels"),
        }
    }
}

impl Read for Suppression {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Suppression {
            rejections: o.req(first, "rejections"),
            window_days: o.req(first, "windowDays"),
            pause_days: o.req(first, "pauseDays"),
            scope: o.opt(first, "scope"),
        }
    }
}

impl Read for Suitability {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Suitability {
            investor_class_field: o.req(first, "investorClassField"),
            assessed_at_field: o.opt(first, "assessedAtField"),
            validity_days: o.opt(first, "validityDays"),
            product_risks: o.opt(first, "productRisks"),
            max_product_risk: o.opt(first, "maxProductRisk"),
        }
    }
}

impl Read for Assumptions {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Assumptions {
            description: o.or_default(first, "description"),
            horizon_days: o.req(first, "horizonDays"),
            currency: if o.get("currency").is_some() { o.req(first, "currency") } else { default_currency() },
            breakpoints: o.req(first, "breakpoints"),
            uplift_by_channel: o.or_default(first, "upliftByChannel"),
            uplift_by_action: o.or_default(first, "upliftByAction"),
            execution_share: o.req(first, "executionShare"),
            incentives: o.req(first, "incentives"),
            capacity_per_day: o.or_default(first, "capacityPerDay"),
        }
    }
}

impl Read for Breakpoint {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Breakpoint {
            tag: o.req(first, "tag"),
            tier: o.opt(first, "tier"),
            name: o.req(first, "name"),
            kind: o.req(first, "kind"),
            baseline_rate: o.req(first, "baselineRate"),
            revenue_per_conversion: o.req(first, "revenuePerConversion"),
        }
    }
}

impl Read for Incentives {
    fn read(v: &Value, first: &mut First) -> Self {
        let o = Keys::of(v, first);
        Incentives {
            new_client_revenue_rate: o.req(first, "newClientRevenueRate"),
            long_tail_extra_revenue_rate: o.req(first, "longTailExtraRevenueRate"),
            per_lead_converted: o.req(first, "perLeadConverted"),
        }
    }
}

/// Every rule document and assumptions pack in the repository (fixtures inline theirs), with its
/// file name: for the tests of the readers and checks of documents.
#[cfg(test)]
pub(crate) fn repository_documents() -> Vec<(String, Value)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out = Vec::new();
    for dir in ["rules", "tests/fixtures"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let v = v.get("rules").filter(|r| r.is_object()).cloned().unwrap_or(v);
                out.push((path.display().to_string(), v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_reads() {
        let (mut rules, mut packs) = (0, 0);
        for (name, doc) in repository_documents() {
            if let Ok(want) = serde_json::from_value::<RuleSet>(doc.clone()) {
                let got = rule_set(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(format!("{got:?}"), format!("{want:?}"), "{name}");
                rules += 1;
            } else {
                // What serde rejects (unknown keys, wrong types), the structural check reports first.
                assert!(crate::parse::parse_value(doc.clone()).is_err(), "{name}");
            }
            if let Ok(want) = serde_json::from_value::<Assumptions>(doc.clone()) {
                assert_eq!(assumptions(&doc).unwrap(), want, "{name}");
                packs += 1;
            }
        }
        assert!(rules > 50 && packs >= 1, "{rules} rule sets, {packs} assumption packs");
    }

    #[test]
    fn defaults_and_nulls_as_serde() {
        let doc = serde_json::json!({
            "schemaVersion": 1, "id": "x", "version": "1", "name": {"zh": "", "en": ""},
            "fields": [{"id": "f", "type": "enum", "values": ["a"], "purpose": "p", "unit": null}],
            "tags": [{"id": "t", "name": {"zh": "", "en": ""}, "when": null,
                      "tiers": [{"id": "a", "name": {"zh": "", "en": ""}, "when": null}]}],
            "consent": {"channels": {"push": true, "sms": "f"}},
            "contactPolicy": {"channels": {"wecom": {"max": 1, "windowDays": 0.5}},
                              "suppression": {"rejections": 2, "windowDays": 7, "pauseDays": 3, "scope": "sop"}},
            "suitability": {"investorClassField": "f", "maxProductRisk": {"C1": "R1"}}
        });
        let want = serde_json::from_value::<RuleSet>(doc.clone()).unwrap();
        assert_eq!(format!("{:?}", rule_set(&doc).unwrap()), format!("{want:?}"));
        let pack = serde_json::json!({
            "horizonDays": 30, "executionShare": 0.3, "breakpoints": [],
            "incentives": {"newClientRevenueRate": 0.1, "longTailExtraRevenueRate": 0.2, "perLeadConverted": 5}
        });
        let want = serde_json::from_value::<Assumptions>(pack.clone()).unwrap();
        assert_eq!(assumptions(&pack).unwrap(), want);
        assert!(rule_set(&serde_json::json!({"schemaVersion": 1.5})).is_err());
    }
}
