// grappe/domain/streams.h — stream names. Never paste stream names together elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace grappe::domain {

inline constexpr std::string_view users_stream = "users";

std::string grappe_stream(std::string_view grappe_id);  // "grappe-<id>"
std::string esms_stream(std::string_view finess);       // "esms-<finess>"

enum class StreamKind { kGrappe, kEsms, kUsers, kOther };
StreamKind stream_kind(std::string_view stream);
// The id after the prefix ("grappe-abc" → "abc", "esms-330000001" → "330000001"); empty for
// kUsers and kOther.
std::string_view stream_id(std::string_view stream);

}  // namespace grappe::domain
