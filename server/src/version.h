#pragma once
namespace grappe::server {
inline constexpr const char* kServerVersion = "0.1.0";
}  // namespace grappe::server
