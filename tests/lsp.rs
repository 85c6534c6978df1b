//! `rotlint lsp`: an in-process client drives the server over `lsp-server`'s memory connection;
//! a parity check holds the published diagnostics against the engine's findings for every
//! template of `testdata/`; one test runs the built binary over standard input and output.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use rotlint::lint::{self, Options};
use rotlint::lsp::ConfigSource;

/// Only a guard against a hung server, never a measurement.
const PATIENCE: Duration = Duration::from_secs(120);

fn options() -> Options {
    Options { only_templates: true, threads: Some(1), ..Options::default() }
}

struct Client {
    conn: Connection,
    server: std::thread::JoinHandle<Result<bool, String>>,
    next_id: i32,
    /// Notifications that arrived while waiting for a response.
    pending: Vec<Notification>,
    /// Requests the server sent (registrations, refreshes).
    asked: Vec<Request>,
    init: Value,
}

impl Client {
    fn start(encodings: &[&str]) -> Client {
        let caps = json!({"general": {"positionEncodings": encodings}});
        Client::start_with(json!({"processId": null, "rootUri": null, "capabilities": caps}), ConfigSource::default())
    }

    /// A server for these `initialize` parameters, reading its configuration from `config`.
    fn start_with(params: Value, config: ConfigSource) -> Client {
        let (server_side, conn) = Connection::memory();
        let server = std::thread::spawn(move || rotlint::lsp::serve_with(&server_side, options(), config));
        let mut client = Client { conn, server, next_id: 0, pending: Vec::new(), asked: Vec::new(), init: Value::Null };
        let init = client.request("initialize", params);
        client.init = init.response_result.expect("initialize result");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&self, message: Message) {
        self.conn.sender.send(message).expect("server is listening");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.into(), params).into());
        loop {
            match self.conn.receiver.recv_timeout(PATIENCE).expect("a response") {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.pending.push(n),
                Message::Request(r) => self.asked.push(r),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next `publishDiagnostics` (for any document).
    fn publish(&mut self) -> Value {
        if let Some(i) = self.pending.iter().position(|n| n.method == "textDocument/publishDiagnostics") {
            return self.pending.remove(i).params;
        }
        loop {
            match self.conn.receiver.recv_timeout(PATIENCE).expect("a notification") {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => return n.params,
                Message::Notification(_) => {}
                Message::Request(r) => self.asked.push(r),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": "yaml", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}));
    }

    fn finish(mut self) -> bool {
        let r = self.request("shutdown", Value::Null);
        assert!(r.response_result.is_ok(), "{r:?}");
        self.notify("exit", Value::Null);
        self.server.join().expect("server thread").expect("clean protocol")
    }
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(rel)
}

fn uri(path: &Path) -> String {
    let text = path.to_str().expect("UTF-8 path");
    assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._".contains(&b)), "{text}");
    format!("file://{text}")
}

fn codes(published: &Value) -> Vec<String> {
    let list = published["diagnostics"].as_array().expect("diagnostics");
    list.iter().map(|d| d["code"].as_str().expect("code").to_owned()).collect()
}

#[test]
fn open_change_code_action_close_and_shutdown() {
    let mut client = Client::start(&["utf-16", "utf-32"]);
    let caps = &client.init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-32");
    assert_eq!(caps["textDocumentSync"], 1);
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix", "source.fixAll.rotlint"]));
    assert_eq!(caps["hoverProvider"], true);
    // A client that cannot pull gets pushed diagnostics, and no diagnostic provider.
    assert!(caps["diagnosticProvider"].is_null(), "{caps}");

    let path = testdata("fix/block-set.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let u = uri(&path);
    client.open(&u, &text);
    let first = client.publish();
    assert_eq!(first["uri"], u.as_str());
    assert_eq!(first["version"], 1);
    assert_eq!(codes(&first), ["RL003", "RL104", "RL003"]);
    let rl104 = &first["diagnostics"][1];
    assert_eq!(rl104["severity"], 1);
    assert_eq!(rl104["source"], "rotlint");
    assert_eq!(rl104["codeDescription"]["href"], "https://github.com/rotlint/rotlint/blob/main/rules/RL104.md");
    // `VpcEndpointType: 'Gateway'`, line 8 column 24 (1-based) for 9 characters.
    assert_eq!(rl104["range"], json!({"start": {"line": 7, "character": 23}, "end": {"line": 7, "character": 32}}));

    // The quick fix of RL104, labelled, and the suppression, on the finding's range.
    let params = json!({"textDocument": {"uri": u}, "range": rl104["range"], "context": {"diagnostics": [rl104]}});
    let actions = client.request("textDocument/codeAction", params).response_result.expect("actions");
    let titles: Vec<&str> =
        actions.as_array().expect("list").iter().map(|a| a["title"].as_str().expect("title")).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("RL104: ") && titles[0].ends_with("(safe fix)"), "{titles:?}");
    assert!(titles[1].starts_with("Suppress RL104 here"), "{titles:?}");
    let edits = &actions[0]["edit"]["changes"][u.as_str()];
    assert_eq!(edits[0]["newText"], "'Interface'");
    assert_eq!(edits[0]["range"], rl104["range"]);
    let suppress = &actions[1]["edit"]["changes"][u.as_str()][0];
    assert_eq!(suppress["newText"], "      # rotlint-ignore RL104: \n");
    // Fix all: the safe fixes of the document, asked for by kind, whatever the range.
    let params = json!({"textDocument": {"uri": u}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}});
    let all = client.request("textDocument/codeAction", params).response_result.expect("actions");
    assert_eq!(all.as_array().expect("list").len(), 1, "{all}");
    assert_eq!(all[0]["kind"], "source.fixAll.rotlint");
    assert_eq!(all[0]["edit"]["changes"][u.as_str()], actions[0]["edit"]["changes"][u.as_str()]);
    // `only` filters by kind.
    let params = json!({"textDocument": {"uri": u}, "range": rl104["range"], "context": {"diagnostics": [], "only": ["refactor"]}});
    assert_eq!(client.request("textDocument/codeAction", params).response_result.ok(), Some(json!([])));

    // Two changes in a row: the unsaved buffer replaces the disk text; the last one wins.
    let fixed = text.replace("'Gateway'", "'Interface'");
    for (version, body) in [(2, "Resources: [unclosed\n"), (3, fixed.as_str())] {
        let change = json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": body}]});
        client.notify("textDocument/didChange", change);
    }
    let mut latest = client.publish();
    while latest["version"] != 3 {
        latest = client.publish();
    }
    assert_eq!(codes(&latest), ["RL003", "RL003"]);

    // An unparsable buffer gets RL001 at the parser's position.
    let change =
        json!({"textDocument": {"uri": u, "version": 4}, "contentChanges": [{"text": "Resources:\n  A: [unclosed\n"}]});
    client.notify("textDocument/didChange", change);
    let broken = client.publish();
    assert_eq!(codes(&broken), ["RL001"]);

    client.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    let closed = client.publish();
    assert_eq!(closed["uri"], u.as_str());
    assert_eq!(closed["diagnostics"], json!([]));
    assert!(client.finish());
}

#[test]
fn utf16_is_the_default_and_counts_surrogate_pairs() {
    let mut client = Client::start(&[]);
    assert_eq!(client.init["capabilities"]["positionEncoding"], "utf-16");
    // An emoji before the unresolved reference on its line: two UTF-16 units, one scalar value.
    let text =
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {Tags: [{Key: \"😀\", Value: !Ref Nope}]}\n";
    client.open("untitled:Untitled-1", text);
    let published = client.publish();
    assert_eq!(codes(&published), ["RL003"]);
    let col = text.lines().nth(3).expect("line").split("Nope").next().expect("prefix").chars().count() as u64;
    assert_eq!(published["diagnostics"][0]["range"]["start"]["line"], 3);
    assert_eq!(published["diagnostics"][0]["range"]["start"]["character"], col + 1);
    let params = json!({"textDocument": {"uri": "file:///nowhere.yaml"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}});
    assert_eq!(client.request("textDocument/codeAction", params).response_result.ok(), Some(json!([])));
    assert!(client.request("textDocument/hover", json!({})).response_result.is_err());
    assert!(client.finish());
}

/// Every template of `testdata/`, opened alone: its published diagnostics are the engine's
/// unsuppressed findings for that file (rule, range, message, related locations), with ranges
/// from the engine's own line index (1-based columns in scalar values, so utf-32 minus one).
#[test]
fn parity_with_the_engine_on_every_testdata_template() {
    let mut files = Vec::new();
    let mut stack = vec![testdata("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "json")) {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 200, "{}", files.len());
    let mut client = Client::start(&["utf-32"]);
    let (mut compared, mut with_findings) = (0, 0);
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).expect("fixture");
        let u = uri(path);
        client.open(&u, &text);
        // Every opened document is published once, findings or not (clearing what a client may
        // still show from before).
        let expected = engine(path);
        with_findings += usize::from(!expected.is_empty());
        let p = client.publish();
        assert_eq!(p["uri"], u.as_str());
        let got: Vec<Value> = p["diagnostics"].as_array().expect("list").iter().map(summary).collect();
        assert_eq!(got, expected, "{}", path.display());
        compared += 1;
        client.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        let cleared = client.publish();
        assert_eq!((&cleared["uri"], &cleared["diagnostics"]), (&json!(u), &json!([])), "{i}");
    }
    assert!(client.finish());
    assert_eq!(compared, files.len());
    assert!(with_findings > 150, "{with_findings}");
}

/// (rule, range, message, related) of an LSP diagnostic.
fn summary(d: &Value) -> Value {
    let related: Vec<Value> = d["relatedInformation"]
        .as_array()
        .map(|r| r.iter().map(|i| json!([i["location"]["uri"], i["location"]["range"]["start"]])).collect())
        .unwrap_or_default();
    json!([d["code"], d["range"], d["message"], related])
}

fn engine(path: &Path) -> Vec<Value> {
    let result = lint::lint_paths(&[path.to_path_buf()], &options()).expect("lint");
    let pos = |file: rotlint::diagnostic::FileId, offset: u32| {
        let (line, col) = result.file(file).expect("file").line_col(offset);
        json!({"line": line - 1, "character": col - 1})
    };
    result
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| {
            let f = d.primary.file;
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    let file = &result.file(r.file).expect("file").path;
                    json!([uri(&std::fs::canonicalize(file).expect("exists")), pos(r.file, r.span.start)])
                })
                .collect();
            let range = json!({"start": pos(f, d.primary.span.start), "end": pos(f, d.primary.span.end)});
            json!([d.rule, range, rotlint::report::escape::human(&d.message), related])
        })
        .collect()
}

/// Malformed and unknown messages never crash the dispatcher, and every request is answered
/// exactly once.
#[test]
fn malformed_and_unknown_messages_are_survived() {
    let mut client = Client::start(&["utf-32"]);
    let junk = [
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": null}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": 5}}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///x.yaml", "version": 1}, "contentChanges": [{"text": "a"}]}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": "file:///never-opened.yaml"}}}),
        json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 99}}),
        json!({"jsonrpc": "2.0", "method": "no/such/notification", "params": [1, 2, 3]}),
        json!({"jsonrpc": "2.0", "id": 7, "result": null}),
    ];
    for j in junk {
        client.send(serde_json::from_value(j).expect("a message"));
    }
    for (method, params) in [
        ("textDocument/codeAction", json!({"textDocument": {}})),
        ("textDocument/codeAction", json!("text")),
        ("workspace/symbol", json!({"query": ""})),
    ] {
        let r = client.request(method, params);
        assert!(r.response_result.is_err(), "{method}: {r:?}");
    }
    assert!(client.pending.iter().all(|n| n.method != "textDocument/publishDiagnostics"), "{:?}", client.pending);
    assert!(client.finish());
}

