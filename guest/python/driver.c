/*
 * driver.c - the CPython guest's entry points (linked into python.wasm).
 *
 * lsb_init() starts CPython once, isolated from the host environment, and
 * runs prelude.py, whose source the host hands over as request field
 * LSB_REQ_PRELUDE (so editing it needs a new snapshot, not a new guest).
 * lsb_run() calls the prelude's run() for each request. The built-in module
 * _lsb gives the prelude the host imports of lsb_abi.h: request(field) ->
 * bytes, report_error(type, message) and emit(kind, text). Nothing here trusts the request's
 * content; the prelude decodes and validates it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

#include "lsb_abi.h"

#define LSB_IMPORT(name) __attribute__((import_module("lsb"), import_name(name)))
#define LSB_EXPORT(name) __attribute__((export_name(name)))

LSB_IMPORT("request_get")
int32_t lsb_host_request_get(int32_t field, void *buf, int32_t cap);
LSB_IMPORT("report_error")
void lsb_host_report_error(const char *type, int32_t type_len, const char *msg, int32_t msg_len);
LSB_IMPORT("emit")
void lsb_host_emit(int32_t kind, const char *data, int32_t len);

static PyObject *prelude_run; /* the prelude's run(), owned reference */

/*
 * _lsb.request(field) -> bytes: fetch one request field from the host.
 * Raises ValueError for an unknown field and MemoryError if the buffer
 * cannot be allocated.
 */
static PyObject *lsbmod_request(PyObject *self, PyObject *arg) {
    (void)self;
    long field = PyLong_AsLong(arg);
    if (field == -1 && PyErr_Occurred()) return NULL;
    int32_t len = lsb_host_request_get((int32_t)field, NULL, 0);
    if (len < 0) return PyErr_Format(PyExc_ValueError, "unknown request field %ld", field);
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, len);
    if (bytes == NULL) return NULL;
    lsb_host_request_get((int32_t)field, PyBytes_AS_STRING(bytes), len);
    return bytes;
}

/* _lsb.report_error(type, message): name this run's uncaught error. */
static PyObject *lsbmod_report_error(PyObject *self, PyObject *args) {
    (void)self;
    const char *type, *msg;
    Py_ssize_t type_len, msg_len;
    if (!PyArg_ParseTuple(args, "s#s#", &type, &type_len, &msg, &msg_len)) return NULL;
    lsb_host_report_error(type, (int32_t)type_len, msg, (int32_t)msg_len);
    Py_RETURN_NONE;
}

/* _lsb.emit(kind, text): hand the host a message, e.g. a warning. */
static PyObject *lsbmod_emit(PyObject *self, PyObject *args) {
    (void)self;
    int kind;
    const char *text;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "is#", &kind, &text, &len)) return NULL;
    lsb_host_emit(kind, text, len > INT32_MAX ? INT32_MAX : (int32_t)len);
    Py_RETURN_NONE;
}

static PyMethodDef lsbmod_methods[] = {
    {"request", lsbmod_request, METH_O, "Fetch a request field from the host."},
    {"report_error", lsbmod_report_error, METH_VARARGS, "Name the uncaught error."},
    {"emit", lsbmod_emit, METH_VARARGS, "Hand the host a message of a kind."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef lsbmod_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_lsb",
    .m_doc = "Host interface of llm-wasm-sandbox.",
    .m_size = -1,
    .m_methods = lsbmod_methods,
};

static PyObject *lsbmod_init(void) { return PyModule_Create(&lsbmod_def); }

/*
 * Configure and start the interpreter: isolated (no host environment, no
 * user site), in UTF-8 mode, stdlib under LSB_MOUNT_STDLIB, no signal
 * handlers, no .pyc writes. UTF-8 mode must be chosen before the
 * interpreter starts: the encodings of stdio, open() and file names are
 * fixed then, and the snapshot keeps them (WASI's "C" locale would make
 * them all ASCII). Returns 0, or -1 after printing the reason to stderr.
 */
static int start_interpreter(void) {
    PyPreConfig preconfig;
    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;
    PyStatus status = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(status)) {
        fprintf(stderr, "lsb: python failed to pre-initialise: %s\n",
                status.err_msg ? status.err_msg : "?");
        return -1;
    }
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.write_bytecode = 0;
    config.parse_argv = 0;
    /* A fixed string hash seed: the seed would be drawn once, here, and then
     * frozen into the snapshot anyway, so randomising it bought nothing but
     * fuel counts and set orders that differed between builds and under
     * Node's WASI. Flooding a dict only burns the guest's own fuel. */
    config.use_hash_seed = 1;
    config.hash_seed = 0;
    status = PyConfig_SetString(&config, &config.home, L"/usr/local");
    if (!PyStatus_Exception(status))
        status = PyConfig_SetString(&config, &config.program_name, L"python3");
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        fprintf(stderr, "lsb: python failed to start: %s\n", status.err_msg ? status.err_msg : "?");
        return -1;
    }
    return 0;
}

/* Fetch the prelude source from the host as a NUL-terminated malloc'd
 * string, or NULL with a Python error set. */
static char *fetch_prelude(void) {
    int32_t len = lsb_host_request_get(LSB_REQ_PRELUDE, NULL, 0);
    if (len <= 0) {
        PyErr_SetString(PyExc_RuntimeError, "the host sent no prelude source");
        return NULL;
    }
    char *text = malloc((size_t)len + 1);
    if (text == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    lsb_host_request_get(LSB_REQ_PRELUDE, text, len);
    text[len] = '\0';
    return text;
}

/* Run the host's prelude in its own module and keep its run(). */
static int load_prelude(void) {
    PyObject *module = PyImport_AddModule("_lsb_prelude"); /* borrowed */
    if (module == NULL) return -1;
    PyObject *globals = PyModule_GetDict(module);
    char *source = fetch_prelude();
    if (source == NULL) return -1;
    PyObject *code = Py_CompileString(source, "<lsb-prelude>", Py_file_input);
    free(source);
    if (code == NULL) return -1;
    PyObject *result = PyEval_EvalCode(code, globals, globals);
    Py_DECREF(code);
    if (result == NULL) return -1;
    Py_DECREF(result);
    prelude_run = PyDict_GetItemString(globals, "run");
    if (prelude_run == NULL) return -1;
    Py_INCREF(prelude_run);
    return 0;
}

/* Start CPython and the prelude; 0 on success. Called once before the snapshot. */
LSB_EXPORT("lsb_init") int lsb_init(void) {
    if (PyImport_AppendInittab("_lsb", lsbmod_init) != 0) return -1;
    if (start_interpreter() != 0) return -1;
    if (load_prelude() != 0) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

/* Execute the current request; returns the run's exit status. */
LSB_EXPORT("lsb_run") int lsb_run(void) {
    if (prelude_run == NULL) return 1;
    PyObject *result = PyObject_CallNoArgs(prelude_run);
    if (result == NULL) { /* only an internal failure of the prelude gets here */
        PyErr_Print();
        return 1;
    }
    long status = PyLong_AsLong(result);
    Py_DECREF(result);
    if (status == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 1;
    }
    return (int)status;
}
