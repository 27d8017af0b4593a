/*
 * worker.c - restores, binds, seals and runs one guest (see worker.h).
 *
 * The order inside worker_run is the security argument: open the mounts,
 * then lock down (Landlock over exactly those mounts, the process cap and
 * seccomp: worker_lockdown), then run guest code. The preopen order (stdlib,
 * /app, /data, /external, then the read-only "/" skeleton, as fds 3..7)
 * must match the one used when the snapshot was made, because wasi-libc
 * recorded it during lsb_init.
 */
#include "sandbox/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/channel.h"
#include "sandbox/defaults.h"
#include "sandbox/ipc.h"
#include "sandbox/lockdown.h"
#include "sandbox/prefault.h"
#include "sandbox/snapshot.h"
#include "sandbox/tether.h"
#include "wasm/runtime.h"

#define WORKER_ERR_MAX   512
#define WORKER_INIT_FUEL ((uint64_t)INT64_MAX)

static const char *const worker_base_env[] = {LSB_BASE_ENV, NULL};

/* lsb.emit hook: forward warnings to the parent; other kinds are unknown. */
static void forward_emit(void *opaque, uint32_t kind, const char *data, size_t len) {
    worker_instance *w = opaque;
    if (kind == LSB_EMIT_WARNING && w->out_fd >= 0) chan_send(w->out_fd, CHAN_WARNING, data, len);
}

/* Instantiate mod into its instance block (guest.h: one per process),
 * zeroed first; refused while that block holds a live instance. */
static int instantiate(worker_instance *w, const guest_module *mod, char *err, size_t errlen) {
    memset(w, 0, sizeof *w);
    w->mod = mod;
    w->out_fd = -1;
    if (mod->memory(mod->instance)->data != NULL) {
        snprintf(err, errlen, "a %s instance is already live in this process", mod->name);
        return -1;
    }
    w->inst = mod->instance;
    memset(w->inst, 0, mod->instance_size);
    rt_init();
    mod->init_module();
    mod->instantiate(w->inst, &w->lsb, &w->wasi);
    w->lsb.memory = mod->memory(w->inst);
    w->lsb.on_emit = forward_emit;
    w->lsb.emit_opaque = w;
    return 0;
}

/* See worker.h. */
int worker_prepare(worker_instance *w, const guest_module *mod, const char *snapshot_path,
                   char *err, size_t errlen) {
    rt_skip_data_segments = 1; /* the snapshot replaces the initial memory */
    int rc = instantiate(w, mod, err, errlen);
    rt_skip_data_segments = 0;
    if (rc != 0) return -1;
    return snap_load(mod, w->inst, snapshot_path, &w->hot, err, errlen);
}

/* wasi output hook: forward kept stdout/stderr bytes to the parent (or,
 * with no channel, as when making a snapshot, straight to our stderr). */
static void forward_output(void *opaque, int fd, const void *buf, size_t len) {
    worker_instance *w = opaque;
    if (w->out_fd < 0) {
        ssize_t ignored = write(STDERR_FILENO, buf, len);
        (void)ignored;
        return;
    }
    chan_send(w->out_fd, fd == 1 ? CHAN_STDOUT : CHAN_STDERR, buf, len);
}

/* wasi proc_exit hook: unwind out of the guest with the exit status. */
static void exit_guest(void *opaque, uint32_t code) {
    (void)opaque;
    rt_exit(code);
}

/* Open the four mounts and the streams for req; 0 or -1 with err. */
static int bind_wasi(worker_instance *w, const worker_request *req, char *err, size_t errlen) {
    wasi_preopen mounts[] = {
        {LSB_MOUNT_STDLIB, req->stdlib_dir, 0}, {LSB_MOUNT_APP, req->workspace, 1},
        {LSB_MOUNT_DATA, req->data_dir, 0},     {LSB_MOUNT_EXTERNAL, req->external_dir, 0},
        {LSB_MOUNT_ROOT, req->root_dir, 0},
    };
    const char *argv[] = {w->mod->name, NULL};
    wasi_config cfg = {
        .preopens = mounts,
        .preopen_count = (int)(sizeof mounts / sizeof mounts[0]),
        .argv = argv,
        .envp = worker_base_env,
        .stdout_max = req->stdout_max,
        .stderr_max = req->stderr_max,
        .quota_bytes = req->quota_bytes,
        .quota_files = req->quota_files,
        .output = forward_output,
        .exit = exit_guest,
        .opaque = w,
    };
    if (wasi_init(&w->wasi, &cfg, err, errlen) != 0) return -1;
    w->wasi.memory = w->mod->memory(w->inst);
    return 0;
}

