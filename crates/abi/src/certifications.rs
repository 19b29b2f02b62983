//! The certifications a declared supplier may claim (`--declared`, `certifications:`) and a
//! `certified` rule may ask for: a closed list, so a misspelt name is refused rather than read
//! as "not certified". One definition for the declared-suppliers reader, ruleset validation
//! and the plugins; `docs/layers/suppliers.md` and the declared file's JSON Schema list the
//! same names (a test checks them).

/// Every certification: its name as written in files, and what it is, with its reference.
pub const ALL: &[(&str, &str)] = &[
    ("SecNumCloud", "ANSSI SecNumCloud qualification (France), referential 3.2 of 8 March 2022; chapter 19.6 requires protection against extra-European law"),
    ("EUCS-basic", "EU Cybersecurity Certification Scheme for Cloud Services (ENISA, Cybersecurity Act), assurance level basic"),
    ("EUCS-substantial", "EU Cybersecurity Certification Scheme for Cloud Services (ENISA, Cybersecurity Act), assurance level substantial"),
    ("EUCS-high", "EU Cybersecurity Certification Scheme for Cloud Services (ENISA, Cybersecurity Act), assurance level high"),
    ("C5", "BSI Cloud Computing Compliance Criteria Catalogue (Germany)"),
    ("HDS", "Hébergeur de données de santé, health-data hosting certification (France, Code de la santé publique L.1111-8)"),
    ("ENS-high", "Esquema Nacional de Seguridad, category high (Spain, Real Decreto 311/2022)"),
    ("ISO-27001", "ISO/IEC 27001, information security management system"),
    ("ISO-27017", "ISO/IEC 27017, security controls for cloud services"),
    ("ISO-27018", "ISO/IEC 27018, protection of personal data in public clouds"),
    ("SOC2", "AICPA SOC 2 report (United States), trust services criteria"),
];

/// The certification's name as written in [`ALL`], for a name given in any ASCII case.
pub fn canonical(name: &str) -> Option<&'static str> {
    ALL.iter()
        .map(|(n, _)| *n)
        .find(|n| n.eq_ignore_ascii_case(name.trim()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_ignoring_case_and_found_in_any_case() {
        for (i, (n, meaning)) in super::ALL.iter().enumerate() {
            assert!(!meaning.is_empty());
            assert_eq!(super::canonical(&n.to_lowercase()), Some(*n));
            assert!(super::ALL[..i]
                .iter()
                .all(|(m, _)| !m.eq_ignore_ascii_case(n)));
        }
        assert_eq!(super::canonical("SecNumCloud 3.2"), None);
    }
}
