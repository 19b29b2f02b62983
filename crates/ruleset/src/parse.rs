//! Strict YAML parsing of a ruleset file into its raw shape, keeping the location of the parts
//! that validation may need to point at.

use crate::RulesetError;
use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_abi::{Rule, Scoring};

/// A ruleset as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleset {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub scoring: Spanned<Scoring>,
    pub rules: Spanned<Vec<Spanned<Rule>>>,
    /// The plugin each layer must be judged by, pinned by sha256 (`sovstack plugin pin`).
    #[serde(default)]
    pub plugins: Option<Spanned<std::collections::BTreeMap<String, PluginPin>>>,
}

/// One layer's pinned plugin.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PluginPin {
    /// The sha256 of the plugin's module, 64 lowercase hex digits.
    pub sha256: String,
}

/// Parses ruleset text. Unknown keys, wrong types and malformed YAML are refused with the line
/// and column serde-saphyr reports, in plain words that name the rule and field (see
/// [`describe`]); an unclosed quote is reported where it opens.
pub(crate) fn parse(origin: &str, text: &str) -> Result<RawRuleset, RulesetError> {
    from_yaml_strict(text).map_err(|e| RulesetError::Syntax {
        origin: origin.to_string(),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

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
            if k == "rules" {
                prefix = match id {
                    Some(id) => format!("rule `{id}`"),
                    None => format!("rule {} (the {} in `rules`)", i + 1, ordinal(i + 1)),
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

    fn syntax_error(text: &str) -> (u64, u64, String) {
        match parse("t.yaml", text) {
            Err(RulesetError::Syntax {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            Ok(_) => panic!("parsed"),
            Err(e) => panic!("{e}"),
        }
    }

    const HEAD: &str = "name: t\nversion: '1'\ntitle: T\nscoring:\n  method: bloc_balance\n";

    #[test]
    fn unknown_top_level_key_is_refused_with_its_line() {
        let (line, _, msg) = syntax_error(&format!("{HEAD}rules: []\nextra: 1\n"));
        assert_eq!(line, 7, "{msg}");
        assert!(msg.contains("extra"), "{msg}");
    }

    #[test]
    fn unknown_key_in_a_rule_is_refused_with_its_line() {
        let text = format!(
            "{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: low\n    weight: 1\n    colour: red\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"
        );
        let (line, col, msg) = syntax_error(&text);
        assert_eq!(line, 12, "{msg}");
        assert!(col > 0);
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn unknown_criterion_and_bad_severity_are_refused() {
        let rule = |sev: &str, crit: &str| {
            format!("{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: {sev}\n    weight: 1\n    criterion:\n      {crit}\n")
        };
        let (_, _, msg) = syntax_error(&rule("low", "vibes: {roles: [steward]}"));
        assert!(msg.contains("vibes"), "{msg}");
        let (line, _, msg) = syntax_error(&rule("urgent", "known_attribution: {roles: [steward]}"));
        assert_eq!(line, 10, "{msg}");
    }

    #[test]
    fn malformed_yaml_is_refused_with_a_location() {
        let (line, _, _) = syntax_error("name: [unclosed\nversion: 1\n");
        assert!(line >= 1);
    }

    fn rule_with(weight: &str, criterion: &str) -> String {
        format!("{HEAD}rules:\n  - id: eu.os.x\n    layer: os\n    title: x\n    severity: low\n    weight: {weight}\n    criterion:{criterion}\n")
    }

    #[test]
    fn wrong_types_are_said_in_plain_words_naming_rule_and_field_once() {
        // (text, line, column, message)
        let table = [
            (rule_with("\"abc\"", "\n      known_attribution: {roles: [steward]}"), 11, 13, "rule `eu.os.x`, field `weight`: expected a number, found the string \"abc\""),
            (rule_with("1", " [1]"), 12, 16, "rule `eu.os.x`, field `criterion`: expected one key naming the kind, with its settings below it (such as `known_attribution: {roles: [steward]}`), found a list"),
            (rule_with("[1]", "\n      known_attribution: {roles: [steward]}"), 11, 13, "rule `eu.os.x`, field `weight`: expected a single value, found a list"),
            (format!("{HEAD}rules: 3\n"), 6, 8, "field `rules`: expected a list, found the number 3"),
        ];
        for (text, line, column, message) in table {
            let (l, c, m) = syntax_error(&text);
            assert_eq!((l, c, m.as_str()), (line, column, message), "{text}");
        }
        // serde-saphyr gives up at the end of the file here; the value is on line 12.
        let (l, c, m) = syntax_error(&rule_with("1", " known_attribution"));
        assert_eq!(
            (l, c, m.as_str()),
            (12, 16, "rule `eu.os.x`, field `criterion`: expected a mapping (`key: value` lines), found the string \"known_attribution\"")
        );
        let (_, _, m) = syntax_error(&format!("{HEAD}rules:\n  - id: a\n    title: x\n    severity: low\n    weight: 1\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"));
        assert_eq!(m, "rule `a`: missing field `layer`");
        let (_, _, m) = syntax_error(&format!("{HEAD}rules:\n  - id: a\n    colour: red\n"));
        assert!(
            m.starts_with("rule `a`: unknown field `colour`; the fields here are `id`, "),
            "{m}"
        );
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        // Line 11 opens a quote; the next quote, on line 16, closes it, and the parser stops there.
        let text = format!("{HEAD}rules:\n  - id: a\n    layer: os\n    severity: low\n    weight: 1\n    title: \"oops\n    criterion:\n      known_attribution: {{roles: [steward]}}\n  - id: b\n    layer: os\n    title: \"x\"\n");
        for (quote, text) in [('"', text.clone()), ('\'', text.replace('"', "'"))] {
            let (line, column, message) = syntax_error(&text);
            assert_eq!((line, column), (11, 12), "{quote}: {message}");
            assert!(
                message.contains("not closed on this line") && message.contains("line 16"),
                "{message}"
            );
        }
        // A quote that never closes is reported where it opens as well.
        let (line, column, _) = syntax_error(&format!("{HEAD}rules:\n  - id: 'a\n    layer: os\n"));
        assert_eq!((line, column), (7, 9));
        // Quotes in comments and inside plain values are not openings; a string closed on its
        // line is not the culprit.
        let text = format!("# it's a comment\n{HEAD}rules:\n  - id: don't\n    title: \"fine\"\n    layer: os\n    weight: \"x\"\n    severity: low\n    criterion: {{known_attribution: {{roles: [steward]}}}}\n");
        let (line, _, message) = syntax_error(&text);
        assert_eq!(line, 11, "{message}");
        assert!(message.contains("field `weight`"), "{message}");
    }

    #[test]
    fn rules_keep_their_locations() {
        let text = format!(
            "{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: low\n    weight: 1\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"
        );
        let raw = parse("t.yaml", &text).unwrap();
        assert_eq!(raw.rules.value[0].referenced.line(), 7);
    }
}

#[cfg(test)]
mod empty_file_tests {
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
}
