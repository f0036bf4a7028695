//! Who reported it: the trailing `kb/dj (AP, Reuters, AFP, dpa)` credit line of a live blog,
//! and the one canonical short name of each news agency.

/// Long and short names of agencies, mapped to the one form newsdex stores.
const AGENCIES: &[(&str, &str)] = &[
    ("ap", "AP"),
    ("associated press", "AP"),
    ("the associated press", "AP"),
    ("afp", "AFP"),
    ("agence france-presse", "AFP"),
    ("agence france presse", "AFP"),
    ("dpa", "dpa"),
    ("deutsche presse-agentur", "dpa"),
    ("deutsche presse agentur", "dpa"),
    ("reuters", "Reuters"),
    ("thomson reuters", "Reuters"),
    ("kna", "KNA"),
    ("katholische nachrichten-agentur", "KNA"),
    ("epd", "epd"),
    ("evangelischer pressedienst", "epd"),
    ("efe", "EFE"),
    ("agencia efe", "EFE"),
    ("ansa", "ANSA"),
    ("yonhap", "Yonhap"),
    ("kyodo", "Kyodo"),
    ("kyodo news", "Kyodo"),
    ("aa", "AA"),
    ("anadolu", "AA"),
    ("anadolu agency", "AA"),
    ("interfax", "Interfax"),
    ("anp", "ANP"),
    ("sid", "SID"),
    ("kna/epd", "KNA"),
    ("xinhua", "Xinhua"),
    ("tass", "TASS"),
    ("ukrinform", "Ukrinform"),
];

/// The canonical name of an agency; unknown names are kept as written (trimmed).
pub fn canonical_agency(name: &str) -> String {
    let trimmed = name.trim().trim_matches(|c: char| c == '.' || c == ',' || c == ';');
    let lower = trimmed.to_lowercase();
    AGENCIES
        .iter()
        .find(|(long, _)| *long == lower)
        .map(|(_, short)| short.to_string())
        .unwrap_or_else(|| trimmed.to_string())
}

/// Canonical names of a list of agencies, without duplicates, in the order given.
pub fn canonical_agencies<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let c = canonical_agency(name);
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Authors and agencies read off one credit line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credits {
    /// Author initials or names, in order.
    pub authors: Vec<String>,
    /// Canonical agency names, in order.
    pub sources: Vec<String>,
}

/// Reads a credit line such as `kb/dj (AP, Reuters, AFP, dpa)`, `ap/rc (AFP, Reuters)`,
/// `(AP, dpa)` or `kb (with Reuters)`. Returns `None` for any other line.
pub fn parse_credit_line(line: &str) -> Option<Credits> {
    let line = line.trim();
    if line.len() > 200 || !line.ends_with(')') {
        return None;
    }
    let open = line.find('(')?;
    let (initials, rest) = line.split_at(open);
    let inner = rest[1..rest.len() - 1].trim();
    if inner.is_empty() || inner.contains(['(', ')']) {
        return None;
    }
    let initials = initials.trim();
    let authors: Vec<String> = if initials.is_empty() {
        Vec::new()
    } else {
        let parts: Vec<&str> = initials.split(['/', ',']).map(str::trim).collect();
        let initial_like = |p: &&str| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_alphabetic() || c == '.');
        if !parts.iter().all(initial_like) {
            return None;
        }
        parts.iter().map(|p| p.to_string()).collect()
    };
    let inner = inner.strip_prefix("with ").unwrap_or(inner);
    let names: Vec<&str> =
        inner.split([',', ';']).flat_map(|p| p.split(" and ")).map(str::trim).filter(|p| !p.is_empty()).collect();
    // Agency names are short and have no sentence punctuation; a parenthesis closing a
    // sentence is not a credit line.
    let agency_like = |n: &&str| {
        n.len() <= 40 && n.split_whitespace().count() <= 4 && !n.contains(['.', '!', '?', ':', '"'])
            || AGENCIES.iter().any(|(long, _)| long.eq_ignore_ascii_case(n))
    };
    if names.is_empty() || !names.iter().all(agency_like) {
        return None;
    }
    // Without initials, demand that at least one name is a known agency.
    if authors.is_empty() && !names.iter().any(|n| AGENCIES.iter().any(|(long, _)| long.eq_ignore_ascii_case(n))) {
        return None;
    }
    Some(Credits { authors, sources: canonical_agencies(names) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_credit_line() {
        let c = parse_credit_line("kb/dj (AP, Reuters, AFP, dpa)").unwrap();
        assert_eq!(c.authors, ["kb", "dj"]);
        assert_eq!(c.sources, ["AP", "Reuters", "AFP", "dpa"]);
    }

    #[test]
    fn long_names_become_canonical_and_unknown_ones_stay() {
        let c = parse_credit_line("ab/cd (Associated Press, Agence France-Presse, Deutsche Presse-Agentur, Tanjug)")
            .unwrap();
        assert_eq!(c.sources, ["AP", "AFP", "dpa", "Tanjug"]);
        let c = parse_credit_line("mm (with Reuters and AP)").unwrap();
        assert_eq!(c.sources, ["Reuters", "AP"]);
        let c = parse_credit_line("(AP, dpa)").unwrap();
        assert!(c.authors.is_empty());
    }

    #[test]
    fn ordinary_sentences_are_not_credit_lines() {
        assert_eq!(parse_credit_line("The talks went on (for hours)"), None);
        assert_eq!(parse_credit_line("He said so (again)."), None);
        assert_eq!(parse_credit_line("(for hours)"), None);
        assert_eq!(parse_credit_line("Prices rose (see chart. below)"), None);
    }
}
