// Runs Sluice's CUDA kernels (native/all.cu, compiled unchanged against cuda_emu.h) on the CPU, for tests on machines
// without a GPU. Built by the Java side (dev.sluice.backend.cuda.CudaEmulatorLibrary) with the host C++ compiler into
// a shared library that it calls through FFM, like cuLaunchKernel: a kernel name, grid and block sizes, and an array
// of pointers to the arguments.
//
// Execution model: the blocks of a grid run one after another. The threads of a block are fibers (own stacks) run by a
// scheduler on the calling thread, one at a time, each until it finishes or waits: at __syncthreads (released when
// every thread of the block waits at that same barrier) or at __shfl_down_sync (released when every lane of its warp
// waits at that same shuffle with the same delta and mask; a full-mask shuffle needs all 32 lanes). What CUDA leaves
// undefined is reported as an error naming the kernel and the block instead of being released: a barrier that some
// threads skip or have exited before, threads at different barriers or shuffles, a shuffle in a partial warp. Between
// waits the runnable threads go in an order chosen by the schedule (seeded shuffle by default, or forward, or
// reverse), so a kernel whose result depends on that order (a missing barrier) gives different results under
// different schedules: the tests compare them. Memory faults during a launch become errors too (fault_trap.h,
// guarded_memory.h).
#include "cuda_emu.h"
#include "../all.cu"
#include "selftest.cu"
#include "fault_trap.h"
#include "guarded_memory.h"

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

struct Layout;  // from common.cuh (already defined above)

namespace sl_emu {
enum State { RUNNABLE, AT_BARRIER, AT_SHUFFLE, DONE };

// Switching between the scheduler and a fiber. On x86-64 a minimal switch (the callee-saved registers and the stack
// pointer: ~10 ns); elsewhere ucontext (which also saves the signal mask with a system call: ~150 ns).
#if defined(__x86_64__)
struct Context {
    void* sp;
};
extern "C" void sl_emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .text
    .globl sl_emu_switch
    .hidden sl_emu_switch
    .type sl_emu_switch, @function
sl_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size sl_emu_switch, .-sl_emu_switch
)");
static void switch_to(Context& from, Context& to) { sl_emu_switch(&from.sp, to.sp); }
static void fiber_start();
// A fresh stack whose first switch-in "returns" into fiber_start with the stack aligned as after a call.
static void prepare(Context& c, char* stack, size_t bytes) {
    uintptr_t top = ((uintptr_t) (stack + bytes)) & ~(uintptr_t) 15;
    void** sp = (void**) top;
    *--sp = nullptr;                         // fiber_start's return address: it never returns
    *--sp = (void*) &fiber_start;            // popped by ret
    for (int i = 0; i < 6; i++) *--sp = nullptr;  // rbp rbx r12-r15
    c.sp = sp;
}
#else
struct Context {
    ucontext_t uc;
};
static void switch_to(Context& from, Context& to) { swapcontext(&from.uc, &to.uc); }
static void fiber_start();
static void prepare(Context& c, char* stack, size_t bytes) {
    getcontext(&c.uc);
    c.uc.uc_stack.ss_sp = stack;
    c.uc.uc_stack.ss_size = bytes;
    c.uc.uc_link = nullptr;
    makecontext(&c.uc, fiber_start, 0);
}
#endif

struct Fiber {
    Context context;
    Dim3 idx;
    int linear;
    State state;
    uint64_t shuffle_bits;
    unsigned shuffle_delta, shuffle_mask;
    const char* wait_file;  // source file and line of the barrier or shuffle it waits at
    int wait_line;
};

static bool same_place(const Fiber& a, const Fiber& b) {
    return a.wait_line == b.wait_line && (a.wait_file == b.wait_file || std::strcmp(a.wait_file, b.wait_file) == 0);
}

static std::string place(const Fiber& f) { return std::string(f.wait_file) + ":" + std::to_string(f.wait_line); }

Fiber* current = nullptr;
Dim3 block_idx, block_dim, grid_dim;

