//! Edits on real template text: each case in `testdata/fix/` is an input and its `.fixed` file
//! (the input with the case's edits made, one after another, each derived again on the text the
//! previous one left, as the fix loop does). Every step is also checked for the properties a fix
//! must keep: the new text loads without a parse error, no byte outside the edit spans changed,
//! and deriving the same edit again on the new text finds nothing to do.
//!
//! `ROTLINT_UPDATE_SNAPSHOTS=1 cargo test --test fix` rewrites the `.fixed` files; review the diff.

use std::path::{Path, PathBuf};

use rotlint::diagnostic::FileId;
use rotlint::fix::edit::{Doc, Step, Value, keys};
use rotlint::fix::{Replacement, apply, diff, unchanged_outside};
use rotlint::source::{Limits, Loaded, load_bytes};

enum Op {
    Set(&'static [&'static str], Value),
    SetOrAdd(&'static [&'static str], &'static str, Value),
    Add(Vec<Step<'static>>, &'static str, Value),
    Item(Vec<Step<'static>>, Value),
    /// A resource under the first free logical id from this base.
    Resource(&'static str, Value),
}

fn load(path: &Path, text: &str) -> Loaded {
    load_bytes(FileId(0), path, text.as_bytes(), &Limits::default())
}

fn parse_errors(loaded: &Loaded) -> Vec<String> {
    loaded.diagnostics.iter().filter(|d| d.rule == "RL001" || d.rule == "RL002").map(|d| d.message.clone()).collect()
}

/// The replacements for `op` on `text`; for a resource, also the logical id chosen.
fn derive(path: &Path, text: &str, op: &Op) -> (Option<Vec<Replacement>>, Option<String>) {
    let loaded = load(path, text);
    let doc = Doc::new(&loaded.tree, loaded.format);
    match op {
        Op::Set(path, value) => (doc.set(&keys(path), value), None),
        Op::SetOrAdd(map, key, value) => (doc.set_or_add(&keys(map), key, value), None),
        Op::Add(map, key, value) => (doc.add_entry(map, key, value), None),
        Op::Item(seq, value) => (doc.add_item(seq, value), None),
        Op::Resource(base, body) => {
            let id = doc.fresh_logical_id(base);
            (doc.add_resource(&id, body), Some(id))
        }
    }
}

/// Applies the ops in turn, checking every property; the final text.
fn run_case(path: &Path, ops: &[Op]) -> String {
    let mut text = std::fs::read_to_string(path).expect("fixture");
    for (n, op) in ops.iter().enumerate() {
        let what = format!("{} op {n}", path.display());
        let (reps, id) = derive(path, &text, op);
        let reps = reps.unwrap_or_else(|| panic!("{what}: refused"));
        assert!(!reps.is_empty(), "{what}: nothing to do");
        let new = apply(&text, &reps).unwrap_or_else(|| panic!("{what}: replacements do not apply"));
        assert!(unchanged_outside(&text, &new, &reps), "{what}: bytes outside the edits changed");
        let loaded = load(path, &new);
        assert_eq!(parse_errors(&loaded), Vec::<String>::new(), "{what}: the result does not load:\n{new}");
        if text.contains("\r\n") {
            assert_eq!(new.matches('\n').count(), new.matches("\r\n").count(), "{what}: a bare LF in a CRLF file");
        }
        match (op, id) {
            (Op::Resource(..), Some(id)) => {
                let doc = Doc::new(&loaded.tree, loaded.format);
                assert_eq!(
                    doc.add_resource(&id, &Value::map([("Type", Value::str("X"))])),
                    None,
                    "{what}: {id} not added"
                );
                let root = loaded.tree.root.expect("root");
                let resources = loaded.tree.get(root, "Resources").expect("Resources");
                assert!(loaded.tree.get(resources, &id).is_some(), "{what}: {id} missing");
            }
            _ => assert_eq!(derive(path, &new, op).0, Some(Vec::new()), "{what}: a second pass still edits"),
        }
        text = new;
    }
    text
}

fn fixed_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().and_then(|s| s.to_str()).expect("stem");
    let ext = input.extension().and_then(|s| s.to_str()).expect("extension");
    input.with_file_name(format!("{stem}.fixed.{ext}"))
}

