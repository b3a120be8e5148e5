//! Malformed rule sets and clients get clear diagnostics (what, where, why) — never a panic.

use clientseg::{Diagnostic, Engine, validate_rules};
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "schemaVersion": 1,
        "id": "t",
        "version": "1",
        "name": {"zh": "测试", "en": "test"},
        "fields": [
            {"id": "aum", "type": "number", "unit": "CNY", "sensitive": true, "purpose": "asset bands"},
            {"id": "channel", "type": "string", "purpose": "acquisition channel"},
            {"id": "opened_at", "type": "datetime", "purpose": "funnel"},
            {"id": "risk_class", "type": "enum", "values": ["C1", "C2", "C3", "C4", "C5"], "purpose": "suitability"}
        ],
        "tags": [
            {"id": "rich", "name": {"zh": "富", "en": "rich"}, "when": {">=": [{"var": "aum"}, 100000]}}
        ]
    })
}

fn diags(doc: &Value) -> Vec<Diagnostic> {
    validate_rules(&doc.to_string())
}

fn has(d: &[Diagnostic], code: &str, path: &str) -> bool {
    d.iter().any(|x| x.code == code && x.path == path)
}

#[test]
fn the_base_rule_set_is_valid() {
    assert_eq!(diags(&base()), vec![]);
}

#[test]
fn invalid_json_reports_line_and_column() {
    let d = validate_rules("{\n  \"schemaVersion\": 1,\n  \"id\": \"x\",,\n}");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "invalid-json");
    assert!(d[0].message.contains("line 3"), "{}", d[0].message);
    let d = validate_rules("");
    assert_eq!(d[0].code, "invalid-json");
}

#[test]
fn unknown_keys_are_all_reported_with_suggestions() {
    let mut doc = base();
    doc["tagz"] = json!([]);
    doc["tags"][0]["wehn"] = json!(true);
    let d = diags(&doc);
    assert!(has(&d, "unknown-key", "/tagz"), "{d:?}");
    let k = d.iter().find(|x| x.path == "/tags/0/wehn").expect("nested unknown key reported");
    assert_eq!(k.code, "unknown-key");
    assert_eq!(k.suggestion.as_deref(), Some("did you mean \"when\"?"));
}

#[test]
fn undeclared_field_gets_did_you_mean() {
    let mut doc = base();
    doc["tags"][0]["when"] = json!({">=": [{"var": "aum_cny"}, 100000]});
    let d = diags(&doc);
    let x = d.iter().find(|x| x.code == "undeclared-field").expect("undeclared field");
    assert_eq!(x.path, "/tags/0/when/>=/0/var");
    assert_eq!(x.suggestion.as_deref(), Some("did you mean `aum`?"));
}

#[test]
fn tag_cycles_are_rejected_with_their_members() {
    let mut doc = base();
    doc["tags"] = json!([
        {"id": "a", "name": {"zh": "a", "en": "a"}, "when": {"tag": "b"}},
        {"id": "b", "name": {"zh": "b", "en": "b"}, "when": {"and": [{"tag": "c"}, true]}},
        {"id": "c", "name": {"zh": "c", "en": "c"}, "when": {"tag": "a"}},
        {"id": "self", "name": {"zh": "s", "en": "s"}, "when": {"tag": "self"}}
    ]);
    let d = diags(&doc);
    let cycles: Vec<_> = d.iter().filter(|x| x.code == "tag-cycle").collect();
    assert_eq!(cycles.len(), 2, "{d:?}");
    assert!(cycles[0].message.contains("a → b → c → a"), "{}", cycles[0].message);
}

