#!/usr/bin/env bash
# Listener throughput: the same reports, the same parallel storescu senders, sent to bare storescp
# and to `fluoroaudit serve`. Prints objects per second for each, their ratio (target >= 0.8), and
# how long after the senders finished every object was extracted and stored (target <= 2 s).
#
#   bench/listener_throughput.sh [BUILD_DIR] [SENDERS] [OBJECTS_PER_SENDER]
set -euo pipefail
build=${1:-build/release}
senders=${2:-8}
per=${3:-250}
bin="$build/bin"
[ -x "$bin/fluoroaudit" ] && [ -x "$bin/fa-synth" ] || { echo "build first: cmake --workflow --preset release" >&2; exit 2; }
command -v storescp >/dev/null || { echo "storescp not found: deploy/install-deps.sh installs dcmtk" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export TCP_NODELAY=1 # for storescp and storescu alike (dcmtk-notes: ~100 ms per object without it)

total=$((senders * per))
echo "Writing $total synthetic dose reports..."
"$bin/fa-synth" department "$work/reports" "$total" >/dev/null
mapfile -t files < <(find "$work/reports" -name '*.dcm' | sort)

source "$(dirname "$0")/lib/senders.sh"
port=$((20000 + RANDOM % 20000))

mkdir -p "$work/storescp"
storescp --fork -aet STORESCP -od "$work/storescp" "$port" >/dev/null 2>&1 &
pids+=($!)
sleep 1
read -r s0 s1 < <(send_all "$port" STORESCP)
bare=$(rate "$s0" "$s1")
kill "${pids[-1]}"

port=$((port + 1))
"$bin/fluoroaudit" --data "$work/fa" serve --port "$port" --http-port 0 >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do "$bin/fluoroaudit" --data "$work/fa" status >/dev/null 2>&1 && break; sleep 0.2; done
read -r f0 f1 < <(send_all "$port" FLUOROAUDIT)
service=$(rate "$f0" "$f1")
# A spooled object leaves the spool only once it is extracted and committed.
stored=""
while :; do
  if [ -z "$(find "$work/fa/spool" -maxdepth 1 -name '*.dcm' -print -quit)" ]; then stored=$(now); break; fi
  if awk -v a="$(now)" -v b="$f1" 'BEGIN { exit !(a - b > 120) }'; then echo "not all stored after 120 s" >&2; exit 1; fi
  sleep 0.02
done
n=$("$bin/fluoroaudit" --data "$work/fa" studies | tail -1 | awk '{print $1}')
[ "$n" = "$total" ] || { echo "only $n of $total studies stored" >&2; exit 1; }
lag=$(awk -v a="$stored" -v b="$f1" 'BEGIN { printf "%.2f", a - b }')

print_figures "Listener throughput" "bare storescp --fork" "$bare" "fluoroaudit serve" "$service" 0.8 \
  "all stored after the senders ended" "$lag"
