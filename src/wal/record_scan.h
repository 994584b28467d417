// CountIntactRecords: how many whole records a damaged log still holds past
// a point, for reporting what recovery dropped when it stopped at damage.
//
// Replay never resynchronises (keeping records after damage would reorder
// history); this scan does, only to count: a fragment whose checksum fails
// is stepped over by its length when that stays inside its block, else the
// scan moves to the next block; a record counts when its FULL fragment, or
// its FIRST, MIDDLEs and LAST in order, all pass their checksums.
//
// Owner: wal. Thread safety: pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace mmdb::wal {

// Records in `log` (the bytes of a whole log file) that start at or after
// `from`, the file offset of a fragment header (such as the damaged one a
// wal::Reader reported as bad_offset(): it fails its checksum and is not
// counted).
uint64_t CountIntactRecords(std::string_view log, uint64_t from);

}  // namespace mmdb::wal
