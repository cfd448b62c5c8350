/*
 * How much a new thread, a forked process and a spawned process cost on this Linux machine:
 * the time to create one and wait for it to end (it does nothing), and the memory it adds.
 *
 * Threadlab's defaults for thread and process creation cite the output of this program
 * (measure/creation-results.json). Build and run it with measure/creation.sh.
 *
 *   thread:  pthread_create + pthread_join of a thread that returns at once
 *   fork:    fork() + waitpid() of a child that calls _exit(0) at once
 *   spawn:   posix_spawn() of /bin/true + waitpid() (a fresh program: exec, dynamic loading)
 *
 * Memory: the resident set (RSS) and proportional set (PSS, shared pages divided among the
 * processes sharing them) that each new thread or process adds, read from
 * /proc/PID/smaps_rollup while N of them are alive and sleeping.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void *nothing(void *arg) { return arg; }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of n timings, in µs. */
static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Reads "Rss:" and "Pss:" (kB) of a process from /proc/PID/smaps_rollup. */
static void rss_pss(pid_t pid, long *rss, long *pss) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    *rss = *pss = -1;
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        long v;
        if (sscanf(line, "Rss: %ld kB", &v) == 1) *rss = v;
        if (sscanf(line, "Pss: %ld kB", &v) == 1) *pss = v;
    }
    fclose(f);
}

static void *sleeper(void *arg) {
    (void)arg;
    pause();
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000; /* timing repetitions */
    int alive = argc > 2 ? atoi(argv[2]) : 32; /* threads/processes kept alive for memory */
    double *t = malloc(sizeof(double) * n);

    /* Warm up each path once. */
    pthread_t th;
    pthread_create(&th, NULL, nothing, NULL);
    pthread_join(th, NULL);

    for (int i = 0; i < n; i++) {
        double a = now_us();
        pthread_create(&th, NULL, nothing, NULL);
        pthread_join(th, NULL);
        t[i] = now_us() - a;
    }
    double thread_us = median(t, n);

    for (int i = 0; i < n; i++) {
        double a = now_us();
        pid_t p = fork();
        if (p == 0) _exit(0);
        waitpid(p, NULL, 0);
        t[i] = now_us() - a;
    }
    double fork_us = median(t, n);

    int spawn_n = n / 4 > 0 ? n / 4 : 1;
    char *args[] = {"/bin/true", NULL};
    for (int i = 0; i < spawn_n; i++) {
        double a = now_us();
        pid_t p;
        posix_spawn(&p, "/bin/true", NULL, NULL, args, environ);
        waitpid(p, NULL, 0);
        t[i] = now_us() - a;
    }
    double spawn_us = median(t, spawn_n);

    /* Memory of threads: RSS/PSS of this process before and after `alive` sleeping threads. */
    long rss0, pss0, rss1, pss1;
    rss_pss(getpid(), &rss0, &pss0);
    pthread_t *ths = malloc(sizeof(pthread_t) * alive);
    for (int i = 0; i < alive; i++) pthread_create(&ths[i], NULL, sleeper, NULL);
    usleep(200000);
    rss_pss(getpid(), &rss1, &pss1);
    double thread_rss_kb = (double)(rss1 - rss0) / alive, thread_pss_kb = (double)(pss1 - pss0) / alive;
    size_t stack = 0;
    pthread_attr_t attr;
    pthread_getattr_np(ths[0], &attr);
    pthread_attr_getstacksize(&attr, &stack);

    /* Memory of forked children: each child's RSS and PSS while `alive` of them sleep. */
    pid_t *kids = malloc(sizeof(pid_t) * alive);
    for (int i = 0; i < alive; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            pause();
            _exit(0);
        }
    }
    usleep(200000);
    double fork_rss = 0, fork_pss = 0;
    for (int i = 0; i < alive; i++) {
        long r, p;
        rss_pss(kids[i], &r, &p);
        fork_rss += r;
        fork_pss += p;
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }

    /* Memory of spawned processes: /bin/sleep, each one's RSS and PSS. */
    char *sargs[] = {"/bin/sleep", "5", NULL};
    double spawn_rss = 0, spawn_pss = 0;
    for (int i = 0; i < alive; i++) posix_spawn(&kids[i], "/bin/sleep", NULL, NULL, sargs, environ);
    usleep(300000);
    for (int i = 0; i < alive; i++) {
        long r, p;
        rss_pss(kids[i], &r, &p);
        spawn_rss += r;
        spawn_pss += p;
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }

    printf("{\n");
    printf("  \"repetitions\": %d,\n  \"alive_for_memory\": %d,\n", n, alive);
    printf("  \"thread_create_join_us\": %.2f,\n", thread_us);
    printf("  \"fork_wait_us\": %.2f,\n", fork_us);
    printf("  \"posix_spawn_true_wait_us\": %.2f,\n", spawn_us);
    printf("  \"thread_stack_reserved_bytes\": %zu,\n", stack);
    printf("  \"thread_added_rss_kb\": %.1f,\n  \"thread_added_pss_kb\": %.1f,\n", thread_rss_kb, thread_pss_kb);
    printf("  \"forked_child_rss_kb\": %.1f,\n  \"forked_child_pss_kb\": %.1f,\n", fork_rss / alive, fork_pss / alive);
    printf("  \"spawned_sleep_rss_kb\": %.1f,\n  \"spawned_sleep_pss_kb\": %.1f\n", spawn_rss / alive, spawn_pss / alive);
    printf("}\n");
    return 0;
}
