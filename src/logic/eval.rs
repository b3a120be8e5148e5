//! Evaluation of compiled expressions against a client record (or plain JSON data).

use super::ir::{CmpOp, EventAgg, Expr, IterOp, Lit};
use super::value::{Val, js_compare, loose_eq, strict_eq};
use crate::record::{Event, FieldVal, PropVal, Record};
use std::cmp::Ordering;
use std::rc::Rc;

/// Everything an expression can read besides its own constants.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub rec: &'a Record,
    /// Per field slot: the values of an ordered enum (empty for other types).
    pub enums: &'a [Box<[Box<str>]>],
    pub now: i64,
    /// The rule set's time zone, for datetimes in text without an offset.
    pub tz: crate::time::TimeZone,
    /// Per tag: 0 = not set; for a boolean tag 1 = set; for a multi-tier tag k = tier k-1.
    pub tags: &'a [u16],
    /// Per tag: its tier ids (empty for boolean tags).
    pub tiers: &'a [Box<[Box<str>]>],
    /// Per layer: whether its condition matched.
    pub layers: &'a [bool],
}

impl<'a> Cx<'a> {
    /// A context with no record: for plain JsonLogic.
    pub fn empty() -> Cx<'static> {
        static EMPTY: std::sync::OnceLock<Record> = std::sync::OnceLock::new();
        Cx {
            rec: EMPTY.get_or_init(Record::default),
            enums: &[],
            now: 0,
            tz: crate::time::TimeZone::UTC,
            tags: &[],
            tiers: &[],
            layers: &[],
        }
    }

    /// Whether tag `i` is set (a boolean tag true, or a multi-tier tag at some tier).
    #[inline]
    pub(crate) fn tag_set(&self, i: u16) -> bool {
        self.tags.get(i as usize).is_some_and(|t| *t > 0)
    }

    /// JsonLogic truthiness of a field, without building a value.
    pub(crate) fn field_truthy(&self, slot: u16) -> bool {
        match self.rec.values.get(slot as usize) {
            None | Some(FieldVal::Missing) => false,
            Some(FieldVal::Num(n)) => *n != 0.0 && !n.is_nan(),
            Some(FieldVal::Bool(b)) => *b,
            Some(FieldVal::Str(s)) => !s.is_empty(),
            Some(FieldVal::Time(_)) => true,
            Some(FieldVal::List(l)) => !l.is_empty(),
            Some(FieldVal::Enum(_)) => self.field(slot).truthy(),
        }
    }

    /// `ToNumber` of a field, without building a value.
    pub(crate) fn field_number(&self, slot: u16) -> f64 {
        match self.rec.values.get(slot as usize) {
            None | Some(FieldVal::Missing) => 0.0,
            Some(FieldVal::Num(n)) => *n,
            Some(FieldVal::Bool(b)) => f64::from(u8::from(*b)),
            Some(FieldVal::Time(t)) => *t as f64,
            _ => self.field(slot).to_number(),
        }
    }

    pub(crate) fn field(&self, slot: u16) -> Val<'a> {
        match self.rec.values.get(slot as usize) {
            None | Some(FieldVal::Missing) => Val::Null,
            Some(FieldVal::Num(n)) => Val::Num(*n),
            Some(FieldVal::Bool(b)) => Val::Bool(*b),
            Some(FieldVal::Str(s)) => Val::Str(s),
            Some(FieldVal::Time(t)) => Val::Time(*t),
            Some(FieldVal::List(l)) => Val::StrList(l),
            Some(FieldVal::Enum(i)) => {
                self.enums.get(slot as usize).and_then(|vals| vals.get(*i as usize)).map_or(Val::Null, |s| Val::Str(s))
            }
        }
    }
}

