// grappe/tlog/proof.h — checking RFC 9162 proofs (§2.1.3.2 inclusion, §2.1.4.2 consistency),
// written from the RFC's verification algorithms: a verifier's code, independent of the tree the
// event store keeps. Hashes are raw 32-byte strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::tlog {

std::string rfc_leaf_hash(std::string_view data);  // SHA-256(0x00 ‖ data)
std::string rfc_node_hash(std::string_view left, std::string_view right);

// Whether `proof` shows `leaf` (a leaf hash) at `index` in the tree of `size` with `root`.
bool verify_inclusion(std::uint64_t index, std::uint64_t size, std::string_view leaf,
                      const std::vector<std::string>& proof, std::string_view root);
// Whether `proof` shows the tree of `from` leaves (root `from_root`) is a prefix of the tree of
// `to` leaves (root `to_root`). from == to: the proof is empty and the roots equal.
bool verify_consistency(std::uint64_t from, std::uint64_t to, const std::vector<std::string>& proof,
                        std::string_view from_root, std::string_view to_root);

}  // namespace grappe::tlog
