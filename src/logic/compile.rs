//! JSON → [`Expr`]: operators are resolved, `var` names become field slots, constants are typed,
//! and every problem is reported as a [`Diagnostic`] at its JSON path. Nothing here evaluates.

use super::ir::{CmpOp, Expr, IterOp, Lit};
use crate::diagnostics::{Diagnostic, closest, join};
use crate::schema::{FieldType, PropType};
use crate::time::{self, TimeZone};
use serde_json::Value;

mod domain;
pub use domain::DOMAIN_OPS;

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
                        format!(
                            "`{op}` compares a text field with the number {}; quote it if it is a code",
                            crate::num::plain(*n)
                        ),
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
