//! The assumptions of a what-if simulation: every number the projected funnel, revenue split,
//! incentives and workload rest on. They are an input, echoed on the report, never a constant in
//! code. The default pack's are in `rules/internet-branch.simulation.json`; their format is
//! `schema/simulation.schema.json`, generated from these types.

use crate::diagnostics::{Diagnostic, closest, join};
use crate::engine::{Engine, TagRule};
use crate::num::plain;
use crate::schema::{Channel, Names};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a simulation assumes about the world outside the rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Assumptions {
    /// Free text: where the numbers come from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The period the conversion rates and revenue refer to, in days (labels the report).
    pub horizon_days: u32,
    /// Currency of every amount (label only).
    #[serde(default = "default_currency")]
    pub currency: String,
    /// The funnel breakpoints, in funnel order. A client counts at the first one whose tag
    /// (or tag tier) it carries, so no client is counted twice.
    pub breakpoints: Vec<Breakpoint>,
    /// Added to a client's conversion probability for each chosen action on the channel
    /// (0.02 = two percentage points). Channels not listed add nothing.
    #[serde(default)]
    pub uplift_by_channel: BTreeMap<Channel, f64>,
    /// Per action id: replaces the channel's uplift for that action.
    #[serde(default)]
    pub uplift_by_action: BTreeMap<String, f64>,
    /// The internet branch's (承做, execution) operations-service share of the revenue of the
    /// clients it converts; the originating branch (承揽) keeps the rest.
    pub execution_share: f64,
    pub incentives: Incentives,
    /// Tasks per day the client managers (`advisor_assignment`) and the call centre
    /// (`outbound_call`) can handle.
    #[serde(default)]
    pub capacity_per_day: BTreeMap<Channel, u32>,
}

pub(crate) fn default_currency() -> String {
    "CNY".into()
}

/// One funnel breakpoint: the clients stuck at it and what converting one of them is worth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Breakpoint {
    /// The tag that marks clients at this breakpoint (it must exist in both rule sets).
    pub tag: String,
    /// For a multi-tier tag: the tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// What converting means here, e.g. 开户未入金 → 入金.
    pub name: Names,
    pub kind: BreakpointKind,
    /// Probability that a client at the breakpoint converts within the horizon with no action.
    pub baseline_rate: f64,
    /// Revenue a conversion brings within the horizon.
    pub revenue_per_conversion: f64,
}

/// Which incentive a breakpoint's conversions earn the internet branch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BreakpointKind {
    /// A lead becoming a client (account application, account opened).
    #[default]
    Lead,
    /// A new client's first deposit or first trade: new-client revenue.
    NewClient,
    /// A long-tail client reactivated or buying a product: extra long-tail revenue.
    LongTail,
}

/// The internet branch's incentives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Incentives {
    /// Share of projected new-client revenue.
    pub new_client_revenue_rate: f64,
    /// Share of the long-tail revenue above the no-action baseline.
    pub long_tail_extra_revenue_rate: f64,
    /// Amount per converted lead.
    pub per_lead_converted: f64,
}

/// The committed JSON Schema of the assumptions (`schema/simulation.schema.json`).
pub const JSON_SCHEMA: &str = include_str!("../../schema/simulation.schema.json");

/// The JSON Schema generated from the Rust types, as committed.
pub fn generate_json_schema() -> String {
    crate::parse::schema_text::<Assumptions>()
}

/// The schema as the structural check reads it: compacted at compile time ([`crate::compact`]).
fn schema_value() -> &'static Value {
    crate::compact::parsed_schema!(JSON_SCHEMA)
}

/// A breakpoint resolved against one rule set: tag index and the tag state that marks it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResolvedBreakpoint {
    pub tag: usize,
    /// The value of `Evaluation::tags[tag]` that marks the breakpoint (1 for a boolean tag,
    /// tier index + 1 for a tier); `None`: any tier.
    pub state: Option<u16>,
}

impl Assumptions {
    /// Parses assumptions JSON text; every structural problem is reported at once with its path.
    ///
    /// # Errors
    /// The diagnostics, when the text is not valid assumptions.
    pub fn parse(text: &str) -> Result<Assumptions, Vec<Diagnostic>> {
        let value = crate::json::parse(text).map_err(|e| vec![crate::parse::json_error(&e)])?;
        let diags = crate::structure::check(schema_value(), &value);
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        let a = crate::read::assumptions(&value).map_err(|e| vec![Diagnostic::error("invalid-assumptions", "", e)])?;
        let diags = a.check_numbers();
        if diags.is_empty() { Ok(a) } else { Err(diags) }
    }

