// A RocksDB file system that fails writes on demand, as a full or failing disk would. Passed to
// the store through StoreOptions::file_system.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace grappe::es::test {

class FaultFs final : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault {
    kNone,
    kNoSpace,    // appends and syncs fail with "No space left on device"
    kIoError,    // appends and syncs fail with an I/O error
    kSyncFails,  // appends reach the file, syncs fail with an I/O error
  };

  FaultFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "grappe.FaultFs"; }

  void fail(Fault fault) { fault_ = fault; }
  // Files created for the store's write probe (db_recovery.cpp) so far.
  int probes() const {
    std::lock_guard lock(mu_);
    return probes_;
  }
  // Waits until `n` probes were made or `timeout` passed; whether they were.
  bool wait_for_probes(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return probes_ >= n; });
  }

  rocksdb::IOStatus append_fault() const {
    switch (fault_.load()) {
      case Fault::kNoSpace:
        return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      case Fault::kIoError:
        return rocksdb::IOStatus::IOError("injected: input/output error");
      default:
        return rocksdb::IOStatus::OK();
    }
  }
  rocksdb::IOStatus sync_fault() const {
    if (fault_ == Fault::kSyncFails) return rocksdb::IOStatus::IOError("injected: sync failed");
    return append_fault();
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    if (name.ends_with("write-probe")) {
      std::lock_guard lock(mu_);
      ++probes_;
      cv_.notify_all();
    }
    return wrap(target()->NewWritableFile(name, options, out, dbg), out);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* out,
                                       rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReopenWritableFile(name, options, out, dbg), out);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* out,
                                      rocksdb::IODebugContext* dbg) override {
    return wrap(target()->ReuseWritableFile(name, old, options, out, dbg), out);
  }

 private:
  class File final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const FaultFs& fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_.append_fault(); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, o, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_.append_fault(); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_.sync_fault(); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Sync(o, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_.sync_fault(); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Fsync(o, dbg);
    }

   private:
    const FaultFs& fs_;
  };

  rocksdb::IOStatus wrap(rocksdb::IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* out) {
    if (s.ok()) *out = std::make_unique<File>(std::move(*out), *this);
    return s;
  }

  std::atomic<Fault> fault_{Fault::kNone};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int probes_ = 0;
};

}  // namespace grappe::es::test
