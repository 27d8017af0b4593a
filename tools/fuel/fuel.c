/*
 * fuel.c - lsb-fuel, the build-time pass that meters a guest deterministically.
 *
 * Owns the instrumented-module contract of guest/lsb_abi.h: the `fuel` global,
 * the lsb.out_of_fuel import and the lsb_fuel_* / lsb_global* exports.
 * Invariants: charges are static counts per region (function entry, loop
 * header), so output bytes and consumed fuel are reproducible; an unknown
 * expression kind or type fails the pass, never skipped. No optimizer runs.
 */
#define _POSIX_C_SOURCE 200809L

#include <binaryen-c.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names this pass adds. Internal names show up in the name section. */
#define FUEL_GLOBAL "fuel"
#define OOF_INTERNAL "lsb_out_of_fuel"
#define OOF_MODULE "lsb"
#define OOF_BASE "out_of_fuel"
#define EXPORT_FUEL_GET "lsb_fuel_get"
#define EXPORT_FUEL_SET "lsb_fuel_set"
#define EXPORT_GLOBALS_COUNT "lsb_globals_count"
#define EXPORT_GLOBAL_GET "lsb_global_get"
#define EXPORT_GLOBAL_SET "lsb_global_set"

#define FUEL_INITIAL 0            /* the host sets the budget before a run */
#define GLOBAL_GET_OUT_OF_RANGE 0 /* lsb_global_get(bad index) returns this */
#define PARAM_INDEX 0             /* first parameter of a helper */
#define PARAM_VALUE 1             /* second parameter of lsb_global_set */

#define ERR_MAX 512
#define KIND_TABLE_SIZE 128 /* > every BinaryenExpressionId in v108 */
#define INITIAL_STACK 256
#define INITIAL_REGIONS 16
#define WASM_HEADER_SIZE 8
static const unsigned char WASM_HEADER[WASM_HEADER_SIZE] = {0x00, 0x61, 0x73, 0x6d,
                                                            0x01, 0x00, 0x00, 0x00};

/* How the walker treats each expression kind it accepts. */
enum kind {
  K_UNSUPPORTED = 0, /* every id not listed in init_kinds() */
  K_LEAF,
  K_BLOCK,
  K_IF,
  K_LOOP,
  K_BREAK,
  K_SWITCH,
  K_CALL,
  K_CALL_INDIRECT,
  K_LOCAL_SET,
  K_GLOBAL_SET,
  K_LOAD,
  K_STORE,
  K_MEMORY_INIT,
  K_MEMORY_COPY,
  K_MEMORY_FILL,
  K_UNARY,
  K_BINARY,
  K_SELECT,
  K_DROP,
  K_RETURN,
  K_MEMORY_GROW,
};

/* Pass state: the module, the walker's work lists and the error message. */
struct pass {
  BinaryenModuleRef mod;
  unsigned char kinds[KIND_TABLE_SIZE];
  BinaryenType t_none, t_unreachable, t_i32, t_i64, t_f32, t_f64;
  const char *func; /* function being walked, for messages */
  /* work stack of (expression, region) */
  BinaryenExpressionRef *stack;
  uint32_t *stack_region;
  size_t stack_len, stack_cap;
  /* region 0 is the function entry; region r > 0 is the body of loops[r] */
  uint64_t *cost;
  BinaryenExpressionRef *loops;
  size_t nregions, regions_cap;
  char err[ERR_MAX];
};

/* Records a formatted error in p->err. Always returns -1. */
static int fail(struct pass *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err, sizeof p->err, fmt, ap);
  va_end(ap);
  return -1;
}

/* Name of an expression id, from binaryen's own list of classes (each
 * DELEGATE line of the .def ends in ';', hence the statement form). */
