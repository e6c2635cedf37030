# shellcheck shell=bash disable=SC2034
# The local PostgreSQL 15 cluster under var/pg. Source after common.sh.
#
#   sb_pg_start   initdb on first use, start unless it already runs, create
#                 role and database "switchboard"; sets SB_PG_PORT_USED and
#                 SB_PG_FRESH (1 when the cluster was just created)
#   sb_pg_stop    pg_ctl stop -m fast (keeps var/pg)
#
# initdb and postgres refuse to run as root, so when we are root they run as
# the "postgres" OS user that the postgresql-15 package creates, and var/pg
# belongs to that user. When we are not root they run as us.

SB_PG_BIN=/usr/lib/postgresql/15/bin
SB_PG_DIR="$SB_VAR/pg"
SB_PG_PID="$SB_RUN/postgres.pid"

# The cluster's real directory (var/pg resolved: it may be a symlink, see
# sb_pg_prepare_dir). The cluster user gets resolved paths only.
sb_pg_real() { readlink -f "$SB_PG_DIR"; }

# Runs a command as the cluster's OS user, from / (our cwd may be unreadable
# for that user).
sb_as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# Creates var/pg owned by the cluster user. When that user cannot reach the
# repository (e.g. it lives under /root, mode 700), the cluster goes to
# /var/lib/switchboard/<hash>/pg instead and var/pg is a symlink to it.
sb_pg_prepare_dir() {
  [[ -x $SB_PG_BIN/initdb ]] || sb_die "$SB_PG_BIN/initdb missing; run ops/install-deps"
  mkdir -p "$SB_VAR" "$SB_LOG" "$SB_RUN"
  chmod 755 "$SB_VAR" "$SB_LOG" "$SB_RUN"
  [[ $EUID -eq 0 ]] || { mkdir -p "$SB_PG_DIR"; chmod 700 "$SB_PG_DIR"; return 0; }
  id postgres >/dev/null 2>&1 ||
    sb_die "no 'postgres' OS user (it comes with postgresql-15; run ops/install-deps)"

  if [[ ! -e $SB_PG_DIR ]] && ! sb_as_pg test -x "$SB_VAR"; then
    local alt
    alt="/var/lib/switchboard/$(printf '%s' "$SB_ROOT" | sha1sum | cut -c1-12)/pg"
    sb_warn "user postgres cannot reach $SB_VAR (a parent directory is not" \
      "traversable); keeping the cluster in $alt, linked from var/pg"
    mkdir -p "$alt"
    chmod 755 "$(dirname "$alt")" "$(dirname "$(dirname "$alt")")"
    ln -s "$alt" "$SB_PG_DIR"
  fi
  mkdir -p "$SB_PG_DIR"
  chown postgres:postgres "$(readlink -f "$SB_PG_DIR")"
  chmod 700 "$(readlink -f "$SB_PG_DIR")"
  sb_as_pg test -w "$(sb_pg_real)/" ||
    sb_die "user postgres cannot write $(sb_pg_real)"
}

# True when the cluster in var/pg runs.
sb_pg_running() {
  local data
  data="$(sb_pg_real)/data"
  [[ -f $data/postmaster.pid ]] || return 1
  sb_alive "$(head -n1 "$data/postmaster.pid")" || return 1
  sb_as_pg "$SB_PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# Prints the port of the running cluster (line 4 of postmaster.pid).
sb_pg_running_port() { sed -n 4p "$(sb_pg_real)/data/postmaster.pid"; }

# psql as role switchboard over TCP (trust auth on loopback), database $1.
sb_psql() {
  local db=$1
  shift
  "$SB_PG_BIN/psql" -X -v ON_ERROR_STOP=1 -q -t -A \
    "postgresql://switchboard@127.0.0.1:$SB_PG_PORT_USED/$db" "$@"
}

sb_pg_start() {
  local port real data logfile
  SB_PG_FRESH=0
  sb_pg_prepare_dir
  real=$(sb_pg_real)
  data="$real/data"
  logfile="$real/postgres.log"
  ln -sfn ../pg/postgres.log "$SB_LOG/postgres.log"

  if sb_pg_running; then
    port=$(sb_pg_running_port)
    sb_port_open "$port" ||
      sb_die "postgres runs in $data but does not answer on port $port; run ops/down"
    sb_info "postgres already running (port $port)"
  else
    if [[ ! -f $data/PG_VERSION ]]; then
      sb_info "initdb $data"
      # Local development cluster: trust authentication, and it listens on
      # 127.0.0.1 only (no unix socket), so only local users can connect.
      # The superuser is named switchboard, as in the integration tests, so
      # migrations behave the same here and there.
      if ! sb_as_pg "$SB_PG_BIN/initdb" -D "$data" -U switchboard \
          -A trust -E UTF8 --locale=C --no-instructions \
          >"$SB_LOG/initdb.log" 2>&1; then
        sb_log_tail "$SB_LOG/initdb.log"
        sb_die "initdb failed (log: $SB_LOG/initdb.log)"
      fi
      SB_PG_FRESH=1
    fi
    # A postmaster that died (kill -9, reboot) leaves postmaster.pid; when its
    # pid is a zombie nobody reaped, postgres would take it for alive. Its
    # orphaned backends, if any, are still caught by postgres' own shared
    # memory check.
    if [[ -f $data/postmaster.pid ]]; then
      sb_warn "removing stale $data/postmaster.pid (pid $(head -n1 "$data/postmaster.pid") is gone)"
      rm -f "$data/postmaster.pid"
    fi
    port=$(sb_pick_port "postgres port" "${SB_PG_PORT:-}" 5433)
    sb_info "starting postgres on 127.0.0.1:$port"
    if ! sb_as_pg "$SB_PG_BIN/pg_ctl" -D "$data" -l "$logfile" \
        -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=''" \
        start >/dev/null; then
      sb_log_tail "$logfile"
      sb_die "postgres did not start (log: $SB_LOG/postgres.log)"
    fi
  fi
  head -n1 "$data/postmaster.pid" >"$SB_PG_PID"
  SB_PG_PORT_USED=$port

  if [[ -z $(sb_psql postgres -c "select 1 from pg_database where datname = 'switchboard'") ]]; then
    sb_info "creating database switchboard"
    sb_psql postgres -c "create database switchboard owner switchboard"
  fi
}

sb_pg_stop() {
  if [[ -d $SB_PG_DIR ]] && sb_pg_running; then
    sb_as_pg "$SB_PG_BIN/pg_ctl" -D "$(sb_pg_real)/data" stop -m fast -w -t 60 >/dev/null
    sb_info "stopped postgres"
  fi
  rm -f "$SB_PG_PID"
}
