//! JSON → [`Expr`]: operators are resolved, `var` names become field slots, constants are typed,
//! and every problem is reported as a [`Diagnostic`] at its JSON path. Nothing here evaluates.

use super::ir::{CmpOp, EventAgg, Expr, IterOp, Lit};
use crate::diagnostics::{Diagnostic, closest, join};
use crate::schema::{FieldType, PropType};
use crate::time::{self, TimeZone};
use serde_json::{Map, Value};

/// Deepest nesting of operators accepted in one condition; deeper rules are rejected with a
/// diagnostic instead of risking the stack of a phone's webview.
pub const MAX_DEPTH: usize = 64;

/// The static type of an expression, as far as the compiler can tell. Used to reject
/// comparisons that can never mean what the author intended (a string against a number field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Any,
    Null,
    Num,
    Str,
    Bool,
    Time,
    /// An ordered enumeration: the field slot whose `values` define it.
    Enum(u16),
    List,
}

/// A declared client field as the compiler sees it.
#[derive(Debug, Clone)]
pub struct FieldSym {
    pub name: String,
    pub ty: FieldType,
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EventSym {
    pub name: String,
    /// Declared properties, in index order.
    pub props: Vec<(String, PropType)>,
}

#[derive(Debug, Clone)]
pub struct TagSym {
    pub name: String,
    /// Tier ids of a multi-tier tag; empty for a boolean tag.
    pub tiers: Vec<String>,
}

/// Everything a rule set's conditions may refer to.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    pub fields: Vec<FieldSym>,
    pub events: Vec<EventSym>,
    pub tags: Vec<TagSym>,
    pub layers: Vec<String>,
    pub tz: TimeZone,
}

impl Symbols {
    fn field(&self, name: &str) -> Option<(u16, &FieldSym)> {
        self.fields.iter().position(|f| f.name == name).map(|i| (i as u16, &self.fields[i]))
    }
}

/// References a compiled condition makes to tags and layers, for dependency ordering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refs {
    pub tags: Vec<u16>,
    pub layers: Vec<u16>,
    /// Declared fields read (slots), for the privacy manifest and the trace.
    pub fields: Vec<u16>,
}

/// Where `var` looks.
#[derive(Clone, Copy)]
enum Scope<'s> {
    /// Plain JsonLogic data (`applyLogic`).
    Data,
    /// A rule set's client fields.
    Client,
    /// Inside `map`/`filter`/... : the current element.
    Element,
    /// Inside an event aggregate's `where`: the event's properties.
    Event(&'s EventSym),
}

pub struct Compiler<'s> {
    syms: Option<&'s Symbols>,
    pub diagnostics: Vec<Diagnostic>,
    pub refs: Refs,
}

type Compiled = (Expr, Ty);

