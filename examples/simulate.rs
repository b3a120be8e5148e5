//! The what-if simulation natively: a population decided under a published rule set and a
//! draft, the report as JSON on stdout (the admin page computes the same in the browser).
//!
//! `cargo run --release --example simulate -- [--size N] [--seed S] [--now RFC3339]
//! [--published FILE] [--draft FILE] [--assumptions FILE] [--ndjson FILE | --csv FILE]`
//!
//! Without `--ndjson`/`--csv` the population is the seeded synthetic one; without `--draft` the
//! draft is the published rule set. Timings go to stderr.

use clientseg::simulate::{Assumptions, Simulation};
use clientseg::{Context, Diagnostic, Engine, time};
use std::time::Instant;

struct Args {
    size: usize,
    seed: u64,
    now: String,
    published: String,
    draft: Option<String>,
    assumptions: String,
    ndjson: Option<String>,
    csv: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        size: 100_000,
        seed: 42,
        now: "2026-11-25T10:00:00+08:00".into(),
        published: "rules/internet-branch.json".into(),
        draft: None,
        assumptions: "rules/internet-branch.simulation.json".into(),
        ndjson: None,
        csv: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--size" => a.size = val()?.parse().map_err(|e| format!("--size: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--now" => a.now = val()?,
            "--published" => a.published = val()?,
            "--draft" => a.draft = Some(val()?),
            "--assumptions" => a.assumptions = val()?,
            "--ndjson" => a.ndjson = Some(val()?),
            "--csv" => a.csv = Some(val()?),
            other => {
                return Err(format!(
                    "unknown option {other}; options: --size N --seed S --now RFC3339 --published FILE --draft FILE \
                     --assumptions FILE --ndjson FILE --csv FILE"
                ));
            }
        }
    }
    Ok(a)
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

/// Every diagnostic on its own line, under the file it is about.
fn listed(path: &str, diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    format!("{path}:\n{}", lines.join("\n"))
}

fn compile(path: &str) -> Result<Engine, String> {
    Engine::compile(&read(path)?).map_err(|e| listed(path, &e.diagnostics))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("simulate: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let a = args()?;
    let published = compile(&a.published)?;
    let draft = compile(a.draft.as_deref().unwrap_or(&a.published))?;
    let assumptions = Assumptions::parse(&read(&a.assumptions)?).map_err(|d| listed(&a.assumptions, &d))?;
    let now = time::parse_datetime(&a.now, published.time_zone())?;
    let ctx = Context { now, event: None, trace: false };
    let mut sim =
        Simulation::new(published, draft, ctx, assumptions).map_err(|e| listed(&a.assumptions, &e.diagnostics))?;
    let t = Instant::now();
    if let Some(path) = &a.ndjson {
        sim.add_ndjson(&std::fs::read(path).map_err(|e| format!("{path}: {e}"))?);
        sim.finish();
    } else if let Some(path) = &a.csv {
        sim.add_csv(&std::fs::read(path).map_err(|e| format!("{path}: {e}"))?);
        sim.finish();
    } else {
        sim.add_synthetic(0, a.size, a.seed);
    }
    let report = sim.report();
    eprintln!(
        "simulate: {} clients ({} rejected) under A and B in {:.0} ms",
        report.clients,
        report.rejected,
        t.elapsed().as_secs_f64() * 1e3
    );
    println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    Ok(())
}
