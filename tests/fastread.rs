//! The one-pass reader (JSON text → record) must agree with the full reader (JSON tree →
//! record) on every input: the same record, or the same errors.

use clientseg::synth::{PopulationSpec, generate_ndjson};
use clientseg::{Engine, time};

fn engine() -> Engine {
    Engine::compile(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap(),
    )
    .unwrap()
}

fn full(engine: &Engine, text: &str) -> Result<clientseg::record::Record, Vec<(String, String)>> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            engine.read_client(&v).map_err(|e| e.errors.iter().map(|d| (d.code.to_string(), d.path.clone())).collect())
        }
        Err(_) => Err(vec![("invalid-json".into(), String::new())]),
    }
}

fn fast(engine: &Engine, text: &str) -> Result<clientseg::record::Record, Vec<(String, String)>> {
    engine.read_client_text(text).map_err(|e| e.errors.iter().map(|d| (d.code.to_string(), d.path.clone())).collect())
}

#[test]
fn both_readers_agree_on_the_synthetic_population() {
    let engine = engine();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ndjson = generate_ndjson(&PopulationSpec { size: 3_000, seed: 5, now });
    for line in ndjson.lines() {
        assert!(engine.read_client_fast(line).is_some(), "the one-pass reader must handle every valid record: {line}");
        assert_eq!(fast(&engine, line), full(&engine, line), "{line}");
    }
}