/// The data `var` reads: the root JSON data, an element inside an iteration, or an event.
#[derive(Clone)]
pub enum Frame<'a> {
    Data(Val<'a>),
    Reduce(Val<'a>, Val<'a>),
    Event(&'a Event),
}

/// Evaluates `e` for its truthiness: the same answer as `eval(e).truthy()`, without building
/// values for the operators conditions are made of.
pub fn eval_bool<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> bool {
    match e {
        Expr::Lit(l) => l.truthy(),
        Expr::Field(slot, None) => cx.field_truthy(*slot),
        // `and` returns its first falsy operand (or the last), so its truthiness is the
        // conjunction; an empty `and` returns null.
        Expr::And(parts) => !parts.is_empty() && parts.iter().all(|p| operand_bool(p, cx, frame)),
        Expr::Or(parts) => parts.iter().any(|p| operand_bool(p, cx, frame)),
        Expr::Not(a) => !operand_bool(a, cx, frame),
        Expr::Truthy(a) => operand_bool(a, cx, frame),
        Expr::FieldCmpNum(slot, op, k) => field_cmp_num(cx.rec.values.get(*slot as usize), *op, *k, cx, *slot),
        Expr::NumCmp(op, a, b) => cmp_holds(*op, operand_num(a, cx, frame).partial_cmp(&operand_num(b, cx, frame))),
        Expr::LooseEq(a, b, want) => match (&**a, &**b) {
            (Expr::Field(slot, None), Expr::Lit(l @ (Lit::Null | Lit::Bool(_) | Lit::Num(_) | Lit::Str(_))))
            | (Expr::Lit(l @ (Lit::Null | Lit::Bool(_) | Lit::Num(_) | Lit::Str(_))), Expr::Field(slot, None)) => {
                loose_eq(&cx.field(*slot), &l.val()) == *want
            }
            _ => eval(e, cx, frame).truthy(),
        },
        Expr::Tag(i) => cx.tag_set(*i),
        Expr::TagIs(i, tier) => cx.tags.get(*i as usize).is_some_and(|t| *t == tier + 1),
        Expr::Layer(i) => cx.layers.get(*i as usize).copied().unwrap_or(false),
        Expr::RankCmp(arg, slot, op, k) => match &**arg {
            Expr::Field(f, None) if f == slot => match cx.rec.values.get(*slot as usize) {
                Some(FieldVal::Enum(idx)) => cmp_holds(*op, Some((idx + 1).cmp(k))),
                _ => false,
            },
            _ => eval(e, cx, frame).truthy(),
        },
        Expr::FollowedBy { first, then, within_ms, window_ms } => {
            followed_by(*first, *then, *within_ms, *window_ms, cx)
        }
        Expr::In(a, b) => match &**b {
            Expr::Lit(Lit::Arr(items)) => {
                let needle = eval(a, cx, frame);
                items.iter().any(|x| strict_eq_lit(&needle, x))
            }
            _ => eval(e, cx, frame).truthy(),
        },
        _ => eval(e, cx, frame).truthy(),
    }
}

/// [`eval_bool`] of an operand, with its commonest forms (a field, a tag) read in place rather than
/// through another call: most of a single decision's time is the dispatch from node to node.
#[inline(always)]
fn operand_bool<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> bool {
    match e {
        Expr::Field(slot, None) => cx.field_truthy(*slot),
        Expr::Tag(i) => cx.tag_set(*i),
        _ => eval_bool(e, cx, frame),
    }
}

/// [`eval_num`] of an operand, with its commonest forms (a number, a field, the time since a
/// datetime field) read in place (see [`operand_bool`]).
#[inline(always)]
fn operand_num<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> f64 {
    match e {
        Expr::Lit(Lit::Num(n)) => *n,
        Expr::Since(arg, unit) => since_num(e, arg, *unit, cx, frame),
        _ => eval_num(e, cx, frame),
    }
}

/// `e` = `Since(arg, unit)` as a number: for a datetime field, straight from the record.
#[inline(always)]
fn since_num<'a>(e: &'a Expr, arg: &'a Expr, unit: f64, cx: &Cx<'a>, frame: &Frame<'a>) -> f64 {
    match arg {
        Expr::Field(slot, None) => match cx.rec.values.get(*slot as usize) {
            Some(FieldVal::Time(t)) => (cx.now - t) as f64 / unit,
            // A missing datetime gives null, which is 0 as a number.
            None | Some(FieldVal::Missing) => 0.0,
            _ => eval(e, cx, frame).to_number(),
        },
        _ => eval(e, cx, frame).to_number(),
    }
}

/// `strict_eq(v, &l.val())` without building the constant's value.
fn strict_eq_lit(v: &Val, l: &Lit) -> bool {
    match (v, l) {
        (Val::Null, Lit::Null) => true,
        (Val::Bool(x), Lit::Bool(y)) => x == y,
        (Val::Num(x), Lit::Num(y)) => x == y,
        (Val::Time(x), Lit::Time(y)) => x == y,
        (Val::Time(x), Lit::Num(y)) => *x as f64 == *y,
        (Val::Num(y), Lit::Time(x)) => *x as f64 == *y,
        (_, Lit::Str(y)) => v.str() == Some(&**y),
        _ => false,
    }
}

