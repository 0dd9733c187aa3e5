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

# The figures of a run from the rates of each round in the arrays `bares` (without) and `withs`
# (with), alternating so that a busy machine weighs on both alike: $1 title, $2/$3 the labels
# without and with, $4 the least ratio (the median of the rounds' ratios), $5 what the lag
# measures, $6 the lag in seconds, $7 its target in seconds (empty: shown for information).
print_figures() {
  local ratios=() r
  for ((r = 0; r < ${#bares[@]}; r++)); do
    ratios+=("$(awk -v a="${withs[r]}" -v b="${bares[r]}" 'BEGIN { printf "%.2f", a / b }')")
  done
  echo
  echo "$1, $senders parallel storescu x $per reports ($total objects), TCP_NODELAY=1"
  echo "  objects/s per round: $2 ${bares[*]}; $3 ${withs[*]}; ratios ${ratios[*]}"
  printf "  %-34s %8s objects/s\n" "$2" "$(median "${bares[@]}")"
  printf "  %-34s %8s objects/s\n" "$3" "$(median "${withs[@]}")"
  awk -v r="$(median "${ratios[@]}")" -v t="$4" 'BEGIN { printf "  %-34s %8.2f  (median of the rounds; target >= %.2f: %s)\n", "ratio", r, t, (r >= t ? "meets it" : "MISSES it") }'
  if [ -n "${7:-}" ]; then
    awk -v l="$6" -v what="$5" -v t="$7" 'BEGIN { printf "  %-34s %8s s  (target <= %s s: %s)\n", what, l, t, (l <= t ? "meets it" : "MISSES it") }'
  else
    printf "  %-34s %8s s\n" "$5" "$6"
  fi
}
