// Private: a compact binary form of the grappe state for the `grappes` read model. JSON (even as
// CBOR) made a start with 5,000 large grappes take seconds; this reads back at memory speed.
// Integers are LEB128 varints, strings a length then bytes. The decoder checks every bound.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "grappe/domain/state.h"

namespace grappe::projections {

std::string encode_grappe(const domain::GrappeState& state);
std::expected<domain::GrappeState, std::string> decode_grappe(std::string_view bytes);

// An establishment's memberships and profile (the profile, rarely set, as its event JSON).
std::string encode_esms(const domain::EsmsState& state);
std::expected<domain::EsmsState, std::string> decode_esms(std::string_view bytes);

}  // namespace grappe::projections
