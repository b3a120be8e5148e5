//! A simulation split between workers: each decides its part of the population, hands over its
//! counts as bytes ([`Simulation::partial`]) and one of them adds the others' in
//! ([`Simulation::merge`]). Every count is an integer (the funnel's probability sums are fixed
//! point), so the merged report equals the report of one simulation over the whole population,
//! bit for bit, whatever the split.
//!
//! The bytes are a private format (a header naming the simulation they belong to, then
//! variable-length integers); they are checked when read, so bytes from another simulation, another
//! version or a truncated message are refused with a reason, never half merged.

use super::{ERRORS_KEPT, Simulation};
use crate::client::RecordError;
use crate::diagnostics::{Diagnostic, Severity};
use crate::hash;
use crate::schema::Channel;

/// The first bytes of a partial result, then the format version.
const MAGIC: &[u8; 4] = b"CSsp";
const FORMAT: u64 = 1;

/// Why partial counts could not be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    pub message: String,
}

impl MergeError {
    pub const CODE: &'static str = "INVALID_PARTIAL";

    fn new(message: impl Into<String>) -> MergeError {
        MergeError { message: message.into() }
    }
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Simulation {
    /// What a partial result must agree on to be merged: both rule sets (their content
    /// hashes), the assumptions, `now` and the event.
    fn fingerprint(&self) -> u64 {
        let assumptions = serde_json::to_string(&self.assumptions).unwrap_or_default();
        let now = self.ctx.now.to_string();
        let event = self.ctx.event.as_deref().unwrap_or("");
        hash::stable_hash(&[&self.a.content_hash, &self.b.content_hash, &assumptions, &now, event])
    }

    /// Visits every count that merging adds up, in one fixed order: writing a partial result
    /// and merging one walk the same list, so they cannot disagree.
    fn each_count(&mut self, f: &mut dyn FnMut(&mut u64)) {
        f(&mut self.progress.clients);
        f(&mut self.progress.rejected);
        self.transitions.iter_mut().for_each(&mut *f);
        f(&mut self.changing_layer);
        f(&mut self.changing_actions);
        for side in [&mut self.side_a, &mut self.side_b] {
            let t = &mut side.tally;
            f(&mut t.clients);
            t.primary
                .iter_mut()
                .chain(t.tags.iter_mut().flatten())
                .chain(t.fates.iter_mut().flatten())
                .for_each(&mut *f);
            f(&mut t.deferred);
            f(&mut t.without_action);
            t.control_group.iter_mut().chain(&mut side.pressure).for_each(&mut *f);
            side.funnel.iter_mut().for_each(|(n, _, _)| f(n));
            f(&mut side.touches);
        }
    }

    /// Ends the current input (as [`Simulation::finish`]) and returns every count so far as
    /// bytes for [`Simulation::merge`] in another simulation of the same rule sets,
    /// assumptions and `now` — typically in another Web Worker.
    pub fn partial(&mut self) -> Vec<u8> {
        self.finish();
        let mut w = Writer(MAGIC.to_vec());
        w.u(FORMAT);
        w.u(self.fingerprint());
        let mut counts = Vec::new();
        self.each_count(&mut |c| counts.push(*c));
        w.u(counts.len() as u64);
        counts.into_iter().for_each(|c| w.u(c));
        for side in [&self.side_a, &self.side_b] {
            w.u(side.max_touches);
            for &(_, base, proj) in &side.funnel {
                w.u128(base);
                w.u128(proj);
            }
            w.u(side.by_day.len() as u64);
            for (&(day, channel), &n) in &side.by_day {
                // Days since the epoch, zigzag-encoded (a day before 1970 is legal, if unlikely).
                w.u(((day << 1) ^ (day >> 63)) as u64);
                w.u(channel as u64);
                w.u(n);
            }
        }
        w.u((self.text_lines - self.borrowed_lines) as u64);
        w.u(self.borrowed_lines as u64);
        w.u(self.errors.len() as u64);
        for e in &self.errors {
            w.record_error(e);
        }
        w.0
    }

    /// Adds the counts of another simulation's [`Simulation::partial`]: the same rule sets,
    /// assumptions and `now`, over the part of the population that comes after this one's (its
    /// records' line numbers continue this simulation's lines). This simulation's current input
    /// ends first, as with [`Simulation::finish`].
    ///
    /// # Errors
    /// [`MergeError`] when the bytes are not a partial result of the same simulation; nothing
    /// is merged then.
    pub fn merge(&mut self, bytes: &[u8]) -> Result<(), MergeError> {
        let part = Reader { bytes, at: 0 }.partial(self)?;
        self.finish();
        let mut counts = part.counts.into_iter();
        self.each_count(&mut |c| *c += counts.next().unwrap_or(0));
        for (side, (max_touches, funnel, by_day)) in [&mut self.side_a, &mut self.side_b].into_iter().zip(part.sides) {
            side.max_touches = side.max_touches.max(max_touches);
            for (f, (base, proj)) in side.funnel.iter_mut().zip(funnel) {
                (f.1, f.2) = (f.1 + base, f.2 + proj);
            }
            for (k, n) in by_day {
                *side.by_day.entry(k).or_default() += n;
            }
        }
        // The other part's line numbers count from its own first line (after a header row it
        // was given rather than read, see `continue_csv`); here they continue this part's lines.
        let offset = (self.text_lines - self.borrowed_lines) as i64 - part.borrowed_lines as i64;
        self.text_lines += part.lines;
        for mut e in part.errors.into_iter().take(ERRORS_KEPT - self.errors.len()) {
            e.line = e.line.map(|l| (l as i64 + offset).max(1) as usize);
            self.errors.push(e);
        }
        Ok(())
    }
}

/// A partial result read back and checked against the simulation it is merged into.
struct Part {
    counts: Vec<u64>,
    sides: Vec<PartSide>,
    lines: usize,
    borrowed_lines: usize,
    errors: Vec<RecordError>,
}

/// One side's counts that do not simply add up: the most touches of one client, the funnel's
/// fixed-point sums, and actions per (day, channel).
type PartSide = (u64, Vec<(u128, u128)>, Vec<((i64, usize), u64)>);

struct Writer(Vec<u8>);

impl Writer {
    /// LEB128: small counts take one byte.
    fn u(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn u128(&mut self, v: u128) {
        self.u(v as u64);
        self.u((v >> 64) as u64);
    }

    fn str(&mut self, s: &str) {
        self.u(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        self.u(u64::from(s.is_some()));
        if let Some(s) = s {
            self.str(s);
        }
    }

    fn record_error(&mut self, e: &RecordError) {
        self.opt_str(e.client_id.as_deref());
        self.u(e.line.map_or(0, |l| l as u64 + 1));
        self.u(e.errors.len() as u64);
        for d in &e.errors {
            self.str(d.code);
            self.u(u64::from(d.severity == Severity::Warning));
            self.str(&d.path);
            self.str(&d.message);
            self.opt_str(d.suggestion.as_deref());
        }
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

fn corrupt() -> MergeError {
    MergeError::new("the partial result is truncated or corrupt")
}

impl Reader<'_> {
    fn u(&mut self) -> Result<u64, MergeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or_else(corrupt)?;
            self.at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }

    fn usize(&mut self) -> Result<usize, MergeError> {
        usize::try_from(self.u()?).map_err(|_| corrupt())
    }

    fn u128(&mut self) -> Result<u128, MergeError> {
        Ok(u128::from(self.u()?) | (u128::from(self.u()?) << 64))
    }

    /// A length that the remaining bytes can hold (each item takes at least one byte), so a
    /// corrupt length cannot make us allocate gigabytes.
    fn len(&mut self) -> Result<usize, MergeError> {
        let n = self.usize()?;
        if n > self.bytes.len() - self.at { Err(corrupt()) } else { Ok(n) }
    }

    fn str(&mut self) -> Result<String, MergeError> {
        let n = self.len()?;
        let s = std::str::from_utf8(&self.bytes[self.at..self.at + n]).map_err(|_| corrupt())?;
        self.at += n;
        Ok(s.to_string())
    }

    fn opt_str(&mut self) -> Result<Option<String>, MergeError> {
        Ok(if self.u()? == 1 { Some(self.str()?) } else { None })
    }

    fn record_error(&mut self) -> Result<RecordError, MergeError> {
        let client_id = self.opt_str()?;
        let line = self.usize()?.checked_sub(1);
        let n = self.len()?;
        let mut errors = Vec::with_capacity(n);
        for _ in 0..n {
            let code = crate::diagnostics::intern_code(&self.str()?);
            let severity = if self.u()? == 1 { Severity::Warning } else { Severity::Error };
            let (path, message, suggestion) = (self.str()?, self.str()?, self.opt_str()?);
            errors.push(Diagnostic { code, severity, path, message, suggestion });
        }
        Ok(RecordError { client_id, line, errors })
    }

    fn partial(mut self, sim: &mut Simulation) -> Result<Part, MergeError> {
        if !self.bytes.starts_with(MAGIC) {
            return Err(MergeError::new("not a partial simulation result (it does not start with the format's mark)"));
        }
        self.at = MAGIC.len();
        let format = self.u()?;
        if format != FORMAT {
            return Err(MergeError::new(format!(
                "the partial result is in format {format}; this version of clientseg reads format {FORMAT}"
            )));
        }
        if self.u()? != sim.fingerprint() {
            return Err(MergeError::new(
                "the partial result comes from another simulation: the rule sets, the assumptions, `now` or the event differ",
            ));
        }
        let mut want = 0;
        sim.each_count(&mut |_| want += 1);
        if self.len()? != want {
            return Err(corrupt());
        }
        let counts = (0..want).map(|_| self.u()).collect::<Result<_, _>>()?;
        let mut sides = Vec::new();
        for side in [&sim.side_a, &sim.side_b] {
            let max_touches = self.u()?;
            let funnel = side.funnel.iter().map(|_| Ok((self.u128()?, self.u128()?))).collect::<Result<_, _>>()?;
            let n = self.len()?;
            let mut by_day = Vec::with_capacity(n);
            for _ in 0..n {
                let z = self.u()?;
                let day = ((z >> 1) as i64) ^ -((z & 1) as i64);
                let channel = self.usize()?;
                if channel >= Channel::ALL.len() {
                    return Err(corrupt());
                }
                by_day.push(((day, channel), self.u()?));
            }
            sides.push((max_touches, funnel, by_day));
        }
        let (lines, borrowed_lines) = (self.usize()?, self.usize()?);
        let n = self.len()?;
        let errors = (0..n).map(|_| self.record_error()).collect::<Result<_, _>>()?;
        if self.at != self.bytes.len() {
            return Err(MergeError::new("the partial result has bytes after its end"));
        }
        Ok(Part { counts, sides, lines, borrowed_lines, errors })
    }
}