fn check(name: &str, ops: &[Op]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix");
    let input = dir.join(name);
    let got = run_case(&input, ops);
    let fixed = fixed_path(&input);
    if std::env::var_os("ROTLINT_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&fixed, &got).expect("write .fixed");
        return;
    }
    let expected = std::fs::read_to_string(&fixed).unwrap_or_default();
    if got != expected {
        let shown = diff::unified(&fixed.display().to_string(), &expected, &got);
        panic!("{name}: result differs from {} (ROTLINT_UPDATE_SNAPSHOTS=1 to accept)\n{shown}", fixed.display());
    }
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn reference(name: &str) -> Value {
    Value::map([("Ref", s(name))])
}

const ENDPOINT_PROPS: &[&str] = &["Resources", "Endpoint", "Properties"];
const VPC_ACCESS: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

fn path(steps: &[Step<'static>]) -> Vec<Step<'static>> {
    steps.to_vec()
}

fn k(key: &'static str) -> Step<'static> {
    Step::Key(key)
}

fn permission() -> Value {
    Value::map([
        ("Type", s("AWS::Lambda::Permission")),
        (
            "Properties",
            Value::map([
                ("FunctionName", Value::map([("Fn::GetAtt", Value::Seq(vec![s("RotationFunction"), s("Arn")]))])),
                ("Action", s("lambda:InvokeFunction")),
                ("Principal", s("secretsmanager.amazonaws.com")),
            ]),
        ),
    ])
}

#[test]
fn yaml_block_set_keeps_quotes_and_comments() {
    check(
        "block-set.yaml",
        &[
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::Set(&["Resources", "Endpoint", "Properties", "VpcEndpointType"], s("Interface")),
        ],
    );
}

#[test]
fn yaml_block_add_entry_and_items() {
    check(
        "block-add.yaml",
        &[
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::SetOrAdd(ENDPOINT_PROPS, "VpcEndpointType", s("Interface")),
            Op::Item(path(&[k("Resources"), k("Role"), k("Properties"), k("ManagedPolicyArns")]), s(VPC_ACCESS)),
            Op::Add(
                path(&[k("Resources"), k("Role"), k("Properties"), k("AssumeRolePolicyDocument")]),
                "Version",
                s("2012-10-17"),
            ),
        ],
    );
}

#[test]
fn yaml_block_sequence_of_mappings() {
    let rule = Value::map([
        ("IpProtocol", s("tcp")),
        ("FromPort", Value::num(5432)),
        ("ToPort", Value::num(5432)),
        ("SourceSecurityGroupId", reference("FunctionSecurityGroup")),
    ]);
    check(
        "block-item.yaml",
        &[
            Op::Item(path(&[k("Resources"), k("DbSecurityGroup"), k("Properties"), k("SecurityGroupIngress")]), rule),
            Op::Set(&["Resources", "Function", "Properties", "Timeout"], Value::num(30)),
        ],
    );
}

#[test]
fn yaml_flow_collections() {
    let role = |key: &'static str| path(&[k("Resources"), k("Role"), k("Properties"), k(key)]);
    check(
        "flow.yaml",
        &[
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::Item(role("ManagedPolicyArns"), s(VPC_ACCESS)),
            Op::Item(role("Tags"), Value::map([("Key", s("team")), ("Value", s("db: core"))])),
            Op::Add(role("AssumeRolePolicyDocument"), "Version", s("2012-10-17")),
        ],
    );
}

#[test]
fn yaml_four_space_indentation() {
    let statement = path(&[k("Resources"), k("Role"), k("Properties"), k("AssumeRolePolicyDocument"), k("Statement")]);
    let mut first = statement.clone();
    first.push(Step::Index(0));
    check(
        "four-space.yaml",
        &[
            Op::Add(
                path(&[k("Resources"), k("Role"), k("Properties")]),
                "ManagedPolicyArns",
                Value::Seq(vec![s(VPC_ACCESS)]),
            ),
            Op::Add(first, "Sid", s("AssumeFromLambda")),
            Op::Item(
                statement,
                Value::map([
                    ("Effect", s("Allow")),
                    ("Principal", Value::map([("Service", s("edgelambda.amazonaws.com"))])),
                ]),
            ),
        ],
    );
}

#[test]
fn crlf_stays_crlf() {
    check(
        "crlf.yaml",
        &[
            Op::Set(&["Resources", "Endpoint", "Properties", "VpcEndpointType"], s("Interface")),
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::Item(path(&[k("Resources"), k("Endpoint"), k("Properties"), k("SubnetIds")]), reference("SubnetB")),
        ],
    );
}

#[test]
fn a_file_without_a_final_newline_still_ends_without_one() {
    let props = path(&[k("Resources"), k("Function"), k("Properties")]);
    check(
        "no-final-newline.yaml",
        &[
            Op::Set(&["Resources", "Function", "Properties", "Timeout"], Value::num(30)),
            Op::Add(props, "MemorySize", Value::num(256)),
        ],
    );
}

#[test]
fn json_set_and_add() {
    check(
        "json-set.json",
        &[
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::Set(&["Resources", "Function", "Properties", "Timeout"], Value::num(30)),
            Op::Add(path(&[k("Resources"), k("Function"), k("Properties")]), "MemorySize", Value::num(256)),
        ],
    );
}

#[test]
fn json_four_space_indentation() {
    check(
        "json-four-space.json",
        &[
            Op::SetOrAdd(ENDPOINT_PROPS, "PrivateDnsEnabled", Value::Bool(true)),
            Op::Add(
                path(&[k("Resources"), k("Endpoint"), k("Properties")]),
                "SecurityGroupIds",
                Value::Seq(vec![reference("Sg")]),
            ),
            Op::Item(path(&[k("Resources"), k("Endpoint"), k("Properties"), k("SubnetIds")]), reference("SubnetB")),
        ],
    );
}

#[test]
fn json_tabs_and_crlf() {
    check(
        "json-tab-crlf.json",
        &[
            Op::Item(path(&[k("Resources"), k("Role"), k("Properties"), k("ManagedPolicyArns")]), s(VPC_ACCESS)),
            Op::Add(path(&[k("Resources"), k("Role"), k("Properties")]), "Path", s("/")),
            Op::Resource("RotationLambdaPermission", permission()),
        ],
    );
}

#[test]
fn yaml_resource_at_the_end_of_resources() {
    check("resource.yaml", &[Op::Resource("RotationLambdaPermission", permission())]);
}

#[test]
fn json_resource_at_the_end_of_resources() {
    check("resource.json", &[Op::Resource("RotationLambdaPermission", permission())]);
}

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        return None;
    }
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e != "tsv") {
                out.push(path);
            }
        }
    }
    out.sort();
    Some(out)
}

