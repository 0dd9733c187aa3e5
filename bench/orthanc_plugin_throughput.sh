#!/usr/bin/env bash
# Orthanc with and without the plugin: the same parallel storescu senders send rounds of new
# reports to a bare Orthanc and to an Orthanc with fluoroaudit loaded, in turn (a busy machine
# weighs on both alike). Prints the median objects per second of each, their ratio (target >= 0.9),
# and how long after the last senders finished every report was filed (target <= 2 s).
#
#   bench/orthanc_plugin_throughput.sh [BUILD_DIR] [SENDERS] [OBJECTS_PER_SENDER] [ROUNDS]
set -euo pipefail
build=${1:-build/release}
senders=${2:-4}
per=${3:-100}
rounds=${4:-3}
bin="$build/bin"
plugin="$build/lib/libOrthancFluoroAudit.so"
[ -x "$bin/fluoroaudit" ] && [ -x "$bin/fa-synth" ] && [ -f "$plugin" ] ||
  { echo "build first: cmake --workflow --preset release (with orthanc-dev installed)" >&2; exit 2; }
[ -x /usr/sbin/Orthanc ] || { echo "Orthanc not found: deploy/install-deps.sh installs it" >&2; exit 2; }
plugin=$(realpath "$plugin")

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export TCP_NODELAY=1

total=$((senders * per))
echo "Writing $((total * rounds)) synthetic dose reports..."
"$bin/fa-synth" department "$work/reports" "$((total * rounds))" >/dev/null
mapfile -t files < <(find "$work/reports" -name '*.dcm' | sort)

source "$(dirname "$0")/lib/senders.sh"
orthanc() { # name port plugins-json section-json
  mkdir -p "$work/$1"
  cat >"$work/$1/orthanc.json" <<JSON
{ "Name": "$1", "StorageDirectory": "$work/$1/storage", "IndexDirectory": "$work/$1/index",
  "DicomAet": "ORTHANC", "DicomPort": $2, "HttpPort": $(($2 + 1)), "RemoteAccessAllowed": false,
  "DicomAlwaysAllowStore": true, "Plugins": [$3] $4 }
JSON
  /usr/sbin/Orthanc "$work/$1/orthanc.json" >"$work/$1/orthanc.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do echoscu -aec ORTHANC 127.0.0.1 "$2" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "Orthanc did not start (see $work/$1/orthanc.log)" >&2; exit 1
}
port=$((20000 + RANDOM % 20000))

orthanc bare "$port" "" ""
orthanc plugin "$((port + 2))" "\"$plugin\"" ", \"FluoroAudit\": { \"DataDirectory\": \"$work/fa\" }"
bares=() withs=()
for ((r = 0; r < rounds; r++)); do
  read -r s0 s1 < <(send_all "$port" ORTHANC $((r * total)))
  bares+=("$(rate "$s0" "$s1")")
  read -r f0 f1 < <(send_all "$((port + 2))" ORTHANC $((r * total)))
  withs+=("$(rate "$f0" "$f1")")
done
bare=$(median "${bares[@]}")
with=$(median "${withs[@]}")
echo "objects/s per round: bare ${bares[*]}; with the plugin ${withs[*]}"
filed=""
while :; do
  # Read while the plugin writes: a busy database is asked again.
  n=$("$bin/fluoroaudit" --data "$work/fa" studies 2>"$work/studies.err" | tail -1 | awk '{print $1}') || n=0
  if [ "$n" = "$((total * rounds))" ]; then filed=$(now); break; fi
  if awk -v a="$(now)" -v b="$f1" 'BEGIN { exit !(a - b > 120) }'; then echo "only $n of $((total * rounds)) filed after 120 s: $(cat "$work/studies.err")" >&2; exit 1; fi
  sleep 0.05
done
lag=$(awk -v a="$filed" -v b="$f1" 'BEGIN { printf "%.2f", a - b }')

print_figures "Orthanc throughput (median of $rounds rounds)" "bare Orthanc" "$bare" "Orthanc with fluoroaudit" "$with" 0.9 \
  "all filed after the senders ended" "$lag"
