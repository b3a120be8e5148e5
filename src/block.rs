//! Evaluation of many clients at once: conditions run over blocks of up to 64 clients, one bit
//! per client ("lane"). A tree-walking interpreter pays a hard-to-predict dispatch for every
//! node of every client; here each node is dispatched once per block and then loops over the
//! lanes still active, and `and`/`or` short-circuit per lane through the mask.
//!
//! The answers are exactly those of [`Engine::evaluate`]: nodes without a block form fall back
//! to the scalar evaluator lane by lane, and everything after the conditions (gates, ranking,
//! caps) is the same code. `tests/block.rs` checks the two agree on a whole population.

use crate::engine::{Context, Engine, TagRule};
use crate::evaluate::{Evaluation, Fate};
use crate::logic::eval::{Cx, Frame, cmp_holds, eval_bool, eval_num, event_value, field_cmp_num, followed_by};
use crate::logic::ir::{CmpOp, EventAgg, Expr, Lit};
use crate::logic::value::{Val, loose_eq, strict_eq};
use crate::record::{FieldVal, PropVal, Record};

/// Clients per block: one bit each in a `u64` mask.
pub const LANES: usize = 64;
/// Fewer records than this are evaluated one by one ([`Engine::evaluate`]) rather than as a block.
const FEW: usize = 8;
type Mask = u64;

/// One numeric field (number, integer, boolean as 0/1, datetime as ms) across a block's lanes:
/// the common conditions become branch-free loops over it.
#[derive(Debug, Clone)]
struct Column {
    present: Mask,
    /// The lanes where the value is truthy (numbers other than 0 and NaN, `true`, any datetime).
    truthy: Mask,
    /// The value, or 0 where missing — which is also what JavaScript makes of null in a number context.
    num: [f64; LANES],
}

impl Default for Column {
    fn default() -> Column {
        Column { present: 0, truthy: 0, num: [0.0; LANES] }
    }
}

/// Bits of the lanes where `f(i)` holds, computed for all [`LANES`] lanes without branching (a
/// fixed trip count the compiler unrolls). Lanes past the end of a short block hold stale numbers:
/// callers mask the result with the active lanes.
#[inline(always)]
fn bits(f: impl Fn(usize) -> bool) -> Mask {
    let mut m = 0;
    for i in 0..LANES {
        m |= Mask::from(f(i)) << i;
    }
    m
}

/// Bits of the lanes where `x(i) op y(i)` holds (never when either is NaN, like
/// [`cmp_holds`]): the operator is matched once, outside the lane loop.
#[inline(always)]
fn cmp_bits(op: CmpOp, x: impl Fn(usize) -> f64, y: impl Fn(usize) -> f64) -> Mask {
    match op {
        CmpOp::Lt => bits(|i| x(i) < y(i)),
        CmpOp::Le => bits(|i| x(i) <= y(i)),
        CmpOp::Gt => bits(|i| x(i) > y(i)),
        CmpOp::Ge => bits(|i| x(i) >= y(i)),
    }
}

/// One event of a block: its time, lane and position in that lane's record.
#[derive(Debug, Clone, Copy)]
struct EventRef {
    at: i64,
    lane: u32,
    index: u32,
}

/// Scratch space for block evaluation; reuse it across calls.
#[derive(Debug, Default)]
pub struct BlockScratch {
    /// Per field slot: its column (`None` for text and list fields).
    cols: Vec<Option<Column>>,
    /// Per event type: the block's events of that type, lane by lane and each lane's oldest
    /// first (the order of the records), so an aggregate reads only the events of its type.
    events: Vec<Vec<EventRef>>,
    /// Lane-major tag states: `tags[lane * ntags + tag]`.
    tags: Vec<u16>,
    /// Lane-major layer matches.
    layers: Vec<bool>,
    /// Per tag: the lanes where it is set; per multi-tier tag and tier: the lanes at that tier.
    tag_masks: Vec<Mask>,
    tier_masks: Vec<Vec<Mask>>,
    /// Per layer: the lanes it matches.
    layer_masks: Vec<Mask>,
    /// Per action: the lanes whose condition holds.
    conds: Vec<Mask>,
    /// The lanes with at least one eligible action, and the fates of every other lane.
    any_eligible: Mask,
    /// Per action: its fate when its trigger or condition fails (see `Engine::base_fates`).
    base: Vec<Fate>,
    /// The current lane's eligible actions.
    eligible: Vec<u16>,
    ev: Evaluation,
}

