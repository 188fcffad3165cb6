#!/usr/bin/env bash
# Start the local Neo4j 5.26 Community test server (Bolt, no auth) in the background.
#
#   tests/neo4j/start.sh        # builds if needed, starts, waits until Bolt answers
#
# Idempotent: if the server is already running it prints the URI and exits 0.
# Environment (all optional):
#   EVGRAPH_NEO4J_PORT           Bolt port on 127.0.0.1 (default 7687)
#   EVGRAPH_NEO4J_DIR            state dir: server.log, server.pid, data/ (default tests/neo4j/target)
#   EVGRAPH_NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 120)
#   EVGRAPH_NEO4J_JAVA_OPTS      JVM options (default "-Xms256m -Xmx1g")
#   EVGRAPH_NEO4J_JAVA           java executable (default: $JAVA_HOME/bin/java, else java;
#                                Neo4j 5.26 needs Java 17 or 21)
#   MAVEN_OPTS                   passed to mvn as usual
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${EVGRAPH_NEO4J_PORT:-7687}"
STATE="${EVGRAPH_NEO4J_DIR:-$HERE/target}"
TIMEOUT="${EVGRAPH_NEO4J_START_TIMEOUT:-120}"
JAVA_OPTS="${EVGRAPH_NEO4J_JAVA_OPTS:--Xms256m -Xmx1g}"
JAR="$HERE/target/evgraph-neo4j-testserver.jar"
LOG="$STATE/server.log"
PIDFILE="$STATE/server.pid"
DATA="$STATE/data"
TMP="$STATE/tmp"   # java.io.tmpdir: Neo4j leaves a log4j-*.xml there per run
URI="bolt://127.0.0.1:$PORT"

log() { echo "neo4j-test: $*" >&2; }

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
}

# Is $1 a live process of this test server?
ours() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'evgraph-neo4j-testserver'
}

tail_log() {
  if [ -f "$LOG" ]; then
    log "last lines of $LOG:"
    tail -n 40 "$LOG" >&2 || true
  fi
}

mkdir -p "$STATE"
# Serialise concurrent start.sh runs on the same state dir.
exec 9>"$STATE/start.lock"
flock -w $((TIMEOUT + 300)) 9 || { log "could not lock $STATE/start.lock"; exit 1; }

# ---- already running? ------------------------------------------------------
if [ -f "$PIDFILE" ]; then
  OLDPID="$(cat "$PIDFILE" 2>/dev/null || true)"
  if ours "$OLDPID"; then
    if port_open && grep -q '^NEO4J_READY' "$LOG" 2>/dev/null; then
      log "already running (pid $OLDPID) at $URI"
      echo "$URI"
      exit 0
    fi
    log "pid $OLDPID is running but not ready; stopping it and starting afresh"
    "$HERE/stop.sh" || true
  fi
  rm -f "$PIDFILE"
fi

if port_open; then
  log "port $PORT on 127.0.0.1 is already in use by another process; not starting."
  log "(set EVGRAPH_NEO4J_PORT to use another port, or point NEO4J_URI at that server)"
  exit 1
fi

# ---- build if needed ---------------------------------------------------------
need_build=0
if [ ! -f "$JAR" ] || [ ! -d "$HERE/target/lib" ]; then
  need_build=1
elif [ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$JAR" -print -quit)" ]; then
  need_build=1
fi
if [ "$need_build" = 1 ]; then
  log "building test server (mvn package)..."
  BUILDLOG="$(mktemp)"
  if ! (cd "$HERE" && mvn -q -B -Dstyle.color=never package) >"$BUILDLOG" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$BUILDLOG" >&2
    rm -f "$BUILDLOG"
    log "maven build failed"
    exit 1
  fi
  rm -f "$BUILDLOG"
  [ -f "$JAR" ] || { log "build produced no $JAR"; exit 1; }
fi

# ---- pick java -------------------------------------------------------------
java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n1
}
if [ -n "${EVGRAPH_NEO4J_JAVA:-}" ]; then
  JAVA="$EVGRAPH_NEO4J_JAVA"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi
MAJOR="$(java_major "$JAVA" || true)"
if [ "$MAJOR" != 17 ] && [ "$MAJOR" != 21 ] && [ -z "${EVGRAPH_NEO4J_JAVA:-}" ]; then
  for cand in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java \
              /usr/lib/jvm/temurin-17-*/bin/java /usr/lib/jvm/temurin-21-*/bin/java; do
    if [ -x "$cand" ]; then
      log "using $cand (Neo4j 5.26 needs Java 17 or 21; $JAVA is ${MAJOR:-unknown})"
      JAVA="$cand"
      break
    fi
  done
fi

# ---- start ---------------------------------------------------------------
# shellcheck disable=SC2206
OPTS=($JAVA_OPTS
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
  -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  "-Djava.io.tmpdir=$TMP"
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED)

START_TS=$(date +%s.%N)
rm -rf "$TMP"
mkdir -p "$TMP"
: >"$LOG"
# setsid: own session, so a Ctrl-C in the calling terminal does not reach it;
# exec keeps $! equal to the java pid; 9>&- keeps the lock fd out of the server.
( exec setsid "$JAVA" "${OPTS[@]}" -jar "$JAR" --port "$PORT" --dir "$DATA" \
    </dev/null >>"$LOG" 2>&1 9>&- ) &
PID=$!
echo "$PID" >"$PIDFILE"

deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  if ! kill -0 "$PID" 2>/dev/null; then
    log "server exited during startup"
    rm -f "$PIDFILE"
    tail_log
    exit 1
  fi
  if grep -q '^NEO4J_READY' "$LOG" 2>/dev/null && port_open; then
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "Bolt did not answer on port $PORT within ${TIMEOUT}s"
    tail_log
    "$HERE/stop.sh" || true
    exit 1
  fi
  sleep 0.5
done

ELAPSED=$(awk -v a="$START_TS" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "started (pid $PID) at $URI in ${ELAPSED}s; log: $LOG"
echo "$URI"
