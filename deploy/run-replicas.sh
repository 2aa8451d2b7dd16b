#!/usr/bin/env bash
# Run N replicas of the MASH Wales explorer on one host, on 127.0.0.1:PORT, PORT+1, ...
# (default 2 replicas from 8501: the addresses deploy/nginx.conf ships with). Every replica
# gets the same MASH_DATABASE_URL and the same Streamlit cookie secret, as several replicas
# need (docs/deploy.md). Runs in the foreground; Ctrl-C or SIGTERM stops every replica.
#
#   export MASH_DATABASE_URL=postgresql://mash:PASSWORD@db-host/mash
#   export STREAMLIT_SERVER_COOKIE_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
#   deploy/run-replicas.sh [N] [FIRST_PORT] [more streamlit options, e.g. --server.baseUrlPath mash]
#
# A replica that dies is started again (the others keep serving). Logs: MASH_LOG_DIR (default
# ./logs), one file per replica. On a systemd host prefer deploy/mash@.service.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${1:-2}"
FIRST_PORT="${2:-8501}"
shift $(( $# > 2 ? 2 : $# ))
LOG_DIR="${MASH_LOG_DIR:-logs}"
STREAMLIT="${STREAMLIT:-streamlit}"

die() { echo "run-replicas: $*" >&2; exit 2; }
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || die "N must be a whole number of replicas, not '$COUNT'"
[[ "$FIRST_PORT" =~ ^[0-9]+$ ]] || die "FIRST_PORT must be a port number, not '$FIRST_PORT'"
command -v "$STREAMLIT" >/dev/null || die "no '$STREAMLIT' command: activate the app's virtual environment first"
if [ "$COUNT" -gt 1 ]; then
  [ -n "${MASH_DATABASE_URL:-}" ] || die "MASH_DATABASE_URL is not set: several replicas must share one PostgreSQL (rooms would differ per replica)"
  [ -n "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ] || die "STREAMLIT_SERVER_COOKIE_SECRET is not set: every replica needs the same one"
fi
mkdir -p "$LOG_DIR"

PIDS=()
stop_all() {  # stop every replica, then leave (never back into the restart loop)
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "$(date -u +%FT%TZ) all replicas stopped"
  exit "${1:-0}"
}
trap 'stop_all 130' INT
trap 'stop_all 143' TERM
trap 'stop_all $?' EXIT

OPTIONS=("$@")
start_replica() {  # start_replica INDEX: (re)start replica INDEX on FIRST_PORT + INDEX
  local port=$((FIRST_PORT + $1))
  "$STREAMLIT" run app.py --server.port "$port" --server.address 127.0.0.1 \
    --server.headless true "${OPTIONS[@]}" >>"$LOG_DIR/replica-$port.log" 2>&1 &
  PIDS[$1]="$!"
  echo "$(date -u +%FT%TZ) replica $(($1 + 1)) of $COUNT: 127.0.0.1:$port (pid $!, log $LOG_DIR/replica-$port.log)"
}

for ((i = 0; i < COUNT; i++)); do start_replica "$i"; done

# Wait until each answers its health check (Streamlit: /_stcore/health, under any prefix).
BASE_PATH=""
for ((j = 0; j + 1 < ${#OPTIONS[@]}; j++)); do
  if [ "${OPTIONS[j]}" = "--server.baseUrlPath" ]; then
    BASE_PATH="/${OPTIONS[j+1]#/}"
    BASE_PATH="${BASE_PATH%/}"
  fi
done
BASE_PATH="${BASE_PATH:-${STREAMLIT_SERVER_BASE_URL_PATH:+/${STREAMLIT_SERVER_BASE_URL_PATH#/}}}"
for ((i = 0; i < COUNT; i++)); do
  port=$((FIRST_PORT + i))
  url="http://127.0.0.1:$port$BASE_PATH/_stcore/health"
  for _ in $(seq 1 120); do
    if python3 -c "import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=1).read() != b'ok')" "$url" 2>/dev/null; then
      echo "healthy: $url"
      continue 2
    fi
    kill -0 "${PIDS[i]}" 2>/dev/null || die "replica on port $port exited at start; see $LOG_DIR/replica-$port.log"
    sleep 0.5
  done
  die "replica on port $port not healthy after 60 s; see $LOG_DIR/replica-$port.log"
done
echo "all $COUNT replicas healthy; Ctrl-C stops them"

# Stay in the foreground. A replica that dies is started again on its port after 2 s (nginx
# sends its visitors to the others meanwhile); the others are left alone.
while true; do
  for ((i = 0; i < COUNT; i++)); do
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      wait "${PIDS[i]}" 2>/dev/null || true
      echo "$(date -u +%FT%TZ) replica on port $((FIRST_PORT + i)) stopped; starting it again (see $LOG_DIR/replica-$((FIRST_PORT + i)).log)"
      sleep 2
      start_replica "$i"
    fi
  done
  sleep 2
done
