//! Differential property test: random conditions over random clients. Each condition runs three
//! ways — compiled against a rule set and evaluated one client at a time (field slots, typed
//! fast paths), the same over blocks of 64 clients (columns, lane masks), and as plain JsonLogic
//! over the record as JSON (the path the official suite checks) — and all must agree.

use clientseg::{Context, Engine};
use serde_json::{Value, json};

/// SplitMix64: a tiny seeded generator, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const NUM_FIELDS: [&str; 3] = ["aum", "logins", "score"];
const STR_VALUES: [&str; 4] = ["app", "wechat", "", "0"];
const CLASSES: [&str; 5] = ["C1", "C2", "C3", "C4", "C5"];
const HOLDINGS: [&str; 4] = ["stock", "fund", "wm", "bond"];

fn num_lit(r: &mut Rng) -> Value {
    let choices = [json!(0), json!(1), json!(10000), json!(-5), json!(2.5), json!(100000)];
    r.pick(&choices).clone()
}

/// A numeric-ish operand: a number field (sometimes with a default), a literal or arithmetic.
fn num_expr(r: &mut Rng, depth: u32) -> Value {
    match r.below(if depth > 2 { 3 } else { 6 }) {
        0 | 1 => json!({"var": r.pick(&NUM_FIELDS)}),
        2 => num_lit(r),
        3 => json!({"var": [r.pick(&NUM_FIELDS), num_lit(r)]}),
        4 => {
            let op = *r.pick(&["+", "-", "*", "/", "%", "min", "max"]);
            json!({op: [num_expr(r, depth + 1), num_expr(r, depth + 1)]})
        }
        _ => json!({"if": [cond(r, depth + 1), num_expr(r, depth + 1), num_expr(r, depth + 1)]}),
    }
}

fn cond(r: &mut Rng, depth: u32) -> Value {
    let leaf = depth > 3;
    match r.below(if leaf { 7 } else { 12 }) {
        0 | 1 => {
            let op = *r.pick(&["<", "<=", ">", ">="]);
            json!({op: [num_expr(r, depth + 1), num_expr(r, depth + 1)]})
        }
        2 => json!({"<": [num_lit(r), {"var": r.pick(&NUM_FIELDS)}, num_lit(r)]}),
        3 => {
            let op = *r.pick(&["==", "!=", "===", "!=="]);
            let any_field = *r.pick(&["aum", "logins", "channel", "vip", "risk_class", "holdings"]);
            match r.below(8) {
                0 => json!({op: [{"var": "channel"}, r.pick(&STR_VALUES)]}),
                1 => json!({op: [{"var": r.pick(&NUM_FIELDS)}, num_lit(r)]}),
                2 => json!({op: [{"var": "risk_class"}, r.pick(&CLASSES)]}),
                3 => json!({op: [num_lit(r), {"var": *r.pick(&["vip", "aum"])}]}),
                // Null and text against every kind of field, on either side.
                5 => json!({op: [{"var": any_field}, null]}),
                6 => json!({op: [null, {"var": any_field}]}),
                7 => {
                    // Text against a list and a string field (an enum only takes its own values: case 2).
                    let text_field = *r.pick(&["channel", "holdings"]);
                    json!({op: [r.pick(&["fund", "0", "1", "app", ""]), {"var": text_field}]})
                }
                _ => json!({op: [{"var": "vip"}, r.below(2) == 0]}),
            }
        }
        4 => json!({*r.pick(&["!!", "!"]): {"var": *r.pick(&["aum", "channel", "vip", "risk_class", "holdings"])}}),
        5 => json!({"in": [r.pick(&HOLDINGS), {"var": "holdings"}]}),
        6 => json!({"in": [{"var": "channel"}, ["app", "wechat"]]}),
        7 => json!({"and": [cond(r, depth + 1), cond(r, depth + 1)]}),
        8 => json!({"or": [cond(r, depth + 1), cond(r, depth + 1), cond(r, depth + 1)]}),
        9 => json!({"!": cond(r, depth + 1)}),
        10 => json!({"some": [{"var": "holdings"}, {"==": [{"var": ""}, r.pick(&HOLDINGS)]}]}),
        _ => json!({"missing_some": [1 + r.below(2), ["aum", "channel", "vip"]]}),
    }
}

