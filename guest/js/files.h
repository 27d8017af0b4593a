/*
 * files.h - the native file primitives behind the QuickJS guest's file
 * helpers (readText, writeText, copyFile, ... in prelude.js) and require().
 */
#ifndef LSB_JS_FILES_H
#define LSB_JS_FILES_H

#include "quickjs.h"

/* Returns a new object holding the primitives (see files.c), or
 * JS_EXCEPTION. */
JSValue files_new_object(JSContext *ctx);

#endif