#[derive(Debug, Default)]
struct Tally {
    places: usize,
    edited: usize,
    already: usize,
    refused: usize,
}

/// One edit on a corpus file, checked: the result loads with no parse finding, only the edit
/// spans changed, a second derivation does nothing, and `check` accepts the new tree.
fn corpus_edit(
    path: &Path,
    loaded: &Loaded,
    what: &str,
    tally: &mut Tally,
    failures: &mut Vec<String>,
    derive: impl Fn(&Doc) -> Option<Vec<Replacement>>,
    check: impl Fn(&Loaded) -> bool,
) {
    tally.places += 1;
    let text: &str = &loaded.tree.source;
    let Some(reps) = derive(&Doc::new(&loaded.tree, loaded.format)) else {
        eprintln!("  refused ({what}): {}", path.file_name().unwrap_or_default().to_string_lossy());
        tally.refused += 1;
        return;
    };
    if reps.is_empty() {
        tally.already += 1;
        return;
    }
    tally.edited += 1;
    let name = path.display();
    let Some(new) = apply(text, &reps) else {
        failures.push(format!("{name}: replacements do not apply"));
        return;
    };
    if !unchanged_outside(text, &new, &reps) {
        failures.push(format!("{name}: bytes outside the edit changed"));
    }
    let after = load(path, &new);
    let errors = parse_errors(&after);
    if !errors.is_empty() || after.tree.root.is_none() {
        failures.push(format!("{name}: no longer loads: {errors:?}\n{}", diff::unified("f", text, &new)));
        return;
    }
    if !check(&after) {
        failures.push(format!("{name}: the edit does not read back"));
    }
    if derive(&Doc::new(&after.tree, after.format)) != Some(Vec::new()) {
        failures.push(format!("{name}: a second pass still edits"));
    }
}

