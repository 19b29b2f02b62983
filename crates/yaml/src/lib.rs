//! The strict YAML reader every user-written YAML file of sovstack goes through (rulesets, the
//! configuration file, waivers, declared suppliers): the line and column serde-saphyr reports,
//! the path of keys to the problem (`rule \`eu.os.x\`, field \`weight\``), and plain words
//! ("expected a number, found the string \"abc\""), with an unclosed quote reported where it
//! opens. One reader, so every file's errors read alike.
//!
//! It knows no document type: give `T` `#[serde(deny_unknown_fields)]` to refuse unknown keys,
//! and `Spanned<T>` fields where a later check must point at a value.

#![deny(missing_docs)]

use serde::Deserialize;
use serde_saphyr::Spanned;

/// The top-level lists whose entries are named by their `id` in messages (`rules` → "rule
/// \`eu.os.x\`", `services` → "service \`mail\`"), with the noun for one entry.
const NAMED_LISTS: [(&str, &str); 2] = [("rules", "rule"), ("services", "service")];

/// A YAML document that is not of the expected shape: where, and what is wrong, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong, naming the field (`organisation: unknown field \`nmae\`; the fields here
    /// are ...`).
    pub message: String,
}

/// Parses YAML into `T` with the rulesets' error style: the line and column serde-saphyr
/// reports, the path of keys to the problem, and plain words (the configuration file uses it
/// too; give `T` `#[serde(deny_unknown_fields)]` to refuse unknown keys).
pub fn from_yaml_strict<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // Without this, an empty file reads as "the file ends in the middle of a value".
    if text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    }) {
        return Err(YamlError {
            line: 1,
            column: 1,
            message: "the file is empty (no YAML document, only blank lines or comments)".into(),
        });
    }
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let e = e.without_snippet();
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let (line, column, message) = match unclosed_quote(text, line, column) {
            Some(q) => (q.line, q.column, q.message(line, &describe(e, None, text))),
            None => {
                let tree = serde_saphyr::from_str::<Spanned<Node>>(text).ok();
                let mut at = tree.as_ref().and_then(|t| Path::to(t, line, column));
                match (&mut at, e) {
                    (
                        Some((path, _)),
                        serde_saphyr::Error::SerdeUnknownField { .. }
                        | serde_saphyr::Error::DuplicateMappingKey { .. },
                    ) => {
                        // The error points at the key: name what holds it, the key is in the message.
                        path.steps.pop();
                    }
                    (Some((path, _)), serde_saphyr::Error::SerdeMissingField { .. }) => {
                        // The error points somewhere in the mapping that lacks the field: name
                        // the innermost mapping that starts at or before it.
                        let keep = tree
                            .as_ref()
                            .map_or(0, |t| path.mapping_holding(t, (line, column)));
                        path.steps.truncate(keep);
                    }
                    _ => {}
                }
                let message = describe(e, at.as_ref().map(|(_, n)| *n), text);
                // serde-saphyr reports a value of the wrong shape (a text where a mapping belongs)
                // where it gave up, which can be the end of the file: point at the value itself.
                let (line, column) = match (&at, e) {
                    (Some((_, node)), serde_saphyr::Error::Unexpected { .. }) => {
                        (node.referenced.line(), node.referenced.column())
                    }
                    _ => (line, column),
                };
                match at {
                    Some((path, _)) if !path.is_empty() => {
                        (line, column, format!("{}: {message}", path.name()))
                    }
                    _ => (line, column, message),
                }
            }
        };
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// serde-saphyr's error in plain words: "expected a number, found the string \"abc\"" rather
/// than "invalid floating point" or "externally tagged enum expected scalar or mapping". `node`
/// is the YAML node the error points at, when known.
fn describe(e: &serde_saphyr::Error, node: Option<&Spanned<Node>>, text: &str) -> String {
    use serde_saphyr::Error as E;
    let found = || node.map(|n| found(n, text));
    let with_found = |expected: String| match found() {
        Some(f) => format!("expected {expected}, found {f}"),
        None => format!("expected {expected}"),
    };
    match e {
        E::InvalidScalar { ty, .. } => with_found(plain_type(ty)),
        E::SerdeInvalidType { unexpected, expected, .. } | E::SerdeInvalidValue { unexpected, expected, .. } => {
            format!("expected {}, found {}", plain_type(expected), plain_unexpected(unexpected))
        }
        E::ExternallyTaggedEnumExpectedScalarOrMapping { .. } | E::ExpectedStringKeyForExternallyTaggedEnum { .. } => {
            with_found("one key naming the kind, with its settings below it (such as `known_attribution: {roles: [steward]}`)".into())
        }
        E::Unexpected { expected, .. } => with_found(plain_type(expected)),
        E::SerdeUnknownField { field, expected, .. } => {
            format!("unknown field `{field}`; the fields here are {}", list(expected))
        }
        E::SerdeUnknownVariant { variant, expected, .. } => {
            format!("unknown value `{variant}`; expected one of {}", list(expected))
        }
        E::SerdeMissingField { field, .. } => format!("missing field `{field}`"),
        E::Eof { .. } => "the file ends in the middle of a value".into(),
        other => serde_saphyr::MessageFormatter::format_message(&serde_saphyr::UserMessageFormatter, other).into_owned(),
    }
}

