//! Stage 3 — compile: a validated [`RuleSet`] → [`Engine`] (the IR). Conditions are compiled to
//! expressions over field slots, tag and layer references are resolved and put in dependency
//! order (cycles are errors), layers that can never be primary are reported, and the contact
//! policy, consent and suitability settings become flat tables.

use crate::diagnostics::{Diagnostic, Severity, join};
use crate::engine::*;
use crate::logic::compile::Compiler;
use crate::logic::ir::{Expr, Lit};
use crate::schema::{Channel, ConsentSource, RuleSet, SuppressionScope};
use crate::time::{self, MS_PER_DAY};
use serde_json::Value;

fn days_ms(d: f64) -> i64 {
    (d * MS_PER_DAY as f64) as i64
}

/// Compiles a parsed rule set (and its document, for the content hash).
///
/// # Errors
/// Every diagnostic (validation and compilation) when any is an error.
pub fn compile(rules: &RuleSet, doc: &Value) -> Result<Engine, CompileError> {
    let (syms, mut diags) = crate::validate::validate(rules);
    let mut c = Compiler::for_rules(&syms);

    // Tags. A tag may use other tags (any order: dependency order is computed), not layers.
    let mut tags = Vec::new();
    let mut tag_deps = Vec::new();
    for (i, t) in rules.tags.iter().enumerate() {
        let path = format!("/tags/{i}");
        let rule = match (&t.when, &t.tiers) {
            (Some(w), _) => TagRule::Bool(c.compile(w, &join(&path, "when")).0),
            (None, Some(tiers)) => TagRule::Tiers(
                tiers
                    .iter()
                    .enumerate()
                    .map(|(j, tier)| {
                        let e = c.compile(&tier.when, &format!("{path}/tiers/{j}/when")).0;
                        (tier.id.clone(), tier.name.clone(), e)
                    })
                    .collect(),
            ),
            (None, None) => TagRule::Bool(Expr::Lit(Lit::Bool(false))),
        };
        let refs = c.take_refs();
        if !refs.layers.is_empty() {
            c.diagnostics.push(Diagnostic::error(
                "tag-uses-layer",
                &path,
                format!("tag `{}` refers to a layer; layers are computed from tags, not the other way round", t.id),
            ));
        }
        tags.push(TagDef { id: t.id.clone(), name: t.name.clone(), rule, reads: dedup(refs.fields.clone()) });
        tag_deps.push(refs.tags);
    }
    let tag_order =
        order("tag", "/tags", &syms.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(), &tag_deps, &mut diags);

    // Layers: may use tags and other layers.
    let mut layers = Vec::new();
    let mut layer_deps = Vec::new();
    for (i, l) in rules.layers.iter().enumerate() {
        let when = l.when.as_ref().map(|w| c.compile(w, &format!("/layers/{i}/when")).0);
        let refs = c.take_refs();
        layers.push(LayerDef { id: l.id.clone(), name: l.name.clone(), when, reads: dedup(refs.fields.clone()) });
        layer_deps.push(refs.layers);
    }
    let layer_order = order("layer", "/layers", &syms.layers, &layer_deps, &mut diags);
    shadowed_layers(&layers, &mut diags);
    let default_layer =
        rules.default_layer.as_ref().and_then(|d| syms.layers.iter().position(|l| l == d)).map(|i| i as u16);

    let sops: Vec<SopDef> = rules
        .sops
        .iter()
        .map(|s| SopDef {
            id: s.id.clone(),
            name: s.name.clone(),
            holdout: rules.holdout.as_ref().and_then(|h| h.sops.get(&s.id).copied()).unwrap_or(0.0),
            holdout_prefix: crate::hash::hash_prefix(&[
                rules.holdout.as_ref().map_or("", |h| h.salt.as_str()),
                s.id.as_str(),
            ]),
        })
        .collect();
    fn index_of<'a>(mut ids: impl Iterator<Item = &'a String>, id: &str) -> Option<u16> {
        ids.position(|x| x == id).map(|i| i as u16)
    }
    let risks: Vec<String> = rules
        .suitability
        .as_ref()
        .and_then(|s| s.product_risks.clone())
        .unwrap_or_else(|| crate::validate::DEFAULT_PRODUCT_RISKS.iter().map(|s| s.to_string()).collect());

    let mut actions = Vec::new();
    for (i, a) in rules.actions.iter().enumerate() {
        let path = format!("/actions/{i}");
        let when = a.when.as_ref().map(|w| c.compile(w, &join(&path, "when")).0);
        let rank = match (&a.priority, &a.score) {
            (_, Some(s)) => {
                let sp = join(&path, "score");
                let mut part = |v: &Option<Value>, key: &str| v.as_ref().map(|v| c.compile(v, &join(&sp, key)).0);
                RankRule::Score([
                    part(&Some(s.propensity.clone()), "propensity"),
                    part(&s.context_weight, "contextWeight"),
                    part(&s.value, "value"),
                    part(&s.lever, "lever"),
                ])
            }
            (Some(p), None) => RankRule::Priority(*p),
            (None, None) => RankRule::Priority(0.0),
        };
        let refs = c.take_refs();
        actions.push(ActionDef {
            id: a.id.clone(),
            name: a.name.clone(),
            sop: index_of(rules.sops.iter().map(|s| &s.id), &a.sop).unwrap_or(0),
            channel: a.channel,
            content: a.content,
            when,
            rank,
            product_risk: a.product_risk.as_ref().and_then(|r| risks.iter().position(|x| x == r)).map(|i| i as u16 + 1),
            cooldown_ms: a.cooldown_days.map(days_ms),
            personalised: a.personalised,
            fallback: a.fallback.as_ref().and_then(|f| index_of(rules.actions.iter().map(|x| &x.id), f)),
            is_fallback: rules.actions.iter().any(|x| x.fallback.as_deref() == Some(a.id.as_str())),
            triggers: a
                .triggers
                .iter()
                .flatten()
                .filter_map(|t| index_of(rules.events.iter().map(|e| &e.id), t))
                .collect(),
            reads: dedup(refs.fields),
        });
    }
    diags.append(&mut c.diagnostics);

    let policy = policy(rules);
    let mut consent = [ConsentDef::Deny; 6];
    let field_slot = |id: &str| syms.fields.iter().position(|f| f.name == id).map(|i| i as u16);
    let mut personalisation = None;
    if let Some(cs) = &rules.consent {
        for (ch, src) in &cs.channels {
            consent[ch.index()] = match src {
                ConsentSource::Fixed(true) => ConsentDef::Allow,
                ConsentSource::Fixed(false) => ConsentDef::Deny,
                ConsentSource::Field(f) => field_slot(f).map_or(ConsentDef::Deny, ConsentDef::Field),
            };
        }
        personalisation = cs.personalisation.as_deref().and_then(field_slot);
    }
    let suitability = rules.suitability.as_ref().and_then(|s| {
        let class_field = field_slot(&s.investor_class_field)?;
        let classes = &syms.fields[class_field as usize].values;
        let max_risk = classes
            .iter()
            .enumerate()
            .map(|(ci, class)| match &s.max_product_risk {
                Some(m) => m.get(class).and_then(|r| risks.iter().position(|x| x == r)).map_or(0, |i| i as u16 + 1),
                None => (ci.min(risks.len().saturating_sub(1)) + 1) as u16,
            })
            .collect();
        Some(SuitabilityDef {
            class_field,
            assessed_field: s.assessed_at_field.as_deref().and_then(field_slot),
            validity_ms: s.validity_days.map(days_ms),
            product_risks: risks.clone(),
            max_risk,
        })
    });

    if diags.iter().any(Diagnostic::is_error) {
        sort_diagnostics(&mut diags);
        return Err(CompileError { diagnostics: diags });
    }
    sort_diagnostics(&mut diags);
    // Keys sorted (serde_json's map is ordered), no white space: the same text in every runtime.
    let canonical = crate::json::text(doc);
    let enums = syms.fields.iter().map(|f| f.values.iter().map(|v| v.as_str().into()).collect()).collect();
    let tiers = syms.tags.iter().map(|t| t.tiers.iter().map(|v| v.as_str().into()).collect()).collect();
    Ok(Engine {
        id: rules.id.clone(),
        version: rules.version.clone(),
        name: rules.name.clone(),
        tz: syms.tz,
        fields: rules
            .fields
            .iter()
            .map(|f| FieldDef {
                id: f.id.clone(),
                ty: f.field_type,
                required: f.required,
                sensitive: f.sensitive,
                purpose: f.purpose.clone(),
                unit: f.unit.clone(),
                name: f.name.clone(),
            })
            .collect(),
        enums,
        field_slots: slots(rules.fields.iter().map(|f| &f.id)),
        event_slots: slots(rules.events.iter().map(|e| &e.id)),
        events: syms.events.iter().map(|e| EventDef { id: e.name.clone(), props: e.props.clone() }).collect(),
        tags,
        tag_order,
        tiers,
        layers,
        layer_order,
        default_layer,
        sops,
        action_slots: slots(rules.actions.iter().map(|a| &a.id)),
        actions,
        policy,
        consent,
        personalisation,
        suitability,
        warnings: diags,
        content_hash: format!("sha256:{}", crate::hash::hex(&crate::hash::sha256(canonical.as_bytes()))),
    })
}

