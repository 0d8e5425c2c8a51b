//! Many short strings kept in one text, and many short lists in one list: the words, terms and
//! names of the vocabulary ([`crate::names`]). Read back from the compiled base, such a list
//! is a few pieces (the text, where each string ends, the values) rather than an allocation
//! for each string and a check of its UTF-8 for each: the one-shot answer starts by reading
//! them back.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where part `i` of a whole is, by where each part ends.
fn span(ends: &[u32], i: usize) -> Option<std::ops::Range<usize>> {
    let end = *ends.get(i)? as usize;
    let start = i.checked_sub(1).map_or(0, |j| ends[j] as usize);
    Some(start..end)
}

/// Whether the ends of parts come in order, each where a part may end (`fits`).
fn ends_fit(ends: &[u32], fits: impl Fn(usize) -> bool) -> bool {
    ends.windows(2).all(|w| w[0] <= w[1]) && ends.iter().all(|&e| fits(e as usize))
}

/// Strings one after the other in one text, each found by its number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl Texts {
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The string of number `i`, if there is one.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.text.get(span(&self.ends, i)?)
    }

    /// Adds a string at the end; its number. (Strings beyond 4 GiB in all, which no knowledge
    /// base comes near, would read back empty.)
    pub fn push(&mut self, s: &str) -> usize {
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.ends.push(end);
        self.ends.len() - 1
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }
}

impl Serialize for Texts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.text, &self.ends).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, ends) = <(String, Vec<u32>)>::deserialize(d)?;
        // Bytes not written by `Serialize` must not make `get` cut a character in two.
        if !ends_fit(&ends, |e| text.is_char_boundary(e)) {
            return Err(D::Error::custom("a string ends outside its text"));
        }
        Ok(Texts { text, ends })
    }
}

/// Lists one after the other in one list, each found by its number (as [`Texts`] keeps
/// strings): read back in two pieces, not an allocation for each list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lists<T> {
    items: Vec<T>,
    /// Where each list ends in `items`.
    ends: Vec<u32>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            items: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<T> Lists<T> {
    /// The list of number `i`; empty if there is none.
    #[must_use]
    pub fn get(&self, i: usize) -> &[T] {
        span(&self.ends, i).and_then(|r| self.items.get(r)).unwrap_or(&[])
    }

    /// Adds a list at the end; its number. (Items beyond 4 G in all would read back empty.)
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) -> usize {
        self.items.extend(list);
        self.ends.push(u32::try_from(self.items.len()).unwrap_or(u32::MAX));
        self.ends.len() - 1
    }
}

impl<T: Serialize> Serialize for Lists<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.items, &self.ends).serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lists<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (items, ends) = <(Vec<T>, Vec<u32>)>::deserialize(d)?;
        if !ends_fit(&ends, |e| e <= items.len()) {
            return Err(D::Error::custom("a list ends outside its items"));
        }
        Ok(Lists { items, ends })
    }
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// The hash of key number `j` of `keys`, as a table of their numbers needs when it grows.
fn hash_of(keys: &Texts) -> impl Fn(&u32) -> u64 + '_ {
    |&j| hash(keys.get(j as usize).unwrap_or(""))
}

/// Distinct strings, each with a value, in the order they were first inserted, and found by
/// their hash. Only the strings and the values are stored; the table of hashes is made again
/// when they are read back.
#[derive(Debug, Clone)]
pub struct StrMap<V> {
    keys: Texts,
    values: Vec<V>,
    /// The number of each key, by its hash.
    table: HashTable<u32>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap {
            keys: Texts::default(),
            values: Vec::new(),
            table: HashTable::new(),
        }
    }
}

impl<V> StrMap<V> {
    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The number of a key: the order in which it was first inserted.
    #[must_use]
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.table
            .find(hash(key), |&i| self.keys.get(i as usize) == Some(key))
            .map(|&i| i as usize)
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&V> {
        self.index_of(key).and_then(|i| self.values.get(i))
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.index_of(key).is_some()
    }

    /// The key of number `i`.
    #[must_use]
    pub fn key(&self, i: usize) -> Option<&str> {
        self.keys.get(i)
    }

    /// The key of number `i` with its value.
    #[must_use]
    pub fn get_index(&self, i: usize) -> Option<(&str, &V)> {
        Some((self.keys.get(i)?, self.values.get(i)?))
    }

    /// Gives a key its value, adding the key if it is new; its number.
    pub fn insert(&mut self, key: &str, value: V) -> usize {
        match self.index_of(key) {
            Some(i) => {
                self.values[i] = value;
                i
            }
            None => self.push(key, value),
        }
    }

    /// Adds a key with its value unless it is there already; its number.
    pub fn insert_new(&mut self, key: &str, value: V) -> usize {
        self.index_of(key).unwrap_or_else(|| self.push(key, value))
    }

