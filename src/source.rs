//! [`Source`]: the next item, or `None` at the end, from a closure called through `dyn`.
//!
//! Loops that take items of many kinds (a batch's records from NDJSON, CSV or JS objects; the
//! candidates of a "did you mean") take `&mut dyn Source<T>`, so each is one copy in the `.wasm`.
//! A `dyn FnMut` would do the same, but its table also holds `call_once`, a second copy of every
//! closure's body that nothing calls and the optimiser cannot remove (the table is filled from
//! data); a `dyn Iterator`'s holds `size_hint`, `nth` and more. This trait's table holds one method.

/// The next item, or `None` at the end (any `FnMut() -> Option<T>` closure is one).
pub trait Source<T> {
    fn next_item(&mut self) -> Option<T>;
}

impl<T, F: FnMut() -> Option<T>> Source<T> for F {
    #[inline]
    fn next_item(&mut self) -> Option<T> {
        self()
    }
}

/// The next item written into `out`, whose buffers it reuses, or `None` at the end (any
/// `FnMut(&mut O) -> Option<T>` closure is one): a batch reads each record into one it has
/// decided already instead of allocating its lists again.
pub trait SourceInto<O: ?Sized, T> {
    fn next_into(&mut self, out: &mut O) -> Option<T>;
}

impl<O: ?Sized, T, F: FnMut(&mut O) -> Option<T>> SourceInto<O, T> for F {
    #[inline]
    fn next_into(&mut self, out: &mut O) -> Option<T> {
        self(out)
    }
}
