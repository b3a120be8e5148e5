//! A generated file committed to the repository must equal what the code generates now;
//! `UPDATE_SCHEMA=1` rewrites it instead of failing.

/// Fails when `path` (relative to the crate root) differs from `generated`; `test` names the
/// test target that regenerates it.
pub fn assert_fresh(path: &str, generated: &str, test: &str) {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&full, generated).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(committed == generated, "{path} is stale: run `UPDATE_SCHEMA=1 cargo test --test {test}` and commit it");
}
