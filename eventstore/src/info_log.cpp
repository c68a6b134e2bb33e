#include "info_log.h"

#include <sys/time.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

namespace grappe::es::detail {

namespace {

class StdioLogger final : public rocksdb::Logger {
 public:
  StdioLogger(std::FILE* file, rocksdb::InfoLogLevel level) : Logger(level), file_(file) {}
  ~StdioLogger() override {
    if (!closed_) CloseImpl().PermitUncheckedError();
  }

  using Logger::Logv;
  // A line as RocksDB writes them: "2026/12/07-05:45:12.123456 7f6a1a7f06c0 message". Errors
  // (a full disk) are ignored: the line is lost.
  void Logv(const char* format, va_list ap) override {
    if (!file_) return;
    timeval now;
    gettimeofday(&now, nullptr);
    std::tm t;
    localtime_r(&now.tv_sec, &t);
    std::lock_guard lock(mu_);
    std::fprintf(
        file_, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %llx ", t.tm_year + 1900, t.tm_mon + 1,
        t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<long>(now.tv_usec),
        static_cast<unsigned long long>(std::hash<std::thread::id>()(std::this_thread::get_id())));
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);
    std::clearerr(file_);
  }

  void Flush() override {
    std::lock_guard lock(mu_);
    if (file_) std::fflush(file_);
  }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard lock(mu_);
    if (file_) std::fclose(file_);
    file_ = nullptr;
    return rocksdb::Status::OK();
  }

 private:
  std::mutex mu_;
  std::FILE* file_;  // nullptr: the file could not be opened, lines are dropped
};

}  // namespace

std::shared_ptr<rocksdb::Logger> open_info_log(const std::filesystem::path& dir,
                                               rocksdb::InfoLogLevel level) {
  const auto path = dir / "LOG";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::filesystem::rename(path, dir / ("LOG.old." + std::to_string(micros)), ec);
  }
  return std::make_shared<StdioLogger>(std::fopen(path.c_str(), "a"), level);
}

}  // namespace grappe::es::detail