fn frame(message: &Value) -> Vec<u8> {
    let body = serde_json::to_string(message).expect("JSON");
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_frame(reader: &mut impl BufRead) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).expect("header") > 0, "server closed its output");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = Some(n.parse::<usize>().expect("length"));
        }
    }
    let mut body = vec![0; length.expect("Content-Length")];
    reader.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("JSON body")
}

/// The built binary over standard input and output, with Content-Length framing: the published
/// diagnostics of a fixture are `--format json`'s findings for it.
#[test]
fn the_binary_speaks_lsp_over_stdio() {
    let path = testdata("RL108/fail/egress-only-postgres.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .arg("lsp")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let u = uri(&path);
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    input.write_all(&frame(&init)).expect("write");
    let answer = read_frame(&mut output);
    assert_eq!(answer["id"], 1);
    assert_eq!(answer["result"]["serverInfo"]["name"], "rotlint");
    for message in [
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}}),
    ] {
        input.write_all(&frame(&message)).expect("write");
    }
    let published = read_frame(&mut output);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    let got: Vec<(String, u64, u64, String)> = published["params"]["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            let (line, ch) = (start["line"].as_u64().expect("line"), start["character"].as_u64().expect("char"));
            (
                d["code"].as_str().expect("code").to_owned(),
                line + 1,
                ch + 1,
                d["message"].as_str().expect("m").to_owned(),
            )
        })
        .collect();
    let json =
        Command::new(env!("CARGO_BIN_EXE_rotlint")).args(["--format", "json"]).arg(&path).output().expect("runs");
    let report: Value = serde_json::from_slice(&json.stdout).expect("JSON report");
    let want: Vec<(String, u64, u64, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            let s = |k: &str| f[k].as_str().expect(k).to_owned();
            (s("rule"), f["line"].as_u64().expect("line"), f["column"].as_u64().expect("col"), s("message"))
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    input.write_all(&frame(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))).expect("write");
    assert_eq!(read_frame(&mut output)["id"], 2);
    input.write_all(&frame(&json!({"jsonrpc": "2.0", "method": "exit"}))).expect("write");
    drop(input);
    assert_eq!(child.wait().expect("exits").code(), Some(0));
}