impl BlockScratch {
    /// The block as conditions see it: records, columns, and the tags and layers computed so far.
    fn view<'a>(&'a self, engine: &'a Engine, recs: &'a [Record], now: i64) -> Block<'a> {
        Block {
            recs,
            cols: &self.cols,
            events: &self.events,
            tag_masks: &self.tag_masks,
            tier_masks: &self.tier_masks,
            layer_masks: &self.layer_masks,
            engine,
            now,
            tags: &self.tags,
            layers: &self.layers,
        }
    }
}

/// What every lane of a block shares, and how to find one lane's tags and layers.
struct Block<'a> {
    recs: &'a [Record],
    cols: &'a [Option<Column>],
    events: &'a [Vec<EventRef>],
    tag_masks: &'a [Mask],
    tier_masks: &'a [Vec<Mask>],
    layer_masks: &'a [Mask],
    engine: &'a Engine,
    now: i64,
    tags: &'a [u16],
    layers: &'a [bool],
}

impl<'a> Block<'a> {
    fn lane(&self, i: usize) -> Cx<'a> {
        let (nt, nl) = (self.engine.tags.len(), self.engine.layers.len());
        Cx {
            rec: &self.recs[i],
            enums: &self.engine.enums,
            now: self.now,
            tz: self.engine.tz,
            tags: self.tags.get(i * nt..(i + 1) * nt).unwrap_or(&[]),
            tiers: &self.engine.tiers,
            layers: self.layers.get(i * nl..(i + 1) * nl).unwrap_or(&[]),
        }
    }

    fn value(&self, i: usize, slot: u16) -> Option<&'a FieldVal> {
        self.recs[i].values.get(slot as usize)
    }

    /// The column of a number, integer, boolean or datetime field (its JavaScript number value).
    fn num_col(&self, slot: u16) -> Option<&'a Column> {
        let is_enum = self.engine.fields.get(slot as usize).is_some_and(|f| f.ty == crate::schema::FieldType::Enum);
        if is_enum { None } else { self.cols.get(slot as usize).and_then(Option::as_ref) }
    }

    /// The column of an ordered-enum field: its 1-based rank.
    fn rank_col(&self, slot: u16) -> Option<&'a Column> {
        let is_enum = self.engine.fields.get(slot as usize).is_some_and(|f| f.ty == crate::schema::FieldType::Enum);
        if is_enum { self.cols.get(slot as usize).and_then(Option::as_ref) } else { None }
    }
}

/// The lanes of `active` for which `f` holds.
#[inline(always)]
fn lanes(active: Mask, mut f: impl FnMut(usize) -> bool) -> Mask {
    let mut out = 0;
    let mut m = active;
    while m != 0 {
        let i = m.trailing_zeros() as usize;
        if f(i) {
            out |= 1 << i;
        }
        m &= m - 1;
    }
    out
}