/// Over the whole corpus: `PrivateDnsEnabled: true` on every VPC endpoint, `Timeout: 30` on every
/// Lambda function, and a new permission resource in every template with a `Resources` mapping.
/// Each edit is made alone on the file as it is. Files that do not load cleanly are skipped.
#[test]
fn corpus_edits_keep_templates_loading() {
    let Some(files) = corpus_files() else {
        eprintln!("../shared/corpus is absent: corpus fix test skipped");
        return;
    };
    let (mut dns, mut timeout, mut resource) = (Tally::default(), Tally::default(), Tally::default());
    let mut failures = Vec::new();
    let mut skipped = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let loaded = load(path, &text);
        let tree = &loaded.tree;
        let resources = tree.root.and_then(|root| tree.get(root, "Resources")).filter(|&r| tree.is_map(r));
        let Some(resources) = resources.filter(|_| parse_errors(&loaded).is_empty()) else {
            skipped += 1;
            continue;
        };
        for pair in tree.map(resources) {
            let id = tree.key(pair).to_owned();
            let type_name = tree.get(pair.value, "Type").and_then(|t| tree.scalar(t)).unwrap_or_default().to_owned();
            let read = |l: &Loaded, key: &str| {
                let t = &l.tree;
                let value = t.root.and_then(|r| t.get(r, "Resources")).and_then(|r| t.get(r, &id));
                let value = value.and_then(|v| t.get(v, "Properties")).and_then(|p| t.get(p, key));
                value.and_then(|v| t.scalar(v)).map(str::to_owned)
            };
            let (tally, key, value) = match type_name.as_str() {
                "AWS::EC2::VPCEndpoint" => (&mut dns, "PrivateDnsEnabled", Value::Bool(true)),
                "AWS::Lambda::Function" | "AWS::Serverless::Function" => (&mut timeout, "Timeout", Value::num(30)),
                _ => continue,
            };
            let expected = value.clone();
            corpus_edit(
                path,
                &loaded,
                key,
                tally,
                &mut failures,
                |doc| {
                    let resource = [Step::Key("Resources"), Step::Key(&id)];
                    let mut props = resource.to_vec();
                    props.push(Step::Key("Properties"));
                    match doc.set_or_add(&props, key, &value) {
                        None if tree.get(pair.value, "Properties").is_none() => {
                            doc.add_entry(&resource, "Properties", &Value::map([(key, value.clone())]))
                        }
                        other => other,
                    }
                },
                |after| {
                    read(after, key).is_some_and(|v| match &expected {
                        Value::Bool(_) => v.eq_ignore_ascii_case("true"),
                        _ => v == "30",
                    })
                },
            );
        }
        let id = Doc::new(tree, loaded.format).fresh_logical_id("RotationLambdaPermission");
        corpus_edit(
            path,
            &loaded,
            "resource",
            &mut resource,
            &mut failures,
            |doc| match doc.add_resource(&id, &permission()) {
                // Once added, the id is taken: "nothing to do" for the second pass.
                None if doc.fresh_logical_id(&id) != id => Some(Vec::new()),
                other => other,
            },
            |after| {
                let t = &after.tree;
                let res = t.root.and_then(|r| t.get(r, "Resources")).and_then(|r| t.get(r, &id));
                res.and_then(|r| t.get(r, "Type")).and_then(|v| t.scalar(v)) == Some("AWS::Lambda::Permission")
            },
        );
    }
    eprintln!("corpus fix: {} files, {skipped} skipped (no clean load or no Resources mapping)", files.len());
    eprintln!("  PrivateDnsEnabled on VPC endpoints: {dns:?}");
    eprintln!("  Timeout on Lambda functions:        {timeout:?}");
    eprintln!("  permission resource added:          {resource:?}");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// The node at `path` (keys and indexes), read the plain way.
fn at_path(tree: &rotlint::source::tree::Tree, path: &[Step]) -> Option<rotlint::source::tree::NodeId> {
    let mut id = tree.root?;
    for step in path {
        id = match *step {
            Step::Key(key) => tree.get(id, key)?,
            Step::Index(index) => *tree.seq(id).get(index)?,
        };
    }
    Some(id)
}

