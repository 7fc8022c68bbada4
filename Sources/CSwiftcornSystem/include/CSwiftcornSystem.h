#ifndef C_SWIFTCORN_SYSTEM_H
#define C_SWIFTCORN_SYSTEM_H

// Linux interfaces that Swift's Glibc module does not import: signalfd, closefrom
// file actions for posix_spawn and prctl. Thin wrappers only; policy lives in Swift.

#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/types.h>

/// Opens a close-on-exec, blocking signalfd for `mask`; -1 and errno on failure.
int cswiftcorn_signalfd(const sigset_t *mask);

/// Reads one signal from a signalfd: the signal number, or -1 and errno. `pid` (if not NULL)
/// receives the sender, `value` (if not NULL) the integer it attached with `sigqueue` (0 for a
/// plain `kill`).
int cswiftcorn_signalfd_read(int fd, pid_t *pid, int *value);

/// Sends `signal` with the integer `value` attached (sigqueue); 0, or -1 and errno.
int cswiftcorn_sigqueue(pid_t pid, int signal, int value);

/// Listens on the abstract Unix stream socket `name` (no leading NUL): a non-blocking,
/// close-on-exec socket, or -1 and errno.
int cswiftcorn_abstract_listen(const char *name);

/// Connects a non-blocking, close-on-exec stream socket to the abstract Unix socket `name`
/// (EAGAIN when its backlog is full); -1 and errno.
int cswiftcorn_abstract_connect(const char *name);

/// The pid and user id of the process at the other end of Unix socket `fd` (for a connection
/// to a listening socket: the process that listens); 0, or -1 and errno.
int cswiftcorn_peer_credentials(int fd, pid_t *pid, uid_t *uid);

/// Sends descriptor `passed` over Unix socket `fd` (one byte and SCM_RIGHTS), without waiting:
/// 0, or -errno.
int cswiftcorn_send_descriptor(int fd, int passed);

/// Receives one descriptor sent by `cswiftcorn_send_descriptor`, non-blocking and close-on-exec:
/// the descriptor, -EAGAIN when none is waiting, -ENOMSG for a message that carried none,
/// -EPIPE at the end of the stream, or -errno.
int cswiftcorn_receive_descriptor(int fd);

/// Adds a file action closing every descriptor from `lowfd` up in the spawned child.
int cswiftcorn_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd);

/// Asks the kernel to send `signal` to this process when its parent dies.
int cswiftcorn_set_parent_death_signal(int signal);

/// The environment of this process, for posix_spawn.
char **cswiftcorn_environ(void);

/// Creates a close-on-exec epoll instance.
int cswiftcorn_epoll_create(void);

/// Watches `fd` for readability; with `exclusive`, only one of the processes waiting on the same
/// socket is woken per event (EPOLLEXCLUSIVE), which spreads accepts across workers without a herd.
int cswiftcorn_epoll_add(int epfd, int fd, int exclusive);

/// Stops watching `fd`.
int cswiftcorn_epoll_remove(int epfd, int fd);

/// Waits up to `timeout_ms` for one ready descriptor: the descriptor, 0 on timeout, -1 on error.
int cswiftcorn_epoll_wait_one(int epfd, int timeout_ms);

/// Accepts a connection as a non-blocking, close-on-exec socket; -1 and errno on failure.
int cswiftcorn_accept(int fd);

/// Creates a close-on-exec eventfd, non-blocking unless `blocking`.
int cswiftcorn_eventfd(int blocking);

/// Creates a close-on-exec anonymous shared memory file; -1 and errno on failure.
int cswiftcorn_memfd(const char *name);

/// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the machine.
uint64_t cswiftcorn_monotonic_ns(void);

/// Forks a child of this process's parent (`clone` with `CLONE_PARENT`): the parent reaps it
/// and gets its `SIGCHLD`. Returns 0 in the child, its pid in the caller, -1 and errno on
/// failure. It skips glibc's fork handlers, and the child's first thread keeps the caller's
/// cached thread id: only for a single-threaded caller (no lock can be held) whose child runs
/// its code on a new thread.
pid_t cswiftcorn_fork_sibling(void);

/// The number of threads of this process (entries of /proc/self/task), or -1.
int cswiftcorn_thread_count(void);

/// Makes every thread of this process allocate from glibc's main malloc arena (M_ARENA_MAX 1);
/// 1 on success.
int cswiftcorn_share_one_malloc_arena(void);

/// The lowest open descriptor of this process not among the `count` in `allowed`, or -1.
int cswiftcorn_first_descriptor_not_in(const int *allowed, int count);

/// Closes every descriptor from `lowfd` up.
void cswiftcorn_close_from(int lowfd);

#endif
