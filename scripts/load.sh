#!/usr/bin/env bash
# Load benchmark of the real release server (BENCHMARKS.md, "Page latency under load").
#
#   scripts/load.sh                     # 300 leaf tasks, 52 weeks of reports, 20 s per route
#   TASKS=300 WEEKS=52 DURATION=20s CONNECTIONS=16 THREADS=2 SKIP_BUILD=1 scripts/load.sh
#
# Builds `duban` in release, fills a temporary data directory with `duban bench-data`, starts
# `duban serve` on a free port, signs in as the 督查室 (duchashi) and as a unit user (jichu) with
# curl, then runs wrk on each route with the session cookie and prints p50, p99 and requests per
# second. /healthz and the stylesheet are the ceiling (no session, no page). Needs curl and wrk
# (Debian: apt-get install -y wrk). Everything it starts is stopped and removed on exit.
set -euo pipefail

TASKS="${TASKS:-300}"
WEEKS="${WEEKS:-52}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"

cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release -j2 -p duban
fi
BIN="${CARGO_TARGET_DIR:-target}/release/duban"

WORK="$(mktemp -d -t duban-load.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export -n DUBAN_DATABASE_URL DUBAN_DATA_DIR DUBAN_LISTEN 2>/dev/null || true
unset DUBAN_DATABASE_URL DUBAN_DATA_DIR DUBAN_LISTEN

echo "== bench-data: $TASKS leaf tasks, $WEEKS weeks" >&2
"$BIN" bench-data --data-dir "$WORK/data" --tasks "$TASKS" --weeks "$WEEKS" >&2
du -h "$WORK/data/duban.db" >&2

"$BIN" serve --no-demo --listen 127.0.0.1:0 --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
ADDR=""
for _ in $(seq 1 300); do
    ADDR="$(sed -n 's|^督办 duban 已启动：http://||p' "$WORK/serve.log" | head -n1)"
    [ -n "$ADDR" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$ADDR" ] || { echo "server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
BASE="http://$ADDR"
echo "== server at $BASE (pid $SERVER_PID)" >&2

# Signs in as $1 and prints the session cookie's value.
login() {
    local user="$1" password
    password="$(awk -F'\t' -v u="$user" '$1 == u { print $2 }' "$WORK/data/demo-logins.txt")"
    curl -sf -o /dev/null -c "$WORK/cookies-$user" \
        --data-urlencode "username=$user" --data-urlencode "password=$password" "$BASE/login"
    awk '$6 == "duban_session" { print $7 }' "$WORK/cookies-$user"
}
SUPERVISOR="$(login duchashi)"
UNIT="$(login jichu)"
[ -n "$SUPERVISOR" ] && [ -n "$UNIT" ] || { echo "sign-in failed" >&2; exit 1; }

page() { curl -sf -H "Cookie: duban_session=$1" "$BASE$2"; }
# The task with the highest id (a generated leaf with a full year of reports) and the biggest plan.
TASK="$(page "$SUPERVISOR" /tasks | grep -o 'href="/tasks/[0-9]*"' | grep -o '[0-9]*' | sort -n | tail -n1)"
PLAN="$(page "$SUPERVISOR" /plans | grep -o 'href="/plans/[0-9]*"' | grep -o '[0-9]*' | sort -n | tail -n1)"
CSS="$(page "$SUPERVISOR" / | grep -o '/static/app\.[0-9a-f]*\.css' | head -n1)"
echo "== task $TASK, plan $PLAN, stylesheet $CSS" >&2

# route|cookie (empty: none)
ROUTES=(
    "/healthz|"
    "$CSS|"
    "/|$SUPERVISOR"
    "/tasks|$SUPERVISOR"
    "/tasks?light=red|$SUPERVISOR"
    "/tasks/$TASK|$SUPERVISOR"
    "/my|$UNIT"
    "/reviews|$SUPERVISOR"
    "/stats|$SUPERVISOR"
    "/monthly|$SUPERVISOR"
    "/accountability|$SUPERVISOR"
    "/plans/$PLAN|$SUPERVISOR"
    "/notices?show=all|$SUPERVISOR"
    "/meetings/1|$SUPERVISOR"
    "/inbox|$UNIT"
    "/yearly.xlsx|$SUPERVISOR"
)

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.0f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else printf "%s", v }'
}

ROWS=()
for entry in "${ROUTES[@]}"; do
    route="${entry%%|*}"
    cookie="${entry#*|}"
    header=()
    [ -n "$cookie" ] && header=(-H "Cookie: duban_session=$cookie")
    status="$(curl -s -o "$WORK/body" -w '%{http_code}' "${header[@]}" "$BASE$route")"
    bytes="$(wc -c <"$WORK/body")"
    echo "== $route ($status, $bytes bytes)" >&2
    # A single request first, alone (curl's total time), then the load.
    single="$(curl -s -o /dev/null -w '%{time_total}' "${header[@]}" "$BASE$route" |
        awk '{ printf "%.1f", $1 * 1000 }')"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency \
        "${header[@]}" "$BASE$route")"
    echo "$out" >&2
    p50="$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")"
    p99="$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")"
    rps="$(echo "$out" | awk '$1 == "Requests/sec:" { printf "%.0f", $2 }')"
    bad="$(echo "$out" | awk '/Non-2xx or 3xx/ { print $NF }')"
    errors="$(echo "$out" | awk '/Socket errors/ { print $0 }' | sed 's/^ *//')"
    floor="yes"
    if [ "$(echo "$out" | awk '$2 == "requests" && $3 == "in" { print $1 }')" = "0" ]; then
        p50="n/a" p99="n/a" floor="**no**"
    elif awk -v p="$p99" 'BEGIN { exit !(p >= 50) }'; then
        floor="**no**"
    fi
    ROWS+=("| \`$route\` | $status | $bytes | $single | $p50 | $p99 | $rps | ${bad:-0} | $floor |${errors:+ $errors}")
done

echo
echo "$TASKS leaf tasks, $WEEKS weeks; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores"
echo
echo "| route | status | bytes | alone ms | p50 ms | p99 ms | req/s | non-2xx | p99 < 50 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
