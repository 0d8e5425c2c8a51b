//! What a long-running reader (a batch, a shell session) keeps of what it has worked out: a
//! map shared between threads that holds at most `CAP` entries, so that a long batch of
//! unusual questions does not grow it without end.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap;

/// Values by key, each worked out once, at most `CAP` of them (then the ones kept stay and
/// new ones are worked out each time).
#[derive(Debug)]
pub struct Memo<K, V, const CAP: usize>(Mutex<FxHashMap<K, V>>);

impl<K, V, const CAP: usize> Default for Memo<K, V, CAP> {
    fn default() -> Self {
        Memo(Mutex::new(FxHashMap::default()))
    }
}

impl<K: Hash + Eq, V: Clone, const CAP: usize> Memo<K, V, CAP> {
    /// The value kept for `key`, or the one `make` works out (kept, while there is room).
    /// `make` runs without the lock held.
    pub fn get_or_insert_with<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.get_or_insert_with_if(key, make, |_| true)
    }

    /// [`Memo::get_or_insert_with`], keeping what `make` works out only if `keep` says so
    /// (another bound than the count: bytes, say).
    pub fn get_or_insert_with_if<Q>(&self, key: &Q, make: impl FnOnce() -> V, keep: impl FnOnce(&V) -> bool) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        // A poisoned lock only means another thread panicked; what the map holds is right.
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = lock().get(key) {
            return v.clone();
        }
        let v = make();
        let mut kept = lock();
        // Another thread may have kept it meanwhile: `keep` is asked only for what is added.
        if kept.len() < CAP && !kept.contains_key(key) && keep(&v) {
            kept.insert(key.to_owned(), v.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_worked_out_once_and_the_bound_holds() {
        let memo: Memo<String, usize, 2> = Memo::default();
        let mut made = 0;
        for word in ["a", "b", "a", "c", "c", "b"] {
            let v = memo.get_or_insert_with(word, || {
                made += 1;
                word.len()
            });
            assert_eq!(v, 1);
        }
        // "a" and "b" are kept; "c", past the bound, is worked out each time.
        assert_eq!(made, 4);
    }
}
