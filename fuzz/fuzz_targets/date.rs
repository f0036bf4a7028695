//! Dates: the forms found in news text and feeds, and the bounds users type.
#![no_main]
use libfuzzer_sys::fuzz_target;
use newsdex::date;

fuzz_target!(|text: &str| {
    let _ = date::parse_text_date(text);
    let _ = date::parse_month_day_year(text);
    let _ = date::zone_offset_minutes(text);
    let _ = date::clock_prefix(text);
    let _ = date::month_number(text);
    if let Ok(span) = date::parse_bound(text) {
        assert!(span.start < span.end, "{text:?} gives an empty span {span:?}");
    }
    if let Ok(since) = date::parse_since(text) {
        if let Ok(clock) = date::Clock::from_setting(Some("2024-10-30T12:00:00Z")) {
            let _ = since.start(&clock);
        }
    }
});
