#!/usr/bin/env bash
# CPU per request, under load, of each process group that serves it: the app's
# gunicorn, PostgreSQL, Redis and the whole machine, read from /proc around a
# wrk run (random URL of a list per request, as make bench). Where bench/cpu.py
# gives one Django process's CPU, this gives what a request costs the machine.
#
#   bench/machine_cpu.sh NAME BASE_URL URL_FILE PROCESS_PATTERN [DURATION]
#
# e.g., with gunicorn and the peer running as make bench runs them:
#   bench/machine_cpu.sh ours http://127.0.0.1:8101 var/bench/urls/article.txt "gunicorn newsroom"
#   bench/machine_cpu.sh wagtail http://127.0.0.1:8102 ../shared/bench/peer-wagtail/var/urls/article.txt "gunicorn peersite"
# Prints req/s, p99 and milliseconds of CPU per request for each group.
set -euo pipefail
name=$1 base=$2 urls=$3 pattern=$4 duration=${5:-10s}
lua="$(dirname "$0")/../../shared/bench/peer-wagtail/bench/random_url.lua"
hz=$(getconf CLK_TCK)

ticks() {  # user + system ticks of every process whose command line matches
  local total=0
  for pid in $(pgrep -f "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

before=("$(ticks "$pattern")" "$(ticks 'postgres: ')" "$(ticks redis-server)" "$(machine)")
out=$(URLFILE="$urls" wrk -t2 -c16 -d"$duration" -s "$lua" "$base")
after=("$(ticks "$pattern")" "$(ticks 'postgres: ')" "$(ticks redis-server)" "$(machine)")
requests=$(grep -o 'WRK requests=[0-9]*' <<<"$out" | cut -d= -f2)
per() { awk -v d="$(($2 - $1))" -v n="$requests" -v hz="$hz" 'BEGIN {printf "%.2f", d * 1000 / hz / n}'; }
echo "$name $(grep -o 'rps=[0-9.]*' <<<"$out") $(grep -o 'p99_ms=[0-9.]*' <<<"$out")" \
  "ms/request: app=$(per "${before[0]}" "${after[0]}")" \
  "postgres=$(per "${before[1]}" "${after[1]}")" \
  "redis=$(per "${before[2]}" "${after[2]}")" \
  "machine=$(per "${before[3]}" "${after[3]}")"
