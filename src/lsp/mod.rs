//! `rotlint lsp`: the Language Server Protocol over standard input and output.
//!
//! Synchronous, on `lsp-server`'s channels: one thread reads messages, this one lints. After a
//! message, every message already queued is handled before linting, so a burst of keystrokes
//! costs one lint of its last state. Only the open documents are linted (as one world, so an
//! import between two open templates resolves); the workspace is never scanned.
//!
//! - `server`: the dispatcher (messages in, messages out);
//! - `documents`: the open buffers, which replace their files' disk content;
//! - `convert`: findings to diagnostics and code actions;
//! - `position`: byte offsets to positions in the negotiated encoding.

mod convert;
mod documents;
mod position;
mod server;

use lsp_server::{Connection, Message};

pub use position::Encoding;
pub use server::{Flow, Server};

use crate::lint::Options;

/// Run the server on a connection until `exit` (or until the client goes away). `Ok(true)` when
/// the client shut the server down before exiting, as the protocol asks.
pub fn serve(connection: &Connection, options: Options) -> Result<bool, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: lsp_types::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("invalid initialize parameters: {e}"))?;
    let (mut server, result) = Server::new(&params, options);
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
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

/// `rotlint lsp` on standard input and output.
pub fn run_stdio(options: Options) -> Result<bool, String> {
    let (connection, io_threads) = Connection::stdio();
    let clean = serve(&connection, options)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    Ok(clean)
}

/// A message for tests and the fuzz-ish check: any JSON value as a message, if it is one.
pub fn message_from_json(value: serde_json::Value) -> Option<Message> {
    serde_json::from_value(value).ok()
}
