//! Client objects in and decision objects out without JSON text: the Rust half of `codec.js`.
//! The encoder there reads the declared fields of a client object into bytes that
//! [`crate::encoded`] reads; a decision goes back as the numbers of its [`Outline`], from which
//! `codec.js` builds the object with the rule set's id tables, and its [`Words`] (the reasons'
//! messages and the explanation, unless `explain: false`) as one string of distinct texts. A record
//! the encoded reader does not take (a wrong type, a Date, ...) goes the JSON route instead, so
//! every result and diagnostic is the full reader's.

use super::{json_text, to_js};
use crate::RecordError;
use crate::decision::{Outline, Words};
use crate::diagnostics::Diagnostic;
use crate::engine::Context;
use crate::engine::Engine as Core;
use crate::evaluate::Evaluation;
use crate::json::ToJson;
use crate::record::Record;
use crate::time;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/codec.js")]
extern "C" {
    #[wasm_bindgen(js_name = Codec)]
    type Js;
    #[wasm_bindgen(constructor, js_class = Codec)]
    fn new(plan: &JsValue, tables: &JsValue, memory: &JsValue) -> Js;
    /// The length of the client's bytes, or -1 for the JSON route (it never throws).
    #[wasm_bindgen(method)]
    fn encode(this: &Js, client: &JsValue, ptr: *mut u8, cap: usize) -> f64;
    #[wasm_bindgen(method)]
    fn copy(this: &Js, ptr: *mut u8);
    /// Like `encode`, for `list[start..end]`.
    #[wasm_bindgen(method, js_name = encodeMany)]
    fn encode_many(this: &Js, list: &super::js::Array, start: u32, end: u32, ptr: *mut u8, cap: usize) -> f64;
    #[wasm_bindgen(method)]
    #[allow(clippy::too_many_arguments)]
    fn decision(
        this: &Js,
        now: &JsValue,
        deferred: &JsValue,
        words: &JsValue,
        client_id: &JsValue,
        trace: &JsValue,
        ptr: *const f64,
        len: usize,
    ) -> JsValue;
    #[wasm_bindgen(method)]
    fn options(this: &Js, options: &JsValue, ptr: *mut f64) -> JsValue;
}

/// Records encoded per call of `encodeMany` in a batch: bounds the buffers (under 1 KB a record).
const CHUNK: u32 = 1024;

/// A single decision's options, as `codec.js` reads them.
pub(super) struct Options {
    /// `now` in epoch ms, when JS could read it; else `raw_now` is the value, for
    /// [`super::parse_now`] to read or explain.
    pub now: Option<i64>,
    pub raw_now: JsValue,
    /// `event` is text (read it with `Reflect.get`: rare, so not worth a string each call).
    pub event: bool,
    pub trace: bool,
    pub explain: bool,
}

pub(super) struct Codec {
    js: Js,
    /// The tags in the order a decision's `tags` lists them.
    tag_order: Vec<u16>,
    /// The decision instant whose text `codec.js` holds (it is sent only when it changes).
    now: std::cell::Cell<Option<i64>>,
    /// The instants quiet hours deferred actions to, whose texts `codec.js` holds (likewise).
    deferred: RefCell<Vec<i64>>,
    /// Where the encoder copies a client's bytes.
    bytes: RefCell<Vec<u8>>,
    /// Where an outline's numbers are laid out for `decision`.
    outline: RefCell<Vec<f64>>,
    /// The evaluation and the outline of the last decision, kept for their buffers.
    last: RefCell<(Evaluation, Outline)>,
    /// The record of the last single decision, likewise.
    record: RefCell<Record>,
}

impl Codec {
    pub(super) fn new(core: &Core) -> Codec {
        let tables = core.decision_tables();
        let tag_order = tables.tag_order.clone();
        let plan = to_js(&core.encoder_plan()).unwrap_or(JsValue::NULL);
        let tables = to_js(&tables).unwrap_or(JsValue::NULL);
        Codec {
            js: Js::new(&plan, &tables, &wasm_bindgen::memory()),
            tag_order,
            now: std::cell::Cell::new(None),
            deferred: RefCell::default(),
            bytes: RefCell::new(vec![0; 4096]),
            outline: RefCell::new(Vec::new()),
            last: RefCell::default(),
            record: RefCell::default(),
        }
    }

