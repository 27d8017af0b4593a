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

#define LSB_DEFAULT_FUEL          5000000000ULL  /* library and CLI */
#define LSB_DEFAULT_FUEL_MCP      10000000000ULL /* MCP server */
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
#define LSB_SESSION_DIRNAME           "llm-wasm-sandbox/sessions"
/* Modules the Python zygote imports before it forks sessions (beyond the
 * snapshot's own warm imports), as a C array initialiser. */
#define LSB_DEFAULT_PREIMPORTS                                                                     \
    "csv", "statistics", "decimal", "fractions", "dataclasses", "typing", "pathlib", "uuid",       \
        "pprint", "copy", "heapq", "bisect", "enum", "glob", "shutil", "tempfile", "zipfile",      \
        "difflib", "sandbox_utils"

/* The MCP server (llm-sandbox mcp); every one is a config key or option. */
#define LSB_MCP_MAX_CODE_BYTES       (1ULL * LSB_MIB) /* code of one execute_code */
#define LSB_MCP_TIMEOUT_S            30U              /* execute_code without timeout */
#define LSB_MCP_MIN_TIMEOUT_S        1U               /* the timeout argument's range */
#define LSB_MCP_MAX_TIMEOUT_S        300U
#define LSB_MCP_MAX_OUTPUT_CHARS     100000U          /* text kept in one tool result */
#define LSB_MCP_MAX_SESSIONS         100U             /* sessions in the server's root */
#define LSB_MCP_SESSION_TTL_S        3600U            /* idle sessions are destroyed after */
#define LSB_MCP_MAX_BODY_BYTES       (8ULL * LSB_MIB) /* one HTTP request body */
#define LSB_MCP_MAX_LINE_BYTES       (8ULL * LSB_MIB) /* one stdio message */
#define LSB_MCP_RATE_PER_MIN         600U             /* requests per client per minute */
#define LSB_MCP_RATE_BURST           60U              /* requests a client may send at once */
#define LSB_MCP_MAX_EXTERNAL_MB      50U              /* one --external-files file */
#define LSB_MCP_MAX_CONNECTIONS      256U             /* concurrent HTTP connections */
#define LSB_MCP_HTTP_SESSIONS_MAX    1000U            /* live Mcp-Session-Id protocol sessions */
#define LSB_MCP_HTTP_SESSION_TTL_S   3600U            /* an unused Mcp-Session-Id expires */
#define LSB_MCP_ADMIN_WORKERS        4U               /* threads for the non-execution tools */
#define LSB_MCP_PROGRESS_INTERVAL_MS 1000U            /* progress notifications while running */
#define LSB_MCP_QUEUE_MAX            1024U            /* tool calls waiting for a worker */
#define LSB_MCP_DIRNAME              "llm-wasm-sandbox/mcp" /* under XDG_STATE_HOME */

/* Bounds a policy must respect. */
#define LSB_MAX_MEMORY     (4096ULL * LSB_MIB) /* wasm32 address space */
#define LSB_MAX_TIMEOUT_MS (3600U * 1000U)
#define LSB_MAX_CODE_BYTES (4ULL * LSB_MIB) /* CLI and library; MCP has its own */
#define LSB_MAX_ENV_BYTES  (64ULL * 1024ULL)

/* The guest-visible environment every run starts from (the "safe set"). */
#define LSB_BASE_ENV_HOME "HOME=/app"
#define LSB_BASE_ENV_LANG "LANG=C.UTF-8"

#endif
