//! clientseg: client tags, layers and next-best actions for a brokerage internet branch,
//! from one shared JsonLogic rule schema.
//!
//! Pipeline, one module per stage: [`parse`] (JSON → schema types, structural diagnostics) →
//! [`validate`] (ids, references, policy, suitability) → [`compile`] (conditions → IR, dependency
//! order) → [`evaluate`] (record → tags → layers → next-best actions) → [`decision`] (the readable
//! decision, trace and explanation).
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod batch;
pub mod block;
pub mod client;
pub mod compile;
pub mod csv;
pub mod decision;
pub mod diagnostics;
pub mod engine;
pub mod evaluate;
pub mod fastread;
pub mod hash;
pub mod logic;
pub mod parse;
pub mod record;
pub mod schema;
pub mod simulate;
pub mod structure;
pub mod synth;
pub mod time;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use batch::BatchResult;
pub use client::RecordError;
pub use decision::Decision;
pub use diagnostics::{Diagnostic, Severity};
pub use engine::{CompileError, Context, Engine, EngineInfo, validate_rules};
pub use evaluate::{Evaluation, Fate};

/// The README's Rust examples run as doc tests, so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
