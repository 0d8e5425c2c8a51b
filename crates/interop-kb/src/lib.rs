//! The knowledge base of `interop`: the TOML of `data/` loaded, checked and compiled ([`kb`]),
//! its conditions ([`expr`], [`region`]), its dependency [`graph`], the vocabulary questions are
//! read against ([`names`], through [`text`]), and how every problem is reported ([`diag`]).
//!
//! It is a crate of its own so that `interop`'s build script can run this very loader on the
//! shipped data and store the result ([`compiled`]): the binary then starts without parsing
//! TOML or building the vocabulary, and the data stays plain TOML with the same checks.

pub mod bits;
pub mod compiled;
pub mod diag;
pub mod expr;
pub mod graph;
pub mod kb;
pub mod memo;
pub mod names;
pub mod region;
pub mod strmap;
pub mod text;
