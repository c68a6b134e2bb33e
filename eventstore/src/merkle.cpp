#include "merkle.h"

#include <bit>

#include "codec.h"

namespace grappe::es::detail {
namespace {

std::string sha(std::string_view prefix, std::string_view data) {
  unsigned char out[kHashSize];
  chain_hash(prefix, data, out);
  return std::string(reinterpret_cast<const char*>(out), kHashSize);
}

// The largest power of two smaller than n (n >= 2): RFC 9162's k.
std::uint64_t split(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// Proofs are built by the RFC's recursions; the first read error stops them.
struct Prover {
  const HashReader& read;
  std::vector<std::string> out;
  std::optional<StoreError> error;

  void push(std::uint64_t begin, std::uint64_t end) {
    if (error) return;
    auto h = range_hash(begin, end, read);
    if (h) {
      out.push_back(std::move(*h));
    } else {
      error = h.error();
    }
  }

  // PATH(m, D[begin:end]).
  void path(std::uint64_t m, std::uint64_t begin, std::uint64_t end) {
    const std::uint64_t n = end - begin;
    if (n <= 1) return;
    const std::uint64_t k = split(n);
    if (m < k) {
      path(m, begin, begin + k);
      push(begin + k, end);
    } else {
      path(m - k, begin + k, end);
      push(begin, begin + k);
    }
  }

  // SUBPROOF(m, D[begin:end], whole).
  void subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole) {
    const std::uint64_t n = end - begin;
    if (m == n) {
      if (!whole) push(begin, end);
      return;
    }
    const std::uint64_t k = split(n);
    if (m <= k) {
      subproof(m, begin, begin + k, whole);
      push(begin + k, end);
    } else {
      subproof(m - k, begin + k, end, false);
      push(begin, begin + k);
    }
  }

  std::expected<std::vector<std::string>, StoreError> result() {
    if (error) return std::unexpected(std::move(*error));
    return std::move(out);
  }
};

}  // namespace

std::string leaf_hash(std::string_view canonical) {
  return sha(std::string_view("\0", 1), canonical);
}

std::string node_hash(std::string_view left, std::string_view right) {
  std::string prefix;
  prefix.reserve(1 + left.size());
  prefix.push_back('\1');
  prefix.append(left);
  return sha(prefix, right);
}

std::string tree_key(unsigned height, std::uint64_t index) {
  std::string key(1, static_cast<char>(height));
  put_be64(key, index);
  return key;
}

void TreeEdge::append(std::string leaf, const Put& put) {
  std::uint64_t index = size_;
  unsigned height = 0;
  if (put) put(height, index, leaf);
  std::string h = std::move(leaf);
  while (index & 1) {
    h = node_hash(hashes_.back(), h);
    hashes_.pop_back();
    index >>= 1;
    ++height;
    if (put) put(height, index, h);
  }
  hashes_.push_back(std::move(h));
  ++size_;
}

std::string TreeEdge::root() const {
  if (hashes_.empty()) return sha({}, {});
  std::string r = hashes_.back();
  for (std::size_t i = hashes_.size() - 1; i-- > 0;) r = node_hash(hashes_[i], r);
  return r;
}

std::expected<TreeEdge, StoreError> TreeEdge::load(std::uint64_t size, const HashReader& read) {
  TreeEdge edge;
  edge.size_ = size;
  for (unsigned h = 64; h-- > 0;) {
    if (!((size >> h) & 1)) continue;
    // The subtree of this bit starts where the higher bits of `size` end.
    const std::uint64_t start = h == 63 ? 0 : (size >> (h + 1)) << (h + 1);
    auto hash = read(h, start >> h);
    if (!hash) return std::unexpected(hash.error());
    edge.hashes_.push_back(std::move(*hash));
  }
  return edge;
}

std::expected<std::string, StoreError> range_hash(std::uint64_t begin, std::uint64_t end,
                                                  const HashReader& read) {
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return read(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const std::uint64_t k = split(n);
  auto left = range_hash(begin, begin + k, read);
  if (!left) return left;
  auto right = range_hash(begin + k, end, read);
  if (!right) return right;
  return node_hash(*left, *right);
}

std::expected<std::vector<std::string>, StoreError> inclusion_proof(std::uint64_t index,
                                                                    std::uint64_t size,
                                                                    const HashReader& read) {
  Prover p{read, {}, std::nullopt};
  p.path(index, 0, size);
  return p.result();
}

std::expected<std::vector<std::string>, StoreError> consistency_proof(std::uint64_t from,
                                                                      std::uint64_t to,
                                                                      const HashReader& read) {
  Prover p{read, {}, std::nullopt};
  if (from < to) p.subproof(from, 0, to, true);
  return p.result();
}

}  // namespace grappe::es::detail