#[test]
fn type_mismatches_are_errors() {
    let mut doc = base();
    doc["tags"][0]["when"] = json!({"==": [{"var": "aum"}, "lots"]});
    doc["tags"].as_array_mut().unwrap().push(json!(
        {"id": "x", "name": {"zh": "x", "en": "x"}, "when": {"==": [{"var": "channel"}, 5]}}
    ));
    doc["tags"].as_array_mut().unwrap().push(json!(
        {"id": "y", "name": {"zh": "y", "en": "y"}, "when": {"at_least": [{"var": "risk_class"}, "C9"]}}
    ));
    doc["tags"].as_array_mut().unwrap().push(json!(
        {"id": "z", "name": {"zh": "z", "en": "z"}, "when": {">": [{"var": "opened_at"}, 30]}}
    ));
    let d = diags(&doc);
    assert!(has(&d, "type-mismatch", "/tags/0/when/==/1"), "{d:?}");
    assert!(has(&d, "type-mismatch", "/tags/1/when/==/1"), "{d:?}");
    assert!(has(&d, "unknown-enum-value", "/tags/2/when/at_least/1"), "{d:?}");
    assert!(has(&d, "type-mismatch", "/tags/3/when/>/1"), "{d:?}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 100,000 levels of JSON: the parser's depth limit reports it.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let d = validate_rules(&deep);
    assert_eq!(d[0].code, "invalid-json");
    let mut doc = base().to_string();
    let cond = format!("{}true{}", "{\"!\":".repeat(100_000), "}".repeat(100_000));
    doc = doc.replace("{\">=\":[{\"var\":\"aum\"},100000]}", &cond);
    let d = validate_rules(&doc);
    assert!(d.iter().any(|x| x.code == "invalid-json" && x.message.contains("nested")), "{d:?}");
    // 100 levels parse as JSON but exceed the condition depth limit.
    let cond = format!("{}true{}", "{\"!\":".repeat(100), "}".repeat(100));
    let mut doc = base();
    doc["tags"][0]["when"] = serde_json::from_str(&cond).unwrap();
    let d = diags(&doc);
    assert!(d.iter().any(|x| x.code == "too-deep"), "{d:?}");
}

#[test]
fn duplicate_ids_dangling_references_and_wrong_version() {
    let mut doc = base();
    let dup = doc["tags"][0].clone();
    doc["tags"].as_array_mut().unwrap().push(dup);
    doc["layers"] = json!([{"id": "l", "name": {"zh": "l", "en": "l"}, "when": {"tag": "rihc"}}]);
    doc["defaultLayer"] = json!("nope");
    let d = diags(&doc);
    assert!(has(&d, "duplicate-id", "/tags/1"), "{d:?}");
    let t = d.iter().find(|x| x.code == "unknown-tag").expect("dangling tag ref");
    assert_eq!(t.suggestion.as_deref(), Some("did you mean `rich`?"));
    assert!(has(&d, "unknown-reference", "/defaultLayer"), "{d:?}");
    let mut doc = base();
    doc["schemaVersion"] = json!(2);
    assert_eq!(diags(&doc)[0].code, "unsupported-schema-version");
}

#[test]
fn shadowed_layers_are_warned_about() {
    let mut doc = base();
    doc["layers"] = json!([
        {"id": "any_rich", "name": {"zh": "a", "en": "a"}, "when": {"tag": "rich"}},
        {"id": "rich_new", "name": {"zh": "b", "en": "b"}, "when": {"and": [{"tag": "rich"}, {"!!": {"var": "opened_at"}}]}},
        {"id": "everyone", "name": {"zh": "c", "en": "c"}, "when": true},
        {"id": "after_all", "name": {"zh": "d", "en": "d"}, "when": {"!!": {"var": "channel"}}}
    ]);
    let engine = Engine::compile(&doc.to_string()).expect("warnings do not stop compilation");
    let w = engine.warnings();
    assert!(has(w, "shadowed-layer", "/layers/1"), "{w:?}");
    assert!(has(w, "shadowed-layer", "/layers/3"), "{w:?}");
    assert!(!has(w, "shadowed-layer", "/layers/2"), "{w:?}");
}

#[test]
fn malformed_clients_list_every_problem() {
    let engine = Engine::compile(&base().to_string()).unwrap();
    let err = engine
        .read_client(&json!({
            "id": "c1",
            "aum": "12k",
            "opened_at": "2026-02-30",
            "risk_class": "C7",
            "events": [{"type": "x"}],
            "contacts": [{"channel": "fax", "at": "2026-01-01"}]
        }))
        .unwrap_err();
    let got: Vec<(&str, &str)> = err.errors.iter().map(|d| (d.code, d.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("wrong-type", "/aum"),
            ("bad-datetime", "/opened_at"),
            ("unknown-enum-value", "/risk_class"),
            ("invalid-value", "/contacts/0/channel"),
        ]
    );
    assert_eq!(err.client_id.as_deref(), Some("c1"));
    assert!(err.errors[1].message.contains("2026"), "{}", err.errors[1].message);
    // No id, not an object.
    assert_eq!(engine.read_client(&json!({"aum": 1})).unwrap_err().errors[0].code, "missing-key");
    assert_eq!(engine.read_client(&json!([1])).unwrap_err().errors[0].code, "wrong-type");
}

#[test]
fn required_fields_must_be_present() {
    let mut doc = base();
    doc["fields"][0]["required"] = json!(true);
    let engine = Engine::compile(&doc.to_string()).unwrap();
    let err = engine.read_client(&json!({"id": "c1"})).unwrap_err();
    assert_eq!(err.errors[0].code, "missing-field");
    assert_eq!(err.errors[0].path, "/aum");
}

#[test]
fn arbitrary_garbage_never_panics() {
    let samples = [
        "null",
        "1",
        "\"x\"",
        "[]",
        "{}",
        "{\"schemaVersion\":1}",
        "{\"schemaVersion\":\"1\"}",
        "{\"schemaVersion\":1,\"fields\":{}}",
        "{\"schemaVersion\":1,\"tags\":[1,2,3]}",
    ];
    for s in samples {
        let d = validate_rules(s);
        assert!(d.iter().any(Diagnostic::is_error), "{s}: {d:?}");
    }
    let engine = Engine::compile(&base().to_string()).unwrap();
    for v in [json!(null), json!(1), json!({"id": null}), json!({"id": "x", "events": 5, "contacts": {}})] {
        assert!(engine.read_client(&v).is_err());
    }
}

#[test]
fn a_compiled_engine_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Engine>();
    let engine = std::sync::Arc::new(Engine::compile(&base().to_string()).unwrap());
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let e = engine.clone();
            std::thread::spawn(move || {
                e.decide_json(&json!({"id": format!("c{i}"), "aum": 200000}), &clientseg::Context::at(0)).unwrap().tags
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().get("rich"), Some(&json!(true)));
    }
}

