//! JsonLogic: a compiler from JSON to [`ir::Expr`] and an evaluator over it.
//!
//! Core operators follow the reference implementation (json-logic-js) exactly; the official
//! test suite runs in `tests/jsonlogic_conformance.rs`. Domain operators (time since, event
//! aggregates, tag/layer references, ordered-enum ranks) are available to rule sets only.

pub mod compile;
pub mod eval;
pub mod ir;
pub mod value;

use crate::diagnostics::Diagnostic;
use compile::Compiler;
use eval::{Cx, Frame};
use value::Val;

/// Evaluates plain JsonLogic `rule` against `data`, as json-logic-js `apply` does.
///
/// ```
/// use serde_json::json;
/// let r = clientseg::logic::apply(&json!({"<": [{"var": "age"}, 30]}), &json!({"age": 25})).unwrap();
/// assert_eq!(r, json!(true));
/// ```
///
/// # Errors
/// The rule's diagnostics (unknown operator, too deep) when it does not compile.
pub fn apply(rule: &serde_json::Value, data: &serde_json::Value) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let mut c = Compiler::generic();
    let (expr, _) = c.compile(rule, "");
    if c.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(c.diagnostics);
    }
    let data = Val::from_json(data);
    let out = eval::eval(&expr, &Cx::empty(), &Frame::Data(data));
    Ok(out.to_json())
}
