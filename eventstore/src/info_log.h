// Private: RocksDB's own log (the LOG file of the data folder).
#pragma once

#include <rocksdb/env.h>

#include <filesystem>
#include <memory>

namespace grappe::es::detail {

// A logger for DBOptions::info_log writing `dir`/LOG with stdio, the previous LOG kept as
// LOG.old.<microseconds> (RocksDB keeps keep_log_file_num of those). On a full disk it loses
// lines and nothing else: RocksDB 7.8's own logger keeps its file writer after a failed write,
// and the next line trips an assertion, which the Debian build keeps: the process aborts.
std::shared_ptr<rocksdb::Logger> open_info_log(const std::filesystem::path& dir,
                                               rocksdb::InfoLogLevel level);

}  // namespace grappe::es::detail