static Context scheduler;
static std::vector<Fiber> fibers;
// Fiber stacks: MAX_THREADS slots of a guard page (lowest address: stacks grow down) and STACK_BYTES, mapped once.
static const size_t STACK_BYTES = 64 * 1024, STACK_SLOT = STACK_BYTES + PAGE, MAX_THREADS = 1024;
static char* stacks = nullptr;
static void (*invoke_kernel)(void* fn, void** params);
static void* kernel_fn;
static void** kernel_params;
static std::string last_error;
static int schedule_mode = 2;  // 0 forward, 1 reverse, 2 seeded shuffle
static uint64_t schedule_seed = 1, rng_state = 1;
static long long switches = 0;
static std::mutex launch_lock;  // statics (__shared__, the scheduler) allow one launch at a time

const Dim3& thread_idx() { return current->idx; }

static void wait(State s) {
    current->state = s;
    switches++;
    switch_to(current->context, scheduler);
}

void sync_block(const char* file, int line) {
    current->wait_file = file;
    current->wait_line = line;
    wait(AT_BARRIER);
}

uint64_t shfl_down_bits(unsigned mask, uint64_t bits, unsigned delta, const char* file, int line) {
    current->wait_file = file;
    current->wait_line = line;
    current->shuffle_bits = bits;
    current->shuffle_delta = delta;
    current->shuffle_mask = mask;
    wait(AT_SHUFFLE);
    return current->shuffle_bits;
}

static void fiber_start() {
    invoke_kernel(kernel_fn, kernel_params);
    current->state = DONE;
    switch_to(current->context, scheduler);  // never resumed: the next launch prepares the stack afresh
    std::abort();
}

static uint64_t next_random() {  // xorshift64*
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static std::string describe_waits(const char* kernel) {
    int barrier = 0, shuffle = 0, done = 0;
    for (auto& f : fibers) {
        if (f.state == AT_BARRIER) barrier++;
        else if (f.state == AT_SHUFFLE) shuffle++;
        else if (f.state == DONE) done++;
    }
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "kernel %s, block (%u, %u, %u) of %u threads: deadlock: %d threads wait at __syncthreads, %d at a "
                  "warp shuffle, %d have exited",
                  kernel, block_idx.x, block_idx.y, block_idx.z, (unsigned) fibers.size(), barrier, shuffle, done);
    return buf;
}

// The block being run: which fibers may run next, and per-warp counts kept as fibers come back to the scheduler, so a
// phase costs time for the fibers that ran, not for the whole block.
static std::vector<int> runnable, released;
static std::vector<int> shuffle_waiting;  // per warp: lanes waiting at a shuffle

// Releases the warps whose lanes all wait at the same shuffle (into `released`, in thread order); false with an
// error text on misuse (lanes at different shuffles, different deltas or masks, a full mask in a partial warp).
static bool release_shuffles(const char* kernel, std::string& error) {
    int n = (int) fibers.size();
    for (int w = 0, w0 = 0; w0 < n; w++, w0 += 32) {
        int w1 = std::min(n, w0 + 32);
        if (shuffle_waiting[w] != w1 - w0) continue;
        unsigned delta = fibers[w0].shuffle_delta, mask = fibers[w0].shuffle_mask;
        for (int i = w0; i < w1; i++) {
            if (!same_place(fibers[i], fibers[w0])) {
                error = std::string("kernel ") + kernel + ": lanes of warp " + std::to_string(w) +
                        " wait at different shuffles (" + place(fibers[w0]) + " and " + place(fibers[i]) + ")";
                return false;
            }
            if (fibers[i].shuffle_delta != delta || fibers[i].shuffle_mask != mask) {
                error = std::string("kernel ") + kernel + ": lanes of warp " + std::to_string(w) +
                        " shuffle with different deltas or masks";
                return false;
            }
        }
        if (mask == 0xffffffffu && w1 - w0 < 32) {
            error = std::string("kernel ") + kernel + ": __shfl_down_sync with a full mask in warp " + std::to_string(w) +
                    " of only " + std::to_string(w1 - w0) + " threads (block size not a multiple of 32)";
            return false;
        }
        uint64_t in[32];
        for (int i = w0; i < w1; i++) in[i - w0] = fibers[i].shuffle_bits;
        for (int i = w0; i < w1; i++) {
            int src = i - w0 + (int) delta;
            fibers[i].shuffle_bits = src < w1 - w0 ? in[src] : in[i - w0];
            fibers[i].state = RUNNABLE;
            released.push_back(i);
        }
        shuffle_waiting[w] = 0;
    }
    return true;
}

