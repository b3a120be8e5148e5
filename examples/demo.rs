//! The main job for now: the default rule pack over a seeded synthetic population.
//!
//! `cargo run --release --example demo -- [--size N] [--seed S] [--now RFC3339] [--rules FILE]`
//! prints the layer distribution, actions per SOP and channel, suppressions by reason and one
//! client's decision with its explanation, plus timings.

use clientseg::synth::{PopulationSpec, generate_ndjson};
use clientseg::{Context, Engine, time};
use std::time::Instant;

struct Args {
    size: usize,
    seed: u64,
    now: String,
    rules: String,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        size: 100_000,
        seed: 42,
        now: "2026-11-25T10:00:00+08:00".into(),
        rules: "rules/internet-branch.json".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--size" => a.size = val()?.parse().map_err(|e| format!("--size: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--now" => a.now = val()?,
            "--rules" => a.rules = val()?,
            other => {
                return Err(format!("unknown option {other}; options: --size N --seed S --now RFC3339 --rules FILE"));
            }
        }
    }
    Ok(a)
}

fn pct(n: u64, total: u64) -> String {
    format!("{:5.1}%", 100.0 * n as f64 / total.max(1) as f64)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("demo: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let a = args()?;
    let text = std::fs::read_to_string(&a.rules).map_err(|e| format!("{}: {e}", a.rules))?;
    let t0 = Instant::now();
    let engine = Engine::compile(&text)
        .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
    let compile_ms = t0.elapsed().as_secs_f64() * 1e3;
    let now = time::parse_datetime(&a.now, engine.time_zone())?;

    let t1 = Instant::now();
    let population = generate_ndjson(&PopulationSpec { size: a.size, seed: a.seed, now });
    let gen_ms = t1.elapsed().as_secs_f64() * 1e3;

    // NDJSON text → records, one pass per line; a bad record is reported and the rest kept.
    let t2 = Instant::now();
    let mut records = Vec::with_capacity(a.size);
    let mut rejected = 0;
    for (i, line) in population.lines().enumerate() {
        match engine.read_client_text(line) {
            Ok(r) => records.push(r),
            Err(e) => {
                rejected += 1;
                if rejected <= 3 {
                    eprintln!("line {}: {e}", i + 1);
                }
            }
        }
    }
    let read_ms = t2.elapsed().as_secs_f64() * 1e3;

    let ctx = Context::at(now);
    let t3 = Instant::now();
    let summary = engine.summarise(&records, &ctx);
    let decide_s = t3.elapsed().as_secs_f64();

    let total = summary.clients;
    println!("clientseg demo — rule set {} v{} ({})", engine.id(), engine.version(), engine.content_hash());
    println!("population: {} synthetic clients (seed {}), now {}", a.size, a.seed, a.now);
    println!("\nPrimary layer distribution");
    let mut layers: Vec<_> = summary.primary_layers.iter().collect();
    layers.sort_by(|x, y| y.1.cmp(x.1));
    for (id, n) in layers {
        println!("  {id:<28} {n:>8} {}", pct(*n, total));
    }
    println!("\nChosen actions per SOP");
    for (id, n) in &summary.actions_by_sop {
        println!("  {id:<28} {n:>8}");
    }
    println!("\nChosen actions per channel");
    for (id, n) in summary.channel_rows() {
        println!("  {id:<28} {n:>8}");
    }
    println!("  (deferred by quiet hours: {})", summary.deferred);
    println!("\nCandidates not chosen, by reason");
    let mut reasons: Vec<_> = summary.suppressions.iter().collect();
    reasons.sort_by(|x, y| y.1.cmp(x.1));
    for (id, n) in reasons {
        println!("  {id:<28} {n:>8}");
    }
    println!(
        "\nClients with no action: {} ({})",
        summary.clients_without_action,
        pct(summary.clients_without_action, total).trim()
    );

    // One client's decision, with its explanation: the first with a chosen action.
    let sample = records.iter().map(|r| engine.decide(r, &ctx)).find(|d| !d.actions.is_empty());
    if let Some(d) = sample {
        println!("\nOne client's decision ({}):", d.client_id);
        println!("  primary layer: {:?}; layers: {:?}", d.primary_layer.unwrap_or_default(), d.layers);
        for (i, act) in d.actions.iter().enumerate() {
            println!("  action {}: {} via {} (score {})", i + 1, act.id, act.channel, act.score);
        }
        println!("  zh: {}", d.explanation.zh);
        println!("  en: {}", d.explanation.en);
    }

    println!("\nTimings (one core)");
    println!("  compile rules          {compile_ms:>9.2} ms");
    println!("  generate population    {gen_ms:>9.1} ms ({:.0} MB of NDJSON)", population.len() as f64 / 1e6);
    println!("  read client JSON       {read_ms:>9.1} ms ({rejected} rejected)");
    println!(
        "  decide {total} clients {:>9.1} ms = {:.0} clients/s",
        decide_s * 1e3,
        total as f64 / decide_s.max(1e-9)
    );
    Ok(())
}
