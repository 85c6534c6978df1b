//! Fuzz target: the language server's dispatcher, in process, fed a sequence of messages built
//! from the input (`rotlint::lsp::Server`, no transport).
//!
//! The first byte picks the client's capabilities (utf-32 or utf-16, pull or push diagnostics,
//! refresh support, watched-file registration, a workspace folder holding an exporting stack and
//! a nested stack's template). Every following byte starts a message: open, change (full or
//! ranged), close, save, code action, hover, pulled diagnostics, watched-file change, a raw JSON
//! message, or a lint of what is queued; texts are slices of the input (as is, or after
//! `Resources:` so they are linted as templates), positions anything up to past the end.
//! Checked: no panic, every request answered exactly once, `exit` ends the session.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

mod scratch;

use libfuzzer_sys::fuzz_target;
use rotlint::lint::Options;
use rotlint::lsp::{ConfigSource, Flow, Server, message_from_json};
use serde_json::{Value, json};

const EXPORTER: &str = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}\nOutputs:\n  SubnetId:\n    Value: !Ref Subnet\n    Export: {Name: net-SubnetId}\n";
const CHILD: &str = "Parameters:\n  SubnetId: {Type: String}\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: x, VpcId: vpc-1}\n";

/// A workspace folder with an exporter and a nested stack's template, written once.
fn workspace() -> &'static PathBuf {
    let dir = scratch::dir("lsp");
    let exporter = dir.join("network.yaml");
    if !exporter.exists() {
        std::fs::write(&exporter, EXPORTER).expect("scratch file");
        std::fs::write(dir.join("child.yaml"), CHILD).expect("scratch file");
    }
    dir
}

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn text(&mut self) -> String {
        let len = usize::from(self.byte()) * 8;
        let (head, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        let text = String::from_utf8_lossy(head).into_owned();
        if self.byte() % 2 == 0 { format!("Resources:\n{text}") } else { text }
    }

    fn position(&mut self) -> Value {
        let line = self.byte() % 40;
        let character = match self.byte() {
            b if b < 200 => u32::from(b),
            b => u32::from(b) << 24,
        };
        json!({"line": line, "character": character})
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let flags = input.byte();
    let root = workspace();
    let root_uri = format!("file://{}", root.display());
    let uris = [
        format!("{root_uri}/app.yaml"),
        format!("{root_uri}/network.yaml"),
        "file:///elsewhere/b.json".to_owned(),
        "untitled:Untitled-1".to_owned(),
        format!("{root_uri}/.rotlint.toml"),
    ];
    let encodings = if flags & 1 == 0 { json!(["utf-16"]) } else { json!(["utf-32", "utf-16"]) };
    let mut caps = json!({"general": {"positionEncodings": encodings}});
    if flags & 2 != 0 {
        caps["textDocument"] = json!({"diagnostic": {}});
    }
    if flags & 8 != 0 {
        caps["workspace"] = json!({"didChangeWatchedFiles": {"dynamicRegistration": true}});
    }
    let root_value = if flags & 16 != 0 { json!(root_uri) } else { Value::Null };
    let params = serde_json::from_value(json!({"capabilities": caps, "rootUri": root_value}))
        .expect("valid initialize parameters");
    let options = Options { only_templates: true, threads: Some(1), ..Options::default() };
    // A configuration file that is not there: a reload keeps the defaults and says why.
    let config = ConfigSource { explicit: Some(root.join("missing/.rotlint.toml")), start: root.clone() };
    let (mut server, _) = Server::with_config(&params, options, config);
    server.set_refresh_support(flags & 4 != 0);
    let mut out = Vec::new();
    server.initialized(&mut out);
    let mut asked = 0usize;
    let mut answered: BTreeMap<String, usize> = BTreeMap::new();
    let mut version = 1;
    for id in 0..48i64 {
        if input.0.is_empty() {
            break;
        }
        let op = input.byte();
        let uri = uris[usize::from(input.byte()) % uris.len()].clone();
        version += 1;
        let (method, params, request) = match op % 12 {
            0 => {
                let doc = json!({"uri": uri, "languageId": "yaml", "version": version, "text": input.text()});
                ("textDocument/didOpen", json!({"textDocument": doc}), false)
            }
            1 => {
                let changes = json!([{"text": input.text()}]);
                let doc = json!({"uri": uri, "version": version});
                ("textDocument/didChange", json!({"textDocument": doc, "contentChanges": changes}), false)
            }
            2 => {
                let (a, b) = (input.position(), input.position());
                let changes = json!([{"range": {"start": a, "end": b}, "text": input.text()}]);
                let doc = json!({"uri": uri, "version": version});
                ("textDocument/didChange", json!({"textDocument": doc, "contentChanges": changes}), false)
            }
            3 => ("textDocument/didClose", json!({"textDocument": {"uri": uri}}), false),
            4 => {
                let text = if input.byte() % 2 == 0 { json!(input.text()) } else { Value::Null };
                ("textDocument/didSave", json!({"textDocument": {"uri": uri}, "text": text}), false)
            }
            5 => {
                let only = [json!(null), json!(["quickfix"]), json!(["source.fixAll"]), json!(["source"])]
                    [usize::from(input.byte()) % 4]
                    .clone();
                let range = json!({"start": input.position(), "end": input.position()});
                let context = json!({"diagnostics": [], "only": only});
                ("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": range, "context": context}), true)
            }
            6 => ("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": input.position()}), true),
            7 => {
                let previous = if input.byte() % 2 == 0 { json!(input.byte().to_string()) } else { Value::Null };
                ("textDocument/diagnostic", json!({"textDocument": {"uri": uri}, "previousResultId": previous}), true)
            }
            8 => {
                let kind = 1 + input.byte() % 3;
                ("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri, "type": kind}]}), false)
            }
            9 => {
                // Anything the transport could deliver as a message.
                let Ok(mut value) = serde_json::from_str::<Value>(&input.text()) else { continue };
                // An id of its own, so answers are counted per request.
                if let Some(object) = value.as_object_mut()
                    && object.contains_key("id")
                {
                    object.insert("id".into(), json!(format!("r{id}")));
                }
                if let Some(message) = message_from_json(value) {
                    let is_request = serde_json::to_value(&message)
                        .is_ok_and(|v| v.get("method").is_some() && v.get("id").is_some());
                    asked += usize::from(is_request);
                    if server.handle(message, &mut out) != Flow::Continue {
                        return;
                    }
                }
                continue;
            }
            10 => ("textDocument/codeAction", json!(input.text()), true),
            _ => {
                server.flush(&mut out);
                continue;
            }
        };
        let message = if request {
            asked += 1;
            json!({"jsonrpc": "2.0", "id": format!("f{id}"), "method": method, "params": params})
        } else {
            json!({"jsonrpc": "2.0", "method": method, "params": params})
        };
        let message = message_from_json(message).expect("a well-formed message");
        assert_eq!(server.handle(message, &mut out), Flow::Continue);
        if input.byte() % 3 == 0 {
            server.flush(&mut out);
        }
        for m in out.drain(..) {
            let v = serde_json::to_value(&m).expect("messages serialise");
            if v.get("method").is_none()
                && let Some(id) = v.get("id")
            {
                *answered.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for m in out.drain(..) {
        let v = serde_json::to_value(&m).expect("messages serialise");
        if v.get("method").is_none()
            && let Some(id) = v.get("id")
        {
            *answered.entry(id.to_string()).or_default() += 1;
        }
    }
    assert!(answered.values().all(|&n| n == 1), "{answered:?}");
    assert_eq!(answered.values().sum::<usize>(), asked);
    let exit = message_from_json(json!({"jsonrpc": "2.0", "method": "exit"})).expect("exit");
    assert!(matches!(server.handle(exit, &mut out), Flow::Exit { .. }));
});
