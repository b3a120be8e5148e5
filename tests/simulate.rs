//! The A/B what-if simulation: its counts agree with deciding every client one at a time under
//! each rule set; chunked, CSV and NDJSON input give the same report; bad records are reported
//! with their line and the rest kept; bad assumptions get paths.

use clientseg::simulate::{Assumptions, Report, Simulation};
use clientseg::synth::{PopulationSpec, client, generate_ndjson};
use clientseg::{Context, Engine, time};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const NOW: &str = "2026-11-25T10:00:00+08:00";

fn rules() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap(),
    )
    .unwrap()
}

fn assumptions() -> Assumptions {
    Assumptions::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.simulation.json"))
            .unwrap(),
    )
    .unwrap()
}

fn ctx(engine: &Engine) -> Context {
    Context::at(time::parse_datetime(NOW, engine.time_zone()).unwrap())
}

/// The published pack with the long-tail threshold raised from 100,000 to 150,000 and at most
/// one push a week instead of two.
fn draft() -> Value {
    let mut r = rules();
    let tag = r["tags"].as_array_mut().unwrap().iter_mut().find(|t| t["id"] == "long_tail").unwrap();
    assert_eq!(tag["when"]["and"][2]["<"][1], 100000);
    tag["when"]["and"][2]["<"][1] = json!(150000);
    r["contactPolicy"]["channels"]["push"]["max"] = json!(1);
    r["version"] = json!("draft");
    r
}

fn synthetic_report(a: &Engine, b: &Engine, size: usize, seed: u64) -> Report {
    let mut sim = Simulation::new(a.clone(), b.clone(), ctx(a), assumptions()).unwrap();
    sim.add_synthetic(0, size, seed);
    sim.report()
}

#[test]
fn counts_agree_with_one_at_a_time_decisions() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let now = ctx(&a).now;
    let size = 3_000;
    let report = synthetic_report(&a, &b, size, 7);
    assert_eq!(report.clients, size as u64);
    assert_eq!(report.rejected, 0);

    let spec = PopulationSpec { size, seed: 7, now };
    let mut layers_a: BTreeMap<String, u64> = BTreeMap::new();
    let mut channels_b: BTreeMap<String, u64> = BTreeMap::new();
    let (mut changing_layer, mut changing_actions, mut without_b) = (0, 0, 0);
    let mut transitions: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut touches_max = 0;
    for i in 0..size {
        let c = client(&spec, i);
        let da = a.decide_json(&c, &ctx(&a)).unwrap();
        let db = b.decide_json(&c, &ctx(&b)).unwrap();
        let la = da.primary_layer.clone().unwrap_or("(none)".into());
        let lb = db.primary_layer.clone().unwrap_or("(none)".into());
        *layers_a.entry(la.clone()).or_default() += 1;
        *transitions.entry((la.clone(), lb.clone())).or_default() += 1;
        changing_layer += u64::from(la != lb);
        let ids = |d: &clientseg::Decision| d.actions.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        changing_actions += u64::from(ids(&da) != ids(&db));
        without_b += u64::from(db.actions.is_empty());
        for x in &db.actions {
            *channels_b.entry(x.channel.as_str().to_string()).or_default() += 1;
        }
        let week_ago = now - 7 * time::MS_PER_DAY;
        let past = c["contacts"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .filter(|x| {
                        let at = time::parse_datetime(x["at"].as_str().unwrap(), a.time_zone()).unwrap();
                        at > week_ago && at <= now
                    })
                    .count()
            })
            .unwrap_or(0);
        touches_max = touches_max.max((past + da.actions.len()) as u64);
    }
    assert_eq!(report.published.summary.primary_layers, layers_a);
    assert_eq!(report.draft.summary.actions_by_channel, channels_b);
    assert_eq!(report.draft.summary.clients_without_action, without_b);
    assert_eq!(report.clients_changing_layer, changing_layer);
    assert_eq!(report.clients_changing_actions, changing_actions);
    assert!(changing_layer > 0 && changing_actions > 0, "the draft must change something: {changing_layer}");
    assert_eq!(report.published.contact_pressure.max_per_client_week, touches_max);
    for (i, from) in report.transitions.from.iter().enumerate() {
        for (j, to) in report.transitions.to.iter().enumerate() {
            let want = transitions.get(&(from.clone(), to.clone())).copied().unwrap_or(0);
            assert_eq!(report.transitions.counts[i][j], want, "{from} → {to}");
        }
    }
    // The summary half is exactly what `summarise` computes for one rule set.
    let records: Vec<_> = (0..size).map(|i| a.read_client(&client(&spec, i)).unwrap()).collect();
    assert_eq!(report.published.summary, a.summarise(&records, &ctx(&a)));
}

