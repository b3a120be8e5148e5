//! Stage 4 — evaluate: record + context → tags → layers → next-best-action pipeline.
//!
//! The result is an [`Evaluation`]: indices and numbers only, reusable between clients so a
//! batch allocates nothing per client on the hot path. [`crate::decision`] turns it into the
//! readable [`crate::decision::Decision`].
//!
//! Pipeline per action: fallback-only? → trigger → condition → control group → suitability →
//! consent → personalisation → cooldown → suppression → (ranked) quiet hours → channel cap →
//! global cap → top-k.

use crate::engine::{ActionDef, ConsentDef, Context, Engine, RankRule, TagRule};
use crate::logic::eval::{Cx, Frame, eval_bool, eval_num};
use crate::logic::ir::Expr;
use crate::logic::value::Val;
use crate::record::{FieldVal, Outcome, Record};
use crate::schema::{Channel, ContentKind, QuietMode, SuppressionScope};
use crate::time;

/// Why a suitability check blocked a product recommendation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SuitabilityBlock {
    /// The client has no investor class.
    NotAssessed,
    /// The risk assessment is older than its validity (holds the assessment time).
    Expired(i64),
    /// Product risk rank above the highest the class may be recommended: (class index, max rank).
    AboveTolerance(u16, u16),
}

/// What happened to one action candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fate {
    /// Chosen at `rank` (0 = best) with `score`; `deferred_until` when quiet hours defer it.
    Chosen {
        rank: u16,
        score: f64,
        deferred_until: Option<i64>,
    },
    /// This action is a non-personalised fallback and its personalised action was not blocked
    /// by a personalisation opt-out.
    FallbackNotNeeded,
    NotTriggered,
    ConditionFalse,
    ControlGroup,
    Suitability(SuitabilityBlock),
    Consent,
    /// The client opted out of personalised recommendations; the fallback (if any) is offered.
    PersonalisationOff,
    Cooldown {
        until: i64,
    },
    Suppressed {
        until: i64,
    },
    QuietHours,
    ChannelCap {
        used: u32,
        max: u32,
    },
    GlobalCap {
        used: u32,
        max: u32,
    },
    Outranked {
        score: f64,
    },
}

impl Fate {
    /// Stable snake_case reason code.
    pub fn code(&self) -> &'static str {
        Fate::CODES[self.index()]
    }

    /// Position of [`Fate::code`] in [`Fate::CODES`].
    pub fn index(&self) -> usize {
        match self {
            Fate::Chosen { .. } => 0,
            Fate::FallbackNotNeeded => 1,
            Fate::NotTriggered => 2,
            Fate::ConditionFalse => 3,
            Fate::ControlGroup => 4,
            Fate::Suitability(_) => 5,
            Fate::Consent => 6,
            Fate::PersonalisationOff => 7,
            Fate::Cooldown { .. } => 8,
            Fate::Suppressed { .. } => 9,
            Fate::QuietHours => 10,
            Fate::ChannelCap { .. } => 11,
            Fate::GlobalCap { .. } => 12,
            Fate::Outranked { .. } => 13,
        }
    }

    pub const CODES: [&'static str; 14] = [
        "chosen",
        "fallback_not_needed",
        "not_triggered",
        "condition_false",
        "control_group",
        "suitability",
        "consent",
        "personalisation_off",
        "cooldown",
        "suppressed",
        "quiet_hours",
        "channel_cap",
        "global_cap",
        "outranked",
    ];
}

/// The compact result of deciding one client; reuse it across clients.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Per tag: 0 not set; boolean tag 1 = set; multi-tier tag k = tier k-1.
    pub tags: Vec<u16>,
    /// Per layer: its condition matched.
    pub layers: Vec<bool>,
    pub primary: Option<u16>,
    /// Per action.
    pub fates: Vec<Fate>,
    /// Chosen actions in rank order.
    pub chosen: Vec<u16>,
    /// Per SOP: whether the client is in its control group — drawn only when one of the SOP's
    /// actions reached the control-group gate (`None` otherwise).
    pub held_out: Vec<Option<bool>>,
    candidates: Vec<(u16, f64)>,
    fallback_offered: Vec<u16>,
    base: Vec<Fate>,
    eligible: Vec<u16>,
}

