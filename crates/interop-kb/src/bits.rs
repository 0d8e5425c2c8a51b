//! A fixed-length bit set that holds up to 128 bits without allocating.
//!
//! Every condition of the knowledge base is a set of cubes, each a bit set over all products,
//! and answering a question makes and drops thousands of them (the fix search most of all).
//! The shipped base has a few dozen products, so with the bits kept inline a cube costs no
//! allocation; a synthetic base of thousands of products falls back to the heap.

use std::fmt;
use std::ops::Range;

/// Words kept inline: bases of up to this many × 64 products.
const INLINE: usize = 2;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Words {
    Inline([u64; INLINE]),
    Heap(Box<[u64]>),
}

/// A set of `0..len`. Bits beyond `len` are always clear, so equal sets are equal values.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bits {
    len: usize,
    words: Words,
}

fn word_count(len: usize) -> usize {
    len.div_ceil(64)
}

impl Bits {
    /// The empty set of `0..len`.
    #[must_use]
    pub fn with_capacity(len: usize) -> Self {
        let n = word_count(len);
        let words = if n <= INLINE {
            Words::Inline([0; INLINE])
        } else {
            Words::Heap(vec![0; n].into_boxed_slice())
        };
        Bits { len, words }
    }

    /// How many elements the set ranges over.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set ranges over nothing (`with_capacity(0)`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes it holds beside itself (none when its words are inline).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        match &self.words {
            Words::Inline(_) => 0,
            Words::Heap(w) => std::mem::size_of_val(&**w),
        }
    }

    fn words(&self) -> &[u64] {
        match &self.words {
            Words::Inline(w) => &w[..word_count(self.len)],
            Words::Heap(w) => w,
        }
    }

    fn words_mut(&mut self) -> &mut [u64] {
        let n = word_count(self.len);
        match &mut self.words {
            Words::Inline(w) => &mut w[..n],
            Words::Heap(w) => w,
        }
    }

    /// # Panics
    /// If `i` is not below [`Bits::len`].
    pub fn insert(&mut self, i: usize) {
        self.set(i, true);
    }

    /// # Panics
    /// If `i` is not below [`Bits::len`].
    pub fn set(&mut self, i: usize, on: bool) {
        assert!(i < self.len, "bit {i} of a set of {}", self.len);
        let w = &mut self.words_mut()[i / 64];
        if on {
            *w |= 1 << (i % 64);
        } else {
            *w &= !(1 << (i % 64));
        }
    }

    #[must_use]
    pub fn contains(&self, i: usize) -> bool {
        i < self.len && self.words()[i / 64] & (1 << (i % 64)) != 0
    }

    /// No element.
    pub fn clear(&mut self) {
        self.words_mut().fill(0);
    }

    /// Every element of `0..len`.
    pub fn insert_all(&mut self) {
        let len = self.len;
        let words = self.words_mut();
        words.fill(u64::MAX);
        if len % 64 != 0
            && let Some(last) = words.last_mut()
        {
            *last = (1 << (len % 64)) - 1;
        }
    }

    pub fn union_with(&mut self, other: &Bits) {
        self.union_with_in(other, self.all_words());
    }

    /// `self ∪ (a ∩ b)`, without making `a ∩ b`.
    pub fn union_with_meet(&mut self, a: &Bits, b: &Bits) {
        self.rewrite_with(a, b, self.all_words(), |s, x, y| s | (x & y));
    }

    pub fn intersect_with(&mut self, other: &Bits) {
        self.rewrite_with(other, other, self.all_words(), |a, b, _| a & b);
    }

    pub fn difference_with(&mut self, other: &Bits) {
        self.difference_with_in(other, self.all_words());
    }

    #[must_use]
    pub fn is_clear(&self) -> bool {
        self.words().iter().all(|&w| w == 0)
    }

    #[must_use]
    pub fn is_disjoint(&self, other: &Bits) -> bool {
        self.is_disjoint_in(other, self.all_words())
    }

    #[must_use]
    pub fn is_subset(&self, other: &Bits) -> bool {
        self.is_subset_in(other, self.all_words())
    }

    /// Whether `self`, `b` and `c` have no element in common, without making their intersection.
    #[must_use]
    pub fn meet_is_clear(&self, b: &Bits, c: &Bits) -> bool {
        self.meet_is_clear_in(b, c, self.all_words())
    }

    /// Every word: the range the `*_in` operations take to work on the whole set.
    #[must_use]
    pub fn all_words(&self) -> Range<usize> {
        0..word_count(self.len)
    }

    /// The range of words that holds the elements `bits` (for the `*_in` operations, which
    /// look only at those words: the caller knows that its other operands are clear outside).
    #[must_use]
    pub fn words_of(bits: Range<usize>) -> Range<usize> {
        bits.start / 64..bits.end.div_ceil(64)
    }

    /// [`Bits::is_disjoint`], looking only at the words `w`.
    #[must_use]
    pub fn is_disjoint_in(&self, other: &Bits, w: Range<usize>) -> bool {
        self.words()[w.clone()]
            .iter()
            .zip(&other.words()[w])
            .all(|(a, b)| a & b == 0)
    }

    /// [`Bits::is_subset`], looking only at the words `w`.
    #[must_use]
    pub fn is_subset_in(&self, other: &Bits, w: Range<usize>) -> bool {
        self.words()[w.clone()]
            .iter()
            .zip(&other.words()[w])
            .all(|(a, b)| a & !b == 0)
    }

    /// The words `w` of `self`, `b` and `c`, side by side.
    fn words_of_three<'a>(
        &'a self,
        b: &'a Bits,
        c: &'a Bits,
        w: Range<usize>,
    ) -> impl Iterator<Item = (u64, u64, u64)> + 'a {
        self.words()[w.clone()]
            .iter()
            .zip(&b.words()[w.clone()])
            .zip(&c.words()[w])
            .map(|((&x, &y), &z)| (x, y, z))
    }

    /// Each of the words `w` of `self` made again from it and those of `b` and `c`.
    fn rewrite_with(&mut self, b: &Bits, c: &Bits, w: Range<usize>, f: impl Fn(u64, u64, u64) -> u64) {
        for ((s, &y), &z) in self.words_mut()[w.clone()]
            .iter_mut()
            .zip(&b.words()[w.clone()])
            .zip(&c.words()[w])
        {
            *s = f(*s, y, z);
        }
    }

    /// [`Bits::meet_is_clear`], looking only at the words `w`.
    #[must_use]
    pub fn meet_is_clear_in(&self, b: &Bits, c: &Bits, w: Range<usize>) -> bool {
        self.words_of_three(b, c, w).all(|(x, y, z)| x & y & z == 0)
    }

    /// [`Bits::union_with`] on the words `w` only.
    pub fn union_with_in(&mut self, other: &Bits, w: Range<usize>) {
        self.rewrite_with(other, other, w, |a, b, _| a | b);
    }

    /// [`Bits::difference_with`] on the words `w` only.
    pub fn difference_with_in(&mut self, other: &Bits, w: Range<usize>) {
        self.rewrite_with(other, other, w, |a, b, _| a & !b);
    }

    /// Whether some element of `within` is in `self` and not in `b`, without making the set;
    /// looking only at the words `w`.
    #[must_use]
    pub fn outside_meets_in(&self, b: &Bits, within: &Bits, w: Range<usize>) -> bool {
        self.words_of_three(b, within, w).any(|(x, y, z)| x & !y & z != 0)
    }

    /// `self ∖ (b ∩ c)`, in place, without making `b ∩ c`; on the words `w` only.
    pub fn remove_meet_in(&mut self, b: &Bits, c: &Bits, w: Range<usize>) {
        self.rewrite_with(b, c, w, |s, y, z| s & !(y & z));
    }

    /// `self ∖ (c ∖ b)`, in place: of the elements of `c`, only those of `b` stay; on the
    /// words `w` only.
    pub fn keep_within_in(&mut self, b: &Bits, c: &Bits, w: Range<usize>) {
        self.rewrite_with(b, c, w, |s, y, z| s & (y | !z));
    }

    /// The elements of both in the words `w`, in increasing order.
    pub fn intersection_in<'a>(&'a self, other: &'a Bits, w: Range<usize>) -> impl Iterator<Item = usize> + 'a {
        let first = w.start * 64;
        ones(
            self.words()[w.clone()]
                .iter()
                .zip(&other.words()[w])
                .map(|(a, b)| a & b),
        )
        .map(move |i| i + first)
    }

    #[must_use]
    pub fn count_ones(&self) -> usize {
        self.words().iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The elements, in increasing order.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        ones(self.words().iter().copied())
    }

    /// The elements of both, in increasing order.
    pub fn intersection<'a>(&'a self, other: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        self.intersection_in(other, self.all_words())
    }
}

