#include "grappe/domain/streams.h"

namespace grappe::domain {
namespace {

constexpr std::string_view kGrappePrefix = "grappe-";
constexpr std::string_view kEsmsPrefix = "esms-";

}  // namespace

std::string grappe_stream(std::string_view grappe_id) {
  return std::string(kGrappePrefix) + std::string(grappe_id);
}

std::string esms_stream(std::string_view finess) {
  return std::string(kEsmsPrefix) + std::string(finess);
}

StreamKind stream_kind(std::string_view stream) {
  if (stream == users_stream) return StreamKind::kUsers;
  if (stream.size() > kGrappePrefix.size() && stream.starts_with(kGrappePrefix))
    return StreamKind::kGrappe;
  if (stream.size() > kEsmsPrefix.size() && stream.starts_with(kEsmsPrefix))
    return StreamKind::kEsms;
  return StreamKind::kOther;
}

std::string_view stream_id(std::string_view stream) {
  switch (stream_kind(stream)) {
    case StreamKind::kGrappe:
      return stream.substr(kGrappePrefix.size());
    case StreamKind::kEsms:
      return stream.substr(kEsmsPrefix.size());
    default:
      return {};
  }
}

}  // namespace grappe::domain
