# Sourced by the demo and the end-to-end benchmarks. start_registry NAME [schema1] starts a
# docker-registry on a free loopback port with storage under $work and prints HOST:PORT
# (with schema1: accepting signed schema1 manifests, which distribution 2.8 refuses by default);
# registry_cpu_seconds NAME... prints the CPU time (user + system) those processes used so
# far. Every registry started stops, and $work is removed, when the sourcing script exits.
# $work lies under REGMIGRATE_WORK_BASE (default /tmp): /dev/shm keeps the registries'
# storage in memory, which spares them the disk flushes docker-registry makes per write;
# REGMIGRATE_REGISTRY_STORAGE=inmemory uses distribution's in-memory driver instead of files.
work=$(mktemp -d "${REGMIGRATE_WORK_BASE:-/tmp}/regmigrate.XXXXXX")
stop_registries() {
  # start_registry runs inside $(...): its pids travel through files, not variables.
  for pidfile in "$work"/*.pid; do
    [[ -e "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.2
  rm -rf "$work"
}
trap stop_registries EXIT

start_registry() {
  local name=$1 port compatibility=""
  local storage="filesystem: {rootdirectory: $work/$name}"
  [[ "${REGMIGRATE_REGISTRY_STORAGE:-}" == inmemory ]] && storage="inmemory: {}"
  [[ "${2:-}" == schema1 ]] && compatibility="compatibility: {schema1: {enabled: true}}"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/$name"
  cat >"$work/$name.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {$storage, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
$compatibility
YAML
  docker-registry serve "$work/$name.yml" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v2/', timeout=1)" 2>/dev/null; then
      echo "127.0.0.1:$port"
      return
    fi
    sleep 0.1
  done
  echo "registry $name did not start; see $work/$name.log" >&2
  return 1
}

registry_cpu_seconds() {
  local name ticks=0 fields
  for name in "$@"; do
    # /proc/PID/stat: the command is field 2 and has no spaces here; utime and stime are 14, 15.
    read -r -a fields <"/proc/$(cat "$work/$name.pid")/stat"
    ticks=$((ticks + fields[13] + fields[14]))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
