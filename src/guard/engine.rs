//! The one place that calls cfn-guard: checking that a rule file parses, and evaluating it on a
//! document.
//!
//! Evaluation goes through `Validate` in payload mode with structured JSON output, written to an
//! in-memory buffer. (`cfn_guard::run_checks` is not used: it returns only the unflushed tail of
//! a `BufWriter`, so any report over 8 KiB comes back truncated.) cfn-guard has `unwrap()`s and
//! `unreachable!()`s on odd input, so every call runs under `catch_unwind`.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use cfn_guard::commands::Executable;
use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType, parse_rules};
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};

/// Where a rule file stops parsing, as Guard tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based, when Guard gives a position.
    pub position: Option<(u32, u32)>,
    pub message: String,
}

/// Parse a rule file without evaluating it.
pub fn check_syntax(text: &str, name: &str) -> Result<(), SyntaxError> {
    match guarded(|| parse_rules(text, name).map(|_| ()).map_err(|e| e.to_string())) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(message)) | Err(message) => Err(syntax_error(&message)),
    }
}

/// Evaluate rule files on the JSON `document`; the structured report (one for all files) as JSON
/// text, or why Guard could not produce one.
pub fn evaluate(rules: &[&str], document: &str) -> Result<String, String> {
    let payload = serde_json::json!({ "rules": rules, "data": [document] }).to_string();
    guarded(|| run(payload)).and_then(|r| r)
}

fn run(payload: String) -> Result<String, String> {
    let command = ValidateBuilder::default()
        .payload(true)
        .structured(true)
        .output_format(OutputFormatType::JSON)
        .show_summary(vec![ShowSummaryType::None])
        .try_build()
        .map_err(|e| e.to_string())?;
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new())).map_err(|e| e.to_string())?;
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(payload.into_bytes())));
    command.execute(&mut writer, &mut reader).map_err(|e| e.to_string())?;
    writer.into_string().map_err(|e| e.to_string())
}

/// Run `f`, turning a panic inside cfn-guard into an error message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        format!("cfn-guard panicked: {what}")
    })
}

/// Guard says `... Error parsing file NAME at line 5 at column 6, when handling WHAT, fragment
/// TEXT`: keep the position and the readable part.
fn syntax_error(message: &str) -> SyntaxError {
    let number_after = |marker: &str| -> Option<u32> {
        let rest = &message[message.find(marker)? + marker.len()..];
        rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    let position = number_after(" at line ").zip(number_after(" at column "));
    let handling = message.split_once("when handling ").map(|(_, rest)| rest);
    let (what, fragment) = match handling.and_then(|h| h.split_once(", fragment ")) {
        Some((what, fragment)) => (what.trim(), fragment.lines().next().unwrap_or_default().trim()),
        None => (handling.unwrap_or(message).trim(), ""),
    };
    let what = if what.is_empty() { "unexpected input" } else { what };
    let fragment = fragment.trim_end_matches('`').trim();
    let message = if fragment.is_empty() { what.to_owned() } else { format!("{what} (at `{fragment}`)") };
    SyntaxError { position, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_guards_position() {
        let error = check_syntax("rule r {\n  Resources.*.Type == \n}\n", "r.guard").err();
        let Some(error) = error else { panic!("expected a syntax error") };
        assert_eq!(error.position, Some((2, 22)), "{error:?}");
        assert!(!error.message.contains("Parser Error"), "{error:?}");
    }

    #[test]
    fn empty_and_comment_only_files_parse() {
        assert_eq!(check_syntax("", "e.guard"), Ok(()));
        assert_eq!(check_syntax("# nothing\n", "c.guard"), Ok(()));
    }

    #[test]
    fn evaluation_errors_are_errors_not_panics() {
        let out = evaluate(&["rule r { %undefined == 1 }\n"], "{\"Resources\": {}}");
        assert!(out.as_ref().is_err_and(|e| e.contains("undefined")), "{out:?}");
    }

    #[test]
    fn a_failing_rule_reports_json() {
        let out = evaluate(&["rule r { Resources.*.Type == \"B\" }\n"], r#"{"Resources": {"X": {"Type": "A"}}}"#);
        assert!(out.as_ref().is_ok_and(|o| o.contains("not_compliant") && o.contains("/Resources/X/Type")), "{out:?}");
    }
}