fn slots<'a>(ids: impl Iterator<Item = &'a String>) -> Slots {
    Slots::new(ids.map(String::as_str))
}

fn dedup(mut v: Vec<u16>) -> Vec<u16> {
    crate::sort::sort_by_key(&mut v, |x| *x);
    v.dedup();
    v
}

/// Errors first, then document order.
fn sort_diagnostics(d: &mut [Diagnostic]) {
    crate::sort::sort_by_key(d, |x| x.severity == Severity::Warning);
}

/// Topological order of `deps` (i depends on deps[i]); a cycle is an error naming its members.
fn order(kind: &str, list: &str, names: &[String], deps: &[Vec<u16>], diags: &mut Vec<Diagnostic>) -> Vec<u16> {
    // 0 = unvisited, 1 = on the current path, 2 = done. Iterative, so a long chain cannot
    // overflow the stack.
    let n = deps.len();
    let mut state = vec![0u8; n];
    let mut out = Vec::with_capacity(n);
    let mut reported = vec![false; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some((node, next)) = stack.last().copied() {
            match deps[node].get(next) {
                Some(&d) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    let d = d as usize;
                    if d >= n {
                        continue;
                    }
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => {
                            let start = stack.iter().position(|(x, _)| *x == d).unwrap_or(0);
                            let cycle: Vec<usize> = stack[start..].iter().map(|(x, _)| *x).collect();
                            if !cycle.iter().any(|x| reported[*x]) {
                                let names_path: Vec<&str> =
                                    cycle.iter().chain([&d]).map(|x| names[*x].as_str()).collect();
                                diags.push(Diagnostic::error(
                                    if kind == "tag" { "tag-cycle" } else { "layer-cycle" },
                                    format!("{list}/{d}"),
                                    format!("{kind}s refer to each other in a cycle: {}", names_path.join(" → ")),
                                ));
                                cycle.iter().for_each(|x| reported[*x] = true);
                            }
                        }
                        _ => {}
                    }
                }
                None => {
                    state[node] = 2;
                    out.push(node as u16);
                    stack.pop();
                }
            }
        }
    }
    out
}

