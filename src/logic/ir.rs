//! The compiled form of a JsonLogic expression: operators resolved to variants, field names
//! resolved to slots, constants typed. Evaluation walks this tree, never a `serde_json::Value`.

use super::value::Val;
use std::rc::Rc;

/// A constant. Unlike [`Val`] it owns its data and is `Send + Sync`, so a compiled engine can be
/// shared between threads.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    Time(i64),
    Arr(Box<[Lit]>),
    Obj(Box<[(String, Lit)]>),
}

impl Lit {
    pub fn from_json(v: &serde_json::Value) -> Lit {
        use serde_json::Value as J;
        match v {
            J::Null => Lit::Null,
            J::Bool(b) => Lit::Bool(*b),
            J::Number(n) => Lit::Num(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Lit::Str(s.as_str().into()),
            J::Array(a) => Lit::Arr(a.iter().map(Lit::from_json).collect()),
            J::Object(o) => Lit::Obj(o.iter().map(|(k, v)| (k.clone(), Lit::from_json(v))).collect()),
        }
    }

    /// JsonLogic truthiness of the constant.
    pub fn truthy(&self) -> bool {
        match self {
            Lit::Null => false,
            Lit::Bool(b) => *b,
            Lit::Num(n) => *n != 0.0 && !n.is_nan(),
            Lit::Str(s) => !s.is_empty(),
            Lit::Arr(a) => !a.is_empty(),
            Lit::Time(_) | Lit::Obj(_) => true,
        }
    }

    /// The constant as an evaluation value, borrowing its strings.
    pub fn val(&self) -> Val<'_> {
        match self {
            Lit::Null => Val::Null,
            Lit::Bool(b) => Val::Bool(*b),
            Lit::Num(n) => Val::Num(*n),
            Lit::Str(s) => Val::Str(s),
            Lit::Time(t) => Val::Time(*t),
            Lit::Arr(a) => Val::Arr(a.iter().map(Lit::val).collect::<Rc<[Val]>>()),
            Lit::Obj(o) => Val::Obj(o.iter().map(|(k, v)| (k.clone(), v.val())).collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IterOp {
    Map,
    Filter,
    All,
    Some,
    None,
}

/// What an event aggregate returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAgg {
    Count,
    /// Sum of a numeric property (by index in the event type's property list).
    Sum(u16),
    /// The first / last matching event's property, or its time when `None`.
    First(Option<u16>),
    Last(Option<u16>),
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Lit),
    /// An array whose elements contain logic: evaluated element by element.
    List(Box<[Expr]>),
    /// A declared client field, by slot; the optional default replaces a missing value.
    Field(u16, Option<Box<Expr>>),
    /// `var` over the current data (generic `applyLogic` data, or the element inside
    /// `map`/`filter`/`reduce`/`all`/`some`/`none`).
    Data(Box<[Box<str>]>, Option<Box<Expr>>),
    /// `var` with a computed path (generic mode only).
    DynData(Box<Expr>, Option<Box<Expr>>),
    /// A property of the event being filtered (`where` of an event aggregate), by index;
    /// `u16::MAX` is the event's time.
    EventProp(u16),
    If(Box<[Expr]>),
    And(Box<[Expr]>),
    Or(Box<[Expr]>),
    Not(Box<Expr>),
    Truthy(Box<Expr>),
    LooseEq(Box<Expr>, Box<Expr>, bool),
    StrictEq(Box<Expr>, Box<Expr>, bool),
    /// `<`, `<=`, `>`, `>=` with two operands, or three for "between".
    Cmp(CmpOp, Box<[Expr]>),
    /// A numeric field compared with a number: the common case, without coercions.
    FieldCmpNum(u16, CmpOp, f64),
    /// A comparison where one operand is known to be numeric, so JavaScript compares numbers:
    /// both sides are evaluated straight to `f64`.
    NumCmp(CmpOp, Box<Expr>, Box<Expr>),
    Add(Box<[Expr]>),
    Mul(Box<[Expr]>),
    Sub(Box<[Expr]>),
    Div(Box<Expr>, Box<Expr>),
    Mod(Box<Expr>, Box<Expr>),
    Min(Box<[Expr]>),
    Max(Box<[Expr]>),
    Cat(Box<[Expr]>),
    Substr(Box<[Expr]>),
    In(Box<Expr>, Box<Expr>),
    Merge(Box<[Expr]>),
    /// `missing` over generic data.
    Missing(Box<[Expr]>),
    MissingSome(Box<Expr>, Box<Expr>),
    /// `missing` over declared fields: (slot, name).
    MissingFields(Box<[(u16, Box<str>)]>),
    MissingSomeFields(u32, Box<[(u16, Box<str>)]>),
    Iter(IterOp, Box<Expr>, Box<Expr>),
    Reduce(Box<Expr>, Box<Expr>, Box<Expr>),
    // ---- domain operators ----
    /// Time elapsed from a datetime until `now`, in units of `unit_ms`.
    Since(Box<Expr>, f64),
    Events {
        event_type: u16,
        agg: EventAgg,
        window_ms: Option<i64>,
        filter: Option<Box<Expr>>,
    },
    FollowedBy {
        first: u16,
        then: u16,
        within_ms: Option<i64>,
        window_ms: Option<i64>,
    },
    /// A tag is set (boolean tag true, or a multi-tier tag has a tier).
    Tag(u16),
    /// A multi-tier tag is at a given tier (index).
    TagIs(u16, u16),
    /// The id of a multi-tier tag's tier, or null.
    TagTier(u16),
    Layer(u16),
    /// 1-based rank of an ordered-enum value among the field's `values` (null when missing).
    Rank(Box<Expr>, u16),
    /// Rank comparison of an ordered-enum value with a constant rank: `at_least` (Ge) / `at_most` (Le).
    RankCmp(Box<Expr>, u16, CmpOp, u16),
}
