//! The dispatcher: LSP messages in, LSP messages out, the engine in between. No I/O here, so a
//! test can drive it message by message; [`super::serve`] connects it to a transport.

use std::collections::BTreeMap;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, LogMessage,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _, Shutdown};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MessageType, PublishDiagnosticsParams, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, WorkspaceEdit,
};

use super::convert::{self, Shown};
use super::documents::{self, Documents};
use super::position::Encoding;
use crate::diagnostic::Applicability;
use crate::lint::{self, Options};

/// Whether the loop goes on after a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// `exit` arrived: the process ends, with 0 if `shutdown` came first.
    Exit {
        clean: bool,
    },
}

pub struct Server {
    docs: Documents,
    encoding: Encoding,
    options: Options,
    /// What was last published, by URI: only changes are sent again, and code actions read it.
    shown: BTreeMap<String, Vec<Shown>>,
    /// An open document changed since the last lint.
    dirty: bool,
    shut_down: bool,
}

impl Server {
    /// The server for a client's `initialize` parameters, and the answer to send it. `options`
    /// are the engine's (configuration, filters).
    pub fn new(params: &InitializeParams, options: Options) -> (Server, InitializeResult) {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref());
        let encoding = Encoding::negotiate(offered);
        let capabilities = ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo { name: "rotlint".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        };
        let server = Server {
            docs: Documents::default(),
            encoding,
            options,
            shown: BTreeMap::new(),
            dirty: false,
            shut_down: false,
        };
        (server, result)
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Handle one message; replies and notifications go to `out`. Document changes only mark the
    /// world dirty: [`Server::flush`] lints once for however many arrived (the debounce), and a
    /// request that reads findings flushes first, so it never answers from a stale lint.
    pub fn handle(&mut self, message: Message, out: &mut Vec<Message>) -> Flow {
        match message {
            Message::Request(req) => {
                self.request(req, out);
                Flow::Continue
            }
            Message::Notification(n) if n.method == "exit" => Flow::Exit { clean: self.shut_down },
            Message::Notification(n) => {
                self.notification(n);
                Flow::Continue
            }
            Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, req: Request, out: &mut Vec<Message>) {
        if self.shut_down {
            out.push(error(req, ErrorCode::InvalidRequest, "the server is shut down"));
            return;
        }
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shut_down = true;
                out.push(Response::new_ok(req.id, ()).into());
            }
            CodeActionRequest::METHOD => match serde_json::from_value::<CodeActionParams>(req.params.clone()) {
                Ok(params) => {
                    self.flush(out);
                    out.push(Response::new_ok(req.id, self.code_actions(&params)).into());
                }
                Err(e) => out.push(error(req, ErrorCode::InvalidParams, &e.to_string())),
            },
            _ => out.push(error(req, ErrorCode::MethodNotFound, "rotlint does not handle this request")),
        }
    }

    /// Malformed notifications are dropped: the protocol has no way to answer them.
    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    self.docs.open(doc.uri, doc.text, doc.version);
                    self.dirty = true;
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    // Full synchronisation: the last change without a range is the whole text.
                    let full = p.content_changes.into_iter().rev().find(|c| c.range.is_none());
                    if let Some(change) = full {
                        self.dirty |= self.docs.change(&p.text_document.uri, change.text, p.text_document.version);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    self.dirty |= self.docs.close(&p.text_document.uri).is_some();
                }
            }
            // The buffer already holds what was saved; a save with text is a change.
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                    && let Some(text) = p.text
                {
                    let version = self.docs.get(&p.text_document.uri).map_or(0, |d| d.version);
                    self.dirty |= self.docs.change(&p.text_document.uri, text, version);
                }
            }
            _ => {}
        }
    }

    /// Lint the open documents if any changed, and publish every document whose diagnostics
    /// differ from what was last published (closed documents get an empty list).
    pub fn flush(&mut self, out: &mut Vec<Message>) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let mut now = if self.docs.is_empty() {
            BTreeMap::new()
        } else {
            match lint::lint_sources(&self.docs.sources(), &self.options) {
                Ok(result) => convert::by_document(&result, &self.docs, self.encoding),
                Err(e) => {
                    let message = format!("rotlint: cannot lint: {e}");
                    let params = LogMessageParams { typ: MessageType::ERROR, message };
                    out.push(Notification::new(LogMessage::METHOD.into(), params).into());
                    return;
                }
            }
        };
        // Only open documents are published: a related location may name another file, but
        // its own findings belong to whoever opens it.
        now.retain(|uri, _| self.docs.iter().any(|d| d.uri.as_str() == uri));
        for doc in self.docs.iter() {
            let key = doc.uri.as_str();
            let fresh = now.get(key).map(Vec::as_slice).unwrap_or_default();
            let before = self.shown.get(key).map(Vec::as_slice);
            if before != Some(fresh) {
                out.push(publish(doc.uri.clone(), fresh, Some(doc.version)));
            }
        }
        for (uri, _) in self.shown.iter().filter(|(uri, _)| !self.docs.iter().any(|d| d.uri.as_str() == *uri)) {
            if let Ok(uri) = uri.parse() {
                out.push(publish(uri, &[], None));
            }
        }
        for doc in self.docs.iter() {
            now.entry(doc.uri.as_str().to_owned()).or_default();
        }
        self.shown = now;
    }

    // lsp-types' `Uri` hashes and compares by its text; clippy sees a cache cell inside it.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let wanted = |kind: &CodeActionKind| {
            params.context.only.as_ref().is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        };
        let mut actions = Vec::new();
        let shown = self.shown.get(uri.as_str()).map(Vec::as_slice).unwrap_or_default();
        for s in shown.iter().filter(|s| convert::overlaps(&s.diagnostic.range, &params.range)) {
            let rule = match &s.diagnostic.code {
                Some(lsp_types::NumberOrString::String(rule)) => rule.as_str(),
                _ => "",
            };
            if let Some((title, applicability, edit)) = &s.fix
                && wanted(&CodeActionKind::QUICKFIX)
            {
                let label = match applicability {
                    Applicability::Safe => "safe fix",
                    _ => "unsafe fix: review the change",
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("{rule}: {title} ({label})"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![s.diagnostic.clone()]),
                    edit: Some(edit.clone()),
                    is_preferred: Some(*applicability == Applicability::Safe),
                    ..CodeAction::default()
                }));
            }
            if let Some(edit) = &s.suppress
                && wanted(&CodeActionKind::QUICKFIX)
            {
                let changes = std::collections::HashMap::from([(uri.clone(), vec![edit.clone()])]);
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {rule} here (then write the reason after the colon)"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![s.diagnostic.clone()]),
                    edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                    is_preferred: Some(false),
                    ..CodeAction::default()
                }));
            }
        }
        // Asked for by kind only (editors run it on save when configured), never offered unasked.
        let asked = params.context.only.as_ref().is_some_and(|only| {
            only.iter().any(|o| fix_all_kind().as_str().starts_with(o.as_str()) && o.as_str().starts_with("source"))
        });
        if asked && let Some(action) = fix_all(uri, shown) {
            actions.push(action);
        }
        actions
    }

    /// The path a URI is linted under (for tests comparing with the engine).
    pub fn path_of(uri: &lsp_types::Uri) -> std::path::PathBuf {
        documents::path_of(uri)
    }
}

fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.rotlint")
}

/// Every safe fix of the document, in finding order, leaving out any that touches a range an
/// earlier one changes (the next lint offers it again); `None` when there is nothing to fix.
// lsp-types' `Uri` hashes and compares by its text; clippy sees a cache cell inside it.
#[allow(clippy::mutable_key_type)]
fn fix_all(uri: &lsp_types::Uri, shown: &[Shown]) -> Option<CodeActionOrCommand> {
    let mut kept: Vec<lsp_types::TextEdit> = Vec::new();
    let mut fixed = Vec::new();
    for s in shown {
        let Some((_, Applicability::Safe, edit)) = &s.fix else { continue };
        let Some(changes) = &edit.changes else { continue };
        // Only fixes that stay inside this document: the action edits what is on screen.
        if changes.keys().any(|u| u != uri) {
            continue;
        }
        let edits = changes.get(uri).map(Vec::as_slice).unwrap_or_default();
        let clash =
            |a: &lsp_types::Range, b: &lsp_types::Range| a.start < b.end && b.start < a.end || a.start == b.start;
        if edits.iter().any(|e| kept.iter().any(|k| clash(&e.range, &k.range))) {
            continue;
        }
        kept.extend(edits.iter().cloned());
        fixed.push(s.diagnostic.clone());
    }
    if fixed.is_empty() {
        return None;
    }
    let changes = std::collections::HashMap::from([(uri.clone(), kept)]);
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Apply {} safe rotlint fix{}", fixed.len(), if fixed.len() == 1 { "" } else { "es" }),
        kind: Some(fix_all_kind()),
        diagnostics: Some(fixed),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    }))
}

fn publish(uri: lsp_types::Uri, shown: &[Shown], version: Option<i32>) -> Message {
    let diagnostics = shown.iter().map(|s| s.diagnostic.clone()).collect();
    let params = PublishDiagnosticsParams { uri, diagnostics, version };
    Notification::new(PublishDiagnostics::METHOD.into(), params).into()
}

fn error(req: Request, code: ErrorCode, message: &str) -> Message {
    Response::new_err(req.id, code as i32, message.to_owned()).into()
}

#[cfg(test)]
mod tests {
    use lsp_server::RequestId;
    use serde_json::{Value, json};

    use super::*;