impl<'s> Compiler<'s> {
    /// A compiler for plain JsonLogic (no fields, no domain operators).
    pub fn generic() -> Compiler<'static> {
        Compiler { syms: None, diagnostics: Vec::new(), refs: Refs::default() }
    }

    /// A compiler for conditions of a rule set.
    pub fn for_rules(syms: &'s Symbols) -> Compiler<'s> {
        Compiler { syms: Some(syms), diagnostics: Vec::new(), refs: Refs::default() }
    }

    /// Compiles one condition found at `path`. Diagnostics accumulate in `self.diagnostics`.
    pub fn compile(&mut self, logic: &Value, path: &str) -> Compiled {
        let scope = if self.syms.is_some() { Scope::Client } else { Scope::Data };
        self.expr(logic, path, scope, 0)
    }

    /// Takes the references collected since the last call.
    pub fn take_refs(&mut self) -> Refs {
        std::mem::take(&mut self.refs)
    }

    fn err(&mut self, code: &'static str, path: impl Into<String>, msg: impl Into<String>) -> Compiled {
        self.diagnostics.push(Diagnostic::error(code, path, msg));
        (Expr::Lit(Lit::Null), Ty::Any)
    }

    fn expr(&mut self, v: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Compiled {
        if depth > MAX_DEPTH {
            return self.err(
                "too-deep",
                path,
                format!("conditions may nest at most {MAX_DEPTH} levels; split this rule into tags"),
            );
        }
        match v {
            Value::Array(items) => {
                let parts: Vec<Compiled> =
                    items.iter().enumerate().map(|(i, x)| self.expr(x, &join(path, i), scope, depth + 1)).collect();
                if parts.iter().all(|(e, _)| matches!(e, Expr::Lit(_))) {
                    let lits = parts.into_iter().map(|(e, _)| if let Expr::Lit(l) = e { l } else { Lit::Null });
                    (Expr::Lit(Lit::Arr(lits.collect())), Ty::Any)
                } else {
                    (Expr::List(parts.into_iter().map(|(e, _)| e).collect()), Ty::Any)
                }
            }
            Value::Object(map) if map.len() == 1 => {
                let Some((op, args)) = map.iter().next() else { return (Expr::Lit(Lit::Null), Ty::Null) };
                self.operation(op, args, &join(path, op), scope, depth)
            }
            other => (Expr::Lit(Lit::from_json(other)), lit_ty(other)),
        }
    }

    /// Operator arguments: JsonLogic wraps a single non-array argument into a list.
    fn args(&mut self, args: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Vec<Compiled> {
        match args {
            Value::Array(items) => {
                items.iter().enumerate().map(|(i, x)| self.expr(x, &join(path, i), scope, depth + 1)).collect()
            }
            one => vec![self.expr(one, path, scope, depth + 1)],
        }
    }

    fn operation(&mut self, op: &str, raw: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Compiled {
        // Domain operators take an object of named options; handle them before generic arguments.
        if let Some(r) = self.domain(op, raw, path, scope, depth) {
            return r;
        }
        match op {
            "var" => return self.var(raw, path, scope, depth),
            // The body of an iteration sees each element, not the client: compile it in its own scope.
            "map" | "filter" | "all" | "some" | "none" | "reduce" => {
                return self.iteration(op, raw, path, scope, depth);
            }
            "missing" | "missing_some" if matches!(scope, Scope::Client) => {
                return self.missing_fields(op, raw, path);
            }
            _ => {}
        }
        let args = self.args(raw, path, scope, depth);
        let n = args.len();
        let exprs = |a: Vec<Compiled>| a.into_iter().map(|(e, _)| e).collect::<Box<[Expr]>>();
        match op {
            "if" | "?:" => (Expr::If(exprs(args)), Ty::Any),
            "and" => (Expr::And(exprs(args)), Ty::Any),
            "or" => (Expr::Or(exprs(args)), Ty::Any),
            "!" => (Expr::Not(Box::new(first(args))), Ty::Bool),
            "!!" => (Expr::Truthy(Box::new(first(args))), Ty::Bool),
            "==" | "!=" | "===" | "!==" => {
                let args = self.check_operands(op, args, path);
                let mut it = args.into_iter().map(|(e, _)| e);
                let a = Box::new(it.next().unwrap_or(Expr::Lit(Lit::Null)));
                let b = Box::new(it.next().unwrap_or(Expr::Lit(Lit::Null)));
                let e = match op {
                    "==" => Expr::LooseEq(a, b, true),
                    "!=" => Expr::LooseEq(a, b, false),
                    "===" => Expr::StrictEq(a, b, true),
                    _ => Expr::StrictEq(a, b, false),
                };
                (e, Ty::Bool)
            }
            "<" | "<=" | ">" | ">=" => {
                let cmp = match op {
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                if !(2..=3).contains(&n) {
                    self.diagnostics.push(Diagnostic::error(
                        "wrong-arity",
                        path,
                        format!("`{op}` takes 2 operands (or 3 for a range), found {n}"),
                    ));
                }
                let args = self.check_operands(op, args, path);
                if let [(Expr::Field(slot, None), Ty::Num), (Expr::Lit(Lit::Num(k)), _)] = args.as_slice() {
                    return (Expr::FieldCmpNum(*slot, cmp, *k), Ty::Bool);
                }
                // A numeric operand is never a string, so JavaScript compares the two as numbers.
                if args.len() == 2 && (args[0].1 == Ty::Num || args[1].1 == Ty::Num) {
                    let mut it = args.into_iter().map(|(e, _)| Box::new(e));
                    if let (Some(a), Some(b)) = (it.next(), it.next()) {
                        return (Expr::NumCmp(cmp, a, b), Ty::Bool);
                    }
                    return (Expr::Lit(Lit::Null), Ty::Any);
                }
                (Expr::Cmp(cmp, exprs(args)), Ty::Bool)
            }
            "+" => (Expr::Add(exprs(args)), Ty::Num),
            "*" => (Expr::Mul(exprs(args)), Ty::Num),
            "-" => (Expr::Sub(exprs(args)), Ty::Num),
            "/" | "%" => {
                let mut it = args.into_iter().map(|(e, _)| Box::new(e));
                let a = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Null)));
                let b = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Null)));
                (if op == "/" { Expr::Div(a, b) } else { Expr::Mod(a, b) }, Ty::Num)
            }
            "min" => (Expr::Min(exprs(args)), Ty::Num),
            "max" => (Expr::Max(exprs(args)), Ty::Num),
            "cat" => (Expr::Cat(exprs(args)), Ty::Str),
            "substr" => (Expr::Substr(exprs(args)), Ty::Str),
            "in" => {
                let mut it = args.into_iter().map(|(e, _)| Box::new(e));
                let a = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Null)));
                let b = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Null)));
                (Expr::In(a, b), Ty::Bool)
            }
            "merge" => (Expr::Merge(exprs(args)), Ty::Any),
            "missing" => (Expr::Missing(exprs(args)), Ty::Any),
            "missing_some" => {
                let mut it = args.into_iter().map(|(e, _)| Box::new(e));
                let a = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Num(0.0))));
                let b = it.next().unwrap_or_else(|| Box::new(Expr::Lit(Lit::Arr(Box::new([])))));
                (Expr::MissingSome(a, b), Ty::Any)
            }
            "log" => (first(args), Ty::Any),
            _ => {
                let mut known: Vec<&str> = GENERIC_OPS.to_vec();
                if self.syms.is_some() {
                    known.extend(DOMAIN_OPS);
                }
                let mut d = Diagnostic::error("unknown-operator", path, format!("unknown operator `{op}`"));
                if let Some(s) = closest(op, known.iter().copied()) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(d);
                (Expr::Lit(Lit::Null), Ty::Any)
            }
        }
    }

    /// `map`, `filter`, `all`, `some`, `none`, `reduce`: the body sees each element as its data.
    fn iteration(&mut self, op: &str, raw: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Compiled {
        let items: Vec<&Value> = match raw {
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        let null = Value::Null;
        let over = self.expr(items.first().copied().unwrap_or(&null), &join(path, 0), scope, depth + 1).0;
        let body = self.expr(items.get(1).copied().unwrap_or(&null), &join(path, 1), Scope::Element, depth + 1).0;
        if op == "reduce" {
            let init = self.expr(items.get(2).copied().unwrap_or(&null), &join(path, 2), scope, depth + 1).0;
            return (Expr::Reduce(Box::new(over), Box::new(body), Box::new(init)), Ty::Any);
        }
        let it = match op {
            "map" => IterOp::Map,
            "filter" => IterOp::Filter,
            "all" => IterOp::All,
            "some" => IterOp::Some,
            _ => IterOp::None,
        };
        let ty = if matches!(it, IterOp::Map | IterOp::Filter) { Ty::Any } else { Ty::Bool };
        (Expr::Iter(it, Box::new(over), Box::new(body)), ty)
    }

    fn var(&mut self, raw: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Compiled {
        let (name_v, default_v) = match raw {
            Value::Array(a) => (a.first().unwrap_or(&Value::Null), a.get(1)),
            one => (one, None),
        };
        let default = default_v.map(|d| Box::new(self.expr(d, &join(path, 1), scope, depth + 1).0));
        let name = match name_v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => Some(String::new()),
            _ => None,
        };
        let Some(name) = name else {
            if matches!(scope, Scope::Data | Scope::Element) {
                let p = self.expr(name_v, path, scope, depth + 1).0;
                return (Expr::DynData(Box::new(p), default), Ty::Any);
            }
            return self.err("dynamic-var", path, "in a rule set `var` must name a declared field literally");
        };
        match scope {
            Scope::Data | Scope::Element => {
                let segs: Box<[Box<str>]> =
                    if name.is_empty() { Box::new([]) } else { name.split('.').map(Box::from).collect() };
                (Expr::Data(segs, default), Ty::Any)
            }
            Scope::Client => {
                let Some(syms) = self.syms else { return (Expr::Lit(Lit::Null), Ty::Any) };
                match syms.field(&name) {
                    Some((slot, f)) => {
                        self.refs.fields.push(slot);
                        (Expr::Field(slot, default), field_ty(f.ty, slot))
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "undeclared-field",
                            path,
                            format!(
                                "field `{name}` is not declared in `fields`; a rule set reads only the fields it declares"
                            ),
                        );
                        if let Some(s) = closest(&name, syms.fields.iter().map(|f| f.name.as_str())) {
                            d = d.with_suggestion(format!("did you mean `{s}`?"));
                        }
                        self.diagnostics.push(d);
                        (Expr::Lit(Lit::Null), Ty::Any)
                    }
                }
            }
            Scope::Event(ev) => {
                if name == "at" {
                    return (Expr::EventProp(u16::MAX), Ty::Time);
                }
                match ev.props.iter().position(|(p, _)| *p == name) {
                    Some(i) => {
                        let ty = match ev.props[i].1 {
                            PropType::Number => Ty::Num,
                            PropType::String => Ty::Str,
                            PropType::Boolean => Ty::Bool,
                        };
                        (Expr::EventProp(i as u16), ty)
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "undeclared-property",
                            path,
                            format!("event type `{}` declares no property `{name}`", ev.name),
                        );
                        if let Some(s) = closest(&name, ev.props.iter().map(|(p, _)| p.as_str()).chain(["at"])) {
                            d = d.with_suggestion(format!("did you mean `{s}`?"));
                        }
                        self.diagnostics.push(d);
                        (Expr::Lit(Lit::Null), Ty::Any)
                    }
                }
            }
        }
    }

    /// `missing` / `missing_some` over client fields: the names must be literal declared fields.
    fn missing_fields(&mut self, op: &str, raw: &Value, path: &str) -> Compiled {
        let (need, names_v, names_path) = if op == "missing_some" {
            let Value::Array(a) = raw else {
                return self.err("wrong-arity", path, "`missing_some` takes [count, [field, ...]]");
            };
            (a.first().and_then(Value::as_u64).unwrap_or(1), a.get(1).unwrap_or(&Value::Null), join(path, 1))
        } else {
            (0, raw, path.to_string())
        };
        let names: Vec<(String, String)> = match names_v {
            Value::String(s) => vec![(s.clone(), names_path.clone())],
            Value::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (s.to_string(), join(&names_path, i))))
                .collect(),
            _ => return self.err("dynamic-var", path, format!("in a rule set `{op}` takes literal field names")),
        };
        let mut slots = Vec::new();
        for (name, p) in names {
            let (e, _) = self.var(&Value::String(name.clone()), &p, Scope::Client, 0);
            if let Expr::Field(slot, _) = e {
                slots.push((slot, name.into_boxed_str()));
            }
        }
        if op == "missing_some" {
            (Expr::MissingSomeFields(need as u32, slots.into()), Ty::Any)
        } else {
            (Expr::MissingFields(slots.into()), Ty::Any)
        }
    }

    /// Rejects comparisons whose operand types cannot match, and types constants to match a
    /// field (a datetime string compared with a datetime field is parsed once, here).
    fn check_operands(&mut self, op: &str, mut args: Vec<Compiled>, path: &str) -> Vec<Compiled> {
        let Some(syms) = self.syms else { return args };
        for (fi, li) in [(0usize, 1usize), (1, 0)] {
            if args.len() < 2 {
                break;
            }
            let field_ty = args[fi].1;
            let Expr::Lit(lit) = &args[li].0 else { continue };
            let lit_path = join(path, li);
            match (field_ty, lit) {
                (Ty::Num, Lit::Str(s)) if super::value::string_to_number(s).is_nan() => {
                    self.diagnostics.push(Diagnostic::error(
                        "type-mismatch",
                        lit_path,
                        format!("`{op}` compares a number field with the text \"{s}\", which is not a number"),
                    ));
                }
                (Ty::Str, Lit::Num(n)) => {
                    self.diagnostics.push(Diagnostic::error(
                        "type-mismatch",
                        lit_path,
                        format!("`{op}` compares a text field with the number {n}; quote it if it is a code"),
                    ));
                }
                (Ty::Time, Lit::Str(s)) => match time::parse_datetime(s, syms.tz) {
                    Ok(t) => args[li].0 = Expr::Lit(Lit::Time(t)),
                    Err(e) => {
                        self.diagnostics.push(Diagnostic::error("bad-datetime", lit_path, format!("\"{s}\": {e}")));
                    }
                },
                (Ty::Time, Lit::Num(_) | Lit::Bool(_)) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "type-mismatch",
                            lit_path,
                            format!("`{op}` compares a datetime with a number"),
                        )
                        .with_suggestion("use {\"days_since\": {\"var\": ...}} to compare ages in days"),
                    );
                }
                (Ty::Enum(slot), Lit::Str(s)) => {
                    let values = &syms.fields[slot as usize].values;
                    if !values.iter().any(|v| v == s.as_ref()) {
                        let mut d = Diagnostic::error(
                            "unknown-enum-value",
                            lit_path,
                            format!(
                                "\"{s}\" is not one of the values of `{}`: {}",
                                syms.fields[slot as usize].name,
                                values.join(", ")
                            ),
                        );
                        if let Some(c) = closest(s, values.iter().map(String::as_str)) {
                            d = d.with_suggestion(format!("did you mean \"{c}\"?"));
                        }
                        self.diagnostics.push(d);
                    }
                }
                (Ty::Bool, Lit::Str(_) | Lit::Num(_)) => {
                    self.diagnostics.push(Diagnostic::warning(
                        "type-mismatch",
                        lit_path,
                        format!("`{op}` compares a boolean field with a non-boolean constant"),
                    ));
                }
                _ => {}
            }
        }
        args
    }

    /// Domain operators. `None` when `op` is not one (or when not compiling a rule set).
    fn domain(&mut self, op: &str, raw: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Option<Compiled> {
        let syms = self.syms?;
        if !DOMAIN_OPS.contains(&op) {
            return None;
        }
        Some(match op {
            "days_since" | "hours_since" | "minutes_since" => {
                let unit = match op {
                    "days_since" => time::MS_PER_DAY,
                    "hours_since" => time::MS_PER_HOUR,
                    _ => time::MS_PER_MINUTE,
                } as f64;
                let (arg, ty) = first_compiled(self.args(raw, path, scope, depth));
                if !matches!(ty, Ty::Time | Ty::Any | Ty::Str) {
                    self.diagnostics.push(Diagnostic::error(
                        "type-mismatch",
                        path,
                        format!("`{op}` needs a datetime field or text, found a {}", ty_name(ty)),
                    ));
                }
                let arg = match arg {
                    Expr::Lit(Lit::Str(s)) => match time::parse_datetime(&s, syms.tz) {
                        Ok(t) => Expr::Lit(Lit::Time(t)),
                        Err(e) => return Some(self.err("bad-datetime", path, format!("\"{s}\": {e}"))),
                    },
                    other => other,
                };
                (Expr::Since(Box::new(arg), unit), Ty::Num)
            }
            "count_events" | "sum_events" | "first_event" | "last_event" => self.events(op, raw, path, depth),
            "followed_by" => self.followed_by(raw, path),
            "tag" => self.tag_ref(raw, path),
            "tier" => {
                let Some(name) = raw.as_str().or_else(|| raw.get(0).and_then(Value::as_str)) else {
                    return Some(self.err("bad-operator-args", path, "`tier` takes a tag id"));
                };
                match self.tag_index(name, path) {
                    Some(i) => (Expr::TagTier(i), Ty::Str),
                    None => (Expr::Lit(Lit::Null), Ty::Any),
                }
            }
            "layer" => {
                let Some(name) = raw.as_str().or_else(|| raw.get(0).and_then(Value::as_str)) else {
                    return Some(self.err("bad-operator-args", path, "`layer` takes a layer id"));
                };
                match syms.layers.iter().position(|l| l == name) {
                    Some(i) => {
                        self.refs.layers.push(i as u16);
                        (Expr::Layer(i as u16), Ty::Bool)
                    }
                    None => {
                        let mut d = Diagnostic::error("unknown-layer", path, format!("no layer `{name}` is declared"));
                        if let Some(s) = closest(name, syms.layers.iter().map(String::as_str)) {
                            d = d.with_suggestion(format!("did you mean `{s}`?"));
                        }
                        self.diagnostics.push(d);
                        (Expr::Lit(Lit::Null), Ty::Any)
                    }
                }
            }
            _ => self.rank(op, raw, path, scope, depth),
        })
    }

    fn tag_index(&mut self, name: &str, path: &str) -> Option<u16> {
        let syms = self.syms?;
        match syms.tags.iter().position(|t| t.name == name) {
            Some(i) => {
                self.refs.tags.push(i as u16);
                Some(i as u16)
            }
            None => {
                let mut d = Diagnostic::error("unknown-tag", path, format!("no tag `{name}` is declared"));
                if let Some(s) = closest(name, syms.tags.iter().map(|t| t.name.as_str())) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// `{"tag": "id"}` → is set; `{"tag": ["asset_band", "tier_id"]}` → is at that tier.
    fn tag_ref(&mut self, raw: &Value, path: &str) -> Compiled {
        let (name, tier) = match raw {
            Value::String(s) => (s.as_str(), None),
            Value::Array(a) if a.len() == 1 || a.len() == 2 => match (a[0].as_str(), a.get(1).map(Value::as_str)) {
                (Some(n), None) => (n, None),
                (Some(n), Some(Some(t))) => (n, Some(t)),
                _ => return self.err("bad-operator-args", path, "`tag` takes a tag id, or [tag id, tier id]"),
            },
            _ => return self.err("bad-operator-args", path, "`tag` takes a tag id, or [tag id, tier id]"),
        };
        let Some(i) = self.tag_index(name, path) else { return (Expr::Lit(Lit::Null), Ty::Any) };
        let Some(tier) = tier else { return (Expr::Tag(i), Ty::Bool) };
        let tiers = self.syms.map(|s| s.tags[i as usize].tiers.clone()).unwrap_or_default();
        match tiers.iter().position(|t| t == tier) {
            Some(ti) => (Expr::TagIs(i, ti as u16), Ty::Bool),
            None => {
                let mut d =
                    Diagnostic::error("unknown-tier", join(path, 1), format!("tag `{name}` has no tier `{tier}`"));
                if let Some(s) = closest(tier, tiers.iter().map(String::as_str)) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(d);
                (Expr::Lit(Lit::Null), Ty::Any)
            }
        }
    }

    fn event_type(&mut self, opts: &Map<String, Value>, key: &str, path: &str) -> Option<u16> {
        let syms = self.syms?;
        let p = join(path, key);
        let Some(name) = opts.get(key).and_then(Value::as_str) else {
            self.diagnostics.push(Diagnostic::error(
                "missing-key",
                path,
                format!("`{key}` (an event type id) is required"),
            ));
            return None;
        };
        match syms.events.iter().position(|e| e.name == name) {
            Some(i) => Some(i as u16),
            None => {
                let mut d =
                    Diagnostic::error("unknown-event", p, format!("no event type `{name}` is declared in `events`"));
                if let Some(s) = closest(name, syms.events.iter().map(|e| e.name.as_str())) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// Reads `withinDays`-style options (a non-negative number of days) as milliseconds.
    fn days_opt(&mut self, opts: &Map<String, Value>, key: &str, path: &str) -> Option<i64> {
        let v = opts.get(key)?;
        match v.as_f64() {
            Some(d) if d >= 0.0 && d.is_finite() => Some((d * time::MS_PER_DAY as f64) as i64),
            _ => {
                self.diagnostics.push(Diagnostic::error(
                    "bad-operator-args",
                    join(path, key),
                    format!("`{key}` must be a non-negative number of days"),
                ));
                None
            }
        }
    }

    fn check_keys(&mut self, opts: &Map<String, Value>, allowed: &[&str], path: &str, op: &str) {
        for k in opts.keys() {
            if !allowed.contains(&k.as_str()) {
                let mut d = Diagnostic::error(
                    "unknown-key",
                    join(path, k),
                    format!("`{op}` has no option `{k}`; options: {}", allowed.join(", ")),
                );
                if let Some(s) = closest(k, allowed.iter().copied()) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(d);
            }
        }
    }

    fn events(&mut self, op: &str, raw: &Value, path: &str, depth: usize) -> Compiled {
        let Value::Object(opts) = raw else {
            return self.err(
                "bad-operator-args",
                path,
                format!("`{op}` takes an object such as {{\"type\": \"login\", \"withinDays\": 30}}"),
            );
        };
        self.check_keys(opts, &["type", "withinDays", "where", "property"], path, op);
        let Some(ty) = self.event_type(opts, "type", path) else { return (Expr::Lit(Lit::Null), Ty::Any) };
        let window_ms = self.days_opt(opts, "withinDays", path);
        let syms = self.syms.unwrap_or_else(|| unreachable_syms());
        let ev = &syms.events[ty as usize];
        let filter =
            opts.get("where").map(|w| Box::new(self.expr(w, &join(path, "where"), Scope::Event(ev), depth + 1).0));
        let prop = match opts.get("property") {
            None => None,
            Some(p) => {
                let name = p.as_str().unwrap_or("");
                match ev.props.iter().position(|(n, _)| n == name) {
                    Some(i) => Some((i as u16, ev.props[i].1)),
                    None => {
                        let mut d = Diagnostic::error(
                            "undeclared-property",
                            join(path, "property"),
                            format!("event type `{}` declares no property `{name}`", ev.name),
                        );
                        if let Some(s) = closest(name, ev.props.iter().map(|(n, _)| n.as_str())) {
                            d = d.with_suggestion(format!("did you mean `{s}`?"));
                        }
                        self.diagnostics.push(d);
                        return (Expr::Lit(Lit::Null), Ty::Any);
                    }
                }
            }
        };
        let (agg, out_ty) = match op {
            "count_events" => (EventAgg::Count, Ty::Num),
            "sum_events" => match prop {
                Some((i, PropType::Number)) => (EventAgg::Sum(i), Ty::Num),
                Some(_) => {
                    return self.err("type-mismatch", join(path, "property"), "`sum_events` needs a number property");
                }
                None => {
                    return self.err(
                        "missing-key",
                        path,
                        "`sum_events` needs `property` (a number property to add up)",
                    );
                }
            },
            _ => {
                let ty = match prop.map(|p| p.1) {
                    None => Ty::Time,
                    Some(PropType::Number) => Ty::Num,
                    Some(PropType::String) => Ty::Str,
                    Some(PropType::Boolean) => Ty::Bool,
                };
                let p = prop.map(|p| p.0);
                (if op == "first_event" { EventAgg::First(p) } else { EventAgg::Last(p) }, ty)
            }
        };
        (Expr::Events { event_type: ty, agg, window_ms, filter }, out_ty)
    }

    fn followed_by(&mut self, raw: &Value, path: &str) -> Compiled {
        let Value::Object(opts) = raw else {
            return self.err(
                "bad-operator-args",
                path,
                "`followed_by` takes {\"first\": event type, \"then\": event type, \"withinDays\": n}",
            );
        };
        self.check_keys(opts, &["first", "then", "withinDays", "sinceDays"], path, "followed_by");
        let first = self.event_type(opts, "first", path);
        let then = self.event_type(opts, "then", path);
        let within_ms = self.days_opt(opts, "withinDays", path);
        let window_ms = self.days_opt(opts, "sinceDays", path);
        match (first, then) {
            (Some(first), Some(then)) => (Expr::FollowedBy { first, then, within_ms, window_ms }, Ty::Bool),
            _ => (Expr::Lit(Lit::Null), Ty::Any),
        }
    }

    /// `rank`, `at_least`, `at_most` over ordered enum fields.
    fn rank(&mut self, op: &str, raw: &Value, path: &str, scope: Scope<'s>, depth: usize) -> Compiled {
        let args = self.args(raw, path, scope, depth);
        let want = if op == "rank" { 1 } else { 2 };
        if args.len() != want {
            return self.err("wrong-arity", path, format!("`{op}` takes {want} operand(s), found {}", args.len()));
        }
        let mut it = args.into_iter();
        let Some((arg, ty)) = it.next() else { return (Expr::Lit(Lit::Null), Ty::Any) };
        let Ty::Enum(slot) = ty else {
            return self.err(
                "type-mismatch",
                join(path, 0),
                format!("`{op}` needs an ordered enum field (type \"enum\" with `values`), found a {}", ty_name(ty)),
            );
        };
        if op == "rank" {
            return (Expr::Rank(Box::new(arg), slot), Ty::Num);
        }
        let syms = self.syms.unwrap_or_else(|| unreachable_syms());
        let values = &syms.fields[slot as usize].values;
        let Some((Expr::Lit(Lit::Str(k)), _)) = it.next() else {
            return self.err(
                "bad-operator-args",
                join(path, 1),
                format!("`{op}` compares with a literal value such as \"C3\""),
            );
        };
        let Some(r) = values.iter().position(|v| v == k.as_ref()) else {
            let mut d = Diagnostic::error(
                "unknown-enum-value",
                join(path, 1),
                format!("\"{k}\" is not one of {}", values.join(", ")),
            );
            if let Some(c) = closest(&k, values.iter().map(String::as_str)) {
                d = d.with_suggestion(format!("did you mean \"{c}\"?"));
            }
            self.diagnostics.push(d);
            return (Expr::Lit(Lit::Null), Ty::Any);
        };
        let cmp = if op == "at_least" { CmpOp::Ge } else { CmpOp::Le };
        (Expr::RankCmp(Box::new(arg), slot, cmp, r as u16 + 1), Ty::Bool)
    }
}

/// Only called where `syms` is known to be present (domain operators run only in rule mode).
fn unreachable_syms() -> &'static Symbols {
    static EMPTY: std::sync::OnceLock<Symbols> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Symbols::default)
}

pub const GENERIC_OPS: [&str; 35] = [
    "var",
    "missing",
    "missing_some",
    "if",
    "?:",
    "and",
    "or",
    "!",
    "!!",
    "==",
    "!=",
    "===",
    "!==",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "min",
    "max",
    "cat",
    "substr",
    "in",
    "merge",
    "map",
    "filter",
    "reduce",
    "all",
    "some",
    "none",
    "log",
];

pub const DOMAIN_OPS: [&str; 14] = [
    "days_since",
    "hours_since",
    "minutes_since",
    "count_events",
    "sum_events",
    "first_event",
    "last_event",
    "followed_by",
    "tag",
    "tier",
    "layer",
    "rank",
    "at_least",
    "at_most",
];

fn first(args: Vec<Compiled>) -> Expr {
    first_compiled(args).0
}

fn first_compiled(args: Vec<Compiled>) -> Compiled {
    args.into_iter().next().unwrap_or((Expr::Lit(Lit::Null), Ty::Null))
}

fn lit_ty(v: &Value) -> Ty {
    match v {
        Value::Null => Ty::Null,
        Value::Bool(_) => Ty::Bool,
        Value::Number(_) => Ty::Num,
        Value::String(_) => Ty::Str,
        _ => Ty::Any,
    }
}

fn field_ty(t: FieldType, slot: u16) -> Ty {
    match t {
        FieldType::Number | FieldType::Integer => Ty::Num,
        FieldType::String => Ty::Str,
        FieldType::Boolean => Ty::Bool,
        FieldType::Datetime => Ty::Time,
        FieldType::Enum => Ty::Enum(slot),
        FieldType::List => Ty::List,
    }
}

pub fn ty_name(t: Ty) -> &'static str {
    match t {
        Ty::Any => "value",
        Ty::Null => "null",
        Ty::Num => "number",
        Ty::Str => "text",
        Ty::Bool => "boolean",
        Ty::Time => "datetime",
        Ty::Enum(_) => "enum value",
        Ty::List => "list",
    }
}