/// Truthiness of `e` for each active lane.
fn bool_block(e: &Expr, b: &Block, active: Mask) -> Mask {
    if active == 0 {
        return 0;
    }
    match e {
        Expr::Lit(l) => {
            if l.truthy() {
                active
            } else {
                0
            }
        }
        Expr::Field(slot, None) => match b.num_col(*slot) {
            Some(c) => active & c.truthy,
            None => lanes(active, |i| b.lane(i).field_truthy(*slot)),
        },
        Expr::And(parts) => {
            if parts.is_empty() {
                return 0;
            }
            let mut m = active;
            for p in parts.iter() {
                m = bool_block(p, b, m);
                if m == 0 {
                    break;
                }
            }
            m
        }
        Expr::Or(parts) => {
            let (mut yes, mut rest) = (0, active);
            for p in parts.iter() {
                let r = bool_block(p, b, rest);
                yes |= r;
                rest &= !r;
                if rest == 0 {
                    break;
                }
            }
            yes
        }
        Expr::Not(a) => active & !bool_block(a, b, active),
        Expr::Truthy(a) => bool_block(a, b, active),
        Expr::FieldCmpNum(slot, op, k) if b.num_col(*slot).is_some() => {
            let Some(c) = b.num_col(*slot) else { return 0 };
            active & cmp_bits(*op, |i| c.num[i], |_| *k)
        }
        Expr::FieldCmpNum(slot, op, k) => lanes(active, |i| match b.value(i, *slot) {
            Some(FieldVal::Num(n)) => cmp_holds(*op, n.partial_cmp(k)),
            v => field_cmp_num(v, *op, *k, &b.lane(i), *slot),
        }),
        Expr::NumCmp(op, x, y) => {
            let (mut xs, mut ys) = ([0.0; LANES], [0.0; LANES]);
            num_block(x, b, active, &mut xs);
            num_block(y, b, active, &mut ys);
            active & cmp_bits(*op, |i| xs[i], |i| ys[i])
        }
        // Tag and layer references read the masks computed for the whole block.
        Expr::Tag(t) => active & b.tag_masks.get(*t as usize).copied().unwrap_or(0),
        Expr::TagIs(t, tier) => {
            active & b.tier_masks.get(*t as usize).and_then(|m| m.get(*tier as usize)).copied().unwrap_or(0)
        }
        Expr::Layer(l) => active & b.layer_masks.get(*l as usize).copied().unwrap_or(0),
        // Ranks of an ordered enum against a constant rank.
        Expr::RankCmp(arg, slot, op, k)
            if matches!(&**arg, Expr::Field(f, None) if f == slot) && b.rank_col(*slot).is_some() =>
        {
            let Some(c) = b.rank_col(*slot) else { return 0 };
            let k = f64::from(*k);
            active & c.present & cmp_bits(*op, |i| c.num[i], |_| k)
        }
        // Two number/datetime/boolean fields: JavaScript compares their numbers (null as 0).
        Expr::Cmp(op, args) if args.len() == 2 => match (&args[0], &args[1]) {
            (Expr::Field(x, None), Expr::Field(y, None)) if b.num_col(*x).is_some() && b.num_col(*y).is_some() => {
                let (Some(cx), Some(cy)) = (b.num_col(*x), b.num_col(*y)) else { return 0 };
                active & cmp_bits(*op, |i| cx.num[i], |i| cy.num[i])
            }
            _ => lanes(active, |i| eval_bool(e, &b.lane(i), &Frame::Data(Val::Null))),
        },
        // `field == null` / `field != null`: whether the field is present.
        Expr::LooseEq(x, y, want)
            if matches!(
                (&**x, &**y),
                (Expr::Field(_, None), Expr::Lit(Lit::Null)) | (Expr::Lit(Lit::Null), Expr::Field(_, None))
            ) =>
        {
            let ((Expr::Field(slot, None), _) | (_, Expr::Field(slot, None))) = (&**x, &**y) else { return 0 };
            let present = match b.cols.get(*slot as usize).and_then(Option::as_ref) {
                Some(c) => c.present,
                None => lanes(active, |i| !matches!(b.value(i, *slot), None | Some(FieldVal::Missing))),
            };
            if *want { active & !present } else { active & present }
        }
        // `field == constant` and `field != constant`: the constant's value is built once.
        Expr::LooseEq(x, y, want) => match (&**x, &**y) {
            // A number, boolean or datetime field against a number or boolean: JavaScript
            // compares their numbers; a missing field (null) equals neither.
            (Expr::Field(slot, None), Expr::Lit(l @ (Lit::Num(_) | Lit::Bool(_))))
            | (Expr::Lit(l @ (Lit::Num(_) | Lit::Bool(_))), Expr::Field(slot, None))
                if b.num_col(*slot).is_some() =>
            {
                let (Some(c), k) = (b.num_col(*slot), l.val().to_number()) else { return 0 };
                let eq = c.present & bits(|i| c.num[i] == k);
                if *want { active & eq } else { active & !eq }
            }
            // An ordered-enum field against a string: equal where the value is that string.
            (Expr::Field(slot, None), Expr::Lit(Lit::Str(k))) | (Expr::Lit(Lit::Str(k)), Expr::Field(slot, None))
                if b.rank_col(*slot).is_some() =>
            {
                let Some(c) = b.rank_col(*slot) else { return 0 };
                let values = b.engine.enums.get(*slot as usize).map_or(&[][..], |v| &v[..]);
                let mut eq = 0;
                for (j, v) in values.iter().enumerate() {
                    if **v == **k {
                        let rank = j as f64 + 1.0;
                        eq |= c.present & bits(|i| c.num[i] == rank);
                    }
                }
                if *want { active & eq } else { active & !eq }
            }
            (Expr::Field(slot, None), Expr::Lit(l)) | (Expr::Lit(l), Expr::Field(slot, None)) => {
                let k = l.val();
                lanes(active, |i| match (b.value(i, *slot), &k) {
                    (None | Some(FieldVal::Missing), k) => k.is_null() == *want,
                    (Some(FieldVal::Bool(v)), Val::Bool(c)) => (v == c) == *want,
                    _ => loose_eq(&b.lane(i).field(*slot), &k) == *want,
                })
            }
            _ => lanes(active, |i| eval_bool(e, &b.lane(i), &Frame::Data(Val::Null))),
        },
        // "text" in a list field, and a field in a list of constants.
        Expr::In(x, y) => match (&**x, &**y) {
            (Expr::Lit(Lit::Str(needle)), Expr::Field(slot, None)) => lanes(active, |i| match b.value(i, *slot) {
                Some(FieldVal::List(items)) => items.iter().any(|s| **s == **needle),
                // Nothing is in null.
                None | Some(FieldVal::Missing) => false,
                _ => eval_bool(e, &b.lane(i), &Frame::Data(Val::Null)),
            }),
            // A multi-tier tag's tier id in a list of constants: the union of those tiers' lanes
            // (and of the lanes without a tier, whose tier is null, when the list holds null).
            (Expr::TagTier(t), Expr::Lit(Lit::Arr(items)))
                if b.tier_masks.get(*t as usize).is_some_and(|m| !m.is_empty()) =>
            {
                let ids = b.engine.tiers.get(*t as usize).map_or(&[][..], |v| &v[..]);
                let masks = &b.tier_masks[*t as usize];
                let (mut yes, mut with_id) = (0, 0);
                for (k, id) in ids.iter().enumerate() {
                    let m = masks.get(k).copied().unwrap_or(0);
                    with_id |= m;
                    if items.iter().any(|x| strict_eq(&Val::Str(id), &x.val())) {
                        yes |= m;
                    }
                }
                if items.iter().any(|x| matches!(x, Lit::Null)) {
                    yes |= !with_id;
                }
                active & yes
            }
            (Expr::Field(slot, None), Expr::Lit(Lit::Arr(items))) => lanes(active, |i| {
                let v = b.lane(i).field(*slot);
                items.iter().any(|x| strict_eq(&v, &x.val()))
            }),
            _ => lanes(active, |i| eval_bool(e, &b.lane(i), &Frame::Data(Val::Null))),
        },
        // Only lanes with events of both types can have the pair.
        Expr::FollowedBy { first, then, within_ms, window_ms } => {
            let has = |ty: u16| b.events.get(ty as usize).map_or(0, |l| l.iter().fold(0, |m, x| m | 1 << x.lane));
            lanes(active & has(*first) & has(*then), |i| followed_by(*first, *then, *within_ms, *window_ms, &b.lane(i)))
        }
        _ => lanes(active, |i| eval_bool(e, &b.lane(i), &Frame::Data(Val::Null))),
    }
}

