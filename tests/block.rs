//! Block evaluation (many clients at once) must give exactly the single-client answers.

use clientseg::block::BlockScratch;
use clientseg::synth::{PopulationSpec, generate};
use clientseg::{Context, Engine, Evaluation, time};

#[test]
fn block_evaluation_equals_single_client_evaluation() {
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/internet-branch.json")).unwrap();
    let engine = Engine::compile(&rules).unwrap();
    let mut checked = 0;
    for (seed, now, event) in [
        (7, "2026-11-25T10:00:00+08:00", None),
        (8, "2026-11-25T22:30:00+08:00", None),
        (9, "2026-06-01T08:00:00+08:00", Some("account_application")),
    ] {
        let now = time::parse_datetime(now, engine.time_zone()).unwrap();
        // 3,001 clients: full blocks and a partial last one.
        let records: Vec<_> = generate(&PopulationSpec { size: 3_001, seed, now })
            .iter()
            .map(|c| engine.read_client(c).unwrap())
            .collect();
        let ctx = Context { now, event: event.map(String::from), trace: false };
        let mut single = Evaluation::default();
        let mut scratch = BlockScratch::default();
        engine.evaluate_all(&records, &ctx, &mut scratch, |i, block| {
            engine.evaluate(&records[i], &ctx, &mut single);
            assert_eq!(block.tags, single.tags, "tags of client {i}");
            assert_eq!(block.layers, single.layers, "layers of client {i}");
            assert_eq!(block.primary, single.primary, "primary layer of client {i}");
            assert_eq!(block.fates, single.fates, "action fates of client {i}");
            assert_eq!(block.chosen, single.chosen, "chosen actions of client {i}");
            checked += 1;
        });
    }
    assert_eq!(checked, 3 * 3_001);
}
