// Linux system calls BookKit needs that Swift cannot call directly: glibc declares them as variadic
// functions (`prctl`, `syscall`) or only under `_GNU_SOURCE` (`renameat2`, `pipe2`), and neither kind is
// imported into Swift. Each wrapper here is a thin, documented call; policy stays in Swift.
#ifndef CSYSTEMSUPPORT_H
#define CSYSTEMSUPPORT_H

/// Atomically exchanges two paths (both must exist): `renameat2(..., RENAME_EXCHANGE)`.
/// Returns 0, or -1 with `errno` set (`ENOSYS`/`EINVAL` where the kernel or file system lacks it).
int csys_rename_exchange(const char *first, const char *second);

/// Renames `from` to `to` only if `to` does not exist: `renameat2(..., RENAME_NOREPLACE)`.
/// Returns 0, or -1 with `errno` set (`EEXIST` when `to` exists).
int csys_rename_noreplace(const char *from, const char *to);

/// `pipe2(fds, O_CLOEXEC)`: both ends close-on-exec from birth, so no concurrent spawn can inherit them.
int csys_pipe_cloexec(int fds[2]);

/// The descriptors a supervised program gets. The program sees `stdin`, `stdout`, `stderr` as 0, 1, 2 and,
/// when given (not -1), `control` as 3 (it writes) and `acknowledge` as 4 (it reads). The supervisor keeps
/// `lifeline` (EOF or a byte there means "stop the program") and `status` (where it reports, see below).
/// Every other descriptor is closed in both processes.
typedef struct {
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    int control_fd;
    int acknowledge_fd;
    int lifeline_fd;
    int status_fd;
    /// Non-zero: run the program in new PID and mount namespaces (with its own /proc) if permitted.
    int new_pid_namespace;
} csys_supervised_fds;

/// What the supervisor writes on `status`, as 8-byte records `{int32 kind; int32 value;}` in native order.
enum {
    /// `value` is the program's process id: it is running.
    CSYS_STATUS_STARTED = 1,
    /// `value` is the `errno` of the failed `execve`: the program never ran.
    CSYS_STATUS_EXEC_FAILED = 2,
    /// `value` is the program's wait status; every descendant has been killed and reaped.
    CSYS_STATUS_ENDED = 3,
};

/// Starts `path` (an absolute path; no PATH search) under a supervisor process and returns the supervisor's
/// process id, or -1 with `errno` set if it could not fork.
///
/// Containment, and why each step (see the README's guarantees):
/// - When asked and where the caller may (CAP_SYS_ADMIN, e.g. root), the program runs in a new PID namespace
///   (and a mount namespace with its own /proc) under a small
///   init: it cannot see or signal the supervisor or that init, and when the program ends the init exits and
///   the kernel kills everything left in the namespace.
/// - Always, the supervisor is a *child subreaper* (`PR_SET_CHILD_SUBREAPER`): every process the program starts,
///   including those that `setsid()` or double-fork to leave its process group, is re-parented to the
///   supervisor when its own parent dies, never to init. When the program's main process ends, or the
///   lifeline says stop, the supervisor kills every descendant it has (found through `/proc`) and repeats
///   until it has none; only then does it report `CSYS_STATUS_ENDED`. Unlike a process group, a PID
///   namespace or a cgroup, this needs no privilege and cannot be left by the program.
/// - The lifeline is a pipe whose write end only the caller holds (close-on-exec, and closed in every
///   supervisor): if the caller dies, even by SIGKILL, the kernel closes it and the supervisor kills the
///   program's tree. The program itself has `PR_SET_PDEATHSIG(SIGKILL)` towards the supervisor.
/// - The program starts with every signal at its default action and an empty signal mask, whatever the
///   caller ignores or blocks.
///
/// Only async-signal-safe calls run between `fork` and `execve` (the caller is multithreaded): `argv`,
/// `envp` and `directory` must be prepared before the call. `directory` may be NULL.
int csys_spawn_supervised(const char *path, char *const argv[], char *const envp[], const char *directory,
                          const csys_supervised_fds *fds);

/// The SHA-256 of the whole file at `path` into `digest` (FIPS 180-4). Returns 0, or -1 with `errno` set.
int csys_sha256_file(const char *path, unsigned char digest[32]);

#endif