/// serde's and serde-saphyr's names of what was expected, as a user says them.
fn plain_type(t: &str) -> String {
    let t = t.trim();
    match t {
        "f32" | "f64" | "floating point" | "a float" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "integer"
        | "unsigned integer" => "a whole number".into(),
        "bool" | "a boolean" | "boolean" => "true or false".into(),
        "a string" | "string" | "a borrowed string" => "a text value".into(),
        "string scalar" | "scalar" => "a single value".into(),
        "a sequence" | "sequence start" | "sequence" => "a list".into(),
        "mapping start" | "a map" | "map" => "a mapping (`key: value` lines)".into(),
        _ if t.starts_with("struct ") || t.starts_with("a struct") => {
            "a mapping (`key: value` lines)".into()
        }
        _ if t.starts_with("enum ") => "one of the documented values".into(),
        _ => t.to_string(),
    }
}

/// serde's description of what it found (`string "abc"`, `integer \`1\``, `sequence`).
fn plain_unexpected(u: &str) -> String {
    let u = u.trim();
    if let Some(rest) = u.strip_prefix("string ") {
        return format!("the string {rest}");
    }
    for (serde, plain) in [
        ("integer ", "the number "),
        ("floating point ", "the number "),
        ("boolean ", ""),
    ] {
        if let Some(rest) = u.strip_prefix(serde) {
            return format!("{plain}{}", rest.trim_matches('`'));
        }
    }
    match u {
        "sequence" => "a list".into(),
        "map" => "a mapping".into(),
        "unit value" | "null" => "nothing (null)".into(),
        _ => u.to_string(),
    }
}

