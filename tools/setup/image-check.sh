#!/usr/bin/env bash
# The full image check (not run by CI: it downloads Debian and builds regmigrate from scratch,
# tens of minutes). Without a container engine:
#   1. debootstraps a minimal Debian 12 root (cached in $REGMIGRATE_IMAGE_WORK/base), the
#      stand-in for debian:bookworm and debian:bookworm-slim, with the images' apt sources;
#   2. replays tools/deploy/Dockerfile's stages on copies of it (tools/setup/image_build.py:
#      COPY honours .dockerignore, each RUN runs in a chroot as root);
#   3. runs the image's regmigrate, as the image's user, for --version and a `copy` between
#      two docker-registry processes on 127.0.0.1 (a sample image pushed by skopeo), checking
#      that the digest arrived unchanged;
#   4. in the build stage, `cmake --install` into a scratch prefix and `cpack` (the .deb),
#      then installs the .deb with apt into a fresh copy of the Debian root and runs the
#      same copy with /usr/bin/regmigrate there.
# Usage: tools/setup/image-check.sh          (as root; needs debootstrap, docker-registry, skopeo)
#   REGMIGRATE_IMAGE_WORK   where the roots go (default /var/tmp/regmigrate-image-check)
#   REGMIGRATE_IMAGE_REUSE  1: keep the stages a previous run built (skips step 2)
#   REGMIGRATE_DEBIAN_MIRROR  default http://deb.debian.org/debian
# shellcheck disable=SC2016 # single-quoted commands are expanded by the chroot's shell
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
image_work=${REGMIGRATE_IMAGE_WORK:-/var/tmp/regmigrate-image-check}
mirror=${REGMIGRATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
stages=$image_work/stages
if [[ $(id -u) -ne 0 ]]; then
  echo "image-check: run as root (debootstrap and chroot need it)" >&2
  exit 2
fi
step() { echo "== image-check: $*"; }
in_root() { python3 "$root/tools/setup/image_build.py" --run "$@"; }

command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap
mkdir -p "$image_work"
if [[ ! -d $image_work/base ]]; then
  step "debootstrap bookworm (minbase) into $image_work/base"
  rm -rf "$image_work/base.tmp"
  debootstrap --variant=minbase bookworm "$image_work/base.tmp" "$mirror"
  # The debian:bookworm images' sources: the release, its updates and security.
  rm -f "$image_work/base.tmp/etc/apt/sources.list"
  cat >"$image_work/base.tmp/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  mv "$image_work/base.tmp" "$image_work/base"
fi

if [[ ${REGMIGRATE_IMAGE_REUSE:-0} == 1 && -f $stages/image.json ]]; then
  step "reusing the stages built before in $stages"
else
  step "building tools/deploy/Dockerfile's stages into $stages"
  rm -f "$stages/image.json"
  python3 "$root/tools/setup/image_build.py" --base "$image_work/base" --context "$root" \
    --dockerfile "$root/tools/deploy/Dockerfile" --out "$stages"
fi
image_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$stages/image.json" "$1"; }
image_root=$(image_field root)
image_user=$(image_field user)
mapfile -t entrypoint < <(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["entrypoint"]))' "$stages/image.json")
build_root=$stages/build

step "the image: $image_root, user $image_user, entrypoint ${entrypoint[*]}"
du -sh --exclude=proc "$image_root" | sed 's/^/   size /'
in_root "$image_root" --user "$image_user" "${entrypoint[@]}" --version

# shellcheck source=tools/setup/registries.sh
source "$root/tools/setup/registries.sh"
source_registry=$(start_registry source)
destination_registry=$(start_registry destination)
python3 "$root/tools/setup/oci_sample.py" "$work/sample" v1 >"$work/sample.digest"
skopeo copy --quiet --dest-tls-verify=false oci:"$work/sample":v1 "docker://$source_registry/sample/app:v1"
echo "   source $source_registry/sample/app:v1 is $(cat "$work/sample.digest")"

# copy_and_check ROOT USER DEST_REPO REGMIGRATE...: copies the sample with that root's
# regmigrate and checks the destination serves the same digest.
copy_and_check() {
  local image=$1 user=$2 repository=$3 digest
  shift 3
  in_root "$image" --user "$user" "$@" copy "$source_registry/sample/app:v1" \
    "$destination_registry/$repository" --src-tls disabled --dest-tls disabled
  digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' \
    "docker://$destination_registry/$repository:v1")
  if [[ $digest != "$(cat "$work/sample.digest")" ]]; then
    echo "image-check: $destination_registry/$repository:v1 is $digest, not the source's digest" >&2
    return 1
  fi
  echo "   $destination_registry/$repository:v1 is $digest: the same"
}
step "copy with the image's regmigrate"
copy_and_check "$image_root" "$image_user" from-image/app "${entrypoint[@]}"

step "cmake --install from the build stage's tree"
in_root "$build_root" sh -c 'rm -rf /tmp/prefix && cmake --install /build --prefix /tmp/prefix \
  >/dev/null && cd /tmp/prefix && find . -type f | sort && ./bin/regmigrate --version'

step "cpack: the .deb, built in the build stage"
# cpack's own tool (file) is not in the image: installed from tools/setup/packages/package.txt.
cp "$root/tools/setup/packages/package.txt" "$build_root/setup/packages/"
in_root "$build_root" sh -c '/setup/install-deps.sh package >/dev/null'
# Packaging only: the binary is built; the other targets (fleetgen, faultproxy) are not needed.
in_root "$build_root" sh -c 'cmake -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON /build >/dev/null &&
  cd /build && cpack -G DEB >/dev/null && ls *.deb && dpkg-deb --field regmigrate_*.deb Package \
  Version Depends && dpkg-deb --contents regmigrate_*.deb | awk "{print \"   \" \$6}"'

step "the .deb on a fresh Debian root"
deb_root=$image_work/deb-root
python3 "$root/tools/setup/image_build.py" --fresh "$image_work/base" "$deb_root"
cp "$build_root"/build/regmigrate_*.deb "$deb_root/tmp/"
in_root "$deb_root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends /tmp/regmigrate_*.deb >/dev/null &&
  dpkg -s regmigrate | grep -E "^(Status|Version|Depends):" && command -v regmigrate &&
  regmigrate --version'
in_root "$deb_root" useradd --system --uid 10002 --create-home migrator
copy_and_check "$deb_root" 10002 from-deb/app /usr/bin/regmigrate
step "all passed"
