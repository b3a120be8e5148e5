//! Batches: NDJSON in, compact decisions out; bad lines are reported with their line number and
//! every other record is still decided, exactly as one-at-a-time decisions would be.

use clientseg::synth::{PopulationSpec, generate_ndjson};
use clientseg::{Context, Engine, time};

fn engine() -> Engine {
    Engine::compile(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn ndjson_batch_matches_single_decisions_and_reports_bad_lines() {
    let engine = engine();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ctx = Context::at(now);
    let ndjson = generate_ndjson(&PopulationSpec { size: 5_000, seed: 11, now });
    let mut lines: Vec<String> = ndjson.lines().map(String::from).collect();
    // Break three records and add noise: a blank line and CRLF endings must not matter.
    lines[10] = "{\"id\": \"bad-json\", ".into();
    lines[20] = lines[20].replacen("\"aum\":", "\"aum\":\"lots\",\"x\":", 1);
    lines[4_999] = "[1, 2]".into();
    lines.insert(30, String::new());
    let input = lines.join("\r\n");
    let out = engine.decide_ndjson(input.as_bytes(), &ctx);

    let bad: Vec<(Option<usize>, &str)> = out.errors.iter().map(|e| (e.line, e.errors[0].code)).collect();
    assert_eq!(bad[0], (Some(11), "invalid-json"));
    assert_eq!(bad[2], (Some(5_001), "wrong-type"), "line numbers count the inserted blank line");
    assert_eq!(out.errors.len(), 3, "{bad:?}");
    assert_eq!(out.client_ids.len(), 4_997);
    assert_eq!(out.action_offsets.len(), 4_998);

    // Every decided record agrees with a single decision.
    let by_id: std::collections::HashMap<String, serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v.get("id")?.as_str()?.to_string(), v)))
        .collect();
    for (k, id) in out.client_ids.iter().enumerate() {
        let d = engine.decide_json(&by_id[id], &ctx).unwrap();
        let layer = (out.primary_layer[k] >= 0).then(|| out.layer_ids[out.primary_layer[k] as usize].clone());
        assert_eq!(layer, d.primary_layer, "client {id}");
        let chosen: Vec<&str> = out.actions[out.action_offsets[k] as usize..out.action_offsets[k + 1] as usize]
            .iter()
            .map(|a| out.action_ids[*a as usize].as_str())
            .collect();
        let single: Vec<&str> = d.actions.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(chosen, single, "client {id}");
    }
}

#[test]
fn record_lists_report_positions() {
    let engine = engine();
    let records = vec![serde_json::json!({"id": "a"}), serde_json::json!({"aum": 1}), serde_json::json!({"id": "c"})];
    let out = engine.decide_records(&records, &Context::at(0));
    assert_eq!(out.client_ids, ["a", "c"]);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].line, Some(2));
    assert_eq!(out.errors[0].errors[0].code, "missing-key");
}

/// An array of records as text (what the JS boundary gets from `JSON.stringify`) decides
/// exactly as the parsed records do, bad elements included.
#[test]
fn json_array_text_matches_parsed_records() {
    let engine = engine();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ctx = Context::at(now);
    let mut records: Vec<serde_json::Value> = generate_ndjson(&PopulationSpec { size: 3_000, seed: 4, now })
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    records[7] = serde_json::json!({"aum": 1});
    records[300] = serde_json::json!([1, {"id": "x"}]);
    records[2_999] = serde_json::json!("text, with ] and \" inside");
    let text = serde_json::to_string_pretty(&records).unwrap();
    let from_text = engine.decide_json_array(&text, &ctx).unwrap();
    assert_eq!(from_text, engine.decide_records(&records, &ctx));
    assert_eq!(from_text.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(8), Some(301), Some(3_000)]);
    assert!(engine.decide_json_array("{\"id\": 1}", &ctx).is_err());
    assert!(engine.decide_json_array("[{\"id\": 1}", &ctx).is_err());
}

#[test]
fn csv_batch_matches_the_ndjson_batch_and_reports_bad_rows() {
    let engine = engine();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let ctx = Context::at(now);
    let csv = "\u{feff}id,aum,account_opened_at,first_deposit_at,logins_30d,consent_push,personalised_ok,holdings,note\n\
               a1,5000,2026-11-10T09:00:00+08:00,,9,true,1,fund|stock,\"free, text\"\n\
               a2,lots,2026-11-10T09:00:00+08:00,,9,true,1,,x\n\
               \n\
               a3,250000.5,2026-01-10T09:00:00+08:00,2026-01-11T09:00:00+08:00,0,no,yes,[\"fund\"],x\n\
               a4,1,2,3\n";
    let out = engine.decide_csv(csv.as_bytes(), &ctx);
    assert_eq!(out.client_ids, ["a1", "a3"]);
    let bad: Vec<_> = out.errors.iter().map(|e| (e.line, e.errors[0].path.clone())).collect();
    assert_eq!(bad, [(Some(3), "/aum".to_string()), (Some(6), String::new())]);

    let ndjson = "{\"id\":\"a1\",\"aum\":5000,\"account_opened_at\":\"2026-11-10T09:00:00+08:00\",\"logins_30d\":9,\"consent_push\":true,\"personalised_ok\":true,\"holdings\":[\"fund\",\"stock\"]}\n\
                  {\"id\":\"a3\",\"aum\":250000.5,\"account_opened_at\":\"2026-01-10T09:00:00+08:00\",\"first_deposit_at\":\"2026-01-11T09:00:00+08:00\",\"logins_30d\":0,\"consent_push\":false,\"personalised_ok\":true,\"holdings\":[\"fund\"]}\n";
    let want = engine.decide_ndjson(ndjson.as_bytes(), &ctx);
    assert_eq!(out.primary_layer, want.primary_layer);
    assert_eq!(out.actions, want.actions);

    let no_id = engine.decide_csv(b"aum,logins_30d\n1,2\n", &ctx);
    assert_eq!((no_id.client_ids.len(), no_id.errors[0].line), (0, Some(1)));
    assert!(no_id.errors[0].errors[0].message.contains("no `id` column"));
}
