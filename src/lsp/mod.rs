//! `rotlint lsp`: the Language Server Protocol over standard input and output.
//!
//! Synchronous, on `lsp-server`'s channels: one thread reads messages, this one lints. After a
//! message, every message already queued is handled before linting, so a burst of keystrokes
//! costs one lint of its last state. The open documents form one world, with the workspace
//! templates they import from or nest (read from disk only when an open one needs them); an
//! edit lints only the group of documents linked to the edited one (imports and exports, nested
//! stacks, literal ARNs), and the other groups keep their findings.
//!
//! - `server`: the dispatcher (messages in, messages out);
//! - `documents`: the open buffers, which replace their files' disk content;
//! - `workspace`: the templates on disk that open ones need;
//! - `convert`: findings to diagnostics and code actions;
//! - `hover`: rule summaries on suppression comments, paths on resources;
//! - `position`: byte offsets to positions in the negotiated encoding.

mod convert;
mod documents;
mod hover;
mod position;
mod server;
mod workspace;

use lsp_server::{Connection, Message};

pub use position::Encoding;
pub use server::{ConfigSource, Flow, Server};
pub use workspace::{MAX_BYTES as WORKSPACE_MAX_BYTES, MAX_FILES as WORKSPACE_MAX_FILES};

use crate::lint::Options;

/// Run the server on a connection until `exit` (or until the client goes away). `Ok(true)` when
/// the client shut the server down before exiting, as the protocol asks.
pub fn serve(connection: &Connection, options: Options) -> Result<bool, String> {
    let start = std::env::current_dir().unwrap_or_default();
    serve_with(connection, options, ConfigSource { explicit: None, start })
}

/// [`serve`], reading `.rotlint.toml` again from `config` when the client says it changed.
pub fn serve_with(connection: &Connection, options: Options, config: ConfigSource) -> Result<bool, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let refresh = params.pointer("/capabilities/workspace/diagnostics/refreshSupport") == Some(&true.into());
    let params: lsp_types::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("invalid initialize parameters: {e}"))?;
    let (mut server, result) = Server::with_config(&params, options, config);
    server.set_refresh_support(refresh);
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    // This waits for the client's `initialized`, which the server itself never sees.
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    server.initialized(&mut out);
    while let Ok(first) = connection.receiver.recv() {
        let mut flow = server.handle(first, &mut out);
        while flow == Flow::Continue
            && let Ok(next) = connection.receiver.try_recv()
        {
            flow = server.handle(next, &mut out);
        }
        if flow == Flow::Continue {
            server.flush(&mut out);
        }
        for message in out.drain(..) {
            if connection.sender.send(message).is_err() {
                return Ok(false);
            }
        }
        if let Flow::Exit { clean } = flow {
            return Ok(clean);
        }
    }
    Ok(false)
}

/// `rotlint lsp` on standard input and output; `config` is the `--config` file, if given.
pub fn run_stdio(options: Options, config: Option<std::path::PathBuf>) -> Result<bool, String> {
    let (connection, io_threads) = Connection::stdio();
    let start = std::env::current_dir().unwrap_or_default();
    let clean = serve_with(&connection, options, ConfigSource { explicit: config, start })?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    Ok(clean)
}

/// A message for tests and the fuzz-ish check: any JSON value as a message, if it is one.
pub fn message_from_json(value: serde_json::Value) -> Option<Message> {
    serde_json::from_value(value).ok()
}