/// `ToNumber` of `e` for each active lane, into `out`.
fn num_block(e: &Expr, b: &Block, active: Mask, out: &mut [f64; LANES]) {
    let mut each = |f: &mut dyn FnMut(usize) -> f64| {
        let mut m = active;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            out[i] = f(i);
            m &= m - 1;
        }
    };
    // Sources with a column fill every lane (inactive ones too, which nobody reads): a loop
    // without branches.
    match e {
        Expr::Lit(Lit::Num(n)) => out.fill(*n),
        Expr::Field(slot, None) => match b.num_col(*slot) {
            Some(c) => out.copy_from_slice(&c.num),
            None => each(&mut |i| b.lane(i).field_number(*slot)),
        },
        Expr::Since(arg, unit) if matches!(**arg, Expr::Field(_, None)) => {
            let Expr::Field(slot, None) = **arg else { return };
            if let Some(c) = b.num_col(slot) {
                let now = b.now as f64;
                for (o, t) in out.iter_mut().zip(&c.num) {
                    *o = (now - t) / unit;
                }
                // A missing datetime gives null: 0 as a number.
                let mut m = !c.present;
                while m != 0 {
                    out[m.trailing_zeros() as usize] = 0.0;
                    m &= m - 1;
                }
                return;
            }
            each(&mut |i| match b.value(i, slot) {
                Some(FieldVal::Time(t)) => (b.now - t) as f64 / unit,
                None | Some(FieldVal::Missing) => 0.0,
                _ => eval_num(e, &b.lane(i), &Frame::Data(Val::Null)),
            })
        }
        // Event aggregates go through the block's events of their type once, in each lane's
        // order (so sums add up in the same order as one client at a time).
        Expr::Events { event_type, agg, window_ms, filter } => {
            let from = window_ms.map_or(i64::MIN, |w| b.now.saturating_sub(w));
            let list = b.events.get(*event_type as usize).map_or(&[][..], Vec::as_slice);
            let matching = list
                .iter()
                .filter(|x| x.at >= from && x.at <= b.now && active >> x.lane & 1 == 1)
                .filter_map(|x| Some((x.lane as usize, b.recs.get(x.lane as usize)?.events.get(x.index as usize)?)))
                .filter(|(lane, ev)| filter.as_deref().is_none_or(|f| eval_bool(f, &b.lane(*lane), &Frame::Event(ev))));
            match *agg {
                EventAgg::Count => {
                    out.fill(0.0);
                    matching.for_each(|(lane, _)| out[lane] += 1.0);
                }
                EventAgg::Sum(prop) => {
                    // What `Iterator::sum` starts from.
                    out.fill(std::iter::empty::<f64>().sum());
                    matching.for_each(|(lane, ev)| {
                        out[lane] += match ev.props.get(prop as usize) {
                            Some(PropVal::Num(n)) => *n,
                            _ => 0.0,
                        }
                    });
                }
                // The first (last) matching event of each lane; none gives null, 0 as a number.
                EventAgg::First(p) => {
                    out.fill(0.0);
                    let mut seen: Mask = 0;
                    for (lane, ev) in matching {
                        if seen >> lane & 1 == 0 {
                            seen |= 1 << lane;
                            out[lane] = event_value(ev, p).to_number();
                        }
                    }
                }
                EventAgg::Last(p) => {
                    out.fill(0.0);
                    let mut seen: Mask = 0;
                    for (lane, ev) in matching.rev() {
                        if seen >> lane & 1 == 0 {
                            seen |= 1 << lane;
                            out[lane] = event_value(ev, p).to_number();
                        }
                    }
                }
            }
        }
        // JavaScript `a - b` is ToNumber(a) - ToNumber(b); one operand negates.
        Expr::Sub(args) if args.len() == 2 => {
            let (mut ys, mut xs) = ([0.0; LANES], [0.0; LANES]);
            num_block(&args[0], b, active, &mut xs);
            num_block(&args[1], b, active, &mut ys);
            for ((o, x), y) in out.iter_mut().zip(&xs).zip(&ys) {
                *o = x - y;
            }
        }
        _ => each(&mut |i| eval_num(e, &b.lane(i), &Frame::Data(Val::Null))),
    }
}

