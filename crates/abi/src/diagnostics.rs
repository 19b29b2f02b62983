//! Declaring diagnostic codes. Every crate that emits diagnostics declares its codes once, in a
//! `codes` module, with [`diagnostic_codes!`](crate::diagnostic_codes): one line per code, its
//! constant, the code (`area/kebab-case`) and its meaning in one line. The constants are what
//! the code uses; `ALL` is what `docs/diagnostics.md` is generated from and what the test that
//! finds codes used but not declared reads (`tests/e2e/diagnostics.rs`).

/// Declares diagnostic codes: `NAME = "area/code": "meaning",` per line. Gives a `pub const
/// NAME: &str` per code (documented by its meaning) and `pub const ALL: &[(&str, &str)]`, every
/// `(code, meaning)` in declaration order.
#[macro_export]
macro_rules! diagnostic_codes {
    ($($name:ident = $code:literal : $meaning:literal,)*) => {
        $(
            #[doc = $meaning]
            pub const $name: &str = $code;
        )*
        /// Every code declared here with its meaning, in declaration order.
        pub const ALL: &[(&str, &str)] = &[$(($code, $meaning)),*];
    };
}
