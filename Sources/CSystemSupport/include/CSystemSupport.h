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

/// The SHA-256 of the whole file at `path` into `digest` (FIPS 180-4). Returns 0, or -1 with `errno` set.
int csys_sha256_file(const char *path, unsigned char digest[32]);

#endif