impl Engine {
    /// Decides every record; `each(index, evaluation)` is called once per record, in order.
    /// Equivalent to calling [`Engine::evaluate`] on each, and several times faster.
    pub fn evaluate_all(
        &self,
        records: &[Record],
        ctx: &Context,
        scratch: &mut BlockScratch,
        mut each: impl FnMut(usize, &Evaluation),
    ) {
        for (bi, chunk) in records.chunks(LANES).enumerate() {
            if chunk.len() < FEW {
                // A block costs about the same for one record as for 64.
                for (lane, rec) in chunk.iter().enumerate() {
                    self.evaluate(rec, ctx, &mut scratch.ev);
                    each(bi * LANES + lane, &scratch.ev);
                }
                continue;
            }
            self.evaluate_block(chunk, ctx, scratch);
            for (lane, rec) in chunk.iter().enumerate() {
                self.finish_lane(rec, lane, ctx, scratch);
                each(bi * LANES + lane, &scratch.ev);
            }
        }
    }

    /// Tags, layers and action conditions for up to [`LANES`] records.
    fn evaluate_block(&self, recs: &[Record], ctx: &Context, s: &mut BlockScratch) {
        let n = recs.len().min(LANES);
        let all: Mask = if n == LANES { Mask::MAX } else { (1 << n) - 1 };
        let (nt, nl) = (self.tags.len(), self.layers.len());
        self.fill_columns(&recs[..n], s);
        self.index_events(&recs[..n], s);
        s.tags.clear();
        s.tags.resize(n * nt, 0);
        s.layers.clear();
        s.layers.resize(n * nl, false);
        s.tag_masks.clear();
        s.tag_masks.resize(nt, 0);
        s.tier_masks.resize(nt, Vec::new());
        s.layer_masks.clear();
        s.layer_masks.resize(nl, 0);
        for &t in &self.tag_order {
            let t = t as usize;
            // Per tier (a boolean tag is one tier): its lanes; the first matching tier wins, so
            // later tiers only see the lanes still open.
            let mut tiers = std::mem::take(&mut s.tier_masks[t]);
            tiers.clear();
            {
                let b = s.view(self, recs, ctx.now);
                match &self.tags[t].rule {
                    TagRule::Bool(e) => tiers.push(bool_block(e, &b, all)),
                    TagRule::Tiers(list) => {
                        let mut open = all;
                        for (_, _, e) in list {
                            let m = bool_block(e, &b, open);
                            tiers.push(m);
                            open &= !m;
                        }
                    }
                }
            }
            s.tag_masks[t] = tiers.iter().fold(0, |acc, m| acc | m);
            for (k, &mask) in tiers.iter().enumerate() {
                let mut m = mask;
                while m != 0 {
                    let i = m.trailing_zeros() as usize;
                    s.tags[i * nt + t] = k as u16 + 1;
                    m &= m - 1;
                }
            }
            s.tier_masks[t] = tiers;
        }
        for &l in &self.layer_order {
            let l = l as usize;
            let mask = match &self.layers[l].when {
                Some(w) => {
                    let b = s.view(self, recs, ctx.now);
                    bool_block(w, &b, all)
                }
                None => 0,
            };
            s.layer_masks[l] = mask;
            let mut m = mask;
            while m != 0 {
                let i = m.trailing_zeros() as usize;
                s.layers[i * nl + l] = true;
                m &= m - 1;
            }
        }
        // Action conditions, except for actions that cannot run in this decision (their
        // trigger is absent) and fallbacks (needed rarely; evaluated lane by lane on demand).
        let (mut base, mut conds) = (std::mem::take(&mut s.base), std::mem::take(&mut s.conds));
        self.base_fates(ctx, &mut base);
        let b = s.view(self, recs, ctx.now);
        conds.clear();
        conds.extend(self.actions.iter().zip(&base).map(|(a, base)| match (&a.when, base) {
            (None, Fate::ConditionFalse) => all,
            (Some(w), Fate::ConditionFalse) => bool_block(w, &b, all),
            _ => 0,
        }));
        (s.base, s.conds) = (base, conds);
        // Lanes with no eligible action all end the same way: this template, no gates to run.
        s.any_eligible = s.conds.iter().fold(0, |acc, m| acc | m);
    }

