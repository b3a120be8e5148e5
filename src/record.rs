//! A client record as the evaluator sees it: the declared fields in slots, the declared events
//! and the contact history. Undeclared keys of the input are never stored (data minimisation).

use crate::schema::Channel;

/// One declared field's value in a record.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldVal {
    /// The key is absent (or null): rules see `null`.
    Missing,
    Num(f64),
    Bool(bool),
    Str(Box<str>),
    /// An ordered-enum value, by index into the field's `values`.
    Enum(u16),
    /// A datetime, ms since the epoch.
    Time(i64),
    List(Box<[Box<str>]>),
}

/// A property of an event, by index in its type's declared property list.
#[derive(Debug, Clone, PartialEq)]
pub enum PropVal {
    Missing,
    Num(f64),
    Str(Box<str>),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of the declared event type.
    pub event_type: u16,
    pub at: i64,
    pub props: Box<[PropVal]>,
}

/// How a past contact ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Delivered,
    Opened,
    Clicked,
    Rejected,
    Converted,
}

impl Outcome {
    pub const ALL: [Outcome; 5] =
        [Outcome::Delivered, Outcome::Opened, Outcome::Clicked, Outcome::Rejected, Outcome::Converted];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Opened => "opened",
            Outcome::Clicked => "clicked",
            Outcome::Rejected => "rejected",
            Outcome::Converted => "converted",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A past contact with the client (a touch), used by caps, cooldowns and suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Index of the action in the rule set, when the action id is one of its actions.
    pub action: Option<u16>,
    pub channel: Channel,
    pub at: i64,
    pub outcome: Outcome,
}

/// A client record ready for evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub id: Box<str>,
    /// One value per declared field, in declaration order.
    pub values: Vec<FieldVal>,
    /// Declared events only, oldest first.
    pub events: Vec<Event>,
    /// Past contacts, oldest first.
    pub contacts: Vec<Contact>,
}
