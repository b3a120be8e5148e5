//! Runs every `tests/fixtures/*.json` case natively: `{description, rules, now, client, expected}`.
//!
//! The same files run as wasm in Node and Chromium (`tests/wasm_fixtures.rs`, through the same
//! checker, `tests/support/fixture_check.rs`) and against the npm package (`tests/node/`), so the
//! format is plain JSON and the comparison rules are simple (see `tests/fixtures/README.md`).

#[path = "support/fixture_check.rs"]
mod fixture_check;
#[path = "support/fixture_list.rs"]
mod fixture_list;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_fixture_case_passes() {
    let files = fixture_files();
    let cases: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let pack = |name: &str| {
        std::fs::read_to_string(root().join("rules").join(format!("{name}.json"))).map_err(|e| e.to_string())
    };
    let (passed, failures) = fixture_check::run_all(cases.iter().map(|(n, t)| (n.as_str(), t.as_str())), &pack);
    println!("fixtures: {} passed, {} failed", passed, failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(files.len() >= 40, "at least 40 fixture cases are required, found {}", files.len());
}

/// The wasm tests run the cases embedded by `tests/support/fixture_list.rs`: it must name every
/// file, and embed the packs the cases refer to.
#[test]
fn the_embedded_list_names_every_fixture_file() {
    let on_disk: Vec<String> =
        fixture_files().iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let embedded: Vec<String> = fixture_list::FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(embedded, on_disk, "tests/support/fixture_list.rs must list every tests/fixtures/*.json, sorted");
    for (name, text) in fixture_list::FIXTURES {
        let case: serde_json::Value = serde_json::from_str(text).unwrap();
        if let Some(pack) = case["rules"].as_str() {
            assert!(fixture_list::pack(pack).is_ok(), "{name}: rule pack {pack} is not embedded");
        }
    }
}