#[test]
fn same_rules_change_nothing_and_the_funnel_adds_up() {
    let a = Engine::compile_value(rules()).unwrap();
    let report = synthetic_report(&a, &a, 2_000, 3);
    assert_eq!(report.clients_changing_layer, 0);
    assert_eq!(report.clients_changing_actions, 0);
    assert_eq!(report.published, report.draft);
    let diagonal: u64 = (0..report.transitions.from.len()).map(|i| report.transitions.counts[i][i]).sum();
    assert_eq!(diagonal, 2_000);

    let p = &report.published;
    let at_breakpoints: u64 = p.funnel.iter().map(|f| f.clients).sum();
    assert!(at_breakpoints > 0 && at_breakpoints <= 2_000);
    for f in &p.funnel {
        assert!((f.baseline_conversions - f.clients as f64 * f.baseline_rate).abs() < 1e-6, "{f:?}");
        assert!(f.projected_conversions >= f.baseline_conversions - 1e-9, "uplifts are positive: {f:?}");
    }
    let a = assumptions();
    let revenue: f64 =
        p.funnel.iter().zip(&a.breakpoints).map(|(f, b)| f.projected_conversions * b.revenue_per_conversion).sum();
    assert!((p.revenue.projected - revenue).abs() < 1e-6);
    assert!((p.revenue.execution - revenue * a.execution_share).abs() < 1e-6);
    assert!((p.revenue.origination + p.revenue.execution - p.revenue.projected).abs() < 1e-6);
    let histogram: u64 = p.contact_pressure.histogram.iter().sum();
    assert_eq!(histogram, 2_000);
    let chosen: u64 = p.summary.actions_by_channel.values().sum();
    let by_day: u64 = p.actions_by_day.values().flat_map(|m| m.values()).sum();
    assert_eq!(chosen, by_day);
    for w in &p.workload {
        assert_eq!(w.tasks, p.actions_by_day[&w.day][w.channel.as_str()]);
        assert_eq!(w.capacity, a.capacity_per_day.get(&w.channel).copied());
    }
}

/// NDJSON fed in uneven chunks (splitting lines and multi-byte characters) gives the report of
/// the whole input; bad lines are listed with their numbers and the rest are decided.
#[test]
fn chunked_ndjson_with_bad_lines() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let now = ctx(&a).now;
    let mut lines: Vec<String> =
        generate_ndjson(&PopulationSpec { size: 1_500, seed: 5, now }).lines().map(String::from).collect();
    lines[99] = r#"{"id":"中文-bad","aum":"很多"}"#.into();
    lines[700] = "{not json".into();
    let text = lines.join("\n"); // no trailing line break: `finish` decides the last line
    let whole = {
        let mut sim = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
        sim.add_ndjson(text.as_bytes());
        sim.finish();
        sim.report()
    };
    assert_eq!(whole.clients, 1_498);
    assert_eq!(whole.rejected, 2);
    let bad: Vec<_> = whole.errors.iter().map(|e| (e.line, e.client_id.clone())).collect();
    assert_eq!(bad, [(Some(100), Some("中文-bad".to_string())), (Some(701), None)]);

    let mut sim = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    let bytes = text.as_bytes();
    let mut at = 0;
    for (k, step) in [1, 7, 1000, 33_333, 3, 250_000].iter().cycle().enumerate() {
        if at >= bytes.len() {
            break;
        }
        let end = (at + step + k).min(bytes.len());
        sim.add_ndjson(&bytes[at..end]);
        at = end;
    }
    sim.finish();
    assert_eq!(sim.report(), whole);
}

/// Values as CSV cells: lists joined with `|`, objects and lists of objects as JSON.
fn csv_cell(v: Option<&Value>) -> String {
    let raw = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(xs)) if xs.iter().all(Value::is_string) => {
            xs.iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>().join("|")
        }
        Some(other) => other.to_string(),
    };
    if raw.contains([',', '"']) { format!("\"{}\"", raw.replace('"', "\"\"")) } else { raw }
}

