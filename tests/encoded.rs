//! The encoded reader (`src/encoded.rs`: what the package's JS encoder writes → record) must give
//! the full reader's record whenever it takes one, and never panic on any bytes. The JS encoder
//! itself is held to the JSON route in tests/node/codec.test.mjs; here a Rust mirror of it writes
//! JSON values the same way.

use clientseg::encoded::{self, EncoderPlan};
use clientseg::synth::{PopulationSpec, generate};
use clientseg::{Engine, time};
use serde_json::{Value, json};

fn engine() -> Engine {
    Engine::compile(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap(),
    )
    .unwrap()
}

/// `codec.js`'s `Codec.record`, for JSON values.
struct Writer<'a> {
    plan: &'a EncoderPlan,
    out: Vec<u8>,
}

impl Writer<'_> {
    fn scalar(&mut self, v: Option<&Value>) {
        match v {
            None | Some(Value::Null) => self.out.push(encoded::ABSENT),
            Some(Value::Bool(b)) => self.out.push(if *b { encoded::TRUE } else { encoded::FALSE }),
            Some(Value::Number(n)) => {
                self.out.push(encoded::NUM);
                self.out.extend(n.as_f64().unwrap().to_le_bytes());
            }
            Some(Value::String(s)) => {
                self.out.push(encoded::TEXT);
                self.out.extend((s.len() as u32).to_le_bytes());
                self.out.extend(s.as_bytes());
            }
            Some(_) => self.out.push(encoded::OTHER),
        }
    }

    fn value(&mut self, v: Option<&Value>) {
        if let Some(Value::Array(items)) = v {
            self.out.push(encoded::LIST);
            self.out.extend((items.len() as u32).to_le_bytes());
            for x in items {
                self.scalar(Some(x));
            }
        } else {
            self.scalar(v);
        }
    }

    /// A datetime: as TIME when it is in the common form (as the JS encoder does), else as a value.
    fn time(&mut self, v: Option<&Value>) {
        if let Some(Value::String(s)) = v
            && (s.len() == 20 || s.len() == 25)
            && let Ok(ms) = time::parse_datetime(s, time::TimeZone::SHANGHAI)
        {
            self.out.push(encoded::TIME);
            self.out.extend((ms as f64).to_le_bytes());
            return;
        }
        self.value(v);
    }

    fn list(&mut self, v: Option<&Value>, each: fn(&mut Self, &Value)) {
        match v {
            None | Some(Value::Null) => self.out.push(encoded::ABSENT),
            Some(Value::Array(items)) => {
                self.out.push(encoded::LIST);
                self.out.extend((items.len() as u32).to_le_bytes());
                for x in items {
                    each(self, x);
                }
            }
            Some(_) => self.out.push(encoded::OTHER),
        }
    }

    fn record(&mut self, c: &Value) {
        let Value::Object(o) = c else { return self.out.push(encoded::OTHER) };
        self.value(o.get("id"));
        for (f, datetime) in self.plan.fields.iter().zip(&self.plan.datetime) {
            if *datetime { self.time(o.get(f)) } else { self.value(o.get(f)) }
        }
        self.list(o.get("events"), |w, e| match (e, e.get("type")) {
            (Value::Object(e), Some(Value::String(ty))) => {
                match w.plan.events.iter().position(|(name, _)| name == ty) {
                    None => w.out.push(encoded::SKIP),
                    Some(i) => {
                        w.out.push(encoded::ITEM);
                        w.out.extend((i as u16).to_le_bytes());
                        w.time(e.get("at"));
                        for p in &w.plan.events[i].1 {
                            w.value(e.get(p));
                        }
                    }
                }
            }
            _ => w.out.push(encoded::OTHER),
        });
        self.list(o.get("contacts"), |w, c| match c {
            Value::Object(c) => {
                w.out.push(encoded::ITEM);
                w.value(c.get("channel"));
                w.value(c.get("outcome"));
                w.time(c.get("at"));
                w.value(c.get("action"));
            }
            _ => w.out.push(encoded::OTHER),
        });
    }
}

fn encode(plan: &EncoderPlan, c: &Value) -> Vec<u8> {
    let mut w = Writer { plan, out: Vec::new() };
    w.record(c);
    w.out
}

fn population(engine: &Engine, size: usize) -> Vec<Value> {
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    generate(&PopulationSpec { size, seed: 9, now })
}

#[test]
fn the_encoded_reader_takes_every_valid_record_as_the_full_reader_reads_it() {
    let engine = engine();
    let plan = engine.encoder_plan();
    for c in population(&engine, 3_000) {
        let record = engine.read_client_encoded(&encode(&plan, &c));
        assert!(record.is_some(), "the encoded reader must take every valid record: {c}");
        assert_eq!(record, engine.read_client(&c).ok(), "{c}");
    }
}