/// Open stacks form one world: the importer's finding explains itself with hops in the exporter,
/// and an edit to the exporter re-publishes the importer in the same cycle.
#[test]
fn an_edit_to_an_exporting_stack_republishes_its_importer() {
    let mut client = Client::start(&["utf-32"]);
    let app = testdata("cross-stack/broken/app.yaml");
    let network = testdata("cross-stack/broken/network.yaml");
    let (app_uri, network_uri) = (uri(&app), uri(&network));
    client.open(&app_uri, &std::fs::read_to_string(&app).expect("fixture"));
    client.open(&network_uri, &std::fs::read_to_string(&network).expect("fixture"));
    let mut first = BTreeMap::new();
    for _ in 0..2 {
        let p = client.publish();
        first.insert(p["uri"].as_str().expect("uri").to_owned(), p);
    }
    let app_first = &first[&app_uri];
    assert_eq!(codes(app_first), ["RL101"]);
    let related = app_first["diagnostics"][0]["relatedInformation"].as_array().expect("a path");
    assert!(related.iter().any(|r| r["location"]["uri"] == network_uri.as_str()), "{related:?}");
    assert_eq!(first[&network_uri]["diagnostics"], json!([]));

    // The network stack gets its endpoint (unsaved): the importer's RL101 goes away.
    let good = std::fs::read_to_string(testdata("cross-stack/good/network.yaml")).expect("fixture");
    let change = json!({"textDocument": {"uri": network_uri, "version": 2}, "contentChanges": [{"text": good}]});
    client.notify("textDocument/didChange", change);
    let republished = client.publish();
    assert_eq!(republished["uri"], app_uri.as_str());
    assert_eq!(republished["diagnostics"], json!([]));
    assert!(client.finish());
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rotlint-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(std::fs::canonicalize(&dir).expect("canonical"))
    }

    fn copy(&self, from: &str, name: &str) -> PathBuf {
        let to = self.0.join(name);
        std::fs::copy(testdata(from), &to).expect("copy");
        to
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn item_codes(list: &Value) -> Vec<String> {
    list.as_array().expect("list").iter().map(|d| d["code"].as_str().expect("code").to_owned()).collect()
}

/// The engine's findings for `file` when it is linted together with `paths` (a directory run).
fn engine_in(paths: &[PathBuf], file: &Path) -> Vec<Value> {
    let result = lint::lint_paths(paths, &options()).expect("lint");
    let pos = |id: rotlint::diagnostic::FileId, offset: u32| {
        let (line, col) = result.file(id).expect("file").line_col(offset);
        json!({"line": line - 1, "character": col - 1})
    };
    result
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none() && result.file(d.primary.file).is_some_and(|f| f.path == file))
        .map(|d| {
            let f = d.primary.file;
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| json!([uri(&result.file(r.file).expect("file").path), pos(r.file, r.span.start)]))
                .collect();
            let range = json!({"start": pos(f, d.primary.span.start), "end": pos(f, d.primary.span.end)});
            json!([d.rule, range, rotlint::report::escape::human(&d.message), related])
        })
        .collect()
}

