// The snippet supervisor: see `csys_spawn_supervised` in CSystemSupport.h for what it guarantees.
//
// Everything after `fork` below runs in the child of a multithreaded process, so it uses only
// async-signal-safe system calls: no malloc, no stdio, no locks (hence the hand-written number parsing).
#define _GNU_SOURCE
#include "CSystemSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct dirent64_record {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void write_record(int fd, int32_t kind, int32_t value) {
    int32_t record[2] = {kind, value};
    const char *bytes = (const char *)record;
    size_t left = sizeof record;
    while (left > 0) {
        ssize_t written = write(fd, bytes, left);
        if (written < 0) {
            if (errno == EINTR) continue;
            return;  // the caller is gone: nobody to tell
        }
        bytes += written;
        left -= (size_t)written;
    }
}

static void close_range_or_loop(unsigned int low, unsigned int high) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, low, high, 0) == 0) return;
#endif
    // Kernels before 5.9: close one by one up to the descriptor limit.
    struct rlimit limit;
    unsigned int top = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < (1u << 20))
        top = (unsigned int)limit.rlim_cur;
    if (high > top) high = top;
    for (unsigned int fd = low; fd <= high && fd >= low; fd++) close((int)fd);
}

/// Closes every descriptor but those in `keep` (negative entries ignored).
static void close_all_except(const int *keep, int count) {
    int sorted[16];
    int n = 0;
    for (int i = 0; i < count && n < 16; i++) {
        if (keep[i] < 0) continue;
        int j = n;
        while (j > 0 && sorted[j - 1] > keep[i]) { sorted[j] = sorted[j - 1]; j--; }
        if (j > 0 && sorted[j - 1] == keep[i]) {  // duplicate: undo the shift
            for (int k = j; k < n; k++) sorted[k] = sorted[k + 1];
            continue;
        }
        sorted[j] = keep[i];
        n++;
    }
    unsigned int low = 0;
    for (int i = 0; i < n; i++) {
        unsigned int fd = (unsigned int)sorted[i];
        if (fd > low) close_range_or_loop(low, fd - 1);
        low = fd + 1;
    }
    close_range_or_loop(low, ~0u);
}

static void reset_signals(void) {
    struct sigaction action;
    for (unsigned int i = 0; i < sizeof action; i++) ((char *)&action)[i] = 0;
    action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        sigaction(signal, &action, 0);  // fails harmlessly for the signals glibc reserves
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, 0);
}

static void ignore_signal(int signal) {
    struct sigaction action;
    for (unsigned int i = 0; i < sizeof action; i++) ((char *)&action)[i] = 0;
    action.sa_handler = SIG_IGN;
    sigaction(signal, &action, 0);
}

/// `/proc/PID/stat`'s parent field, or -1. The command name (field 2) may hold spaces and parentheses,
/// so the fields are read after its last ')'.
static pid_t parent_of(const char *pid_text) {
    char path[64] = "/proc/";
    unsigned int length = 6;
    for (const char *c = pid_text; *c && length < 50; c++) path[length++] = *c;
    const char *tail = "/stat";
    for (const char *c = tail; *c; c++) path[length++] = *c;
    path[length] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char text[1024];
    ssize_t count = read(fd, text, sizeof text - 1);
    close(fd);
    if (count <= 0) return -1;
    ssize_t close_paren = -1;
    for (ssize_t i = 0; i < count; i++)
        if (text[i] == ')') close_paren = i;
    // ") S PPID ..."
    ssize_t i = close_paren + 4;
    if (close_paren < 0 || i >= count) return -1;
    pid_t parent = 0;
    for (; i < count && text[i] >= '0' && text[i] <= '9'; i++) parent = parent * 10 + (text[i] - '0');
    return parent;
}

/// Sends SIGKILL to every process whose parent is this one; returns how many.
static int kill_children(void) {
    pid_t self = getpid();
    int killed = 0;
    int directory = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) return 0;
    char buffer[8192] __attribute__((aligned(8)));
    for (;;) {
        long count = syscall(SYS_getdents64, directory, buffer, sizeof buffer);
        if (count <= 0) break;
        for (long offset = 0; offset < count;) {
            struct dirent64_record *entry = (struct dirent64_record *)(buffer + offset);
            offset += entry->d_reclen;
            pid_t pid = 0;
            const char *c = entry->d_name;
            if (*c < '0' || *c > '9') continue;
            for (; *c >= '0' && *c <= '9'; c++) pid = pid * 10 + (*c - '0');
            if (*c != 0 || pid == self) continue;
            if (parent_of(entry->d_name) == self) {
                kill(pid, SIGKILL);
                killed++;
            }
        }
    }
    close(directory);
    return killed;
}

