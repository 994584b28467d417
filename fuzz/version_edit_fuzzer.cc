// Fuzzes the MANIFEST decoders. First input byte even: the rest is one
// VersionEdit record; a decoded edit must re-encode to bytes that decode to
// the same edit, and applying it to an empty Version must give a Status, not
// a crash. Odd: the rest is a whole MANIFEST file named by CURRENT, recovered
// by VersionSet::Recover (log framing + edits + builder + level checks).
#include <memory>
#include <string>

#include "env/mem_env.h"
#include "fuzz/fuzz_util.h"
#include "manifest/version.h"
#include "manifest/version_builder.h"
#include "manifest/version_edit.h"
#include "manifest/version_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmdb;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    VersionEdit edit;
    if (!edit.DecodeFrom(rest).ok()) return 0;
    std::string encoded;
    edit.EncodeTo(&encoded);
    VersionEdit again;
    FUZZ_CHECK(again.DecodeFrom(encoded).ok());
    std::string encoded_again;
    again.EncodeTo(&encoded_again);
    FUZZ_CHECK(encoded == encoded_again);
    FUZZ_CHECK(edit.DebugString() == again.DebugString());
    VersionBuilder builder(Version::Empty(7));
    if (builder.Apply(edit).ok()) {
      auto v = builder.Finish();
      if (v.ok()) FUZZ_CHECK((*v)->CheckConsistency().ok());
    }
    return 0;
  }
  MemEnv env(MemEnv::Clock::kManual);
  FUZZ_CHECK(WriteStringToFile(&env, rest, "/db/MANIFEST-000005", false).ok());
  FUZZ_CHECK(WriteStringToFile(&env, "MANIFEST-000005\n", "/db/CURRENT", false).ok());
  VersionSet versions("/db", &env, 7);
  Status s = versions.Recover();
  if (s.ok()) {
    FUZZ_CHECK(versions.current()->CheckConsistency().ok());
    FUZZ_CHECK(versions.next_file_number() > 5);
  }
  return 0;
}
