#!/usr/bin/env bash
# rotlint benchmark: whole-process timings and peak memory of rotlint against its parse-only floor
# and, when installed, cfn-lint and cfn-guard on the same inputs. Rerunnable; writes nothing into
# the repository. See BENCHMARKS.md for the results and how to read them.
#
# Usage: bench/run.sh [--no-peers] [--quick] [--guard]
#   --no-peers  skip cfn-lint and cfn-guard even if installed
#   --quick     fewer hyperfine runs (smoke test of the script)
#   --guard     only the Guard comparison (issue 21): rotlint alone, rotlint with the bundled
#               policies (rules/guard/), rotlint with the AWS Guard rules registry's rules, and
#               standalone `cfn-guard validate` with the same rule files on the same inputs
# Environment:
#   CORPUS     template corpus (default /work/shared/corpus)
#   CFN_LINT   cfn-lint binary (default /tmp/venv/bin/cfn-lint, then PATH)
#   CFN_GUARD  cfn-guard binary (default /tmp/cfn-guard/bin/cfn-guard, then PATH)
#   OUT        directory for results (default: a new temp dir, printed at the end)
#   PEER_TIMEOUT  seconds one peer invocation may take before it is skipped (default 900)
#   PEERS_BIG  1 to run cfn-lint on the 5 and 10 MB templates too (tens of minutes)
#   BASE_BIN   (--guard) a second rotlint binary, e.g. built from main, measured beside this one
#   GUARD_REGISTRY  (--guard) directory of the registry's rule files (see below); the registry
#              runs are skipped without it. Its corpus run takes many minutes: GUARD_REGISTRY_CORPUS=1
#              to include it.
# Install the peers (optional):
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install cfn-lint
#   cargo install cfn-guard --root /tmp/cfn-guard
# The AWS Guard rules registry's rules (237 Control Tower rule files) as an npm package, which also
# ships a cfn-guard binary (used when no other is installed):
#   (cd /tmp && npm pack @cdklabs/cdk-validator-cfnguard && tar xzf cdklabs-cdk-validator-cfnguard-*.tgz)
#   GUARD_REGISTRY=/tmp/package/rules/control-tower/cfn-guard bench/run.sh --guard
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${CORPUS:-/work/shared/corpus}"
PEERS=1
RUNS=10
BIG_RUNS=5
CORPUS_RUNS=10
GUARD_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --no-peers) PEERS=0 ;;
    --quick) RUNS=3; BIG_RUNS=2; CORPUS_RUNS=3 ;;
    --guard) GUARD_ONLY=1 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
PEER_TIMEOUT="${PEER_TIMEOUT:-900}"

note() { printf '\n== %s\n' "$*" >&2; }
load() { printf 'load: %s\n' "$(uptime | sed 's/.*load average: //')" >&2; }

command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "corpus not found at $CORPUS (set CORPUS=...)" >&2; exit 2; }

note "build"
(cd "$ROOT" && cargo build --release --quiet)
BIN="$ROOT/target/release/rotlint"

WORK="$(mktemp -d -t rotlint-bench.XXXXXX)"
OUT="${OUT:-$WORK/results}"
mkdir -p "$OUT"

note "inputs in $WORK"
SMALL="$ROOT/examples/nat/broken.yaml"
for mb in 1 5 10; do
  python3 "$ROOT/bench/gen_big.py" --size-mb "$mb" "$WORK/big$mb.yaml"
done
# The cfn-lint fixture subset: the corpus files from aws-cloudformation/cfn-lint, sorted, then an
# even stride through them picks 98 (the issue's "98 templates").
SUBSET="$WORK/cfn-lint-98"
mkdir -p "$SUBSET"
awk -F'\t' '$2 == "aws-cloudformation/cfn-lint" { print $1 }' "$CORPUS/MANIFEST.tsv" | sort > "$WORK/cfn-lint-all.txt"
TOTAL=$(wc -l < "$WORK/cfn-lint-all.txt")
WANT=98
if [ "$TOTAL" -lt "$WANT" ]; then
  echo "only $TOTAL cfn-lint fixtures in the corpus; using all of them" >&2
  WANT=$TOTAL
fi
awk -v total="$TOTAL" -v want="$WANT" '{ line[NR] = $0 } END {
  for (i = 0; i < want; i++) print line[int(i * total / want) + 1] }' "$WORK/cfn-lint-all.txt" > "$WORK/cfn-lint-98.txt"