/// Kills and reaps every descendant (each is, or becomes, a child of this subreaper) until none is left.
/// Records the program's wait status if it is reaped here.
static void kill_descendants(pid_t program, int *program_done, int *program_status) {
    struct timespec pause = {0, 1000000};
    for (;;) {
        int killed = kill_children();
        int reaped = 0;
        for (;;) {
            int status = 0;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid > 0) {
                reaped++;
                if (pid == program && !*program_done) {
                    *program_done = 1;
                    *program_status = status;
                }
                continue;
            }
            if (pid < 0 && errno == EINTR) continue;
            if (pid < 0 && errno == ECHILD) return;  // nothing left
            break;                                  // children remain, none has ended yet
        }
        if (killed == 0 && reaped == 0) nanosleep(&pause, 0);
    }
}

/// A start gate between a process and the child it forks for the program: the child waits at the gate
/// until the parent has closed its own copies of the program's descriptors. Without it the program could
/// close its standard input, say so, and still have its caller's write succeed, because a supervisor had
/// not yet closed the pipe's read end it held across the fork (seen once in CI as a write that did not
/// fail). Both ends are close-on-exec, so the gate never reaches the program.
typedef struct { int wait_end, open_end; } start_gate;

static start_gate gate_make(void) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return (start_gate){-1, -1};  // no gate: the program starts at once
    return (start_gate){ends[0], ends[1]};
}

/// In the child: returns once the parent has released the gate (or died).
static void gate_wait(start_gate gate) {
    if (gate.open_end >= 0) close(gate.open_end);
    if (gate.wait_end < 0) return;
    char byte;
    while (read(gate.wait_end, &byte, 1) < 0 && errno == EINTR) {}
    close(gate.wait_end);
}

/// In the parent, after closing its copies of the program's descriptors: lets the child go on.
static void gate_release(start_gate gate) {
    if (gate.wait_end >= 0) close(gate.wait_end);
    if (gate.open_end >= 0) close(gate.open_end);
}

static void run_program(const char *path, char *const argv[], char *const envp[], const char *directory,
                        const csys_supervised_fds *fds, pid_t supervisor) {
    // The program dies with its supervisor; and if the supervisor died before this line, stop now.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != supervisor) _exit(127);
    // Move the program's descriptors above 10 first, so that placing them at 0-4 cannot clobber one another.
    int sources[5] = {fds->stdin_fd, fds->stdout_fd, fds->stderr_fd, fds->control_fd, fds->acknowledge_fd};
    int moved[5];
    for (int i = 0; i < 5; i++) moved[i] = sources[i] < 0 ? -1 : fcntl(sources[i], F_DUPFD, 10);
    int status = fcntl(fds->status_fd, F_DUPFD_CLOEXEC, 10);
    for (int i = 0; i < 5; i++)
        if (moved[i] >= 0) dup2(moved[i], i);
    int keep[6] = {moved[0] >= 0 ? 0 : -1, 1, 2, moved[3] >= 0 ? 3 : -1, moved[4] >= 0 ? 4 : -1, status};
    close_all_except(keep, 6);
    if (moved[0] < 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0 && null != 0) { dup2(null, 0); close(null); }
    }
    struct sigaction action;
    for (unsigned int i = 0; i < sizeof action; i++) ((char *)&action)[i] = 0;
    action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &action, 0);
    if (directory && chdir(directory) != 0) {
        write_record(status, CSYS_STATUS_EXEC_FAILED, errno);
        _exit(127);
    }
    execve(path, argv, envp);
    write_record(status, CSYS_STATUS_EXEC_FAILED, errno);
    _exit(127);
}