    /// A deterministic stream of messages mixing every method the server knows, unknown ones and
    /// parameters of every shape (valid, wrong types, missing, out-of-range positions): the
    /// dispatcher never panics and answers every request exactly once.
    #[test]
    fn random_messages_never_panic_and_every_request_is_answered_once() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let methods = [
            "textDocument/didOpen",
            "textDocument/didChange",
            "textDocument/didClose",
            "textDocument/didSave",
            "textDocument/codeAction",
            "textDocument/hover",
            "$/cancelRequest",
            "workspace/didChangeConfiguration",
            "initialized",
            "",
        ];
        let uris = ["file:///a.yaml", "file:///b.json", "untitled:1", "file:///c%ZZ.yaml"];
        let texts = [
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {Name: !Ref Nope}\n",
            "Resources: [unclosed\n",
            "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"X\": {\"Ref\": \"B\"}}}}}",
            "",
            "\u{feff}Resources:\n  😀: {Type: X}\r\n",
            "a: *alias\nb: &x [1]\n",
        ];
        let (mut server, _) =
            Server::new(&InitializeParams::default(), Options { threads: Some(1), ..Options::default() });
        let mut answered = std::collections::BTreeMap::<String, usize>::new();
        let mut asked = 0;
        let mut published = 0;
        for i in 0..600 {
            let uri = uris[next(uris.len())];
            let character = [0, 3, 4_000_000_000u32][next(3)];
            let pos = json!({"line": next(7), "character": character});
            let all_changes =
                [json!({"text": texts[next(texts.len())]}), json!({"range": {"start": pos, "end": pos}, "text": "x"})];
            let changes = &all_changes[..next(3)];
            let only = [json!(["quickfix"]), json!(["source"]), json!([])][next(3)].clone();
            let params: Value = match next(8) {
                0 => Value::Null,
                1 => json!([1, "x"]),
                2 => json!({"textDocument": {"uri": 7}}),
                _ => json!({
                    "textDocument": {"uri": uri, "languageId": "yaml", "version": i, "text": texts[next(texts.len())]},
                    "contentChanges": changes,
                    "text": texts[next(texts.len())],
                    "range": {"start": pos, "end": pos},
                    "context": {"diagnostics": [], "only": only},
                }),
            };
            let method = methods[next(methods.len())].to_owned();
            let message: Message = if next(2) == 0 {
                asked += 1;
                Request::new(RequestId::from(i), method, params).into()
            } else {
                Notification::new(method, params).into()
            };
            let mut out = Vec::new();
            assert_eq!(server.handle(message, &mut out), Flow::Continue);
            if next(3) == 0 {
                server.flush(&mut out);
            }
            for m in out {
                match m {
                    Message::Response(r) => *answered.entry(r.id.to_string()).or_default() += 1,
                    Message::Notification(n) => published += usize::from(n.method == PublishDiagnostics::METHOD),
                    Message::Request(_) => {}
                }
            }
        }
        assert_eq!(answered.len(), asked);
        // The stream did reach the engine, not only the parameter checks.
        assert!(published > 20, "{published}");
        assert!(answered.values().all(|&n| n == 1));
        let mut out = Vec::new();
        server.handle(Request::new(RequestId::from(-1), "shutdown".into(), Value::Null).into(), &mut out);
        server
            .handle(Request::new(RequestId::from(-2), "textDocument/codeAction".into(), Value::Null).into(), &mut out);
        assert_eq!(out.len(), 2);
        let exit = Notification::new("exit".into(), Value::Null).into();
        assert_eq!(server.handle(exit, &mut out), Flow::Exit { clean: true });
    }

    /// Fix all keeps the safe fixes that do not touch what an earlier one changes.
    #[test]
    #[allow(clippy::mutable_key_type)]
    fn fix_all_skips_unsafe_fixes_and_clashing_ones() {
        use lsp_types::{Position, Range, TextEdit, Uri};
        let uri: Uri = "file:///t.yaml".parse().expect("uri");
        let at = |line: u32, a: u32, b: u32| Range {
            start: Position { line, character: a },
            end: Position { line, character: b },
        };
        let shown = |range: Range, applicability: Applicability| {
            let edit = TextEdit { range, new_text: "x".into() };
            let changes = std::collections::HashMap::from([(uri.clone(), vec![edit])]);
            let diagnostic = lsp_types::Diagnostic { range, ..lsp_types::Diagnostic::default() };
            let fix =
                ("t".to_owned(), applicability, WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() });
            Shown { diagnostic, fix: Some(fix), suppress: None }
        };
        let list = [
            shown(at(1, 0, 5), Applicability::Safe),
            shown(at(1, 3, 8), Applicability::Safe),
            shown(at(2, 0, 1), Applicability::Unsafe),
            shown(at(1, 5, 6), Applicability::Safe),
        ];
        let Some(CodeActionOrCommand::CodeAction(action)) = fix_all(&uri, &list) else { panic!("an action") };
        let edits = &action.edit.and_then(|e| e.changes).expect("changes")[&uri];
        let ranges: Vec<Range> = edits.iter().map(|e| e.range).collect();
        assert_eq!(ranges, [at(1, 0, 5), at(1, 5, 6)]);
        assert_eq!(action.title, "Apply 2 safe rotlint fixes");
        assert!(fix_all(&uri, &list[2..3]).is_none());
    }
}
