//! `interop`: a knowledge engine for the support matrix of Lync Server 2013 / Skype for
//! Business integration with Exchange and SharePoint.
//!
//! The pipeline reads in module order: [`kb`] loads `data/` into an immutable
//! [`KnowledgeBase`](kb::KnowledgeBase) (with its [`graph`]), conditions are written in the
//! [`expr`] language and compiled into [`region`]s, and [`views`] render what users see.
//! [`diag`] is how every problem with an input is reported. Questions are read by [`query`]
//! against the vocabulary of [`names`]; both read text through [`text`].
//!
//! Everything that exists before a question does — the knowledge base, its checks, its
//! vocabulary — lives in the `interop-kb` crate, so that the build script can load, check and
//! compile the shipped data with the very code the binary runs ([`embedded`]); it is re-exported
//! here under the same names.

pub use interop_kb::{compiled, diag, expr, graph, kb, memo, names, region, text};

pub mod embedded;
pub mod engine;
pub mod env;
pub mod plan;
pub mod query;
pub mod synth;
pub mod views;
