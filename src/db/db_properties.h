// DBProperties: the values behind DB::GetProperty (docs/properties.md).
//
// Reads DBImpl state under its mutex; never blocks on I/O.
#pragma once

#include <string>
#include <string_view>

namespace mmdb {

class DBImpl;

class DBProperties {
 public:
  // False for an unknown property name.
  static bool Get(DBImpl* db, std::string_view name, std::string* value);
};

}  // namespace mmdb
