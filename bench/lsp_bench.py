#!/usr/bin/env python3
"""Benchmark `rotlint lsp`: didChange -> publishDiagnostics latency and peak memory.

Spawns the server (default target/release/rotlint), speaks LSP over its standard input and output,
and measures:

1. latency on a large template (bench/gen_big.py, about --lines lines): after a warm-up open, each
   of --edits full-text didChange notifications toggles one trailing resource with an unresolved
   `!Ref` (so every version has different findings and is published); the time from writing the
   change to reading the publishDiagnostics of that version, p50 / p95 / max;
2. peak RSS (VmHWM) of a fresh server with --docs documents open (the testdata templates, in path
   order, cycled if fewer), then the latency of one edit with all of them open (an edit lints
   the edited document's linked group: the documents it imports from, exports to or nests).

Sequential: each edit waits for its publish, so batching never merges two edits. No workspace
folder is sent (nothing is read from disk beyond the opened texts). Writes nothing into the
repository; the generated template goes to a temporary directory.

Usage: bench/lsp_bench.py [--bin target/release/rotlint] [--lines 5000] [--edits 60] [--docs 200]
"""

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

EXTRA = "  BenchExtra:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref NoSuchParameter}\n"


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
        self.next_id = 0
        # A reader thread: the server must never block on a full output pipe while this side
        # is still writing (200 opens produce many publishes).
        self.inbox = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        try:
            while True:
                self.inbox.put(self._read_frame())
        except Exception as e:  # the server closed its output
            self.inbox.put(e)

    def send(self, message):
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        m = self.inbox.get(timeout=120)
        if isinstance(m, Exception):
            raise m
        return m

    def _read_frame(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def wait_publish(self, uri, version):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics":
                p = m["params"]
                if p["uri"] == uri and p.get("version") == version:
                    return p

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def start(binary):
    s = Server(binary)
    s.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {"general": {"positionEncodings": ["utf-32"]}}})
    s.notify("initialized", {})
    return s


def percentile(values, q):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed_edits(server, uri, base, edits, first_version):
    times = []
    version = first_version
    for i in range(edits):
        version += 1
        text = base + EXTRA if i % 2 == 0 else base
        t0 = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
        server.wait_publish(uri, version)
        times.append((time.perf_counter() - t0) * 1000)
    return times, version


def testdata_templates():
    out = []
    for d, _, files in os.walk(os.path.join(ROOT, "testdata")):
        for f in files:
            if f.endswith((".yaml", ".json")):
                out.append(os.path.join(d, f))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/rotlint"))
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=60)
    ap.add_argument("--docs", type=int, default=200)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.yaml")
        # gen_big.py sizes by bytes: about 26 bytes a line in its YAML.
        size_mb = args.lines * 26 / 1e6
        subprocess.run([sys.executable, os.path.join(HERE, "gen_big.py"), "--size-mb", str(size_mb), big], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(big) as f:
            base = f.read()
        lines = base.count("\n")

        s = start(args.bin)
        uri = "file://" + big
        t0 = time.perf_counter()
        s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": base}})
        first = s.wait_publish(uri, 1)
        open_ms = (time.perf_counter() - t0) * 1000
        times, _ = timed_edits(s, uri, base, args.edits, 1)
        rss_big = s.peak_rss_kib()
        s.close()
        print(f"large template: {lines} lines, {len(base)} bytes, {len(first['diagnostics'])} findings")
        print(f"  first open -> publish: {open_ms:.1f} ms")
        print(f"  didChange -> publishDiagnostics over {args.edits} edits: p50 {statistics.median(times):.1f} ms, "
              f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms")
        print(f"  peak RSS: {rss_big / 1024:.1f} MiB")

        files = testdata_templates()
        s = start(args.bin)
        uris = []
        total = 0
        for i in range(args.docs):
            path = files[i % len(files)]
            with open(path) as f:
                text = f.read()
            total += len(text)
            # Cycled files get a distinct URI (a query-free copy name) so each is its own document.
            u = "file://" + path if i < len(files) else f"file://{tmp}/copy{i}-{os.path.basename(path)}"
            uris.append((u, text))
            s.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}})
        # Everything opened is published at least once; a request after the opens is answered
        # after they are linted.
        t0 = time.perf_counter()
        s.request("textDocument/codeAction", {"textDocument": {"uri": uris[0][0]}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})
        settle_ms = (time.perf_counter() - t0) * 1000
        u, text = uris[len(uris) // 2]
        edit_times = []
        version = 1
        for i in range(10):
            version += 1
            body = "Resources:\n" + EXTRA if i % 2 == 0 else text
            t0 = time.perf_counter()
            s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": body}]})
            s.wait_publish(u, version)
            edit_times.append((time.perf_counter() - t0) * 1000)
        rss_many = s.peak_rss_kib()
        s.close()
        print(f"{args.docs} documents open ({total} bytes of testdata templates):")
        print(f"  opens linted by: {settle_ms:.1f} ms after the last didOpen")
        print(f"  one edit with all open -> publish: p50 {statistics.median(edit_times):.1f} ms, max {max(edit_times):.1f} ms")
        print(f"  peak RSS: {rss_many / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