#[test]
fn csv_gives_the_ndjson_report_and_reports_bad_rows() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let now = ctx(&a).now;
    let spec = PopulationSpec { size: 800, seed: 9, now };
    let clients: Vec<Value> = (0..spec.size).map(|i| client(&spec, i)).collect();
    let mut columns: Vec<String> = vec!["id".into()];
    for c in &clients {
        for k in c.as_object().unwrap().keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut csv = columns.join(",") + "\n";
    for c in &clients {
        let row: Vec<String> = columns.iter().map(|k| csv_cell(c.get(k))).collect();
        csv += &(row.join(",") + "\r\n");
    }
    let ndjson: String = clients.iter().map(|c| c.to_string() + "\n").collect();
    let report = |csv_input: bool, text: &str| {
        let mut sim = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
        if csv_input {
            sim.add_csv(text.as_bytes());
            sim.finish();
        } else {
            sim.add_ndjson(text.as_bytes());
            sim.finish();
        }
        sim.report()
    };
    assert_eq!(report(true, &csv), report(false, &ndjson));

    // Two bad rows: a number that is not one, and a row with a cell too many.
    let mut rows: Vec<String> = csv.lines().map(String::from).collect();
    let aum = columns.iter().position(|c| c == "aum").unwrap();
    let mut cells: Vec<String> = rows[5].split(',').map(String::from).collect();
    if cells.len() == columns.len() {
        cells[aum] = "lots".into();
        rows[5] = cells.join(",");
    } else {
        rows[5] = rows[5].replacen(',', ",\"unclosed,", 1);
    }
    rows[42] += ",extra";
    let r = report(true, &rows.join("\n"));
    assert_eq!(r.rejected, 2);
    assert_eq!(r.clients, 798);
    assert_eq!(r.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(6), Some(43)]);
    assert!(r.errors[1].errors[0].message.contains("cells"), "{:?}", r.errors[1]);
}

/// A draft that reads records differently (a new required field) reads them again; a record
/// it cannot read is rejected once, naming the draft, and counted on neither side.
#[test]
fn a_draft_with_other_fields_reads_again() {
    let a = Engine::compile_value(rules()).unwrap();
    let mut d = draft();
    d["fields"].as_array_mut().unwrap().push(json!({
        "id": "app_version", "type": "string", "required": true, "sensitive": false, "purpose": "in-app content by app version"
    }));
    let b = Engine::compile_value(d).unwrap();
    assert!(!a.reads_records_like(&b));
    let now = ctx(&a).now;
    let mut text = String::new();
    for (i, line) in generate_ndjson(&PopulationSpec { size: 300, seed: 2, now }).lines().enumerate() {
        let line = if i % 100 == 0 { line.to_string() } else { line.replacen('{', "{\"app_version\":\"9.1\",", 1) };
        text += &(line + "\n");
    }
    let mut sim = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    sim.add_ndjson(text.as_bytes());
    let r = sim.report();
    assert_eq!((r.clients, r.rejected), (297, 3));
    assert_eq!(r.published.summary.clients, 297);
    assert!(r.errors[0].errors[0].message.starts_with("under the draft rule set"), "{:?}", r.errors[0]);
}

#[test]
fn bad_assumptions_are_reported_with_their_path() {
    let a = Engine::compile_value(rules()).unwrap();
    let mut v: Value = serde_json::to_value(assumptions()).unwrap();
    v["breakpoints"][1]["baselineRate"] = json!(1.5);
    v["incentives"]["perLeadConverted"] = json!(-1);
    let errs = Assumptions::parse(&v.to_string()).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["/breakpoints/1/baselineRate", "/incentives/perLeadConverted"]);

    let mut v: Value = serde_json::to_value(assumptions()).unwrap();
    v["upliftByChannel"]["fax"] = json!(0.1);
    v["breakpoints"][0]["rate"] = json!(0.1);
    let errs = Assumptions::parse(&v.to_string()).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["/breakpoints/0/rate", "/upliftByChannel/fax"], "{errs:?}");

    let mut v: Value = serde_json::to_value(assumptions()).unwrap();
    v["breakpoints"][2]["tag"] = json!("opened_not_fundd");
    v["upliftByAction"] = json!({"no_such_action": 0.1});
    let x = Assumptions::parse(&v.to_string()).unwrap();
    let err = Simulation::new(a.clone(), a.clone(), ctx(&a), x).err().unwrap();
    assert_eq!(err.diagnostics[0].path, "/breakpoints/2/tag");
    assert_eq!(err.diagnostics[0].suggestion.as_deref(), Some("`opened_not_funded`"));

    let mut v: Value = serde_json::to_value(assumptions()).unwrap();
    v["upliftByAction"] = json!({"no_such_action": 0.1});
    let sim = Simulation::new(a.clone(), a.clone(), ctx(&a), Assumptions::parse(&v.to_string()).unwrap()).unwrap();
    assert_eq!(sim.report().warnings[0].path, "/upliftByAction/no_such_action");
}

