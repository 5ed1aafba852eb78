// What the kernels need from C that Swift cannot say: a software prefetch.
//
// Header-only (static inline), so importing it adds no object file: SwiftPM sees a system-library
// target, and BookKit's own release build of the library (LibraryBuild) copies this folder's two
// files beside the library it builds.
#ifndef KERNELS_SUPPORT_H
#define KERNELS_SUPPORT_H

/// Asks the core to bring the cache line holding `address` into L1 before it is written
/// (prefetcht0, or prefetchw where the target has it). A hint only: it never faults and never
/// changes a result.
static inline __attribute__((always_inline)) void kernels_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