/// PID 1 of the program's own PID namespace: starts the program, reaps whatever is re-parented to it, and
/// when the program ends reports its status and exits, upon which the kernel kills every process left in
/// the namespace. Processes inside cannot signal it (the kernel drops signals to a namespace's init that it
/// has no handler for, SIGKILL and SIGSTOP included) and cannot see the supervisor at all.
static void run_namespace_init(const char *path, char *const argv[], char *const envp[], const char *directory,
                               const csys_supervised_fds *fds) {
    // The supervisor is outside the namespace, so `getppid()` is 0 here and cannot tell whether it is
    // still alive; the death signal covers its death from now on.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    // A /proc of this namespace, in a mount namespace of its own, so that process ids read or passed around
    // inside (the Swift runtime hands its pid to its crash reporter, which reads /proc/PID) mean the same
    // process. Without it the program still runs; only crash backtraces would be lost.
    mount(0, "/", 0, MS_REC | MS_PRIVATE, 0);
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
    pid_t self = getpid();
    start_gate gate = gate_make();
    pid_t program = fork();
    if (program < 0) {
        write_record(fds->status_fd, CSYS_STATUS_EXEC_FAILED, errno);
        _exit(127);
    }
    if (program == 0) {
        gate_wait(gate);
        run_program(path, argv, envp, directory, fds, self);
    }
    int program_side[5] = {fds->stdin_fd, fds->stdout_fd, fds->stderr_fd, fds->control_fd, fds->acknowledge_fd};
    for (int i = 0; i < 5; i++)
        if (program_side[i] >= 0) close(program_side[i]);
    gate_release(gate);
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid == program) {
            write_record(fds->status_fd, CSYS_STATUS_ENDED, status);
            _exit(0);
        }
        if (pid < 0 && errno != EINTR) {
            write_record(fds->status_fd, CSYS_STATUS_ENDED, SIGKILL);
            _exit(0);
        }
    }
}

static void supervise(const char *path, char *const argv[], char *const envp[], const char *directory,
                      const csys_supervised_fds *fds) {
    reset_signals();
    // The supervisor must outlive a caller that died (to clean up), so a write to its closed status
    // pipe must not kill it.
    ignore_signal(SIGPIPE);
    setpgid(0, 0);  // out of the terminal's process group: Ctrl-C reaches the caller, which then closes the lifeline
    int keep[7] = {fds->stdin_fd, fds->stdout_fd, fds->stderr_fd, fds->control_fd, fds->acknowledge_fd,
                   fds->lifeline_fd, fds->status_fd};
    close_all_except(keep, 7);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        write_record(fds->status_fd, CSYS_STATUS_EXEC_FAILED, errno);
        _exit(127);
    }
    pid_t self = getpid();
    // Where permitted (CAP_SYS_ADMIN: root, as in CI), the program runs in a PID namespace of its own under
    // `run_namespace_init`: then it cannot reach the supervisor, and nothing it starts outlives the
    // namespace. Elsewhere the subreaper alone contains it (see the header for what that leaves open).
    int in_namespace = fds->new_pid_namespace && unshare(CLONE_NEWPID | CLONE_NEWNS) == 0;
    start_gate gate = gate_make();
    pid_t program = fork();
    if (program < 0) {
        write_record(fds->status_fd, CSYS_STATUS_EXEC_FAILED, errno);
        _exit(127);
    }
    if (program == 0) {
        gate_wait(gate);
        if (in_namespace) run_namespace_init(path, argv, envp, directory, fds);
        run_program(path, argv, envp, directory, fds, self);
    }
    int program_side[5] = {fds->stdin_fd, fds->stdout_fd, fds->stderr_fd, fds->control_fd, fds->acknowledge_fd};
    for (int i = 0; i < 5; i++)
        if (program_side[i] >= 0) close(program_side[i]);
    gate_release(gate);
    write_record(fds->status_fd, CSYS_STATUS_STARTED, program);

    int pidfd = -1;
#ifdef SYS_pidfd_open
    pidfd = (int)syscall(SYS_pidfd_open, program, 0);
#endif
    int program_done = 0, program_status = 0;
    for (;;) {
        struct pollfd watched[2] = {{fds->lifeline_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
        int ready = poll(watched, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 10);
        if (ready < 0 && errno != EINTR) break;
        int status = 0;
        if (waitpid(program, &status, WNOHANG) == program) {
            program_done = 1;
            program_status = status;
            break;
        }
        // A byte (stop) or end of file (the caller is gone): either way, stop.
        if (ready > 0 && watched[0].revents) break;
    }
    if (!program_done) kill(program, SIGKILL);
    kill_descendants(program, &program_done, &program_status);
    if (!program_done) program_status = SIGKILL;  // reaped elsewhere: cannot happen, but never report success
    write_record(fds->status_fd, CSYS_STATUS_ENDED, program_status);
    _exit(0);
}

int csys_spawn_supervised(const char *path, char *const argv[], char *const envp[], const char *directory,
                          const csys_supervised_fds *fds) {
    pid_t supervisor = fork();
    if (supervisor != 0) return supervisor;  // the caller, or -1 with errno
    supervise(path, argv, envp, directory, fds);
    _exit(127);
}