/// The conjuncts a condition requires: `{"and": [a, b]}` requires a and b.
fn atoms(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::And(parts) => parts.iter().flat_map(atoms).collect(),
        Expr::Lit(l) if l.truthy() => Vec::new(),
        other => vec![other],
    }
}

/// A layer can never be primary when an earlier layer's requirements are a subset of its own
/// (whenever it matches, the earlier one does too), or when it requires an earlier layer.
fn shadowed_layers(layers: &[LayerDef], diags: &mut Vec<Diagnostic>) {
    for (i, l) in layers.iter().enumerate() {
        let Some(when) = &l.when else { continue };
        if matches!(when, Expr::Lit(lit) if !lit.truthy()) {
            diags.push(Diagnostic::warning(
                "unreachable-layer",
                format!("/layers/{i}/when"),
                format!("layer `{}` has a condition that is always false", l.id),
            ));
            continue;
        }
        let mine = atoms(when);
        let by_ref = mine.iter().find_map(|a| match a {
            Expr::Layer(j) if (*j as usize) < i => Some(*j as usize),
            _ => None,
        });
        let by_subset = layers[..i]
            .iter()
            .position(|e| e.when.as_ref().is_some_and(|ew| atoms(ew).iter().all(|ea| mine.iter().any(|m| m == ea))));
        if let Some(j) = by_ref.or(by_subset) {
            diags.push(
                Diagnostic::warning(
                    "shadowed-layer",
                    format!("/layers/{i}"),
                    format!(
                        "layer `{}` can never be primary: every client it matches also matches `{}`, which comes first",
                        l.id, layers[j].id
                    ),
                )
                .with_suggestion("move it above that layer or narrow the earlier layer's condition"),
            );
        }
    }
}

fn policy(rules: &RuleSet) -> PolicyDef {
    let Some(p) = &rules.contact_policy else { return PolicyDef { max_actions: 1, ..PolicyDef::default() } };
    let cap = |c: &crate::schema::Cap| CapDef { max: c.max, window_ms: days_ms(c.window_days) };
    let mut caps = [None; 6];
    for (ch, c) in &p.channels {
        caps[ch.index()] = Some(cap(c));
    }
    PolicyDef {
        caps,
        global: p.global.as_ref().map(cap),
        quiet: p.quiet_hours.as_ref().and_then(|q| {
            let mut channels = [false; 6];
            match &q.channels {
                Some(list) => list.iter().for_each(|c| channels[c.index()] = true),
                None => Channel::ALL.iter().filter(|c| **c != Channel::InApp).for_each(|c| channels[c.index()] = true),
            }
            Some(QuietDef {
                start: time::parse_hhmm(&q.start).ok()?,
                end: time::parse_hhmm(&q.end).ok()?,
                mode: q.mode,
                channels,
            })
        }),
        suppression: p.suppression.as_ref().map(|s| SuppressionDef {
            rejections: s.rejections,
            window_ms: days_ms(s.window_days),
            pause_ms: days_ms(s.pause_days),
            scope: s.scope.unwrap_or(SuppressionScope::Action),
        }),
        max_actions: p.max_actions_per_decision.unwrap_or(1),
    }
}
