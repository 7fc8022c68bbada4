#define _GNU_SOURCE
#include "CSwiftcornSystem.h"

#include <dirent.h>
#include <malloc.h>
#include <errno.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

int cswiftcorn_signalfd(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_CLOEXEC);
}

int cswiftcorn_signalfd_read(int fd, pid_t *pid, int *value) {
    struct signalfd_siginfo info;
    ssize_t n;
    do {
        n = read(fd, &info, sizeof(info));
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(info)) {
        return -1;
    }
    if (pid) {
        *pid = (pid_t)info.ssi_pid;
    }
    if (value) {
        *value = info.ssi_code == SI_QUEUE ? info.ssi_int : 0;
    }
    return (int)info.ssi_signo;
}

int cswiftcorn_sigqueue(pid_t pid, int signal, int value) {
    union sigval attached;
    attached.sival_int = value;
    return sigqueue(pid, signal, attached);
}

// An abstract address: sun_path starts with a NUL and its length is what the address spans.
static socklen_t abstract_address(const char *name, struct sockaddr_un *address) {
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length > sizeof(address->sun_path) - 1) {
        length = sizeof(address->sun_path) - 1;
    }
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

// A non-blocking, close-on-exec stream socket bound and listening at, or connected to, the
// abstract address `name`; -1 and errno.
static int abstract_socket(const char *name, int listening) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_un address;
    socklen_t length = abstract_address(name, &address);
    int rc;
    if (listening) {
        rc = bind(fd, (struct sockaddr *)&address, length) == 0 ? listen(fd, 16) : -1;
    } else {
        do {
            rc = connect(fd, (struct sockaddr *)&address, length);
        } while (rc != 0 && errno == EINTR);
    }
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int cswiftcorn_abstract_listen(const char *name) {
    return abstract_socket(name, 1);
}

int cswiftcorn_abstract_connect(const char *name) {
    return abstract_socket(name, 0);
}

int cswiftcorn_peer_credentials(int fd, pid_t *pid, uid_t *uid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return -1;
    }
    *pid = credentials.pid;
    *uid = credentials.uid;
    return 0;
}

int cswiftcorn_send_descriptor(int fd, int passed) {
    char byte = 'c';
    struct iovec vector = {.iov_base = &byte, .iov_len = 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message = {
        .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer)};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &passed, sizeof(int));
    ssize_t sent;
    do {
        sent = sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == 1 ? 0 : -(sent < 0 ? errno : EIO);
}

int cswiftcorn_receive_descriptor(int fd) {
    char byte;
    struct iovec vector = {.iov_base = &byte, .iov_len = 1};
    // Room for more than the one descriptor expected: any extra is closed, never leaked.
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } control;
    struct msghdr message = {
        .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer)};
    ssize_t got;
    do {
        got = recvmsg(fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        return -errno;
    }
    if (got == 0) {
        return -EPIPE;
    }
    int received = -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
            if (received < 0) {
                received = descriptor;
            } else {
                close(descriptor);
            }
        }
    }
    // A byte without a descriptor (or one cut off, MSG_CTRUNC) carries nothing to serve.
    return received >= 0 ? received : -ENOMSG;
}

int cswiftcorn_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
}

int cswiftcorn_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

char **cswiftcorn_environ(void) {
    return environ;
}

int cswiftcorn_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int cswiftcorn_epoll_add(int epfd, int fd, int exclusive) {
    struct epoll_event event = {0};
    event.events = EPOLLIN | (exclusive ? EPOLLEXCLUSIVE : 0);
    event.data.fd = fd;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int cswiftcorn_epoll_remove(int epfd, int fd) {
    struct epoll_event event = {0};
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event);
}

int cswiftcorn_epoll_wait_one(int epfd, int timeout_ms) {
    struct epoll_event event;
    int ready;
    do {
        ready = epoll_wait(epfd, &event, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0) {
        return ready;
    }
    return event.data.fd;
}

int cswiftcorn_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int cswiftcorn_eventfd(int blocking) {
    return eventfd(0, EFD_CLOEXEC | (blocking ? 0 : EFD_NONBLOCK));
}

int cswiftcorn_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}

uint64_t cswiftcorn_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

pid_t cswiftcorn_fork_sibling(void) {
    // glibc's fork() has no way to pass CLONE_PARENT. A raw clone skips glibc's fork handlers
    // and leaves this thread's cached thread id stale in the child; see the header for why that
    // is safe for the fork server.
    long child = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
    return child < 0 ? -1 : (pid_t)child;
}

int cswiftcorn_share_one_malloc_arena(void) {
    return mallopt(M_ARENA_MAX, 1);
}

int cswiftcorn_thread_count(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks) {
        return -1;
    }
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (entry->d_name[0] != '.') {
            count++;
        }
    }
    closedir(tasks);
    return count;
}

int cswiftcorn_first_descriptor_not_in(const int *allowed, int count) {
    DIR *descriptors = opendir("/proc/self/fd");
    if (!descriptors) {
        return -1;
    }
    int own = dirfd(descriptors);
    int lowest = -1;
    struct dirent *entry;
    while ((entry = readdir(descriptors)) != NULL) {
        if (entry->d_name[0] == '.') {
            continue;
        }
        int fd = atoi(entry->d_name);
        int known = fd == own;
        for (int i = 0; i < count && !known; i++) {
            known = allowed[i] == fd;
        }
        if (!known && (lowest < 0 || fd < lowest)) {
            lowest = fd;
        }
    }
    closedir(descriptors);
    return lowest;
}

void cswiftcorn_close_from(int lowfd) {
    closefrom(lowfd);
}