/// The tree at `id` says `value` (scalars compared as text).
fn reads_as(tree: &rotlint::source::tree::Tree, id: rotlint::source::tree::NodeId, value: &Value) -> bool {
    match value {
        Value::Map(entries) => {
            tree.map(id).len() == entries.len()
                && entries.iter().all(|(k, v)| tree.get(id, k).is_some_and(|n| reads_as(tree, n, v)))
        }
        Value::Seq(items) => {
            let nodes = tree.seq(id);
            tree.is_seq(id) && nodes.len() == items.len() && nodes.iter().zip(items).all(|(&n, v)| reads_as(tree, n, v))
        }
        Value::Bool(b) => tree.scalar(id).is_some_and(|t| t.eq_ignore_ascii_case(&b.to_string())),
        Value::Number(n) | Value::String(n) => tree.scalar(id) == Some(n.as_str()),
        Value::Ref(name) => intrinsic(tree, id, "Ref", name),
        Value::Sub(text) => intrinsic(tree, id, "Fn::Sub", text),
    }
}

/// The tree at `id` is the function `key` of the scalar `arg` (short form or not).
fn intrinsic(tree: &rotlint::source::tree::Tree, id: rotlint::source::tree::NodeId, key: &str, arg: &str) -> bool {
    tree.single_entry(id).is_some_and(|(k, v, _)| k == key && tree.scalar(v) == Some(arg))
}

/// Paths to every node down to `depth`, in source order.
fn paths_of<'t>(tree: &'t rotlint::source::tree::Tree, depth: usize) -> Vec<Vec<Step<'t>>> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::new(), tree.root)];
    while let Some((path, Some(id))) = stack.pop() {
        if path.len() < depth {
            for pair in tree.map(id).iter().rev() {
                let mut next: Vec<Step> = path.clone();
                next.push(Step::Key(tree.key(pair)));
                stack.push((next, Some(pair.value)));
            }
            for (index, &item) in tree.seq(id).iter().enumerate().rev() {
                let mut next = path.clone();
                next.push(Step::Index(index));
                stack.push((next, Some(item)));
            }
        }
        out.push(path);
    }
    out
}

/// Every kind of edit at every place of a sample of the corpus: each one made alone, the result
/// must load without a parse finding, change only its spans, read back as the value written, and
/// leave nothing to do on a second pass. Places the editor refuses are counted, not failed
/// (`ROTLINT_SHOW_REFUSED=1` lists them).
#[test]
fn corpus_edits_at_every_place_of_a_sample() {
    let Some(files) = corpus_files() else {
        eprintln!("../shared/corpus is absent: corpus edit sample skipped");
        return;
    };
    let probe =
        Value::map([("Probe", Value::Seq(vec![Value::num(1), s("two words"), Value::map([("K", s("a: b"))])]))]);
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    for path in files.iter().step_by(12) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let loaded = load(path, &text);
        if !parse_errors(&loaded).is_empty() {
            continue;
        }
        let tree = &loaded.tree;
        let doc = Doc::new(tree, loaded.format);
        for place in paths_of(tree, 5).into_iter().step_by(7).take(60) {
            let Some(id) = at_path(tree, &place) else { continue };
            // (edit, the path that must read back, the value it must read back as)
            let (reps, target, expected) = if tree.is_map(id) {
                let mut target = place.clone();
                target.push(Step::Key("RotlintProbe"));
                (doc.add_entry(&place, "RotlintProbe", &probe), target, probe.clone())
            } else if tree.is_seq(id) {
                let mut target = place.clone();
                target.push(Step::Index(tree.seq(id).len()));
                (doc.add_item(&place, &probe), target, probe.clone())
            } else {
                let value = s("probe 'value' \"quoted\"");
                (doc.set(&place, &value), place.clone(), value)
            };
            tally.places += 1;
            let Some(reps) = reps else {
                if std::env::var_os("ROTLINT_SHOW_REFUSED").is_some() {
                    eprintln!("refused {} at {place:?}", path.display());
                }
                tally.refused += 1;
                continue;
            };
            if reps.is_empty() {
                tally.already += 1;
                continue;
            }
            tally.edited += 1;
            let name = format!("{} at {place:?}", path.display());
            let Some(new) = apply(&text, &reps) else {
                failures.push(format!("{name}: replacements do not apply"));
                continue;
            };
            if !unchanged_outside(&text, &new, &reps) {
                failures.push(format!("{name}: bytes outside the edit changed"));
            }
            let after = load(path, &new);
            let errors = parse_errors(&after);
            if !errors.is_empty() {
                failures.push(format!("{name}: no longer loads: {errors:?}\n{}", diff::unified("f", &text, &new)));
                continue;
            }
            if !at_path(&after.tree, &target).is_some_and(|n| reads_as(&after.tree, n, &expected)) {
                failures.push(format!("{name}: does not read back\n{}", diff::unified("f", &text, &new)));
            }
            let again = Doc::new(&after.tree, after.format);
            let second = match &expected {
                Value::String(_) => again.set(&place, &expected),
                _ if tree.is_map(id) => again.add_entry(&place, "RotlintProbe", &probe),
                _ => again.add_item(&place, &probe),
            };
            if second != Some(Vec::new()) {
                failures.push(format!("{name}: a second pass still edits: {second:?}"));
            }
        }
    }
    eprintln!("corpus edit sample: {tally:?}");
    assert!(tally.edited > 1000, "too few edits to mean anything: {tally:?}");
    let shown: Vec<&String> = failures.iter().take(8).collect();
    assert!(failures.is_empty(), "{} failures, first ones:\n{shown:#?}", failures.len());
}

