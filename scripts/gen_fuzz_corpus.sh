#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into BUILD_DIR/corpus/<target>/
# using the generator built with them (fuzz/gen_corpus.cc): well-formed WALs,
# WriteBatches, SSTs, VersionEdits / MANIFESTs and DB op sequences made by
# the engine's own writers. Nothing is committed: `make fuzz` reruns this.
#   usage: scripts/gen_fuzz_corpus.sh [BUILD_DIR]   (default build/fuzz)
set -euo pipefail
build="${1:-build/fuzz}"
gen="$build/fuzz/fuzz_gen_corpus"
if [ ! -x "$gen" ]; then
  echo "gen_fuzz_corpus: $gen not built (run make fuzz)" >&2
  exit 1
fi
rm -rf "$build/corpus"
"$gen" "$build/corpus"
for d in "$build"/corpus/*/; do
  echo "  $(basename "$d"): $(ls "$d" | wc -l) seeds"
done
