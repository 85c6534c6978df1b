//! The dispatcher: LSP messages in, LSP messages out, the engine in between. No I/O here, so a
//! test can drive it message by message; [`super::serve`] connects it to a transport.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Initialized, LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, HoverRequest, RegisterCapability, Request as _, Shutdown,
    WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DiagnosticOptions, DiagnosticServerCapabilities, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult, LogMessageParams, MessageType,
    PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, WorkspaceEdit,
};

use super::convert::{self, Shown};
use super::documents::{self, Documents};
use super::position::Encoding;
use super::workspace::Workspace;
use crate::config::Config;
use crate::diagnostic::Applicability;
use crate::lint::{self, LintResult, Options};

/// Where `.rotlint.toml` comes from, to read it again when it changes: the `--config` file, else
/// the nearest one from `start` up (as at start-up).
#[derive(Clone, Debug, Default)]
pub struct ConfigSource {
    pub explicit: Option<PathBuf>,
    pub start: PathBuf,
}

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
    /// The client pulls diagnostics (`textDocument/diagnostic`): nothing is pushed.
    pull: bool,
    /// The client accepts `workspace/diagnostic/refresh` (pull clients only).
    refresh: bool,
    /// The client registers file watchers dynamically: `.rotlint.toml` is watched.
    watch: bool,
    /// Result id of every open document's last pulled-or-published list, bumped when it changes.
    result_ids: BTreeMap<String, u64>,
    generation: u64,
    /// Documents opened or edited since the last lint: their own lists are expected to change.
    edited: BTreeSet<String>,
    /// The last lint of every linked group of open documents (and the workspace templates they
    /// need), for hovers and to lint only the groups an edit touches.
    groups: Vec<Group>,
    /// The paths the last lint covered (empty when every group was unchanged).
    linted: Vec<PathBuf>,
    config: ConfigSource,
    workspace: Workspace,
    /// Ids of the requests the server sends.
    sent: i32,
}

impl Server {
    /// The server for a client's `initialize` parameters, and the answer to send it. `options`
    /// are the engine's (configuration, filters).
    pub fn new(params: &InitializeParams, options: Options) -> (Server, InitializeResult) {
        Server::with_config(params, options, ConfigSource::default())
    }

