#include "grappe/tlog/proof.h"

#include "grappe/tlog/note.h"

namespace grappe::tlog {
namespace {

bool lsb(std::uint64_t v) {
  return v & 1;
}

}  // namespace

std::string rfc_leaf_hash(std::string_view data) {
  std::string in(1, '\0');
  in.append(data);
  return sha256(in);
}

std::string rfc_node_hash(std::string_view left, std::string_view right) {
  std::string in(1, '\1');
  in.append(left);
  in.append(right);
  return sha256(in);
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, std::string_view leaf,
                      const std::vector<std::string>& proof, std::string_view root) {
  if (index >= size || leaf.size() != 32 || root.size() != 32) return false;
  std::uint64_t fn = index, sn = size - 1;
  std::string r(leaf);
  for (const auto& p : proof) {
    if (p.size() != 32 || sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      r = rfc_node_hash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = rfc_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t from, std::uint64_t to, const std::vector<std::string>& proof,
                        std::string_view from_root, std::string_view to_root) {
  if (from == 0 || from > to || from_root.size() != 32 || to_root.size() != 32) return false;
  if (from == to) return proof.empty() && from_root == to_root;
  if (proof.empty()) return false;
  std::vector<std::string> path;
  if ((from & (from - 1)) == 0) path.emplace_back(from_root);  // an exact power of 2
  path.insert(path.end(), proof.begin(), proof.end());
  for (const auto& c : path) {
    if (c.size() != 32) return false;
  }
  std::uint64_t fn = from - 1, sn = to - 1;
  while (lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const auto& c = path[i];
    if (sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      fr = rfc_node_hash(c, fr);
      sr = rfc_node_hash(c, sr);
      while (!lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = rfc_node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == from_root && sr == to_root && sn == 0;
}

}  // namespace grappe::tlog