static const char *kind_name(BinaryenExpressionId id) {
#define DELEGATE(CLASS)                                                        \
  if (id == Binaryen##CLASS##Id())                                             \
  return #CLASS
#include <wasm-delegations.def>
  return "?";
}

/* The largest expression id binaryen defines. */
static BinaryenExpressionId max_kind_id(void) {
  BinaryenExpressionId max = 0;
#define DELEGATE(CLASS)                                                        \
  if (Binaryen##CLASS##Id() > max)                                             \
  max = Binaryen##CLASS##Id()
#include <wasm-delegations.def>
  return max;
}

/* Fills the id -> kind table with the kinds we support. Returns -1 if
 * binaryen's ids do not fit the table (a different libbinaryen). */
static int init_kinds(struct pass *p) {
  const struct {
    BinaryenExpressionId id;
    enum kind kind;
  } map[] = {
      {BinaryenNopId(), K_LEAF},
      {BinaryenLocalGetId(), K_LEAF},
      {BinaryenGlobalGetId(), K_LEAF},
      {BinaryenConstId(), K_LEAF},
      {BinaryenMemorySizeId(), K_LEAF},
      {BinaryenUnreachableId(), K_LEAF},
      {BinaryenDataDropId(), K_LEAF},
      {BinaryenBlockId(), K_BLOCK},
      {BinaryenIfId(), K_IF},
      {BinaryenLoopId(), K_LOOP},
      {BinaryenBreakId(), K_BREAK},
      {BinaryenSwitchId(), K_SWITCH},
      {BinaryenCallId(), K_CALL},
      {BinaryenCallIndirectId(), K_CALL_INDIRECT},
      {BinaryenLocalSetId(), K_LOCAL_SET},
      {BinaryenGlobalSetId(), K_GLOBAL_SET},
      {BinaryenLoadId(), K_LOAD},
      {BinaryenStoreId(), K_STORE},
      {BinaryenMemoryInitId(), K_MEMORY_INIT},
      {BinaryenMemoryCopyId(), K_MEMORY_COPY},
      {BinaryenMemoryFillId(), K_MEMORY_FILL},
      {BinaryenUnaryId(), K_UNARY},
      {BinaryenBinaryId(), K_BINARY},
      {BinaryenSelectId(), K_SELECT},
      {BinaryenDropId(), K_DROP},
      {BinaryenReturnId(), K_RETURN},
      {BinaryenMemoryGrowId(), K_MEMORY_GROW},
  };
  memset(p->kinds, K_UNSUPPORTED, sizeof p->kinds);
  if (max_kind_id() >= KIND_TABLE_SIZE)
    return fail(p, "libbinaryen expression id %u exceeds the kind table; raise "
                   "KIND_TABLE_SIZE",
                max_kind_id());
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    p->kinds[map[i].id] = (unsigned char)map[i].kind;
  p->t_none = BinaryenTypeNone();
  p->t_unreachable = BinaryenTypeUnreachable();
  p->t_i32 = BinaryenTypeInt32();
  p->t_i64 = BinaryenTypeInt64();
  p->t_f32 = BinaryenTypeFloat32();
  p->t_f64 = BinaryenTypeFloat64();
  return 0;
}

/* Grows *buf (elements of size elem) to hold at least need elements.
 * Returns -1 on out-of-memory. */
static int grow(void **buf, size_t *cap, size_t need, size_t elem, size_t initial) {
  if (need <= *cap)
    return 0;
  size_t n = *cap ? *cap : initial;
  while (n < need)
    n *= 2;
  void *q = realloc(*buf, n * elem);
  if (!q)
    return -1;
  *buf = q;
  *cap = n;
  return 0;
}

/* Pushes e (if not NULL) onto the work stack in the given region.
 * Returns -1 on out-of-memory. */
static int push(struct pass *p, BinaryenExpressionRef e, uint32_t region) {
  if (!e)
    return 0;
  size_t cap = p->stack_cap;
  if (grow((void **)&p->stack, &cap, p->stack_len + 1, sizeof *p->stack, INITIAL_STACK) ||
      grow((void **)&p->stack_region, &p->stack_cap, p->stack_len + 1,
           sizeof *p->stack_region, INITIAL_STACK))
    return fail(p, "out of memory");
  p->stack[p->stack_len] = e;
  p->stack_region[p->stack_len] = region;
  p->stack_len++;
  return 0;
}

/* Opens a new region with cost 0 for the body of `loop` (NULL for the
 * function entry) and stores its index in *index. Returns -1 on
 * out-of-memory. */
static int new_region(struct pass *p, BinaryenExpressionRef loop, uint32_t *index) {
  size_t cap = p->regions_cap;
  if (grow((void **)&p->cost, &cap, p->nregions + 1, sizeof *p->cost, INITIAL_REGIONS) ||
      grow((void **)&p->loops, &p->regions_cap, p->nregions + 1, sizeof *p->loops,
           INITIAL_REGIONS))
    return fail(p, "out of memory");
  p->cost[p->nregions] = 0;
  p->loops[p->nregions] = loop;
  *index = (uint32_t)p->nregions++;
  return 0;
}

/* Checks that e's type is one of the MVP value types (or none/unreachable);
 * this is what catches SIMD ops hidden in Unary/Binary/Load/Const, and
 * reference-typed selects and locals. Returns -1 otherwise. */
static int check_type(struct pass *p, BinaryenExpressionRef e) {
  BinaryenType t = BinaryenExpressionGetType(e);
  if (t == p->t_none || t == p->t_unreachable || t == p->t_i32 || t == p->t_i64 ||
      t == p->t_f32 || t == p->t_f64)
    return 0;
  return fail(p,
              "function %s: unsupported %s expression of type %s (SIMD, reference "
              "types or multi-value are not supported by lsb-fuel)",
              p->func, kind_name(BinaryenExpressionGetId(e)),
              t == BinaryenTypeVec128() ? "v128" : "reference/tuple");
}

/* Fails for an expression kind (or variant) the pass does not support. */
static int unsupported(struct pass *p, BinaryenExpressionRef e, const char *variant) {
  BinaryenExpressionId id = BinaryenExpressionGetId(e);
  return fail(p,
              "function %s: unsupported expression kind %s%s (id %u); lsb-fuel "
              "supports MVP, sign-ext, bulk-memory, nontrapping float-to-int and "
              "mutable-globals only",
              p->func, kind_name(id), variant, id);
}

/* Pushes every child of the block e. Returns -1 on out-of-memory. */
static int push_block(struct pass *p, BinaryenExpressionRef e, uint32_t r) {
  BinaryenIndex n = BinaryenBlockGetNumChildren(e);
  for (BinaryenIndex i = 0; i < n; i++)
    if (push(p, BinaryenBlockGetChildAt(e, i), r))
      return -1;
  return 0;
}

/* Pushes the operands of a call or call_indirect. */
static int push_operands(struct pass *p, BinaryenExpressionRef e, uint32_t r, bool indirect) {
  BinaryenIndex n = indirect ? BinaryenCallIndirectGetNumOperands(e)
                             : BinaryenCallGetNumOperands(e);
  for (BinaryenIndex i = 0; i < n; i++) {
    BinaryenExpressionRef op = indirect ? BinaryenCallIndirectGetOperandAt(e, i)
                                        : BinaryenCallGetOperandAt(e, i);
    if (push(p, op, r))
      return -1;
  }
  return indirect ? push(p, BinaryenCallIndirectGetTarget(e), r) : 0;
}

/* Pushes up to three children. */
static int push3(struct pass *p, uint32_t r, BinaryenExpressionRef a, BinaryenExpressionRef b,
                 BinaryenExpressionRef c) {
  return push(p, a, r) || push(p, b, r) || push(p, c, r) ? -1 : 0;
}

/* Charges e to region r and pushes its children (a loop's body goes to a
 * new region). Returns -1 with p->err set for an unsupported kind. */
static int visit(struct pass *p, BinaryenExpressionRef e, uint32_t r) {
  BinaryenExpressionId id = BinaryenExpressionGetId(e);
  enum kind k = id < KIND_TABLE_SIZE ? (enum kind)p->kinds[id] : K_UNSUPPORTED;
  if (k == K_UNSUPPORTED)
    return unsupported(p, e, "");
  if (check_type(p, e))
    return -1;
  /* A block without a label is binaryen's container for a function body or
   * an if arm; it has no opcode of its own, so it costs nothing. */
  if (!(k == K_BLOCK && !BinaryenBlockGetName(e)))
    p->cost[r]++;
  switch (k) {
  case K_LEAF:
    return 0;
  case K_BLOCK:
    return push_block(p, e, r);
  case K_IF:
    return push3(p, r, BinaryenIfGetCondition(e), BinaryenIfGetIfTrue(e),
                 BinaryenIfGetIfFalse(e));
  case K_LOOP: {
    uint32_t body;
    return new_region(p, e, &body) ? -1 : push(p, BinaryenLoopGetBody(e), body);
  }
  case K_BREAK:
    return push3(p, r, BinaryenBreakGetCondition(e), BinaryenBreakGetValue(e), NULL);
  case K_SWITCH:
    return push3(p, r, BinaryenSwitchGetCondition(e), BinaryenSwitchGetValue(e), NULL);
  case K_CALL:
    return BinaryenCallIsReturn(e) ? unsupported(p, e, " (return_call, tail-call)")
                                   : push_operands(p, e, r, false);
  case K_CALL_INDIRECT:
    return BinaryenCallIndirectIsReturn(e)
               ? unsupported(p, e, " (return_call_indirect, tail-call)")
               : push_operands(p, e, r, true);
  case K_LOCAL_SET:
    return push(p, BinaryenLocalSetGetValue(e), r);
  case K_GLOBAL_SET:
    return push(p, BinaryenGlobalSetGetValue(e), r);
  case K_LOAD:
    return BinaryenLoadIsAtomic(e) ? unsupported(p, e, " (atomic)")
                                   : push(p, BinaryenLoadGetPtr(e), r);
  case K_STORE:
    return BinaryenStoreIsAtomic(e)
               ? unsupported(p, e, " (atomic)")
               : push3(p, r, BinaryenStoreGetPtr(e), BinaryenStoreGetValue(e), NULL);
  case K_MEMORY_INIT:
    return push3(p, r, BinaryenMemoryInitGetDest(e), BinaryenMemoryInitGetOffset(e),
                 BinaryenMemoryInitGetSize(e));
  case K_MEMORY_COPY:
    return push3(p, r, BinaryenMemoryCopyGetDest(e), BinaryenMemoryCopyGetSource(e),
                 BinaryenMemoryCopyGetSize(e));
  case K_MEMORY_FILL:
    return push3(p, r, BinaryenMemoryFillGetDest(e), BinaryenMemoryFillGetValue(e),
                 BinaryenMemoryFillGetSize(e));
  case K_UNARY:
    return push(p, BinaryenUnaryGetValue(e), r);
  case K_BINARY:
    return push3(p, r, BinaryenBinaryGetLeft(e), BinaryenBinaryGetRight(e), NULL);
  case K_SELECT:
    return push3(p, r, BinaryenSelectGetIfTrue(e), BinaryenSelectGetIfFalse(e),
                 BinaryenSelectGetCondition(e));
  case K_DROP:
    return push(p, BinaryenDropGetValue(e), r);
  case K_RETURN:
    return push(p, BinaryenReturnGetValue(e), r);
  case K_MEMORY_GROW:
    return push(p, BinaryenMemoryGrowGetDelta(e), r);
  case K_UNSUPPORTED:
    break;
  }
  return unsupported(p, e, "");
}

/* Builds the two charge statements for `cost` into out[0..1]:
 *   fuel = fuel - cost; if (fuel < 0) lsb.out_of_fuel(); */
static void build_charge(struct pass *p, uint64_t cost, BinaryenExpressionRef out[2]) {
  BinaryenModuleRef m = p->mod;
  BinaryenExpressionRef sub =
      BinaryenBinary(m, BinaryenSubInt64(), BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64),
                     BinaryenConst(m, BinaryenLiteralInt64((int64_t)cost)));
  out[0] = BinaryenGlobalSet(m, FUEL_GLOBAL, sub);
  BinaryenExpressionRef neg =
      BinaryenBinary(m, BinaryenLtSInt64(), BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64),
                     BinaryenConst(m, BinaryenLiteralInt64(0)));
  out[1] = BinaryenIf(m, neg, BinaryenCall(m, OOF_INTERNAL, NULL, 0, p->t_none), NULL);
}

