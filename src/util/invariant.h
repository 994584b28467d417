// MMDB_INVARIANT(cond): an expensive internal consistency check (sorted
// iterator output, skiplist links, level non-overlap). Compiled in only when
// the build defines MMDB_INVARIANTS (the build `make test` uses), where a
// failure aborts with the location. `assert` is for cheap checks of our own
// bugs; bad bytes on disk are never checked with either: they get a Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#if defined(MMDB_INVARIANTS)
#define MMDB_INVARIANT(cond)                                                            \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
#define MMDB_INVARIANTS_ENABLED 1
#else
#define MMDB_INVARIANT(cond) \
  do {                       \
  } while (0)
#define MMDB_INVARIANTS_ENABLED 0
#endif
