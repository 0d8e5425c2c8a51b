//! Embeds every `data/*.toml` file of the repository in the crate, in name order, so that adding
//! a file to `data/` needs no change to the Rust code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let data = Path::new(&root).join("../../data");
    println!("cargo:rerun-if-changed={}", data.display());
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// The files of `data/`, as (name, text), compiled into the binary.\npub const EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for n in &names {
        let path = data.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    (\"data/{n}\", include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
