/* Launcher used by bench/run to measure one process: fork, exec, wait4.
 *
 *   measure RESULT_FILE PROGRAM [ARGS...]
 *
 * Writes one line to RESULT_FILE and exits 0, or exits 127 if the program could not be
 * started:
 *
 *   <wall seconds> <ru_maxrss KB> <exit code or -signal> <user CPU s> <system CPU s>
 *
 * (a reader that knows only the first three fields keeps working). The CPU times are the
 * ru_utime and ru_stime that wait4() reports: all the program's threads, plus the children
 * it waited for. The launcher exists so that peak RSS is not polluted by the parent: Linux
 * carries the pre-exec address space's high-water mark into ru_maxrss, so a child forked
 * from the (large) Python runner would never report less than the runner's own RSS. This
 * launcher is a few hundred KB.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure RESULT_FILE PROGRAM [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "measure: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("measure: wait4");
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    FILE *f = fopen(argv[1], "w");
    if (f == NULL) {
        perror("measure: result file");
        return 127;
    }
    double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    fprintf(f, "%.9f %ld %d %.6f %.6f\n", wall, ru.ru_maxrss, code, user, sys);
    fclose(f);
    return 0;
}
