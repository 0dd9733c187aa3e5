#!/usr/bin/env bash
# Listener throughput: the same parallel storescu senders send rounds of new reports to bare
# `storescp --fork` (which never flushes to disk) and to `fluoroaudit serve` (which answers success
# only once an object is on disk), in turn, so that a busy machine weighs on both alike. Prints the
# median objects per second of each, their ratio (target >= 1.0), and how long after the senders
# finished every object was extracted and stored (the longest of the rounds). Filing waits while
# objects arrive (up to 30 s at a time), so that time is how long filing a whole burst takes.
#
#   bench/listener_throughput.sh [BUILD_DIR] [SENDERS] [OBJECTS_PER_SENDER] [ROUNDS]
set -euo pipefail
build=${1:-build/release}
senders=${2:-8}
per=${3:-250}
rounds=${4:-3}
bin="$build/bin"
[ -x "$bin/fluoroaudit" ] && [ -x "$bin/fa-synth" ] || { echo "build first: cmake --workflow --preset release" >&2; exit 2; }
command -v storescp >/dev/null || { echo "storescp not found: deploy/install-deps.sh installs dcmtk" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export TCP_NODELAY=1 # for storescp and storescu alike (dcmtk-notes: ~100 ms per object without it)

total=$((senders * per))
echo "Writing $((total * rounds)) synthetic dose reports..."
"$bin/fa-synth" department "$work/reports" "$((total * rounds))" >/dev/null
mapfile -t files < <(find "$work/reports" -name '*.dcm' | sort)

source "$(dirname "$0")/lib/senders.sh"
port=$((20000 + RANDOM % 10000))
faport=$((port + 1))

"$bin/fluoroaudit" --data "$work/fa" serve --port "$faport" --http-port 0 >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do "$bin/fluoroaudit" --data "$work/fa" status >/dev/null 2>&1 && break; sleep 0.2; done

bares=() services=() lag=0
for ((r = 0; r < rounds; r++)); do
  rm -rf "$work/storescp" && mkdir -p "$work/storescp"
  storescp --fork -aet STORESCP -od "$work/storescp" "$port" >/dev/null 2>&1 &
  scp=$!
  sleep 1
  read -r s0 s1 < <(send_all "$port" STORESCP $((r * total)))
  bares+=("$(rate "$s0" "$s1")")
  kill "$scp" && wait "$scp" 2>/dev/null || true

  read -r f0 f1 < <(send_all "$faport" FLUOROAUDIT $((r * total)))
  services+=("$(rate "$f0" "$f1")")
  # A spooled object leaves the spool only once it is extracted and committed.
  while [ -n "$(find "$work/fa/spool" -maxdepth 1 -name '*.dcm' -print -quit)" ]; do
    if awk -v a="$(now)" -v b="$f1" 'BEGIN { exit !(a - b > 120) }'; then echo "not all stored after 120 s" >&2; exit 1; fi
    sleep 0.02
  done
  lag=$(awk -v a="$(now)" -v b="$f1" -v l="$lag" 'BEGIN { d = a - b; printf "%.2f", (d > l ? d : l) }')
done
n=$("$bin/fluoroaudit" --data "$work/fa" studies | tail -1 | awk '{print $1}')
[ "$n" = "$((total * rounds))" ] || { echo "only $n of $((total * rounds)) studies stored" >&2; exit 1; }

echo "objects/s per round: storescp ${bares[*]}; fluoroaudit ${services[*]}"
print_figures "Listener throughput (median of $rounds rounds)" "bare storescp --fork (no fsync)" "$(median "${bares[@]}")" \
  "fluoroaudit serve (on disk before success)" "$(median "${services[@]}")" 1.0 "all filed after the senders ended" "$lag" -
awk -v n="$total" -v l="$lag" 'BEGIN { printf "  %-34s %8.1f objects/s (filing waits while objects arrive)\n", "filing after the burst", n / l }'
