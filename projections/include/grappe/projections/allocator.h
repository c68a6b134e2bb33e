// grappe/projections/allocator.h — allocator settings for processes that fold the log.
#pragma once

namespace grappe::projections {

// Folding or reading back read models allocates and frees millions of small objects. glibc's
// default gives freed memory back to the kernel after each burst and takes it again at once;
// the page faults cost more than the fold itself (1,000,000 events: 97,000 → 146,000 events/s).
// Call once at the start of main().
void tune_allocator();

}  // namespace grappe::projections
