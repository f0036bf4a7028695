//! Text analysis as news is written, through the real binary: stemming, folding,
//! possessives, hyphenated compounds, digit groups, stop words kept in phrases.

use crate::query_language::query_index;

const PROTEST: &str = "https://example.org/q/protest";
const SUMMIT: &str = "https://example.org/q/summit";
const SPEECH: &str = "https://example.org/q/speech";
const TOWNS: &str = "https://example.org/q/towns";

#[test]
fn stemming_finds_other_forms_of_a_word() {
    let t = query_index();
    for q in ["protest", "protests", "protesting", "marching"] {
        assert!(t.urls(&[q]).contains(&PROTEST.to_string()), "{q}");
    }
}

#[test]
fn case_and_diacritics_are_folded() {
    let t = query_index();
    for q in ["Milanovic", "milanović", "MILANOVIC"] {
        let urls = t.urls(&[q, "--limit", "50"]);
        assert!(urls.contains(&PROTEST.to_string()), "{q}: {urls:?}");
        assert!(urls.contains(&"https://p.dw.com/p/4mKEG".to_string()), "the live blog's Milanovic: {urls:?}");
    }
}

#[test]
fn possessives_are_found_by_the_bare_word() {
    let t = query_index();
    assert_eq!(t.urls(&["Korea", "envoy"]), [SUMMIT]);
    assert_eq!(t.urls(&["\"South Korea's envoy\""]), [SUMMIT]);
}

#[test]
fn hyphenated_compounds_are_found_by_each_part_and_as_a_phrase() {
    let t = query_index();
    assert!(t.urls(&["Nordic", "--limit", "50"]).contains(&SUMMIT.to_string()));
    assert!(t.urls(&["\"Ukraine Nordic\"", "--limit", "50"]).contains(&SUMMIT.to_string()));
    assert_eq!(t.urls(&["terror-stricken"]), [TOWNS]);
}

#[test]
fn numbers_with_separators_are_found_without_them() {
    let t = query_index();
    assert!(t.urls(&["10000", "--limit", "50"]).contains(&PROTEST.to_string()));
    assert!(t.urls(&["10,000", "--limit", "50"]).contains(&PROTEST.to_string()));
}

#[test]
fn stop_words_are_kept_so_phrases_stay_exact() {
    let t = query_index();
    assert_eq!(t.urls(&["\"war on terror\""]), [SPEECH]);
    assert_eq!(t.urls(&["\"war in terror\""]), [TOWNS]);
    let both = t.urls(&["war terror"]);
    assert_eq!(both.len(), 2, "{both:?}");
}
