#!/usr/bin/env bash
# Every C and C++ code block in README.md and docs/ is a whole program:
# extract each one, build it against this build's libmmdb.a, run it in a
# scratch directory, and fail on any block that does not build or run.
#   doc_examples.sh SOURCE_DIR LIBMMDB_A CXX CC WORK_DIR
set -euo pipefail
src=$1 lib=$2 cxx=$3 cc=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
libs=(-llz4 -lzstd -ldeflate -lxxhash -lpthread)
passed=0 failed=0
mapfile -t docs < <(cd "$src" && { echo README.md; find docs -name '*.md' | sort; })
for doc in "${docs[@]}"; do
  # Writes block N of language L as $work/<doc>.N.<cc|c>.
  awk -v out="$work/$(echo "$doc" | tr '/.' '__')" '
    /^```(cpp|c)$/ { lang = ($0 == "```cpp") ? "cc" : "c"; n++; file = out "." n "." lang; inblock = 1; next }
    /^```/ && inblock { inblock = 0; close(file); next }
    inblock { print > file }' "$src/$doc"
done
shopt -s nullglob
for block in "$work"/*.cc "$work"/*.c; do
  name=$(basename "$block")
  if ! grep -q 'int main(' "$block"; then
    echo "FAILED $name: not a whole program (no main)"; failed=$((failed + 1)); continue
  fi
  exe="$work/${name%.*}.bin"
  if [[ $block == *.cc ]]; then
    build=("$cxx" -std=c++20 -I"$src/include" -I"$src/src" "$block" "$lib" "${libs[@]}" -o "$exe")
  else
    build=(bash -c "$cc -std=c99 -I$src/include -c $block -o $exe.o && $cxx $exe.o $lib ${libs[*]} -o $exe")
  fi
  if ! "${build[@]}" > "$work/$name.build.log" 2>&1; then
    echo "FAILED $name: does not build"; cat "$work/$name.build.log"; failed=$((failed + 1)); continue
  fi
  mkdir -p "$work/$name.run"
  if ! (cd "$work/$name.run" && "$exe") > "$work/$name.run.log" 2>&1; then
    echo "FAILED $name: exits non-zero"; cat "$work/$name.run.log"; failed=$((failed + 1)); continue
  fi
  echo "ok     $name"
  passed=$((passed + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
