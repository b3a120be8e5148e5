//! `schema/ruleset.schema.json` and `schema/simulation.schema.json` are generated from the Rust
//! types; these tests fail when a committed file is stale.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test --test schema_fresh`.

#[test]
fn committed_json_schema_matches_the_rust_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/ruleset.schema.json");
    let generated = clientseg::parse::generate_json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/ruleset.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test schema_fresh` and commit it"
    );
}

#[test]
fn committed_simulation_schema_matches_the_rust_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/simulation.schema.json");
    let generated = clientseg::simulate::assumptions::generate_json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/simulation.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test schema_fresh` and commit it"
    );
}
