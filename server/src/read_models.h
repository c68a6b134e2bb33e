// The server's read models live in projections/ (shared with the admin tool); the server refers
// to them by their short names.
#pragma once

#include "grappe/projections/read_models.h"

namespace grappe::server {

using projections::event_meta;
using projections::ReadModels;

}  // namespace grappe::server
