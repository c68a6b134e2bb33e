#include "grappe/projections/allocator.h"

#include <malloc.h>

namespace grappe::projections {

void tune_allocator() {
  mallopt(M_TOP_PAD, 64 << 20);          // grow the heap 64 MiB at a time
  mallopt(M_TRIM_THRESHOLD, 512 << 20);  // keep up to 512 MiB of freed memory for reuse
}

}  // namespace grappe::projections
