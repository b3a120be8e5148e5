//! The what-if simulation: one population decided under the published rule set (A) and a
//! draft (B), side by side, with the assumptions that turn decisions into a projected funnel,
//! revenue split, incentives and workload.
//!
//! Input arrives in chunks (the admin page feeds it from a Web Worker with a progress bar):
//! NDJSON or CSV bytes split anywhere, or ranges of the seeded synthetic population. Nothing is
//! kept per client: each chunk is read, decided under A and B, and counted. When A and B read
//! records the same way (same fields, events, action ids and time zone — the usual case for a
//! draft that changes thresholds) a record is read once and decided twice.

use super::Tally;
use super::assumptions::{Assumptions, BreakpointKind, ResolvedBreakpoint};
use crate::batch::text_lines;
use crate::block::BlockScratch;
use crate::client::RecordError;
use crate::csv::CsvHeader;
use crate::decision::RuleSetRef;
use crate::diagnostics::Diagnostic;
use crate::engine::{Context, Engine};
use crate::evaluate::{Evaluation, Fate};
use crate::record::Record;
use crate::schema::{Channel, Names};
use crate::synth::{self, PopulationSpec, RecordPlan};
use crate::time::{self, MS_PER_DAY};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

mod partial;
pub use partial::MergeError;

/// Records decided per step.
const CHUNK: usize = 4096;
/// Bad records listed on the report (all are counted).
const ERRORS_KEPT: usize = 100;
/// Contact-pressure histogram buckets: 0, 1, …, the last is "this many or more".
const PRESSURE_BUCKETS: usize = 11;
const WEEK_MS: i64 = 7 * MS_PER_DAY;

/// Which rule set of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Published,
    Draft,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Published => "published",
            Side::Draft => "draft",
        }
    }
}

/// Why a simulation cannot start: the assumptions do not fit one of the rule sets (each
/// diagnostic's message names the side, its path points into the assumptions).
#[derive(Debug, Clone, PartialEq)]
pub struct SetupError {
    pub diagnostics: Vec<Diagnostic>,
}

/// Totals so far, returned by every `add_*` call (`Simulation.add*` and `finish()` in JS).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(rename = "SimulationProgress")]
pub struct Progress {
    /// Clients decided.
    pub clients: u64,
    /// Records that could not be read.
    pub rejected: u64,
}

/// The report of a what-if simulation: every count for the published rule set (A) and the
/// draft (B), the transitions between them, and the assumptions they rest on.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SimulationReport")]
pub struct Report {
    pub clients: u64,
    pub rejected: u64,
    /// The first bad records, with their line numbers.
    pub errors: Vec<RecordError>,
    /// The decision instant (RFC 3339, in the published rule set's time zone).
    pub now: String,
    /// The assumptions the projections rest on, defaults filled in.
    #[schemars(with = "AssumptionsEcho")]
    pub assumptions: Assumptions,
    /// Warnings about the assumptions (e.g. an uplift for an action neither rule set has).
    pub warnings: Vec<Diagnostic>,
    pub published: SideReport,
    pub draft: SideReport,
    pub transitions: Transitions,
    pub clients_changing_layer: u64,
    pub clients_changing_actions: u64,
}

/// In the package's TypeScript declarations, the report's `assumptions` is the `Assumptions`
/// interface (the input's shape; on the report every default is filled in).
struct AssumptionsEcho;

impl JsonSchema for AssumptionsEcho {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AssumptionsEcho".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "x-ts-type": "Assumptions" })
    }
}

/// Primary layer under A (rows) → under B (columns); the last id of each is `(none)`.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[schemars(rename = "LayerTransitions")]
pub struct Transitions {
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub counts: Vec<Vec<u64>>,
}

/// Everything counted under one rule set.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SideReport {
    pub rule_set: RuleSetRef,
    #[serde(flatten)]
    pub summary: super::Summary,
    /// Day the action is scheduled (quiet hours may defer it) → channel → actions.
    pub actions_by_day: BTreeMap<String, BTreeMap<String, u64>>,
    pub contact_pressure: ContactPressure,
    pub workload: Vec<Workload>,
    pub funnel: Vec<FunnelStage>,
    pub revenue: Revenue,
}

/// Touches per client in the 7 days ending with this decision: past contacts plus the actions
/// chosen now.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactPressure {
    pub mean_per_client_week: f64,
    pub max_per_client_week: u64,
    /// Clients with 0, 1, 2, … touches; the last bucket counts that many or more.
    pub histogram: Vec<u64>,
}

