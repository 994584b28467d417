#!/usr/bin/env bash
# Users build with -Werror: every public header compiles clean under
# -Wall -Wextra -Wpedantic -Werror, alone and all together, as C++20 (and
# <mmdb/c.h> as C99 too).
#   public_headers_test.sh SOURCE_DIR CXX CC WORK_DIR
set -euo pipefail
src=$1 cxx=$2 cc=$3 work=$4
flags=(-Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$src/include")
rm -rf "$work" && mkdir -p "$work"
passed=0
all="$work/all.cc"
: > "$all"
for h in "$src"/include/mmdb/*.h; do
  name=$(basename "$h")
  echo "#include <mmdb/$name>" > "$work/$name.cc"
  echo "#include <mmdb/$name>" >> "$all"
  "$cxx" -std=c++20 "${flags[@]}" "$work/$name.cc"
  passed=$((passed + 1))
done
"$cxx" -std=c++20 "${flags[@]}" "$all"
echo '#include <mmdb/c.h>' > "$work/c.c"
"$cc" -std=c99 "${flags[@]}" "$work/c.c"
echo "$((passed + 2)) passed, 0 failed"
