/*
 * defaults.h - every default limit of llm-wasm-sandbox, in one place.
 *
 * The README's defaults table is this file. Policies start from these
 * values (lsb_policy_init) and each surface may override them within the
 * bounds below. Nothing else in the tree may hard-code a limit.
 */
#ifndef LSB_DEFAULTS_H
#define LSB_DEFAULTS_H

#define LSB_MIB (1024ULL * 1024ULL)

#define LSB_DEFAULT_FUEL          5000000000ULL /* library and CLI */
#define LSB_DEFAULT_MEMORY        (128ULL * LSB_MIB)
#define LSB_DEFAULT_STDOUT_MAX    (2ULL * 1000 * 1000)
#define LSB_DEFAULT_STDERR_MAX    (1ULL * 1000 * 1000)
#define LSB_DEFAULT_TIMEOUT_MS    30000U
#define LSB_DEFAULT_QUOTA_BYTES   (100ULL * LSB_MIB)
#define LSB_DEFAULT_QUOTA_FILES   10000ULL
#define LSB_DEFAULT_SESSION_TTL_S 600U

/* Sessions. */
#define LSB_DEFAULT_MAX_LIVE_SESSIONS 64U                /* live processes per sandbox */
#define LSB_DEFAULT_MIN_AVAILABLE     (256ULL * LSB_MIB) /* evict idle sessions below this */
#define LSB_STATE_MAX_BYTES           (10ULL * LSB_MIB)  /* the auto-persist state file */
#define LSB_WHEEL_MAX_BYTES           (100ULL * LSB_MIB) /* a wheel given to install_package */
#define LSB_INSTALL_FUEL              50000000000ULL     /* unpacking a wheel in the sandbox */
#define LSB_PREIMPORT_FUEL            50000000000ULL     /* the zygote's pre-imports */
#define LSB_STATE_DIRNAME             "llm-wasm-sandbox" /* under XDG_STATE_HOME: lsb_state_dir */
#define LSB_SESSIONS_SUBDIR           "sessions"         /* of the state dir: the sessions root */
#define LSB_SESSION_DIRNAME           LSB_STATE_DIRNAME "/" LSB_SESSIONS_SUBDIR
/* Modules the Python zygote imports before it forks sessions (beyond the
 * snapshot's own warm imports), as a C array initialiser. */
#define LSB_DEFAULT_PREIMPORTS                                                                     \
    "csv", "statistics", "decimal", "fractions", "dataclasses", "typing", "pathlib", "uuid",       \
        "pprint", "copy", "heapq", "bisect", "enum", "glob", "shutil", "tempfile", "zipfile",      \
        "difflib", "sandbox_utils"

/* Bounds a policy must respect. */
#define LSB_MAX_MEMORY     (4096ULL * LSB_MIB) /* wasm32 address space */
#define LSB_MAX_TIMEOUT_MS (3600U * 1000U)
#define LSB_MAX_CODE_BYTES (4ULL * LSB_MIB) /* CLI and library; MCP has its own */
#define LSB_MAX_ENV_BYTES  (64ULL * 1024ULL)

/* The guest-visible environment every run starts from (the "safe set"):
 * the original system's whitelist (UTF-8 everywhere, a fixed hash seed
 * named) plus the workspace as HOME. Both guests get it. */
#define LSB_BASE_ENV                                                                               \
    "HOME=/app", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PYTHONUTF8=1", "PYTHONIOENCODING=utf-8",       \
        "PYTHONHASHSEED=0"

#endif