/// A client that pulls (`textDocument/diagnostic`) gets full reports, `unchanged` for a result
/// it holds, never a push; when an edit to an exporter changes an importer, it is asked to pull
/// again (`workspace/diagnostic/refresh`) and the importer's next report is new.
#[test]
fn pull_clients_get_reports_and_a_refresh_when_an_importer_changes() {
    let caps = json!({
        "general": {"positionEncodings": ["utf-32"]},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    let mut client = Client::start_with(json!({"capabilities": caps}), ConfigSource::default());
    let provider = &client.init["capabilities"]["diagnosticProvider"];
    assert_eq!((&provider["interFileDependencies"], &provider["workspaceDiagnostics"]), (&json!(true), &json!(false)));
    let app = testdata("cross-stack/broken/app.yaml");
    let network = testdata("cross-stack/broken/network.yaml");
    let (app_uri, network_uri) = (uri(&app), uri(&network));
    client.open(&app_uri, &std::fs::read_to_string(&app).expect("fixture"));
    client.open(&network_uri, &std::fs::read_to_string(&network).expect("fixture"));
    let pull = |client: &mut Client, u: &str, previous: Value| {
        let params = json!({"textDocument": {"uri": u}, "previousResultId": previous});
        client.request("textDocument/diagnostic", params).response_result.expect("a report")
    };
    let first = pull(&mut client, &app_uri, Value::Null);
    assert_eq!(first["kind"], "full");
    assert_eq!(item_codes(&first["items"]), ["RL101"]);
    let id = first["resultId"].clone();
    assert_eq!(pull(&mut client, &app_uri, id.clone()), json!({"kind": "unchanged", "resultId": id}));
    assert_eq!(item_codes(&pull(&mut client, &network_uri, Value::Null)["items"]), Vec::<String>::new());
    assert!(client.asked.is_empty(), "{:?}", client.asked);

    let good = std::fs::read_to_string(testdata("cross-stack/good/network.yaml")).expect("fixture");
    let change = json!({"textDocument": {"uri": network_uri, "version": 2}, "contentChanges": [{"text": good}]});
    client.notify("textDocument/didChange", change);
    let again = pull(&mut client, &app_uri, id.clone());
    assert_eq!(again["kind"], "full");
    assert_ne!(again["resultId"], id);
    assert_eq!(again["items"], json!([]));
    let methods: Vec<&str> = client.asked.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["workspace/diagnostic/refresh"]);
    assert!(client.pending.iter().all(|n| n.method != "textDocument/publishDiagnostics"), "{:?}", client.pending);
    assert!(client.finish());
}

/// Hover on a rotation function (its key or its body), or on a resource its verdict goes
/// through that has findings, shows `rotlint paths` for it; on a rule of a suppression comment,
/// the rule's catalog entry; elsewhere nothing.
#[test]
fn hover_on_a_vpc_function_shows_the_services_it_calls() {
    let path = testdata("RL401/fail/sqs-no-endpoint-no-nat.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let u = uri(&path);
    let mut client = Client::start(&["utf-32"]);
    client.open(&u, &text);
    let published = client.publish();
    assert!(codes(&published).contains(&"RL401".to_owned()), "{published}");
    let outcome =
        lint::lint_paths(std::slice::from_ref(&path), &Options { collect_paths: true, ..options() }).expect("lint");
    let paths = rotlint::report::paths::render(&outcome, rotlint::report::paths::Format::Text);
    assert!(paths.contains("function `Worker`") && paths.contains("SQS"), "{paths}");
    let line = text.lines().position(|l| l == "  Worker:").expect("Worker") as u64;
    let params = json!({"textDocument": {"uri": u}, "position": {"line": line, "character": 4}});
    let hover = client.request("textDocument/hover", params).response_result.expect("a hover");
    assert_eq!(hover["contents"]["value"], format!("**rotlint paths** for `Worker`\n\n```text\n{paths}```"));
}

#[test]
fn hover_shows_paths_on_resources_and_rule_summaries_on_suppressions() {
    let path = testdata("RL108/fail/egress-only-postgres.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let u = uri(&path);
    let mut client = Client::start(&["utf-32"]);
    client.open(&u, &text);
    let published = client.publish();
    assert!(codes(&published).contains(&"RL108".to_owned()), "{published}");
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l == needle).expect(needle) as u64;
    let hover = |client: &mut Client, line: u64, character: u64| {
        let params = json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character}});
        client.request("textDocument/hover", params).response_result.expect("a hover or null")
    };
    let outcome =
        lint::lint_paths(std::slice::from_ref(&path), &Options { collect_paths: true, ..options() }).expect("lint");
    let paths = rotlint::report::paths::render(&outcome, rotlint::report::paths::Format::Text);
    assert!(paths.contains("rotation function `RotationFunction`"), "{paths}");
    let function = line_of(&text, "  RotationFunction:");
    let on_key = hover(&mut client, function, 5);
    assert_eq!(on_key["contents"]["kind"], "markdown");
    assert_eq!(on_key["contents"]["value"], format!("**rotlint paths** for `RotationFunction`\n\n```text\n{paths}```"));
    assert_eq!(
        on_key["range"],
        json!({"start": {"line": function, "character": 2}, "end": {"line": function, "character": 18}})
    );
    let in_body = hover(&mut client, function + 2, 8);
    assert_eq!(in_body["contents"], on_key["contents"]);
    // The function's security group (where RL108 is) is a hop of the same verdicts.
    let group = line_of(&text, "  RotationFunctionSecurityGroup:");
    let on_group = hover(&mut client, group + 4, 8);
    assert_eq!(
        on_group["contents"]["value"],
        format!("**rotlint paths** for `RotationFunctionSecurityGroup`\n\n```text\n{paths}```")
    );
    // The template's first resource has no finding; a line outside `Resources` is no resource.
    assert_eq!(hover(&mut client, line_of(&text, "  Vpc:"), 3), Value::Null);
    assert_eq!(hover(&mut client, 0, 0), Value::Null);

    // A suppression comment: each rule of its list, by id or name, shows its catalog entry.
    let rl108 = rotlint::catalog::by_id("RL108").expect("RL108");
    let comment = format!("  # rotlint-ignore RL904, {}: audited egress", rl108.name);
    let edited =
        text.replace("  RotationFunctionSecurityGroup:\n", &format!("{comment}\n  RotationFunctionSecurityGroup:\n"));
    let change = json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": edited}]});
    client.notify("textDocument/didChange", change);
    let at = comment.find(rl108.name).expect("name") as u64;
    let on_name = hover(&mut client, group, at + 3);
    let value = on_name["contents"]["value"].as_str().expect("markdown");
    assert!(value.starts_with(&format!("**RL108** `{}` (", rl108.name)), "{value}");
    assert!(value.contains(rl108.summary), "{value}");
    assert!(value.contains("(https://github.com/rotlint/rotlint/blob/main/rules/RL108.md)"), "{value}");
    let end = at + rl108.name.len() as u64;
    assert_eq!(
        on_name["range"],
        json!({"start": {"line": group, "character": at}, "end": {"line": group, "character": end}})
    );
    let on_id = hover(&mut client, group, comment.find("RL904").expect("id") as u64);
    assert!(
        on_id["contents"]["value"].as_str().expect("markdown").starts_with("**RL904** `unused-suppression` (warning)")
    );
    // The reason is not a rule.
    assert_eq!(hover(&mut client, group, comment.find("audited").expect("reason") as u64 + 2), Value::Null);
    assert!(client.finish());
}

