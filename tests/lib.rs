//! The integration tests: one binary, one module per capability.

// The helpers that run the `interop` binary the way a user does.
mod common;
// `interop kb check` and the loader: a sound knowledge base, and one broken copy per problem.
mod kb_check;
// `interop matrix`: every cell against an independent transcription, and each format.
mod matrix;
// `interop features` and `interop products`.
mod catalog;
// The book's walkthroughs, run as written.
mod book;
// The examples of `grammar/` against the parsers.
mod grammar;
// `interop ask`: verdicts, reasons, fixes, exit codes, JSON, batches and the question corpus.
mod ask;
// Short answers, their explanations, the reasons shown and the order of fixes; dated facts.
mod answers;
// The interactive shell, through a pipe and a pseudo-terminal.
mod repl;
// Plans, environment checks, migrations and the graph.
mod plan;
// The manners of the command line: exit codes, colour, width, JSON, pipes, completions, help.
mod cli;
// The misreading suite: qualifiers and versions bind to the product they qualify.
mod reading;
// The paraphrase corpus: questions written apart from the aliases, scored against the table.
mod paraphrases;
// Random questions and damaged knowledge bases: answered or rejected, never a panic.
mod robustness;
// Every quote of the data stands in the document it cites.
mod sources;
// Synthetic knowledge bases many times the shipped one: checked, loaded, and the same answers.
mod scale;
