# shellcheck shell=bash disable=SC2034
# Shared helpers for the ops/ scripts. Source it; do not run it.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Defines SB_ROOT (the repository), SB_VAR (var/ under it, where every local
# service keeps its data, logs and pid files), SB_BUILD_DIR, logging helpers,
# loopback port helpers and pid-file helpers. Everything listens on 127.0.0.1.

SB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SB_VAR="$SB_ROOT/var"
SB_BUILD_DIR="${SB_BUILD_DIR:-$SB_ROOT/build}"
SB_RUN="$SB_VAR/run"
SB_LOG="$SB_VAR/log"
# nats-server is in /usr/sbin, which a normal user's PATH lacks.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

sb_script="ops/$(basename "$0")"

sb_info() { printf '%s: %s\n' "$sb_script" "$*"; }
sb_warn() { printf '%s: warning: %s\n' "$sb_script" "$*" >&2; }
sb_die() {
  printf '%s: error: %s\n' "$sb_script" "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo
# without a password prompt (CI has no stdin).
sb_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n -- "$@"
  else
    sb_die "need root for: $* (run as root or install sudo)"
  fi
}

# --- ports ------------------------------------------------------------------

# True when something listens on TCP port $1 (any address, IPv4 or IPv6) or
# accepts a connection on 127.0.0.1:$1.
sb_port_taken() {
  local port=$1 hex
  hex=$(printf '%04X' "$port")
  if awk -v p=":$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p \
       { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 \
       2>/dev/null; then
    return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Prints the port to use for a service: $2 (an explicit port from the
# environment) if set, failing when it is taken; else the first free port
# from $3 upwards. $1 names the service for messages.
sb_pick_port() {
  local what=$1 explicit=$2 port=$3 last
  if [[ -n $explicit ]]; then
    [[ $explicit =~ ^[0-9]+$ ]] || sb_die "$what: port '$explicit' is not a number"
    sb_port_taken "$explicit" && sb_die "$what: port $explicit is already in use"
    echo "$explicit"
    return
  fi
  last=$((port + 100))
  while ((port < last)); do
    if ! sb_port_taken "$port"; then
      echo "$port"
      return
    fi
    port=$((port + 1))
  done
  sb_die "$what: no free port in $3..$((last - 1))"
}

# True when 127.0.0.1:$1 accepts a connection.
sb_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $2 seconds for 127.0.0.1:$1 to accept connections. With $3 (a
# pid) it gives up early when that process dies.
sb_wait_port() {
  local port=$1 pid=${3:-} deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    sb_port_open "$port" && return 0
    if [[ -n $pid ]] && ! sb_alive "$pid"; then
      return 1
    fi
    sleep 0.2
  done
  return 1
}

# --- processes and pid files ------------------------------------------------

# True when process $1 exists and is not a zombie (an exited child that pid 1
# has not reaped yet still answers kill -0).
sb_alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# True when pid $1 is alive and its command line contains $2.
sb_pid_is() {
  local pid=$1 name=$2 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  sb_alive "$pid" || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$name"* ]]
}

# Prints the pid stored in pid file $1 when that process is alive and its
# command line contains $2; fails otherwise (and removes a stale pid file).
sb_pidfile_alive() {
  local file=$1 name=$2 pid
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null || true)
  if sb_pid_is "$pid" "$name"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

# Stops pid $1: SIGTERM, then SIGKILL after $2 seconds. $3 names it.
sb_kill_pid() {
  local pid=$1 grace=$2 label=$3 deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + grace))
  while sb_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if sb_alive "$pid"; then
    sb_warn "$label (pid $pid) ignored SIGTERM for ${grace}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  sb_info "stopped $label (pid $pid)"
}

# Stops the process in pid file $1 if its command line contains $2 (so a
# recycled pid is left alone): SIGTERM, then SIGKILL after $3 seconds
# (default 10). Removes the pid file. $4 names it (default $2).
sb_stop_pidfile() {
  local file=$1 name=$2 grace=${3:-10} label=${4:-$2} pid
  if pid=$(sb_pidfile_alive "$file" "$name"); then
    sb_kill_pid "$pid" "$grace" "$label"
  fi
  rm -f "$file"
}

# Prints the last lines of log file $1 to stderr.
sb_log_tail() {
  local file=$1 n=${2:-40}
  if [[ -f $file ]]; then
    printf -- '--- last %s lines of %s ---\n' "$n" "$file" >&2
    tail -n "$n" "$file" >&2
    printf -- '---\n' >&2
  else
    printf '(no log file %s)\n' "$file" >&2
  fi
}

# --- var/env ----------------------------------------------------------------

# Prints variable $1 from var/env (empty when unset or no file).
sb_env_get() {
  local name=$1
  [[ -f $SB_VAR/env ]] || return 0
  # var/env is ours (written by ops/up with printf %q); read it in a subshell
  # with only that variable.
  (
    unset "$name"
    # shellcheck disable=SC1091
    . "$SB_VAR/env" >/dev/null 2>&1 || true
    printf '%s' "${!name:-}"
  )
}

# Prints the calling script's header comment (its usage).
sb_usage() {
  awk 'NR == 1 || /^# shellcheck/ { next }
       /^#/ { sub(/^# ?/, ""); print; next }
       { exit }' "$0"
}
