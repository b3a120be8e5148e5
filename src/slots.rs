//! [`Slots`]: a list of ids and, for each id, its slot (its position in the list).
//!
//! Record readers look up every key of every record here, so it must be quick for short keys:
//! an open-addressing table hashed a word at a time, kept at most half full. It is the crate's
//! only hash map on the hot paths, and one non-generic type, so the `.wasm` carries this small
//! table rather than `HashMap`'s generic code for each key and value type. (The ids come from the
//! rule set, not from the records being read, so hash flooding is not a concern.)

/// Ids and their slots (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Slots {
    ids: Vec<Box<str>>,
    /// Open addressing: `0` is empty, `k + 1` is `ids[k]`. Its length is a power of two, at least
    /// twice the number of ids (or 0 while there are none).
    table: Box<[u32]>,
}

/// A hash of `s`, eight bytes at a time (the last word overlaps the one before when the length is
/// not a multiple of eight): about a third of the cost of FNV-1a's byte at a time (3 against 8 ns
/// for a record's keys natively), which took a few percent of reading a batch, where every key of
/// every record is looked up.
fn hash(s: &str) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let b = s.as_bytes();
    let mut h = b.len() as u64;
    let mut rest = b;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        h = (h ^ u64::from_le_bytes(*word)).wrapping_mul(K);
        rest = tail;
    }
    if !rest.is_empty() {
        let last = match b.last_chunk::<8>() {
            Some(word) => u64::from_le_bytes(*word),
            None => rest.iter().fold(0, |w, &c| (w << 8) | u64::from(c)),
        };
        h = (h ^ last).wrapping_mul(K);
    }
    (h ^ (h >> 32)) as usize
}

impl Slots {
    /// The slots of `ids` in order; an id given twice keeps its first slot.
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> Slots {
        let mut slots = Slots::default();
        for id in ids {
            let _ = slots.insert(id);
        }
        slots
    }

    /// Adds `id` as the next slot: `Ok(slot)`, or `Err(slot)` with the slot it already has.
    pub fn insert(&mut self, id: &str) -> Result<usize, usize> {
        if let Some(k) = self.position(id) {
            return Err(k);
        }
        if (self.ids.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        self.ids.push(id.into());
        let k = self.ids.len() - 1;
        self.place(k);
        Ok(k)
    }

    /// The slot of `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        let mask = self.table.len().checked_sub(1)?;
        let mut at = hash(id) & mask;
        loop {
            match self.table[at] {
                0 => return None,
                n if *self.ids[n as usize - 1] == *id => return Some(n as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// The slot of `id`, as the rule set's indices are kept (at most [`crate::parse::MAX_RULES`]
    /// or [`crate::parse::MAX_FIELDS`] ids are ever compiled).
    pub fn get(&self, id: &str) -> Option<u16> {
        self.position(id).map(|k| k as u16)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(16);
        self.table = vec![0; size].into_boxed_slice();
        for k in 0..self.ids.len() {
            self.place(k);
        }
    }

    /// Puts `ids[k]` in the table (which has room).
    fn place(&mut self, k: usize) {
        let mask = self.table.len() - 1;
        let mut at = hash(&self.ids[k]) & mask;
        while self.table[at] != 0 {
            at = (at + 1) & mask;
        }
        self.table[at] = k as u32 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_find_their_slots_and_nothing_else_is_found() {
        let ids: Vec<String> = (0..3000).map(|i| format!("field_{i}")).collect();
        let slots = Slots::new(ids.iter().map(String::as_str));
        assert_eq!(slots.len(), 3000);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(slots.position(id), Some(i));
        }
        for miss in ["", "field_", "field_3000", "Field_1", "field_1 ", "aum"] {
            assert_eq!(slots.position(miss), None, "{miss}");
        }
        assert_eq!(Slots::default().get("x"), None);
        assert!(Slots::default().is_empty());
    }

    /// How far past its hash's place each id sits in the table: the probes a lookup costs.
    fn longest_probe(slots: &Slots) -> usize {
        let mask = slots.table.len() - 1;
        (0..slots.table.len())
            .filter(|&at| slots.table[at] != 0)
            .map(|at| at.wrapping_sub(hash(&slots.ids[slots.table[at] as usize - 1])) & mask)
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn ids_that_differ_only_in_the_middle_spread_out() {
        // Rule sets name things in series: the same start and end, the same length.
        for ids in [
            (0..2000).map(|i| format!("sop_step_{i:04}_reminder")).collect::<Vec<_>>(),
            (0..2000).map(|i| format!("{i:04}")).collect(),
            (0..2000).map(|i| format!("consent_{i:04}_push_channel_opt_in_{}", i % 7)).collect(),
        ] {
            let slots = Slots::new(ids.iter().map(String::as_str));
            assert!(longest_probe(&slots) < 40, "{} for {}...", longest_probe(&slots), ids[0]);
            assert!(ids.iter().enumerate().all(|(i, id)| slots.position(id) == Some(i)));
        }
    }

    #[test]
    fn a_repeated_id_keeps_its_first_slot() {
        let mut slots = Slots::new(["a", "b"]);
        assert_eq!(slots.insert("a"), Err(0));
        assert_eq!(slots.insert("c"), Ok(2));
        assert_eq!(slots.insert(""), Ok(3));
        assert_eq!(slots.insert(""), Err(3));
        assert_eq!(slots.get("c"), Some(2));
        assert_eq!(Slots::new(["x", "y", "x"]).get("x"), Some(0));
    }
}