/* Apply the memory cap; fails if the restored guest already exceeds it. */
static int cap_memory(worker_instance *w, uint64_t memory_bytes, char *err, size_t errlen) {
    wasm_rt_memory_t *mem = w->mod->memory(w->inst);
    uint64_t cap_pages = memory_bytes / RT_PAGE_SIZE;
    if (cap_pages > RT_MAX_PAGES) cap_pages = RT_MAX_PAGES;
    if (mem->pages > cap_pages) {
        snprintf(err, errlen,
                 "the memory limit (%llu bytes) is below the %llu bytes the %s guest needs once "
                 "started; raise --memory",
                 (unsigned long long)memory_bytes, (unsigned long long)mem->size, w->mod->name);
        return -1;
    }
    mem->max_pages = (uint32_t)cap_pages;
    return 0;
}

/* Report a setup failure to the parent and end the child. */
static _Noreturn void fail(int out_fd, const char *message) {
    chan_send(out_fd, CHAN_FAIL, message, strlen(message));
    _exit(1);
}

/* Send the guest's named error, if it reported one. */
static void send_error(const worker_instance *w) {
    size_t tlen = strlen(w->lsb.error_type), mlen = strlen(w->lsb.error_message);
    if (tlen == 0) return;
    char buf[LSBI_ERROR_TYPE_MAX + LSBI_ERROR_MESSAGE_MAX];
    memcpy(buf, w->lsb.error_type, tlen + 1);
    memcpy(buf + tlen + 1, w->lsb.error_message, mlen);
    chan_send(w->out_fd, CHAN_ERROR, buf, tlen + 1 + mlen);
}

/* Send the final record: status, outcome, fuel left, memory, flags. */
static void send_done(worker_instance *w, rt_outcome outcome, uint32_t status) {
    wasi_stats stats;
    wasi_get_stats(&w->wasi, &stats);
    chan_done done = {
        .exit_code = (int32_t)status,
        .outcome = (uint32_t)outcome,
        .memory_bytes = w->mod->memory(w->inst)->size,
        .memory_denied = rt_memory_denied(),
        .stdout_truncated = (uint32_t)stats.stdout_truncated,
        .stderr_truncated = (uint32_t)stats.stderr_truncated,
    };
    /* fuel_get only reads a global, so it is safe after a trap too (when
     * guest code trapped, worker_execute has stored the counter it had). */
    uint64_t left = w->mod->fuel_get(w->inst);
    done.fuel_remaining_plus_one = (int64_t)left < 0 ? 1 : left + 1;
    send_error(w);
    chan_send(w->out_fd, CHAN_DONE, &done, sizeof done);
}

/* See worker.h. */
int worker_bind(worker_instance *w, const worker_request *req, char *err, size_t errlen) {
    return bind_wasi(w, req, err, errlen);
}

/* Clear what the previous run of this instance left behind. */
static void begin_run(worker_instance *w, const worker_request *req) {
    wasi_reset_run(&w->wasi);
    wasi_set_output_caps(&w->wasi, req->stdout_max, req->stderr_max);
    w->lsb.error_type[0] = w->lsb.error_message[0] = '\0';
    w->lsb.emit_count = 0;
    lsbi_set_field(&w->lsb, LSB_REQ_CODE, req->code, req->code_len);
    lsbi_set_field(&w->lsb, LSB_REQ_ENV, req->env_block, req->env_len);
    lsbi_set_field(&w->lsb, LSB_REQ_FILENAME, req->filename, strlen(req->filename));
    lsbi_set_field(&w->lsb, LSB_REQ_OPTIONS, req->options, req->options ? req->options_len : 0);
    w->mod->fuel_set(w->inst, req->fuel);
    rt_reset_flags();
}

