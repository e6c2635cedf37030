# shellcheck shell=bash disable=SC2034
# Switchboard nodes started by ops/up (build/bin/switchboard node ...), each
# with var/run/<id>.pid, var/run/<id>.port and var/log/<id>.log. Source after
# common.sh.
#
#   sb_node_start ID BIN NATS_URL PG_URL   start unless it runs; wait for
#                                          /healthz; sets SB_NODE_PORT_USED
#   sb_node_stop_all                       stop every node with a pid file

# Waits up to $3 seconds for http://127.0.0.1:$2/healthz of node $1 (pid $4).
sb_node_wait_healthy() {
  local id=$1 port=$2 timeout=$3 pid=$4 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null; then
      return 0
    fi
    if ! sb_alive "$pid"; then
      local rc=0
      wait "$pid" 2>/dev/null || rc=$?
      sb_log_tail "$SB_LOG/$id.log"
      rm -f "$SB_RUN/$id.pid" "$SB_RUN/$id.port"
      sb_die "$id exited during startup (status $rc; log: var/log/$id.log)"
    fi
    sleep 0.5
  done
  sb_log_tail "$SB_LOG/$id.log"
  # Do not leave a node that never became healthy behind.
  sb_kill_pid "$pid" 10 "$id"
  rm -f "$SB_RUN/$id.pid" "$SB_RUN/$id.port"
  sb_die "$id: http://127.0.0.1:$port/healthz did not succeed within ${timeout}s (log: var/log/$id.log)"
}

sb_node_start() {
  local id=$1 bin=$2 nats_url=$3 pg_url=$4 pid port
  local pidfile="$SB_RUN/$id.pid" portfile="$SB_RUN/$id.port"
  mkdir -p "$SB_RUN" "$SB_LOG"
  if pid=$(sb_pidfile_alive "$pidfile" switchboard) && [[ -f $portfile ]]; then
    port=$(<"$portfile")
    sb_info "$id already running (pid $pid, port $port)"
  else
    [[ -x $bin ]] || sb_die "$bin not found or not executable (build it: ops/build)"
    port=$(sb_pick_port "$id HTTP port" "${SB_HTTP_PORT:-}" 8080)
    sb_info "starting $id on 127.0.0.1:$port (log: var/log/$id.log)"
    printf '\n=== %s: ops/up starts %s ===\n' "$(date -Is)" "$id" >>"$SB_LOG/$id.log"
    (cd "$SB_ROOT" && exec setsid "$bin" node --nats "$nats_url" --pg "$pg_url" \
      --listen "127.0.0.1:$port" --node-id "$id" \
      >>"$SB_LOG/$id.log" 2>&1 </dev/null) &
    pid=$!
    echo "$pid" >"$pidfile"
    echo "$port" >"$portfile"
  fi
  sb_node_wait_healthy "$id" "$port" 60 "$pid"
  SB_NODE_PORT_USED=$port
}

sb_node_stop_all() {
  local file id
  for file in "$SB_RUN"/node-*.pid; do
    [[ -e $file ]] || continue
    id=$(basename "$file" .pid)
    sb_stop_pidfile "$file" switchboard 20 "$id"
    rm -f "$SB_RUN/$id.port"
  done
}
