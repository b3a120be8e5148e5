//! Native core throughput: the default rule pack over pre-loaded records, one core.
//!
//! `cargo bench --bench native -- [--size N] [--runs R]` prints the median, min and max clients/s
//! of R runs over the same seeded synthetic population, and the cost of reading client JSON.
//! `cargo bench --bench native -- --size N --write-ndjson FILE` only writes that population (seed 42)
//! as NDJSON to FILE and exits: the Node harness (bench/node) uses it for its 1,000,000-client run.

use clientseg::block::BlockScratch;
use clientseg::synth::{PopulationSpec, generate, generate_ndjson};
use clientseg::{Context, Engine, Evaluation, time};
use std::hint::black_box;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn stats(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

fn main() {
    let size = arg("--size", 200_000);
    let args: Vec<String> = std::env::args().collect();
    if let Some(path) = args.iter().position(|a| a == "--write-ndjson").and_then(|i| args.get(i + 1)) {
        let now = time::parse_datetime("2026-11-25T10:00:00+08:00", time::TimeZone::SHANGHAI).unwrap();
        std::fs::write(path, generate_ndjson(&PopulationSpec { size, seed: 42, now })).unwrap();
        return;
    }
    let runs = arg("--runs", 9).max(1);
    // `--batch-only 1` skips the one-at-a-time runs (for profiling the batch path alone).
    let batch_only = arg("--batch-only", 0) == 1;
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap();
    let engine = Engine::compile(&rules).unwrap();
    let now = time::parse_datetime("2026-11-25T10:00:00+08:00", engine.time_zone()).unwrap();
    let population = generate(&PopulationSpec { size, seed: 42, now });

    let mut read_rates = Vec::new();
    let mut records = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        records = population.iter().filter_map(|c| engine.read_client(c).ok()).collect::<Vec<_>>();
        read_rates.push(size as f64 / t.elapsed().as_secs_f64());
    }
    assert_eq!(records.len(), size, "every synthetic record must be valid");

    // JSON text → record with the one-pass reader (what batches use).
    let ndjson = generate_ndjson(&PopulationSpec { size, seed: 42, now });
    let mut text_rates = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let n = ndjson.lines().filter(|l| engine.read_client_text(l).is_ok()).count();
        text_rates.push(n as f64 / t.elapsed().as_secs_f64());
    }

    let ctx = Context::at(now);
    let mut ev = Evaluation::default();
    let mut scratch = BlockScratch::default();
    let (mut rates, mut single_rates) = (Vec::new(), Vec::new());
    let mut chosen = 0usize;
    // Batch (blocks of 64) and one client at a time, interleaved so both see the same machine.
    for _ in 0..runs {
        chosen = 0;
        let t = Instant::now();
        engine.evaluate_all(black_box(&records), &ctx, &mut scratch, |_, ev| chosen += ev.chosen.len());
        rates.push(size as f64 / t.elapsed().as_secs_f64());
        if batch_only {
            single_rates.push(f64::NAN);
            continue;
        }
        let t = Instant::now();
        for r in &records {
            engine.evaluate(black_box(r), &ctx, &mut ev);
        }
        single_rates.push(size as f64 / t.elapsed().as_secs_f64());
    }
    let (med, min, max) = stats(rates);
    let (smed, smin, smax) = stats(single_rates);
    let (rmed, _, _) = stats(read_rates);
    println!("native core, default rule pack, {size} pre-loaded clients, {runs} runs (one core):");
    println!(
        "  evaluate_all (blocks of 64): median {:.0} clients/s (min {:.0}, max {:.0}); {:.0} ns/client",
        med,
        min,
        max,
        1e9 / med
    );
    println!(
        "  evaluate (one at a time):    median {:.0} clients/s (min {:.0}, max {:.0}); {:.0} ns/client",
        smed,
        smin,
        smax,
        1e9 / smed
    );
    println!("  read client JSON (serde_json::Value -> Record): median {:.0} clients/s", rmed);
    let (tmed, _, _) = stats(text_rates);
    println!(
        "  read client JSON text (one pass -> Record): median {:.0} clients/s ({:.0} bytes/client)",
        tmed,
        ndjson.len() as f64 / size as f64
    );
    println!("  ({chosen} actions chosen per run)");
}