/// The action may run in a decision made for `event` (actions without triggers always may).
fn triggered(a: &ActionDef, event: Option<u16>) -> bool {
    a.triggers.is_empty() || event.is_some_and(|e| a.triggers.contains(&e))
}

impl Engine {
    fn cx<'a>(&'a self, rec: &'a Record, now: i64, tags: &'a [u16], layers: &'a [bool]) -> Cx<'a> {
        Cx { rec, enums: &self.enums, now, tz: self.tz, tags, tiers: &self.tiers, layers }
    }

    /// Evaluates a condition to a boolean.
    pub(crate) fn holds(&self, e: &Expr, rec: &Record, now: i64, tags: &[u16], layers: &[bool]) -> bool {
        eval_bool(e, &self.cx(rec, now, tags, layers), &Frame::Data(Val::Null))
    }

    /// Decides one client into `out` (tags, layers, every action's fate).
    pub fn evaluate(&self, rec: &Record, ctx: &Context, out: &mut Evaluation) {
        let now = ctx.now;
        out.tags.clear();
        out.tags.resize(self.tags.len(), 0);
        for &t in &self.tag_order {
            let v = match &self.tags[t as usize].rule {
                TagRule::Bool(e) => u16::from(self.holds(e, rec, now, &out.tags, &[])),
                TagRule::Tiers(tiers) => tiers
                    .iter()
                    .position(|(_, _, e)| self.holds(e, rec, now, &out.tags, &[]))
                    .map_or(0, |i| i as u16 + 1),
            };
            out.tags[t as usize] = v;
        }
        out.layers.clear();
        out.layers.resize(self.layers.len(), false);
        for &l in &self.layer_order {
            let m =
                self.layers[l as usize].when.as_ref().is_some_and(|w| self.holds(w, rec, now, &out.tags, &out.layers));
            out.layers[l as usize] = m;
        }
        out.primary = out.layers.iter().position(|m| *m).map(|i| i as u16).or(self.default_layer);
        let mut base = std::mem::take(&mut out.base);
        let mut eligible = std::mem::take(&mut out.eligible);
        self.base_fates(ctx, &mut base);
        eligible.clear();
        eligible.extend(
            (0..self.actions.len() as u16)
                .filter(|&i| base[i as usize] == Fate::ConditionFalse && self.action_condition(i, rec, now, out)),
        );
        self.choose_actions(rec, ctx, out, &base, &eligible);
        out.base = base;
        out.eligible = eligible;
    }

    /// The fate of every action that fails its trigger or condition (or is a fallback), which
    /// depends only on the context: the starting point of each decision. An action whose fate
    /// here is `ConditionFalse` is decided by its condition.
    pub(crate) fn base_fates(&self, ctx: &Context, out: &mut Vec<Fate>) {
        let event = ctx.event.as_deref().and_then(|e| self.event_slots.get(e));
        out.clear();
        out.extend(self.actions.iter().map(|a| {
            if a.is_fallback {
                Fate::FallbackNotNeeded
            } else if !triggered(a, event) {
                Fate::NotTriggered
            } else {
                Fate::ConditionFalse
            }
        }));
    }

    /// An action's `when` for one client (absent = always).
    pub(crate) fn action_condition(&self, i: u16, rec: &Record, now: i64, out: &Evaluation) -> bool {
        self.actions[i as usize].when.as_ref().is_none_or(|w| self.holds(w, rec, now, &out.tags, &out.layers))
    }

