//! Any text as a condition of the data: parsed or rejected, never a panic; what parses prints
//! back as text that parses to the same condition.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(e) = interop::expr::parse(text) {
        let printed = e.to_string();
        let again = interop::expr::parse(&printed).unwrap_or_else(|err| panic!("`{printed}` does not parse: {err:?}"));
        assert_eq!(again.to_string(), printed, "printing is not stable for `{text}`");
    }
});