/// A number field against a constant: a missing value is null, which compares as 0.
#[inline]
pub(crate) fn field_cmp_num(v: Option<&FieldVal>, op: CmpOp, k: f64, cx: &Cx, slot: u16) -> bool {
    match v {
        Some(FieldVal::Num(n)) => cmp_holds(op, n.partial_cmp(&k)),
        None | Some(FieldVal::Missing) => cmp_holds(op, 0.0f64.partial_cmp(&k)),
        _ => cmp_holds(op, js_compare(&cx.field(slot), &Val::Num(k))),
    }
}

/// `parseFloat(String(x))` of an expression (what `+` and `*` apply to each operand).
fn eval_parse_float<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> f64 {
    match e {
        Expr::Lit(Lit::Num(n)) => *n,
        Expr::Field(slot, None) => match cx.rec.values.get(*slot as usize) {
            Some(FieldVal::Num(n)) => *n,
            None | Some(FieldVal::Missing) => f64::NAN,
            _ => cx.field(*slot).parse_float(),
        },
        _ => eval(e, cx, frame).parse_float(),
    }
}

/// An event of type `first` later followed by one of type `then` (see the `followed_by` operator).
pub(crate) fn followed_by(first: u16, then: u16, within_ms: Option<i64>, window_ms: Option<i64>, cx: &Cx) -> bool {
    // For each `then` event, the latest earlier `first` event is the closest pair.
    let from = window_ms.map_or(i64::MIN, |w| cx.now.saturating_sub(w));
    let mut latest_first: Option<i64> = None;
    for ev in cx.rec.events.iter().filter(|e| e.at >= from && e.at <= cx.now) {
        if ev.event_type == then
            && let Some(f) = latest_first
            && within_ms.is_none_or(|w| ev.at - f <= w)
        {
            return true;
        }
        if ev.event_type == first {
            latest_first = Some(ev.at);
        }
    }
    false
}

/// Evaluates `e` as a number: the same answer as `eval(e).to_number()`.
/// The branch `if` takes: the value after the first true condition, else the last part when
/// their count is odd (`None`: no branch, which is null).
fn if_branch<'a>(parts: &'a [Expr], cx: &Cx<'a>, frame: &Frame<'a>) -> Option<&'a Expr> {
    let mut i = 0;
    while i + 1 < parts.len() {
        if eval_bool(&parts[i], cx, frame) {
            return Some(&parts[i + 1]);
        }
        i += 2;
    }
    parts.get(i)
}

pub fn eval_num<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> f64 {
    match e {
        Expr::Lit(Lit::Num(n)) => *n,
        Expr::Field(slot, None) => cx.field_number(*slot),
        Expr::Since(arg, unit) => since_num(e, arg, *unit, cx, frame),
        Expr::Events { event_type, agg: EventAgg::Count, window_ms, filter } => {
            count_events(*event_type, *window_ms, filter.as_deref(), cx) as f64
        }
        Expr::Events { event_type, agg: EventAgg::Sum(prop), window_ms, filter } => {
            sum_events(*event_type, *prop, *window_ms, filter.as_deref(), cx)
        }
        Expr::Events { event_type, agg: agg @ (EventAgg::First(p) | EventAgg::Last(p)), window_ms, filter } => {
            let mut matching = matching_events(*event_type, *window_ms, filter.as_deref(), cx);
            let found = if matches!(agg, EventAgg::First(_)) { matching.next() } else { matching.next_back() };
            // No such event: null, which is 0 as a number.
            found.map_or(0.0, |ev| event_value(ev, *p).to_number())
        }
        // The chosen branch as a number (no branch left: null, 0).
        Expr::If(parts) => if_branch(parts, cx, frame).map_or(0.0, |x| eval_num(x, cx, frame)),
        // Arithmetic as json-logic-js does it: `+` and `*` parseFloat their operands, the rest ToNumber.
        Expr::Add(args) => args.iter().map(|a| eval_parse_float(a, cx, frame)).sum(),
        Expr::Mul(args) if args.len() > 1 => {
            args.iter().map(|a| eval_parse_float(a, cx, frame)).reduce(|a, b| a * b).unwrap_or(f64::NAN)
        }
        Expr::Mul(args) if args.len() == 1 => eval_num(&args[0], cx, frame),
        Expr::Min(args) | Expr::Max(args) => {
            let is_min = matches!(e, Expr::Min(_));
            let mut acc = if is_min { f64::INFINITY } else { f64::NEG_INFINITY };
            for a in args.iter() {
                let n = eval_num(a, cx, frame);
                if n.is_nan() {
                    return f64::NAN;
                }
                acc = if is_min { acc.min(n) } else { acc.max(n) };
            }
            acc
        }
        _ => eval(e, cx, frame).to_number(),
    }
}

