// Private: hashes a batch's Merkle leaves on a second thread while the writer stages the batch.
//
// The writer's staging is serial and on the critical path of every append (appenders wait for
// it, then for the fsync). Hashing each record's leaf and the subtrees it completes there made
// appends about 5 % slower; here a helper thread does it as the writer hands over each record's
// canonical bytes, and finish() only hashes what the helper has not reached. The result is the
// same whoever hashes: finish() takes over under the lock, in order, from where the helper is.
//
// One batch at a time, begin() … add()* … finish(), all on the writer's thread. A batch left
// without finish() (an import refused half-way) is dropped by the next begin().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "merkle.h"

namespace grappe::es::detail {

class TreeStager {
 public:
  using Put = std::function<void(unsigned height, std::uint64_t index, const std::string& hash)>;

  // Subtrees of height >= min_height are reported by finish(); smaller ones only hashed.
  explicit TreeStager(unsigned min_height);
  ~TreeStager();
  TreeStager(const TreeStager&) = delete;
  TreeStager& operator=(const TreeStager&) = delete;

  // Starts a batch continuing `edge`, of about `leaves` leaves (a hint: more may be added).
  void begin(const TreeEdge& edge, std::size_t leaves);
  // The next leaf's canonical record bytes; copied.
  void add(std::string_view canonical);
  // Hashes what is left, calls `put` for each stored subtree the batch completed, in order, and
  // returns the tree's edge after the batch.
  TreeEdge finish(const Put& put);

 private:
  struct Node {
    unsigned height;
    std::uint64_t index;
    std::string hash;
  };

  void run();
  void append_locked(std::size_t i);  // under mu_

  const unsigned min_height_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;           // under mu_
  bool active_ = false;             // a batch the helper may work on, under mu_
  std::uint64_t epoch_ = 0;         // under mu_
  TreeEdge edge_;                   // under mu_
  std::size_t done_ = 0;            // leaves appended to edge_, under mu_
  std::vector<Node> puts_;          // under mu_
  std::vector<std::string> canon_;  // slot i written by add() before avail_ > i, then read only
  std::atomic<std::size_t> avail_{0};
  std::atomic<bool> take_over_{false};  // finish() is waiting for the lock
  std::atomic<bool> sleeping_{false};   // the helper waits for add()
  bool parallel_ = false;               // writer thread only: this batch uses the helper
  std::thread thread_;
};

}  // namespace grappe::es::detail
