// VersionSet: the DB's file-level state. It owns the MANIFEST (the log of
// VersionEdits), the current Version and the counters every file name and
// sequence number comes from.
//
// Lifecycle: construct, then either CreateNew() (fresh DB: MANIFEST-000001
// and CURRENT) or Recover() (replay CURRENT's MANIFEST). Each change of the
// file set goes through LogAndApply(), which persists the edit before the new
// Version becomes current.
//
// MANIFEST rotation: Recover() never appends to the MANIFEST it replayed
// (which may end in a torn record). The first LogAndApply() after Recover(),
// and any LogAndApply() once the MANIFEST has grown past
// kManifestRotateBytes (see SetManifestRotateBytes) and to twice the size of
// its own snapshot, writes a new MANIFEST holding one snapshot edit of
// the new Version and switches CURRENT to it atomically. The previous
// MANIFEST is left for the DB's obsolete-file sweep (it is not
// manifest_file_number() any more).
//
// Failures: an error writing or syncing the MANIFEST (or CURRENT) is
// returned, the new Version is not installed, and every later LogAndApply
// returns the same error: the failed MANIFEST may end in a partial or
// unsynced record, so nothing may be appended after it. The only way on
// (other than a reopen) is LogAndApplyInNewManifest, which abandons it.
//
// Thread safety: LogAndApply, CreateNew, Recover, NewFileNumber and
// MarkFileNumberUsed REQUIRE external serialisation (the DB calls them
// holding its mutex). current() may be called from any thread at any time.
// LastSequence()/SetLastSequence() are atomic so readers can take a read
// sequence without the DB mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "manifest/version.h"
#include "manifest/version_edit.h"
#include "util/mutex.h"
#include "wal/writer.h"

namespace mmdb {

class VersionSet {
 public:
  // A MANIFEST larger than this is rewritten as one snapshot edit on the
  // next LogAndApply.
  static constexpr uint64_t kManifestRotateBytes = 64ull << 20;

  // `env` must outlive the VersionSet. REQUIRES: num_levels >= 2.
  VersionSet(std::string dbname, Env* env, int num_levels);
  ~VersionSet();

  VersionSet(const VersionSet&) = delete;
  VersionSet& operator=(const VersionSet&) = delete;

  // Starts a fresh DB in an existing, empty directory: writes MANIFEST-000001
  // holding the initial edit (next file number 2, last sequence 0), syncs it,
  // then publishes CURRENT (CURRENT.tmp.1, sync, rename, directory sync).
  // Afterwards manifest_file_number() == 1, NewFileNumber() returns 2.
  Status CreateNew();

  // Starts a DB whose whole state is `snapshot` (a repair rebuilding the
  // MANIFEST): writes it as the only record of MANIFEST-`number`, syncs it
  // and points CURRENT at it. The set is not usable afterwards; reopen.
  Status WriteRepairedState(uint64_t number, const VersionEdit& snapshot);

  // Loads the state of an existing DB. Returns NotFound when there is no
  // CURRENT; Corruption when CURRENT is not exactly "MANIFEST-" + a canonical
  // number of at least six digits + "\n", when the MANIFEST holds no whole
  // record or its first record is not a base state (no next file number),
  // when a MANIFEST record other than a torn last one is bad (a checksum
  // mismatch in a whole record is damage, not a torn tail: only lost sectors
  // at the end are, see wal::Reader::ChecksumTail), when an edit does not decode or does not apply,
  // or when the resulting levels break the Version ordering rules. On success the next file number
  // is above every number the MANIFEST mentions (including the MANIFEST's own). `prepare`, when
  // given, is called once on every file of the recovered Version before the Version is built: the
  // DB sets there what the MANIFEST does not store (range_del_end).
  Status Recover(const std::function<void(FileMetaData*)>& prepare = nullptr);

  // Fills in the edit's next file number and last sequence from this set's
  // counters when the edit does not carry them (a caller may set a lower
  // next file number: the DB writes the oldest number it is still writing a
  // file under, so that below the persisted number, a table no Version
  // lists is provably obsolete; the in-memory counter never goes down), appends it to the MANIFEST
  // (or writes a new MANIFEST, see above), syncs, and installs the new
  // Version. On error nothing is installed. An edit that does not apply
  // (deleting a file that is not live at that level, adding a live number,
  // an overlap in level >= 1) returns Corruption without touching the
  // MANIFEST or poisoning the set.
  // REQUIRES: external serialisation (the DB mutex); the edit's SSTs are
  // synced and the directory entries made durable by the caller.
  Status LogAndApply(VersionEdit* edit);

