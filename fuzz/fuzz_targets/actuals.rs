#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hoshin_import::fuzzing::abort_on_panics_outside_the_workbook_reader();
    hoshin_import::fuzzing::actuals(data)
});