/* Returns `body` with a charge of `cost` in front: inserted into body itself
 * when it is a label-less block (no extra nesting), else wrapped. */
static BinaryenExpressionRef prepend_charge(struct pass *p, BinaryenExpressionRef body,
                                            uint64_t cost) {
  BinaryenExpressionRef charge[2];
  build_charge(p, cost, charge);
  if (BinaryenExpressionGetId(body) == BinaryenBlockId() && !BinaryenBlockGetName(body)) {
    BinaryenBlockInsertChildAt(body, 0, charge[1]);
    BinaryenBlockInsertChildAt(body, 0, charge[0]);
    return body;
  }
  BinaryenExpressionRef seq[3] = {charge[0], charge[1], body};
  return BinaryenBlock(p->mod, NULL, seq, 3, BinaryenTypeAuto());
}

/* Counts the regions of one defined function and inserts its charges.
 * Returns -1 with p->err set on an unsupported expression. */
static int instrument_function(struct pass *p, BinaryenFunctionRef f) {
  BinaryenExpressionRef body = BinaryenFunctionGetBody(f);
  p->func = BinaryenFunctionGetName(f);
  p->stack_len = 0;
  p->nregions = 0;
  uint32_t entry;
  if (new_region(p, NULL, &entry) || push(p, body, entry))
    return -1;
  while (p->stack_len) {
    p->stack_len--;
    if (visit(p, p->stack[p->stack_len], p->stack_region[p->stack_len]))
      return -1;
  }
  for (size_t r = 1; r < p->nregions; r++) {
    BinaryenExpressionRef loop = p->loops[r];
    BinaryenLoopSetBody(loop, prepend_charge(p, BinaryenLoopGetBody(loop), p->cost[r]));
  }
  if (p->cost[0])
    BinaryenFunctionSetBody(f, prepend_charge(p, body, p->cost[0]));
  return 0;
}

