# shellcheck shell=bash
# The traffic simulator ops/up starts so the dashboard always has live calls
# (build/bin/switchboard simulate --target ...): var/run/sim.pid,
# var/log/sim.log. Source after common.sh.
#
#   sb_sim_start BIN API KEY   start unless it runs
#   sb_sim_stop                stop it if it runs

sb_sim_start() {
  local bin=$1 api=$2 key=$3 pid
  local pidfile="$SB_RUN/sim.pid"
  mkdir -p "$SB_RUN" "$SB_LOG"
  if pid=$(sb_pidfile_alive "$pidfile" switchboard); then
    sb_info "simulator already running (pid $pid)"
    return 0
  fi
  # A new seed each start: the same seed would send the call ids of the last
  # start again, and the node drops signals of calls it has seen end.
  local seed
  seed=$(date +%s)
  printf '\n=== %s: ops/up starts the simulator (seed %s) ===\n' \
    "$(date -Is)" "$seed" >>"$SB_LOG/sim.log"
  # The key goes in the environment, not on the command line, where ps shows it.
  (cd "$SB_ROOT" && SB_ADMIN_KEY=$key exec setsid "$bin" simulate \
    --target "$api" --rate 2 --concurrency 30 --agents 3 --duration 0 \
    --seed "$seed" \
    >>"$SB_LOG/sim.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$pidfile"
  sb_info "simulator started (pid $pid, log: var/log/sim.log)"
}

sb_sim_stop() {
  local pidfile="$SB_RUN/sim.pid"
  [[ -e $pidfile ]] || return 0
  sb_stop_pidfile "$pidfile" switchboard 10 simulator
}
