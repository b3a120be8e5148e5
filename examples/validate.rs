//! Validates a rule file and prints every diagnostic: `cargo run --example validate -- rules/internet-branch.json`
fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "rules/internet-branch.json".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let diags = clientseg::validate_rules(&text);
    for d in &diags {
        println!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    println!("{path}: {errors} error(s), {} warning(s)", diags.len() - errors);
    std::process::exit(i32::from(errors > 0));
}