static bool run_block(const char* kernel) {
    int n = (int) fibers.size();
    runnable.clear();
    for (int i = 0; i < n; i++) {
        Fiber& f = fibers[i];
        f.state = RUNNABLE;
        prepare(f.context, stacks + (size_t) i * STACK_SLOT + PAGE, STACK_BYTES);
        runnable.push_back(i);
    }
    shuffle_waiting.assign((n + 31) / 32, 0);
    int live = n, at_barrier = 0;
    while (true) {
        // the order this phase's runnable fibers go in (runnable is in thread order)
        if (schedule_mode == 1) std::reverse(runnable.begin(), runnable.end());
        if (schedule_mode == 2) {
            for (int i = (int) runnable.size() - 1; i > 0; i--) std::swap(runnable[i], runnable[next_random() % (uint64_t) (i + 1)]);
        }
        for (int i : runnable) {
            current = &fibers[i];
            switches++;
            switch_to(scheduler, fibers[i].context);
            switch (fibers[i].state) {
                case DONE: live--; break;
                case AT_BARRIER: at_barrier++; break;
                case AT_SHUFFLE: shuffle_waiting[i / 32]++; break;
                default: break;
            }
        }
        current = nullptr;
        if (live == 0) return true;
        released.clear();
        std::string error;
        if (!release_shuffles(kernel, error)) {
            last_error = error;
            return false;
        }
        if (!released.empty()) {
            runnable.swap(released);
            continue;
        }
        // A barrier is released when every thread of the block waits at the same __syncthreads. CUDA leaves a barrier
        // that some threads skip (or have exited before) undefined, so that is reported rather than released.
        if (at_barrier == live && live == n) {
            for (auto& f : fibers) {
                if (!same_place(f, fibers[0])) {
                    last_error = std::string("kernel ") + kernel + ": threads of one block wait at different "
                                 "__syncthreads (" + place(fibers[0]) + " and " + place(f) + ")";
                    return false;
                }
            }
            runnable.clear();
            for (int i = 0; i < n; i++) {
                fibers[i].state = RUNNABLE;
                runnable.push_back(i);
            }
            at_barrier = 0;
            continue;
        }
        last_error = describe_waits(kernel);
        return false;
    }
}

// ---- kernel table: each kernel with an invoker that unpacks cuLaunchKernel-style parameters into a typed call ----

template <typename T> constexpr char param_letter() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_pointer_v<U>) return 'P';
    else if constexpr (std::is_same_v<U, float>) return 'F';
    else if constexpr (std::is_same_v<U, double>) return 'D';
    else if constexpr (std::is_integral_v<U> && sizeof(U) == 8) return 'L';
    else if constexpr (std::is_integral_v<U> && sizeof(U) == 4) return 'I';
    else if constexpr (std::is_same_v<U, ::Layout>) return 'S';
    else return '?';
}

template <typename... A> struct Invoker {
    template <size_t... I> static void call(void* fn, void** p, std::index_sequence<I...>) {
        reinterpret_cast<void (*)(A...)>(fn)(*static_cast<std::remove_cv_t<A>*>(p[I])...);
    }
    static void invoke(void* fn, void** p) { call(fn, p, std::index_sequence_for<A...>{}); }
    static std::string signature() { return std::string{param_letter<A>()...}; }
};

struct KernelEntry {
    const char* name;
    void* fn;
    void (*invoke)(void*, void**);
    std::string (*signature)();
};

template <typename... A> KernelEntry entry(const char* name, void (*fn)(A...)) {
    return {name, reinterpret_cast<void*>(fn), &Invoker<A...>::invoke, &Invoker<A...>::signature};
}

static const KernelEntry KERNELS[] = {
#define SL_KERNEL(name) entry(#name, &name),
#include "kernels.inc"
#undef SL_KERNEL
};

static const KernelEntry* find(const char* name) {
    for (auto& k : KERNELS) {
        if (std::strcmp(k.name, name) == 0) return &k;
    }
    return nullptr;
}
}  // namespace sl_emu

using namespace sl_emu;

