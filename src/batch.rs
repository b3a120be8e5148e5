//! Batches: many clients decided in one call, with a compact result. The input crosses the
//! boundary once (NDJSON bytes, or a list of JSON records); the output is indices into the
//! rule set's id tables, not one object per client. A bad record is reported with its line and
//! the rest are still decided.

use crate::block::BlockScratch;
use crate::client::RecordError;
use crate::csv::CsvHeader;
use crate::diagnostics::Diagnostic;
use crate::engine::{Context, Engine};
use crate::record::Record;
use crate::source::SourceInto;
use serde::Serialize;

/// Records read and decided per step: one block of the block evaluator. The records are kept and
/// read into again, so their lists are allocated once per batch, and a step's records are still in
/// the cache when they are decided (natively, NDJSON batches take 0.86–0.87× the time they took
/// in steps of 4,096 records read afresh).
const CHUNK: usize = crate::block::LANES;

/// Decisions of a batch, compactly: record `k` (in input order, bad records skipped) has
/// primary layer `primary_layer[k]` (an index into `layer_ids`, -1 for none) and chosen actions
/// `actions[action_offsets[k]..action_offsets[k + 1]]` (indices into `action_ids`, best first).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub client_ids: Vec<String>,
    pub primary_layer: Vec<i32>,
    pub action_offsets: Vec<u32>,
    pub actions: Vec<u16>,
    pub layer_ids: Vec<String>,
    pub action_ids: Vec<String>,
    /// Records that could not be decided, with their 1-based line number.
    pub errors: Vec<RecordError>,
}

impl BatchResult {
    fn new(engine: &Engine) -> BatchResult {
        BatchResult {
            action_offsets: vec![0],
            layer_ids: engine.layer_ids().map(String::from).collect(),
            action_ids: engine.action_ids().map(String::from).collect(),
            ..BatchResult::default()
        }
    }
}

/// The lines of text input, numbered from `first`, without their line breaks (`\n` or `\r\n`).
/// Blank lines are skipped (their numbers still count); a line that is not UTF-8 is an error.
pub(crate) fn text_lines(input: &[u8], first: usize) -> impl Iterator<Item = (usize, Result<&str, RecordError>)> {
    let mut rest = input;
    let lines = std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match newline(rest) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &[][..]),
        };
        rest = next;
        Some(line)
    });
    lines.enumerate().filter_map(move |(i, raw)| {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let text = std::str::from_utf8(raw).map_err(|e| RecordError {
            client_id: None,
            line: None,
            errors: vec![Diagnostic::error(
                "invalid-utf8",
                "",
                format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1),
            )],
        });
        Some((first + i, text))
    })
}

/// The position of the first `\n` in `s`, eight bytes at a time (SWAR): NDJSON batches take about
/// 0.95x the time they took finding line ends a byte at a time.
fn newline(s: &[u8]) -> Option<usize> {
    crate::swar::find(s, |w| crate::swar::bytes_equal(w, b'\n'), |b| b == b'\n')
}

impl Engine {
    /// Decides every line of NDJSON input (blank lines are skipped).
    pub fn decide_ndjson(&self, input: &[u8], ctx: &Context) -> BatchResult {
        let mut lines = text_lines(input, 1);
        self.decide_read(
            &mut |rec: &mut Record| {
                let (line, text) = lines.next()?;
                Some((line, text.and_then(|t| self.read_client_text_into(t, rec))))
            },
            ctx,
        )
    }

    /// Decides every row of CSV input (a header row first; see [`crate::csv`]). A bad row is
    /// reported with its line number; a bad header rejects the input with its line.
    pub fn decide_csv(&self, input: &[u8], ctx: &Context) -> BatchResult {
        let mut lines = text_lines(input, 1);
        let header = match lines.next() {
            None => return BatchResult::new(self),
            Some((line, text)) => match text.and_then(CsvHeader::parse) {
                Ok(h) => h,
                Err(mut e) => {
                    e.line = Some(line);
                    let mut out = BatchResult::new(self);
                    out.errors.push(e);
                    return out;
                }
            },
        };
        self.decide_read(
            &mut |rec: &mut Record| {
                let (line, text) = lines.next()?;
                Some((line, text.and_then(|t| self.read_client_csv_into(&header, t, rec))))
            },
            ctx,
        )
    }

    /// Decides the records of a JSON array given as text (what `JSON.stringify` makes of an
    /// array of clients): each element goes through the one-pass reader, unparsed until then.
    /// An error's `line` is the record's 1-based position in the array.
    ///
    /// # Errors
    /// When the text is not a JSON array (its elements are checked one by one as records).
    pub fn decide_json_array(&self, text: &str, ctx: &Context) -> Result<BatchResult, String> {
        let mut elements = json_array_elements(text)?.into_iter().enumerate();
        Ok(self.decide_read(
            &mut |rec: &mut Record| {
                let (i, e) = elements.next()?;
                Some((i + 1, self.read_client_text_into(e, rec)))
            },
            ctx,
        ))
    }

    /// Decides a list of JSON records; an error's `line` is the record's 1-based position.
    pub fn decide_records(&self, records: &[serde_json::Value], ctx: &Context) -> BatchResult {
        let mut items = records.iter().enumerate();
        self.decide_read(
            &mut |rec: &mut Record| {
                let (i, v) = items.next()?;
                Some((i + 1, self.read_client(v).map(|r| *rec = r)))
            },
            ctx,
        )
    }