while read -r f; do cp "$CORPUS/$f" "$SUBSET/"; done < "$WORK/cfn-lint-98.txt"
echo "subset: $(ls "$SUBSET" | wc -l) of $TOTAL cfn-lint fixtures, $(du -sb "$SUBSET" | cut -f1) bytes" >&2
CORPUS_FILES=$(find "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) | wc -l)
echo "corpus: $CORPUS_FILES templates, $(du -sb "$CORPUS" | cut -f1) bytes" >&2

# A trivial Guard rule so cfn-guard parses and evaluates every template.
cat > "$WORK/trivial.guard" <<'GUARD'
let functions = Resources.*[ Type == 'AWS::Lambda::Function' ]
rule lambda_has_vpc_config when %functions !empty {
    %functions.Properties.VpcConfig exists
}
GUARD

CFN_LINT="${CFN_LINT:-}"
[ -z "$CFN_LINT" ] && [ -x /tmp/venv/bin/cfn-lint ] && CFN_LINT=/tmp/venv/bin/cfn-lint
[ -z "$CFN_LINT" ] && CFN_LINT="$(command -v cfn-lint || true)"
CFN_GUARD="${CFN_GUARD:-}"
[ -z "$CFN_GUARD" ] && [ -x /tmp/cfn-guard/bin/cfn-guard ] && CFN_GUARD=/tmp/cfn-guard/bin/cfn-guard
[ -z "$CFN_GUARD" ] && CFN_GUARD="$(command -v cfn-guard || true)"
if [ -z "$CFN_GUARD" ] && [ -n "${GUARD_REGISTRY:-}" ] && [ -x "$GUARD_REGISTRY/../../../bin/ubuntu/x86_64/cfn-guard" ]; then
  CFN_GUARD="$(cd "$GUARD_REGISTRY/../../../bin/ubuntu/x86_64" && pwd)/cfn-guard"
fi
if [ "$PEERS" = 0 ]; then CFN_LINT=""; CFN_GUARD=""; fi
[ -n "$CFN_LINT" ] && echo "cfn-lint: $("$CFN_LINT" --version 2>&1)" >&2 || echo "cfn-lint: not installed, skipped" >&2
[ -n "$CFN_GUARD" ] && echo "cfn-guard: $("$CFN_GUARD" --version 2>&1)" >&2 || echo "cfn-guard: not installed, skipped" >&2

# Each case: name, input, rotlint runs. Peers get one run on the slow cases.
CASES=(
  "small|$SMALL|$RUNS"
  "cfn-lint-98|$SUBSET|$RUNS"
  "corpus|$CORPUS|$CORPUS_RUNS"
  "gen-1MB|$WORK/big1.yaml|$BIG_RUNS"
  "gen-5MB|$WORK/big5.yaml|$BIG_RUNS"
  "gen-10MB|$WORK/big10.yaml|$BIG_RUNS"
)

# peer_args TOOL INPUT: the command line for a peer on one case.
peer_cmd() {
  local tool=$1 input=$2
  case "$tool" in
    cfn-lint)
      if [ -d "$input" ]; then
        # cfn-lint expands the quoted globs itself (no argument-length limit); a glob that
        # matches nothing is an error, so pass only the extensions present.
        local globs="" ext
        for ext in yaml yml json template; do
          [ -n "$(find "$input" -type f -name "*.$ext" -print -quit)" ] && globs="$globs '$input/**/*.$ext'"
        done
        echo "$CFN_LINT --format parseable --$globs"
      else
        echo "$CFN_LINT --format parseable -- $input"
      fi ;;
    cfn-guard) echo "$CFN_GUARD validate --show-summary none -r $WORK/trivial.guard -d $input" ;;
  esac
}

