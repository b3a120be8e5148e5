//! [`Slots`]: a list of ids and, for each id, its slot (its position in the list).
//!
//! Record readers look up every key of every record here, so it must be quick for short keys:
//! an open-addressing table hashed with FNV-1a, kept at most half full. It is the crate's only
//! hash map on the hot paths, and one non-generic type, so the `.wasm` carries this small table
//! rather than `HashMap`'s generic code for each key and value type. (The ids come from the rule
//! set, not from the records being read, so hash flooding is not a concern.)

/// Ids and their slots (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Slots {
    ids: Vec<Box<str>>,
    /// Open addressing: `0` is empty, `k + 1` is `ids[k]`. Its length is a power of two, at least
    /// twice the number of ids (or 0 while there are none).
    table: Box<[u32]>,
}

/// FNV-1a of `s`.
fn hash(s: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
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
