/* The OS floor for run_true: n x posix_spawnp("true") + waitpid(). Argument: n (default 1000).
 * Prints the same line as run_true.mps so the runner can compare outputs. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    char *child_argv[] = {"true", NULL};
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int err = posix_spawnp(&pid, "true", NULL, NULL, child_argv, environ);
        if (err != 0) {
            fprintf(stderr, "posix_spawnp: error %d\n", err);
            return 1;
        }
        int status = 0;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "true failed (status %d)\n", status);
            return 1;
        }
    }
    printf("%d runs, 0 failed\n", n);
    return 0;
}
