//! Population summaries: decide every client of a population under one rule set and count
//! what happened — layer distribution, tag prevalence, chosen actions per SOP and channel,
//! every non-chosen candidate by reason, and clients left with no action.

use crate::engine::{Context, Engine};
use crate::evaluate::{Evaluation, Fate};
use crate::record::Record;
use crate::schema::Channel;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts over a population decided under one rule set. Maps are keyed by id, sorted.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub clients: u64,
    /// Primary layer → clients.
    pub primary_layers: BTreeMap<String, u64>,
    /// Tag (or `tag=tier`) → clients.
    pub tags: BTreeMap<String, u64>,
    /// SOP → chosen actions.
    pub actions_by_sop: BTreeMap<String, u64>,
    /// Channel → chosen actions.
    pub actions_by_channel: BTreeMap<String, u64>,
    /// Action → chosen.
    pub actions: BTreeMap<String, u64>,
    /// Reason code → candidates not chosen for it (excluding `condition_false`,
    /// `not_triggered` and `fallback_not_needed`, which are not suppressions).
    pub suppressions: BTreeMap<String, u64>,
    /// Chosen actions deferred by quiet hours.
    pub deferred: u64,
    pub clients_without_action: u64,
    /// SOP → clients in its control group who were eligible for one of its actions.
    pub control_group: BTreeMap<String, u64>,
}

impl Summary {
    /// Adds one decided client.
    pub fn add(&mut self, engine: &Engine, ev: &Evaluation) {
        self.clients += 1;
        let layer = ev.primary.map_or("(none)", |p| engine.layers[p as usize].id.as_str());
        *self.primary_layers.entry(layer.to_string()).or_default() += 1;
        for (i, &t) in ev.tags.iter().enumerate() {
            if t == 0 {
                continue;
            }
            let tag = &engine.tags[i];
            let key = match &tag.rule {
                crate::engine::TagRule::Tiers(tiers) => {
                    format!("{}={}", tag.id, tiers.get(t as usize - 1).map_or("?", |x| x.0.as_str()))
                }
                crate::engine::TagRule::Bool(_) => tag.id.clone(),
            };
            *self.tags.entry(key).or_default() += 1;
        }
        if ev.chosen.is_empty() {
            self.clients_without_action += 1;
        }
        for (i, fate) in ev.fates.iter().enumerate() {
            let a = &engine.actions[i];
            match fate {
                Fate::Chosen { deferred_until, .. } => {
                    *self.actions.entry(a.id.clone()).or_default() += 1;
                    let sop = &engine.sops[a.sop as usize].id;
                    *self.actions_by_sop.entry(sop.clone()).or_default() += 1;
                    *self.actions_by_channel.entry(a.channel.as_str().to_string()).or_default() += 1;
                    if deferred_until.is_some() {
                        self.deferred += 1;
                    }
                }
                Fate::ConditionFalse | Fate::NotTriggered | Fate::FallbackNotNeeded => {}
                Fate::ControlGroup => {
                    *self.suppressions.entry("control_group".into()).or_default() += 1;
                }
                other => *self.suppressions.entry(other.code().to_string()).or_default() += 1,
            }
        }
        for (s, held) in ev.held_out.iter().enumerate() {
            let eligible =
                engine.actions.iter().zip(&ev.fates).any(|(a, f)| a.sop as usize == s && *f == Fate::ControlGroup);
            if *held && eligible {
                *self.control_group.entry(engine.sops[s].id.clone()).or_default() += 1;
            }
        }
    }

    /// Channels in their fixed order with their counts (zero included), for reports.
    pub fn channel_rows(&self) -> Vec<(&'static str, u64)> {
        Channel::ALL
            .iter()
            .map(|c| (c.as_str(), self.actions_by_channel.get(c.as_str()).copied().unwrap_or(0)))
            .collect()
    }
}

impl Engine {
    /// Decides every record and summarises the population.
    pub fn summarise(&self, records: &[Record], ctx: &Context) -> Summary {
        let mut summary = Summary::default();
        let mut ev = Evaluation::default();
        for rec in records {
            self.evaluate(rec, ctx, &mut ev);
            summary.add(self, &ev);
        }
        summary
    }
}