/// The set bits of a sequence of words, as indexes.
fn ones(words: impl Iterator<Item = u64>) -> impl Iterator<Item = usize> {
    words.enumerate().flat_map(|(i, mut w)| {
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                i * 64 + bit
            })
        })
    })
}

impl fmt::Debug for Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.ones()).finish()
    }
}

impl serde::Serialize for Bits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.len, self.words()).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Bits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (len, words): (usize, Vec<u64>) = serde::Deserialize::deserialize(d)?;
        if words.len() != word_count(len) {
            return Err(serde::de::Error::custom("a bit set of the wrong size"));
        }
        let mut bits = Bits::with_capacity(len);
        bits.words_mut().copy_from_slice(&words);
        if len % 64 != 0 && words.last().is_some_and(|w| w >> (len % 64) != 0) {
            return Err(serde::de::Error::custom("a bit set with bits beyond its length"));
        }
        Ok(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_sets_behave_alike() {
        for len in [3, 5, 63, 64, 65, 128, 129, 300] {
            let mut a = Bits::with_capacity(len);
            a.insert_all();
            assert_eq!(a.count_ones(), len, "{len}");
            assert_eq!(a.ones().collect::<Vec<_>>(), (0..len).collect::<Vec<_>>());
            let mut b = Bits::with_capacity(len);
            b.insert(len - 1);
            b.insert(0);
            assert!(b.is_subset(&a) && !a.is_subset(&b));
            let mut c = a.clone();
            c.difference_with(&b);
            assert!(c.is_disjoint(&b));
            assert_eq!(c.count_ones() + b.count_ones(), len);
            assert!(b.meet_is_clear(&c, &a));
            assert_eq!(b.intersection(&a).collect::<Vec<_>>(), b.ones().collect::<Vec<_>>());
            let mut d = Bits::with_capacity(len);
            d.insert(1);
            d.union_with_meet(&c, &a);
            let mut e = c.clone();
            e.insert(1);
            assert_eq!(d, e, "{len}: the meet added to what was there");
            b.set(0, false);
            assert!(!b.contains(0) && b.contains(len - 1) && !b.contains(len));
            let back: Bits = postcard::from_bytes(&postcard::to_allocvec(&b).unwrap()).unwrap();
            assert_eq!(back, b);
        }
    }

    /// The fused operations on random operands, on a range of words that is not all of them,
    /// against the ones written out.
    #[test]
    fn fused_operations_on_random_sets_and_ranges() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [3, 64, 65, 130, 300] {
            let words = word_count(len);
            for _ in 0..200 {
                let mut set = || {
                    let mut x = Bits::with_capacity(len);
                    for i in 0..len {
                        if rnd() % 3 == 0 {
                            x.insert(i);
                        }
                    }
                    x
                };
                let (a, b, role) = (set(), set(), set());
                let lo = (rnd() as usize) % words;
                let hi = lo + 1 + (rnd() as usize) % (words - lo);
                let w = lo..hi;
                // `role` clear outside `w`, as the callers guarantee.
                let mut c = role.clone();
                for i in 0..len {
                    if !w.contains(&(i / 64)) {
                        c.set(i, false);
                    }
                }
                let mut outside = a.clone();
                outside.difference_with(&b);
                outside.intersect_with(&c);
                assert_eq!(a.outside_meets_in(&b, &c, w.clone()), !outside.is_clear(), "{len}");
                let mut meet = b.clone();
                meet.intersect_with(&c);
                let (mut removed, mut written) = (a.clone(), a.clone());
                removed.remove_meet_in(&b, &c, w.clone());
                written.difference_with(&meet);
                assert_eq!(removed, written, "{len} remove");
                let mut c_not_b = c.clone();
                c_not_b.difference_with(&b);
                let (mut kept, mut written) = (a.clone(), a.clone());
                kept.keep_within_in(&b, &c, w.clone());
                written.difference_with(&c_not_b);
                assert_eq!(kept, written, "{len} keep");
                let first: Vec<usize> = a.intersection_in(&c, w.clone()).collect();
                assert_eq!(first, a.intersection(&c).collect::<Vec<_>>(), "{len} intersection");
            }
        }
    }
}
