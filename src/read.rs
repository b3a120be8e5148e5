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
    Layer, Names, PropType, QuietHours, QuietMode, RuleSet, Score, Sop, Suitability, Suppression, SuppressionScope,
    Tag, Tier,
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
    RuleSet::read(doc)
}

/// The simulation assumptions in a checked document.
///
/// # Errors
/// The first key whose value is not what the wire types expect.
pub fn assumptions(doc: &Value) -> Result<Assumptions> {
    Assumptions::read(doc)
}

trait Read: Sized {
    fn read(v: &Value) -> Result<Self>;
}

fn expected<T>(what: &str) -> Result<T> {
    Err(format!("invalid type: expected {what}"))
}

/// The keys of one object.
struct Keys<'a>(&'a Map<String, Value>);

impl<'a> Keys<'a> {
    fn of(v: &'a Value) -> Result<Keys<'a>> {
        match v {
            Value::Object(map) => Ok(Keys(map)),
            _ => expected("an object"),
        }
    }

    /// A required key.
    fn req<T: Read>(&self, key: &str) -> Result<T> {
        match self.0.get(key) {
            Some(v) => T::read(v).map_err(|e| format!("`{key}`: {e}")),
            None => Err(format!("missing field `{key}`")),
        }
    }

    /// An optional key; `null` is absent too (as serde reads an `Option`).
    fn opt<T: Read>(&self, key: &str) -> Result<Option<T>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.req(key).map(Some),
        }
    }

    /// A key with a default (`#[serde(default)]`).
    fn or_default<T: Read + Default>(&self, key: &str) -> Result<T> {
        match self.0.get(key) {
            None => Ok(T::default()),
            Some(_) => self.req(key),
        }
    }
}

impl Read for String {
    fn read(v: &Value) -> Result<Self> {
        match v {
            Value::String(s) => Ok(s.clone()),
            _ => expected("a string"),
        }
    }
}

impl Read for bool {
    fn read(v: &Value) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(*b),
            _ => expected("a boolean"),
        }
    }
}

impl Read for f64 {
    fn read(v: &Value) -> Result<Self> {
        match v.as_f64() {
            Some(x) => Ok(x),
            None => expected("a number"),
        }
    }
}

impl Read for u32 {
    fn read(v: &Value) -> Result<Self> {
        match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Ok(n),
            None => expected("u32"),
        }
    }
}

/// A JsonLogic expression: kept as it is.
impl Read for Value {
    fn read(v: &Value) -> Result<Self> {
        Ok(v.clone())
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(v: &Value) -> Result<Self> {
        match v {
            Value::Array(items) => items.iter().map(T::read).collect(),
            _ => expected("an array"),
        }
    }
}

/// Map keys: strings as they are, or an enum's names.
trait Key: Ord + Sized {
    fn key(k: &str) -> Result<Self>;
}

impl Key for String {
    fn key(k: &str) -> Result<Self> {
        Ok(k.to_owned())
    }
}

impl Key for Channel {
    fn key(k: &str) -> Result<Self> {
        Channel::parse(k).map_or_else(|| Err(format!("unknown variant `{k}`")), Ok)
    }
}

impl<K: Key, V: Read> Read for BTreeMap<K, V> {
    fn read(v: &Value) -> Result<Self> {
        let mut out = BTreeMap::new();
        for (k, v) in Keys::of(v)?.0 {
            out.insert(K::key(k)?, V::read(v).map_err(|e| format!("`{k}`: {e}"))?);
        }
        Ok(out)
    }
}

/// A unit enum from its name.
fn variant<T: Copy>(v: &Value, names: &[(&str, T)]) -> Result<T> {
    let s = v.as_str().map_or_else(|| expected("a string"), Ok)?;
    match names.iter().find(|(name, _)| *name == s) {
        Some((_, x)) => Ok(*x),
        None => Err(format!("unknown variant `{s}`")),
    }
}

impl Read for Channel {
    fn read(v: &Value) -> Result<Self> {
        Channel::key(v.as_str().map_or_else(|| expected("a string"), Ok)?)
    }
}

impl Read for FieldType {
    fn read(v: &Value) -> Result<Self> {
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
        variant(v, &names)
    }
}

impl Read for PropType {
    fn read(v: &Value) -> Result<Self> {
        variant(v, &[("number", PropType::Number), ("string", PropType::String), ("boolean", PropType::Boolean)])
    }
}

impl Read for ContentKind {
    fn read(v: &Value) -> Result<Self> {
        use ContentKind::*;
        variant(v, &[("benefit", Benefit), ("education", Education), ("product", Product), ("service", Service)])
    }
}

impl Read for QuietMode {
    fn read(v: &Value) -> Result<Self> {
        variant(v, &[("drop", QuietMode::Drop), ("defer", QuietMode::Defer)])
    }
}

impl Read for SuppressionScope {
    fn read(v: &Value) -> Result<Self> {
        use SuppressionScope::*;
        variant(v, &[("action", Action), ("sop", Sop), ("channel", Channel), ("all", All)])
    }
}

impl Read for BreakpointKind {
    fn read(v: &Value) -> Result<Self> {
        use BreakpointKind::*;
        variant(v, &[("lead", Lead), ("newClient", NewClient), ("longTail", LongTail)])
    }
}

/// `#[serde(untagged)]`: a boolean or a field id.
impl Read for ConsentSource {
    fn read(v: &Value) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(ConsentSource::Fixed(*b)),
            Value::String(s) => Ok(ConsentSource::Field(s.clone())),
            _ => Err("data did not match any variant of untagged enum ConsentSource".into()),
        }
    }
}

