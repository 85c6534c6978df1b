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

/// Parse a rule file without evaluating it. With `excerpts`, the message may quote a short,
/// escaped fragment of the text where parsing stopped; without, it quotes nothing of it.
pub fn check_syntax(text: &str, name: &str, excerpts: bool) -> Result<(), SyntaxError> {
    match guarded(|| parse_rules(text, name).map(|_| ()).map_err(|e| e.to_string())) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(message)) | Err(message) if excerpts => Err(syntax_error(&message)),
        Ok(Err(message)) | Err(message) => {
            let position = syntax_error(&message).position;
            Err(SyntaxError { position, message: "not a Guard rule file (content not shown)".to_owned() })
        }
    }
}

/// Evaluate rule files (each given as a JSON string literal) on the JSON `document`; the
/// structured report (one for all files) as JSON text, or why Guard could not produce one.
pub fn evaluate(quoted_rules: &[&str], document: &str) -> Result<String, String> {
    // `{"rules": [...], "data": ["<document>"]}`, assembled from pieces already quoted.
    let mut payload =
        String::with_capacity(document.len() + quoted_rules.iter().map(|r| r.len() + 1).sum::<usize>() + 64);
    payload.push_str("{\"rules\":[");
    payload.push_str(&quoted_rules.join(","));
    payload.push_str("],\"data\":[");
    payload.push_str(&serde_json::Value::String(document.to_owned()).to_string());
    payload.push_str("]}");
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
    let what = if what.is_empty() { "unexpected input".to_owned() } else { excerpt(what, 160) };
    let fragment = excerpt(fragment.trim_end_matches('`').trim(), 40);
    let message = if fragment.is_empty() { what } else { format!("{what} (at `{fragment}`)") };
    SyntaxError { position, message }
}

/// At most `max` characters of `text`, control characters escaped.
fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(max) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_guards_position() {
        let error = check_syntax("rule r {\n  Resources.*.Type == \n}\n", "r.guard", true).err();
        let Some(error) = error else { panic!("expected a syntax error") };
        assert_eq!(error.position, Some((2, 22)), "{error:?}");
        assert!(!error.message.contains("Parser Error"), "{error:?}");
    }

    #[test]
    fn empty_and_comment_only_files_parse() {
        assert_eq!(check_syntax("", "e.guard", true), Ok(()));
        assert_eq!(check_syntax("# nothing\n", "c.guard", true), Ok(()));
    }

    #[test]
    fn evaluation_errors_are_errors_not_panics() {
        let out = evaluate(&["\"rule r { %undefined == 1 }\\n\""], "{\"Resources\": {}}");
        assert!(out.as_ref().is_err_and(|e| e.contains("undefined")), "{out:?}");
    }

    #[test]
    fn a_failing_rule_reports_json() {
        let out = evaluate(&[r#""rule r { Resources.*.Type == \"B\" }""#], r#"{"Resources": {"X": {"Type": "A"}}}"#);
        assert!(out.as_ref().is_ok_and(|o| o.contains("not_compliant") && o.contains("/Resources/X/Type")), "{out:?}");
    }
}