/* Instruments every defined function (imports have no body). The new
 * helpers are added afterwards, so they are never charged. */
static int instrument_functions(struct pass *p) {
  BinaryenIndex n = BinaryenGetNumFunctions(p->mod);
  for (BinaryenIndex i = 0; i < n; i++) {
    BinaryenFunctionRef f = BinaryenGetFunctionByIndex(p->mod, i);
    if (BinaryenFunctionGetBody(f) && instrument_function(p, f))
      return -1;
  }
  return 0;
}

/* Global value widened to the i64 the ABI uses (floats as raw bits). */
static BinaryenExpressionRef global_to_i64(struct pass *p, const char *name, BinaryenType t) {
  BinaryenModuleRef m = p->mod;
  BinaryenExpressionRef v = BinaryenGlobalGet(m, name, t);
  if (t == p->t_f32)
    v = BinaryenUnary(m, BinaryenReinterpretFloat32(), v);
  else if (t == p->t_f64)
    return BinaryenUnary(m, BinaryenReinterpretFloat64(), v);
  else if (t == p->t_i64)
    return v;
  return BinaryenUnary(m, BinaryenExtendUInt32(), v);
}

/* i64 value narrowed to global type t (the inverse of global_to_i64). */
static BinaryenExpressionRef i64_to_global(struct pass *p, BinaryenExpressionRef v,
                                           BinaryenType t) {
  BinaryenModuleRef m = p->mod;
  if (t == p->t_i64)
    return v;
  if (t == p->t_f64)
    return BinaryenUnary(m, BinaryenReinterpretInt64(), v);
  v = BinaryenUnary(m, BinaryenWrapInt64(), v);
  return t == p->t_f32 ? BinaryenUnary(m, BinaryenReinterpretInt32(), v) : v;
}

