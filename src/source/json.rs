//! Strict JSON text → [`Tree`] through jsonc-parser (every JSONC/JSON5 extension off), in the same
//! shape the YAML loader builds.
//!
//! Valid JSON goes straight from jsonc-parser's token scanner into the tree builder: building
//! jsonc-parser's own syntax tree first would hold a second copy of the document, several times
//! larger than the text. Anything the streaming pass does not accept (a syntax error, nesting past
//! 512) is parsed again with `parse_to_ast`, whose error says exactly what and where.

use std::sync::Arc;

use jsonc_parser::ast::{ObjectProp, ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::tokens::Token;
use jsonc_parser::{CollectOptions, ParseOptions, Scanner, ScannerOptions, parse_to_ast};

use crate::diagnostic::FileId;
use crate::source::builder::{Builder, Built, rl004};
use crate::source::load::Limits;
use crate::source::tree::{ScalarStyle, ScalarText, Span};
use crate::source::yaml::char_span;

/// Why strict JSON parsing failed: where, and the parser's reason.
pub(crate) struct JsonError {
    pub span: Span,
    pub reason: String,
    /// 1-based line and column (in characters) of the error, for messages.
    pub line: usize,
    pub column: usize,
    /// The nesting cap was hit: a limit finding (RL004), not a syntax problem.
    pub too_deep: bool,
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

enum Work<'v, 'a> {
    Value(&'v Value<'a>),
    Prop(&'v ObjectProp<'a>),
    Close(usize),
}

/// Parses `source` as strict JSON. `Err` means it is not strict JSON (the caller decides what to
/// try next); a successful parse still carries findings such as duplicate keys.
pub(crate) fn parse(file: FileId, source: Arc<str>, limits: &Limits) -> Result<Built, JsonError> {
    if let Some(built) = stream(file, &source, limits) {
        return Ok(built);
    }
    parse_via_ast(file, source, limits)
}

/// The syntax-tree route: slower and larger, but its error says what is wrong and where.
fn parse_via_ast(file: FileId, source: Arc<str>, limits: &Limits) -> Result<Built, JsonError> {
    let src: &str = &source;
    let ast = parse_to_ast(src, &CollectOptions::default(), &strict()).map_err(|e| json_error(src, &e))?;
    let mut b = Builder::new(src, file, limits.max_depth);
    if let Some(value) = &ast.value {
        convert(&mut b, value);
    }
    Ok(b.finish(Arc::clone(&source)))
}

/// jsonc-parser's own nesting cap, which its error path reports.
const PARSER_MAX_DEPTH: usize = 512;

/// Where the streaming pass is in the current collection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Just after `[`: a value or `]`.
    FirstItem,
    /// Just after `{`: a key or `}`.
    FirstKey,
    /// After `,` in an array.
    Item,
    /// After `,` in an object.
    Key,
    /// After a key.
    Colon,
    /// After `:`.
    Value,
    /// After an item or a property's value: `,` or the closing bracket.
    CommaOrClose,
}

/// Strict JSON from scanner tokens into the builder, with the same builder calls, in the same
/// order, as converting jsonc-parser's syntax tree. `None` when the text is not strict JSON (or
/// nests deeper than jsonc-parser allows): the caller then asks `parse_to_ast` what is wrong.
fn stream(file: FileId, source: &Arc<str>, limits: &Limits) -> Option<Built> {
    let src: &str = source;
    let strict = strict();
    let mut scanner = Scanner::new(
        src,
        &ScannerOptions {
            allow_single_quoted_strings: strict.allow_single_quoted_strings,
            allow_hexadecimal_numbers: strict.allow_hexadecimal_numbers,
            allow_unary_plus_numbers: strict.allow_unary_plus_numbers,
            allow_bare_decimal_point_numbers: strict.allow_bare_decimal_point_numbers,
            allow_non_finite_numbers: strict.allow_non_finite_numbers,
            allow_extended_string_escapes: strict.allow_extended_string_escapes,
        },
    );
    let mut b = Builder::new(src, file, limits.max_depth);
    // One entry per open collection: is it an object, and what comes next in it.
    let mut stack: Vec<(bool, Expect)> = Vec::new();
    let mut root_done = false;
    while let Some(token) = scanner.scan().ok()? {
        let (start, end) = (scanner.token_start(), scanner.token_end());
        let expect = stack.last().map(|&(_, e)| e);
        if root_done {
            // A second root value.
            return None;
        }
        // After a fatal limit the builder takes nothing more, but the rest must still be JSON.
        let live = !b.is_fatal();
        let wants_value = matches!(expect, None | Some(Expect::FirstItem | Expect::Item | Expect::Value));
        match token {
            Token::OpenBrace | Token::OpenBracket if wants_value => {
                if stack.len() >= PARSER_MAX_DEPTH {
                    return None;
                }
                let is_map = token == Token::OpenBrace;
                if live {
                    b.open(is_map, true, start, None, None);
                }
                stack.push((is_map, if is_map { Expect::FirstKey } else { Expect::FirstItem }));
            }
            Token::CloseBracket if matches!(expect, Some(Expect::FirstItem | Expect::CommaOrClose)) => {
                if stack.last().is_some_and(|&(is_map, _)| is_map) {
                    return None;
                }
                stack.pop();
                if live {
                    b.close(end);
                }
                root_done = after_value(&mut stack);
            }
            Token::CloseBrace if matches!(expect, Some(Expect::FirstKey | Expect::CommaOrClose)) => {
                if stack.last().is_some_and(|&(is_map, _)| !is_map) {
                    return None;
                }
                stack.pop();
                if live {
                    b.close(end);
                }
                root_done = after_value(&mut stack);
            }
            Token::Comma if expect == Some(Expect::CommaOrClose) => {
                let (is_map, next) = stack.last_mut()?;
                *next = if *is_map { Expect::Key } else { Expect::Item };
            }
            Token::Colon if expect == Some(Expect::Colon) => {
                stack.last_mut()?.1 = Expect::Value;
            }
            Token::String(value) if matches!(expect, Some(Expect::FirstKey | Expect::Key)) => {
                if live {
                    b.key(string_text(src, start, end, &value), Span::new(start, end), false);
                }
                stack.last_mut()?.1 = Expect::Colon;
            }
            Token::String(value) if wants_value => {
                if live {
                    let text = string_text(src, start, end, &value);
                    let id = b.scalar(text, ScalarStyle::DoubleQuoted, Span::new(start, end), None);
                    b.attach(id);
                }
                root_done = after_value(&mut stack);
            }
            Token::Number(_) | Token::Boolean(_) | Token::Null if wants_value => {
                if live {
                    let span = Span::new(start, end);
                    let id = b.scalar(ScalarText::Source(span), ScalarStyle::Plain, span, None);
                    b.attach(id);
                }
                root_done = after_value(&mut stack);
            }
            _ => return None,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    Some(b.finish(Arc::clone(source)))
}

/// A value ended: the collection around it now expects a comma or its end. True when it was
/// the root value.
fn after_value(stack: &mut [(bool, Expect)]) -> bool {
    match stack.last_mut() {
        Some((_, next)) => {
            *next = Expect::CommaOrClose;
            false
        }
        None => true,
    }
}

fn json_error(src: &str, error: &ParseError) -> JsonError {
    let range = error.range();
    let too_deep = matches!(error.kind(), ParseErrorKind::NestingDepthExceeded);
    let span = if range.end > range.start && range.end - range.start <= 64 {
        Span::new(range.start, range.end)
    } else {
        char_span(src, range.start)
    };
    JsonError {
        span,
        reason: error.kind().to_string(),
        line: error.line_display(),
        column: error.column_display(),
        too_deep,
    }
}

/// Text of a JSON string literal: the source between the quotes when no escape was processed.
fn string_text(src: &str, start: usize, end: usize, value: &str) -> ScalarText {
    let inner = Span::new(start + 1, end.saturating_sub(1));
    if end >= start + 2 && src.get(inner.range()) == Some(value) {
        ScalarText::Source(inner)
    } else {
        ScalarText::Owned(value.into())
    }
}

fn convert(b: &mut Builder<'_>, root: &Value<'_>) {
    let src = b.src();
    let mut work = vec![Work::Value(root)];
    while let Some(item) = work.pop() {
        if b.is_fatal() {
            return;
        }
        match item {
            Work::Close(end) => {
                b.close(end);
            }
            Work::Prop(prop) => {
                let (text, span) = match &prop.name {
                    ObjectPropName::String(lit) => {
                        (string_text(src, lit.range.start, lit.range.end, &lit.value), lit.range)
                    }
                    ObjectPropName::Word(lit) => (ScalarText::Owned(lit.value.into()), lit.range),
                };
                b.key(text, Span::new(span.start, span.end), false);
                work.push(Work::Value(&prop.value));
            }
            Work::Value(value) => push_value(b, &mut work, src, value),
        }
    }
}

fn push_value<'v, 'a>(b: &mut Builder<'_>, work: &mut Vec<Work<'v, 'a>>, src: &str, value: &'v Value<'a>) {
    let range = value.range();
    let span = Span::new(range.start, range.end);
    match value {
        Value::StringLit(lit) => {
            let text = string_text(src, range.start, range.end, &lit.value);
            let id = b.scalar(text, ScalarStyle::DoubleQuoted, span, None);
            b.attach(id);
        }
        Value::NumberLit(_) | Value::BooleanLit(_) | Value::NullKeyword(_) => {
            let id = b.scalar(ScalarText::Source(span), ScalarStyle::Plain, span, None);
            b.attach(id);
        }
        Value::Object(object) => {
            if b.open(true, true, range.start, None, None) {
                work.push(Work::Close(range.end));
                work.extend(object.properties.iter().rev().map(Work::Prop));
            }
        }
        Value::Array(array) => {
            if b.open(false, true, range.start, None, None) {
                work.push(Work::Close(range.end));
                work.extend(array.elements.iter().rev().map(Work::Value));
            }
        }
    }
}

/// RL004 for JSON nested past jsonc-parser's own cap (or ours).
pub(crate) fn too_deep(file: FileId, span: Span, limits: &Limits) -> crate::diagnostic::Diagnostic {
    rl004(file, span, format!("nesting is deeper than {} levels", limits.max_depth.min(512)))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::diagnostic::{FileId, Level};
    use crate::source::tree::{ScalarStyle, Span};
    use crate::source::{Format, Limits, Loaded, load_bytes};

    fn load_json(text: &str) -> Loaded {
        load_bytes(FileId(3), Path::new("t.json"), text.as_bytes(), &Limits::default())
    }

    fn rules(loaded: &Loaded) -> Vec<(&str, Level)> {
        loaded.diagnostics.iter().map(|d| (d.rule.as_ref(), d.level)).collect()
    }

    /// The streaming pass builds exactly the tree the syntax-tree route builds, and leaves
    /// everything that is not strict JSON to it.
    #[test]
    fn streaming_and_syntax_tree_routes_agree() {
        use std::sync::Arc;
        let deep = format!("{}1{}", "[".repeat(520), "]".repeat(520));
        let cases = [
            "",
            "  \n",
            "1",
            "\"s\"",
            "null",
            "{}",
            "[]",
            "{\"a\": [1, {\"b\": \"x\\ty\"}, true, null, -1.5e3]}",
            "{\"a\": 1, \"a\": 2}",
            "[[[]], {}]",
            "{\"k\\\"q\": \"\\ud83d\\ude00\"}",
        ];
        for text in cases {
            let source: Arc<str> = Arc::from(text);
            let limits = Limits::default();
            let streamed = super::stream(FileId(0), &source, &limits).expect("strict JSON streams");
            let via_ast = super::parse_via_ast(FileId(0), Arc::clone(&source), &limits).ok().expect("strict JSON");
            assert_eq!(format!("{:?}", streamed.tree), format!("{:?}", via_ast.tree), "{text}");
            assert_eq!(streamed.diagnostics, via_ast.diagnostics, "{text}");
        }
        let shallow = Limits { max_depth: 2, ..Limits::default() };
        let source: Arc<str> = Arc::from("[[[1]], 2]");
        let streamed = super::stream(FileId(0), &source, &shallow).expect("streams up to the limit");
        let via_ast = super::parse_via_ast(FileId(0), Arc::clone(&source), &shallow).ok().expect("JSON");
        assert_eq!(format!("{:?}", streamed.tree), format!("{:?}", via_ast.tree));
        assert_eq!(streamed.diagnostics, via_ast.diagnostics);
        for bad in
            ["[1,]", "{\"a\" 1}", "{a: 1}", "[1] [2]", "[1", "// c\n1", "[01]", "'x'", "[1}", "{\"a\": 1]", &deep]
        {
            assert!(super::stream(FileId(0), &Arc::from(bad), &Limits::default()).is_none(), "{bad}");
        }
    }

    #[test]
    fn keys_and_values_have_exact_spans() {
        let text = "{\n  \"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\", \"N\": 1.50, \"B\": true, \"Z\": null}},\n  \"L\": [ \"a\" , 2 ]\n}\n";
        let loaded = load_json(text);
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        assert_eq!(loaded.format, Format::Json);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        assert_eq!(t.slice(t.span(root)), text.trim_end());
        let res = t.get_pair(root, "Resources").expect("Resources");
        assert_eq!(t.slice(res.key_span), "\"Resources\"");
        let fun = t.get(res.value, "Fn").expect("Fn");
        let ty = t.get(fun, "Type").expect("Type");
        assert_eq!(t.scalar(ty), Some("AWS::Lambda::Function"));
        assert_eq!(t.slice(t.span(ty)), "\"AWS::Lambda::Function\"");
        assert_eq!(t.scalar_style(ty), Some(ScalarStyle::DoubleQuoted));
        for (key, raw) in [("N", "1.50"), ("B", "true"), ("Z", "null")] {
            let id = t.get(fun, key).expect("key");
            assert_eq!(t.scalar(id), Some(raw));
            assert_eq!(t.slice(t.span(id)), raw);
            assert_eq!(t.scalar_style(id), Some(ScalarStyle::Plain));
        }
        let list = t.get(root, "L").expect("L");
        assert_eq!(t.slice(t.span(list)), "[ \"a\" , 2 ]");
        assert_eq!(t.seq(list).len(), 2);
    }

    #[test]
    fn escaped_strings_are_owned_and_plain_ones_borrowed() {
        let loaded = load_json(r#"{"a": "x\ty", "b": "\ud83d\ude00", "c": "plain", "k\"q": 1}"#);
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        let a = t.get(root, "a").expect("a");
        assert_eq!((t.scalar(a), t.scalar_source(a)), (Some("x\ty"), None));
        assert_eq!(t.scalar(t.get(root, "b").expect("b")), Some("😀"));
        let c = t.get(root, "c").expect("c");
        assert_eq!(t.scalar_source(c).map(|s| t.slice(s)), Some("plain"));
        assert_eq!(t.key(&t.map(root)[3]), "k\"q");
    }

    #[test]
    fn big_numbers_stay_raw() {
        let loaded = load_json(r#"{"a": 1e400, "b": 123456789012345678901234567890, "c": -0.0}"#);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        assert_eq!(t.scalar(t.get(root, "a").expect("a")), Some("1e400"));
        assert_eq!(t.scalar(t.get(root, "b").expect("b")), Some("123456789012345678901234567890"));
        assert_eq!(t.scalar(t.get(root, "c").expect("c")), Some("-0.0"));
    }

    #[test]
    fn duplicate_keys_are_reported_and_kept() {
        let loaded = load_json("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(rules(&loaded), vec![("RL002", Level::Error)]);
        let d = &loaded.diagnostics[0];
        assert_eq!(d.primary.file, FileId(3));
        assert_eq!(d.primary.span, Span::new(10, 13));
        assert_eq!(d.related[0].span, Span::new(1, 4));
        let t = &loaded.tree;
        assert_eq!(t.map(t.root.expect("root")).len(), 2);
    }

    #[test]
    fn too_deep_is_a_limit() {
        let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
        let loaded = load_json(&deep);
        assert_eq!(rules(&loaded), vec![("RL004", Level::Error)]);
        let limits = Limits { max_depth: 10, ..Limits::default() };
        let nested = format!("{}1{}", "{\"a\":".repeat(11), "}".repeat(11));
        let loaded = load_bytes(FileId(0), Path::new("t.json"), nested.as_bytes(), &limits);
        assert_eq!(rules(&loaded), vec![("RL004", Level::Error)]);
        assert!(loaded.tree.root.is_none());
        let ok = format!("{}1{}", "{\"a\":".repeat(10), "}".repeat(10));
        let loaded = load_bytes(FileId(0), Path::new("t.json"), ok.as_bytes(), &limits);
        assert!(loaded.diagnostics.is_empty());
    }

    #[test]
    fn yaml_isms_in_json_file_parse_as_yaml_with_a_warning() {
        let loaded = load_json("{\n  \"a\": yes, # comment\n  \"b\": [1, 2,],\n}\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Warning)]);
        let d = &loaded.diagnostics[0];
        assert!(d.message.starts_with("not valid JSON ("), "{}", d.message);
        assert!(d.message.ends_with(" at line 2, column 8); parsed as YAML"), "{}", d.message);
        assert_eq!(loaded.tree.slice(d.primary.span), "yes");
        assert_eq!(loaded.format, Format::Yaml);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        assert_eq!(t.scalar(t.get(root, "a").expect("a")), Some("yes"));
    }

    #[test]
    fn broken_json_is_an_error_at_the_json_position() {
        let loaded = load_json("{\"a\": [1, 2}\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        let d = &loaded.diagnostics[0];
        assert!(d.message.starts_with("invalid JSON: "), "{}", d.message);
        assert_eq!(loaded.tree.slice(d.primary.span), "}");
        assert!(loaded.tree.root.is_none());
    }

    #[test]
    fn tab_indented_json_is_json() {
        let loaded =
            load_bytes(FileId(0), Path::new("t.yaml"), b"{\n\t\"a\": {\n\t\t\"b\": 1\n\t}\n}\n", &Limits::default());
        assert!(loaded.diagnostics.is_empty());
        assert_eq!(loaded.format, Format::Json);
    }

    #[test]
    fn sniffed_yaml_flow_map_is_silently_yaml() {
        let loaded = load_bytes(FileId(0), Path::new("t.yaml"), b"{a: !Ref B}\n", &Limits::default());
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        assert_eq!(loaded.format, Format::Yaml);
        let t = &loaded.tree;
        let a = t.get(t.root.expect("root"), "a").expect("a");
        assert!(t.from_short_form(a));
    }
}
