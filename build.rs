//! Loads `data/` with the loader of `interop-kb`, runs every check `kb check` runs, builds the
//! vocabulary, and stores both in `OUT_DIR/compiled.bin`, which the binary reads at start
//! (`src/embedded.rs`) instead of parsing the TOML and building the vocabulary every time.
//!
//! Broken data does not stop the build: the binary is still needed to say what is wrong. The
//! build then warns, stores nothing, and the binary loads the TOML at start, so that every
//! command reports the problems, located, as `interop kb check` does.

use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let data = Path::new(&root).join("data");
    println!("cargo:rerun-if-changed={}", data.display());
    println!("cargo:rerun-if-changed=build.rs");
    let bytes = match interop_kb::kb::load_embedded() {
        Ok(kb) => {
            let names = interop_kb::names::NameIndex::build(&kb);
            interop_kb::compiled::encode(&kb, &names).unwrap_or_else(|e| {
                println!("cargo:warning=the knowledge base could not be stored ({e}): it is loaded from TOML at start");
                Vec::new()
            })
        }
        Err(e) => {
            println!(
                "cargo:warning=data/ has {} problem(s): the binary loads it from TOML at start and reports them; run `cargo run -- kb check`",
                e.diagnostics.iter().filter(|d| !d.warning).count()
            );
            Vec::new()
        }
    };
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("compiled.bin");
    std::fs::write(dest, bytes).expect("OUT_DIR is writable");
}
