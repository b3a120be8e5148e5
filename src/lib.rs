//! clientseg: client tags, layers and next-best actions for a brokerage internet branch,
//! from one shared JsonLogic rule schema.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod diagnostics;
pub mod logic;
pub mod record;
pub mod schema;
pub mod time;
