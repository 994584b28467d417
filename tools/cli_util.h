// Helpers shared by the mmdb tool's commands: how keys and values are read
// from the command line and printed, and how the DB is opened.
//
// Bytes on the command line are text in which "\xNN" is one byte and "\\"
// a backslash, or hex digits with --hex. Printed bytes use the same text
// form (printable ASCII as is, everything else "\xNN"), or hex with --hex,
// so whatever the tool prints can be passed back to it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <mmdb/db.h>
#include <mmdb/status.h>

namespace mmdb::tools {

// Options every command sees.
struct GlobalArgs {
  std::string db;    // --db or MMDB_DB; required by every command on a DB
  bool hex = false;  // keys and values in and out as hex
};

// Decodes a command-line argument (see the top). InvalidArgument naming
// `what` on a bad escape or bad hex.
Status ParseBytes(std::string_view arg, bool hex, std::string_view what, std::string* out);
// The printable form of `bytes` (see the top).
std::string FormatBytes(std::string_view bytes, bool hex);

// Opens the DB of `args` for reading only (works beside a running writer).
Status OpenReadOnly(const GlobalArgs& args, std::unique_ptr<DB>* db);
// Opens the DB of `args` for writing; `create` makes it when missing.
Status OpenReadWrite(const GlobalArgs& args, bool create, std::unique_ptr<DB>* db);

// Writes `text` and a newline to stdout (for output that may hold NULs).
void PrintLine(std::string_view text);

}  // namespace mmdb::tools
