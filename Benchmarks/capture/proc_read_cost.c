/* The kernel's share of a telemetry snapshot: open, read and close the /proc files ProvKit's collectors read,
 * in a C loop with nothing else, timed per snapshot; prints the median and p95 of N snapshots (default 2,000).
 *   process snapshot (ProcessTelemetryCollector): /proc/self/{stat,status,io}
 *   host snapshot (HostTelemetryCollector):       /proc/{stat,meminfo,diskstats,net/dev,loadavg}
 * Build and run: cc -O2 -o /tmp/proc_read_cost Benchmarks/capture/proc_read_cost.c && /tmp/proc_read_cost 2000
 * (docs/benchmarks.md, "Capture"). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 16];

static void read_all(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { perror(path); exit(1); }
    while (read(fd, buffer, sizeof buffer) > 0) {}
    close(fd);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void measure(const char *label, const char *const *paths, int count, int rounds) {
    double *times = malloc(sizeof(double) * rounds);
    for (int r = 0; r < rounds; r++) {
        double start = now_us();
        for (int i = 0; i < count; i++) read_all(paths[i]);
        times[r] = now_us() - start;
    }
    qsort(times, rounds, sizeof(double), compare);
    printf("%-8s %d files: median %.1f us, p95 %.1f us (%d snapshots)\n", label, count, times[rounds / 2],
           times[rounds * 95 / 100], rounds);
    free(times);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 2000;
    if (rounds < 1) rounds = 1;
    const char *process[] = {"/proc/self/stat", "/proc/self/status", "/proc/self/io"};
    const char *host[] = {"/proc/stat", "/proc/meminfo", "/proc/diskstats", "/proc/net/dev", "/proc/loadavg"};
    measure("process", process, 3, rounds);
    measure("host", host, 5, rounds);
    return 0;
}
