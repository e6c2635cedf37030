# shellcheck shell=bash disable=SC2034
# The local nats-server (JetStream, file storage under var/nats). Source after
# common.sh.
#
#   sb_nats_start   start it unless it already runs; sets SB_NATS_PORT_USED
#                   and SB_NATS_MONITOR_PORT_USED
#   sb_nats_stop    stop it (keeps var/nats)

SB_NATS_PID="$SB_RUN/nats.pid"
SB_NATS_PORTS="$SB_RUN/nats.ports"
SB_NATS_DIR="$SB_VAR/nats"
SB_NATS_LOGFILE="$SB_LOG/nats.log"

sb_nats_start() {
  local pid port mon
  mkdir -p "$SB_RUN" "$SB_LOG" "$SB_NATS_DIR"
  if pid=$(sb_pidfile_alive "$SB_NATS_PID" nats-server) &&
     [[ -f $SB_NATS_PORTS ]]; then
    read -r port mon <"$SB_NATS_PORTS"
    if sb_port_open "$port"; then
      sb_info "nats-server already running (pid $pid, port $port)"
      SB_NATS_PORT_USED=$port
      SB_NATS_MONITOR_PORT_USED=$mon
      return 0
    fi
    sb_die "nats-server (pid $pid) runs but does not answer on port $port; run ops/down"
  fi

  port=$(sb_pick_port "nats client port" "${SB_NATS_PORT:-}" 4222)
  mon=$(sb_pick_port "nats monitoring port" "${SB_NATS_MONITOR_PORT:-}" 8222)
  [[ $port != "$mon" ]] || sb_die "nats client and monitoring port are both $port"

  # A config file rather than flags: -m alone would bind monitoring to
  # 0.0.0.0; "http:" takes a host.
  cat >"$SB_NATS_DIR/nats.conf" <<EOF
# Written by ops/up on every start; edits are lost.
server_name: sb-local
listen: 127.0.0.1:$port
http: 127.0.0.1:$mon
jetstream {
  # nats-server keeps its streams in <store_dir>/jetstream
  store_dir: "$SB_NATS_DIR"
}
EOF

  sb_info "starting nats-server on 127.0.0.1:$port (monitoring :$mon)"
  # setsid: its own session, so closing the terminal does not stop it.
  setsid nats-server -c "$SB_NATS_DIR/nats.conf" \
    >>"$SB_NATS_LOGFILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$SB_NATS_PID"
  echo "$port $mon" >"$SB_NATS_PORTS"
  if ! sb_wait_port "$port" 20 "$pid"; then
    sb_log_tail "$SB_NATS_LOGFILE"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$SB_NATS_PID" "$SB_NATS_PORTS"
    sb_die "nats-server did not start (log: $SB_NATS_LOGFILE)"
  fi
  # JetStream is ready once the monitoring health check says so.
  if command -v curl >/dev/null 2>&1; then
    local deadline=$((SECONDS + 20))
    until curl -fsS -o /dev/null "http://127.0.0.1:$mon/healthz?js-enabled-only=true" 2>/dev/null; do
      ((SECONDS < deadline)) || {
        sb_log_tail "$SB_NATS_LOGFILE"
        sb_die "nats-server JetStream not healthy after 20 s"
      }
      sleep 0.2
    done
  fi
  SB_NATS_PORT_USED=$port
  SB_NATS_MONITOR_PORT_USED=$mon
}

sb_nats_stop() {
  sb_stop_pidfile "$SB_NATS_PID" nats-server 10
  rm -f "$SB_NATS_PORTS"
}
