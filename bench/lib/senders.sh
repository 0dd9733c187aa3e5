# Shared by the throughput benchmarks: parallel storescu senders over the same reports, and their
# rate. Expects `senders`, `per`, `total` and the array `files` to be set by the script sourcing it.

now() { date +%s.%N; }

# Sends every file with $senders parallel storescu to 127.0.0.1:$1 calling AE title $2; prints
# the start and end times.
send_all() {
  local start end i
  start=$(now)
  for ((i = 0; i < senders; i++)); do
    storescu -aet BENCH -aec "$2" 127.0.0.1 "$1" "${files[@]:i*per:per}" >/dev/null 2>&1 &
    spids[i]=$!
  done
  for ((i = 0; i < senders; i++)); do wait "${spids[i]}" || { echo "a storescu failed" >&2; exit 1; }; done
  end=$(now)
  echo "$start $end"
}

# Objects per second between two times.
rate() { awk -v n="$total" -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", n / (b - a) }'; }