    /// Decides numbered records, `next` reading each in turn into the record it is given (any
    /// closure that does), a step of 64 records (one block) at a time; an item that could not be
    /// read is reported with its number and the others are still decided. (One loop for every
    /// input form: see [`SourceInto`].)
    pub fn decide_read(
        &self,
        next: &mut dyn SourceInto<Record, (usize, Result<(), RecordError>)>,
        ctx: &Context,
    ) -> BatchResult {
        let mut out = BatchResult::new(self);
        let mut scratch = BlockScratch::default();
        // The step's records: the first `n` are read; all are kept to be read into again.
        let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK);
        let mut n = 0;
        loop {
            if n == chunk.len() {
                chunk.push(Record::default());
            }
            let Some((line, item)) = next.next_into(&mut chunk[n]) else { break };
            match item {
                Ok(()) => n += 1,
                Err(mut e) => {
                    e.line = Some(line);
                    out.errors.push(e);
                }
            }
            if n == CHUNK {
                self.flush(&mut chunk, ctx, &mut scratch, &mut out);
                n = 0;
            }
        }
        chunk.truncate(n);
        self.flush(&mut chunk, ctx, &mut scratch, &mut out);
        out
    }

    /// Decides `chunk` into `out`; each record's id moves to `out` (the next read replaces it).
    fn flush(&self, chunk: &mut [Record], ctx: &Context, scratch: &mut BlockScratch, out: &mut BatchResult) {
        self.evaluate_all(chunk, ctx, scratch, |_, ev| {
            out.primary_layer.push(ev.primary.map_or(-1, i32::from));
            out.actions.extend_from_slice(&ev.chosen);
            out.action_offsets.push(out.actions.len() as u32);
        });
        out.client_ids.extend(chunk.iter_mut().map(|r| String::from(std::mem::take(&mut r.id))));
    }
}

/// The texts of the elements of a JSON array, found by tracking strings and nesting only (each
/// element is checked when it is read).
///
/// # Errors
/// When the text is not one JSON array.
pub fn json_array_elements(text: &str) -> Result<Vec<&str>, String> {
    let b = text.as_bytes();
    let ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let mut i = 0;
    ws(&mut i);
    if b.get(i) != Some(&b'[') {
        return Err("expected a JSON array".into());
    }
    i += 1;
    let mut out = Vec::new();
    ws(&mut i);
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            ws(&mut i);
            let start = i;
            let (mut depth, mut in_string) = (0usize, false);
            while i < b.len() {
                let c = b[i];
                if in_string {
                    match c {
                        b'\\' => i += 1,
                        b'"' => in_string = false,
                        _ => {}
                    }
                } else {
                    match c {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth > 0 => depth -= 1,
                        b',' | b']' if depth == 0 => break,
                        _ => {}
                    }
                }
                i += 1;
            }
            let element = text[start..i.min(b.len())].trim_end();
            if element.is_empty() || i >= b.len() {
                return Err(format!("element {} of the array is missing or not closed", out.len() + 1));
            }
            out.push(element);
            i += 1;
            if b[i - 1] == b']' {
                break;
            }
        }
    }
    ws(&mut i);
    if i < b.len() {
        return Err("text after the end of the array".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{json_array_elements, newline, text_lines};

    #[test]
    fn newline_finds_the_first_line_break() {
        let alphabet = [b'\n', b'\r', b'a', 0x0a ^ 0x80, 0x0b, 0x09, 0x00, 0xff];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..40 {
            for _ in 0..300 {
                let bytes = crate::swar::noisy_bytes(&mut seed, len, &alphabet, 6);
                assert_eq!(newline(&bytes), bytes.iter().position(|&b| b == b'\n'), "{bytes:?}");
            }
        }
    }

    #[test]
    fn lines_are_numbered_from_the_first_and_blank_ones_are_skipped() {
        let lines = |input: &str| -> Vec<(usize, String)> {
            text_lines(input.as_bytes(), 1).map(|(n, t)| (n, t.unwrap().to_string())).collect()
        };
        let want = |pairs: &[(usize, &str)]| pairs.iter().map(|(n, t)| (*n, t.to_string())).collect::<Vec<_>>();
        assert_eq!(lines(""), want(&[]));
        assert_eq!(lines("\n"), want(&[]));
        assert_eq!(lines("a"), want(&[(1, "a")]));
        assert_eq!(lines("a\n"), want(&[(1, "a")]));
        assert_eq!(lines("a\r\n\n  \r\nbb\r\n\t\nccc"), want(&[(1, "a"), (4, "bb"), (6, "ccc")]));
        assert_eq!(
            lines("{\"id\":\"a very long first line, past eight bytes\"}\nx"),
            want(&[(1, "{\"id\":\"a very long first line, past eight bytes\"}"), (2, "x")])
        );
        let bad: Vec<_> = text_lines(b"ok\n\xff\n", 1).map(|(n, t)| (n, t.is_ok())).collect();
        assert_eq!(bad, [(1, true), (2, false)]);
    }

    #[test]
    fn splits_array_elements_without_parsing_them() {
        assert_eq!(json_array_elements(" [ ] ").unwrap(), Vec::<&str>::new());
        assert_eq!(
            json_array_elements(r#"[{"a":[1,{"b":"],}"}]}, 2 ,"x\\\"]" ,null,[[]]]"#).unwrap(),
            [r#"{"a":[1,{"b":"],}"}]}"#, "2", r#""x\\\"]""#, "null", "[[]]"]
        );
        assert!(json_array_elements("{}").is_err());
        assert!(json_array_elements("[1,").is_err());
        assert!(json_array_elements("[1,]").is_err());
        assert!(json_array_elements("[1] 2").is_err());
        assert!(json_array_elements(r#"["open]"#).is_err());
    }
}
