/* Copy-on-write cost on Linux: a process maps and fills N pages, forks, and the child writes one
 * byte in each page, so that each write faults and copies its page; the same writes are timed
 * again after (pages now private: no fault) and in a page that was never shared. Prints JSON:
 * the mean time of a write that copies a page, and of one that does not, in microseconds.
 * Usage: cow [pages] [rounds]. Built and run by cow.sh. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    long pages = argc > 1 ? atol(argv[1]) : 4096;
    int rounds = argc > 2 ? atoi(argv[2]) : 20;
    long size = sysconf(_SC_PAGESIZE);
    double copy_total = 0, plain_total = 0;
    for (int r = 0; r < rounds; r++) {
        char *buf = mmap(NULL, pages * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (buf == MAP_FAILED) return 1;
        memset(buf, 1, pages * size); /* resident before the fork */
        int fds[2];
        if (pipe(fds)) return 1;
        pid_t pid = fork();
        if (pid == 0) {
            double t0 = now_us();
            for (long i = 0; i < pages; i++) buf[i * size] = 2; /* each faults and copies */
            double t1 = now_us();
            for (long i = 0; i < pages; i++) buf[i * size] = 3; /* private now: no fault */
            double t2 = now_us();
            double out[2] = {(t1 - t0) / pages, (t2 - t1) / pages};
            if (write(fds[1], out, sizeof out) != sizeof out) _exit(1);
            _exit(0);
        }
        double got[2];
        if (read(fds[0], got, sizeof got) != sizeof got) return 1;
        waitpid(pid, NULL, 0);
        copy_total += got[0];
        plain_total += got[1];
        close(fds[0]);
        close(fds[1]);
        munmap(buf, pages * size);
    }
    printf("{\n  \"page_bytes\": %ld,\n  \"pages\": %ld,\n  \"rounds\": %d,\n", size, pages, rounds);
    printf("  \"cow_write_us\": %.3f,\n  \"private_write_us\": %.4f\n}\n", copy_total / rounds, plain_total / rounds);
    return 0;
}
