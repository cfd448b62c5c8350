/* Cost of passing a message through a pipe between two processes (Threadlab's channel cost).
 *
 * 1. Latency: a parent and a forked child bounce an 8-byte message through two pipes
 *    (ping-pong) `reps` times; one hop (a write by one process, the read by the other, the
 *    wake-up between) is the round trip over 2.
 * 2. Copy cost per byte: the child writes `mib` MiB through one pipe in 64 KiB writes and the
 *    parent reads it all; the time over the bytes is the per-byte cost of the two copies
 *    (user to kernel, kernel to user), printed as bytes moved per microsecond.
 * Prints one JSON object. Usage: pipe [reps] [mib]. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void full_read(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0) { perror("read"); exit(1); }
        got += (size_t)r;
    }
}

int main(int argc, char **argv) {
    long reps = argc > 1 ? atol(argv[1]) : 20000;
    long mib = argc > 2 ? atol(argv[2]) : 256;
    int to_child[2], to_parent[2];
    long long msg = 0;
    if (pipe(to_child) || pipe(to_parent)) { perror("pipe"); return 1; }
    pid_t pid = fork();
    if (pid == 0) {
        for (long i = 0; i < reps; i++) {
            full_read(to_child[0], &msg, sizeof msg);
            msg++;
            if (write(to_parent[1], &msg, sizeof msg) != sizeof msg) return 1;
        }
        _exit(0);
    }
    double t0 = now_us();
    for (long i = 0; i < reps; i++) {
        if (write(to_child[1], &msg, sizeof msg) != sizeof msg) return 1;
        full_read(to_parent[0], &msg, sizeof msg);
    }
    double hop_us = (now_us() - t0) / reps / 2;
    waitpid(pid, NULL, 0);

    int bulk[2];
    static char buf[65536];
    if (pipe(bulk)) { perror("pipe"); return 1; }
    long long total = mib * 1024LL * 1024LL;
    pid = fork();
    if (pid == 0) {
        close(bulk[0]);
        memset(buf, 1, sizeof buf);
        for (long long sent = 0; sent < total; sent += sizeof buf)
            if (write(bulk[1], buf, sizeof buf) != (ssize_t)sizeof buf) return 1;
        _exit(0);
    }
    close(bulk[1]);
    t0 = now_us();
    full_read(bulk[0], buf, 1); /* started */
    long long got = 1;
    ssize_t r;
    while ((r = read(bulk[0], buf, sizeof buf)) > 0) got += r;
    double bulk_us = now_us() - t0;
    waitpid(pid, NULL, 0);
    printf("{\n  \"repetitions\": %ld,\n  \"message_bytes\": %zu,\n  \"pipe_hop_us\": %.2f,\n"
           "  \"bulk_bytes\": %lld,\n  \"bulk_bytes_per_us\": %.0f\n}\n",
           reps, sizeof msg, hop_us, got, got / bulk_us);
    return got == total ? 0 : 1;
}
