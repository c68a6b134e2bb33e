// Db: getting the database writable again after a write fault.
//
// What RocksDB 7.8 does (the Debian package; tests/eventstore/fault_test.cpp drives each case):
// - A failed write to the write-ahead log (WAL), with paranoid_checks (the default), stops the
//   database: NoSpace is a hard error, any other I/O error a fatal one. Every later write fails at
//   once with that error; reads go on. The failed batch is in no memtable. A failed memtable flush
//   stops it the same way. A compaction short of space is a soft error: writes go on and RocksDB
//   clears it by itself.
// - DB::Resume() clears a hard error once it can flush every memtable; it refuses a fatal one.
//   It moves to a new WAL only when some active memtable holds data. Otherwise the WAL that met
//   the error stays, and the next write to it fails again ("Writer has previous error"); the
//   Debian build even aborts on an assertion there. RocksDB fixed that later
//   (facebook/rocksdb#12873, #11643).
// - RocksDB's automatic recovery from NoSpace (its SstFileManager polls every 5 s) runs the same
//   Resume, with the same flaw, and makes a manual Resume() answer Busy. It is turned off for hard
//   and fatal errors: the writer recovers instead, on its own schedule.
// - Closing a stopped database and opening it again works once the disk accepts writes: the WAL
//   is replayed up to its last whole record, which may be the batch whose sync failed.
#include <rocksdb/listener.h>

#include "db.h"

namespace grappe::es::detail {

namespace {

constexpr std::size_t kProbeBlock = 64 << 10;
constexpr int kProbeBlocks = 4;  // the disk must take 256 KiB, synced, before a retry

}  // namespace

// Tells the Db when RocksDB stops accepting writes, and keeps RocksDB from recovering by itself.
class StopListener final : public rocksdb::EventListener {
 public:
  explicit StopListener(Db& db) : db_(db) {}
  const char* Name() const override { return "grappe.StopListener"; }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override {
    if (error && error->severity() >= rocksdb::Status::Severity::kHardError) {
      db_.stopped_by(reason, *error);
    }
  }

  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error,
                            bool* auto_recovery) override {
    if (error.severity() >= rocksdb::Status::Severity::kHardError) *auto_recovery = false;
  }

 private:
  Db& db_;
};

std::string fault_reason(const rocksdb::Status& s) {
  return (s.IsNoSpace() ? "disk full: " : "I/O error: ") + s.ToString();
}

void Db::configure_faults(rocksdb::Options& options) {
  if (!listener_) listener_ = std::make_shared<StopListener>(*this);
  options.listeners.push_back(listener_);
  options.max_bgerror_resume_count = 0;  // nor the automatic resume of retryable I/O errors
}

void Db::on_stop(std::function<void()> fn) {
  std::lock_guard lock(stop_mu_);
  on_stop_ = std::move(fn);
}

std::optional<std::string> Db::stopped() const {
  std::lock_guard lock(stop_mu_);
  return stopped_;
}

void Db::stopped_by(rocksdb::BackgroundErrorReason reason, const rocksdb::Status& error) {
  if (error.severity() >= rocksdb::Status::Severity::kFatalError) fatal_ = true;
  if (reason == rocksdb::BackgroundErrorReason::kWriteCallback ||
      reason == rocksdb::BackgroundErrorReason::kMemTable) {
    fresh_wal_ = false;  // the write that failed went to the current WAL
  }
  std::lock_guard lock(stop_mu_);
  if (!stopped_) stopped_ = fault_reason(error);
  if (on_stop_) on_stop_();
}

void Db::clear_stop() {
  fatal_ = false;
  fresh_wal_ = false;
  std::lock_guard lock(stop_mu_);
  stopped_.reset();
}

rocksdb::Status Db::recover() {
  if (auto s = probe(); !s.ok()) return s;
  std::unique_lock lock(mu_);  // no reader meanwhile: a reopen closes the database
  if (!db_ || read_only_ || fatal_) return reopen();
  if (!stopped()) return rocksdb::Status::OK();
  if (!resume_switches_wal()) return reopen();
  const auto wal = current_wal();
  auto s = db_->Resume();
  if (current_wal() != wal) fresh_wal_ = true;  // a later Resume() needs no data to be safe
  if (!s.ok()) return s;
  clear_stop();
  return s;
}

rocksdb::Status Db::reopen() {
  close_raw();
  auto s = open_raw(false);
  if (s.ok()) {
    clear_stop();
    return s;
  }
  // Still failing: the database read-only meanwhile, so that reads go on.
  open_raw(true).PermitUncheckedError();
  return s;
}

bool Db::resume_switches_wal() {
  if (fresh_wal_) return true;
  for (auto* cf : cf_) {
    std::uint64_t entries = 0;
    if (db_->GetIntProperty(cf, "rocksdb.num-entries-active-mem-table", &entries) && entries > 0) {
      return true;
    }
  }
  return false;
}

std::uint64_t Db::current_wal() {
  std::unique_ptr<rocksdb::LogFile> file;
  if (!db_->GetCurrentWalFile(&file).ok() || !file) return 0;
  return file->LogNumber();
}

// Writes and syncs a scratch file beside the database, through the same file system.
rocksdb::Status Db::probe() {
  const std::string path = (dir_ / "write-probe").string();
  rocksdb::IOOptions io;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = fs_->NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  const std::string block(kProbeBlock, '\0');
  for (int i = 0; s.ok() && i < kProbeBlocks; ++i) s = file->Append(block, io, nullptr);
  if (s.ok()) s = file->Sync(io, nullptr);
  if (file) {
    auto closed = file->Close(io, nullptr);
    if (s.ok()) s = closed;
  }
  fs_->DeleteFile(path, io, nullptr).PermitUncheckedError();
  return s;
}

}  // namespace grappe::es::detail
