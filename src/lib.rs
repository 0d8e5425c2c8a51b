//! `interop`: a knowledge engine for the support matrix of Lync Server 2013 / Skype for
//! Business integration with Exchange and SharePoint.
//!
//! The pipeline reads in module order: [`kb`] loads `data/` into an immutable
//! [`KnowledgeBase`](kb::KnowledgeBase) (with its [`graph`]), conditions are written in the
//! [`expr`] language and compiled into [`region`]s, and [`views`] render what users see.
//! [`diag`] is how every problem with an input is reported. Questions are read by [`query`]
//! against the vocabulary of [`names`]; both read text through [`text`].

pub mod diag;
pub mod engine;
pub mod env;
pub mod expr;
pub mod graph;
pub mod kb;
pub mod names;
pub mod plan;
pub mod query;
pub mod region;
pub mod synth;
pub mod text;
pub mod views;
