// While a kernel runs, a memory fault (SIGSEGV, SIGBUS) on the launching thread ends the launch with an error
// instead of killing the JVM: the handler jumps back to the launch, which reports the kernel, the thread and where
// the address lies (guarded_memory.h). Faults on other threads belong to the JVM (it uses SIGSEGV itself, for null
// checks and safepoint polls) and are passed to the handler that was installed before, with the same arguments.
// The handler runs on an alternate stack, so a fiber that overflows its stack (onto its guard page) is caught too.
#pragma once
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>

#include <vector>

namespace sl_emu {
static sigjmp_buf fault_jump;
static volatile sig_atomic_t trapping = 0;
static pthread_t trapping_thread;
static struct sigaction previous_segv, previous_bus;
static void* volatile fault_address;
static volatile int fault_signal;
static char alt_stack[64 * 1024];
static volatile long forwarded_faults = 0;  // faults of other threads passed on (tests read it)

static void forward(int sig, siginfo_t* info, void* context, const struct sigaction& previous) {
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, info, context);
    } else if (previous.sa_handler == SIG_DFL) {
        signal(sig, SIG_DFL);
        raise(sig);
    } else if (previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
}

static void on_fault(int sig, siginfo_t* info, void* context) {
    if (trapping && pthread_equal(pthread_self(), trapping_thread)) {
        fault_address = info->si_addr;
        fault_signal = sig;
        siglongjmp(fault_jump, 1);
    }
    __atomic_add_fetch(&forwarded_faults, 1, __ATOMIC_RELAXED);
    forward(sig, info, context, sig == SIGBUS ? previous_bus : previous_segv);
}

// Installs the trap for its lifetime (one launch); the launch calls sigsetjmp(fault_jump, 1) right after.
struct FaultTrap {
    stack_t previous_alt;

    FaultTrap() {
        stack_t alt{};
        alt.ss_sp = alt_stack;
        alt.ss_size = sizeof alt_stack;
        sigaltstack(&alt, &previous_alt);
        struct sigaction sa {};
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        trapping_thread = pthread_self();
        sigaction(SIGSEGV, &sa, &previous_segv);
        sigaction(SIGBUS, &sa, &previous_bus);
        trapping = 1;
    }

    ~FaultTrap() {
        trapping = 0;
        sigaction(SIGSEGV, &previous_segv, nullptr);
        sigaction(SIGBUS, &previous_bus, nullptr);
        sigaltstack(&previous_alt, nullptr);
    }
};
}  // namespace sl_emu
