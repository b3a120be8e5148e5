//! Population summaries: decide every client of a population under one rule set and count
//! what happened — layer distribution, tag prevalence, chosen actions per SOP and channel,
//! every non-chosen candidate by reason, and clients left with no action.

pub mod assumptions;
pub mod compare;

pub use assumptions::Assumptions;
pub use compare::{MergeError, Progress, Report, SetupError, Side, Simulation};

use crate::engine::{Context, Engine};
use crate::evaluate::{Evaluation, Fate};
use crate::record::Record;
use crate::schema::Channel;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts over a population decided under one rule set. Maps are keyed by id, sorted.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
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

/// Counts by index while deciding (no allocation per client); [`Tally::summary`] names them.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    clients: u64,
    /// Per layer (last slot: no layer).
    primary: Vec<u64>,
    /// Per tag: per state (0 = unset, k = tier k-1 or set).
    tags: Vec<Vec<u64>>,
    /// Per action: per fate code index.
    fates: Vec<[u64; Fate::CODES.len()]>,
    deferred: u64,
    without_action: u64,
    control_group: Vec<u64>,
    /// Per SOP, reused per client: the client was held out of an action it was eligible for.
    held_eligible: Vec<bool>,
}

impl Tally {
    pub fn new(engine: &Engine) -> Tally {
        Tally {
            clients: 0,
            primary: vec![0; engine.layers.len() + 1],
            tags: engine
                .tags
                .iter()
                .map(|t| match &t.rule {
                    crate::engine::TagRule::Tiers(tiers) => vec![0; tiers.len() + 1],
                    crate::engine::TagRule::Bool(_) => vec![0; 2],
                })
                .collect(),
            fates: vec![[0; Fate::CODES.len()]; engine.actions.len()],
            deferred: 0,
            without_action: 0,
            control_group: vec![0; engine.sops.len()],
            held_eligible: vec![false; engine.sops.len()],
        }
    }

    /// Adds one decided client.
    pub fn add(&mut self, engine: &Engine, ev: &Evaluation) {
        self.clients += 1;
        let layer = ev.primary.map_or(engine.layers.len(), usize::from);
        self.primary[layer] += 1;
        for (counts, &t) in self.tags.iter_mut().zip(&ev.tags) {
            if let Some(c) = counts.get_mut(t as usize) {
                *c += 1;
            }
        }
        if ev.chosen.is_empty() {
            self.without_action += 1;
        }
        self.held_eligible.iter_mut().for_each(|h| *h = false);
        for (i, fate) in ev.fates.iter().enumerate() {
            self.fates[i][fate.index()] += 1;
            match fate {
                Fate::Chosen { deferred_until: Some(_), .. } => self.deferred += 1,
                Fate::ControlGroup => {
                    if let Some(h) = self.held_eligible.get_mut(engine.actions[i].sop as usize) {
                        *h = true;
                    }
                }
                _ => {}
            }
        }
        for (count, held) in self.control_group.iter_mut().zip(&self.held_eligible) {
            *count += u64::from(*held);
        }
    }

    /// The counts, keyed by id.
    pub fn summary(&self, engine: &Engine) -> Summary {
        let mut out = Summary { clients: self.clients, deferred: self.deferred, ..Summary::default() };
        out.clients_without_action = self.without_action;
        for (i, n) in self.primary.iter().enumerate().filter(|(_, n)| **n > 0) {
            let id = engine.layers.get(i).map_or("(none)", |l| l.id.as_str());
            out.primary_layers.insert(id.to_string(), *n);
        }
        for (tag, counts) in engine.tags.iter().zip(&self.tags) {
            for (state, n) in counts.iter().enumerate().skip(1).filter(|(_, n)| **n > 0) {
                let key = match &tag.rule {
                    crate::engine::TagRule::Tiers(tiers) => {
                        format!("{}={}", tag.id, tiers.get(state - 1).map_or("?", |x| x.0.as_str()))
                    }
                    crate::engine::TagRule::Bool(_) => tag.id.clone(),
                };
                out.tags.insert(key, *n);
            }
        }
        for (a, counts) in engine.actions.iter().zip(&self.fates) {
            for (code_i, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                match Fate::CODES[code_i] {
                    "chosen" => {
                        out.actions.insert(a.id.clone(), *n);
                        *out.actions_by_sop.entry(engine.sops[a.sop as usize].id.clone()).or_default() += n;
                        *out.actions_by_channel.entry(a.channel.as_str().to_string()).or_default() += n;
                    }
                    "condition_false" | "not_triggered" | "fallback_not_needed" => {}
                    code => *out.suppressions.entry(code.to_string()).or_default() += n,
                }
            }
        }
        for (sop, n) in engine.sops.iter().zip(&self.control_group).filter(|(_, n)| **n > 0) {
            out.control_group.insert(sop.id.clone(), *n);
        }
        out
    }
}

impl Summary {
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
        let mut tally = Tally::new(self);
        let mut scratch = crate::block::BlockScratch::default();
        self.evaluate_all(records, ctx, &mut scratch, |_, ev| tally.add(self, ev));
        tally.summary(self)
    }
}
