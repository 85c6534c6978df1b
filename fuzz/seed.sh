#!/usr/bin/env bash
# Copy the testdata fixtures into fuzz/corpus/<target>/ as seeds (fuzz/corpus is gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for target in load lint world; do
  mkdir -p "$ROOT/fuzz/corpus/$target"
  cp "$ROOT"/testdata/*/*/*.yaml "$ROOT"/testdata/*/*/*.json "$ROOT/fuzz/corpus/$target/" 2>/dev/null || true
  cp "$ROOT"/examples/*/*.yaml "$ROOT"/examples/*/*.json "$ROOT/fuzz/corpus/$target/" 2>/dev/null || true
done
# The world target: pairs of stacks that import from each other, joined by its separator line.
mkdir -p "$ROOT/fuzz/corpus/world"
for pair in "$ROOT"/testdata/cross-stack/* "$ROOT"/testdata/nested-stack/*; do
  name="$(basename "$(dirname "$pair")")-$(basename "$pair")"
  # Nested stacks point at ./network.yaml; in the target the second file is stack1.yaml.
  { sed 's#\./network\.yaml#./stack1.yaml#' "$pair/app.yaml"; printf '\n#8<\n'; cat "$pair/network.yaml"; } \
    > "$ROOT/fuzz/corpus/world/$name.yaml"
done
# The guard target: each rule file alone, and each with the Guard test templates after `#8<`.
mkdir -p "$ROOT/fuzz/corpus/guard"
for rules in "$ROOT"/rules/guard/*.guard "$ROOT"/testdata/guard/rules/*.guard; do
  cp "$rules" "$ROOT/fuzz/corpus/guard/"
  for t in "$ROOT"/testdata/guard/templates/*.yaml; do
    { cat "$rules"; printf '\n#8<\n'; cat "$t"; } > "$ROOT/fuzz/corpus/guard/$(basename "$rules" .guard)-$(basename "$t")"
  done
done
