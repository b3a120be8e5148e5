//! Diagnostics: every problem found in a rule set, reported all at once.
//!
//! Each diagnostic has a stable machine-readable `code`, a `severity`, the JSON pointer of the
//! offending value (`/tags/3/when/and/1`), a human-readable `message` and, where the fix is
//! obvious, a `suggestion` ("did you mean `aum`?").

use crate::source::Source;
use schemars::JsonSchema;
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors stop compilation; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a rule set (or a client record), located by a JSON pointer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `unknown-key`, `undeclared-field`, `tag-cycle`.
    pub code: &'static str,
    pub severity: Severity,
    /// JSON pointer (RFC 6901) of the value the diagnostic is about; `""` is the whole document.
    pub path: String,
    pub message: String,
    /// The likely fix, e.g. `did you mean "aum"?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: Severity::Error, path: path.into(), message: message.into(), suggestion: None }
    }

    pub fn warning(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, path, message) }
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{sev}[{}] at {path}: {}", self.code, self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn join(path: &str, token: impl fmt::Display) -> String {
    join_token(path, &token.to_string())
}

/// [`join`] past the token's formatting: one copy, whatever the token's type.
fn join_token(path: &str, token: &str) -> String {
    // One allocation: compiling a rule set joins a path for every node of every condition.
    let mut out = String::with_capacity(path.len() + 1 + token.len());
    out.push_str(path);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
/// (`aum_cny` → `aum`). Used for "did you mean" suggestions. Letters compare without ASCII case.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut candidates = candidates.into_iter();
    closest_in(word, &mut || candidates.next())
}

/// [`closest`] over a `dyn` [`Source`] of candidates: one copy of the search for every kind of
/// candidate list.
fn closest_in<'a>(word: &str, next: &mut dyn Source<&'a str>) -> Option<&'a str> {
    // ASCII case only: ids are ASCII in practice, and full Unicode lowercasing would put its
    // conversion tables (about 15 KB) into the `.wasm` for a hint.
    let word_l = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    while let Some(cand) = next.next_item() {
        let cand_l = cand.to_ascii_lowercase();
        let mut d = edit_distance(&word_l, &cand_l);
        // A candidate that is a prefix/suffix of the word (or vice versa) is a strong hint:
        // `aum_cny` vs `aum`, `risk` vs `risk_class`.
        if word_l.starts_with(&cand_l) || cand_l.starts_with(&word_l) || word_l.ends_with(&cand_l) {
            d = d.min(1);
        }
        let limit = (word.chars().count().max(cand.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over chars, counting a swap of two adjacent characters as one edit
/// (optimal string alignment), so `naem` → `name` is one typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// The `&'static str` for a diagnostic code read back from bytes (a merged simulation's
/// record errors, see `Simulation::merge`). Codes are a small fixed set, so each distinct
/// one is kept once for the life of the program (at most 256).
pub fn intern_code(code: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let mut codes = CODES.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = codes.iter().find(|c| **c == code) {
        return c;
    }
    if codes.len() >= 256 {
        // Not a code this program writes: bytes made up to grow memory get one bucket.
        return "unknown-code";
    }
    let c: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.push(c);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(join("/tags/0", "a/b~c"), "/tags/0/a~1b~0c");
    }

    #[test]
    fn suggestions_find_typos_and_prefixes() {
        let fields = ["aum", "risk_class", "opened_at"];
        assert_eq!(closest("aum_cny", fields), Some("aum"));
        assert_eq!(closest("risk_clas", fields), Some("risk_class"));
        assert_eq!(closest("opend_at", fields), Some("opened_at"));
        assert_eq!(closest("zzzzzz", fields), None);
        assert_eq!(closest("naem", ["name", "id"]), Some("name"));
        assert_eq!(closest("adn", ["and", "or"]), Some("and"));
        assert_eq!(closest("AUM", fields), Some("aum"));
    }
}
