//! `schema/ruleset.schema.json` and `schema/simulation.schema.json` are generated from the Rust
//! types; these tests fail when a committed file is stale.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test --test schema_fresh`.

#[path = "support/fresh.rs"]
mod fresh;

#[test]
fn committed_json_schema_matches_the_rust_types() {
    fresh::assert_fresh("schema/ruleset.schema.json", &clientseg::parse::generate_json_schema(), "schema_fresh");
}

#[test]
fn committed_simulation_schema_matches_the_rust_types() {
    let generated = clientseg::simulate::assumptions::generate_json_schema();
    fresh::assert_fresh("schema/simulation.schema.json", &generated, "schema_fresh");
}
