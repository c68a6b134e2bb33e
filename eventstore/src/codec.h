// Private: byte layouts of the store's keys and values, and the hash chain.
//
// Record value in the `log` column family = canonical bytes ‖ 32 raw hash bytes, where
// canonical bytes = u8 format(1) ‖ u64be position ‖ u64be version ‖ i64be timestamp (ms since
// epoch) ‖ seven length-prefixed strings (varint length): stream, id, type, data, actor id,
// actor name, command id. hash = SHA-256(previous hash bytes ‖ canonical bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "grappe/eventstore/record.h"
#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

inline constexpr std::size_t kHashSize = 32;

void put_be64(std::string& out, std::uint64_t v);
std::uint64_t get_be64(std::string_view in);  // in.size() >= 8
std::string be64(std::uint64_t v);

// `streams` key: stream ␀ version (big-endian). Stream names never contain ␀.
std::string stream_key(std::string_view stream, std::uint64_t version);

// Canonical bytes of `r` (every field but hash), appended to `out`.
void encode_canonical(const Record& r, std::string& out);
// Parses a `log` value into `r` (hash as hex). False when the bytes are not a record.
bool decode_record(std::string_view value, Record& r);
// The type of the record in a `log` value, without decoding the rest; nullopt when the bytes
// are not a record's.
std::optional<std::string_view> peek_type(std::string_view value);
// Splits a `log` value into canonical bytes and raw hash; false when too short.
bool split_value(std::string_view value, std::string_view& canonical, std::string_view& hash);

// SHA-256(prev ‖ canonical) into `out` (kHashSize raw bytes).
void chain_hash(std::string_view prev, std::string_view canonical, unsigned char* out);
std::string to_hex(std::string_view raw);

std::string encode_result(const AppendResult& r);
std::optional<AppendResult> decode_result(std::string_view bytes);

}  // namespace grappe::es::detail
