//! TypeScript declarations from the JSON Schemas that schemars derives for the Rust types, so the
//! npm package's `.d.ts` can never disagree with what serde reads and writes.
//!
//! [`Declarations`] collects named types — each an [input](Declarations::input) (schemars'
//! deserialize contract: fields with `#[serde(default)]` or of type `Option` may be left out) or
//! an [output](Declarations::output) (serialize contract: only `skip_serializing_if` fields may be
//! absent) — and renders every type they reach as an `export interface` (objects with
//! properties) or an `export type` (unions, maps, aliases), keeping doc comments as TSDoc.
//!
//! It understands the subset of JSON Schema that schemars 1.x emits: `$ref` to `$defs`, `type`
//! (also as a list, for nullable values), `properties`/`required`/`additionalProperties`,
//! `items`/`prefixItems`, `enum`, `const`, `anyOf`/`oneOf`/`allOf`. A schema that allows any
//! value (`true`, or one without a type) becomes `JsonValue`. Two extension keywords, set with
//! `#[schemars(extend("x-ts-type" = "Int32Array"))]` or from a hand-written `JsonSchema` impl,
//! say what JSON Schema cannot: [`TS_TYPE`] (a TypeScript type used verbatim) and [`TS_EXTENDS`]
//! (the interface a declaration extends).
//!
//! The package's own list of types is [`api::declarations`]; `tests/typescript_fresh.rs` writes
//! it to `src/wasm/types.d.ts`, which the wasm boundary includes as a `typescript_custom_section`.

pub mod api;
mod convert;
pub use convert::{Declarations, declaration, ts_type};

/// Extension keyword: a TypeScript type expression that replaces the schema's own.
pub const TS_TYPE: &str = "x-ts-type";
/// Extension keyword on an object type: the interface it `extends` (e.g. `Error`).
pub const TS_EXTENDS: &str = "x-ts-extends";