#[test]
fn a_record_read_into_a_used_one_is_the_record_read_afresh() {
    // Single decisions and batches of client objects read each record into one read before:
    // nothing of the earlier record may remain, also after one that was refused half read.
    let engine = engine();
    let plan = engine.encoder_plan();
    let mut clients = population(&engine, 500);
    clients.insert(5, serde_json::json!({"id": "sparse"}));
    let mut refused = clients[9].clone();
    refused["events"].as_array_mut().unwrap().push(serde_json::json!({"type": "login", "at": "yesterday"}));
    clients.insert(10, refused);
    let mut reused = clientseg::record::Record::default();
    let mut refusals = 0;
    for c in &clients {
        let bytes = encode(&plan, c);
        match engine.read_client_encoded_into(&bytes, &mut reused) {
            Some(()) => assert_eq!(Some(&reused), engine.read_client_encoded(&bytes).as_ref(), "{c}"),
            None => refusals += 1,
        }
    }
    assert_eq!(refusals, 1, "only the record with a bad datetime is refused");
}

#[test]
fn the_encoded_reader_takes_a_record_only_as_the_full_reader_reads_it() {
    let engine = engine();
    let plan = engine.encoder_plan();
    let base = population(&engine, 1).remove(0);
    let changes: Vec<(&str, Value)> = vec![
        ("aum", json!("100")),
        ("trades_90d", json!(2.5)),
        ("risk_class", json!("C9")),
        ("risk_class", json!(null)),
        ("registered_at", json!("2026-13-01")),
        ("registered_at", json!(null)),
        ("holdings", json!(["fund", 3])),
        ("holdings", json!([])),
        ("consent_push", json!(1)),
        ("id", json!(42)),
        ("id", json!("")),
        ("events", json!("login")),
        ("events", json!([null])),
        ("events", json!([{"type": 7, "at": "2026-11-01T00:00:00Z"}])),
        ("events", json!([{"type": "chat", "at": "whenever"}])),
        ("events", json!([{"type": "deposit", "at": "2026-11-01T00:00:00Z", "amount": "5"}])),
        ("events", json!([{"type": "deposit", "amount": 5}])),
        ("contacts", json!([{"channel": "fax", "at": "2026-11-01T00:00:00Z"}])),
        ("contacts", json!([{"channel": "sms", "outcome": 3, "at": "2026-11-01T00:00:00Z"}])),
        ("contacts", json!([{"channel": "sms", "outcome": "liked", "at": "2026-11-01T00:00:00Z"}])),
        ("contacts", json!([{"channel": "sms", "action": "nope", "at": "2026-11-01T00:00:00Z"}])),
        ("contacts", json!({"channel": "sms"})),
    ];
    for (key, v) in changes {
        let mut c = base.clone();
        c[key] = v;
        let taken = engine.read_client_encoded(&encode(&plan, &c));
        if let Some(r) = taken {
            assert_eq!(Ok(r), engine.read_client(&c), "{key}: {c}");
        }
    }
}

#[test]
fn no_bytes_make_the_encoded_reader_panic() {
    let engine = engine();
    let plan = engine.encoder_plan();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for c in population(&engine, 40) {
        let bytes = encode(&plan, &c);
        for cut in 0..bytes.len() {
            assert!(engine.read_client_encoded(&bytes[..cut]).is_none());
        }
        for _ in 0..500 {
            let mut b = bytes.clone();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % b.len() as u64) as usize;
            b[at] = (seed >> 32) as u8;
            let _ = engine.read_client_encoded(&b);
        }
    }
    // Framing: the records of a batch, and broken lengths.
    let mut batch = Vec::new();
    for c in population(&engine, 3) {
        let b = encode(&plan, &c);
        batch.extend((b.len() as u32).to_le_bytes());
        batch.extend(b);
    }
    let mut pos = 0;
    for _ in 0..3 {
        assert!(encoded::next_record(&batch, &mut pos).is_some());
    }
    assert_eq!(pos, batch.len());
    assert!(encoded::next_record(&batch, &mut pos).is_none());
    let mut pos = 0;
    let cut = &batch[..batch.len() - 1];
    let read = (0..3).filter(|_| encoded::next_record(cut, &mut pos).is_some()).count();
    assert_eq!(read, 2);
    assert!(encoded::next_record(&[0xff, 0xff, 0xff, 0xff, 1], &mut 0).is_none());
}