  // Clears a sticky write error (see Failures above) by abandoning the
  // failed MANIFEST: applies `edit` as LogAndApply does, but always into a
  // new MANIFEST holding one snapshot edit, published by switching CURRENT
  // atomically. On error the set stays failed (with the new error). Without
  // a sticky error it is a plain LogAndApply.
  // REQUIRES: as LogAndApply.
  Status LogAndApplyInNewManifest(VersionEdit* edit);

  // The current Version. Never null after CreateNew/Recover succeeded.
  std::shared_ptr<const Version> current() const;

  // Allocates a new file number. REQUIRES: external serialisation.
  uint64_t NewFileNumber() { return next_file_number_++; }
  // Ensures later NewFileNumber() calls return numbers above `number` (a
  // file found on disk during recovery). REQUIRES: external serialisation.
  void MarkFileNumberUsed(uint64_t number) {
    if (next_file_number_ <= number) next_file_number_ = number + 1;
  }
  uint64_t next_file_number() const { return next_file_number_; }
  // After Recover(): the next file number the MANIFEST holds, before any
  // MarkFileNumberUsed. Every table below it that the Version does not list
  // is obsolete (see LogAndApply and db/directory_audit.h).
  uint64_t recovered_next_file_number() const { return recovered_next_file_number_; }

  // The last sequence number assigned. Release/acquire: a reader that sees
  // sequence s also sees every memtable insert the writer made before
  // publishing s.
  uint64_t LastSequence() const { return last_sequence_.load(std::memory_order_acquire); }
  // REQUIRES: s >= LastSequence().
  void SetLastSequence(uint64_t s) { last_sequence_.store(s, std::memory_order_release); }

  // WALs numbered below this are obsolete (their data is in SSTs).
  uint64_t log_number() const { return log_number_; }
  uint64_t manifest_file_number() const { return manifest_file_number_; }
  int num_levels() const { return num_levels_; }

  // Adds the number of every file of the current Version to *live. The DB
  // adds the files of older Versions it still references.
  void AddLiveFiles(std::set<uint64_t>* live) const;

  // Sets the size past which the MANIFEST is rewritten as a snapshot.
  // Default: kManifestRotateBytes. Smaller values trade more rewrites for
  // faster recovery. REQUIRES: external serialisation.
  void SetManifestRotateBytes(uint64_t bytes) { manifest_rotate_bytes_ = bytes; }

  // The sticky MANIFEST write error, OK if none.
  const Status& write_error() const { return write_error_; }

 private:
  // Writes `edit` as the only record of a new MANIFEST numbered `number`,
  // syncs it and points CURRENT at it. On success *writer is the new writer.
  Status WriteSnapshotManifest(uint64_t number, const VersionEdit& edit,
                               std::unique_ptr<wal::Writer>* writer);
  // Points CURRENT at MANIFEST-`manifest_number` (tmp file, sync, rename,
  // directory sync). *renamed tells whether CURRENT may have changed.
  Status SetCurrentFile(uint64_t manifest_number, bool* renamed);
  void Install(std::shared_ptr<const Version> v);

  const std::string dbname_;
  Env* const env_;
  const int num_levels_;

  uint64_t next_file_number_ = 2;
  uint64_t recovered_next_file_number_ = 2;
  uint64_t log_number_ = 0;
  uint64_t manifest_file_number_ = 0;
  std::atomic<uint64_t> last_sequence_{0};

  uint64_t manifest_rotate_bytes_ = kManifestRotateBytes;
  uint64_t manifest_snapshot_bytes_ = 0;   // size of the current MANIFEST's first record
  std::unique_ptr<wal::Writer> manifest_;  // null until the first write after Recover
  Status write_error_;

  mutable Mutex current_mu_;  // guards only the current_ pointer swap
  std::shared_ptr<const Version> current_ GUARDED_BY(current_mu_);
};

}  // namespace mmdb
