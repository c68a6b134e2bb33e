// Linked into the processes that hold the read models (grappe-server, grappe-admin): they use
// jemalloc (Debian's libjemalloc2) instead of glibc's malloc, configured here at link time.
//
// Why: folding or reading back the read models allocates millions of small objects (1,000,000
// events over 5,000 grappes: about 300 MB). With glibc and 4 KiB pages a start spent most of its
// time in page faults (1.5 s to read 5,000 grappes back); jemalloc with transparent huge pages
// reads them in about 0.25 s and folds the log about 1.8× faster (tools/bench-ops). RocksDB's
// own guide recommends jemalloc for the same reason. Two arenas (one per core of the target
// machine) keep the idle server small: 1,000 idle connections stay near 105 MB resident.
//
// `malloc_conf` is read by jemalloc before main(); MALLOC_CONF in the environment overrides it.

extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "thp:always,narenas:2,dirty_decay_ms:1000";
}

#include <jemalloc/jemalloc.h>

#include "allocator.h"

namespace grappe {

std::string allocator_description() {
  const char* version = nullptr;
  const char* thp = nullptr;
  unsigned arenas = 0;
  std::size_t size = sizeof version;
  if (mallctl("version", &version, &size, nullptr, 0) != 0) return "glibc malloc";
  size = sizeof thp;
  if (mallctl("opt.thp", &thp, &size, nullptr, 0) != 0) thp = "?";
  size = sizeof arenas;
  if (mallctl("opt.narenas", &arenas, &size, nullptr, 0) != 0) arenas = 0;
  return std::string("jemalloc ") + version + " (huge pages: " + thp +
         ", arenas: " + std::to_string(arenas) + ")";
}

}  // namespace grappe