/// Evaluates `e`. Never panics; missing data evaluates to null like JsonLogic's `undefined`.
pub fn eval<'a>(e: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> Val<'a> {
    match e {
        Expr::Lit(l) => l.val(),
        Expr::List(items) => Val::Arr(items.iter().map(|x| eval(x, cx, frame)).collect()),
        Expr::Field(slot, default) => match (cx.field(*slot), default) {
            (Val::Null, Some(d)) => eval(d, cx, frame),
            (v, _) => v,
        },
        Expr::Data(path, default) => match lookup(frame, path.iter().map(|s| &**s)) {
            Some(v) => v,
            None => default.as_ref().map_or(Val::Null, |d| eval(d, cx, frame)),
        },
        Expr::DynData(p, default) => {
            let path = eval(p, cx, frame);
            let path = match &path {
                Val::Null => String::new(),
                Val::Arr(a) if a.is_empty() => String::new(),
                other => other.to_js_string(),
            };
            let segs: Vec<&str> = if path.is_empty() { Vec::new() } else { path.split('.').collect() };
            match lookup(frame, segs.into_iter()) {
                Some(v) => v,
                None => default.as_ref().map_or(Val::Null, |d| eval(d, cx, frame)),
            }
        }
        Expr::EventProp(i) => match frame {
            Frame::Event(ev) if *i == u16::MAX => Val::Time(ev.at),
            Frame::Event(ev) => match ev.props.get(*i as usize) {
                Some(PropVal::Num(n)) => Val::Num(*n),
                Some(PropVal::Str(s)) => Val::Str(s),
                Some(PropVal::Bool(b)) => Val::Bool(*b),
                _ => Val::Null,
            },
            _ => Val::Null,
        },
        Expr::If(parts) => if_branch(parts, cx, frame).map_or(Val::Null, |x| eval(x, cx, frame)),
        Expr::And(parts) => {
            let mut last = Val::Null;
            for p in parts.iter() {
                last = eval(p, cx, frame);
                if !last.truthy() {
                    return last;
                }
            }
            last
        }
        Expr::Or(parts) => {
            let mut last = Val::Null;
            for p in parts.iter() {
                last = eval(p, cx, frame);
                if last.truthy() {
                    return last;
                }
            }
            last
        }
        Expr::Not(a) => Val::Bool(!eval(a, cx, frame).truthy()),
        Expr::Truthy(a) => Val::Bool(eval(a, cx, frame).truthy()),
        Expr::LooseEq(a, b, want) => Val::Bool(loose_eq(&eval(a, cx, frame), &eval(b, cx, frame)) == *want),
        Expr::StrictEq(a, b, want) => Val::Bool(strict_eq(&eval(a, cx, frame), &eval(b, cx, frame)) == *want),
        Expr::FieldCmpNum(slot, op, k) => Val::Bool(match cx.field(*slot) {
            Val::Num(n) => cmp_holds(*op, n.partial_cmp(k)),
            other => cmp_holds(*op, js_compare(&other, &Val::Num(*k))),
        }),
        Expr::NumCmp(..) => Val::Bool(eval_bool(e, cx, frame)),
        Expr::Cmp(op, args) => {
            let a = args.first().map_or(Val::Null, |x| eval(x, cx, frame));
            let b = args.get(1).map_or(Val::Null, |x| eval(x, cx, frame));
            let ab = cmp_holds(*op, compare(&a, &b));
            match args.get(2) {
                None => Val::Bool(ab),
                Some(c) => Val::Bool(ab && cmp_holds(*op, compare(&b, &eval(c, cx, frame)))),
            }
        }
        Expr::Add(args) => Val::Num(args.iter().map(|x| eval(x, cx, frame).parse_float()).sum()),
        Expr::Mul(args) => {
            // JS `reduce` without an initial value: one operand is returned as is.
            if args.len() == 1 {
                return eval(&args[0], cx, frame);
            }
            let mut it = args.iter().map(|x| eval(x, cx, frame).parse_float());
            let first = it.next().unwrap_or(f64::NAN);
            Val::Num(it.fold(first, |a, b| a * b))
        }
        Expr::Sub(args) => {
            let a = args.first().map_or(Val::Null, |x| eval(x, cx, frame)).to_number();
            match args.get(1) {
                None => Val::Num(-a),
                Some(b) => Val::Num(a - eval(b, cx, frame).to_number()),
            }
        }
        Expr::Div(a, b) => Val::Num(eval(a, cx, frame).to_number() / eval(b, cx, frame).to_number()),
        Expr::Mod(a, b) => Val::Num(eval(a, cx, frame).to_number() % eval(b, cx, frame).to_number()),
        Expr::Min(args) => Val::Num(fold_num(args, cx, frame, f64::INFINITY, f64::min)),
        Expr::Max(args) => Val::Num(fold_num(args, cx, frame, f64::NEG_INFINITY, f64::max)),
        Expr::Cat(args) => {
            let mut s = String::new();
            for a in args.iter() {
                let v = eval(a, cx, frame);
                if !v.is_null() {
                    s.push_str(&v.to_js_string());
                }
            }
            Val::Owned(Rc::from(s))
        }
        Expr::Substr(args) => substr(args, cx, frame),
        Expr::In(a, b) => {
            let needle = eval(a, cx, frame);
            if let Expr::Lit(Lit::Arr(items)) = &**b {
                return Val::Bool(items.iter().any(|x| strict_eq_lit(&needle, x)));
            }
            Val::Bool(match eval(b, cx, frame) {
                Val::Str(h) => h.contains(needle.to_js_string().as_str()),
                Val::Owned(h) => h.contains(needle.to_js_string().as_str()),
                Val::StrList(l) => needle.str().is_some_and(|n| l.iter().any(|x| &**x == n)),
                Val::Arr(items) => items.iter().any(|x| strict_eq(&needle, x)),
                _ => false,
            })
        }
        Expr::Merge(args) => {
            let mut out = Vec::new();
            for a in args.iter() {
                let v = eval(a, cx, frame);
                match v.elements() {
                    Some(items) => out.extend(items),
                    None => out.push(v),
                }
            }
            Val::Arr(out.into())
        }
        Expr::Missing(args) => {
            let first = args.first().map(|x| eval(x, cx, frame));
            let keys: Vec<Val> = match first.as_ref().and_then(Val::elements) {
                Some(items) => items,
                None => args.iter().map(|x| eval(x, cx, frame)).collect(),
            };
            Val::Arr(missing_keys(keys, frame).into())
        }
        Expr::MissingSome(need, opts) => {
            let need = eval(need, cx, frame).to_number();
            let keys = eval(opts, cx, frame).elements().unwrap_or_default();
            let total = keys.len() as f64;
            let missing = missing_keys(keys, frame);
            if total - missing.len() as f64 >= need { Val::Arr(Rc::from([])) } else { Val::Arr(missing.into()) }
        }
        Expr::MissingFields(slots) => Val::Arr(missing_fields(slots, cx).into()),
        Expr::MissingSomeFields(need, slots) => {
            let missing = missing_fields(slots, cx);
            if slots.len() - missing.len() >= *need as usize {
                Val::Arr(Rc::from([]))
            } else {
                Val::Arr(missing.into())
            }
        }
        Expr::Iter(op, over, body) => iterate(*op, over, body, cx, frame),
        Expr::Reduce(over, body, init) => {
            let mut acc = eval(init, cx, frame);
            if let Some(items) = eval(over, cx, frame).elements() {
                for item in items {
                    acc = eval(body, cx, &Frame::Reduce(item, acc));
                }
            }
            acc
        }
        Expr::Since(arg, unit) => match eval(arg, cx, frame) {
            Val::Time(t) => Val::Num((cx.now - t) as f64 / unit),
            v => match v.str().map(|s| crate::time::parse_datetime(s, cx.tz)) {
                Some(Ok(t)) => Val::Num((cx.now - t) as f64 / unit),
                _ => Val::Null,
            },
        },
        Expr::Events { event_type, agg, window_ms, filter } => {
            events(*event_type, *agg, *window_ms, filter.as_deref(), cx)
        }
        Expr::FollowedBy { first, then, within_ms, window_ms } => {
            Val::Bool(followed_by(*first, *then, *within_ms, *window_ms, cx))
        }
        Expr::Tag(i) => Val::Bool(cx.tag_set(*i)),
        Expr::TagIs(i, tier) => Val::Bool(cx.tags.get(*i as usize).is_some_and(|t| *t == tier + 1)),
        Expr::TagTier(i) => match cx.tags.get(*i as usize) {
            Some(t) if *t > 0 => cx
                .tiers
                .get(*i as usize)
                .and_then(|tiers| tiers.get(*t as usize - 1))
                .map_or(Val::Null, |s| Val::Str(s)),
            _ => Val::Null,
        },
        Expr::Layer(i) => Val::Bool(cx.layers.get(*i as usize).copied().unwrap_or(false)),
        Expr::Rank(arg, slot) => match rank_of(&eval(arg, cx, frame), *slot, cx) {
            Some(r) => Val::Num(f64::from(r)),
            None => Val::Null,
        },
        Expr::RankCmp(arg, slot, op, k) => {
            Val::Bool(rank_of(&eval(arg, cx, frame), *slot, cx).is_some_and(|r| cmp_holds(*op, Some(r.cmp(k)))))
        }
    }
}

fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Time(x), Val::Time(y)) => Some(x.cmp(y)),
        _ => js_compare(a, b),
    }
}

pub(crate) fn cmp_holds(op: CmpOp, o: Option<Ordering>) -> bool {
    match (op, o) {
        (_, None) => false,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
    }
}

fn fold_num<'a>(args: &'a [Expr], cx: &Cx<'a>, frame: &Frame<'a>, init: f64, f: fn(f64, f64) -> f64) -> f64 {
    let mut acc = init;
    for a in args {
        let n = eval(a, cx, frame).to_number();
        if n.is_nan() {
            return f64::NAN;
        }
        acc = f(acc, n);
    }
    acc
}

fn rank_of(v: &Val, slot: u16, cx: &Cx) -> Option<u16> {
    let s = v.str()?;
    let values = cx.enums.get(slot as usize)?;
    values.iter().position(|x| &**x == s).map(|i| i as u16 + 1)
}

/// Follows a `var` path; `None` is JavaScript's `undefined` (so a default applies).
fn lookup<'a, 'p>(frame: &Frame<'a>, mut segs: impl Iterator<Item = &'p str>) -> Option<Val<'a>> {
    let mut cur = match frame {
        Frame::Data(v) => v.clone(),
        Frame::Reduce(current, acc) => {
            let Some(first) = segs.next() else { return Some(Val::Null) };
            match first {
                "current" => current.clone(),
                "accumulator" => acc.clone(),
                _ => return None,
            }
        }
        Frame::Event(_) => return None,
    };
    for seg in segs {
        cur = match &cur {
            Val::Obj(_) => cur.get(seg)?.clone(),
            Val::Arr(a) => a.get(seg.parse::<usize>().ok()?)?.clone(),
            Val::StrList(l) => Val::Str(l.get(seg.parse::<usize>().ok()?)?),
            _ => return None,
        };
    }
    Some(cur)
}

