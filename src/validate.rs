//! Stage 2 — validate: the meaning of a structurally valid [`RuleSet`]. Checks ids, duplicates,
//! references outside conditions (SOPs, fallbacks, triggers, consent and suitability fields),
//! the contact policy and the suitability matrix, and builds the [`Symbols`] that conditions
//! are compiled against. Conditions themselves are checked by the compile stage.

use crate::diagnostics::{Diagnostic, closest, join};
use crate::logic::compile::{EventSym, FieldSym, Symbols, TagSym};
use crate::schema::{ConsentSource, ContentKind, FieldType, RuleSet};
use crate::source::Source;
use crate::time::{self, TimeZone};

/// Default product risk levels, lowest first.
pub const DEFAULT_PRODUCT_RISKS: [&str; 5] = ["R1", "R2", "R3", "R4", "R5"];

/// Validates `rules`; returns the symbol table (usable even when there are errors, so the
/// compile stage can report condition problems in the same pass) and the diagnostics.
pub fn validate(rules: &RuleSet) -> (Symbols, Vec<Diagnostic>) {
    let mut v = Validator { diags: Vec::new() };
    let tz = match &rules.time_zone {
        None => TimeZone::default(),
        Some(s) => TimeZone::parse(s).unwrap_or_else(|e| {
            v.diags.push(Diagnostic::error("bad-time-zone", "/timeZone", e));
            TimeZone::default()
        }),
    };
    if rules.id.trim().is_empty() {
        v.diags.push(Diagnostic::error("empty-id", "/id", "the rule set needs a non-empty `id`"));
    }
    v.unique("fields", rules.fields.iter().map(|f| f.id.as_str()));
    v.unique("events", rules.events.iter().map(|e| e.id.as_str()));
    v.unique("tags", rules.tags.iter().map(|t| t.id.as_str()));
    v.unique("layers", rules.layers.iter().map(|l| l.id.as_str()));
    v.unique("sops", rules.sops.iter().map(|s| s.id.as_str()));
    v.unique("actions", rules.actions.iter().map(|a| a.id.as_str()));

    for (i, f) in rules.fields.iter().enumerate() {
        let path = format!("/fields/{i}");
        match (f.field_type, &f.values) {
            (FieldType::Enum, None) => v.diags.push(Diagnostic::error(
                "missing-key",
                &path,
                format!("enum field `{}` needs `values`, lowest first (e.g. [\"C1\", ..., \"C5\"])", f.id),
            )),
            (FieldType::Enum, Some(vals)) => {
                if vals.is_empty() {
                    v.diags.push(Diagnostic::error("empty-enum", join(&path, "values"), "`values` is empty"));
                }
                v.unique(&join(&path, "values")[1..], vals.iter().map(String::as_str));
            }
            (_, Some(_)) => v.diags.push(Diagnostic::error(
                "unexpected-key",
                join(&path, "values"),
                format!("`values` applies only to enum fields; `{}` is not one", f.id),
            )),
            _ => {}
        }
        if f.purpose.trim().is_empty() {
            v.diags.push(Diagnostic::error(
                "missing-purpose",
                join(&path, "purpose"),
                format!("say why the rules read `{}` (data minimisation)", f.id),
            ));
        }
        if matches!(f.id.as_str(), "id" | "events" | "contacts") {
            v.diags.push(Diagnostic::error(
                "reserved-field",
                join(&path, "id"),
                format!("`{}` is part of every record; do not declare it as a field", f.id),
            ));
        }
    }

    let syms = Symbols {
        fields: rules
            .fields
            .iter()
            .map(|f| FieldSym { name: f.id.clone(), ty: f.field_type, values: f.values.clone().unwrap_or_default() })
            .collect(),
        events: rules
            .events
            .iter()
            .map(|e| EventSym {
                name: e.id.clone(),
                props: e.properties.iter().map(|(k, t)| (k.clone(), *t)).collect(),
            })
            .collect(),
        tags: rules
            .tags
            .iter()
            .map(|t| TagSym {
                name: t.id.clone(),
                tiers: t.tiers.as_ref().map(|ts| ts.iter().map(|x| x.id.clone()).collect()).unwrap_or_default(),
            })
            .collect(),
        layers: rules.layers.iter().map(|l| l.id.clone()).collect(),
        tz,
    };

    for (i, t) in rules.tags.iter().enumerate() {
        let path = format!("/tags/{i}");
        match (&t.when, &t.tiers) {
            (Some(_), Some(_)) => v.diags.push(Diagnostic::error(
                "ambiguous-tag",
                &path,
                format!("tag `{}` has both `when` and `tiers`; a tag is boolean or multi-tier", t.id),
            )),
            (None, None) => v.diags.push(Diagnostic::error(
                "missing-key",
                &path,
                format!("tag `{}` needs `when` (boolean tag) or `tiers` (multi-tier tag)", t.id),
            )),
            (None, Some(tiers)) => {
                if tiers.is_empty() {
                    v.diags.push(Diagnostic::error("empty-tiers", join(&path, "tiers"), "`tiers` is empty"));
                }
                v.unique(&join(&path, "tiers")[1..], tiers.iter().map(|x| x.id.as_str()));
            }
            _ => {}
        }
    }

    let layer_ids: Vec<&str> = rules.layers.iter().map(|l| l.id.as_str()).collect();
    let default_layer = rules.default_layer.as_deref();
    if let Some(d) = default_layer {
        v.reference("/defaultLayer", d, "layer", &layer_ids);
    }
    for (i, l) in rules.layers.iter().enumerate() {
        if l.when.is_none() && Some(l.id.as_str()) != default_layer {
            v.diags.push(Diagnostic::error(
                "missing-key",
                format!("/layers/{i}"),
                format!("layer `{}` needs `when` (only the default layer may omit it)", l.id),
            ));
        }
    }

    let sop_ids: Vec<&str> = rules.sops.iter().map(|s| s.id.as_str()).collect();
    let action_ids: Vec<&str> = rules.actions.iter().map(|a| a.id.as_str()).collect();
    let event_ids: Vec<&str> = rules.events.iter().map(|e| e.id.as_str()).collect();
    let risks: Vec<String> = rules
        .suitability
        .as_ref()
        .and_then(|s| s.product_risks.clone())
        .unwrap_or_else(|| DEFAULT_PRODUCT_RISKS.iter().map(|s| s.to_string()).collect());
    for (i, a) in rules.actions.iter().enumerate() {
        let path = format!("/actions/{i}");
        v.reference(&join(&path, "sop"), &a.sop, "SOP", &sop_ids);
        match (&a.priority, &a.score) {
            (Some(_), Some(_)) => v.diags.push(Diagnostic::error(
                "ambiguous-rank",
                &path,
                format!("action `{}` has both `priority` and `score`; give one", a.id),
            )),
            (None, None) => v.diags.push(Diagnostic::error(
                "missing-key",
                &path,
                format!("action `{}` needs `priority` or `score` to be ranked", a.id),
            )),
            _ => {}
        }
        match (&a.product_risk, a.content) {
            (Some(r), _) => v.reference(&join(&path, "productRisk"), r, "product risk level", &risks),
            (None, ContentKind::Product) => v.diags.push(Diagnostic::error(
                "missing-key",
                &path,
                format!("product action `{}` needs `productRisk` (R1–R5) for the suitability check", a.id),
            )),
            _ => {}
        }
        if let Some(fb) = &a.fallback {
            v.reference(&join(&path, "fallback"), fb, "action", &action_ids);
            if !a.personalised {
                v.diags.push(Diagnostic::warning(
                    "useless-fallback",
                    join(&path, "fallback"),
                    format!("`{}` is not personalised, so its fallback is never used", a.id),
                ));
            }
            if let Some(target) = rules.actions.iter().find(|x| &x.id == fb) {
                if target.personalised {
                    v.diags.push(Diagnostic::error(
                        "personalised-fallback",
                        join(&path, "fallback"),
                        format!(
                            "fallback `{fb}` is itself personalised; a fallback must not use personal characteristics"
                        ),
                    ));
                }
                if target.fallback.is_some() || fb == &a.id {
                    v.diags.push(Diagnostic::error(
                        "fallback-chain",
                        join(&path, "fallback"),
                        format!("fallback `{fb}` has a fallback of its own (or is the action itself); chains are not allowed"),
                    ));
                }
            }
        }
        for (j, t) in a.triggers.iter().flatten().enumerate() {
            v.reference(&format!("{path}/triggers/{j}"), t, "event type", &event_ids);
        }
        if let Some(c) = a.cooldown_days.filter(|c| *c < 0.0) {
            v.diags.push(Diagnostic::error(
                "out-of-range",
                join(&path, "cooldownDays"),
                format!("{} is negative", crate::num::plain(c)),
            ));
        }
    }

    if let Some(h) = &rules.holdout {
        for (sop, share) in &h.sops {
            let p = join("/holdout/sops", sop);
            v.reference(&p, sop, "SOP", &sop_ids);
            if !(0.0..=0.5).contains(share) {
                v.diags.push(Diagnostic::error(
                    "out-of-range",
                    p,
                    format!(
                        "holdout share {} must be between 0 and 0.5 (a control group larger than the treated group)",
                        crate::num::plain(*share)
                    ),
                ));
            }
        }
    }

    if let Some(c) = &rules.consent {
        for (ch, src) in &c.channels {
            if let ConsentSource::Field(f) = src {
                v.typed_field(&syms, &join("/consent/channels", ch.as_str()), f, FieldType::Boolean);
            }
        }
        if let Some(f) = &c.personalisation {
            v.typed_field(&syms, "/consent/personalisation", f, FieldType::Boolean);
        }
    }

    if let Some(p) = &rules.contact_policy {
        for (ch, cap) in &p.channels {
            v.window(&join("/contactPolicy/channels", ch.as_str()), cap.window_days);
        }
        if let Some(g) = &p.global {
            v.window("/contactPolicy/global", g.window_days);
        }
        if let Some(q) = &p.quiet_hours {
            for (key, s) in [("start", &q.start), ("end", &q.end)] {
                if let Err(e) = time::parse_hhmm(s) {
                    v.diags.push(Diagnostic::error("bad-time", join("/contactPolicy/quietHours", key), e));
                }
            }
        }
        if let Some(s) = &p.suppression {
            v.window("/contactPolicy/suppression", s.window_days);
            if s.pause_days < 0.0 {
                v.diags.push(Diagnostic::error("out-of-range", "/contactPolicy/suppression/pauseDays", "negative"));
            }
        }
        if p.max_actions_per_decision == Some(0) {
            v.diags.push(Diagnostic::warning(
                "no-actions",
                "/contactPolicy/maxActionsPerDecision",
                "0 means no client ever gets an action",
            ));
        }
    }

    if let Some(s) = &rules.suitability {
        v.suitability(&syms, s, &risks);
    } else if rules.actions.iter().any(|a| a.content == ContentKind::Product) {
        v.diags.push(Diagnostic::error(
            "missing-suitability",
            "",
            "the rule set recommends products but declares no `suitability`: product pushes need the investor-class check",
        ));
    }
    (syms, v.diags)
}

