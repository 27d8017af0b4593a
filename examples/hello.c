/*
 * hello.c - the smallest program on libllmsandbox: run one Python and one
 * JavaScript snippet, each in a fresh WebAssembly sandbox, and print what
 * they printed, the fuel they used, and any error.
 *
 * Build against an installed tree:
 *   cc hello.c $(pkg-config --cflags --libs llmsandbox) -o hello
 * The library finds its assets (snapshots, stdlib) by itself.
 */
#include <stdio.h>
#include <string.h>

#include <llmsandbox.h>

/* Run code in lang and print the outcome; 0 when it succeeded. */
static int run(lsb_sandbox *sb, lsb_language lang, const char *code) {
    lsb_policy policy;
    lsb_result result;
    char err[512];
    lsb_policy_init(&policy);
    lsb_status st =
        lsb_execute(sb, lang, code, strlen(code), NULL, &policy, &result, err, sizeof err);
    if (st != LSB_OK) {
        fprintf(stderr, "hello: %s: %s\n", lsb_status_name(st), err);
        return 1;
    }
    printf("%s", result.stdout_data);
    printf("  (%s, fuel %llu%s%s)\n", lang == LSB_LANG_PYTHON ? "python" : "javascript",
           (unsigned long long)result.fuel_consumed, result.error_type ? ", error " : "",
           result.error_type ? result.error_type : "");
    int rc = result.success ? 0 : 1;
    lsb_result_free(&result);
    return rc;
}

int main(void) {
    lsb_sandbox *sb;
    char err[512];
    if (lsb_sandbox_open(&sb, NULL, err, sizeof err) != LSB_OK) {
        fprintf(stderr, "hello: %s\n", err);
        return 1;
    }
    int rc = run(sb, LSB_LANG_PYTHON, "print('Hello from Python, café ☕', sum(range(10)))");
    rc |= run(sb, LSB_LANG_JAVASCRIPT, "console.log('Hello from JavaScript, 日本', 6 * 7)");
    lsb_sandbox_close(sb);
    return rc;
}