/// `.rotlint.toml` is watched (dynamic registration); a change, a save or a deletion reads it
/// again and re-lints the open documents; a file that does not parse keeps the previous one.
#[test]
fn a_changed_rotlint_toml_is_read_again() {
    let dir = Scratch::new("config");
    let template = dir.copy("RL108/fail/egress-only-postgres.yaml", "t.yaml");
    let config = dir.0.join(".rotlint.toml");
    std::fs::write(&config, "").expect("write");
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let source = ConfigSource { explicit: None, start: dir.0.clone() };
    let mut client = Client::start_with(json!({"capabilities": caps}), source);
    client.open(&uri(&template), &std::fs::read_to_string(&template).expect("copy"));
    let before = codes(&client.publish());
    assert!(before.contains(&"RL108".to_owned()), "{before:?}");
    let registration = client.asked.iter().find(|r| r.method == "client/registerCapability").expect("registered");
    let r = &registration.params["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(r["registerOptions"]["watchers"][0]["globPattern"], "**/.rotlint.toml");

    std::fs::write(&config, "[rules]\nRL108 = \"off\"\n").expect("write");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&config), "type": 2}]}));
    let off = codes(&client.publish());
    let without: Vec<String> = before.iter().filter(|c| *c != "RL108").cloned().collect();
    assert_eq!(off, without);

    // Broken: the previous configuration stays, and the client is told.
    std::fs::write(&config, "[rules\n").expect("write");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(&config)}}));
    let params = json!({"textDocument": {"uri": uri(&template)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}});
    client.request("textDocument/codeAction", params);
    assert!(client.pending.iter().any(|n| n.method == "window/logMessage"), "{:?}", client.pending);
    assert!(client.pending.iter().all(|n| n.method != "textDocument/publishDiagnostics"), "{:?}", client.pending);

    // Deleted: the defaults (no other `.rotlint.toml` above the temporary directory).
    std::fs::remove_file(&config).expect("remove");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&config), "type": 3}]}));
    assert_eq!(codes(&client.publish()), before);
    assert!(client.finish());
}