#[test]
fn a_record_read_into_a_used_one_is_the_record_read_afresh() {
    // A batch reads each record into one it has decided before: nothing of the earlier record
    // (its events, contacts, list items, fields it had and this one lacks) may remain, also after
    // a record that could not be read left it half written.
    let engine = engine();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ndjson = generate_ndjson(&PopulationSpec { size: 1_000, seed: 8, now });
    let mut lines: Vec<&str> = ndjson.lines().collect();
    let broken = lines[7].replacen("\"events\":[", "\"events\":[{\"type\":\"login\",\"at\":\"yesterday\"},", 1);
    lines.insert(8, &broken);
    lines.insert(20, r#"{"id":"sparse"}"#);
    lines.insert(21, r#"{"id":"nulls","events":null,"contacts":null,"holdings":null,"aum":null}"#);
    let mut reused = clientseg::record::Record::default();
    let mut decided_differently = 0;
    for line in &lines {
        let into = engine.read_client_text_into(line, &mut reused).map(|()| reused.clone());
        let afresh = engine.read_client_text(line);
        assert_eq!(into.is_ok(), afresh.is_ok(), "{line}");
        if let (Ok(a), Ok(b)) = (&into, &afresh) {
            assert_eq!(a, b, "{line}");
        } else {
            decided_differently += 1;
        }
    }
    assert_eq!(decided_differently, 1, "only the broken record fails");
}

#[test]
fn both_readers_agree_on_tricky_records() {
    let engine = engine();
    let cases = [
        r#"{"id":"a"}"#,
        r#"  {"id" : "a" , "aum" : 1e3 }  "#,
        r#"{"id":"esc\"aped\\\/\u00e9\ud83d\ude00\n","acquisition_channel":"x"}"#,
        r#"{"id":"a","aum":-0,"cash_balance":-0.0,"trades_90d":12345678901234567890}"#,
        r#"{"id":"a","aum":1e400}"#,
        r#"{"id":"a","aum":"12"}"#,
        r#"{"id":"a","trades_90d":1.5}"#,
        r#"{"id":"a","trades_90d":2.0}"#,
        r#"{"id":"a","risk_class":"C9"}"#,
        r#"{"id":"a","risk_class":"C3","risk_assessed_at":"2026-02-30"}"#,
        r#"{"id":"a","holdings":["fund","wm"],"holdings":["stock"]}"#,
        r#"{"id":"a","holdings":["fund",1]}"#,
        r#"{"id":"a","consent_push":1}"#,
        r#"{"id":"a","aum":null,"consent_sms":true}"#,
        r#"{"id":"a","unknown":{"deep":[1,{"x":[true,null,"s\u0041"]}]},"aum":5}"#,
        r#"{"id":"a","unknown":{"deep":[1,}}"#,
        r#"{"id":42}"#,
        r#"{"id":""}"#,
        r#"{"aum":1}"#,
        r#"[1,2]"#,
        r#"{"id":"a"} trailing"#,
        r#"{"id":"a","events":[{"type":"deposit","at":"2026-11-01","amount":5000},{"at":"2026-10-01T08:00:00Z","type":"login"}]}"#,
        r#"{"id":"a","events":[{"type":"deposit","at":"2026-11-01","amount":"5000"}]}"#,
        r#"{"id":"a","events":[{"type":"undeclared","nested":{"x":1}},{"type":"login","at":"2026-11-02"}]}"#,
        r#"{"id":"a","events":[{"at":"2026-11-01"}]}"#,
        r#"{"id":"a","events":null,"contacts":null}"#,
        r#"{"id":"a","events":{}}"#,
        r#"{"id":"a","contacts":[{"action":"winback_benefit_sms","channel":"sms","at":"2026-11-20T10:00:00+08:00","outcome":"rejected"},{"channel":"push","at":"2026-11-21"}]}"#,
        r#"{"id":"a","contacts":[{"channel":"fax","at":"2026-11-21"}]}"#,
        r#"{"id":"a","contacts":[{"channel":"push","at":"2026-11-21","outcome":"ignored"}]}"#,
        r#"{"id":"a","contacts":[{"channel":"push","at":"2026-11-21","outcome":3,"action":7}]}"#,
        "{\"id\":\"a\",\"acquisition_channel\":\"tab\there\"}",
        r#"{"id":"a","acquisition_channel":"\ud800"}"#,
        r#"{"id":"a",}"#,
        r#""#,
    ];
    for text in cases {
        assert_eq!(fast(&engine, text), full(&engine, text), "{text}");
    }
}

/// The generator's direct record writer gives exactly the record the text reader makes of the
/// client's text — for the default pack and for rule sets that declare the fields otherwise; where
/// the text would be rejected it declines, so the caller reads the text and reports the problem.
#[test]
fn synthetic_records_equal_the_text_readers() {
    use clientseg::synth::{RecordPlan, client_json, client_record};
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap(),
    )
    .unwrap();
    let variant = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut r = base.clone();
        edit(&mut r);
        Engine::compile_value(r).unwrap()
    };
    let field = |r: &mut serde_json::Value, id: &str, ty: &str| {
        let f = r["fields"].as_array_mut().unwrap().iter_mut().find(|f| f["id"] == id).unwrap();
        f["type"] = serde_json::json!(ty);
        if ty != "enum" {
            f.as_object_mut().unwrap().remove("values");
        }
    };
    let engines = [
        ("default pack", engine()),
        ("datetime read as text", variant(&|r| field(r, "registered_at", "string"))),
        ("money as an integer", variant(&|r| field(r, "aum", "integer"))),
        (
            "origin branch as an enum",
            variant(&|r| {
                r["fields"].as_array_mut().unwrap().push(serde_json::json!({
                "id": "origin_branch", "type": "enum", "values": ["no-such-branch"], "sensitive": false, "purpose": "test"
            }))
            }),
        ),
        (
            "age as text",
            variant(&|r| {
                r["fields"].as_array_mut().unwrap().push(serde_json::json!({
                    "id": "age", "type": "string", "sensitive": false, "purpose": "test"
                }))
            }),
        ),
        ("holdings as text", variant(&|r| field(r, "holdings", "string"))),
        ("Asia/Tokyo", variant(&|r| r["timeZone"] = serde_json::json!("+09:00"))),
    ];
    let mut engines = engines.to_vec();
    engines.push((
        "trades with a property the generator does not write",
        variant(&|r| {
            r["events"].as_array_mut().unwrap().push(serde_json::json!({
                "id": "trade", "name": {"zh": "交易", "en": "Trade"},
                "properties": {"venue": "string", "amount": "number", "product": "string"}
            }))
        }),
    ));
    engines.push((
        "risk class as a number",
        variant(&|r| {
            r["events"].as_array_mut().unwrap().push(serde_json::json!({
                "id": "risk_assessment", "name": {"zh": "风测", "en": "Risk assessment"}, "properties": {"class": "number"}
            }))
        }),
    ));
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", time::TimeZone::SHANGHAI).unwrap();
    let spec = PopulationSpec { size: 0, seed: 77, now };
    let mut text = Vec::new();
    for (name, engine) in &engines {
        let (mut direct, mut declined) = (0, 0);
        let plan = RecordPlan::new(engine);
        for i in 0..3_000 {
            text.clear();
            client_json(&spec, i, &mut text);
            let read = engine.read_client_text(std::str::from_utf8(&text).unwrap());
            match client_record(&spec, i, engine, &plan) {
                Some(r) => {
                    assert_eq!(Ok(&r), read.as_ref(), "{name}, client {i}");
                    direct += 1;
                }
                None => declined += 1,
            }
        }
        match *name {
            "holdings as text"
            | "money as an integer"
            | "origin branch as an enum"
            | "age as text"
            | "risk class as a number" => {
                assert!(declined > 0, "{name}: {direct} direct")
            }
            _ => assert_eq!((direct, declined), (3_000, 0), "{name}"),
        }
    }
}
