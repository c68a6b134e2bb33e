// Private: the log as an RFC 9162 Merkle tree (§2.1), the prover's side.
//
// Leaf i (0-based) is the record at position i + 1; its hash is SHA-256(0x00 ‖ canonical bytes).
// A node's hash is SHA-256(0x01 ‖ left ‖ right). The store keeps the hash of every perfect
// subtree of height kMinStoredHeight and more in the `tree` column family: key = u8 height ‖
// u64be index, where the subtree (height h, index i) covers leaves [i·2^h, (i+1)·2^h). Lower
// subtrees are recomputed from their records when read (at most 2^kMinStoredHeight adjacent
// records, read in one scan): an append then writes one tree entry per 2^kMinStoredHeight
// records instead of two per record. These are golang.org/x/mod's "stored hashes"; a C2SP
// tlog-tiles tile of level L ≥ 1 is a run of the height-8L ones, a level-0 tile the records'.
//
// Hashes are raw 32-byte strings. Nothing here touches RocksDB: reads go through a HashReader.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

inline constexpr unsigned kMinStoredHeight = 4;

std::string leaf_hash(std::string_view canonical);
std::string node_hash(std::string_view left, std::string_view right);
// The `tree` key of the perfect subtree (height, index).
std::string tree_key(unsigned height, std::uint64_t index);

// Reads the stored hash of the perfect subtree (height, index).
using HashReader =
    std::function<std::expected<std::string, StoreError>(unsigned height, std::uint64_t index)>;

// The right edge of a tree: the perfect subtrees it is made of, largest (leftmost) first. Enough
// to append leaves and to compute the root without reading anything.
class TreeEdge {
 public:
  // Called for every perfect subtree an append completes (the leaf itself included).
  using Put = std::function<void(unsigned height, std::uint64_t index, const std::string& hash)>;

  std::uint64_t size() const { return size_; }
  void append(std::string leaf, const Put& put);
  // RFC 9162 MTH of the whole tree; SHA-256 of nothing for the empty tree.
  std::string root() const;
  // The edge of the first `size` leaves, read from the stored subtrees.
  static std::expected<TreeEdge, StoreError> load(std::uint64_t size, const HashReader& read);

 private:
  std::uint64_t size_ = 0;
  std::vector<std::string> hashes_;  // one per set bit of size_, high bit first
};

// MTH of leaves [begin, end), from the stored subtrees. begin < end.
std::expected<std::string, StoreError> range_hash(std::uint64_t begin, std::uint64_t end,
                                                  const HashReader& read);
// RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves, leaf
// side first. index < size.
std::expected<std::vector<std::string>, StoreError> inclusion_proof(std::uint64_t index,
                                                                    std::uint64_t size,
                                                                    const HashReader& read);
// RFC 9162 §2.1.4.1: the consistency proof from the tree of `from` leaves to that of `to`.
// 0 < from <= to; empty when from == to.
std::expected<std::vector<std::string>, StoreError> consistency_proof(std::uint64_t from,
                                                                      std::uint64_t to,
                                                                      const HashReader& read);

}  // namespace grappe::es::detail
