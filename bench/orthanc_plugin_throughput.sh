#!/usr/bin/env bash
# Orthanc with and without the plugin: the same reports, the same parallel storescu senders, sent to
# a bare Orthanc and to an Orthanc with fluoroaudit loaded. Prints objects per second for each,
# their ratio (target >= 0.9), and how long after the senders finished every report was filed
# (target <= 2 s).
#
#   bench/orthanc_plugin_throughput.sh [BUILD_DIR] [SENDERS] [OBJECTS_PER_SENDER]
set -euo pipefail
build=${1:-build/release}
senders=${2:-4}
per=${3:-100}
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
echo "Writing $total synthetic dose reports..."
"$bin/fa-synth" department "$work/reports" "$total" >/dev/null
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
read -r s0 s1 < <(send_all "$port" ORTHANC)
bare=$(rate "$s0" "$s1")
kill "${pids[-1]}"

port=$((port + 2))
orthanc plugin "$port" "\"$plugin\"" ", \"FluoroAudit\": { \"DataDirectory\": \"$work/fa\" }"
read -r f0 f1 < <(send_all "$port" ORTHANC)
with=$(rate "$f0" "$f1")
filed=""
while :; do
  n=$("$bin/fluoroaudit" --data "$work/fa" studies 2>/dev/null | tail -1 | awk '{print $1}')
  if [ "$n" = "$total" ]; then filed=$(now); break; fi
  if awk -v a="$(now)" -v b="$f1" 'BEGIN { exit !(a - b > 120) }'; then echo "only $n of $total filed after 120 s" >&2; exit 1; fi
  sleep 0.05
done
lag=$(awk -v a="$filed" -v b="$f1" 'BEGIN { printf "%.2f", a - b }')

echo
echo "Orthanc throughput, $senders parallel storescu x $per reports ($total objects), TCP_NODELAY=1"
printf "  %-34s %8s objects/s\n" "bare Orthanc" "$bare"
printf "  %-34s %8s objects/s\n" "Orthanc with fluoroaudit" "$with"
awk -v a="$with" -v b="$bare" 'BEGIN { r = a / b; printf "  %-34s %8.2f  (target >= 0.90: %s)\n", "ratio", r, (r >= 0.9 ? "meets it" : "MISSES it") }'
awk -v l="$lag" 'BEGIN { printf "  %-34s %8s s  (target <= 2 s: %s)\n", "all filed after the senders ended", l, (l <= 2 ? "meets it" : "MISSES it") }'
