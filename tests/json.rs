//! The crate's JSON reader (`clientseg::json`) against serde_json's exact one (`float_roundtrip`,
//! a dev-dependency feature): the same tree for every valid text, numbers to the bit (including
//! which are integers), and an error for every invalid one, with a line and column. Its writer
//! (`ToJson`) against serde_json's: the same text for every tree and every result type.

use clientseg::json::{self, ToJson};
use serde_json::Value;

// The repository's rule packs and fixture cases (its `pack` helper is for the fixture tests).
#[allow(dead_code)]
#[path = "support/fixture_list.rs"]
mod fixture_list;

/// The two readers agree on `text`: the same tree (printed, so `-0.0` and integer-ness count),
/// or both refuse it.
fn agree(text: &str) {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{text:?}");
            // And the crate's writer writes the tree as serde_json does.
            assert_eq!(json::text(a), b.to_string(), "{text:?}");
        }
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

/// xorshift64: the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn digits(&mut self, n: u64) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

#[test]
fn every_json_file_in_the_repository_reads_the_same() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut n = 0;
    for dir in ["rules", "tests/fixtures", "schema"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                agree(&std::fs::read_to_string(&path).unwrap());
                n += 1;
            }
        }
    }
    agree(&std::fs::read_to_string(format!("{root}/tests/jsonlogic-tests.json")).unwrap());
    assert!(n > 10, "{n} files");
}

#[test]
fn numbers_read_exactly_as_serde_json_and_javascript_read_them() {
    let fixed = [
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1",
        "-1",
        "0e0",
        "0E+5",
        "-0e-5",
        "0e999999999999",
        "1e-400",
        "-1e-400",
        "1e308",
        "1e309",
        "-1e309",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "9007199254740992",
        "9007199254740993",
        "9007199254740993.0",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551616",
        "123456789012345678901234567890",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "1.5e-7",
        "5e-324",
        "3e-324",
        "2e-324",
        "1e23",
        "8.5e-323",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.10000000000000000555111512312578270211815834045410156250000000000000001",
        "2.225073858507201136057409796709131975934819546351645648023426109724822222021076945516529523908135087914149158913039621106870086438694594645527657207407820621743379988141063267329253552286881372149012981122451451889849057222307285255133155755015914397476397983411801999323962548289017107081850690630666655994938275772572015763062690663332647565300009245888316433037779791869612049497390377829704905051080609940730262937128958950003583799967207254304360284078895771796150945516748243471030702609144621572289880258182545180325707018860872113128079512233426288368622321503775666622503982534335974568884423900265498198385487948292206894721689831099698365846814022854243330660339850886445804001034933970427567186443383770486037861622771738545623065874679014086723327636718751234567890123456789012345678901e-308",
    ];
    for text in fixed {
        agree(text);
        agree(&format!("[{text}]"));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        // Mantissas of 1 to 40 digits, with or without a fraction, exponents across the range.
        let mut text = String::new();
        if rng.below(2) == 0 {
            text.push('-');
        }
        let int_digits = 1 + rng.below(25);
        let int = rng.digits(int_digits);
        text.push_str(if int.len() > 1 { int.trim_start_matches('0') } else { &int });
        if text.is_empty() || text == "-" {
            text.push('0');
        }
        if rng.below(2) == 0 {
            text.push('.');
            let n = 1 + rng.below(20);
            text.push_str(&rng.digits(n));
        }
        match rng.below(4) {
            0 => {}
            1 => text.push_str(&format!("e{}", rng.below(330))),
            2 => text.push_str(&format!("e-{}", rng.below(345))),
            _ => text.push_str(&format!("E+{}", rng.below(25))),
        }
        agree(&text);
    }
    // Every double's shortest text (what JavaScript writes) reads back to the same bits.
    for _ in 0..200_000 {
        let x = f64::from_bits(rng.next());
        if x.is_finite() {
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(json::parse(&text).unwrap().as_f64().map(f64::to_bits), Some(x.to_bits()), "{text}");
            agree(&text);
        }
    }
}

#[test]
fn invalid_text_is_refused_with_why_and_where() {
    let bad = [
        "",
        " ",
        "{",
        "[",
        "]",
        "}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{a:1}",
        "{\"a\":}",
        "tru",
        "nul",
        "truex",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "1e+",
        "+1",
        "\"abc",
        "\"a\\x\"",
        "\"a\\u12\"",
        "\"a\\u12g4\"",
        "\"\\ud800\"",
        "\"\\ud800x\"",
        "\"\\ud800\\u0041\"",
        "\"\\udc00\"",
        "\"tab\there\"",
        "\"nl\nhere\"",
        "[1] x",
        "{} {}",
        "\"\\",
        "[\"a\",",
        "{\"a\":1",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "[-1e400]",
        "\u{feff}{}",
        "[1,,2]",
        "{,}",
        "[,]",
    ];
    for text in bad {
        agree(text);
        let e = json::parse(text).unwrap_err();
        assert!(e.line >= 1 && e.column >= 1 && !e.why.is_empty(), "{text:?}: {e}");
    }
    let e = json::parse("{\n  \"schemaVersion\": 1,\n  \"id\": \"x\",,\n}").unwrap_err();
    assert_eq!(e.to_string(), "key must be a string at line 3 column 13");
    let e = json::parse("[1, 2").unwrap_err();
    assert_eq!(e.to_string(), "EOF while parsing a list at line 1 column 6");
    let e = json::parse("{\"名前\": tru}").unwrap_err();
    assert_eq!((e.why, e.line, e.column), ("expected ident", 1, 8));
    let e = json::parse("[1e999]").unwrap_err();
    assert_eq!(e.to_string(), "number out of range at line 1 column 2");
}