#[test]
fn info_is_the_privacy_manifest() {
    let engine = Engine::compile(&base().to_string()).unwrap();
    let info = serde_json::to_value(engine.info()).unwrap();
    assert_eq!(info["id"], "t");
    assert_eq!(info["schemaVersion"], 1);
    assert!(info["contentHash"].as_str().unwrap().starts_with("sha256:"));
    let fields: Vec<&str> = info["fields"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(fields, ["aum", "channel", "opened_at", "risk_class"]);
    assert_eq!(
        info["fields"][0],
        json!({"id": "aum", "type": "number", "sensitive": true, "purpose": "asset bands", "unit": "CNY"})
    );
    // The hash is of the canonical document: key order and white space do not change it.
    let reordered = serde_json::to_string_pretty(&base()).unwrap();
    assert_eq!(Engine::compile(&reordered).unwrap().content_hash(), engine.content_hash());
}

/// Mangled batch and simulation input — bytes cut, swapped and replaced anywhere, including inside
/// multi-byte characters and quotes — is reported record by record, never a panic, and every line
/// is either decided or rejected (nothing silently dropped).
#[test]
fn mangled_batches_and_simulation_input_never_panic() {
    use clientseg::simulate::{Assumptions, Simulation};
    use clientseg::synth::{PopulationSpec, generate_ndjson};
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap();
    let engine = Engine::compile(&rules).unwrap();
    let assumptions = Assumptions::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.simulation.json"))
            .unwrap(),
    )
    .unwrap();
    let now = clientseg::time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ctx = clientseg::Context::at(now);
    let ndjson = generate_ndjson(&PopulationSpec { size: 40, seed: 3, now }).replace("bank_partner", "银行合作");
    let csv = "id,aum,holdings,consent_push,registered_at,events\nc1,5000,fund|stock,yes,2026-01-01T00:00:00+08:00,\"[{\"\"type\"\":\"\"login\"\",\"\"at\"\":\"\"2026-11-01T00:00:00+08:00\"\"}]\"\n中文,1,,no,,\n";
    // A small deterministic generator (xorshift) picks what to break.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    for round in 0..300 {
        for (text, is_csv) in [(ndjson.as_bytes(), false), (csv.as_bytes(), true)] {
            let mut bytes = text.to_vec();
            for _ in 0..1 + next(6) {
                if bytes.is_empty() {
                    break;
                }
                let at = next(bytes.len());
                match next(4) {
                    0 => bytes[at] = b"\",{}[]:\\\n\r x0"[next(13)],
                    1 => {
                        bytes.remove(at);
                    }
                    2 => bytes.insert(at, 0xE4), // a lone first byte of a 3-byte character
                    _ => bytes.truncate(at),
                }
            }
            let lines = bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count();
            let out = if is_csv { engine.decide_csv(&bytes, &ctx) } else { engine.decide_ndjson(&bytes, &ctx) };
            // CSV: the first line is the header; a bad header rejects the input as a whole.
            if !(is_csv && out.errors.first().is_some_and(|e| e.line == Some(1))) {
                assert_eq!(
                    out.client_ids.len() + out.errors.len(),
                    lines.saturating_sub(usize::from(is_csv)),
                    "round {round}"
                );
            }
            let mut sim = Simulation::new(engine.clone(), engine.clone(), ctx.clone(), assumptions.clone()).unwrap();
            let cut = next(bytes.len() + 1);
            if is_csv {
                sim.add_csv(&bytes[..cut]);
                sim.add_csv(&bytes[cut..]);
            } else {
                sim.add_ndjson(&bytes[..cut]);
                sim.add_ndjson(&bytes[cut..]);
            }
            let p = sim.finish();
            let report = sim.report();
            assert_eq!(report.clients, p.clients);
            if !is_csv {
                assert_eq!((p.clients + p.rejected) as usize, lines, "round {round}");
            }
            let _ = engine.decide_json_array(&String::from_utf8_lossy(&bytes), &ctx);
        }
    }
}

#[test]
fn lists_longer_than_the_engine_can_index_are_refused() {
    let mut doc = base();
    doc["tags"] = Value::Array(
        (0..2001).map(|i| json!({"id": format!("t{i}"), "name": {"zh": "t", "en": "t"}, "when": true})).collect(),
    );
    doc["events"] = Value::Array((0..2001).map(|i| json!({"id": format!("e{i}")})).collect());
    doc["fields"][3]["values"] = Value::Array((0..65_536).map(|i| json!(format!("v{i}"))).collect());
    let d = diags(&doc);
    for path in ["/tags", "/events", "/fields/3/values"] {
        assert!(has(&d, "too-many-rules", path), "{path}: {d:#?}");
    }
    assert!(d.iter().any(|x| x.message == "65536 entries in `values`; at most 65535 are accepted"), "{d:#?}");
    // At the limits they are accepted.
    let mut doc = base();
    doc["fields"][3]["values"] = Value::Array((0..65_535).map(|i| json!(format!("v{i}"))).collect());
    assert!(!diags(&doc).iter().any(|x| x.code == "too-many-rules"));
}
