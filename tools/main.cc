// mmdb: the command-line tool. `mmdb --db DIR [--hex] <command> ...`;
// `mmdb --help` and `mmdb <command> --help` describe every command
// (docs/tools.md has examples).
//
// Exit codes: 0 success; 1 the key of `get` does not exist; 2 any error
// (bad arguments, no DB, I/O error, corruption found by verify or a dump).
// Every error prints one line "mmdb: <message>" on stderr.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <mmdb/version.h>

#include "tools/commands.h"
#include "util/result.h"

namespace {

using mmdb::Status;
using mmdb::tools::GlobalArgs;

constexpr int kExitNotFound = 1;
constexpr int kExitError = 2;

// Adds --prefix / --from / --to to `cmd`; they are decoded after parsing.
struct RangeFlags {
  std::string prefix, from, to;
  CLI::Option* prefix_opt = nullptr;
  CLI::Option* from_opt = nullptr;
  CLI::Option* to_opt = nullptr;

  void AddTo(CLI::App* cmd, bool with_prefix) {
    if (with_prefix) prefix_opt = cmd->add_option("--prefix", prefix, "only keys with this prefix");
    from_opt = cmd->add_option("--from", from, "first key (inclusive)");
    to_opt = cmd->add_option("--to", to, "end key (exclusive)");
    if (prefix_opt != nullptr) {
      prefix_opt->excludes(from_opt);
      prefix_opt->excludes(to_opt);
    }
  }