fn missing_keys<'a>(keys: Vec<Val<'a>>, frame: &Frame<'a>) -> Vec<Val<'a>> {
    keys.into_iter()
        .filter(|k| {
            let path = k.to_js_string();
            let segs: Vec<&str> = if path.is_empty() { Vec::new() } else { path.split('.').collect() };
            match lookup(frame, segs.into_iter()) {
                None | Some(Val::Null) => true,
                Some(v) => v.str() == Some(""),
            }
        })
        .collect()
}

fn missing_fields<'a>(slots: &'a [(u16, Box<str>)], cx: &Cx<'a>) -> Vec<Val<'a>> {
    slots
        .iter()
        .filter(|(slot, _)| match cx.field(*slot) {
            Val::Null => true,
            v => v.str() == Some(""),
        })
        .map(|(_, name)| Val::Str(name))
        .collect()
}

fn iterate<'a>(op: IterOp, over: &'a Expr, body: &'a Expr, cx: &Cx<'a>, frame: &Frame<'a>) -> Val<'a> {
    let items = eval(over, cx, frame).elements();
    let Some(items) = items else {
        return match op {
            IterOp::Map | IterOp::Filter => Val::Arr(Rc::from([])),
            IterOp::All | IterOp::Some => Val::Bool(false),
            IterOp::None => Val::Bool(true),
        };
    };
    let test = |item: &Val<'a>| eval(body, cx, &Frame::Data(item.clone())).truthy();
    match op {
        IterOp::Map => Val::Arr(items.iter().map(|i| eval(body, cx, &Frame::Data(i.clone()))).collect()),
        IterOp::Filter => Val::Arr(items.into_iter().filter(|i| test(i)).collect()),
        // JsonLogic: `all` of an empty list is false.
        IterOp::All => Val::Bool(!items.is_empty() && items.iter().all(test)),
        IterOp::Some => Val::Bool(items.iter().any(test)),
        IterOp::None => Val::Bool(!items.iter().any(test)),
    }
}

