/*
 * fuzz_ipc.c - the wire protocol between the host, its zygotes and
 * session processes: ipc_recv_request reading a header (with or without an
 * attached descriptor) and the strings it announces, all from a hostile
 * peer's bytes on a real socket pair.
 *
 * Proves: no input crashes it, leaks memory or a descriptor; a refused
 * request leaves no descriptor behind unless it says it did (-2), and an
 * accepted one survives a round trip: sending it again with
 * ipc_send_request and receiving it gives the same request.
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "sandbox/ipc.h"

static size_t header_size; /* the encoder's fixed header, measured at start */
static int spare_fd;       /* the descriptor a peer attaches */

/* Send len header bytes with spare_fd attached (or none). */
static void send_header(int sock, const void *hdr, size_t len, int attach) {
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {(void *)hdr, len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (attach) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &spare_fd, sizeof(int));
    }
    if (len > 0 && sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)len) abort();
}

/* Measure the header: the first message of an encoded empty request. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    int sv[2];
    char buf[4096];
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    worker_request empty = {0};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
        ipc_send_request(sv[0], &empty, IPC_KIND_RUN, spare_fd) != 0)
        abort();
    ssize_t n = recv(sv[1], buf, sizeof buf, 0);
    if (n <= 0) abort();
    header_size = (size_t)n;
    close(sv[0]);
    close(sv[1]);
    return 0;
}

/* Two strings are both NULL or equal over n bytes. */
static int same(const char *a, const char *b, size_t n) {
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && memcmp(a, b, n) == 0);
}

/* Send r back through the encoder and check the decoder gives r again. */
static void round_trip(const ipc_request *r) {
    int sv[2];
    ipc_request again;
    const worker_request *a = &r->req, *b = &again.req;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) abort();
    FZ_CHECK(ipc_send_request(sv[0], a, r->kind, r->fd) == 0);
    FZ_CHECK(ipc_recv_request(sv[1], &again) == 0);
    FZ_CHECK(again.kind == r->kind && b->code_len == a->code_len && b->env_len == a->env_len);
    FZ_CHECK(same(a->code, b->code, a->code_len) && same(a->env_block, b->env_block, a->env_len));
    FZ_CHECK(same(a->options, b->options, a->options_len) && a->options_len == b->options_len);
    FZ_CHECK(a->fuel == b->fuel && a->memory_bytes == b->memory_bytes &&
             a->timeout_ms == b->timeout_ms && a->quota_files == b->quota_files);
    const char *sa[] = {a->filename, a->stdlib_dir,   a->workspace,
                        a->data_dir, a->external_dir, a->root_dir};
    const char *sb[] = {b->filename, b->stdlib_dir,   b->workspace,
                        b->data_dir, b->external_dir, b->root_dir};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        FZ_CHECK(same(sa[i], sb[i], sa[i] ? strlen(sa[i]) + 1 : 0));
    close(again.fd);
    ipc_request_free(&again);
    close(sv[0]);
    close(sv[1]);
}

/* Input: 1 flag byte (bit 0: attach a descriptor), then the stream. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    int attach = fz_u8(&in) & 1, sv[2];
    if (in.len > 60000) return 0; /* stays within the socket buffer */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) abort();
    size_t hlen = in.len < header_size ? in.len : header_size;
    send_header(sv[0], in.p, hlen, attach);
    if (in.len > hlen && write(sv[0], in.p + hlen, in.len - hlen) != (ssize_t)(in.len - hlen))
        abort();
    shutdown(sv[0], SHUT_WR);
    ipc_request r;
    int rc = ipc_recv_request(sv[1], &r);
    FZ_CHECK(rc == 0 || rc == -1 || rc == -2);
    FZ_CHECK(rc != -1 || r.fd == -1);
    FZ_CHECK(rc != 0 || r.fd >= 0);
    if (rc == 0) round_trip(&r);
    if (r.fd >= 0) close(r.fd);
    ipc_request_free(&r);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