  Status Decode(const GlobalArgs& g, mmdb::tools::RangeArgs* out) const {
    if (prefix_opt != nullptr && prefix_opt->count() > 0) {
      MMDB_RETURN_IF_ERROR(mmdb::tools::ParseBytes(prefix, g.hex, "--prefix", &out->prefix));
    }
    std::string bytes;
    if (from_opt->count() > 0) {
      MMDB_RETURN_IF_ERROR(mmdb::tools::ParseBytes(from, g.hex, "--from", &bytes));
      out->from = bytes;
    }
    if (to_opt->count() > 0) {
      MMDB_RETURN_IF_ERROR(mmdb::tools::ParseBytes(to, g.hex, "--to", &bytes));
      out->to = bytes;
    }
    return Status::OK();
  }
};

int Run(int argc, char** argv) {
  CLI::App app{"mmdb: inspect, query and maintain an MMDB database"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command
  GlobalArgs g;
  app.set_version_flag("--version", std::string("mmdb ") + MMDB_VERSION_STRING);
  app.add_option("--db", g.db, "database directory (or the MMDB_DB environment variable)")
      ->envname("MMDB_DB");
  app.add_flag("--hex", g.hex, "keys and values are hex, in arguments and in output");

  auto* get = app.add_subcommand("get", "print the value of KEY (exit 1 when absent)");
  auto* put = app.add_subcommand("put", "set KEY to VALUE (creates the DB when missing)");
  auto* del = app.add_subcommand("delete", "delete KEY");
  auto* delrange = app.add_subcommand("delete-range", "delete every key in [BEGIN, END)");
  auto* scan = app.add_subcommand("scan", "print key<TAB>value lines in key order");
  auto* count = app.add_subcommand("count", "print the number of keys (in a range)");
  auto* compact =
      app.add_subcommand("compact", "compact the range down to the deepest level holding data");
  auto* flush = app.add_subcommand("flush", "write the memtables to L0 files");
  auto* stats = app.add_subcommand("stats", "print mmdb.levelstats and mmdb.stats");
  auto* property = app.add_subcommand("property", "print one property (e.g. mmdb.sstables)");
  auto* verify = app.add_subcommand("verify", "read every block of every file, check checksums");
  auto* repair = app.add_subcommand(
      "repair", "rebuild the MANIFEST from the tables and WALs that survive (see docs/tools.md)");
  auto* checkpoint = app.add_subcommand("checkpoint", "make DEST an openable copy of the DB");
  auto* ingest = app.add_subcommand("ingest", "add SST files written by SstFileWriter");
  auto* dump_sst = app.add_subcommand("dump-sst", "decode an SST file");
  auto* dump_wal = app.add_subcommand("dump-wal", "decode a WAL file");
  auto* dump_manifest =
      app.add_subcommand("dump-manifest", "decode a MANIFEST (default: the DB's current one)");
  auto* bench = app.add_subcommand("bench", "fillrandom, readrandom, readseq on --db");

  std::string key, value, begin, end, name, dest, file;
  get->add_option("key", key, "key")->required();
  put->add_option("key", key, "key")->required();
  put->add_option("value", value, "value")->required();
  del->add_option("key", key, "key")->required();
  delrange->add_option("begin", begin, "first key deleted")->required();
  delrange->add_option("end", end, "first key kept")->required();
  RangeFlags scan_range, count_range, compact_range;
  mmdb::tools::ScanArgs scan_args;
  scan_range.AddTo(scan, true);
  scan->add_flag("--reverse", scan_args.reverse, "from the last key backwards");
  scan->add_option("--limit", scan_args.limit, "print at most N entries");
  scan->add_flag("--keys-only", scan_args.keys_only, "print keys only");
  count_range.AddTo(count, true);
  compact_range.AddTo(compact, false);
  property->add_option("name", name, "property name")->required();
  checkpoint->add_option("dest", dest, "directory to create")->required();
  std::vector<std::string> files;
  ingest->add_option("files", files, "SST files")->required();
  dump_sst->add_option("file", file, "SST file")->required();
  dump_wal->add_option("file", file, "WAL file")->required();
  dump_manifest->add_option("file", file, "MANIFEST file");
  mmdb::tools::BenchArgs bench_args;
  bench->add_option("--num", bench_args.num, "keys")->capture_default_str();
  bench->add_option("--value_size", bench_args.value_size, "bytes per value")
      ->capture_default_str();
  bench->add_option("--seed", bench_args.seed, "random seed")->capture_default_str();

  // The first word that is not an option (or --db's value) names the
  // command: say so when it names none, rather than "a subcommand is
  // required".
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.starts_with("-")) continue;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == arg;
    }
    if (!known) {
      std::fprintf(stderr, "mmdb: unknown command '%s' (see mmdb --help)\n", arg.c_str());
      return kExitError;
    }
    break;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "mmdb: %s (see mmdb --help)\n", e.what());
    return kExitError;
  }

  namespace t = mmdb::tools;
  // Every command but the dumps of a named file works on --db.
  const bool names_a_file =
      dump_sst->parsed() || dump_wal->parsed() || (dump_manifest->parsed() && !file.empty());
  if (g.db.empty() && !names_a_file) {
    std::fprintf(stderr, "mmdb: --db DIR is required (or set MMDB_DB)\n");
    return kExitError;
  }
  auto bytes = [&](const std::string& arg, const char* what, std::string* out) {
    return t::ParseBytes(arg, g.hex, what, out);
  };
  Status s;
  std::string k, v;
  if (get->parsed()) {
    s = bytes(key, "key", &k);
    if (s.ok()) s = t::GetKey(g, k);
  } else if (put->parsed()) {
    s = bytes(key, "key", &k);
    if (s.ok()) s = bytes(value, "value", &v);
    if (s.ok()) s = t::PutKey(g, k, v);
  } else if (del->parsed()) {
    s = bytes(key, "key", &k);
    if (s.ok()) s = t::DeleteKey(g, k);
  } else if (delrange->parsed()) {
    s = bytes(begin, "begin", &k);
    if (s.ok()) s = bytes(end, "end", &v);
    if (s.ok()) s = t::DeleteRange(g, k, v);
  } else if (scan->parsed()) {
    s = scan_range.Decode(g, &scan_args.range);
    if (s.ok()) s = t::Scan(g, scan_args);
  } else if (count->parsed()) {
    t::RangeArgs range;
    s = count_range.Decode(g, &range);
    if (s.ok()) s = t::Count(g, range);
  } else if (compact->parsed()) {
    t::RangeArgs range;
    s = compact_range.Decode(g, &range);
    if (s.ok()) s = t::Compact(g, range);
  } else if (flush->parsed()) {
    s = t::FlushDB(g);
  } else if (stats->parsed()) {
    s = t::PrintStats(g);
  } else if (property->parsed()) {
    s = t::PrintProperty(g, name);
  } else if (verify->parsed()) {
    s = t::Verify(g);
  } else if (repair->parsed()) {
    s = t::Repair(g);
  } else if (checkpoint->parsed()) {
    s = t::Checkpoint(g, dest);
  } else if (ingest->parsed()) {
    s = t::Ingest(g, files);
  } else if (dump_sst->parsed()) {
    s = t::DumpSst(g, file);
  } else if (dump_wal->parsed()) {
    s = t::DumpWal(g, file);
  } else if (dump_manifest->parsed()) {
    s = t::DumpManifest(g, file);
  } else if (bench->parsed()) {
    s = t::RunBench(g, bench_args);
  }
  std::fflush(stdout);
  if (!s.ok()) {
    std::fprintf(stderr, "mmdb: %s\n", s.ToString().c_str());
    return s.IsNotFound() && get->parsed() ? kExitNotFound : kExitError;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // e.g. bad_alloc: still one line, no trace
    std::fprintf(stderr, "mmdb: %s\n", e.what());
    return kExitError;
  }
}