fn client(r: &mut Rng, i: usize) -> Value {
    let mut c = serde_json::Map::new();
    c.insert("id".into(), json!(format!("c{i}")));
    for f in NUM_FIELDS {
        if r.below(5) > 0 {
            // `logins` is declared an integer field: give it integers only.
            let v = if f == "logins" { json!(r.below(20)) } else { num_lit(r) };
            c.insert(f.into(), v);
        }
    }
    if r.below(4) > 0 {
        c.insert("channel".into(), json!(r.pick(&STR_VALUES)));
    }
    if r.below(3) > 0 {
        c.insert("vip".into(), json!(r.below(2) == 0));
    }
    if r.below(3) > 0 {
        c.insert("risk_class".into(), json!(r.pick(&CLASSES)));
    }
    if r.below(3) > 0 {
        let n = r.below(4);
        let h: Vec<&str> = (0..n).map(|_| *r.pick(&HOLDINGS)).collect();
        c.insert("holdings".into(), json!(h));
    }
    Value::Object(c)
}

#[test]
fn compiled_rule_conditions_agree_with_plain_jsonlogic() {
    let mut r = Rng(20261125);
    let mut checked = 0;
    for round in 0..40 {
        let conds: Vec<Value> = (0..25).map(|_| cond(&mut r, 0)).collect();
        let tags: Vec<Value> = conds
            .iter()
            .enumerate()
            .map(|(i, c)| json!({"id": format!("t{i}"), "name": {"zh": "t", "en": "t"}, "when": c}))
            .collect();
        let rules = json!({
            "schemaVersion": 1, "id": "diff", "version": "1", "name": {"zh": "d", "en": "d"},
            "fields": [
                {"id": "aum", "type": "number", "purpose": "p"},
                {"id": "logins", "type": "integer", "purpose": "p"},
                {"id": "score", "type": "number", "purpose": "p"},
                {"id": "channel", "type": "string", "purpose": "p"},
                {"id": "vip", "type": "boolean", "purpose": "p"},
                {"id": "risk_class", "type": "enum", "values": CLASSES, "purpose": "p"},
                {"id": "holdings", "type": "list", "purpose": "p"}
            ],
            "tags": tags
        });
        let engine = match Engine::compile(&rules.to_string()) {
            Ok(e) => e,
            Err(e) => panic!("round {round}: generated rules must compile: {:?}", e.diagnostics),
        };
        let clients: Vec<Value> = (0..150).map(|i| client(&mut r, i)).collect();
        let records: Vec<_> = clients.iter().map(|c| engine.read_client(c).unwrap()).collect();
        let mut block_tags = Vec::new();
        let mut scratch = clientseg::block::BlockScratch::default();
        engine.evaluate_all(&records, &Context::at(0), &mut scratch, |_, ev| block_tags.push(ev.tags.clone()));
        for (i, c) in clients.iter().enumerate() {
            let d = engine.decide_json(c, &Context::at(0)).unwrap();
            for (t, cnd) in conds.iter().enumerate() {
                let compiled = d.tags.contains_key(&format!("t{t}"));
                let plain = clientseg::logic::apply(cnd, c).unwrap();
                let truthy = match &plain {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
                    Value::String(s) => !s.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(_) => true,
                };
                assert_eq!(
                    compiled, truthy,
                    "round {round}, condition {cnd} on client {c}: plain JsonLogic gave {plain}"
                );
                assert_eq!(block_tags[i][t] > 0, truthy, "round {round}: block evaluation of {cnd} on client {c}");
                checked += 1;
            }
        }
    }
    println!("differential: {checked} condition evaluations agree");
}
