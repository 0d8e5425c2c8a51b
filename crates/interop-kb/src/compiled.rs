//! A knowledge base and its vocabulary, stored as bytes and read back.
//!
//! `interop`'s build script loads the shipped data with [`crate::kb::load`] (every check of
//! `kb check` runs; the build fails on none of them, see below), builds its
//! [`NameIndex`], and writes both with [`encode`]; the binary reads them back with [`decode`]
//! at every start, which costs a small fraction of parsing the TOML and building the index.
//! The format is postcard's (serde): private to one build, read only by the code that wrote it.
//!
//! What a compiled base leaves out: the texts of its files (`kb check`, the one command that
//! shows them, loads the TOML again) and the caches the vocabulary fills on demand.

use crate::kb::KnowledgeBase;
use crate::names::NameIndex;

/// What [`decode`] may fail with: bytes that were not written by [`encode`] of this very code.
pub type Error = postcard::Error;

/// The bytes of a knowledge base and its vocabulary.
///
/// # Errors
/// Only if serialization itself fails, which the types rule out.
pub fn encode(kb: &KnowledgeBase, names: &NameIndex) -> Result<Vec<u8>, Error> {
    postcard::to_allocvec(&(kb, names))
}

/// A knowledge base and its vocabulary from the bytes [`encode`] wrote.
///
/// # Errors
/// Bytes from another build of the types, or damaged ones.
pub fn decode(bytes: &[u8]) -> Result<(KnowledgeBase, NameIndex), Error> {
    postcard::from_bytes(bytes)
}