/// With a workspace folder, an open importer whose exporter is not open resolves against the
/// exporter on disk, as a directory run does; an open buffer of the exporter replaces its disk
/// text, so an edit to it re-publishes the importer in the same cycle, and closing it goes back to
/// the disk text. A nested stack's local template is read the same way.
#[test]
fn closed_workspace_stacks_resolve_and_open_ones_override_them() {
    let dir = Scratch::new("world");
    let app = dir.copy("cross-stack/broken/app.yaml", "app.yaml");
    let network = dir.copy("cross-stack/broken/network.yaml", "network.yaml");
    let nested = Scratch::new("nested");
    let parent = nested.copy("nested-stack/broken/app.yaml", "app.yaml");
    nested.copy("nested-stack/broken/network.yaml", "network.yaml");
    let start = |root: &Path| {
        let params = json!({"rootUri": uri(root), "capabilities": {"general": {"positionEncodings": ["utf-32"]}}});
        Client::start_with(params, ConfigSource { explicit: None, start: root.to_path_buf() })
    };
    let mut client = start(&dir.0);
    let (app_uri, network_uri) = (uri(&app), uri(&network));
    client.open(&app_uri, &std::fs::read_to_string(&app).expect("copy"));
    let first = client.publish();
    let want = engine_in(std::slice::from_ref(&dir.0), &app);
    assert_eq!(first["diagnostics"].as_array().expect("list").iter().map(summary).collect::<Vec<_>>(), want);
    assert_eq!(codes(&first), ["RL101"]);
    let related = first["diagnostics"][0]["relatedInformation"].as_array().expect("a path");
    assert!(related.iter().any(|r| r["location"]["uri"] == network_uri.as_str()), "{related:?}");

    // The exporter opens as on disk (nothing changes for the importer), then is edited.
    client.open(&network_uri, &std::fs::read_to_string(&network).expect("copy"));
    let opened = client.publish();
    assert_eq!((&opened["uri"], &opened["diagnostics"]), (&json!(network_uri), &json!([])));
    let good = std::fs::read_to_string(testdata("cross-stack/good/network.yaml")).expect("fixture");
    let change = json!({"textDocument": {"uri": network_uri, "version": 2}, "contentChanges": [{"text": good}]});
    client.notify("textDocument/didChange", change);
    let republished = client.publish();
    assert_eq!((&republished["uri"], &republished["diagnostics"]), (&json!(app_uri), &json!([])));
    // Closed unsaved: the disk text is the exporter again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": network_uri}}));
    let mut after = BTreeMap::new();
    for _ in 0..2 {
        let p = client.publish();
        after.insert(p["uri"].as_str().expect("uri").to_owned(), p);
    }
    assert_eq!(codes(&after[&app_uri]), ["RL101"]);
    assert_eq!(after[&network_uri]["diagnostics"], json!([]));
    assert!(client.finish());

    let mut client = start(&nested.0);
    client.open(&uri(&parent), &std::fs::read_to_string(&parent).expect("copy"));
    let p = client.publish();
    let got: Vec<Value> = p["diagnostics"].as_array().expect("list").iter().map(summary).collect();
    assert_eq!(got, engine_in(std::slice::from_ref(&nested.0), &parent));
    assert!(!got.is_empty());
    assert!(client.finish());
}