    /// The action pipeline after tags and layers: `base` from [`Engine::base_fates`], and the
    /// (non-fallback, triggered) actions whose condition holds, in declaration order — evaluated
    /// for one client, or read from a block evaluation.
    pub(crate) fn choose_actions(
        &self,
        rec: &Record,
        ctx: &Context,
        out: &mut Evaluation,
        base: &[Fate],
        eligible: &[u16],
    ) {
        let now = ctx.now;
        out.fates.clear();
        out.fates.extend_from_slice(base);
        out.held_out.clear();
        out.held_out.resize(self.sops.len(), None);
        out.candidates.clear();
        out.chosen.clear();
        out.fallback_offered.clear();
        for &i in eligible {
            let a = &self.actions[i as usize];
            let fate = self.gate(i, rec, now, out);
            // A fallback shared by several opted-out actions is offered (and ranked) once.
            if fate == Some(Fate::PersonalisationOff)
                && let Some(fb) = a.fallback
                && !out.fallback_offered.contains(&fb)
            {
                out.fallback_offered.push(fb);
                let event = ctx.event.as_deref().and_then(|e| self.event_slots.get(e));
                let fb_fate = if !triggered(&self.actions[fb as usize], event) {
                    Some(Fate::NotTriggered)
                } else if !self.action_condition(fb, rec, now, out) {
                    Some(Fate::ConditionFalse)
                } else {
                    self.gate(fb, rec, now, out)
                };
                self.settle(fb, fb_fate, rec, now, out);
            }
            self.settle(i, fate, rec, now, out);
        }
        // Rank: score descending, then declaration order.
        crate::sort::sort_hot_by(&mut out.candidates, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut per_channel = [0u32; 6];
        let mut total = 0u32;
        let p = &self.policy;
        for k in 0..out.candidates.len() {
            let (i, score) = out.candidates[k];
            let a = &self.actions[i as usize];
            let ch = a.channel.index();
            let quiet = p.quiet.as_ref().filter(|q| q.channels[ch] && in_quiet(now, self.tz, q.start, q.end));
            let fate = if quiet.is_some_and(|q| q.mode == QuietMode::Drop) {
                Fate::QuietHours
            } else if let Some(cap) = p.caps[ch]
                && let used = count_contacts(rec, now, cap.window_ms, Some(a.channel)) + per_channel[ch]
                && used >= cap.max
            {
                Fate::ChannelCap { used, max: cap.max }
            } else if let Some(cap) = p.global
                && let used = count_contacts(rec, now, cap.window_ms, None) + total
                && used >= cap.max
            {
                Fate::GlobalCap { used, max: cap.max }
            } else if out.chosen.len() as u32 >= p.max_actions {
                Fate::Outranked { score }
            } else {
                per_channel[ch] += 1;
                total += 1;
                let deferred_until = quiet.map(|q| quiet_end(now, self.tz, q.end));
                out.chosen.push(i);
                Fate::Chosen { rank: out.chosen.len() as u16 - 1, score, deferred_until }
            };
            out.fates[i as usize] = fate;
        }
    }

    /// Records a gate result: a pass becomes a ranked candidate.
    fn settle(&self, i: u16, fate: Option<Fate>, rec: &Record, now: i64, out: &mut Evaluation) {
        match fate {
            Some(f) => out.fates[i as usize] = f,
            None => {
                let score = self.score(&self.actions[i as usize], rec, now, out);
                out.candidates.push((i, score));
            }
        }
    }

    fn score(&self, a: &ActionDef, rec: &Record, now: i64, out: &Evaluation) -> f64 {
        match &a.rank {
            RankRule::Priority(p) => *p,
            RankRule::Score(parts) => parts
                .iter()
                .flatten()
                .map(|e| {
                    let n = eval_num(e, &self.cx(rec, now, &out.tags, &out.layers), &Frame::Data(Val::Null));
                    if n.is_finite() { n } else { 0.0 }
                })
                .product(),
        }
    }

    /// The gates after trigger and condition, before ranking. `None` = the action is a candidate.
    fn gate(&self, i: u16, rec: &Record, now: i64, out: &mut Evaluation) -> Option<Fate> {
        let a = &self.actions[i as usize];
        let sop = a.sop as usize;
        let held = match out.held_out.get(sop).copied().flatten() {
            Some(h) => h,
            None => {
                let h = self.in_control_group(sop, &rec.id);
                if let Some(slot) = out.held_out.get_mut(sop) {
                    *slot = Some(h);
                }
                h
            }
        };
        if held {
            return Some(Fate::ControlGroup);
        }
        if a.content == ContentKind::Product
            && let Some(block) = self.suitability_block(a, rec, now)
        {
            return Some(Fate::Suitability(block));
        }
        let consented = |c: ConsentDef| match c {
            ConsentDef::Allow => true,
            ConsentDef::Deny => false,
            ConsentDef::Field(slot) => matches!(rec.values.get(slot as usize), Some(FieldVal::Bool(true))),
        };
        if !consented(self.consent[a.channel.index()]) {
            return Some(Fate::Consent);
        }
        if a.personalised && !self.personalisation.is_some_and(|s| consented(ConsentDef::Field(s))) {
            return Some(Fate::PersonalisationOff);
        }
        if let Some(cd) = a.cooldown_ms
            && let Some(last) = rec.contacts.iter().rev().find(|c| c.at <= now && c.action == Some(i))
            && now < last.at.saturating_add(cd)
        {
            return Some(Fate::Cooldown { until: last.at.saturating_add(cd) });
        }
        if let Some(s) = self.policy.suppression {
            let from = now.saturating_sub(s.window_ms);
            let in_scope = |c: &crate::record::Contact| match s.scope {
                SuppressionScope::Action => c.action == Some(i),
                SuppressionScope::Sop => c.action.is_some_and(|x| self.actions[x as usize].sop == a.sop),
                SuppressionScope::Channel => c.channel == a.channel,
                SuppressionScope::All => true,
            };
            let mut count = 0;
            let mut latest = i64::MIN;
            for c in rec.contacts.iter().filter(|c| c.outcome == Outcome::Rejected && c.at > from && c.at <= now) {
                if in_scope(c) {
                    count += 1;
                    latest = latest.max(c.at);
                }
            }
            if s.rejections > 0 && count >= s.rejections && now < latest.saturating_add(s.pause_ms) {
                return Some(Fate::Suppressed { until: latest.saturating_add(s.pause_ms) });
            }
        }
        None
    }

    /// The client is in the SOP's control group (a stable draw from the client id).
    pub fn in_control_group(&self, sop: usize, client_id: &str) -> bool {
        self.sops
            .get(sop)
            .is_some_and(|s| s.holdout > 0.0 && crate::hash::holdout_draw_with(s.holdout_prefix, client_id) < s.holdout)
    }

    fn suitability_block(&self, a: &ActionDef, rec: &Record, now: i64) -> Option<SuitabilityBlock> {
        let Some(s) = &self.suitability else { return Some(SuitabilityBlock::NotAssessed) };
        let Some(FieldVal::Enum(class)) = rec.values.get(s.class_field as usize) else {
            return Some(SuitabilityBlock::NotAssessed);
        };
        if let (Some(f), Some(valid)) = (s.assessed_field, s.validity_ms) {
            match rec.values.get(f as usize) {
                Some(FieldVal::Time(at)) if now.saturating_sub(*at) > valid => {
                    return Some(SuitabilityBlock::Expired(*at));
                }
                Some(FieldVal::Time(_)) => {}
                // An assessment without a date cannot be shown to be current.
                _ => return Some(SuitabilityBlock::NotAssessed),
            }
        }
        let max = s.max_risk.get(*class as usize).copied().unwrap_or(0);
        match a.product_risk {
            Some(r) if r <= max => None,
            _ => Some(SuitabilityBlock::AboveTolerance(*class, max)),
        }
    }
}

/// Contacts in the window (now - window, now], on one channel or all.
fn count_contacts(rec: &Record, now: i64, window_ms: i64, channel: Option<Channel>) -> u32 {
    let from = now.saturating_sub(window_ms);
    rec.contacts.iter().filter(|c| c.at > from && c.at <= now && channel.is_none_or(|ch| c.channel == ch)).count()
        as u32
}

fn in_quiet(now: i64, tz: time::TimeZone, start: u32, end: u32) -> bool {
    let m = time::minute_of_day(now, tz);
    if start <= end { m >= start && m < end } else { m >= start || m < end }
}

/// The next local time at minute `end` after `now`.
fn quiet_end(now: i64, tz: time::TimeZone, end: u32) -> i64 {
    let day = time::start_of_local_day(now, tz);
    let t = day + i64::from(end) * time::MS_PER_MINUTE;
    if t > now { t } else { t + time::MS_PER_DAY }
}
