//! The core's fixture cases (`tests/fixtures/*.json`) as wasm tests, through the same checker as
//! the native run (`tests/support/fixture_check.rs`). One test binary serves both runtimes:
//!
//! ```text
//! cargo test --target wasm32-unknown-unknown --test wasm_fixtures                  # Node
//! WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
//!   WASM_BINDGEN_TEST_WEBDRIVER_JSON=tests/webdriver.json \
//!   cargo test --target wasm32-unknown-unknown --test wasm_fixtures                  # headless Chromium
//! ```
//!
//! The browser has no file system, so the cases are embedded (`tests/support/fixture_list.rs`).
#![cfg(target_arch = "wasm32")]

#[path = "support/fixture_check.rs"]
mod fixture_check;
#[path = "support/fixture_list.rs"]
mod fixture_list;

use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn every_fixture_case_passes() {
    let (passed, failures) = fixture_check::run_all(fixture_list::FIXTURES.iter().copied(), &fixture_list::pack);
    console_log!("wasm fixtures: {} passed, {} failed", passed, failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(passed >= 40, "at least 40 fixture cases are required, found {passed}");
}