    /// Numeric fields as columns for this block.
    fn fill_columns(&self, recs: &[Record], s: &mut BlockScratch) {
        use crate::schema::FieldType as T;
        s.cols.resize(self.fields.len(), None);
        for (f, c) in self.fields.iter().zip(&mut s.cols) {
            if matches!(f.ty, T::Number | T::Integer | T::Boolean | T::Datetime | T::Enum) {
                let c = c.get_or_insert_with(Column::default);
                (c.present, c.truthy) = (0, 0);
            } else {
                *c = None;
            }
        }
        // Record by record: each record's values are read in one pass.
        for (i, r) in recs.iter().enumerate() {
            for (slot, c) in s.cols.iter_mut().enumerate() {
                let Some(c) = c else { continue };
                // (number, truthy); an enum value is its 1-based rank (its truthiness is not used).
                let (num, truthy) = match r.values.get(slot) {
                    Some(FieldVal::Num(n)) => (*n, *n != 0.0 && !n.is_nan()),
                    Some(FieldVal::Bool(b)) => (f64::from(u8::from(*b)), *b),
                    // Datetimes are truthy whenever present (even the epoch itself).
                    Some(FieldVal::Time(t)) => (*t as f64, true),
                    Some(FieldVal::Enum(idx)) => (f64::from(*idx) + 1.0, false),
                    _ => {
                        c.num[i] = 0.0;
                        continue;
                    }
                };
                c.num[i] = num;
                c.present |= 1 << i;
                c.truthy |= Mask::from(truthy) << i;
            }
        }
    }