#[test]
fn strings_escapes_and_nesting_read_the_same() {
    for text in [
        r#""plain""#,
        r#""\"\\\/\b\f\n\r\t""#,
        r#""\u0041\u00e9\u4e2d\ud83d\ude00 mixed 中文 and é""#,
        r#"{"a":1,"a":2,"b":{"a":[1,{"c":null}]}}"#,
        " \t\r\n[ true , false , null , { } , [ ] ] \n",
    ] {
        agree(text);
    }
    // serde_json's recursion limit: 127 levels read, 128 do not.
    for depth in [126, 127, 128, 129, 100_000] {
        agree(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        agree(&format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    }
    assert_eq!(json::parse(&"[".repeat(100_000)).unwrap_err().why, "recursion limit exceeded");
}

#[test]
fn any_edit_of_a_document_reads_the_same_or_fails_in_both() {
    let base = r#"{"id":"c1","n":[1,-2.5e3,0.125,{"k":"v\u00e9\n"}],"t":true,"f":false,"z":null}"#;
    let alphabet: Vec<char> = "{}[]\",:\\0123456789.eE+-tfnu aé\n".chars().collect();
    let chars: Vec<char> = base.chars().collect();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..50_000 {
        let mut c = chars.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(c.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < c.len() => drop(c.remove(at)),
                1 if at < c.len() => c[at] = alphabet[rng.below(alphabet.len() as u64) as usize],
                _ => c.insert(at, alphabet[rng.below(alphabet.len() as u64) as usize]),
            }
        }
        agree(&c.into_iter().collect::<String>());
    }
}

#[test]
fn the_writer_writes_what_serde_json_writes() {
    // Every control character, escapes, non-ASCII and the integers and floats at the edges.
    let all: String = (0u8..0x80).map(char::from).chain("é中😀\u{2028}".chars()).collect();
    for v in [
        Value::String(all),
        serde_json::json!([0, 1, -1, u64::MAX, i64::MIN, 0.5, -0.0, 1e300, 2.5e-7, 100.0, 1e21, 123456789.125]),
        serde_json::json!({"b": [true, false, null], "a": {"": ""}, "\"k\"": "\\"}),
    ] {
        assert_eq!(json::text(&v), serde_json::to_string(&v).unwrap());
    }
    // What crosses to JavaScript, for every rule pack in the repository and every fixture's rules
    // (a fixture that names a pack instead is covered by the pack).
    let mut rule_texts = Vec::new();
    for (_, text) in fixture_list::FIXTURES.iter().chain(fixture_list::PACKS) {
        let doc: Value = serde_json::from_str(text).unwrap();
        match doc.get("rules") {
            Some(Value::Object(_)) => rule_texts.push(doc["rules"].to_string()),
            Some(_) => {}
            None => rule_texts.push(doc.to_string()),
        }
    }
    let spec = clientseg::synth::PopulationSpec { size: 300, seed: 9, now: 1_764_036_000_000 };
    let mut population = clientseg::synth::generate_ndjson(&spec);
    population.push_str("{\"id\":\"bad\",\"aum\":\"x\"}\nnot json\n{\"aum\":1}\n");
    let (mut engines, mut traces) = (0, 0);
    for text in &rule_texts {
        let diagnostics = clientseg::validate_rules(text);
        assert_eq!(diagnostics.to_json(), serde_json::to_string(&diagnostics).unwrap());
        let Ok(engine) = clientseg::Engine::compile(text) else { continue };
        engines += 1;
        let info = engine.info();
        assert_eq!(info.to_json(), serde_json::to_string(&info).unwrap());
        let tables = engine.decision_tables();
        assert_eq!(tables.to_json(), serde_json::to_string(&tables).unwrap());
        let plan = engine.encoder_plan();
        assert_eq!(plan.to_json(), serde_json::to_string(&plan).unwrap());
        for now in ["2026-11-25T10:00:00+08:00", "2026-11-25T23:30:00+08:00"] {
            let now = clientseg::time::parse_datetime(now, engine.time_zone()).unwrap();
            let ctx = clientseg::Context { now, event: None, trace: true };
            let batch = engine.decide_ndjson(population.as_bytes(), &ctx);
            assert_eq!(batch.errors.to_json(), serde_json::to_string(&batch.errors).unwrap());
            for line in population.lines().take(60) {
                let Ok(record) = engine.read_client_text(line) else { continue };
                let trace = engine.decide(&record, &ctx).trace.unwrap();
                assert_eq!(trace.to_json(), serde_json::to_string(&trace).unwrap());
                traces += 1;
            }
        }
    }
    assert!(engines > 40 && traces > 1000, "{engines} rule sets, {traces} traces");
}