/* `local 0 == index` for the lsb_global_* dispatch chains. */
static BinaryenExpressionRef index_is(struct pass *p, BinaryenIndex index) {
  BinaryenModuleRef m = p->mod;
  return BinaryenBinary(m, BinaryenEqInt32(), BinaryenLocalGet(m, PARAM_INDEX, p->t_i32),
                        BinaryenConst(m, BinaryenLiteralInt32((int32_t)index)));
}

/* Collects the module's mutable globals in module order into *out (malloc'd,
 * caller frees). Returns their count, or -1 for an unsupported global type
 * or out-of-memory. */
static long mutable_globals(struct pass *p, BinaryenGlobalRef **out) {
  BinaryenIndex n = BinaryenGetNumGlobals(p->mod);
  BinaryenGlobalRef *g = malloc((n ? n : 1) * sizeof *g);
  long count = 0;
  if (!g)
    return fail(p, "out of memory");
  for (BinaryenIndex i = 0; i < n; i++) {
    BinaryenGlobalRef gl = BinaryenGetGlobalByIndex(p->mod, i);
    BinaryenType t = BinaryenGlobalGetType(gl);
    if (!BinaryenGlobalIsMutable(gl))
      continue;
    if (t != p->t_i32 && t != p->t_i64 && t != p->t_f32 && t != p->t_f64) {
      free(g);
      return fail(p, "mutable global %s has a non-numeric type; lsb_global_get/set "
                     "cover i32, i64, f32 and f64 only",
                  BinaryenGlobalGetName(gl));
    }
    g[count++] = gl;
  }
  *out = g;
  return count;
}

