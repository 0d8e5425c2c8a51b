//! The shipped data with one file replaced by any text: loaded with every check or rejected
//! with located problems, never a panic; a base that loads answers a question.
#![no_main]

use interop::diag::SourceText;
use interop::kb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut files: Vec<SourceText> = kb::EMBEDDED
        .iter()
        .map(|(name, text)| SourceText::new((*name).to_owned(), (*text).to_owned()))
        .collect();
    let i = usize::from(which) % files.len();
    files[i].text = text.to_owned();
    match kb::load(files) {
        Ok(base) => {
            let names = interop::names::NameIndex::build(&base);
            if let Ok(q) = interop::query::parse(
                &base,
                &names,
                "does high-resolution photo work with Exchange 2010 and Lync 2010?",
            ) {
                let _ = interop::engine::answer(&base, &q, jiff::civil::date(2026, 11, 23));
            }
        }
        Err(e) => {
            for d in &e.diagnostics {
                let _ = d.render(&e.files, false);
                let _ = d.location(&e.files);
            }
        }
    }
});
