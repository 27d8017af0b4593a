/*
 * instructions.c - run one workload in this process, for callgrind.
 *
 * bench/instructions.sh counts the instructions a workload executes with
 * fuel charges and without them: unlike CPU time, that count is the same
 * on every run, so it shows a change of a few percent that this noisy VM
 * hides. valgrind cannot follow a sandboxed run (it lacks pidfd_open,
 * openat2 and our seccomp filter), so this restores the guest from its
 * snapshot and runs the code right here, unsealed: a measuring tool for
 * our own workloads, never a way to run untrusted code.
 * Usage: instructions GUEST SNAPSHOT ROOT STDLIB|- FILE; exit 0 if the
 * run succeeded.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/worker.h"

#define CODE_MAX     (4u << 20) /* the CLI's limit on program text */
#define OUTPUT_MAX   (1u << 20)
#define FUEL_BUDGET  1000000000000ull /* bench/run.sh's --fuel */
#define MEMORY_BYTES (1ull << 30)     /* and its --memory */

long __real_syscall(long number, ...);

/*
 * Linked with -Wl,--wrap=syscall: valgrind 3.19 has no openat2, which the
 * WASI layer resolves every guest path with, so openat2 becomes a plain
 * openat here (without RESOLVE_BENEATH: the workloads are ours). Every
 * other call passes through.
 */
long __wrap_syscall(long number, ...) {
    long arg[6];
    va_list ap;
    va_start(ap, number);
    for (int i = 0; i < 6; i++)
        arg[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_openat2) {
        const struct open_how *how = (const struct open_how *)arg[2];
        return openat((int)arg[0], (const char *)arg[1], (int)how->flags, (mode_t)how->mode);
    }
    return __real_syscall(number, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
}

/* Read path into a new buffer; its length in *len. NULL on failure or if
 * the file is larger than CODE_MAX. */
static char *read_code(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *code = malloc(CODE_MAX);
    if (!f || !code) {
        if (f) fclose(f);
        free(code);
        return NULL;
    }
    *len = fread(code, 1, CODE_MAX, f);
    bool whole = !ferror(f) && feof(f);
    fclose(f);
    if (whole) return code;
    free(code);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: instructions python|quickjs SNAPSHOT ROOT STDLIB|- FILE\n");
        return 2;
    }
    const guest_module *mod = strcmp(argv[1], "python") == 0 ? &guest_python : &guest_quickjs;
    size_t len;
    char *code = read_code(argv[5], &len);
    char workspace[] = "/tmp/lsb-instructions-XXXXXX";
    if (!code || !mkdtemp(workspace)) {
        fprintf(stderr, "instructions: cannot read %s (at most %u bytes) or make a workspace\n",
                argv[5], CODE_MAX);
        return 1;
    }
    worker_request req = {.code = code,
                          .code_len = len,
                          .filename = argv[5],
                          .env_block = "",
                          .fuel = FUEL_BUDGET,
                          .memory_bytes = MEMORY_BYTES,
                          .stdout_max = OUTPUT_MAX,
                          .stderr_max = OUTPUT_MAX,
                          .quota_bytes = MEMORY_BYTES,
                          .quota_files = 1000,
                          .stdlib_dir = strcmp(argv[4], "-") == 0 ? NULL : argv[4],
                          .workspace = workspace,
                          .root_dir = argv[3]};
    worker_instance w;
    char err[512] = "";
    int out = open("/dev/null", O_WRONLY);
    bool ok = out >= 0 && worker_prepare(&w, mod, argv[2], err, sizeof err) == 0 &&
              worker_bind(&w, &req, err, sizeof err) == 0 && worker_execute(&w, &req, out);
    rmdir(workspace);
    if (!ok)
        fprintf(stderr, "instructions: %s did not run to success%s%s\n", argv[5], *err ? ": " : "",
                err);
    return ok ? 0 : 1;
}