/* See worker.h. */
bool worker_execute(worker_instance *w, const worker_request *req, int out_fd) {
    char err[WORKER_ERR_MAX] = "";
    w->out_fd = out_fd;
    if (cap_memory(w, req->memory_bytes, err, sizeof err) != 0 ||
        (req->rescan_quota && wasi_rescan_quota(&w->wasi, err, sizeof err) != 0)) {
        chan_send(out_fd, CHAN_FAIL, err, strlen(err));
        return false;
    }
    wasm_rt_memory_t *mem = w->mod->memory(w->inst);
    prefault_apply(mem->data, mem->size, &w->hot); /* before guest code: see prefault.h */
    begin_run(w, req);
    uint32_t status = 0;
    rt_outcome outcome = rt_call_u32(w->mod->lsb_run, w->inst, w->lsb.memory, &status);
    uint64_t fuel_at_trap;
    if (rt_trapped_fuel(&fuel_at_trap)) w->mod->fuel_set(w->inst, fuel_at_trap);
    if (outcome == RT_EXITED) outcome = RT_OK;
    /* proc_exit leaves without passing the fuel test lsb-fuel puts where an
     * export returns: a counter left below zero means the run overdrew. */
    if (outcome == RT_OK && (int64_t)w->mod->fuel_get(w->inst) < 0) outcome = RT_OUT_OF_FUEL;
    send_done(w, outcome, status);
    w->out_fd = -1;
    return outcome == RT_OK && status == 0;
}

/* Arm the one-shot run's own deadline backstop (timer and RLIMIT_CPU, see
 * tether.h); 0, or -1 with err. A request without a timeout has none. */
static int arm_backstop(const worker_request *req, char *err, size_t errlen) {
    if (req->timeout_ms == 0 || tether_backstop(req->timeout_ms, true) == 0) return 0;
    snprintf(err, errlen, "cannot arm the run's deadline backstop: %s", strerror(errno));
    return -1;
}

/* See worker.h. */
int worker_lockdown(const worker_request *req, lockdown_profile profile, char *err, size_t errlen) {
    const ll_mount mounts[] = {
        {req->stdlib_dir, false},   {req->workspace, true}, {req->data_dir, false},
        {req->external_dir, false}, {req->root_dir, false},
    };
    return lockdown_apply(profile, mounts, sizeof mounts / sizeof mounts[0], err, errlen);
}

/* See worker.h. A kernel without Landlock costs the run one warning. */
_Noreturn void worker_run(worker_instance *w, const worker_request *req, int out_fd) {
    char err[WORKER_ERR_MAX] = "";
    int locked = -1;
    if (arm_backstop(req, err, sizeof err) != 0 || worker_bind(w, req, err, sizeof err) != 0 ||
        (locked = worker_lockdown(req, LOCKDOWN_RUN, err, sizeof err)) < 0)
        fail(out_fd, err);
    if (locked == 1) chan_send(out_fd, CHAN_WARNING, err, strlen(err));
    worker_execute(w, req, out_fd);
    _exit(0);
}

/* The smallest run of each guest: what every run writes (prefault.h). */
static const char *probe_code(const guest_module *mod) {
    return strcmp(mod->name, "python") == 0 ? "print(1)" : "console.log(1)";
}

/* In a forked child: restore the image at path, run the probe code on it
 * with req's mounts, and write the snapshot pages it wrote to fd. Exits 0,
 * or 1 with the reason on stderr. */
static _Noreturn void probe_child(const guest_module *mod, worker_request *req, const char *path,
                                  int fd) {
    worker_instance w;
    prefault_set set;
    char err[WORKER_ERR_MAX] = "cannot open /dev/null";
    req->code = probe_code(mod);
    req->code_len = strlen(req->code);
    req->filename = "probe";
    req->fuel = WORKER_INIT_FUEL;
    req->memory_bytes = (uint64_t)RT_MAX_PAGES * RT_PAGE_SIZE;
    int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    bool ok = out >= 0 && worker_prepare(&w, mod, path, err, sizeof err) == 0 &&
              worker_bind(&w, req, err, sizeof err) == 0;
    size_t image_bytes = ok ? mod->memory(w.inst)->size : 0;
    if (ok && !worker_execute(&w, req, out)) {
        snprintf(err, sizeof err, "%s did not succeed", req->code);
        ok = false;
    }
    ok = ok && prefault_find(mod->memory(w.inst)->data, image_bytes, &set, err, sizeof err) == 0 &&
         ipc_write_all(fd, &set, sizeof set) == 0;
    if (!ok) fprintf(stderr, "llm-sandbox: %s probe: %s\n", mod->name, err);
    _exit(ok ? 0 : 1);
}