    /// The record single decisions read into, kept for its lists; `None` when a getter of the
    /// client being read calls the engine again (that inner call reads into a record of its own).
    pub(super) fn record(&self) -> Option<std::cell::RefMut<'_, Record>> {
        self.record.try_borrow_mut().ok()
    }

    /// One client object through the encoder into `rec`; `None` when it needs the JSON route.
    pub(super) fn read(&self, core: &Core, client: &JsValue, rec: &mut Record) -> Option<()> {
        // Busy when a getter of the client being read calls the engine again: the JSON route.
        let mut bytes = self.bytes.try_borrow_mut().ok()?;
        let n = self.js.encode(client, bytes.as_mut_ptr(), bytes.len());
        let n = (n >= 0.0).then_some(n as usize)?;
        self.fetch(&mut bytes, n);
        core.read_client_encoded_into(&bytes[..n], rec)
    }

    /// Makes sure the `n` bytes the encoder wrote last are in `bytes`: it writes them there itself
    /// when they fit.
    fn fetch(&self, bytes: &mut Vec<u8>, n: usize) {
        if n > bytes.len() {
            bytes.resize(n.next_power_of_two(), 0);
            self.js.copy(bytes.as_mut_ptr());
        }
    }

    /// The records of a list of client objects, numbered from 1; a record the encoder cannot
    /// take is read through JSON, so a bad one is reported with its number and the rest are read.
    pub(super) fn read_many<'a>(&'a self, core: &'a Core, list: &'a super::js::Array) -> Many<'a> {
        Many {
            codec: self,
            core,
            list,
            len: list.length(),
            next: 0,
            end: 0,
            pos: 0,
            filled: 0,
            bytes: self.bytes.try_borrow_mut().ok(),
        }
    }

    /// The options of a single decision, in one call into JS rather than a `Reflect.get` (and a
    /// key string) each.
    pub(super) fn options(&self, options: &JsValue) -> Options {
        // A getter of `options` may call the engine again while its buffer is in use: then the
        // inner call reads into a buffer of its own.
        let mut own = Vec::new();
        let mut kept = self.outline.try_borrow_mut().ok();
        let out = kept.as_deref_mut().unwrap_or(&mut own);
        let len = out.len().max(2);
        out.resize(len, 0.0);
        let raw_now = self.js.options(options, out.as_mut_ptr());
        let (ms, flags) = (out[0], out[1] as u32);
        Options {
            now: (!ms.is_nan()).then_some(ms as i64),
            raw_now,
            event: flags & 4 != 0,
            trace: flags & 1 != 0,
            explain: flags & 2 == 0,
        }
    }

    /// The decision object for `record`, built in JS from its outline, with `explain` the words
    /// and with `ctx.trace` the trace (as JSON text). `client_id` is `None` for the client
    /// [`Codec::read`] read last (JS has its id), else the id of a record the JSON route read.
    pub(super) fn decide(
        &self,
        core: &Core,
        record: &Record,
        ctx: &Context,
        explain: bool,
        client_id: Option<&str>,
    ) -> JsValue {
        let mut fresh = <(Evaluation, Outline)>::default();
        let mut kept = self.last.try_borrow_mut().ok();
        let (ev, outline) = kept.as_deref_mut().unwrap_or(&mut fresh);
        core.evaluate(record, ctx, ev);
        core.outline_into(record, ev, outline);
        let words = explain.then(|| core.words(record, outline));
        let trace = ctx.trace.then(|| core.trace(record, ctx, ev).to_json());
        let extra = Extra { client_id, trace: trace.as_deref() };
        self.decision(core, outline, ctx.now, words.as_ref(), &extra)
    }

    /// The decision object of an outline (see [`Codec::decide`]).
    fn decision(&self, core: &Core, o: &Outline, now: i64, words: Option<&Words>, extra: &Extra<'_>) -> JsValue {
        // The numbers' buffer is busy only when a getter of the outer call's options called the
        // engine: this inner call then lays them out in a buffer of its own. The deferred
        // instants are borrowed only while no JS runs, so they are never busy.
        let (mut kept, mut own) = (self.outline.try_borrow_mut().ok(), Vec::new());
        let out = kept.as_deref_mut().unwrap_or(&mut own);
        let mut deferred = self.deferred.borrow_mut();
        // The distinct instants actions are deferred to (nearly always one: the end of the
        // quiet hours), sent as text only when they differ from the last decision's. What JS
        // holds changes only with the call that sends it, at the end.
        let times = || o.chosen.iter().filter_map(|c| c.deferred_until);
        let same = times().all(|t| deferred.contains(&t)) && deferred.iter().all(|&d| times().any(|t| t == d));
        let changed = (!same).then(|| {
            let mut list: Vec<i64> = Vec::new();
            for t in times() {
                if !list.contains(&t) {
                    list.push(t);
                }
            }
            list
        });
        let held: &[i64] = changed.as_deref().unwrap_or(&deferred);
        out.clear();
        // The words (each reason's message and the explanation): their distinct texts, as one
        // string and the UTF-16 length of each, then each message and the explanation by index.
        let words = words.map(|d| {
            fn pair<'d>(texts: &mut Vec<&'d str>, zh: &'d str, en: &'d str) -> [f64; 2] {
                [zh, en].map(|s| {
                    let k = texts.iter().position(|t| *t == s).unwrap_or_else(|| {
                        texts.push(s);
                        texts.len() - 1
                    });
                    k as f64
                })
            }
            let mut texts = Vec::new();
            let messages: Vec<[f64; 2]> = d.messages.iter().map(|m| pair(&mut texts, &m.zh, &m.en)).collect();
            let explanation = pair(&mut texts, &d.explanation.zh, &d.explanation.en);
            out.push(texts.len() as f64);
            out.extend(texts.iter().map(|t| t.encode_utf16().count() as f64));
            (JsValue::from(texts.concat()), messages, explanation)
        });
        out.push(o.primary.map_or(-1.0, f64::from));
        out.push(o.tags.len() as f64);
        // `o.tags` is in declaration order (by tag index); the object lists them in key order.
        for &t in &self.tag_order {
            if let Ok(at) = o.tags.binary_search_by_key(&t, |x| x.0) {
                out.extend([f64::from(t), f64::from(o.tags[at].1)]);
            }
        }
        out.push(o.layers.len() as f64);
        out.extend(o.layers.iter().map(|&l| f64::from(l)));
        out.push(o.chosen.len() as f64);
        for c in &o.chosen {
            let at = c.deferred_until.and_then(|t| held.iter().position(|&d| d == t));
            out.extend([
                f64::from(c.action),
                c.score,
                at.map_or(-1.0, |i| i as f64),
                c.fallback_for.map_or(-1.0, f64::from),
            ]);
        }
        out.push(o.not_chosen.len() as f64);
        for (k, (a, fate)) in o.not_chosen.iter().enumerate() {
            out.extend([f64::from(*a), fate.index() as f64]);
            if let Some((_, messages, _)) = &words {
                out.extend(messages.get(k).into_iter().flatten());
            }
        }
        out.push(o.control_groups.len() as f64);
        out.extend(o.control_groups.iter().map(|&s| f64::from(s)));
        if let Some((_, _, explanation)) = &words {
            out.extend(explanation);
        }
        let now = if self.now.get() == Some(now) {
            JsValue::UNDEFINED
        } else {
            self.now.set(Some(now));
            JsValue::from(time::format_datetime(now, core.time_zone()))
        };
        let deferred_texts = match changed {
            Some(list) => {
                let texts: Vec<String> = list.iter().map(|&t| time::format_datetime(t, core.time_zone())).collect();
                *deferred = list;
                JsValue::from(texts.join(","))
            }
            None => JsValue::UNDEFINED,
        };
        drop(deferred);
        let words = words.map_or(JsValue::UNDEFINED, |w| w.0);
        let text = |s: Option<&str>| s.map_or(JsValue::UNDEFINED, JsValue::from);
        let (id, trace) = (text(extra.client_id), text(extra.trace));
        self.js.decision(&now, &deferred_texts, &words, &id, &trace, out.as_ptr(), out.len())
    }
}