# measure LABEL RUNS CMD: hyperfine median/mean/stddev (s) plus peak RSS (KiB) of one extra run.
RESULTS="$OUT/results.tsv"
printf 'case\ttool\tmedian_s\tmean_s\tstddev_s\tmin_s\truns\tpeak_rss_kib\tload\n' > "$RESULTS"
measure() {
  local case=$1 tool=$2 runs=$3 cmd=$4
  local json="$OUT/$case.$tool.json" time_out="$OUT/$case.$tool.time"
  load
  echo "$case / $tool: $cmd" >&2
  if [ "$runs" -le 1 ]; then
    # One run (slow peers): /usr/bin/time gives both the wall time and the peak memory.
    if ! timeout "$PEER_TIMEOUT" /usr/bin/time -v sh -c "exec $cmd" >/dev/null 2>"$time_out"; then
      grep -q 'Elapsed (wall clock)' "$time_out" || { echo "  timed out after ${PEER_TIMEOUT}s; skipped" >&2; return 0; }
    fi
    python3 - "$time_out" > "$json" <<'PY'
import json, sys
wall = None
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        parts = [float(p) for p in line.rsplit(": ", 1)[1].strip().split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
print(json.dumps({"results": [{"median": wall, "mean": wall, "stddev": 0, "min": wall, "times": [wall]}]}))
PY
  else
    if ! timeout "$PEER_TIMEOUT" hyperfine --style none -N -i --warmup 1 --runs "$runs" \
        --export-json "$json" "$cmd" >/dev/null 2>"$OUT/$case.$tool.err"; then
      echo "  failed or timed out (see $OUT/$case.$tool.err); skipped" >&2
      return 0
    fi
    timeout "$PEER_TIMEOUT" /usr/bin/time -v sh -c "exec $cmd" >/dev/null 2>"$time_out" || true
  fi
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$time_out")
  python3 - "$json" "$case" "$tool" "${rss:-?}" "$(uptime | sed 's/.*load average: //; s/,.*//')" >> "$RESULTS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\t".join([sys.argv[2], sys.argv[3], f"{r['median']:.4f}", f"{r['mean']:.4f}", f"{r['stddev'] or 0:.4f}",
                 f"{r['min']:.4f}", str(len(r['times'])), sys.argv[4], sys.argv[5]]))
PY
  tail -n 1 "$RESULTS" | awk -F'\t' '{ printf "  median %s s, min %s s, peak %s KiB\n", $3, $6, $8 }' >&2
}

# guard_input CASE INPUT: cfn-guard stops the whole run at the first file it cannot parse, so it
# gets a copy of the input without those files (the count is printed and recorded).
guard_input() {
  local case=$1 input=$2
  if [ -f "$input" ]; then echo "$input"; return; fi
  local dir="$WORK/guard-$case" kept=0 dropped=0 f
  mkdir -p "$dir"
  while IFS= read -r -d '' f; do
    local out
    out=$("$CFN_GUARD" validate --show-summary none -r "$WORK/trivial.guard" -d "$f" 2>&1 || true)
    if [[ $out == *"Parser Error"* || $out == *"Error occurred"* ]]; then
      dropped=$((dropped + 1))
    else
      cp "$f" "$dir/"; kept=$((kept + 1))
    fi
  done < <(find "$input" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) -print0)
  printf '%s\t%s\t%s\n' "$case" "$kept" "$dropped" >> "$OUT/guard-inputs.tsv"
  echo "  cfn-guard input for $case: $kept files ($dropped it cannot parse left out)" >&2
  echo "$dir"
}

# --guard: the Guard comparison, then stop.
if [ "$GUARD_ONLY" = 1 ]; then
  BUNDLED="$ROOT/rules/guard"
  REGISTRY="${GUARD_REGISTRY:-}"
  for entry in "${CASES[@]}"; do
    IFS='|' read -r case input runs <<< "$entry"
    note "$case"
    measure "$case" rotlint "$runs" "$BIN --format json $input"
    measure "$case" rotlint+bundled "$runs" "$BIN --format json --guard-rules $BUNDLED $input"
    [ -n "${BASE_BIN:-}" ] && measure "$case" base+bundled "$runs" "$BASE_BIN --format json --guard-rules $BUNDLED $input"
    # The registry costs cfn-guard a copy of the document per rule file: one run on the big
    # inputs, none on the 5 and 10 MB templates (beyond CloudFormation's 1 MB), and the corpus
    # only on request (tens of minutes).
    reg_runs=$runs; case "$case" in corpus|gen-*) reg_runs=1 ;; esac
    registry=0
    case "$case" in gen-5MB|gen-10MB) ;; corpus) registry=${GUARD_REGISTRY_CORPUS:-0} ;; *) registry=1 ;; esac
    [ -n "$REGISTRY" ] || registry=0
    if [ "$registry" = 1 ]; then
      measure "$case" rotlint+registry "$reg_runs" "$BIN --format json --guard-rules $REGISTRY $input"
      [ -n "${BASE_BIN:-}" ] && measure "$case" base+registry "$reg_runs" "$BASE_BIN --format json --guard-rules $REGISTRY $input"
    fi
    if [ -n "$CFN_GUARD" ]; then
      g_input="$(guard_input "$case" "$input")"
      measure "$case" cfn-guard+bundled "$reg_runs" "$CFN_GUARD validate --show-summary none -r $BUNDLED -d $g_input"
      if [ "$registry" = 1 ]; then
        measure "$case" cfn-guard+registry "$reg_runs" "$CFN_GUARD validate --show-summary none -r $REGISTRY -d $g_input"
      fi
    fi
  done
  note "summary (median wall seconds, peak RSS; ratio = tool / rotlint alone)"
  python3 - "$RESULTS" <<'PY' | tee "$OUT/summary.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {(r["case"], r["tool"]): r for r in rows}