struct Validator {
    diags: Vec<Diagnostic>,
}

impl Validator {
    /// Reports every id that appears more than once in a list.
    fn unique<'a>(&mut self, list: &str, ids: impl IntoIterator<Item = &'a str>) {
        let mut ids = ids.into_iter();
        self.unique_in(list, &mut || ids.next());
    }

    /// [`Validator::unique`] over a `dyn` [`Source`] of ids: one copy of this for every kind of list.
    fn unique_in(&mut self, list: &str, next: &mut dyn Source<&str>) {
        let mut seen = crate::slots::Slots::default();
        let mut i = 0;
        while let Some(id) = next.next_item() {
            if let Err(first) = seen.insert(id) {
                self.diags.push(Diagnostic::error(
                    "duplicate-id",
                    format!("/{list}/{i}"),
                    format!("`{id}` is declared twice in `{list}` (first at index {first})"),
                ));
            }
            if id.trim().is_empty() {
                self.diags.push(Diagnostic::error("empty-id", format!("/{list}/{i}"), "ids must not be empty"));
            }
            i += 1;
        }
    }

    fn reference(&mut self, path: &str, id: &str, what: &str, known: &[impl AsRef<str>]) {
        if known.iter().any(|k| k.as_ref() == id) {
            return;
        }
        let mut d = Diagnostic::error("unknown-reference", path, format!("no {what} `{id}` is declared"));
        if let Some(s) = closest(id, known.iter().map(AsRef::as_ref)) {
            d = d.with_suggestion(format!("did you mean `{s}`?"));
        }
        self.diags.push(d);
    }

    fn typed_field(&mut self, syms: &Symbols, path: &str, id: &str, want: FieldType) {
        match syms.fields.iter().find(|f| f.name == id) {
            Some(f) if f.ty == want => {}
            Some(f) => self.diags.push(Diagnostic::error(
                "type-mismatch",
                path,
                format!("field `{id}` is {}, but {} is needed here", f.ty.as_str(), want.as_str()),
            )),
            None => {
                let names: Vec<&str> = syms.fields.iter().map(|f| f.name.as_str()).collect();
                let mut d =
                    Diagnostic::error("undeclared-field", path, format!("field `{id}` is not declared in `fields`"));
                if let Some(s) = closest(id, names) {
                    d = d.with_suggestion(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            }
        }
    }

    fn window(&mut self, path: &str, days: f64) {
        if !(days > 0.0 && days <= 3660.0) {
            self.diags.push(Diagnostic::error(
                "out-of-range",
                join(path, "windowDays"),
                format!("windowDays {} must be more than 0 and at most 3660", crate::num::plain(days)),
            ));
        }
    }

    fn suitability(&mut self, syms: &Symbols, s: &crate::schema::Suitability, risks: &[String]) {
        let base = "/suitability";
        self.typed_field(syms, &join(base, "investorClassField"), &s.investor_class_field, FieldType::Enum);
        if let Some(f) = &s.assessed_at_field {
            self.typed_field(syms, &join(base, "assessedAtField"), f, FieldType::Datetime);
        }
        if s.validity_days.is_some() && s.assessed_at_field.is_none() {
            self.diags.push(Diagnostic::error(
                "missing-key",
                base,
                "`validityDays` needs `assessedAtField` (the date of the risk assessment)",
            ));
        }
        self.unique("suitability/productRisks", risks.iter().map(String::as_str));
        let classes: Vec<String> =
            syms.fields.iter().find(|f| f.name == s.investor_class_field).map(|f| f.values.clone()).unwrap_or_default();
        let Some(matrix) = &s.max_product_risk else {
            if classes.len() != risks.len() {
                self.diags.push(Diagnostic::error(
                    "missing-key",
                    base,
                    format!(
                        "{} investor classes but {} product risks: give `maxProductRisk` (the default pairs them one to one)",
                        classes.len(),
                        risks.len()
                    ),
                ));
            }
            return;
        };
        let mut prev = 0;
        for (ci, class) in classes.iter().enumerate() {
            let p = join(&join(base, "maxProductRisk"), class);
            let Some(r) = matrix.get(class) else {
                self.diags.push(Diagnostic::error(
                    "missing-key",
                    join(base, "maxProductRisk"),
                    format!("investor class `{class}` has no maximum product risk"),
                ));
                continue;
            };
            let Some(ri) = risks.iter().position(|x| x == r) else {
                self.reference(&p, r, "product risk level", risks);
                continue;
            };
            // CSRC: the lowest class must not be recommended anything above the lowest risk.
            if ci == 0 && ri != 0 {
                self.diags.push(Diagnostic::error(
                    "lowest-class-above-tolerance",
                    &p,
                    format!(
                        "the lowest investor class `{class}` may only be matched to the lowest product risk `{}`",
                        risks.first().map_or("R1", String::as_str)
                    ),
                ));
            }
            if ri < prev {
                self.diags.push(Diagnostic::warning(
                    "non-monotonic-suitability",
                    &p,
                    format!("`{class}` may take less risk than a lower class"),
                ));
            }
            prev = ri;
        }
        for class in matrix.keys().filter(|k| !classes.contains(k)) {
            self.reference(&join(&join(base, "maxProductRisk"), class), class, "investor class", &classes);
        }
    }
}
