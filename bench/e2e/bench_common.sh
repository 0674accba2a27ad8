# Sourced by the end-to-end benchmarks after tools/setup/registries.sh (which sets $work).
# proxied NAME UPSTREAM DELAY_MS [PORT]: starts a faultproxy adding DELAY_MS before each
# request and each new upstream connection (a distant registry) and prints its HOST:PORT;
# its pid goes where stop_registries finds it, and its summary (connections, requests
# delayed) to $work/NAME.out when it stops.
# proxy_summary NAME: stops that proxy and prints "CLIENT-CONNECTIONS REQUESTS".
# skopeo_source FLEET-LIST PREFIX REGISTRY: skopeo sync's YAML source listing every
# repository of a fleetgen --list with its tags.
proxied() {
  local name=$1 upstream=$2 delay=$3 port=${4:-0}
  "$build/tools/faultproxy" --port "$port" --upstream "$upstream" --quiet \
    --fault "latency delay-ms=$delay" >"$work/$name.out" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$work/$name.out"; then
      sed -n 's/^listening on //p' "$work/$name.out"
      return
    fi
    sleep 0.1
  done
  echo "faultproxy $name did not start; see $work/$name.out" >&2
  return 1
}

proxy_summary() {
  local name=$1 pid
  pid=$(cat "$work/$name.pid")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$work/$name.pid"
  awk '/client connections/ { c = $2 } /rule 1 fired/ { r = $5 } END { print c + 0, r + 0 }' \
    "$work/$name.out"
}

skopeo_source() {
  local list=$1 prefix=$2 registry=$3
  echo "$registry:"
  echo "  tls-verify: false"
  echo "  images:"
  awk -F'[: ]' -v prefix="^$prefix/" '$0 ~ prefix {
      tags[$1] = tags[$1] (tags[$1] == "" ? "" : ", ") "\"" $2 "\"" }
    END { for (repo in tags) print "    " repo ": [" tags[repo] "]" }' "$list" | sort
}
