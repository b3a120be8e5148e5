//! The official JsonLogic test suite (jsonlogic.com/tests.json, a committed copy of
//! ../shared/conformance/jsonlogic-tests.json): every case must give the reference result.

use serde_json::Value;

/// Numbers compare by value (1 and 1.0 are the same JSON number to JavaScript).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn official_jsonlogic_suite_passes() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jsonlogic-tests.json"))
        .expect("conformance file");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("valid JSON");
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in cases.iter().filter_map(Value::as_array) {
        let (rule, data, expected) = (&case[0], &case[1], &case[2]);
        match clientseg::logic::apply(rule, data) {
            Ok(got) if same(&got, expected) => passed += 1,
            Ok(got) => failures.push(format!("{rule} with {data}: expected {expected}, got {got}")),
            Err(d) => failures.push(format!("{rule} with {data}: error {d:?}")),
        }
    }
    let total = passed + failures.len();
    println!("JsonLogic conformance: {passed}/{total} cases passed");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(total, 278, "the official suite has 278 cases");
}
