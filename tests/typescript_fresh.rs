//! `src/wasm/types.d.ts` (the interfaces of the npm package's `.d.ts`) is generated from the Rust
//! types; this test fails when the committed file is stale. Regenerate with
//! `UPDATE_SCHEMA=1 cargo test --test typescript_fresh`.
// Host only: the generator is not built for wasm32 (`cargo test --target wasm32-unknown-unknown --tests`).
#![cfg(not(target_arch = "wasm32"))]

use clientseg::typescript::api;

#[path = "support/fresh.rs"]
mod fresh;

#[test]
fn committed_typescript_declarations_match_the_rust_types() {
    let generated = api::declarations().unwrap_or_else(|e| panic!("cannot declare the package's types: {e}"));
    fresh::assert_fresh("src/wasm/types.d.ts", &generated, "typescript_fresh");
}

/// Every code the wasm boundary throws (`error("CODE", ...)`) is in the declared `ErrorCode` union.
#[test]
fn every_thrown_error_code_is_declared() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/wasm");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src/wasm") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for (i, _) in text.match_indices("error(") {
            let rest = text[i + "error(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else { continue };
            let code = &rest[..rest.find('"').expect("closing quote")];
            if code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                found.push((path.display().to_string(), code.to_string()));
            }
        }
    }
    assert!(found.len() > 5, "the scan found too few codes: {found:?}");
    for (file, code) in found {
        assert!(api::ERROR_CODES.contains(&code.as_str()), "{file} throws {code}, missing from api::ERROR_CODES");
    }
}

/// The declared `BatchResult` has exactly the keys `decideBatch` sets: the Rust batch result's
/// fields plus `count`.
#[test]
fn batch_result_declaration_matches_the_rust_batch_result() {
    let rust = serde_json::to_value(clientseg::BatchResult::default()).expect("serialize");
    let mut want: Vec<String> = rust.as_object().expect("object").keys().cloned().collect();
    want.push("count".into());
    want.sort();
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<api::BatchResult>();
    let mut declared: Vec<String> =
        schema.get("properties").and_then(|p| p.as_object()).expect("properties").keys().cloned().collect();
    declared.sort();
    assert_eq!(declared, want);
}
