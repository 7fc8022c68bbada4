#define _GNU_SOURCE
#include "CSwiftcornSystem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

int cswiftcorn_signalfd(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_CLOEXEC);
}

int cswiftcorn_signalfd_read(int fd, pid_t *pid) {
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
    return (int)info.ssi_signo;
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

void cswiftcorn_store_u64(uint64_t *address, uint64_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

uint64_t cswiftcorn_load_u64(const uint64_t *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

uint64_t cswiftcorn_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int cswiftcorn_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

pid_t cswiftcorn_fork_orphan(int reply_fd) {
    pid_t intermediate = fork();
    if (intermediate < 0) {
        return -1;
    }
    if (intermediate == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            return 0;
        }
        int64_t reply = grandchild > 0 ? (int64_t)grandchild : -(int64_t)errno;
        ssize_t sent;
        do {
            sent = send(reply_fd, &reply, sizeof(reply), MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        _exit(sent == (ssize_t)sizeof(reply) ? 0 : 1);
    }
    int status;
    while (waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
    }
    return intermediate;
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