/// The server driven directly: a notification, then the lint a loop iteration ends with; the
/// `publishDiagnostics` sent, by URI.
fn step(server: &mut rotlint::lsp::Server, method: &str, params: Value) -> BTreeMap<String, Value> {
    let mut out = Vec::new();
    server.handle(Notification::new(method.into(), params).into(), &mut out);
    server.flush(&mut out);
    out.into_iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                Some((n.params["uri"].as_str().expect("uri").to_owned(), n.params))
            }
            _ => None,
        })
        .collect()
}

/// An edit lints the edited document's linked group only: of two unrelated open templates, an
/// edit to one neither lints nor re-publishes the other; an edit to an exporter lints and
/// re-publishes its importer.
#[test]
fn an_edit_lints_only_the_documents_linked_to_it() {
    let caps = json!({"general": {"positionEncodings": ["utf-32"]}});
    let params: lsp_types::InitializeParams = serde_json::from_value(json!({"capabilities": caps})).expect("params");
    let (mut server, _) = rotlint::lsp::Server::new(&params, options());
    let files =
        ["RL401/fail/dynamodb-no-gateway.yaml", "cross-stack/broken/app.yaml", "cross-stack/broken/network.yaml"];
    let mut published = BTreeMap::new();
    for name in files {
        let path = testdata(name);
        let doc = json!({"uri": uri(&path), "languageId": "yaml", "version": 1, "text": std::fs::read_to_string(&path).expect("fixture")});
        let mut out = Vec::new();
        server.handle(Notification::new("textDocument/didOpen".into(), json!({"textDocument": doc})).into(), &mut out);
        assert!(out.is_empty());
    }
    let mut out = Vec::new();
    server.flush(&mut out);
    for m in out {
        if let Message::Notification(n) = m {
            published.insert(n.params["uri"].as_str().expect("uri").to_owned(), n.params);
        }
    }
    assert_eq!(published.len(), 3);
    assert_eq!(server.last_linted().len(), 3);
    let (unrelated, app, network) = (testdata(files[0]), testdata(files[1]), testdata(files[2]));
    assert_eq!(codes(&published[&uri(&unrelated)]), ["RL401"]);
    assert_eq!(codes(&published[&uri(&app)]), ["RL101"]);

    // The unrelated template gets a second finding: only it is linted and published.
    let text = std::fs::read_to_string(&unrelated).expect("fixture").replace(
        "Resources:\n",
        "Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref NoSuchParameter}\n",
    );
    let change = json!({"textDocument": {"uri": uri(&unrelated), "version": 2}, "contentChanges": [{"text": text}]});
    let sent = step(&mut server, "textDocument/didChange", change);
    assert_eq!(server.last_linted(), std::slice::from_ref(&unrelated));
    assert_eq!(sent.keys().collect::<Vec<_>>(), [&uri(&unrelated)]);
    assert_eq!(codes(&sent[&uri(&unrelated)]).len(), 2, "{sent:?}");

    // The exporter gets its endpoint: both stacks are linted, the importer's RL101 goes away.
    let good = std::fs::read_to_string(testdata("cross-stack/good/network.yaml")).expect("fixture");
    let change = json!({"textDocument": {"uri": uri(&network), "version": 2}, "contentChanges": [{"text": good}]});
    let sent = step(&mut server, "textDocument/didChange", change);
    assert_eq!(server.last_linted(), [app.clone(), network.clone()]);
    assert_eq!(sent.keys().collect::<Vec<_>>(), [&uri(&app)]);
    assert_eq!(sent[&uri(&app)]["diagnostics"], json!([]));
    let mut out = Vec::new();
    server.handle(Request::new(RequestId::from(1), "shutdown".into(), Value::Null).into(), &mut out);
    assert!(matches!(
        server.handle(Notification::new("exit".into(), Value::Null).into(), &mut out),
        rotlint::lsp::Flow::Exit { clean: true }
    ));
}
