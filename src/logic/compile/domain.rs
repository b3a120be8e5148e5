//! Domain operators of rule-set conditions: time since, event aggregates, `followed_by`, tag,
//! tier and layer references, and ordered-enum ranks. Available to rule sets only.

use super::{Compiled, Compiler, Scope, Symbols, Ty, first_compiled, ty_name};
use crate::diagnostics::{Diagnostic, closest, join};
use crate::logic::ir::{CmpOp, EventAgg, Expr, Lit};
use crate::schema::PropType;
use crate::time;
use serde_json::{Map, Value};

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

impl<'s> Compiler<'s> {
    /// Domain operators. `None` when `op` is not one (or when not compiling a rule set).
    pub(super) fn domain(
        &mut self,
        op: &str,
        raw: &Value,
        path: &str,
        scope: Scope<'s>,
        depth: usize,
    ) -> Option<Compiled> {
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