    /// The block's events by type (see `BlockScratch::events`).
    fn index_events(&self, recs: &[Record], s: &mut BlockScratch) {
        s.events.resize_with(self.events.len(), Vec::new);
        for list in &mut s.events {
            list.clear();
        }
        for (lane, r) in recs.iter().enumerate() {
            for (index, e) in r.events.iter().enumerate() {
                if let Some(list) = s.events.get_mut(e.event_type as usize) {
                    list.push(EventRef { at: e.at, lane: lane as u32, index: index as u32 });
                }
            }
        }
    }

    /// The rest of the pipeline for one lane, into `s.ev`.
    fn finish_lane(&self, rec: &Record, lane: usize, ctx: &Context, s: &mut BlockScratch) {
        let (nt, nl) = (self.tags.len(), self.layers.len());
        let ev = &mut s.ev;
        ev.tags.clear();
        ev.tags.extend_from_slice(&s.tags[lane * nt..(lane + 1) * nt]);
        ev.layers.clear();
        ev.layers.extend_from_slice(&s.layers[lane * nl..(lane + 1) * nl]);
        ev.primary = ev.layers.iter().position(|m| *m).map(|i| i as u16).or(self.default_layer);
        if s.any_eligible >> lane & 1 == 0 {
            ev.fates.clone_from(&s.base);
            ev.chosen.clear();
            ev.held_out.clear();
            ev.held_out.resize(self.sops.len(), None);
            return;
        }
        s.eligible.clear();
        s.eligible.extend((0..self.actions.len() as u16).filter(|&i| s.conds[i as usize] >> lane & 1 == 1));
        self.choose_actions(rec, ctx, ev, &s.base, &s.eligible);
    }
}