impl Read for RuleSet {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(RuleSet {
            schema_version: o.req("schemaVersion")?,
            id: o.req("id")?,
            version: o.req("version")?,
            name: o.req("name")?,
            description: o.opt("description")?,
            time_zone: o.opt("timeZone")?,
            fields: o.req("fields")?,
            events: o.or_default("events")?,
            tags: o.or_default("tags")?,
            layers: o.or_default("layers")?,
            default_layer: o.opt("defaultLayer")?,
            sops: o.or_default("sops")?,
            actions: o.or_default("actions")?,
            holdout: o.opt("holdout")?,
            consent: o.opt("consent")?,
            contact_policy: o.opt("contactPolicy")?,
            suitability: o.opt("suitability")?,
        })
    }
}

impl Read for Names {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Names { zh: o.req("zh")?, en: o.req("en")? })
    }
}

impl Read for Field {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Field {
            id: o.req("id")?,
            field_type: o.req("type")?,
            values: o.opt("values")?,
            unit: o.opt("unit")?,
            sensitive: o.or_default("sensitive")?,
            purpose: o.req("purpose")?,
            required: o.or_default("required")?,
            name: o.opt("name")?,
        })
    }
}

impl Read for EventType {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(EventType { id: o.req("id")?, name: o.opt("name")?, properties: o.or_default("properties")? })
    }
}

impl Read for Tag {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Tag {
            id: o.req("id")?,
            name: o.req("name")?,
            description: o.opt("description")?,
            when: o.opt("when")?,
            tiers: o.opt("tiers")?,
        })
    }
}

impl Read for Tier {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Tier { id: o.req("id")?, name: o.req("name")?, when: o.req("when")? })
    }
}

impl Read for Layer {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Layer { id: o.req("id")?, name: o.req("name")?, description: o.opt("description")?, when: o.opt("when")? })
    }
}

impl Read for Sop {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Sop { id: o.req("id")?, name: o.req("name")? })
    }
}

impl Read for Action {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Action {
            id: o.req("id")?,
            name: o.req("name")?,
            sop: o.req("sop")?,
            channel: o.req("channel")?,
            content: o.req("content")?,
            when: o.opt("when")?,
            priority: o.opt("priority")?,
            score: o.opt("score")?,
            product_risk: o.opt("productRisk")?,
            cooldown_days: o.opt("cooldownDays")?,
            personalised: o.or_default("personalised")?,
            fallback: o.opt("fallback")?,
            triggers: o.opt("triggers")?,
        })
    }
}

impl Read for Score {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Score {
            propensity: o.req("propensity")?,
            context_weight: o.opt("contextWeight")?,
            value: o.opt("value")?,
            lever: o.opt("lever")?,
        })
    }
}

impl Read for Holdout {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Holdout { salt: o.req("salt")?, sops: o.req("sops")? })
    }
}

impl Read for Consent {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Consent { channels: o.req("channels")?, personalisation: o.opt("personalisation")? })
    }
}

impl Read for ContactPolicy {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(ContactPolicy {
            channels: o.or_default("channels")?,
            global: o.opt("global")?,
            quiet_hours: o.opt("quietHours")?,
            suppression: o.opt("suppression")?,
            max_actions_per_decision: o.opt("maxActionsPerDecision")?,
        })
    }
}

impl Read for Cap {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Cap { max: o.req("max")?, window_days: o.req("windowDays")? })
    }
}

impl Read for QuietHours {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(QuietHours {
            start: o.req("start")?,
            end: o.req("end")?,
            mode: o.req("mode")?,
            channels: o.opt("channels")?,
        })
    }
}

impl Read for Suppression {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Suppression {
            rejections: o.req("rejections")?,
            window_days: o.req("windowDays")?,
            pause_days: o.req("pauseDays")?,
            scope: o.opt("scope")?,
        })
    }
}

impl Read for Suitability {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Suitability {
            investor_class_field: o.req("investorClassField")?,
            assessed_at_field: o.opt("assessedAtField")?,
            validity_days: o.opt("validityDays")?,
            product_risks: o.opt("productRisks")?,
            max_product_risk: o.opt("maxProductRisk")?,
        })
    }
}

impl Read for Assumptions {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Assumptions {
            description: o.or_default("description")?,
            horizon_days: o.req("horizonDays")?,
            currency: if o.0.contains_key("currency") { o.req("currency")? } else { default_currency() },
            breakpoints: o.req("breakpoints")?,
            uplift_by_channel: o.or_default("upliftByChannel")?,
            uplift_by_action: o.or_default("upliftByAction")?,
            execution_share: o.req("executionShare")?,
            incentives: o.req("incentives")?,
            capacity_per_day: o.or_default("capacityPerDay")?,
        })
    }
}

impl Read for Breakpoint {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Breakpoint {
            tag: o.req("tag")?,
            tier: o.opt("tier")?,
            name: o.req("name")?,
            kind: o.req("kind")?,
            baseline_rate: o.req("baselineRate")?,
            revenue_per_conversion: o.req("revenuePerConversion")?,
        })
    }
}

impl Read for Incentives {
    fn read(v: &Value) -> Result<Self> {
        let o = Keys::of(v)?;
        Ok(Incentives {
            new_client_revenue_rate: o.req("newClientRevenueRate")?,
            long_tail_extra_revenue_rate: o.req("longTailExtraRevenueRate")?,
            per_lead_converted: o.req("perLeadConverted")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule document and assumptions pack in the repository (fixtures inline theirs).
    fn documents() -> Vec<(String, Value)> {
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

    #[test]
    fn reads_what_serde_reads() {
        let (mut rules, mut packs) = (0, 0);
        for (name, doc) in documents() {
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
