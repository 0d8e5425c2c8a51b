//! The shipped knowledge base, as the build script compiled it (`build.rs`): loaded, checked
//! whole, with its vocabulary built, and stored as bytes in the binary. Reading it back is what
//! every answer on the embedded data starts with.
//!
//! When the build could not compile it (broken data), the TOML compiled into the binary is
//! loaded instead, so that the problems are reported as `kb check` reports them.

use crate::kb::{self, KnowledgeBase, LoadError};
use crate::names::NameIndex;

/// What the build script stored: empty when the data did not load.
static COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/compiled.bin"));

/// Whether this binary carries the compiled knowledge base.
#[must_use]
pub fn is_compiled() -> bool {
    !COMPILED.is_empty()
}

/// The shipped knowledge base for answering, and its vocabulary when it was compiled (else
/// the caller builds it, from the base the TOML gave).
///
/// A compiled base holds no file texts (`kb check` loads the TOML to show them) and no
/// warnings: those of the shipped data are the test suite's business.
///
/// # Errors
/// Only if the shipped data is broken: then it is loaded from TOML, and its problems returned.
pub fn load() -> Result<(KnowledgeBase, Option<NameIndex>), LoadError> {
    if is_compiled()
        && let Ok((kb, names)) = crate::compiled::decode(COMPILED)
    {
        return Ok((kb, Some(names)));
    }
    kb::load_embedded_for_answers().map(|kb| (kb, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes in the binary are those of the shipped data as it is now, loaded and indexed
    /// (what they answer is compared with the TOML's in `tests/ask.rs`).
    #[test]
    fn the_compiled_base_is_the_shipped_data() {
        assert!(is_compiled(), "the build script stored no knowledge base");
        let kb = kb::load_embedded().expect("the shipped data loads");
        let names = NameIndex::build(&kb);
        let fresh = crate::compiled::encode(&kb, &names).expect("encodes");
        let at = fresh.iter().zip(COMPILED).position(|(a, b)| a != b);
        assert!(
            fresh == COMPILED,
            "the compiled base differs from data/ loaded now: {} vs {} bytes, first at {at:?}",
            fresh.len(),
            COMPILED.len()
        );
    }
}