    /// [`Server::new`], reading `.rotlint.toml` again from `config` when it changes.
    pub fn with_config(
        params: &InitializeParams,
        mut options: Options,
        config: ConfigSource,
    ) -> (Server, InitializeResult) {
        let caps = &params.capabilities;
        let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_deref());
        let encoding = Encoding::negotiate(offered);
        let pull = caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
        let watch = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            == Some(true);
        let capabilities = ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                ..CodeActionOptions::default()
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            diagnostic_provider: pull.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("rotlint".into()),
                    // An edit to an exporting stack changes its importers' findings.
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    ..DiagnosticOptions::default()
                })
            }),
            ..ServerCapabilities::default()
        };
        // Hovers show a workload's paths.
        options.collect_paths = true;
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
            pull,
            refresh: false,
            watch,
            result_ids: BTreeMap::new(),
            generation: 0,
            edited: BTreeSet::new(),
            groups: Vec::new(),
            linted: Vec::new(),
            config,
            workspace: Workspace::new(workspace_root(params)),
            sent: 0,
        };
        (server, result)
    }

    /// The client's `workspace.diagnostics.refreshSupport` (lsp-types does not read it): a pull
    /// client is then asked to pull again when a document it did not edit has new findings.
    pub fn set_refresh_support(&mut self, supported: bool) {
        self.refresh = self.pull && supported;
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
                self.notification(n, out);
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
            DocumentDiagnosticRequest::METHOD => {
                match serde_json::from_value::<lsp_types::DocumentDiagnosticParams>(req.params.clone()) {
                    Ok(params) => {
                        self.flush(out);
                        out.push(Response::new_ok(req.id, self.pulled(&params)).into());
                    }
                    Err(e) => out.push(error(req, ErrorCode::InvalidParams, &e.to_string())),
                }
            }
            HoverRequest::METHOD => match serde_json::from_value::<lsp_types::HoverParams>(req.params.clone()) {
                Ok(params) => {
                    self.flush(out);
                    let doc = self.docs.get(&params.text_document_position_params.text_document.uri);
                    let result = doc.and_then(|d| self.result_for(&d.path));
                    let hover =
                        super::hover::hover(result, &self.docs, &params.text_document_position_params, self.encoding);
                    out.push(Response::new_ok(req.id, hover).into());
                }
                Err(e) => out.push(error(req, ErrorCode::InvalidParams, &e.to_string())),
            },
            _ => out.push(error(req, ErrorCode::MethodNotFound, "rotlint does not handle this request")),
        }
    }

    /// Malformed notifications are dropped: the protocol has no way to answer them.
    fn notification(&mut self, n: Notification, out: &mut Vec<Message>) {
        match n.method.as_str() {
            Initialized::METHOD => self.initialized(out),
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    self.edited.insert(doc.uri.as_str().to_owned());
                    self.docs.open(doc.uri, doc.text, doc.version);
                    self.dirty = true;
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    // Full synchronisation: the last change without a range is the whole text.
                    let full = p.content_changes.into_iter().rev().find(|c| c.range.is_none());
                    let uri = p.text_document.uri;
                    if let Some(change) = full
                        && self.docs.change(&uri, change.text, p.text_document.version)
                    {
                        self.edited.insert(uri.as_str().to_owned());
                        self.dirty = true;
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                    && let Some(doc) = self.docs.close(&p.text_document.uri)
                {
                    // The disk copy may differ from the buffer it held: read it again if needed.
                    self.workspace.forget(&doc.path);
                    self.dirty = true;
                }
            }
            // The buffer already holds what was saved; a save with text is a change. Saving
            // `.rotlint.toml` reads the configuration again.
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if is_config(&uri) {
                        self.reload_config(out);
                    } else if let Some(text) = p.text {
                        let version = self.docs.get(&uri).map_or(0, |d| d.version);
                        if self.docs.change(&uri, text, version) {
                            self.edited.insert(uri.as_str().to_owned());
                            self.dirty = true;
                        }
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params) {
                    for change in &p.changes {
                        self.workspace.forget(&documents::path_of(&change.uri));
                    }
                    if p.changes.iter().any(|c| is_config(&c.uri)) {
                        self.reload_config(out);
                    }
                }
            }
            _ => {}
        }
    }

    /// After the client's `initialized`: ask it to watch `.rotlint.toml` files, if it registers
    /// watchers dynamically (once).
    pub fn initialized(&mut self, out: &mut Vec<Message>) {
        if !self.watch {
            return;
        }
        self.watch = false;
        let watchers = vec![FileSystemWatcher { glob_pattern: GlobPattern::String(CONFIG_GLOB.into()), kind: None }];
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "rotlint-config-watcher".into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams { registrations: vec![registration] };
        self.send_request(RegisterCapability::METHOD, params, out);
    }

    fn send_request(&mut self, method: &str, params: impl serde::Serialize, out: &mut Vec<Message>) {
        self.sent += 1;
        let id = lsp_server::RequestId::from(format!("rotlint-{}", self.sent));
        out.push(Request::new(id, method.into(), params).into());
    }

    /// Read the configuration again (a new, changed or deleted `.rotlint.toml`) and lint every open
    /// document with it. A file that does not parse keeps the previous configuration, and the
    /// client is told why.
    fn reload_config(&mut self, out: &mut Vec<Message>) {
        let source = &self.config;
        let start = if source.start.as_os_str().is_empty() {
            std::env::current_dir().unwrap_or_default()
        } else {
            source.start.clone()
        };
        match Config::discover(source.explicit.as_deref(), &start) {
            Ok(config) => {
                self.options.config = config;
                // Excludes may have changed: the workspace is walked again when needed.
                self.workspace.reset();
                // Every finding may change: lint every group again.
                self.groups.clear();
                self.dirty = true;
            }
            Err(e) => {
                let message = format!("rotlint: keeping the previous configuration: {e}");
                let params = LogMessageParams { typ: MessageType::ERROR, message };
                out.push(Notification::new(LogMessage::METHOD.into(), params).into());
            }
        }
    }

    /// A pulled report: the document's list, or `unchanged` when the client holds this result.
    fn pulled(&mut self, params: &lsp_types::DocumentDiagnosticParams) -> serde_json::Value {
        let key = params.text_document.uri.as_str();
        let id = *self.result_ids.entry(key.to_owned()).or_insert_with(|| {
            self.generation += 1;
            self.generation
        });
        let result_id = id.to_string();
        if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            return serde_json::json!({"kind": "unchanged", "resultId": result_id});
        }
        let shown = self.shown.get(key).map(Vec::as_slice).unwrap_or_default();
        let items: Vec<&lsp_types::Diagnostic> = shown.iter().map(|s| &s.diagnostic).collect();
        serde_json::json!({"kind": "full", "resultId": result_id, "items": items})
    }

    /// The paths the last lint covered, in path order: the groups of linked documents that an
    /// edit, open or close changed (every group after a configuration change). Empty when the
    /// last flush had nothing to lint.
    pub fn last_linted(&self) -> &[PathBuf] {
        &self.linted
    }

    /// The lint holding the open document at `path`.
    fn result_for(&self, path: &std::path::Path) -> Option<&LintResult> {
        self.groups.iter().find(|g| g.sources.iter().any(|(p, _)| p == path)).map(|g| &*g.result)
    }

    /// Lint the groups of linked documents that changed, and publish every document whose
    /// diagnostics differ from what was last published (closed documents get an empty list).
    /// A group is linked documents (imports and exports, nested stacks, literal ARNs, and the
    /// workspace templates they need): a group whose texts are all as last linted keeps its
    /// findings, so an edit costs a lint of its own group only.
    pub fn flush(&mut self, out: &mut Vec<Message>) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.linted.clear();
        let edited = std::mem::take(&mut self.edited);
        // Open documents of groups linted as they are: what they show stays.
        let mut unchanged: BTreeSet<String> = BTreeSet::new();
        let mut now: BTreeMap<String, Vec<Shown>> = BTreeMap::new();
        if self.docs.is_empty() {
            self.groups.clear();
        } else {
            let open = self.docs.sources();
            let mut sources = open.clone();
            // Templates from disk that an open one imports from or nests (buffers win).
            sources.extend(self.workspace.peers(&open, &self.options));
            let groups = self.workspace.groups(&sources, &self.options);
            let keys: Vec<Vec<(PathBuf, Arc<str>)>> =
                groups.iter().map(|g| g.iter().map(|&i| sources[i].clone()).collect()).collect();
            // Each group as last linted, if its texts are all the same.
            let kept: Vec<Option<usize>> =
                keys.iter().map(|key| self.groups.iter().position(|g| same_sources(&g.sources, key))).collect();
            let stale: Vec<usize> = {
                let mut at: Vec<usize> =
                    (0..groups.len()).filter(|&g| kept[g].is_none()).flat_map(|g| groups[g].clone()).collect();
                at.sort_unstable();
                at
            };
            let fresh = if stale.is_empty() {
                None
            } else {
                let batch: Vec<(PathBuf, Arc<str>)> = stale.iter().map(|&i| sources[i].clone()).collect();
                match lint::lint_sources(&batch, &self.options) {
                    Ok(result) => {
                        now = convert::by_document(&result, &self.docs, self.encoding);
                        let mut paths: Vec<PathBuf> = batch.into_iter().map(|(p, _)| p).collect();
                        paths.sort();
                        paths.dedup();
                        self.linted = paths;
                        Some(Arc::new(result))
                    }
                    Err(e) => {
                        let message = format!("rotlint: cannot lint: {e}");
                        let params = LogMessageParams { typ: MessageType::ERROR, message };
                        out.push(Notification::new(LogMessage::METHOD.into(), params).into());
                        return;
                    }
                }
            };
            let group_of: BTreeMap<usize, usize> =
                groups.iter().enumerate().flat_map(|(g, members)| members.iter().map(move |&i| (i, g))).collect();
            for (k, doc) in self.docs.iter().enumerate() {
                if group_of.get(&k).is_some_and(|&g| kept[g].is_some()) {
                    now.remove(doc.uri.as_str());
                    unchanged.insert(doc.uri.as_str().to_owned());
                }
            }
            let mut old: Vec<Option<Group>> = std::mem::take(&mut self.groups).into_iter().map(Some).collect();
            for (g, key) in keys.into_iter().enumerate() {
                let group = match kept[g] {
                    Some(o) => old[o].take(),
                    None => fresh.as_ref().map(|result| Group { sources: key, result: Arc::clone(result) }),
                };
                self.groups.extend(group);
            }
        }
        // Only open documents are published: a related location may name another file, but
        // its own findings belong to whoever opens it.
        now.retain(|uri, _| self.docs.iter().any(|d| d.uri.as_str() == uri));
        // Pull clients ask; when a document they did not edit changed (an importer of an edited
        // exporter, a new configuration), they are told to ask again.
        let mut others_changed = false;
        for doc in self.docs.iter().filter(|d| !unchanged.contains(d.uri.as_str())) {
            let key = doc.uri.as_str();
            let fresh = now.get(key).map(Vec::as_slice).unwrap_or_default();
            let before = self.shown.get(key).map(Vec::as_slice);
            if before != Some(fresh) {
                self.generation += 1;
                self.result_ids.insert(key.to_owned(), self.generation);
                others_changed |= !edited.contains(key);
                if !self.pull {
                    out.push(publish(doc.uri.clone(), fresh, Some(doc.version)));
                }
            }
        }
        self.result_ids.retain(|uri, _| self.docs.iter().any(|d| d.uri.as_str() == uri));
        if !self.pull {
            for (uri, _) in self.shown.iter().filter(|(uri, _)| !self.docs.iter().any(|d| d.uri.as_str() == *uri)) {
                if let Ok(uri) = uri.parse() {
                    out.push(publish(uri, &[], None));
                }
            }
        } else if others_changed && self.refresh {
            self.send_request(WorkspaceDiagnosticRefresh::METHOD, (), out);
        }
        for uri in unchanged {
            let list = self.shown.remove(&uri).unwrap_or_default();
            now.insert(uri, list);
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

/// One group of linked documents as last linted: its sources (path and text, in the order given
/// to the engine) and the lint that covered it (shared with the other groups linted with it).
struct Group {
    sources: Vec<(PathBuf, Arc<str>)>,
    result: Arc<LintResult>,
}

/// The same paths with the same texts (the same allocations: an edit always makes a new one).
fn same_sources(a: &[(PathBuf, Arc<str>)], b: &[(PathBuf, Arc<str>)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|((pa, ta), (pb, tb))| pa == pb && Arc::ptr_eq(ta, tb))
}

const CONFIG_GLOB: &str = "**/.rotlint.toml";

fn is_config(uri: &lsp_types::Uri) -> bool {
    documents::path_of(uri).file_name().is_some_and(|n| n == ".rotlint.toml")
}

/// The workspace folder: the first of `workspaceFolders`, else `rootUri`, if a local path.
#[allow(deprecated)] // `root_uri`: older clients send only it.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let uri = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri).or(params.root_uri.as_ref())?;
    uri.as_str().starts_with("file:").then(|| documents::path_of(uri)).filter(|p| p.is_absolute() && p.is_dir())
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
            "textDocument/diagnostic",
            "workspace/didChangeWatchedFiles",
            "$/cancelRequest",
            "workspace/didChangeConfiguration",
            "initialized",
            "",
        ];
        let uris =
            ["file:///a.yaml", "file:///b.json", "untitled:1", "file:///c%ZZ.yaml", "file:///nowhere/.rotlint.toml"];
        let texts = [
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {Name: !Ref Nope}\n",
            "Resources: [unclosed\n",
            "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"X\": {\"Ref\": \"B\"}}}}}",
            "",
            "\u{feff}Resources:\n  😀: {Type: X}\r\n",
            "a: *alias\nb: &x [1]\n",
            "Resources:\n  A:  # rotlint-ignore RL003, nat-exposure: why\n    Type: AWS::SQS::Queue\n    Properties: {X: !ImportValue net-X}\n",
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
            let previous = [Value::Null, json!("1"), json!("7")][next(3)].clone();
            let params: Value = match next(8) {
                0 => Value::Null,
                1 => json!([1, "x"]),
                2 => json!({"textDocument": {"uri": 7}}),
                _ => json!({
                    "textDocument": {"uri": uri, "languageId": "yaml", "version": i, "text": texts[next(texts.len())]},
                    "contentChanges": changes,
                    "text": texts[next(texts.len())],
                    "range": {"start": pos, "end": pos},
                    "position": pos,
                    "previousResultId": previous,
                    "changes": [{"uri": uri, "type": 2}],
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

    fn notify(server: &mut Server, method: &str, params: Value) {
        let mut out = Vec::new();
        server.handle(Notification::new(method.into(), params).into(), &mut out);
        server.flush(&mut out);
    }

    /// What linting every open document as one world gives: the lists to show, by URI, and the
    /// hovers on every third line of every open document.
    fn whole_world(server: &Server) -> (BTreeMap<String, Vec<Shown>>, Vec<Option<lsp_types::Hover>>) {
        let whole = lint::lint_sources(&server.docs.sources(), &server.options).expect("lint");
        let mut shown = convert::by_document(&whole, &server.docs, server.encoding);
        shown.retain(|uri, _| server.docs.iter().any(|d| d.uri.as_str() == uri));
        for doc in server.docs.iter() {
            shown.entry(doc.uri.as_str().to_owned()).or_default();
        }
        (shown, hovers(server, |_| Some(&whole)))
    }

    fn hovers<'a>(
        server: &'a Server,
        result: impl Fn(&std::path::Path) -> Option<&'a LintResult>,
    ) -> Vec<Option<lsp_types::Hover>> {
        let mut out = Vec::new();
        for doc in server.docs.iter() {
            for line in (0..doc.text.lines().count() as u32).step_by(3) {
                let at = lsp_types::TextDocumentPositionParams {
                    text_document: lsp_types::TextDocumentIdentifier { uri: doc.uri.clone() },
                    position: lsp_types::Position { line, character: 4 },
                };
                out.push(crate::lsp::hover::hover(result(&doc.path), &server.docs, &at, server.encoding));
            }
        }
        out
    }

    /// Linting only the groups an edit touches gives every open document the lists and hovers
    /// that linting all of them together gives, through opens, edits (an exporter, a nested
    /// child, a function named by literal ARN, an unrelated template) and closes; and an edit
    /// lints its group only.
    #[test]
    fn linting_only_changed_groups_gives_what_the_whole_world_gives() {
        let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata"));
        let names = [
            "cross-stack/broken/app.yaml",
            "cross-stack/broken/network.yaml",
            "cross-stack/good/app.yaml",
            "nested-stack/broken/app.yaml",
            "nested-stack/broken/network.yaml",
            "literal-arn/schedule.yaml",
            "literal-arn/function.yaml",
            "RL401/fail/dynamodb-no-gateway.yaml",
            "RL901/fail/subnets-from-import.yaml",
            "RL101/fail/literal-arn-function-no-path.yaml",
        ];
        let (mut server, _) =
            Server::new(&InitializeParams::default(), Options { threads: Some(1), ..Options::default() });
        let uri = |name: &str| documents::file_uri(&root.join(name)).expect("uri");
        let text = |name: &str| std::fs::read_to_string(root.join(name)).expect("fixture");
        let check = |server: &Server, step: &str| {
            let (shown, hovers_whole) = whole_world(server);
            assert_eq!(server.shown, shown, "{step}");
            assert_eq!(hovers(server, |p| server.result_for(p)), hovers_whole, "{step}");
        };
        let linted = |server: &Server| -> Vec<String> {
            server
                .last_linted()
                .iter()
                .map(|p| p.strip_prefix(&root).expect("testdata").display().to_string())
                .collect()
        };
        for name in names {
            let doc = json!({"uri": uri(name), "languageId": "yaml", "version": 1, "text": text(name)});
            let mut out = Vec::new();
            server.handle(
                Notification::new("textDocument/didOpen".into(), json!({"textDocument": doc})).into(),
                &mut out,
            );
        }
        server.flush(&mut Vec::new());
        assert_eq!(linted(&server).len(), names.len());
        check(&server, "opened");
        let edit = |server: &mut Server, name: &str, body: String, version: i32| {
            let params =
                json!({"textDocument": {"uri": uri(name), "version": version}, "contentChanges": [{"text": body}]});
            notify(server, "textDocument/didChange", params);
        };
        // The exporter: the importers of its names are linted with it (the good app imports the
        // same names, so both apps and the RL901 template that imports one of them).
        edit(&mut server, "cross-stack/broken/network.yaml", text("cross-stack/good/network.yaml"), 2);
        let group = linted(&server);
        assert!(group.contains(&"cross-stack/broken/app.yaml".to_owned()), "{group:?}");
        assert!(group.contains(&"cross-stack/broken/network.yaml".to_owned()), "{group:?}");
        assert!(!group.iter().any(|p| p.starts_with("RL401") || p.starts_with("literal-arn")), "{group:?}");
        check(&server, "exporter edited");
        // An unrelated template: linted alone.
        let unrelated = "RL401/fail/dynamodb-no-gateway.yaml";
        edit(
            &mut server,
            unrelated,
            format!(
                "{}
",
                text(unrelated)
            ),
            2,
        );
        assert_eq!(linted(&server), [unrelated]);
        check(&server, "unrelated edited");
        // The nested child: its parent too.
        edit(&mut server, "nested-stack/broken/network.yaml", text("nested-stack/good/network.yaml"), 2);
        assert_eq!(linted(&server), ["nested-stack/broken/app.yaml", "nested-stack/broken/network.yaml"]);
        check(&server, "nested child edited");
        // The function a schedule names by literal ARN: the schedule too.
        let renamed = text("literal-arn/function.yaml").replace("orders-rotator", "other-rotator");
        edit(&mut server, "literal-arn/function.yaml", renamed, 2);
        let group = linted(&server);
        assert!(group.contains(&"literal-arn/schedule.yaml".to_owned()), "{group:?}");
        check(&server, "function renamed");
        edit(&mut server, "literal-arn/function.yaml", text("literal-arn/function.yaml"), 3);
        check(&server, "function named again");
        // Closing the exporter changes its importers' group; reopening it too.
        notify(
            &mut server,
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri("cross-stack/broken/network.yaml")}}),
        );
        check(&server, "exporter closed");
        let doc = json!({"uri": uri("cross-stack/broken/network.yaml"), "languageId": "yaml", "version": 1, "text": text("cross-stack/broken/network.yaml")});
        notify(&mut server, "textDocument/didOpen", json!({"textDocument": doc}));
        check(&server, "exporter reopened");
        // Nothing changed: nothing is linted.
        server.dirty = true;
        server.flush(&mut Vec::new());
        assert!(linted(&server).is_empty());
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