/// Human work created on one day, against the declared capacity.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    pub day: String,
    pub channel: Channel,
    pub tasks: u64,
    /// `null` when the assumptions declare no capacity for the channel.
    pub capacity: Option<u32>,
    /// tasks / capacity; `null` without a capacity, or with a capacity of 0 (then any task is
    /// over capacity).
    pub utilisation: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunnelStage {
    pub tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    pub name: Names,
    pub kind: BreakpointKind,
    /// Clients at this breakpoint (and at no earlier one).
    pub clients: u64,
    pub baseline_rate: f64,
    /// Expected conversions with no action.
    pub baseline_conversions: f64,
    /// Expected conversions with the chosen actions' uplifts.
    pub projected_conversions: f64,
    pub projected_rate: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Revenue {
    /// Revenue of the expected conversions with no action.
    pub baseline: f64,
    pub projected: f64,
    pub incremental: f64,
    /// Kept by the originating branches (承揽).
    pub origination: f64,
    /// The internet branch's operations-service share (承做).
    pub execution: f64,
    pub incentives: IncentivesEarned,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IncentivesEarned {
    pub new_client: f64,
    pub long_tail: f64,
    pub lead_conversion: f64,
    pub total: f64,
}

/// A probability in fixed point: units of 2⁻⁵³, clamped to [0, 1]. A sum of a billion of them
/// fits a `u128` with room to spare, and the rounding (under 1.2e-16 per client) is far below
/// anything a report shows.
fn to_fixed(p: f64) -> u128 {
    (p.clamp(0.0, 1.0) * FIXED_ONE).round() as u128
}

fn from_fixed(sum: u128) -> f64 {
    sum as f64 / FIXED_ONE
}

const FIXED_ONE: f64 = (1u64 << 53) as f64;

/// Counts for one rule set beyond [`Tally`]'s.
#[derive(Debug, Clone)]
struct SideTally {
    tally: Tally,
    breakpoints: Vec<ResolvedBreakpoint>,
    /// Per action: conversion uplift when chosen.
    uplift: Vec<f64>,
    /// Per breakpoint: clients, Σ baseline probability, Σ projected probability; the sums in
    /// fixed point ([`to_fixed`]), so they are exact and do not depend on the order clients
    /// are added in: a population split between workers and merged gives the same report.
    funnel: Vec<(u64, u128, u128)>,
    /// (day number, channel index) → actions.
    by_day: BTreeMap<(i64, usize), u64>,
    pressure: [u64; PRESSURE_BUCKETS],
    touches: u64,
    max_touches: u64,
}

impl SideTally {
    fn new(engine: &Engine, assumptions: &Assumptions, breakpoints: Vec<ResolvedBreakpoint>) -> SideTally {
        SideTally {
            tally: Tally::new(engine),
            funnel: vec![(0, 0, 0); breakpoints.len()],
            breakpoints,
            uplift: engine.actions.iter().map(|a| assumptions.uplift(&a.id, a.channel)).collect(),
            by_day: BTreeMap::new(),
            pressure: [0; PRESSURE_BUCKETS],
            touches: 0,
            max_touches: 0,
        }
    }

    fn add(&mut self, engine: &Engine, assumptions: &Assumptions, rec: &Record, ev: &Evaluation, now: i64) {
        self.tally.add(engine, ev);
        let offset = i64::from(engine.tz.offset_minutes()) * time::MS_PER_MINUTE;
        for &a in &ev.chosen {
            let at = match ev.fates[a as usize] {
                Fate::Chosen { deferred_until: Some(t), .. } => t,
                _ => now,
            };
            let channel = engine.actions[a as usize].channel;
            let ci = Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0);
            *self.by_day.entry(((at + offset).div_euclid(MS_PER_DAY), ci)).or_default() += 1;
        }
        let past = rec.contacts.iter().filter(|c| c.at > now - WEEK_MS && c.at <= now).count() as u64;
        let touches = past + ev.chosen.len() as u64;
        self.touches += touches;
        self.max_touches = self.max_touches.max(touches);
        self.pressure[(touches as usize).min(PRESSURE_BUCKETS - 1)] += 1;
        let stage = self.breakpoints.iter().position(|b| {
            let t = ev.tags.get(b.tag).copied().unwrap_or(0);
            b.state.map_or(t != 0, |s| t == s)
        });
        if let Some(k) = stage {
            let base = assumptions.breakpoints[k].baseline_rate;
            let lift: f64 = ev.chosen.iter().map(|&a| self.uplift[a as usize]).sum();
            let f = &mut self.funnel[k];
            f.0 += 1;
            f.1 += to_fixed(base);
            f.2 += to_fixed(base + lift);
        }
    }

    fn report(&self, engine: &Engine, assumptions: &Assumptions) -> SideReport {
        let tz = engine.tz;
        let day = |d: i64| time::format_date(d * MS_PER_DAY - i64::from(tz.offset_minutes()) * time::MS_PER_MINUTE, tz);
        let mut actions_by_day: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (&(d, ci), &n) in &self.by_day {
            *actions_by_day.entry(day(d)).or_default().entry(Channel::ALL[ci].as_str().to_string()).or_default() += n;
        }
        let mut workload = Vec::new();
        for channel in [Channel::AdvisorAssignment, Channel::OutboundCall] {
            let ci = Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0);
            let capacity = assumptions.capacity_per_day.get(&channel).copied();
            for (&(d, c), &tasks) in &self.by_day {
                if c == ci {
                    workload.push(Workload {
                        day: day(d),
                        channel,
                        tasks,
                        capacity,
                        utilisation: capacity.filter(|&c| c > 0).map(|c| tasks as f64 / f64::from(c)),
                    });
                }
            }
        }
        let mut funnel = Vec::new();
        let (mut baseline, mut projected) = (0.0, 0.0);
        let (mut new_client, mut long_tail_extra, mut leads) = (0.0, 0.0, 0.0);
        for (b, &(clients, base, proj)) in assumptions.breakpoints.iter().zip(&self.funnel) {
            let (base, proj) = (from_fixed(base), from_fixed(proj));
            baseline += base * b.revenue_per_conversion;
            projected += proj * b.revenue_per_conversion;
            match b.kind {
                BreakpointKind::NewClient => new_client += proj * b.revenue_per_conversion,
                BreakpointKind::LongTail => long_tail_extra += (proj - base) * b.revenue_per_conversion,
                BreakpointKind::Lead => leads += proj,
            }
            funnel.push(FunnelStage {
                tag: b.tag.clone(),
                tier: b.tier.clone(),
                name: b.name.clone(),
                kind: b.kind,
                clients,
                baseline_rate: b.baseline_rate,
                baseline_conversions: base,
                projected_conversions: proj,
                projected_rate: if clients == 0 { 0.0 } else { proj / clients as f64 },
            });
        }
        let i = &assumptions.incentives;
        let incentives = IncentivesEarned {
            new_client: new_client * i.new_client_revenue_rate,
            long_tail: long_tail_extra.max(0.0) * i.long_tail_extra_revenue_rate,
            lead_conversion: leads * i.per_lead_converted,
            total: 0.0,
        };
        let execution = projected * assumptions.execution_share;
        let clients = self.tally.clients;
        SideReport {
            rule_set: RuleSetRef {
                id: engine.id.clone(),
                version: engine.version.clone(),
                content_hash: engine.content_hash.clone(),
            },
            summary: self.tally.summary(engine),
            actions_by_day,
            contact_pressure: ContactPressure {
                mean_per_client_week: if clients == 0 { 0.0 } else { self.touches as f64 / clients as f64 },
                max_per_client_week: self.max_touches,
                histogram: self.pressure.to_vec(),
            },
            workload,
            funnel,
            revenue: Revenue {
                baseline,
                projected,
                incremental: projected - baseline,
                origination: projected - execution,
                execution,
                incentives: IncentivesEarned {
                    total: incentives.new_client + incentives.long_tail + incentives.lead_conversion,
                    ..incentives
                },
            },
        }
    }
}