// ---- the fixes rules give, on whole templates ----------------------------------------------------

/// The fixes `rule` gives on `testdata/fix/<name>`, made together by hand: the result is the
/// `.fixed` file, loads without a parse finding, changes no byte outside the edits and keeps CRLF.
/// An applicable fix is also what `--fix --unsafe-fixes` writes: the rule is gone, no finding is
/// new, and a second run changes nothing. A display-only one is never applied.
fn check_rule(name: &str, rule: &str) {
    use rotlint::diagnostic::Applicability;
    use rotlint::fix::session;
    use rotlint::lint::{Options, lint_paths};

    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix").join(name);
    let text = std::fs::read_to_string(&input).expect("fixture");
    let options = Options { threads: Some(1), ..Options::default() };
    let before = lint_paths(std::slice::from_ref(&input), &options).expect("lint");
    let ours: Vec<_> = before.diagnostics.iter().filter(|d| d.rule == rule).collect();
    assert!(!ours.is_empty(), "{name}: {rule} does not fire");
    let fixes: Vec<_> = ours.iter().map(|d| d.fix.as_ref().unwrap_or_else(|| panic!("{name}: no fix"))).collect();
    let reps: Vec<Replacement> =
        fixes.iter().flat_map(|f| f.edits.iter().map(|e| Replacement::new(e.span, e.text.clone()))).collect();
    let by_hand = apply(&text, &reps).unwrap_or_else(|| panic!("{name}: the edits do not apply"));
    assert!(unchanged_outside(&text, &by_hand, &reps), "{name}: bytes outside the edits changed");
    let loaded = load(&input, &by_hand);
    assert_eq!(parse_errors(&loaded), Vec::<String>::new(), "{name}: the result does not load:\n{by_hand}");
    if text.contains("\r\n") {
        assert_eq!(by_hand.matches('\n').count(), by_hand.matches("\r\n").count(), "{name}: a bare LF");
    }

    let outcome = session::run(std::slice::from_ref(&input), &options, true, None).expect("fix");
    if fixes.iter().all(|f| f.applicability == Applicability::DisplayOnly) {
        assert!(outcome.changed.is_empty(), "{name}: a display-only suggestion was applied");
    } else {
        assert!(outcome.restored.is_empty(), "{name}: restored {:?}", outcome.restored);
        assert_eq!(outcome.changed.len(), 1, "{name}");
        assert_eq!(&*outcome.changed[0].fixed, by_hand.as_str(), "{name}: --fix wrote something else");
        let after = &outcome.result;
        assert!(!after.diagnostics.iter().any(|d| d.rule == rule), "{name}: {rule} still fires");
        for d in &after.diagnostics {
            let was = before.diagnostics.iter().filter(|b| b.rule == d.rule).count();
            let now = after.diagnostics.iter().filter(|a| a.rule == d.rule).count();
            assert!(now <= was, "{name}: new {} finding", d.rule);
        }
        let dir = std::env::temp_dir().join(format!("rotlint-fix-rule-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let again = dir.join(name);
        std::fs::write(&again, &by_hand).expect("write");
        let second = session::run(std::slice::from_ref(&again), &options, true, None).expect("fix again");
        assert!(second.changed.is_empty(), "{name}: a second --fix changes the file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    let fixed = fixed_path(&input);
    if std::env::var_os("ROTLINT_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&fixed, &by_hand).expect("write .fixed");
        return;
    }
    let expected = std::fs::read_to_string(&fixed).unwrap_or_default();
    if by_hand != expected {
        let shown = diff::unified(&fixed.display().to_string(), &expected, &by_hand);
        panic!("{name}: result differs from {} (ROTLINT_UPDATE_SNAPSHOTS=1 to accept)\n{shown}", fixed.display());
    }
}

#[test]
fn rl107_ingress_rule_in_every_style() {
    for name in ["rl107-block.yaml", "rl107-flow.yaml", "rl107-crlf.yaml", "rl107-standalone.yaml", "rl107.json"] {
        check_rule(name, "RL107");
    }
}

#[test]
fn rl203_ingress_rule_in_every_style() {
    for name in ["rl203-block.yaml", "rl203-crlf.yaml", "rl203-shared.yaml", "rl203.json"] {
        check_rule(name, "RL203");
    }
}

#[test]
fn rl403_route_table_in_every_style() {
    for name in ["rl403-block.yaml", "rl403-flow.yaml", "rl403-crlf.yaml", "rl403.json"] {
        check_rule(name, "RL403");
    }
    // The same edit for a gateway endpoint missing one of the function's two route tables: a
    // partial path (RL404).
    check_rule("rl404-block.yaml", "RL404");
}

#[test]
fn rl101_endpoint_suggestion_in_every_style() {
    for name in ["rl101.yaml", "rl101-crlf.yaml", "rl101.json"] {
        check_rule(name, "RL101");
    }
}

/// The finding still fires, without a fix, when a place the fix would name comes from a
/// condition, an `Fn::If` or a parameter.
#[test]
fn no_ingress_or_route_fix_through_conditions_or_parameters() {
    use rotlint::lint::{Options, lint_paths};
    let dir = std::env::temp_dir().join(format!("rotlint-fix-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let read = |name: &str| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix").join(name)).expect("read")
    };
    let always = "Conditions:\n  Always: !Equals [a, a]\nResources:\n";
    let rl107 = read("rl107-block.yaml");
    let rl403 = read("rl403-block.yaml");
    let function_groups = "        SecurityGroupIds:\n          - !GetAtt RotationFunctionSecurityGroup.GroupId\n";
    let cases = [
        (
            "function groups in Fn::If",
            "RL107",
            rl107.replacen("Resources:\n", always, 1).replacen(
                function_groups,
                "        SecurityGroupIds: !If [Always, [!Ref RotationFunctionSecurityGroup], [!Ref RotationFunctionSecurityGroup]]\n",
                1,
            ),
        ),
        (
            "function groups from a parameter",
            "RL107",
            rl107
                .replacen("Parameters:\n", "Parameters:\n  FunctionGroup:\n    Type: String\n    Default: sg-0123456789abcdef0\n", 1)
                .replacen(function_groups, "        SecurityGroupIds:\n          - !Ref FunctionGroup\n", 1),
        ),
        (
            "endpoint group under a condition",
            "RL107",
            rl107.replacen("Resources:\n", always, 1).replacen(
                "  SecretsManagerEndpointSecurityGroup:\n",
                "  SecretsManagerEndpointSecurityGroup:\n    Condition: Always\n",
                1,
            ),
        ),
        (
            "route table under a condition",
            "RL403",
            rl403.replacen("Resources:\n", always, 1).replacen("  RoutesB:\n", "  RoutesB:\n    Condition: Always\n", 1),
        ),
    ];
    for (n, (what, rule, text)) in cases.iter().enumerate() {
        assert!(*text != rl107 && *text != rl403, "{what}: the case changes nothing");
        let file = dir.join(format!("case{n}.yaml"));
        std::fs::write(&file, text).expect("write");
        let result = lint_paths(std::slice::from_ref(&file), &Options::default()).expect("lint");
        let ours: Vec<_> = result.diagnostics.iter().filter(|d| d.rule == *rule).collect();
        assert!(!ours.is_empty(), "{what}: {rule} does not fire");
        assert!(ours.iter().all(|d| d.fix.is_none()), "{what}: a fix is offered");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
