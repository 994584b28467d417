#!/usr/bin/env bash
# Installs the Debian packages MMDB needs to build, test and benchmark.
# Idempotent: packages already present are not downloaded again, and apt's
# lists are refreshed only when something is missing.
#   --fuzz   also clang and its libFuzzer runtime (make fuzz)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  liblz4-dev libzstd-dev libdeflate-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libcli11-dev
  librocksdb-dev libleveldb-dev
  'librust-proptest+std-dev'   # the Rust crate's property test (rust/, offline)
)
# The Rust crates (rust/, docs/rust.md) need cargo >= 1.89. Use the one on
# PATH or in ~/.cargo/bin when there is one; else Debian's current Rust
# (cargo-web/rustc-web: /usr/bin/cargo, newer than Debian 12's `cargo`).
if ! command -v cargo >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  PACKAGES+=(cargo-web rustc-web)
fi
if [ "${1:-}" = "--fuzz" ]; then
  PACKAGES=(clang libclang-rt-dev llvm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install_deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
