# Shared by the throughput benchmarks: parallel storescu senders over the same reports, and their
# rate. Expects `senders`, `per`, `total` and the array `files` to be set by the script sourcing it.

now() { date +%s.%N; }

# Sends $total files (from index $3, default 0) with $senders parallel storescu to 127.0.0.1:$1
# calling AE title $2; prints the start and end times.
send_all() {
  local start end i from=${3:-0}
  start=$(now)
  for ((i = 0; i < senders; i++)); do
    storescu -aet BENCH -aec "$2" 127.0.0.1 "$1" "${files[@]:from+i*per:per}" >/dev/null 2>&1 &
    spids[i]=$!
  done
  for ((i = 0; i < senders; i++)); do wait "${spids[i]}" || { echo "a storescu failed" >&2; exit 1; }; done
  end=$(now)
  echo "$start $end"
}

# The middle one of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Objects per second between two times.
rate() { awk -v n="$total" -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", n / (b - a) }'; }

# The figures of a run: $1 title, $2/$3 label and rate without, $4/$5 with, $6 the least ratio,
# $7 what the lag measures, $8 the lag in seconds, $9 its target in seconds (default 2; "-" for none).
print_figures() {
  echo
  echo "$1, $senders parallel storescu x $per reports ($total objects), TCP_NODELAY=1"
  printf "  %-34s %8s objects/s\n" "$2" "$3"
  printf "  %-34s %8s objects/s\n" "$4" "$5"
  awk -v a="$5" -v b="$3" -v t="$6" 'BEGIN { r = a / b; printf "  %-34s %8.2f  (target >= %.2f: %s)\n", "ratio", r, t, (r >= t ? "meets it" : "MISSES it") }'
  awk -v l="$8" -v what="$7" -v t="${9:-2}" 'BEGIN {
    if (t == "-") printf "  %-34s %8s s\n", what, l
    else printf "  %-34s %8s s  (target <= %s s: %s)\n", what, l, t, (l <= t + 0 ? "meets it" : "MISSES it") }'
}
