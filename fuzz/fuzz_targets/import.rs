#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hoshin_import::fuzzing::import(data));