/// A simulation split between workers: each part's counts, merged in order, give the report of
/// one simulation over the whole population, exactly (the funnel's sums are fixed point).
#[test]
fn parts_merged_equal_the_whole() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let new = || Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    let whole = synthetic_report(&a, &b, 5_000, 11);
    for cuts in [vec![0, 2_500, 5_000], vec![0, 1, 4_999, 5_000], vec![0, 1_234, 1_235, 3_000, 5_000]] {
        let mut parts = cuts.windows(2).map(|w| {
            let mut sim = new();
            sim.add_synthetic(w[0], w[1] - w[0], 11);
            sim.partial()
        });
        let mut first = new();
        first.merge(&parts.next().unwrap()).unwrap();
        for p in parts {
            first.merge(&p).unwrap();
        }
        assert_eq!(first.report(), whole, "cuts {cuts:?}");
    }
}

/// An NDJSON file cut at line starts, and a CSV file whose later parts get its header row
/// (`continue_csv`): merged, the bad records carry their line numbers in the whole file.
#[test]
fn text_parts_keep_their_line_numbers() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let now = ctx(&a).now;
    let new = || Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    let mut lines: Vec<String> =
        generate_ndjson(&PopulationSpec { size: 900, seed: 3, now }).lines().map(String::from).collect();
    lines[10] = "{not json".into();
    lines[500] = r#"{"id":"x","aum":"many"}"#.into();
    lines[899] = "[]".into();
    let text = lines.join("\n") + "\n";
    let whole = {
        let mut sim = new();
        sim.add_ndjson(text.as_bytes());
        sim.finish();
        sim.report()
    };
    assert_eq!(whole.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(11), Some(501), Some(900)]);
    let cut = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let (c1, c2) = (cut(text.len() / 3), cut(2 * text.len() / 3));
    let mut first = new();
    first.add_ndjson(&text.as_bytes()[..c1]);
    for range in [c1..c2, c2..text.len()] {
        let mut part = new();
        part.add_ndjson(&text.as_bytes()[range]);
        first.merge(&part.partial()).unwrap();
    }
    assert_eq!(first.report(), whole);

    let csv = "id,aum\nc1,100\nc2,lots\nc3,5\nc4,-\nc5,1\n";
    let whole = {
        let mut sim = new();
        sim.add_csv(csv.as_bytes());
        sim.report()
    };
    assert_eq!(whole.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(3), Some(5)]);
    let header = csv.lines().next().unwrap();
    let split = csv.find("c4").unwrap();
    let mut first = new();
    first.add_csv(&csv.as_bytes()[..split]);
    let mut second = new();
    second.continue_csv(header).unwrap();
    second.add_csv(&csv.as_bytes()[split..]);
    first.merge(&second.partial()).unwrap();
    assert_eq!(first.report(), whole);
    assert!(new().continue_csv("aum,,aum").is_err());
}

/// Bytes from another simulation, another format or cut short are refused with a reason and
/// change nothing; no corruption makes the merge panic.
#[test]
fn foreign_or_corrupt_partials_are_refused() {
    let a = Engine::compile_value(rules()).unwrap();
    let b = Engine::compile_value(draft()).unwrap();
    let mut part = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    part.add_synthetic(0, 300, 1);
    part.add_ndjson(b"{oops\n");
    let bytes = part.partial();

    let mut other = Simulation::new(b.clone(), a.clone(), ctx(&a), assumptions()).unwrap();
    let err = other.merge(&bytes).unwrap_err();
    assert!(err.message.contains("another simulation"), "{err}");
    assert_eq!(other.report().clients, 0);

    let mut sim = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap();
    let empty = sim.report();
    assert!(sim.merge(b"not a partial").unwrap_err().message.contains("not a partial"));
    for n in 0..bytes.len() {
        assert!(sim.merge(&bytes[..n]).is_err(), "a partial cut at {n} bytes was accepted");
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2_000 {
        let mut bad = bytes.clone();
        for _ in 0..3 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let at = (seed >> 33) as usize % bad.len();
            bad[at] = (seed >> 20) as u8;
        }
        let _ = Simulation::new(a.clone(), b.clone(), ctx(&a), assumptions()).unwrap().merge(&bad);
    }
    assert_eq!(sim.report(), empty);
    sim.merge(&bytes).unwrap();
    assert_eq!((sim.report().clients, sim.report().rejected), (300, 1));
}
