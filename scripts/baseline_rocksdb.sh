#!/usr/bin/env bash
# Builds a release (-O2 -DNDEBUG) RocksDB for mmdb_bench, once, into a cache
# folder outside the repository. Debian's librocksdb-dev is compiled with
# assertions enabled, which makes it noticeably slower than a release build;
# comparing MMDB against it would flatter MMDB.
#
# Source: the Debian source package of the installed librocksdb-dev version
# (`apt-get source rocksdb`, adding a deb-src entry if the system has none),
# so the headers match the Debian library exactly. If apt cannot fetch the
# source, the upstream v7.8.3 release tarball is used instead.
#
# Only the static library is built (no tests, tools or benchmarks), with
# snappy, lz4, zstd and zlib. The build is deliberately gentle on a shared
# machine: `nice -n 19` and one compile job unless MMDB_BASELINE_JOBS says
# otherwise. A finished build leaves $PREFIX/.complete; rerunning is a no-op.
#
# Usage: scripts/baseline_rocksdb.sh            build if missing
#        MMDB_ROCKSDB_RELEASE_DIR=DIR scripts/baseline_rocksdb.sh
set -euo pipefail

ROOT="${MMDB_ROCKSDB_RELEASE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mmdb/rocksdb-release}"
PREFIX="$ROOT/install"
SRC_PARENT="$ROOT/src"
BUILD="$ROOT/build"
JOBS="${MMDB_BASELINE_JOBS:-1}"
UPSTREAM_VERSION="7.8.3"
UPSTREAM_URL="https://github.com/facebook/rocksdb/archive/refs/tags/v${UPSTREAM_VERSION}.tar.gz"

log() { echo "baseline-rocksdb: $*" >&2; }

if [ -f "$PREFIX/.complete" ]; then
  log "already built: $PREFIX ($(cat "$PREFIX/.complete"))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

mkdir -p "$SRC_PARENT" "$BUILD"

# True when some apt source list offers source packages.
have_deb_src() {
  grep -rqsE '^(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

# Adds a deb-src entry mirroring the first enabled Debian main repository.
add_deb_src() {
  local suite
  suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  log "adding deb-src for $suite (/etc/apt/sources.list.d/mmdb-deb-src.sources)"
  $SUDO tee /etc/apt/sources.list.d/mmdb-deb-src.sources >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  $SUDO apt-get update -qq
}

# Prints the unpacked source directory, or fails.
fetch_debian_source() {
  command -v dpkg-source >/dev/null || $SUDO apt-get install -y -qq dpkg-dev >&2
  have_deb_src || add_deb_src >&2
  local dir
  dir="$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'rocksdb-*' | head -n1)"
  if [ -z "$dir" ]; then
    (cd "$SRC_PARENT" && apt-get source -qq rocksdb >&2)
    dir="$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'rocksdb-*' | head -n1)"
  fi
  [ -n "$dir" ] || return 1
  echo "$dir"
}

fetch_upstream_source() {
  local dir="$SRC_PARENT/rocksdb-$UPSTREAM_VERSION"
  if [ ! -d "$dir" ]; then
    log "fetching $UPSTREAM_URL"
    curl -fsSL "$UPSTREAM_URL" | tar -xz -C "$SRC_PARENT"
  fi
  echo "$dir"
}

ORIGIN="debian"
if ! SRC="$(fetch_debian_source)"; then
  log "apt-get source failed; falling back to upstream v$UPSTREAM_VERSION"
  ORIGIN="upstream"
  SRC="$(fetch_upstream_source)"
fi
log "source: $SRC ($ORIGIN)"

if [ ! -f "$BUILD/build.ninja" ]; then
  # -O2 -DNDEBUG like MMDB's release build; PORTABLE like Debian's library
  # (no -march=native for either engine). RTTI stays on so mmdb_bench can
  # subclass rocksdb::CompactionFilter.
  nice -n 19 cmake -S "$SRC" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" \
    -DPORTABLE=ON -DFAIL_ON_WARNINGS=OFF -DUSE_RTTI=ON \
    -DWITH_TESTS=OFF -DWITH_TOOLS=OFF -DWITH_CORE_TOOLS=OFF \
    -DWITH_BENCHMARK_TOOLS=OFF -DWITH_GFLAGS=OFF -DWITH_ALL_TESTS=OFF \
    -DROCKSDB_BUILD_SHARED=OFF \
    -DWITH_SNAPPY=ON -DWITH_LZ4=ON -DWITH_ZSTD=ON -DWITH_ZLIB=ON \
    -DWITH_BZ2=OFF -DWITH_JEMALLOC=OFF -DWITH_LIBURING=OFF
fi

log "compiling with $JOBS job(s) at nice 19 (this takes a long time)"
nice -n 19 cmake --build "$BUILD" -j "$JOBS" --target rocksdb
nice -n 19 cmake --install "$BUILD" >/dev/null
echo "$ORIGIN $(basename "$SRC") -O2 -DNDEBUG $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$PREFIX/.complete"
log "done: $PREFIX"
