// journal-loop: how many access records a C program calling sd_journal_send can push through the
// local journald, the reference row `journald-c-loop` of Benchmarks/http.sh.
//
//   cc -O2 -o journal-loop Benchmarks/journal-loop.c -lsystemd
//   journal-loop DURATION [PROCESSES [IDENTIFIER]]
//
// DURATION is wrk's syntax (10, 10s, 1.5s, 2m, 1h). PROCESSES (default 2, like swiftcorn's 2
// workers) children are forked; each sends records back to back until the common deadline, with
// the fields swiftcorn's journald sink sends per access record (DESIGN.md): MESSAGE = a schema-v1
// JSON line (~330 bytes, what swiftcorn writes for one of wrk's `GET /`), PRIORITY=6,
// SYSLOG_IDENTIFIER (default swiftcorn-bench-c), SWIFTCORN_EVENT=access, HTTP_METHOD, URL_PATH,
// HTTP_ROUTE, HTTP_STATUS, DURATION_US, BYTES_IN, BYTES_OUT, REMOTE_ADDR, USER_AGENT, REQUEST_ID,
// WORKER. Like swiftcorn's records, every one has its own timestamp, request id and duration, so
// journald cannot deduplicate them. CODE_FILE/CODE_LINE/CODE_FUNC, which sd_journal_send adds by
// default, are suppressed: swiftcorn's access records don't carry them.
//
// Prints on stdout one line `records/s R records N errors E seconds S processes P`, where R is the
// records sent successfully by all children together divided by the wall time, and E the
// sd_journal_send calls that failed (journald absent or refusing). Exit status 1 when nothing
// could be sent.
#define _GNU_SOURCE
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

struct counts {
    uint64_t sent;
    uint64_t failed;
};

static double now_seconds(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// wrk's duration syntax: a number with an optional unit s, m or h (seconds when none).
static double parse_duration(const char *text) {
    char *end = NULL;
    double value = strtod(text, &end);
    if (end == text || value <= 0) return -1;
    if (*end == '\0' || strcmp(end, "s") == 0) return value;
    if (strcmp(end, "m") == 0) return value * 60;
    if (strcmp(end, "h") == 0) return value * 3600;
    return -1;
}

// One child: records back to back until the deadline (CLOCK_MONOTONIC seconds).
static struct counts send_loop(int worker, double deadline, const char *identifier) {
    struct counts counts = {0, 0};
    char message[1024], request_id[17], duration_us[24], worker_text[16];
    uint64_t prefix = ((uint64_t)getpid() * 2654435761u) & 0xffffffffu;
    pid_t pid = getpid();
    snprintf(worker_text, sizeof worker_text, "%d", worker);
    for (uint64_t n = 1;; n++) {
        // The clock is read once per record, as a server reads it once per response.
        if ((n & 15) == 1 && now_seconds(CLOCK_MONOTONIC) >= deadline) break;
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        struct tm tm;
        gmtime_r(&wall.tv_sec, &tm);
        unsigned duration = 40 + (unsigned)((n * 37) % 900);  // 40 ... 939 µs
        snprintf(request_id, sizeof request_id, "%016" PRIx64, (prefix << 32) | (n & 0xffffffffu));
        snprintf(duration_us, sizeof duration_us, "%u", duration);
        snprintf(message, sizeof message,
                 "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\",\"level\":\"info\",\"event\":\"access\","
                 "\"method\":\"GET\",\"path\":\"/\",\"query\":\"\",\"route\":\"/\",\"status\":200,"
                 "\"duration_ms\":%u.%03u,\"bytes_in\":0,\"bytes_out\":5,\"remote_addr\":\"127.0.0.1\","
                 "\"user_agent\":\"\",\"referer\":\"\",\"request_id\":\"%s\",\"http_version\":\"1.1\","
                 "\"host\":\"127.0.0.1:18081\",\"worker\":%d,\"pid\":%d}",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 wall.tv_nsec / 1000, duration / 1000, duration % 1000, request_id, worker, (int)pid);
        int rc = sd_journal_send("MESSAGE=%s", message,
                                 "PRIORITY=6",
                                 "SYSLOG_IDENTIFIER=%s", identifier,
                                 "SWIFTCORN_EVENT=access",
                                 "HTTP_METHOD=GET",
                                 "URL_PATH=/",
                                 "HTTP_ROUTE=/",
                                 "HTTP_STATUS=200",
                                 "DURATION_US=%s", duration_us,
                                 "BYTES_IN=0",
                                 "BYTES_OUT=5",
                                 "REMOTE_ADDR=127.0.0.1",
                                 "USER_AGENT=",
                                 "REQUEST_ID=%s", request_id,
                                 "WORKER=%s", worker_text,
                                 NULL);
        if (rc < 0) {
            counts.failed++;
            if (counts.failed == 1) fprintf(stderr, "journal-loop: sd_journal_send: %s\n", strerror(-rc));
        } else {
            counts.sent++;
        }
    }
    return counts;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s DURATION [PROCESSES [IDENTIFIER]]\n", argv[0]);
        return 2;
    }
    double duration = parse_duration(argv[1]);
    int processes = argc > 2 ? atoi(argv[2]) : 2;
    const char *identifier = argc > 3 ? argv[3] : "swiftcorn-bench-c";
    if (duration <= 0 || processes < 1 || processes > 256) {
        fprintf(stderr, "journal-loop: bad DURATION '%s' or PROCESSES\n", argv[1]);
        return 2;
    }

    int fds[2];
    if (pipe(fds) != 0) {
        perror("journal-loop: pipe");
        return 1;
    }
    double start = now_seconds(CLOCK_MONOTONIC), deadline = start + duration;
    for (int i = 0; i < processes; i++) {
        pid_t child = fork();
        if (child < 0) {
            perror("journal-loop: fork");
            return 1;
        }
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);  // die with the parent (http.sh's cleanup stops it)
            if (getppid() == 1) _exit(1);
            close(fds[0]);
            struct counts counts = send_loop(i + 1, deadline, identifier);
            ssize_t written = write(fds[1], &counts, sizeof counts);  // atomic: < PIPE_BUF
            _exit(written == (ssize_t)sizeof counts ? 0 : 1);
        }
    }
    close(fds[1]);

    struct counts total = {0, 0}, counts;
    int reports = 0;
    for (;;) {
        ssize_t got = read(fds[0], &counts, sizeof counts);
        if (got == (ssize_t)sizeof counts) {
            total.sent += counts.sent;
            total.failed += counts.failed;
            reports++;
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // EOF: every child has exited
        }
    }
    while (wait(NULL) > 0) {}
    double elapsed = now_seconds(CLOCK_MONOTONIC) - start;
    if (reports != processes) fprintf(stderr, "journal-loop: %d of %d children reported\n", reports, processes);
    printf("records/s %.2f records %" PRIu64 " errors %" PRIu64 " seconds %.3f processes %d\n",
           (double)total.sent / elapsed, total.sent, total.failed, elapsed, processes);
    return total.sent > 0 ? 0 : 1;
}