/* Adds lsb_globals_count, lsb_global_get and lsb_global_set over the n
 * globals in g. Index k is the k-th mutable global in module order; an
 * out-of-range index reads as GLOBAL_GET_OUT_OF_RANGE and writes nothing.
 * Returns -1 on out-of-memory. */
static int add_global_accessors(struct pass *p, BinaryenGlobalRef *g, BinaryenIndex n) {
  BinaryenModuleRef m = p->mod;
  BinaryenType i32_i64[2] = {p->t_i32, p->t_i64};
  BinaryenType set_params = BinaryenTypeCreate(i32_i64, 2);
  BinaryenExpressionRef *get = malloc((n + 1) * sizeof *get);
  BinaryenExpressionRef *set = malloc((n + 1) * sizeof *set);
  if (!get || !set) {
    free(get);
    free(set);
    return fail(p, "out of memory");
  }
  for (BinaryenIndex k = 0; k < n; k++) {
    const char *name = BinaryenGlobalGetName(g[k]);
    BinaryenType t = BinaryenGlobalGetType(g[k]);
    get[k] = BinaryenIf(m, index_is(p, k), BinaryenReturn(m, global_to_i64(p, name, t)), NULL);
    BinaryenExpressionRef store[2] = {
        BinaryenGlobalSet(m, name, i64_to_global(p, BinaryenLocalGet(m, PARAM_VALUE, p->t_i64), t)),
        BinaryenReturn(m, NULL)};
    set[k] = BinaryenIf(m, index_is(p, k), BinaryenBlock(m, NULL, store, 2, p->t_none), NULL);
  }
  get[n] = BinaryenConst(m, BinaryenLiteralInt64(GLOBAL_GET_OUT_OF_RANGE));
  BinaryenAddFunction(m, EXPORT_GLOBALS_COUNT, p->t_none, p->t_i32, NULL, 0,
                      BinaryenConst(m, BinaryenLiteralInt32((int32_t)n)));
  BinaryenAddFunction(m, EXPORT_GLOBAL_GET, p->t_i32, p->t_i64, NULL, 0,
                      BinaryenBlock(m, NULL, get, n + 1, p->t_i64));
  BinaryenAddFunction(m, EXPORT_GLOBAL_SET, set_params, p->t_none, NULL, 0,
                      n ? BinaryenBlock(m, NULL, set, n, p->t_none) : BinaryenNop(m));
  free(get);
  free(set);
  return 0;
}