/// What a node is, for "found ...".
fn found(node: &Spanned<Node>, text: &str) -> String {
    match &node.value {
        Node::Scalar(s) => {
            let quoted = text
                .lines()
                .nth(node.referenced.line().saturating_sub(1) as usize)
                .and_then(|l| {
                    l.chars()
                        .nth(node.referenced.column().saturating_sub(1) as usize)
                })
                .is_some_and(|c| c == '"' || c == '\'');
            if quoted || s.parse::<f64>().is_err() {
                format!("the string \"{s}\"")
            } else {
                format!("the number {s}")
            }
        }
        Node::Seq(_) => "a list".into(),
        Node::Map(_) => "a mapping".into(),
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Any YAML node, with the location of every part: used to find which rule and field an error
/// points at.
enum Node {
    Scalar(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar("null".into()))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar("null".into()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Node::Map(pairs))
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys and list positions from the document's root to a node.
struct Path {
    steps: Vec<Step>,
}

enum Step {
    Key(String),
    /// A list position, with the `id` of the mapping there if it has one.
    Index(usize, Option<String>),
}

impl Path {
    /// The path to the node the error at `line:column` is about: the one that starts there, or
    /// else the last one that starts before it (serde-saphyr reports some errors where the value
    /// ends).
    fn to(root: &Spanned<Node>, line: u64, column: u64) -> Option<(Path, &Spanned<Node>)> {
        fn walk<'t>(
            node: &'t Spanned<Node>,
            at: (u64, u64),
            steps: &mut Vec<Step>,
            best: &mut Option<(Vec<Step>, &'t Spanned<Node>)>,
        ) {
            let start = (node.referenced.line(), node.referenced.column());
            if start > at {
                return;
            }
            *best = Some((steps.iter().map(Step::clone_step).collect(), node));
            match &node.value {
                Node::Scalar(_) => {}
                Node::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let id = match &item.value {
                            Node::Map(pairs) => pairs
                                .iter()
                                .find(|(k, _)| k.value == "id")
                                .and_then(|(_, v)| match &v.value {
                                    Node::Scalar(s) => Some(s.clone()),
                                    _ => None,
                                }),
                            _ => None,
                        };
                        steps.push(Step::Index(i, id));
                        walk(item, at, steps, best);
                        steps.pop();
                    }
                }
                Node::Map(pairs) => {
                    for (key, value) in pairs {
                        steps.push(Step::Key(key.value.clone()));
                        if (key.referenced.line(), key.referenced.column()) <= at {
                            *best = Some((steps.iter().map(Step::clone_step).collect(), value));
                        }
                        walk(value, at, steps, best);
                        steps.pop();
                    }
                }
            }
        }
        let mut best = None;
        walk(root, (line, column), &mut Vec::new(), &mut best);
        best.map(|(steps, node)| (Path { steps }, node))
    }

    /// How many steps lead to the innermost mapping on this path that starts at or before `at`.
    fn mapping_holding(&self, root: &Spanned<Node>, at: (u64, u64)) -> usize {
        let starts_before = |n: &Spanned<Node>| (n.referenced.line(), n.referenced.column()) <= at;
        let mut keep = 0;
        let mut node = root;
        for (i, step) in self.steps.iter().enumerate() {
            let next = match (&node.value, step) {
                (Node::Map(pairs), Step::Key(k)) => pairs
                    .iter()
                    .find(|(key, _)| &key.value == k)
                    .map(|(_, v)| v),
                (Node::Seq(items), Step::Index(n, _)) => items.get(*n),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
            if matches!(node.value, Node::Map(_)) && starts_before(node) {
                keep = i + 1;
            }
        }
        keep
    }

    fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// "rule `eu.os.x`, field `criterion.openness.roles`", or "field `scoring.objectives[2].weight`".
    fn name(&self) -> String {
        let mut steps = self.steps.iter().peekable();
        let mut prefix = String::new();
        if let (Some(Step::Key(k)), Some(Step::Index(i, id))) =
            (self.steps.first(), self.steps.get(1))
        {
            if let Some((list, noun)) = NAMED_LISTS.iter().find(|(list, _)| list == k) {
                prefix = match id {
                    Some(id) => format!("{noun} `{id}`"),
                    None => format!(
                        "{noun} {n} (the {n}{} in `{list}`)",
                        ordinal(i + 1),
                        n = i + 1
                    ),
                };
                steps.next();
                steps.next();
            }
        }
        let mut field = String::new();
        for step in steps {
            match step {
                Step::Key(k) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(k);
                }
                Step::Index(i, _) => field.push_str(&format!("[{i}]")),
            }
        }
        match (prefix.is_empty(), field.is_empty()) {
            (true, _) => format!("field `{field}`"),
            (false, true) => prefix,
            (false, false) => format!("{prefix}, field `{field}`"),
        }
    }
}

impl Step {
    fn clone_step(&self) -> Step {
        match self {
            Step::Key(k) => Step::Key(k.clone()),
            Step::Index(i, id) => Step::Index(*i, id.clone()),
        }
    }
}

fn ordinal(n: usize) -> &'static str {
    match n % 10 {
        1 if n % 100 != 11 => "st",
        2 if n % 100 != 12 => "nd",
        3 if n % 100 != 13 => "rd",
        _ => "th",
    }
}

/// A quoted scalar that opens on one line and runs on to a later one, where the parse failed.
struct OpenQuote {
    line: u64,
    column: u64,
    quote: char,
}