    fn push(&mut self, key: &str, value: V) -> usize {
        let i = self.keys.push(key);
        self.values.push(value);
        let keys = &self.keys;
        let n = u32::try_from(i).unwrap_or(u32::MAX);
        self.table.insert_unique(hash(key), n, hash_of(keys));
        i
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        self.keys.iter()
    }

    /// The keys with their values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> + Clone + '_ {
        self.keys.iter().zip(&self.values)
    }
}

impl<V: Serialize> Serialize for StrMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.keys, &self.values).serialize(s)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for StrMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (keys, values) = <(Texts, Vec<V>)>::deserialize(d)?;
        if keys.len() != values.len() {
            return Err(D::Error::custom("as many keys as values"));
        }
        let mut table = HashTable::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let n = u32::try_from(i).map_err(D::Error::custom)?;
            table.insert_unique(hash(key), n, hash_of(&keys));
        }
        Ok(StrMap { keys, values, table })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_keep_each_string_and_read_back_the_same() {
        let mut t = Texts::default();
        for s in ["", "presence", "", "统一联系人存储", "e-mail"] {
            t.push(s);
        }
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            ["", "presence", "", "统一联系人存储", "e-mail"]
        );
        assert_eq!(t.get(5), None);
        let back: Texts = postcard::from_bytes(&postcard::to_allocvec(&t).expect("encodes")).expect("decodes");
        assert_eq!(back, t);
    }

    #[test]
    fn texts_that_would_cut_a_character_are_refused() {
        let bytes = postcard::to_allocvec(&("统一", vec![1_u32])).expect("encodes");
        assert!(postcard::from_bytes::<Texts>(&bytes).is_err());
        let bytes = postcard::to_allocvec(&("abc", vec![2_u32, 1])).expect("encodes");
        assert!(postcard::from_bytes::<Texts>(&bytes).is_err());
        let bytes = postcard::to_allocvec(&("abc", vec![4_u32])).expect("encodes");
        assert!(postcard::from_bytes::<Texts>(&bytes).is_err());
    }

    #[test]
    fn a_map_finds_what_a_hash_map_finds_before_and_after_reading_back() {
        let mut m: StrMap<u32> = StrMap::default();
        let mut h: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        // Words, some again with another value: `insert` replaces, `insert_new` keeps.
        let words: Vec<String> = (0..2000_u32).map(|i| format!("w{}", i * 7 % 1500)).collect();
        for (i, w) in words.iter().enumerate() {
            let v = u32::try_from(i).expect("small");
            if i % 3 == 0 {
                m.insert(w, v);
                h.insert(w.clone(), v);
            } else {
                m.insert_new(w, v);
                h.entry(w.clone()).or_insert(v);
            }
        }
        let back: StrMap<u32> = postcard::from_bytes(&postcard::to_allocvec(&m).expect("encodes")).expect("decodes");
        for map in [&m, &back] {
            assert_eq!(map.len(), h.len());
            for (k, v) in &h {
                assert_eq!(map.get(k), Some(v), "{k}");
            }
            assert_eq!(map.get("w1500"), None);
            assert!(!map.contains_key(""));
            // In the order first inserted.
            let mut first: Vec<&str> = Vec::new();
            for w in &words {
                if !first.contains(&w.as_str()) {
                    first.push(w);
                }
            }
            assert_eq!(map.keys().collect::<Vec<_>>(), first);
            assert!(
                map.iter()
                    .all(|(k, v)| h[k] == *v && map.key(map.index_of(k).expect("there")) == Some(k))
            );
        }
    }

    #[test]
    fn lists_keep_each_list_and_read_back_the_same() {
        let mut l: Lists<u32> = Lists::default();
        for v in [vec![], vec![3, 1], vec![], vec![7]] {
            l.push(v);
        }
        let got: Vec<&[u32]> = (0..4).map(|i| l.get(i)).collect();
        assert_eq!(got, [&[][..], &[3, 1], &[], &[7]]);
        assert!(l.get(4).is_empty());
        let back: Lists<u32> = postcard::from_bytes(&postcard::to_allocvec(&l).expect("encodes")).expect("decodes");
        assert_eq!(back, l);
        let bytes = postcard::to_allocvec(&(vec![1_u32, 2], vec![1_u32, 3])).expect("encodes");
        assert!(postcard::from_bytes::<Lists<u32>>(&bytes).is_err());
        let bytes = postcard::to_allocvec(&(vec![1_u32, 2], vec![2_u32, 1])).expect("encodes");
        assert!(postcard::from_bytes::<Lists<u32>>(&bytes).is_err());
    }

    #[test]
    fn a_map_with_more_values_than_keys_is_refused() {
        let mut keys = Texts::default();
        keys.push("a");
        let bytes = postcard::to_allocvec(&(keys, vec![1_u8, 2])).expect("encodes");
        assert!(postcard::from_bytes::<StrMap<u8>>(&bytes).is_err());
    }
}
