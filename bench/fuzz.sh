#!/usr/bin/env bash
# Builds the libFuzzer harnesses (preset "fuzz": clang with ASan and UBSan) and runs each for
# --runs executions (default 1,000,000) on a corpus seeded with the real vendor files of
# ../shared/dicom and the shipped example table and configuration. Prints executions, time and
# crashes per harness; a crashing input is kept in bench/fuzz/crashes/HARNESS/ (turn it into a
# regression test) and the script exits 1.
#   bench/fuzz.sh [--runs N] [HARNESS...]     harnesses: prescan extract reference_table config
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1000000
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(prescan extract reference_table config)
command -v clang++ >/dev/null || { echo "fuzz: needs clang (deploy/install-deps.sh installs it)"; exit 2; }

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz >/dev/null

shared="${FA_SHARED_DICOM:-../shared/dicom}"
status=0
for h in "${harnesses[@]}"; do
  corpus="build/fuzz/corpus/$h"
  crashes="bench/fuzz/crashes/$h"
  mkdir -p "$corpus" "$crashes"
  case "$h" in
    prescan|extract) [ -d "$shared" ] && find "$shared" -name '*.dcm' -size -256k -exec cp -n {} "$corpus/" \; ; max=262144 ;;
    reference_table) cp -n deploy/reference-levels.csv "$corpus/" ; max=16384 ;;
    config) cp -n deploy/fluoroaudit.ini "$corpus/" ; max=16384 ;;
    *) echo "fuzz: no harness '$h'"; exit 2 ;;
  esac
  log="build/fuzz/$h.log"
  start=$(date +%s)
  before=$(ls "$crashes" | wc -l)
  build/fuzz/bin/fuzz_$h -runs="$runs" -max_len="$max" -rss_limit_mb=4096 \
    -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 || true
  found=$(( $(ls "$crashes" | wc -l) - before ))
  if [ "$found" -gt 0 ]; then
    outcome="CRASH: $found input(s) in $crashes/, log in $log"
    status=1
  elif grep -q "run interrupted" "$log"; then
    outcome="0 crashes (interrupted)"
  else
    outcome="0 crashes"
  fi
  # Executions: "Done N runs" at the end, else the last status line "#N ..." of an interrupted run.
  done_runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  printf '%-16s %10s executions in %5ss  %s\n' "$h" "$done_runs" "$(( $(date +%s) - start ))" "$outcome"
done
exit $status