impl OpenQuote {
    fn message(&self, failed_line: u64, reason: &str) -> String {
        format!(
            "the {} quote opened here is not closed on this line, so the string ran on to line \
             {failed_line}, where reading stopped ({reason})",
            if self.quote == '"' {
                "double"
            } else {
                "single"
            }
        )
    }
}

/// A YAML parser reports an unclosed quote where it gave up, which can be lines later (where
/// the next quote closed the string and what followed made no sense). If the error is on the
/// line where a quoted string that started on an earlier line ends (or the string never ends),
/// the place to fix is where that string opens. Quotes inside comments, plain scalars and
/// other quoted strings are skipped.
fn unclosed_quote(text: &str, err_line: u64, err_column: u64) -> Option<OpenQuote> {
    let chars: Vec<char> = text.chars().collect();
    let (mut line, mut column) = (1u64, 1u64);
    let mut i = 0;
    let step = |c: char, line: &mut u64, column: &mut u64| {
        if c == '\n' {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
    };
    while i < chars.len() && (line, column) < (err_line, err_column) {
        let c = chars[i];
        let after_blank = i == 0 || chars[i - 1].is_whitespace();
        if c == '#' && after_blank {
            // A comment, to the end of the line.
            while i < chars.len() && chars[i] != '\n' {
                step(chars[i], &mut line, &mut column);
                i += 1;
            }
            continue;
        }
        let opens = (c == '"' || c == '\'')
            && (after_blank || "[{,".contains(chars[i - 1]))
            && value_may_start(&chars[..i]);
        if !opens {
            step(c, &mut line, &mut column);
            i += 1;
            continue;
        }
        let open = OpenQuote {
            line,
            column,
            quote: c,
        };
        step(c, &mut line, &mut column);
        i += 1;
        let mut closed = false;
        while i < chars.len() {
            let d = chars[i];
            if c == '"' && d == '\\' && i + 1 < chars.len() {
                // An escape: `\"` does not close the string.
                step(d, &mut line, &mut column);
                step(chars[i + 1], &mut line, &mut column);
                i += 2;
                continue;
            }
            if d == c && c == '\'' && chars.get(i + 1) == Some(&'\'') {
                // `''` is a quote inside a single-quoted string.
                step(d, &mut line, &mut column);
                step(d, &mut line, &mut column);
                i += 2;
                continue;
            }
            if d == c {
                closed = true;
                break;
            }
            step(d, &mut line, &mut column);
            i += 1;
        }
        if line > open.line && (!closed || line == err_line) {
            return Some(open);
        }
        if !closed {
            return None;
        }
        step(c, &mut line, &mut column);
        i += 1;
    }
    None
}

/// Whether a value may start here: at the start of a line (after blanks), or after `:` `-` `[`
/// `{` `,` `?` on the same line.
fn value_may_start(before: &[char]) -> bool {
    before
        .iter()
        .rev()
        .take_while(|&&p| p != '\n')
        .find(|p| !p.is_whitespace())
        .is_none_or(|p| ":[{,-?".contains(*p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_or_one_of_comments_is_said_to_be_empty() {
        for text in ["", "\n\n", "# only a comment\n  # another\n"] {
            let e = from_yaml_strict::<std::collections::BTreeMap<String, u32>>(text).unwrap_err();
            assert_eq!((e.line, e.column), (1, 1), "{text:?}");
            assert!(
                e.message.starts_with("the file is empty"),
                "{text:?}: {}",
                e.message
            );
        }
        assert!(from_yaml_strict::<std::collections::BTreeMap<String, u32>>("# c\na: 1\n").is_ok());
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        services: Vec<Service>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Service {
        id: String,
        weight: Option<u32>,
    }

    #[test]
    fn entries_of_a_named_list_are_named_by_their_id() {
        let e = from_yaml_strict::<Doc>("services:\n  - id: mail\n    colour: red\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 5), "{}", e.message);
        assert!(
            e.message
                .starts_with("service `mail`: unknown field `colour`; the fields here are `id`"),
            "{}",
            e.message
        );
        let e = from_yaml_strict::<Doc>("services:\n  - weight: x\n").unwrap_err();
        assert!(
            e.message
                .starts_with("service 1 (the 1st in `services`), field `weight`"),
            "{}",
            e.message
        );
    }
}
