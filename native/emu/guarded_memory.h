// Device memory for the CUDA emulator. Each allocation is its own mapping with an inaccessible page before and after
// it, and its end (rounded up to 256 bytes, CUDA's alignment) flush against the page after: a kernel that reads or
// writes past the end of a buffer, or before its start, faults at once (fault_trap.h turns the fault into an error
// naming the kernel and the buffer) instead of silently touching other memory of the JVM. Fresh memory is filled with
// 0xFF bytes (NaN as floats), so reading memory nobody wrote shows up in results.
#pragma once
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <string>

namespace sl_emu {
struct Mapping {
    char* base;    // start of the mapping (the leading guard page)
    size_t total;  // bytes mapped, guards included
    size_t bytes;  // usable bytes from the data address
};

static const size_t PAGE = 4096;
static std::map<uintptr_t, Mapping> mappings;  // by data address
static std::mutex memory_lock;

inline void* guarded_alloc(unsigned long long requested) {
    size_t bytes = (size_t) ((requested == 0 ? 1 : requested) + 255) / 256 * 256;
    size_t span = (bytes + PAGE - 1) / PAGE * PAGE;
    size_t total = span + 2 * PAGE;
    void* m = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    char* base = (char*) m;
    if (mprotect(base + PAGE, span, PROT_READ | PROT_WRITE) != 0) {
        munmap(m, total);
        return nullptr;
    }
    char* data = base + PAGE + (span - bytes);
    std::memset(data, 0xFF, bytes);
    std::lock_guard<std::mutex> hold(memory_lock);
    mappings[(uintptr_t) data] = {base, total, bytes};
    return data;
}

inline bool guarded_free(void* p) {
    std::lock_guard<std::mutex> hold(memory_lock);
    auto it = mappings.find((uintptr_t) p);
    if (it == mappings.end()) return false;
    munmap(it->second.base, it->second.total);
    mappings.erase(it);
    return true;
}

// Where an address lies relative to the device allocations, for error messages. Called from a signal handler's
// aftermath (after siglongjmp), not inside the handler.
inline std::string describe_address(uintptr_t a) {
    std::lock_guard<std::mutex> hold(memory_lock);
    char buf[200];
    auto next = mappings.upper_bound(a);
    if (next != mappings.begin()) {
        auto& [data, m] = *std::prev(next);
        if (a < data + m.bytes) {
            std::snprintf(buf, sizeof buf, "inside the %zu-byte device allocation at 0x%lx", m.bytes, (unsigned long) data);
            return buf;
        }
        if (a < (uintptr_t) m.base + m.total) {
            std::snprintf(buf, sizeof buf, "%lu bytes past the end of the %zu-byte device allocation at 0x%lx",
                          (unsigned long) (a - data - m.bytes), m.bytes, (unsigned long) data);
            return buf;
        }
    }
    if (next != mappings.end() && a >= (uintptr_t) next->second.base) {
        std::snprintf(buf, sizeof buf, "%lu bytes before the %zu-byte device allocation at 0x%lx",
                      (unsigned long) (next->first - a), next->second.bytes, (unsigned long) next->first);
        return buf;
    }
    return a < 4096 ? "a null pointer" : "not device memory";
}
}  // namespace sl_emu