/// Where the records of a chunk come from (line number and text, or synthetic client index),
/// so B can read them again when it reads differently.
enum Source<'t> {
    Json(Vec<(usize, &'t str)>),
    Csv(Vec<(usize, &'t str)>),
    Synthetic(Vec<usize>),
}

/// An A/B simulation in progress.
pub struct Simulation {
    a: Engine,
    b: Engine,
    ctx: Context,
    assumptions: Assumptions,
    warnings: Vec<Diagnostic>,
    /// B reads records exactly as A does, so one read serves both.
    same_layout: bool,
    side_a: SideTally,
    side_b: SideTally,
    /// (A layers + none) × (B layers + none), row-major.
    transitions: Vec<u64>,
    changing_layer: u64,
    changing_actions: u64,
    progress: Progress,
    errors: Vec<RecordError>,
    /// Bytes after the last line break of the previous text chunk.
    pending: Vec<u8>,
    /// Lines consumed so far in the current text input (its line numbers).
    line: usize,
    /// Lines of text input decided in all (this simulation's and merged ones'), and how many of
    /// them are a header row given by [`Simulation::continue_csv`] rather than read: what a merge
    /// shifts the next part's line numbers by.
    text_lines: usize,
    borrowed_lines: usize,
    /// The text input is CSV (`Some(true)`) or NDJSON (`Some(false)`); `None` before any text.
    csv: Option<bool>,
    csv_header: Option<CsvHeader>,
    scratch: BlockScratch,
    /// How synthetic clients become A's and B's records.
    plan_a: RecordPlan,
    plan_b: RecordPlan,
    /// A's layer and action indices → B's for the same id (`None`: B has no such id).
    layer_a_to_b: Vec<Option<u16>>,
    action_a_to_b: Vec<Option<u16>>,
    /// Per record of the chunk, under A: its primary layer and where its chosen actions end in
    /// `chosen_a`.
    primary_a: Vec<(Option<u16>, usize)>,
    chosen_a: Vec<u16>,
}

impl Simulation {
    /// Starts a simulation of `draft` against `published` at `ctx.now`.
    ///
    /// # Errors
    /// [`SetupError`] when a breakpoint's tag or tier is missing from one of the rule sets.
    pub fn new(
        published: Engine,
        draft: Engine,
        ctx: Context,
        assumptions: Assumptions,
    ) -> Result<Simulation, SetupError> {
        let resolve = |engine: &Engine, side: Side| {
            assumptions.resolve(engine, side.as_str()).map_err(|diagnostics| SetupError { diagnostics })
        };
        let bp_a = resolve(&published, Side::Published)?;
        let bp_b = resolve(&draft, Side::Draft)?;
        let warnings = assumptions.unknown_actions(&published, &draft);
        let layer_a_to_b =
            published.layers.iter().map(|l| draft.layers.iter().position(|m| m.id == l.id).map(|i| i as u16)).collect();
        let action_a_to_b = published.actions.iter().map(|a| draft.action_slots.get(&a.id)).collect();
        Ok(Simulation {
            plan_a: RecordPlan::new(&published),
            plan_b: RecordPlan::new(&draft),
            side_a: SideTally::new(&published, &assumptions, bp_a),
            side_b: SideTally::new(&draft, &assumptions, bp_b),
            transitions: vec![0; (published.layers.len() + 1) * (draft.layers.len() + 1)],
            same_layout: published.reads_records_like(&draft),
            a: published,
            b: draft,
            ctx,
            assumptions,
            warnings,
            changing_layer: 0,
            changing_actions: 0,
            progress: Progress::default(),
            errors: Vec::new(),
            pending: Vec::new(),
            line: 0,
            text_lines: 0,
            borrowed_lines: 0,
            csv: None,
            csv_header: None,
            scratch: BlockScratch::default(),
            layer_a_to_b,
            action_a_to_b,
            primary_a: Vec::new(),
            chosen_a: Vec::new(),
        })
    }

    fn reject(&mut self, mut e: RecordError, line: Option<usize>, side: Side) {
        e.line = line;
        if side == Side::Draft {
            for d in &mut e.errors {
                d.message = format!("under the draft rule set: {}", d.message);
            }
        }
        self.progress.rejected += 1;
        if self.errors.len() < ERRORS_KEPT {
            self.errors.push(e);
        }
    }

    /// Adds NDJSON text; a chunk may end in the middle of a line (the rest waits for the next
    /// chunk or [`Simulation::finish`]).
    pub fn add_ndjson(&mut self, bytes: &[u8]) -> Progress {
        self.add_text(bytes, false)
    }

    /// Adds CSV text; the first chunk starts with the header row.
    pub fn add_csv(&mut self, bytes: &[u8]) -> Progress {
        self.add_text(bytes, true)
    }

    fn add_text(&mut self, bytes: &[u8], csv: bool) -> Progress {
        if self.csv.is_some_and(|c| c != csv) {
            self.finish();
        }
        self.csv = Some(csv);
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(bytes);
        let cut = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        self.pending = buf.split_off(cut);
        self.decide_lines(&buf, csv);
        self.progress
    }

    /// Ends the current text input: decides what is left (a last line without a line
    /// break). The next text input starts a new file: lines count from 1 again and CSV expects
    /// its header row. Switching between NDJSON and CSV finishes the previous input.
    pub fn finish(&mut self) -> Progress {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.decide_lines(&rest, self.csv.unwrap_or(false));
        }
        self.line = 0;
        self.csv = None;
        self.csv_header = None;
        self.progress
    }

    fn decide_lines(&mut self, buf: &[u8], csv: bool) {
        let mut lines = Vec::with_capacity(CHUNK);
        for (line_no, text) in text_lines(buf, self.line + 1) {
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    self.reject(e, Some(line_no), Side::Published);
                    continue;
                }
            };
            if csv && self.csv_header.is_none() {
                match CsvHeader::parse(text) {
                    Ok(h) => self.csv_header = Some(h),
                    Err(e) => self.reject(e, Some(line_no), Side::Published),
                }
                continue;
            }
            lines.push((line_no, text));
            if lines.len() == CHUNK {
                let chunk = std::mem::replace(&mut lines, Vec::with_capacity(CHUNK));
                self.decide_chunk(&if csv { Source::Csv(chunk) } else { Source::Json(chunk) }, 0);
            }
        }
        if !lines.is_empty() {
            self.decide_chunk(&if csv { Source::Csv(lines) } else { Source::Json(lines) }, 0);
        }
        let lines = buf.split_inclusive(|b| *b == b'\n').count();
        self.line += lines;
        self.text_lines += lines;
    }

    /// Starts CSV input in the middle of a file whose first row is `header`: the part of a file
    /// another simulation does not read (see [`Simulation::partial`]). Rows count from 2, as
    /// after the header; merged after the simulation that read the rows before, their line
    /// numbers are those of the whole file.
    ///
    /// # Errors
    /// The header row's problem when it cannot be read (then nothing changes: a file with a bad
    /// header is better read by one simulation from its start).
    pub fn continue_csv(&mut self, header: &str) -> Result<(), RecordError> {
        let h = CsvHeader::parse(header.trim_end_matches(['\r', '\n']))?;
        self.finish();
        self.csv = Some(true);
        self.csv_header = Some(h);
        self.line = 1;
        self.text_lines += 1;
        self.borrowed_lines += 1;
        Ok(())
    }

    /// Adds clients `start .. start + count` of the seeded synthetic population (the same
    /// clients `synth::generate` makes for this seed and `now`).
    pub fn add_synthetic(&mut self, start: usize, count: usize, seed: u64) -> Progress {
        let end = start.saturating_add(count);
        let mut i = start;
        while i < end {
            let n = CHUNK.min(end - i);
            self.decide_chunk(&Source::Synthetic((i..i + n).collect()), seed);
            i += n;
        }
        self.progress
    }

    /// Reads the chunk's records at `positions` for `engine`; the bad ones are rejected.
    /// Returns the records and the position each came from.
    fn read(
        &mut self,
        side: Side,
        source: &Source,
        positions: impl Iterator<Item = usize>,
        seed: u64,
    ) -> (Vec<Record>, Vec<usize>) {
        let mut records = Vec::new();
        let mut kept = Vec::new();
        let mut rejected = Vec::new();
        let header = self.csv_header.take();
        let (engine, plan) = if side == Side::Published { (&self.a, &self.plan_a) } else { (&self.b, &self.plan_b) };
        let spec = PopulationSpec { size: 0, seed, now: self.ctx.now };
        let mut text = Vec::new();
        for k in positions {
            let (line, read) = match source {
                Source::Json(l) => (Some(l[k].0), engine.read_client_text(l[k].1)),
                Source::Csv(l) => match &header {
                    Some(h) => (Some(l[k].0), engine.read_client_csv(h, l[k].1)),
                    None => continue,
                },
                Source::Synthetic(ix) => {
                    // Straight into the record; through the text (and its diagnostics) only when
                    // the rule set declares a field the generator's value does not fit.
                    if let Some(r) = synth::client_record(&spec, ix[k], engine, plan) {
                        records.push(r);
                        kept.push(k);
                        continue;
                    }
                    text.clear();
                    synth::client_json(&spec, ix[k], &mut text);
                    // The generator writes ASCII JSON; a failure here would be a generator bug.
                    let read = std::str::from_utf8(&text).map_err(|e| RecordError {
                        client_id: None,
                        line: None,
                        errors: vec![Diagnostic::error("invalid-utf8", "", e.to_string())],
                    });
                    (None, read.and_then(|t| engine.read_client_text(t)))
                }
            };
            match read {
                Ok(r) => {
                    records.push(r);
                    kept.push(k);
                }
                Err(e) => rejected.push((e, line)),
            }
        }
        self.csv_header = header;
        for (e, line) in rejected {
            self.reject(e, line, side);
        }
        (records, kept)
    }

    /// Reads, decides under A and B, and counts one chunk. A record is counted only when both
    /// rule sets can read it; otherwise it is rejected once, with the side that could not.
    fn decide_chunk(&mut self, source: &Source, seed: u64) {
        let n = match source {
            Source::Json(l) | Source::Csv(l) => l.len(),
            Source::Synthetic(ix) => ix.len(),
        };
        let (mut records_a, kept_a) = self.read(Side::Published, source, 0..n, seed);
        let records_b = if self.same_layout {
            None
        } else {
            let (records_b, kept_b) = self.read(Side::Draft, source, kept_a.iter().copied(), seed);
            if kept_b.len() < kept_a.len() {
                let mut keep = kept_a.iter().map(|k| kept_b.binary_search(k).is_ok());
                records_a.retain(|_| keep.next().unwrap_or(false));
            }
            Some(records_b)
        };
        let records_b: &[Record] = records_b.as_deref().unwrap_or(&records_a);
        let now = self.ctx.now;
        let (a, b) = (&self.a, &self.b);
        let (side_a, side_b, assumptions, scratch) =
            (&mut self.side_a, &mut self.side_b, &self.assumptions, &mut self.scratch);
        let (primary_a, chosen_a) = (&mut self.primary_a, &mut self.chosen_a);
        primary_a.clear();
        chosen_a.clear();
        a.evaluate_all(&records_a, &self.ctx, scratch, |i, ev| {
            side_a.add(a, assumptions, &records_a[i], ev, now);
            chosen_a.extend_from_slice(&ev.chosen);
            primary_a.push((ev.primary, chosen_a.len()));
        });
        let lb = b.layers.len() + 1;
        let (layer_a_to_b, action_a_to_b) = (&self.layer_a_to_b, &self.action_a_to_b);
        let (transitions, changing_layer, changing_actions) =
            (&mut self.transitions, &mut self.changing_layer, &mut self.changing_actions);
        b.evaluate_all(records_b, &self.ctx, scratch, |i, ev| {
            side_b.add(b, assumptions, &records_b[i], ev, now);
            let (pa, end) = primary_a[i];
            let ca = &chosen_a[if i == 0 { 0 } else { primary_a[i - 1].1 }..end];
            let row = pa.map_or(a.layers.len(), usize::from);
            let col = ev.primary.map_or(b.layers.len(), usize::from);
            transitions[row * lb + col] += 1;
            let same_layer = match (pa, ev.primary) {
                (None, None) => true,
                (Some(l), Some(m)) => layer_a_to_b[l as usize] == Some(m),
                _ => false,
            };
            *changing_layer += u64::from(!same_layer);
            let same_actions = ca.len() == ev.chosen.len()
                && ca.iter().zip(&ev.chosen).all(|(x, y)| action_a_to_b[*x as usize] == Some(*y));
            *changing_actions += u64::from(!same_actions);
        });
        self.progress.clients += records_b.len() as u64;
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        let names = |e: &Engine| -> Vec<String> {
            e.layers.iter().map(|l| l.id.clone()).chain(std::iter::once("(none)".to_string())).collect()
        };
        let lb = self.b.layers.len() + 1;
        Report {
            clients: self.progress.clients,
            rejected: self.progress.rejected,
            errors: self.errors.clone(),
            now: time::format_datetime(self.ctx.now, self.a.tz),
            assumptions: self.assumptions.clone(),
            warnings: self.warnings.clone(),
            published: self.side_a.report(&self.a, &self.assumptions),
            draft: self.side_b.report(&self.b, &self.assumptions),
            transitions: Transitions {
                from: names(&self.a),
                to: names(&self.b),
                counts: self.transitions.chunks(lb).map(<[u64]>::to_vec).collect(),
            },
            clients_changing_layer: self.changing_layer,
            clients_changing_actions: self.changing_actions,
        }
    }
}
