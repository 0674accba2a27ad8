#!/usr/bin/env bash
# The destination's ingest limit: how fast one local docker-registry accepts blob bytes
# when nothing but curl feeds it. INGEST_BLOBS random blobs of INGEST_SIZE bytes are
# uploaded monolithically (POST, then one PUT with the digest) by P curl processes at once,
# for each P in INGEST_PARALLEL, into a fresh registry each time. The copy benchmarks
# (big_blob.sh, w2_sync.sh) are measured against this: a copier can at best match it.
# (Expect: is cleared: curl would otherwise wait a second for "100 Continue" per PUT.
# --upload-file streams the blob; --data-binary would read all of it into memory first.)
# Usage: bench/e2e/ingest_limit.sh                    (8 × 32 MiB; P = 1 2 4 8)
#        INGEST_BLOBS=1 INGEST_SIZE=2147483648 INGEST_PARALLEL=1 bench/e2e/ingest_limit.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
blobs=${INGEST_BLOBS:-8}
size=${INGEST_SIZE:-33554432}
read -r -a parallel_levels <<<"${INGEST_PARALLEL:-1 2 4 8}"
source "$root/tools/setup/registries.sh"

for ((i = 0; i < blobs; i++)); do
  head -c "$size" /dev/urandom >"$work/blob-$i"
  sha256sum "$work/blob-$i" | awk '{ print "sha256:" $1 }' >"$work/blob-$i.digest"
done

upload() {  # registry blob-index -> one monolithic upload, fails on any non-201
  local registry=$1 i=$2 location separator status
  location=$(curl -sS -X POST -D - -o /dev/null "http://$registry/v2/ingest/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
  [[ $location == /* ]] && location="http://$registry$location"
  [[ $location == *\?* ]] && separator='&' || separator='?'
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT \
    -H 'Content-Type: application/octet-stream' -H 'Expect:' --upload-file "$work/blob-$i" \
    "$location${separator}digest=$(cat "$work/blob-$i.digest")")
  [[ $status == 201 ]] || { echo "upload of blob $i: HTTP $status" >&2; return 1; }
}

upload_all() {  # registry parallel
  local registry=$1 parallel=$2
  seq 0 $((blobs - 1)) | xargs -P "$parallel" -I{} bash -c "$(declare -f upload); work=$work upload $registry {}"
}

echo "Ingest limit: $blobs blobs × $size bytes, monolithic PUTs by curl"
echo
echo "| uploads at once | wall s | MiB/s |"
echo "|---|---|---|"
for parallel in "${parallel_levels[@]}"; do
  registry=$(start_registry "ingest-$parallel")
  started=$(date +%s.%N)
  upload_all "$registry" "$parallel"
  finished=$(date +%s.%N)
  awk -v s="$started" -v f="$finished" -v p="$parallel" -v bytes=$((blobs * size)) \
    'BEGIN { t = f - s; printf "| %d | %.2f | %.1f |\n", p, t, bytes / t / 1048576 }'
  kill "$(cat "$work/ingest-$parallel.pid")"
  rm -rf "${work:?}/ingest-$parallel"
done
