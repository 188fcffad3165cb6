#!/usr/bin/env bash
# Stop the local Neo4j test server started by start.sh (same EVGRAPH_NEO4J_DIR).
# Idempotent: exits 0 if it is not running.
# Environment: EVGRAPH_NEO4J_DIR (default tests/neo4j/target),
#              EVGRAPH_NEO4J_STOP_TIMEOUT seconds before SIGKILL (default 60).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${EVGRAPH_NEO4J_DIR:-$HERE/target}"
PIDFILE="$STATE/server.pid"
DATA="$STATE/data"
TMP="$STATE/tmp"
TIMEOUT="${EVGRAPH_NEO4J_STOP_TIMEOUT:-60}"

log() { echo "neo4j-test: $*" >&2; }

ours() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'evgraph-neo4j-testserver'
}

if [ ! -f "$PIDFILE" ]; then
  log "not running (no $PIDFILE)"
  exit 0
fi
PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if ! ours "$PID"; then
  log "not running (stale pid file)"
  rm -f "$PIDFILE"
  exit 0
fi

kill -TERM "$PID" 2>/dev/null || true
deadline=$(( $(date +%s) + TIMEOUT ))
while ours "$PID"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "pid $PID did not exit within ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    sleep 1
    # SIGKILL skips the server's own clean-up of its data directory.
    if [ -f "$DATA/.evgraph-neo4j-testserver" ]; then rm -rf "$DATA"; fi
    break
  fi
  sleep 0.3
done
rm -f "$PIDFILE"
rm -rf "$TMP"
log "stopped (pid $PID)"