cases = list(dict.fromkeys(r["case"] for r in rows))
tools = [t for t in ["rotlint", "rotlint+bundled", "base+bundled", "cfn-guard+bundled",
                     "rotlint+registry", "base+registry", "cfn-guard+registry"]
         if any(r["tool"] == t for r in rows)]
print("| input | " + " | ".join(tools) + " |")
print("|---|" + "---|" * len(tools))
for c in cases:
    base = by.get((c, "rotlint"))
    cells = []
    for t in tools:
        r = by.get((c, t))
        if not r:
            cells.append("–")
            continue
        ms = float(r["median_s"]) * 1000
        cell = f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms"
        if r["peak_rss_kib"].isdigit():
            cell += f", {int(r['peak_rss_kib']) / 1024:.0f} MiB"
        if base and t != "rotlint":
            cell += f" ({float(r['median_s']) / float(base['median_s']):.1f}×)"
        cells.append(cell)
    print(f"| {c} | " + " | ".join(cells) + " |")
PY
  [ -f "$OUT/guard-inputs.tsv" ] && { echo "cfn-guard inputs (case, files kept, files it cannot parse):" >&2; cat "$OUT/guard-inputs.tsv" >&2; }
  echo "raw results: $OUT" >&2
  exit 0
fi

for entry in "${CASES[@]}"; do
  IFS='|' read -r case input runs <<< "$entry"
  note "$case"
  measure "$case" rotlint "$runs" "$BIN --format json $input"
  measure "$case" parse-only "$runs" "$BIN --format json --parse-only $input"
  # Peers are slow: fewer runs on the big inputs. cfn-lint needs about 190 s for the 1 MB
  # template, so it skips the 5 and 10 MB ones unless PEERS_BIG=1.
  lint_big=0; case "$case" in gen-5MB|gen-10MB) lint_big=1 ;; esac
  if [ -n "$CFN_LINT" ] && { [ "$lint_big" = 0 ] || [ "${PEERS_BIG:-0}" = 1 ]; }; then
    case "$case" in small) peer_runs=$RUNS ;; cfn-lint-98) peer_runs=3 ;; *) peer_runs=1 ;; esac
    measure "$case" cfn-lint "$peer_runs" "$(peer_cmd cfn-lint "$input")"
  fi
  if [ -n "$CFN_GUARD" ]; then
    case "$case" in corpus) peer_runs=3 ;; gen-*) peer_runs=1 ;; *) peer_runs=$RUNS ;; esac
    measure "$case" cfn-guard "$peer_runs" "$(peer_cmd cfn-guard "$(guard_input "$case" "$input")")"
  fi
done

note "summary (median wall seconds; ratio = tool / rotlint)"
python3 - "$RESULTS" <<'PY' | tee "$OUT/summary.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {(r["case"], r["tool"]): r for r in rows}
cases = list(dict.fromkeys(r["case"] for r in rows))
tools = ["rotlint", "parse-only", "cfn-lint", "cfn-guard"]
print("| input | " + " | ".join(tools) + " | rotlint / parse-only |")
print("|---|" + "---|" * (len(tools) + 1))
for c in cases:
    base = by.get((c, "rotlint"))
    cells = []
    for t in tools:
        r = by.get((c, t))
        if not r:
            cells.append("–")
            continue
        cell = f"{float(r['median_s']) * 1000:.1f} ms, {int(r['peak_rss_kib']) / 1024:.0f} MiB" if r["peak_rss_kib"].isdigit() else f"{float(r['median_s']) * 1000:.1f} ms"
        if base and t in ("cfn-lint", "cfn-guard"):
            ratio = float(r["median_s"]) / float(base["median_s"])
            cell += f" ({ratio:.0f}×)" if ratio >= 10 else f" ({ratio:.2g}×)"
        cells.append(cell)
    floor = by.get((c, "parse-only"))
    ratio = f"{float(base['median_s']) / float(floor['median_s']):.2f}" if base and floor else "–"
    print(f"| {c} | " + " | ".join(cells) + f" | {ratio} |")
PY
[ -f "$OUT/guard-inputs.tsv" ] && { echo "cfn-guard inputs (case, files kept, files it cannot parse):" >&2; cat "$OUT/guard-inputs.tsv" >&2; }
echo "raw results: $OUT (hyperfine JSON, /usr/bin/time -v output, results.tsv)" >&2