/// What a decision object may need besides its outline and words (see [`Codec::decide`]).
struct Extra<'a> {
    client_id: Option<&'a str>,
    /// The trace, as JSON text.
    trace: Option<&'a str>,
}

/// The records of a list of client objects (see [`Codec::read_many`]), encoded a chunk at a time.
pub(super) struct Many<'a> {
    codec: &'a Codec,
    core: &'a Core,
    list: &'a super::js::Array,
    len: u32,
    /// The next record, and the end of the encoded chunk it is in.
    next: u32,
    end: u32,
    /// Where the next record's bytes start in `bytes`, and where the chunk's end.
    pos: usize,
    filled: usize,
    /// `None` when a getter of a client being read calls the engine again: the JSON route.
    bytes: Option<std::cell::RefMut<'a, Vec<u8>>>,
}

impl Many<'_> {
    /// The next record, numbered from 1, read into `rec` (see [`crate::source::SourceInto`]).
    pub(super) fn next_into(&mut self, rec: &mut Record) -> Option<(usize, Result<(), RecordError>)> {
        if self.next == self.len {
            return None;
        }
        if self.next == self.end {
            self.end = self.len.min(self.next + CHUNK);
            (self.pos, self.filled) = (0, 0);
            if let Some(bytes) = self.bytes.as_mut() {
                let cap = bytes.len();
                // Should the encoder itself fail, every record of the chunk takes the JSON route.
                let n = self.codec.js.encode_many(self.list, self.next, self.end, bytes.as_mut_ptr(), cap);
                if n >= 0.0 {
                    let n = n as usize;
                    self.codec.fetch(bytes, n);
                    self.filled = n;
                }
            }
        }
        let k = self.next;
        self.next += 1;
        let encoded = match &self.bytes {
            Some(bytes) => crate::encoded::next_record(&bytes[..self.filled], &mut self.pos),
            None => None,
        };
        if encoded.is_none() {
            // Broken framing: the rest of the chunk takes the JSON route too.
            self.filled = 0;
        }
        let read = match encoded.and_then(|b| self.core.read_client_encoded_into(b, rec)) {
            Some(()) => Ok(()),
            None => read_json(self.core, &self.list.get(k)).map(|r| *rec = r),
        };
        Some((k as usize + 1, read))
    }
}

/// A record through JSON text and the full reader (the batch form of `Engine::read_json`).
fn read_json(core: &Core, client: &JsValue) -> Result<Record, RecordError> {
    let text = json_text(client, RecordError::CODE, "the client").map_err(|e| {
        let message = super::js::message_of(&e);
        RecordError { client_id: None, line: None, errors: vec![Diagnostic::error("invalid-json", "", message)] }
    })?;
    core.read_client_text(&text)
}