    /// Rates within [0, 1], uplifts within [-1, 1], amounts finite and not negative.
    fn check_numbers(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut range = |path: String, v: f64, lo: f64, hi: f64, what: &str| {
            if !(lo..=hi).contains(&v) {
                out.push(Diagnostic::error(
                    "out-of-range",
                    path,
                    format!("{what} must be within {}..{}, found {}", plain(lo), plain(hi), plain(v)),
                ));
            }
        };
        for (i, b) in self.breakpoints.iter().enumerate() {
            let p = join("/breakpoints", i.to_string());
            range(join(&p, "baselineRate"), b.baseline_rate, 0.0, 1.0, "a conversion rate");
            range(join(&p, "revenuePerConversion"), b.revenue_per_conversion, 0.0, f64::MAX, "an amount");
        }
        for (c, v) in &self.uplift_by_channel {
            range(join("/upliftByChannel", c.as_str()), *v, -1.0, 1.0, "an uplift");
        }
        for (a, v) in &self.uplift_by_action {
            range(join("/upliftByAction", a), *v, -1.0, 1.0, "an uplift");
        }
        range("/executionShare".into(), self.execution_share, 0.0, 1.0, "a share");
        let i = &self.incentives;
        range("/incentives/newClientRevenueRate".into(), i.new_client_revenue_rate, 0.0, 1.0, "a rate");
        range("/incentives/longTailExtraRevenueRate".into(), i.long_tail_extra_revenue_rate, 0.0, 1.0, "a rate");
        range("/incentives/perLeadConverted".into(), i.per_lead_converted, 0.0, f64::MAX, "an amount");
        out
    }

    /// Resolves the breakpoints against one rule set. `side` names the
    /// rule set in messages ("published" or "draft").
    pub(crate) fn resolve(&self, engine: &Engine, side: &str) -> Result<Vec<ResolvedBreakpoint>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        let mut diags = Vec::new();
        for (i, b) in self.breakpoints.iter().enumerate() {
            let p = join("/breakpoints", i.to_string());
            let Some(tag) = engine.tags.iter().position(|t| t.id == b.tag) else {
                let mut d = Diagnostic::error(
                    "unknown-tag",
                    join(&p, "tag"),
                    format!("the {side} rule set has no tag `{}`", b.tag),
                );
                d.suggestion = closest(&b.tag, engine.tags.iter().map(|t| t.id.as_str())).map(|s| format!("`{s}`"));
                diags.push(d);
                continue;
            };
            let state = match (&engine.tags[tag].rule, &b.tier) {
                (TagRule::Bool(_), None) => Some(1),
                (TagRule::Bool(_), Some(_)) => {
                    diags.push(Diagnostic::error(
                        "not-a-tier-tag",
                        join(&p, "tier"),
                        format!("`{}` is a boolean tag in the {side} rule set; it has no tiers", b.tag),
                    ));
                    continue;
                }
                (TagRule::Tiers(_), None) => None,
                (TagRule::Tiers(tiers), Some(tier)) => match tiers.iter().position(|t| t.0 == *tier) {
                    Some(k) => Some(k as u16 + 1),
                    None => {
                        let mut d = Diagnostic::error(
                            "unknown-tier",
                            join(&p, "tier"),
                            format!("tag `{}` has no tier `{tier}` in the {side} rule set", b.tag),
                        );
                        d.suggestion = closest(tier, tiers.iter().map(|t| t.0.as_str())).map(|s| format!("`{s}`"));
                        diags.push(d);
                        continue;
                    }
                },
            };
            out.push(ResolvedBreakpoint { tag, state });
        }
        if diags.is_empty() { Ok(out) } else { Err(diags) }
    }

    /// Warnings for the per-action uplifts whose action neither rule set has (a typo: an action
    /// only one side has is expected in a draft).
    pub(crate) fn unknown_actions(&self, published: &Engine, draft: &Engine) -> Vec<Diagnostic> {
        let known = |id: &str| published.action_slots.contains_key(id) || draft.action_slots.contains_key(id);
        let all = published.actions.iter().chain(&draft.actions).map(|a| a.id.as_str());
        self.uplift_by_action
            .keys()
            .filter(|id| !known(id))
            .map(|id| {
                let mut d = Diagnostic::warning(
                    "unknown-action",
                    join("/upliftByAction", id),
                    format!("neither rule set has an action `{id}`; its uplift is not used"),
                );
                d.suggestion = closest(id, all.clone()).map(|s| format!("`{s}`"));
                d
            })
            .collect()
    }

    /// The conversion uplift of one chosen action.
    pub(crate) fn uplift(&self, action_id: &str, channel: Channel) -> f64 {
        self.uplift_by_action.get(action_id).or_else(|| self.uplift_by_channel.get(&channel)).copied().unwrap_or(0.0)
    }
}
