//! CSV client records: a header row of keys, then one client per row.
//!
//! Columns are the record's keys: `id`, the declared fields, and optionally `events` and
//! `contacts` holding the JSON lists the NDJSON form would. Cells are typed by the rule set's
//! field declarations: numbers for `number`/`integer`, `true`/`false` (also `1`/`0`, `yes`/`no`)
//! for `boolean`, a JSON list or `|`-separated values for `list`, text otherwise; an empty cell is
//! a missing value. Undeclared columns are never read. Quoting follows RFC 4180 (`"a, b"`,
//! `""` for a quote); a quoted value may not span lines.
//!
//! A row is checked exactly as an NDJSON record is, so a bad cell is reported with the field's
//! path, and its row with the line number.

use crate::client::RecordError;
use crate::diagnostics::Diagnostic;
use crate::engine::Engine;
use crate::record::Record;
use crate::schema::FieldType;
use std::borrow::Cow;

/// The header row of a CSV input.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvHeader {
    columns: Vec<String>,
}

fn bad(message: String) -> RecordError {
    RecordError { client_id: None, line: None, errors: vec![Diagnostic::error("invalid-csv", "", message)] }
}

/// Splits one CSV line into its cells.
///
/// # Errors
/// A message when a quote is not closed or text follows a closing quote.
pub fn split_row(line: &str) -> Result<Vec<Cow<'_, str>>, String> {
    let mut cells = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut s = quoted;
            loop {
                let Some(q) = s.find('"') else {
                    return Err(format!("cell {} opens a quote that is not closed on this line", cells.len() + 1));
                };
                value.push_str(&s[..q]);
                if s[q + 1..].starts_with('"') {
                    value.push('"');
                    s = &s[q + 2..];
                } else {
                    s = &s[q + 1..];
                    break;
                }
            }
            cells.push(Cow::Owned(value));
            match s.strip_prefix(',') {
                Some(r) => rest = r,
                None if s.is_empty() => return Ok(cells),
                None => return Err(format!("cell {}: text after the closing quote", cells.len())),
            }
        } else {
            match rest.find(',') {
                Some(c) => {
                    cells.push(Cow::Borrowed(&rest[..c]));
                    rest = &rest[c + 1..];
                }
                None => {
                    cells.push(Cow::Borrowed(rest));
                    return Ok(cells);
                }
            }
        }
    }
}

impl CsvHeader {
    /// Reads the header row (a UTF-8 byte-order mark is skipped).
    ///
    /// # Errors
    /// When the row cannot be split, has an empty or repeated column name, or no `id` column.
    pub fn parse(line: &str) -> Result<CsvHeader, RecordError> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let columns: Vec<String> = split_row(line)
            .map_err(|e| bad(format!("header: {e}")))?
            .into_iter()
            .map(|c| c.trim().to_string())
            .collect();
        for (i, c) in columns.iter().enumerate() {
            if c.is_empty() {
                return Err(bad(format!("header: column {} has no name", i + 1)));
            }
            if columns[..i].contains(c) {
                return Err(bad(format!("header: column `{c}` appears twice")));
            }
        }
        if !columns.iter().any(|c| c == "id") {
            return Err(bad("header: there is no `id` column".into()));
        }
        Ok(CsvHeader { columns })
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }
}

/// Appends a cell typed by its field's declaration. A cell that does not fit the type is
/// passed on as text, so the record reader reports it (with the field's path).
fn push_cell(out: &mut String, cell: &str, ty: FieldType) {
    let t = cell.trim();
    match ty {
        FieldType::Number | FieldType::Integer if crate::num::parse(t).is_some_and(f64::is_finite) => {
            // Rust and JSON number syntax differ ("1e5" ok, "+1", ".5" not JSON): re-print.
            let n = crate::num::parse(t).unwrap_or_default();
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                out.push_str(&format!("{}", n as i64));
            } else {
                out.push_str(&crate::num::debug(n));
            }
        }
        FieldType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => out.push_str("true"),
            "false" | "0" | "no" => out.push_str("false"),
            _ => crate::json::write_str(out, cell),
        },
        FieldType::List if t.starts_with('[') => out.push_str(t),
        FieldType::List => {
            out.push('[');
            for (i, item) in t.split('|').map(str::trim).filter(|s| !s.is_empty()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json::write_str(out, item);
            }
            out.push(']');
        }
        _ => crate::json::write_str(out, cell),
    }
}

impl Engine {
    /// Reads one CSV row (not the header) into a record.
    ///
    /// # Errors
    /// [`RecordError`] when the row cannot be split, has the wrong number of cells, or a cell
    /// does not fit its field.
    pub fn read_client_csv(&self, header: &CsvHeader, line: &str) -> Result<Record, RecordError> {
        let mut rec = Record::default();
        self.read_client_csv_into(header, line, &mut rec)?;
        Ok(rec)
    }

    /// [`Engine::read_client_csv`] into `rec`, reusing its lists (see
    /// [`Engine::read_client_text_into`]). On an error `rec` is left partly written.
    ///
    /// # Errors
    /// As [`Engine::read_client_csv`].
    pub fn read_client_csv_into(&self, header: &CsvHeader, line: &str, rec: &mut Record) -> Result<(), RecordError> {
        self.read_client_text_into(&self.csv_row_json(header, line)?, rec)
    }

    /// One CSV row as the JSON text of the client record it stands for: declared fields typed
    /// by their declarations, `id`, `events` and `contacts`; undeclared columns left out.
    ///
    /// # Errors
    /// [`RecordError`] when the row cannot be split or has the wrong number of cells.
    pub fn csv_row_json(&self, header: &CsvHeader, line: &str) -> Result<String, RecordError> {
        let cells = split_row(line).map_err(bad)?;
        if cells.len() != header.columns.len() {
            return Err(bad(format!("the row has {} cells; the header has {}", cells.len(), header.columns.len())));
        }
        let mut json = String::with_capacity(line.len() + 16 * cells.len());
        json.push('{');
        for (col, cell) in header.columns.iter().zip(&cells) {
            if cell.trim().is_empty() {
                continue;
            }
            let field = self.field_slots.get(col).map(|s| self.fields[s as usize].ty);
            let raw_json = matches!(col.as_str(), "events" | "contacts");
            if field.is_none() && !raw_json && col != "id" {
                continue; // undeclared: never read
            }
            if json.len() > 1 {
                json.push(',');
            }
            crate::json::write_str(&mut json, col);
            json.push(':');
            match field {
                Some(ty) => push_cell(&mut json, cell, ty),
                None if raw_json => json.push_str(cell.trim()),
                None => crate::json::write_str(&mut json, cell),
            }
        }
        json.push('}');
        Ok(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_cells() {
        assert_eq!(split_row("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(split_row(r#""a, b","say ""hi""",x"#).unwrap(), ["a, b", r#"say "hi""#, "x"]);
        assert_eq!(split_row(r#""",x"#).unwrap(), ["", "x"]);
        assert!(split_row(r#""open,x"#).unwrap_err().contains("not closed"));
        assert!(split_row(r#""a"b,x"#).unwrap_err().contains("after the closing quote"));
    }

    #[test]
    fn header_needs_an_id_and_unique_names() {
        assert!(CsvHeader::parse("\u{feff}id,aum").is_ok());
        assert!(CsvHeader::parse("aum").unwrap_err().to_string().contains("no `id` column"));
        assert!(CsvHeader::parse("id,aum,aum").unwrap_err().to_string().contains("appears twice"));
        assert!(CsvHeader::parse("id,,aum").unwrap_err().to_string().contains("column 2 has no name"));
    }
}
