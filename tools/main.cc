// mmdb: the command-line tool. `mmdb --db DIR <command>`; `mmdb --help`.
// Commands here: bench (a quick fill/read/scan run), stats, get, put, delete,
// scan. Errors print one line and exit non-zero.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"mmdb: inspect and exercise an MMDB database"};
  app.require_subcommand(1);
  std::string db_path = "/tmp/mmdb-run";
  app.add_option("--db", db_path, "database directory")->capture_default_str();

  mmdb::tools::BenchArgs bench;
  auto* bench_cmd = app.add_subcommand("bench", "fillrandom, readrandom, readseq on --db");
  bench_cmd->add_option("--num", bench.num, "keys")->capture_default_str();
  bench_cmd->add_option("--value_size", bench.value_size, "bytes per value")->capture_default_str();
  bench_cmd->add_option("--seed", bench.seed, "random seed")->capture_default_str();

  auto* stats_cmd = app.add_subcommand("stats", "print mmdb.stats and mmdb.levelstats");

  std::string key, value;
  auto* get_cmd = app.add_subcommand("get", "print the value of KEY");
  get_cmd->add_option("key", key)->required();
  auto* put_cmd = app.add_subcommand("put", "set KEY to VALUE");
  put_cmd->add_option("key", key)->required();
  put_cmd->add_option("value", value)->required();
  auto* del_cmd = app.add_subcommand("delete", "delete KEY");
  del_cmd->add_option("key", key)->required();
  size_t limit = 100;
  std::string prefix;
  auto* scan_cmd = app.add_subcommand("scan", "print keys in order");
  scan_cmd->add_option("--limit", limit, "at most this many")->capture_default_str();
  scan_cmd->add_option("--prefix", prefix, "only keys with this prefix");

  CLI11_PARSE(app, argc, argv);

  mmdb::Status s;
  if (bench_cmd->parsed()) {
    s = mmdb::tools::RunBench(db_path, bench);
  } else if (stats_cmd->parsed()) {
    s = mmdb::tools::PrintStats(db_path);
  } else if (get_cmd->parsed()) {
    s = mmdb::tools::GetKey(db_path, key);
  } else if (put_cmd->parsed()) {
    s = mmdb::tools::PutKey(db_path, key, value);
  } else if (del_cmd->parsed()) {
    s = mmdb::tools::DeleteKey(db_path, key);
  } else if (scan_cmd->parsed()) {
    s = mmdb::tools::Scan(db_path, prefix, limit);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "mmdb: %s\n", s.ToString().c_str());
    return s.IsNotFound() ? 1 : 2;
  }
  return 0;
}