/* Fails if a name this pass adds is already taken (for example because the
 * module was instrumented before). */
static int check_names_free(struct pass *p) {
  static const char *const funcs[] = {OOF_INTERNAL, EXPORT_FUEL_GET, EXPORT_FUEL_SET,
                                      EXPORT_GLOBALS_COUNT, EXPORT_GLOBAL_GET,
                                      EXPORT_GLOBAL_SET};
  BinaryenIndex n = BinaryenGetNumFunctions(p->mod);
  for (BinaryenIndex i = 0; i < n; i++) {
    BinaryenFunctionRef f = BinaryenGetFunctionByIndex(p->mod, i);
    if (!BinaryenFunctionGetBody(f) &&
        strcmp(BinaryenFunctionImportGetModule(f), OOF_MODULE) == 0 &&
        strcmp(BinaryenFunctionImportGetBase(f), OOF_BASE) == 0)
      return fail(p, "the module already imports %s.%s (already instrumented?)",
                  OOF_MODULE, OOF_BASE);
  }
  if (BinaryenGetGlobal(p->mod, FUEL_GLOBAL))
    return fail(p, "the module already has a global named \"%s\" (already instrumented?)",
                FUEL_GLOBAL);
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
    if (BinaryenGetFunction(p->mod, funcs[i]))
      return fail(p, "the module already has a function named \"%s\" (already "
                     "instrumented?)", funcs[i]);
    if (BinaryenGetExport(p->mod, funcs[i]))
      return fail(p, "the module already exports \"%s\" (already instrumented?)", funcs[i]);
  }
  return 0;
}

/* Adds the fuel global, the out_of_fuel import, then charges all functions
 * and adds and exports the helpers. Returns -1 with p->err set on failure. */
static int instrument(struct pass *p) {
  BinaryenModuleRef m = p->mod;
  BinaryenGlobalRef *globals = NULL;
  if (check_names_free(p))
    return -1;
  long nglobals = mutable_globals(p, &globals); /* before `fuel` exists */
  if (nglobals < 0)
    return -1;
  BinaryenAddGlobal(m, FUEL_GLOBAL, p->t_i64, true,
                    BinaryenConst(m, BinaryenLiteralInt64(FUEL_INITIAL)));
  BinaryenAddFunctionImport(m, OOF_INTERNAL, OOF_MODULE, OOF_BASE, p->t_none, p->t_none);
  if (instrument_functions(p)) {
    free(globals);
    return -1;
  }
  BinaryenAddFunction(m, EXPORT_FUEL_GET, p->t_none, p->t_i64, NULL, 0,
                      BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64));
  BinaryenAddFunction(m, EXPORT_FUEL_SET, p->t_i64, p->t_none, NULL, 0,
                      BinaryenGlobalSet(m, FUEL_GLOBAL,
                                        BinaryenLocalGet(m, PARAM_INDEX, p->t_i64)));
  int rc = add_global_accessors(p, globals, (BinaryenIndex)nglobals);
  free(globals);
  if (rc)
    return -1;
  static const char *const exports[] = {EXPORT_FUEL_GET, EXPORT_FUEL_SET,
                                        EXPORT_GLOBALS_COUNT, EXPORT_GLOBAL_GET,
                                        EXPORT_GLOBAL_SET};
  for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++)
    BinaryenAddFunctionExport(m, exports[i], exports[i]);
  return 0;
}