/* Fork a child that runs the probe on the image at path and read the
 * pages it wrote into set; 0, or -1 (the child said why on stderr). */
static int run_probe(const guest_module *mod, const worker_request *base, const char *path,
                     prefault_set *set) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        worker_request req = *base;
        close(pipefd[0]);
        probe_child(mod, &req, path, pipefd[1]);
    }
    close(pipefd[1]);
    int status = -1;
    int rc = pid > 0 ? ipc_read_all(pipefd[0], set, sizeof *set) : -1;
    close(pipefd[0]);
    if (pid > 0 && waitpid(pid, &status, 0) != pid) status = -1;
    return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Record in the image at path the pages a run writes, found by a probe run
 * in a child (so the maker's own state is left as it is). A probe that
 * cannot run (a prelude without the run machinery, as the PGO trainer's)
 * leaves the image without a set, with a warning: runs then fault those
 * pages in one by one, as before. 0, or -1 with err if the image cannot be
 * updated. */
static int probe_hot_pages(const guest_module *mod, const worker_request *base, const char *path,
                           char *err, size_t errlen) {
    prefault_set set;
    if (run_probe(mod, base, path, &set) != 0) {
        fprintf(stderr,
                "llm-sandbox: warning: %s snapshot: the probe run (%s) failed, so no pages are "
                "copied in ahead of runs\n",
                mod->name, probe_code(mod));
        return 0;
    }
    if (snap_set_hot(path, &set, err, errlen) != 0) return -1;
    uint32_t pages = 0;
    for (uint32_t i = 0; i < set.count; i++)
        pages += set.runs[i].count;
    fprintf(stderr,
            "llm-sandbox: %s snapshot: a run writes %u of its pages first (%u runs); "
            "every run copies them in ahead\n",
            mod->name, pages, set.count);
    return 0;
}

/* See worker.h. */
int worker_make_snapshot(const guest_module *mod, const snapshot_inputs *in, const char *out_path,
                         char *err, size_t errlen) {
    worker_instance w;
    char workspace[] = "/tmp/lsb-snapshot-XXXXXX";
    if (mkdtemp(workspace) == NULL) {
        snprintf(err, errlen, "cannot create a temporary folder: %s", strerror(errno));
        return -1;
    }
    worker_request req = {.stdlib_dir = in->stdlib_dir,
                          .workspace = workspace,
                          .data_dir = in->data_dir,
                          .root_dir = in->root_dir,
                          .stdout_max = WASI_UNLIMITED,
                          .stderr_max = WASI_UNLIMITED,
                          .quota_bytes = WASI_UNLIMITED,
                          .quota_files = WASI_UNLIMITED};
    int rc = instantiate(&w, mod, err, errlen);
    if (rc == 0) rc = bind_wasi(&w, &req, err, errlen);
    if (rc == 0) rc = lsbi_set_field(&w.lsb, LSB_REQ_PRELUDE, in->prelude, in->prelude_len);
    if (rc == 0) {
        mod->fuel_set(w.inst, WORKER_INIT_FUEL);
        uint32_t status = 1;
        rt_outcome outcome = rt_call_void(mod->initialize, w.inst, w.lsb.memory);
        if (outcome == RT_OK) outcome = rt_call_u32(mod->lsb_init, w.inst, w.lsb.memory, &status);
        if (outcome != RT_OK || status != 0) {
            snprintf(err, errlen, "%s: lsb_init failed (%s, status %u)", mod->name,
                     rt_outcome_name(outcome), status);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = snap_write(mod, w.inst, snap_assets_id(in->stdlib_dir, in->data_dir), out_path, err,
                        errlen);
    if (w.inst != NULL) {
        mod->free(w.inst);
        memset(w.inst, 0, mod->instance_size); /* the block is free again */
    }
    wasi_free(&w.wasi);
    if (rc == 0) rc = probe_hot_pages(mod, &req, out_path, err, errlen);
    rmdir(workspace);
    return rc;
}