/// JavaScript `String.prototype.substr(start, length)` as json-logic-js uses it (a negative
/// length drops characters from the end).
fn substr<'a>(args: &'a [Expr], cx: &Cx<'a>, frame: &Frame<'a>) -> Val<'a> {
    let source = args.first().map_or(Val::Null, |x| eval(x, cx, frame)).to_js_string();
    let chars: Vec<char> = source.chars().collect();
    let len = chars.len() as i64;
    let to_int = |v: f64| if v.is_nan() { 0 } else { v.trunc().clamp(-1e15, 1e15) as i64 };
    let start = to_int(args.get(1).map_or(Val::Null, |x| eval(x, cx, frame)).to_number());
    let start = if start < 0 { (len + start).max(0) } else { start.min(len) };
    let rest = len - start;
    let count = match args.get(2).map(|x| eval(x, cx, frame)) {
        None | Some(Val::Null) => rest,
        Some(v) => {
            let n = to_int(v.to_number());
            if n < 0 { (rest + n).max(0) } else { n.min(rest) }
        }
    };
    let s: String = chars[start as usize..(start + count) as usize].iter().collect();
    Val::Owned(Rc::from(s))
}

/// The client's events of type `ty` in the window (ending at `now`; later events have not
/// happened yet) that pass the `where` filter, oldest first.
fn matching_events<'a, 'c>(
    ty: u16,
    window_ms: Option<i64>,
    filter: Option<&'a Expr>,
    cx: &'c Cx<'a>,
) -> impl DoubleEndedIterator<Item = &'a Event> + 'c {
    let from = window_ms.map_or(i64::MIN, |w| cx.now.saturating_sub(w));
    cx.rec.events.iter().filter(move |e| {
        e.event_type == ty
            && e.at >= from
            && e.at <= cx.now
            && filter.is_none_or(|f| eval_bool(f, cx, &Frame::Event(e)))
    })
}

pub(crate) fn count_events<'a>(ty: u16, window_ms: Option<i64>, filter: Option<&'a Expr>, cx: &Cx<'a>) -> usize {
    matching_events(ty, window_ms, filter, cx).count()
}

pub(crate) fn sum_events<'a>(ty: u16, prop: u16, window_ms: Option<i64>, filter: Option<&'a Expr>, cx: &Cx<'a>) -> f64 {
    matching_events(ty, window_ms, filter, cx)
        .map(|e| match e.props.get(prop as usize) {
            Some(PropVal::Num(n)) => *n,
            _ => 0.0,
        })
        .sum()
}

/// An event's property `p` (its time when `None`).
pub(crate) fn event_value(e: &Event, p: Option<u16>) -> Val<'_> {
    match p {
        None => Val::Time(e.at),
        Some(i) => match e.props.get(i as usize) {
            Some(PropVal::Num(n)) => Val::Num(*n),
            Some(PropVal::Str(s)) => Val::Str(s),
            Some(PropVal::Bool(b)) => Val::Bool(*b),
            _ => Val::Null,
        },
    }
}

fn events<'a>(ty: u16, agg: EventAgg, window_ms: Option<i64>, filter: Option<&'a Expr>, cx: &Cx<'a>) -> Val<'a> {
    let matching = matching_events(ty, window_ms, filter, cx);
    let prop = event_value;
    match agg {
        EventAgg::Count => Val::Num(count_events(ty, window_ms, filter, cx) as f64),
        EventAgg::Sum(i) => Val::Num(sum_events(ty, i, window_ms, filter, cx)),
        EventAgg::First(p) => {
            let mut m = matching;
            m.next().map_or(Val::Null, |e| prop(e, p))
        }
        EventAgg::Last(p) => {
            let mut m = matching;
            m.next_back().map_or(Val::Null, |e| prop(e, p))
        }
    }
}