/* Reads a whole file into a malloc'd buffer. Returns NULL with p->err set. */
static char *read_file(struct pass *p, const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) {
    fail(p, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    if (grow((void **)&buf, &cap, n + BUFSIZ, 1, BUFSIZ)) {
      fail(p, "out of memory reading %s", path);
      break;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f))
        fail(p, "cannot read %s: %s", path, strerror(errno));
      else {
        fclose(f);
        *len = n;
        return buf;
      }
      break;
    }
  }
  fclose(f);
  free(buf);
  return NULL;
}

/* Writes len bytes to path via a temporary file and rename, so a failed run
 * never leaves a half-written module. Returns -1 with p->err set. */
static int write_file(struct pass *p, const char *path, const void *data, size_t len) {
  size_t tlen = strlen(path) + sizeof ".tmp";
  char *tmp = malloc(tlen);
  if (!tmp)
    return fail(p, "out of memory");
  snprintf(tmp, tlen, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  int rc = 0;
  if (!f)
    rc = fail(p, "cannot create %s: %s", tmp, strerror(errno));
  else if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    rc = fail(p, "cannot write %s: %s", tmp, strerror(errno));
    remove(tmp);
  } else if (rename(tmp, path) != 0) {
    rc = fail(p, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    remove(tmp);
  }
  free(tmp);
  return rc;
}

/* The features the pass understands; anything else fails validation. */
static BinaryenFeatures supported_features(void) {
  return BinaryenFeatureMVP() | BinaryenFeatureSignExt() | BinaryenFeatureBulkMemory() |
         BinaryenFeatureMutableGlobals() | BinaryenFeatureNontrappingFPToInt();
}

/* Reads, instruments, validates and writes one module. Returns -1 with
 * p->err set on any failure. */
static int run(struct pass *p, const char *in, const char *out) {
  size_t len = 0;
  char *bytes = read_file(p, in, &len);
  if (!bytes)
    return -1;
  if (len < WASM_HEADER_SIZE || memcmp(bytes, WASM_HEADER, WASM_HEADER_SIZE) != 0) {
    free(bytes);
    return fail(p, "%s is not a WebAssembly 1.0 binary module (bad magic/version)", in);
  }
  /* On a malformed module libbinaryen prints "[parse exception: ...] Fatal:
   * error in parsing wasm binary" and _Exit(1)s; we cannot intercept it. */
  p->mod = BinaryenModuleRead(bytes, len);
  free(bytes);
  BinaryenModuleSetFeatures(p->mod, supported_features());
  if (instrument(p))
    return -1;
  if (!BinaryenModuleValidate(p->mod))
    return fail(p, "%s: the instrumented module does not validate (see binaryen's "
                   "messages above); it may use a feature lsb-fuel does not support",
                in);
  BinaryenModuleAllocateAndWriteResult w = BinaryenModuleAllocateAndWrite(p->mod, NULL);
  int rc = write_file(p, out, w.binary, w.binaryBytes);
  free(w.binary);
  free(w.sourceMap);
  return rc;
}

int main(int argc, char **argv) {
  struct pass p;
  memset(&p, 0, sizeof p);
  if (argc != 3) {
    fprintf(stderr, "usage: %s IN.wasm OUT.wasm\n"
                    "Adds deterministic fuel metering and the lsb_fuel_*/lsb_global* "
                    "exports (see guest/lsb_abi.h).\n",
            argv[0]);
    return 2;
  }
  BinaryenSetDebugInfo(true); /* keep the name section */
  BinaryenSetColorsEnabled(false);
  int rc = init_kinds(&p) ? -1 : run(&p, argv[1], argv[2]);
  if (rc)
    fprintf(stderr, "lsb-fuel: %s\n", p.err);
  if (p.mod)
    BinaryenModuleDispose(p.mod);
  free(p.stack);
  free(p.stack_region);
  free(p.cost);
  free(p.loops);
  return rc ? 1 : 0;
}
