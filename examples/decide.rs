//! Decides clients natively: NDJSON clients on stdin, one decision (JSON) per line on stdout.
//!
//! `cargo run --release --example decide -- [--rules FILE] [--now RFC3339] [--event TYPE]
//! [--trace] [--no-explain] < clients.ndjson`
//!
//! A record that cannot be decided prints `{"error": {...}}` (its diagnostics) on its line, and
//! the others are still decided. The package's tests hold the wasm decisions to these.

use clientseg::{Context, Engine, time};
use std::io::{BufRead, Write};

fn main() {
    if let Err(e) = run() {
        eprintln!("decide: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let (mut rules, mut now) = ("rules/internet-branch.json".to_string(), "2026-11-25T10:00:00+08:00".to_string());
    let (mut event, mut trace, mut explain) = (None, false, true);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rules" => rules = value()?,
            "--now" => now = value()?,
            "--event" => event = Some(value()?),
            "--trace" => trace = true,
            "--no-explain" => explain = false,
            other => {
                return Err(format!(
                    "unknown option {other}; options: --rules FILE --now RFC3339 --event TYPE --trace --no-explain"
                ));
            }
        }
    }
    let text = std::fs::read_to_string(&rules).map_err(|e| format!("{rules}: {e}"))?;
    let engine = Engine::compile(&text).map_err(|e| format!("{rules}: {e}"))?;
    let now = time::parse_datetime(&now, engine.time_zone()).map_err(|e| format!("--now {now}: {e}"))?;
    let ctx = Context { now, event, trace };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        let json = match engine.read_client_text(&line) {
            Ok(record) => serde_json::to_string(&engine.decide_with(&record, &ctx, explain)),
            Err(e) => serde_json::to_string(&serde_json::json!({ "error": e })),
        }
        .map_err(|e| e.to_string())?;
        writeln!(out, "{json}").map_err(|e| format!("stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("stdout: {e}"))
}
