#!/usr/bin/env bash
# Copy the testdata fixtures into fuzz/corpus/<target>/ as seeds (fuzz/corpus is gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for target in load lint; do
  mkdir -p "$ROOT/fuzz/corpus/$target"
  cp "$ROOT"/testdata/*/*/*.yaml "$ROOT"/testdata/*/*/*.json "$ROOT/fuzz/corpus/$target/" 2>/dev/null || true
  cp "$ROOT"/examples/*/*.yaml "$ROOT"/examples/*/*.json "$ROOT/fuzz/corpus/$target/" 2>/dev/null || true
done