// The error for a memory fault during a launch: the kernel, the block and thread that faulted, and the address.
static std::string describe_fault(const char* kernel) {
    uintptr_t a = (uintptr_t) fault_address;
    char head[256];
    std::snprintf(head, sizeof head, "kernel %s, block (%u, %u, %u), thread %d: invalid memory access (%s) at 0x%lx: ",
                  kernel, block_idx.x, block_idx.y, block_idx.z, current ? current->linear : -1,
                  fault_signal == SIGBUS ? "SIGBUS" : "SIGSEGV", (unsigned long) a);
    if (a >= (uintptr_t) stacks && a < (uintptr_t) stacks + MAX_THREADS * STACK_SLOT && (a - (uintptr_t) stacks) % STACK_SLOT < PAGE) {
        return std::string(head) + "stack overflow of the thread's " + std::to_string(STACK_BYTES / 1024) + " KiB emulator stack";
    }
    return std::string(head) + describe_address(a);
}

extern "C" {

// 0 on success; else -1 and sl_emu_last_error() says why.
int sl_emu_launch(const char* kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                  void** params) {
    std::lock_guard<std::mutex> hold(launch_lock);
    const KernelEntry* k = find(kernel);
    if (k == nullptr) {
        last_error = std::string("kernel ") + kernel + " is not in the emulated module";
        return -1;
    }
    unsigned threads = bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || threads == 0 || threads > 1024) {
        last_error = std::string("kernel ") + kernel + ": invalid launch (grid " + std::to_string(gx) + "x" +
                     std::to_string(gy) + "x" + std::to_string(gz) + ", block of " + std::to_string(threads) + ")";
        return -1;
    }
    invoke_kernel = k->invoke;
    kernel_fn = k->fn;
    kernel_params = params;
    grid_dim = {gx, gy, gz};
    block_dim = {bx, by, bz};
    if (stacks == nullptr) {
        void* m = mmap(nullptr, MAX_THREADS * STACK_SLOT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            last_error = "CUDA emulator: cannot map the fiber stacks";
            return -1;
        }
        stacks = (char*) m;
        for (size_t i = 0; i < MAX_THREADS; i++) mprotect(stacks + i * STACK_SLOT, PAGE, PROT_NONE);
    }
    fibers.assign(threads, Fiber{});
    for (unsigned i = 0; i < threads; i++) {
        fibers[i].linear = (int) i;
        fibers[i].idx = {i % bx, (i / bx) % by, i / (bx * by)};
    }
    rng_state = schedule_seed * 0x9E3779B97F4A7C15ULL + 1;
    FaultTrap trap;
    if (sigsetjmp(fault_jump, 1) != 0) {
        last_error = describe_fault(kernel);
        current = nullptr;
        return -1;
    }
    for (unsigned z = 0; z < gz; z++)
        for (unsigned y = 0; y < gy; y++)
            for (unsigned x = 0; x < gx; x++) {
                block_idx = {x, y, z};
                if (!run_block(kernel)) return -1;
            }
    return 0;
}

const char* sl_emu_last_error() { return last_error.c_str(); }

// The kernel's parameters as letters (P pointer, L 64-bit integer, I int, F float, D double, S Layout): with P read as L,
// what KernelSignature reads from the PTX; the length, or -1 when the kernel is unknown or cap is too small.
int sl_emu_signature(const char* kernel, char* out, int cap) {
    const KernelEntry* k = find(kernel);
    if (k == nullptr) return -1;
    std::string s = k->signature();
    if ((int) s.size() + 1 > cap) return -1;
    std::memcpy(out, s.c_str(), s.size() + 1);
    return (int) s.size();
}

int sl_emu_kernel_count() { return (int) (sizeof KERNELS / sizeof KERNELS[0]); }

const char* sl_emu_kernel_name(int i) { return KERNELS[i].name; }

// mode 0: threads in index order between waits; 1: reverse order; 2: a shuffled order from seed (default, seed 1).
void sl_emu_set_schedule(int mode, unsigned long long seed) {
    std::lock_guard<std::mutex> hold(launch_lock);
    schedule_mode = mode;
    schedule_seed = seed;
}

// Memory faults of other threads that arrived while a launch's trap was installed and were passed to the handler
// installed before (the JVM's).
long long sl_emu_forwarded_faults() { return forwarded_faults; }

// Fiber switches so far (each wait and each resume counts): how much synchronisation the kernels did.
long long sl_emu_switches() { return switches; }

// Device memory: guarded host mappings (guarded_memory.h). Null when the host has no memory left.
void* sl_emu_malloc(unsigned long long bytes) { return guarded_alloc(bytes); }

// 0, or -1 when p is not an allocation of sl_emu_malloc.
int sl_emu_free(void* p) { return guarded_free(p) ? 0 : -1; }
}
