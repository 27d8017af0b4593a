/*
 * fuel.c - lsb-fuel, the build-time pass that meters a guest deterministically.
 *
 * Owns the instrumented-module contract of guest/lsb_abi.h: the `fuel` global,
 * the lsb.out_of_fuel import and the lsb_fuel_* / lsb_global* exports.
 * Invariants: each region (function entry, loop header, if arm, and the rest
 * of a block's list after a child that may leave it early) is charged its
 * static expression count when entered, and once entered runs to its end
 * (barring traps), so the charge is exact and bytes and fuel are
 * reproducible; unknown kinds/types fail, never skipped.
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
#define FUEL_GLOBAL           "fuel"
#define OOF_INTERNAL          "lsb_out_of_fuel"
#define OOF_MODULE            "lsb"
#define OOF_BASE              "out_of_fuel"
#define EXPORT_FUEL_GET       "lsb_fuel_get"
#define EXPORT_FUEL_SET       "lsb_fuel_set"
#define EXPORT_GLOBALS_COUNT  "lsb_globals_count"
#define EXPORT_GLOBAL_GET     "lsb_global_get"
#define EXPORT_GLOBAL_SET     "lsb_global_set"
#define EXPORT_WRAPPER_PREFIX "lsb_export_" /* + export name: add_export_checks */

#define FUEL_INITIAL            0 /* the host sets the budget before a run */
#define GLOBAL_GET_OUT_OF_RANGE 0 /* lsb_global_get(bad index) returns this */
#define PARAM_INDEX             0 /* first parameter of a helper */
#define PARAM_VALUE             1 /* second parameter of lsb_global_set */

#define ERR_MAX          512
#define KIND_TABLE_SIZE  128 /* > every BinaryenExpressionId in v108 */
#define INITIAL_STACK    256
#define INITIAL_REGIONS  16
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

/* Where a region starts, i.e. where its charge goes. */
enum region_kind {
    R_FUNC,       /* function entry */
    R_LOOP,       /* loop header: start of the loop body */
    R_IF_TRUE,    /* start of an if's then arm */
    R_IF_FALSE,   /* start of an if's else arm */
    R_BLOCK_REST, /* in a block's list, after a child that may leave the list */
};

/* A stretch that, once entered, runs to its end, charged as one: cost counts
 * its expressions, not those of the regions nested in it. */
struct region {
    uint64_t cost;
    BinaryenExpressionRef at; /* the loop, if or block the charge goes into */
    BinaryenIndex index;      /* R_BLOCK_REST: child index the region starts at */
    /* R_BLOCK_REST: the region charged before it on the same list, which it
     * may be folded into (--fold); itself if it follows a br_table */
    uint32_t parent;
    enum region_kind kind;
};

#define NO_TARGET    UINT32_MAX /* pass.min_target: no branch seen yet */
#define RETURN_DEPTH 0          /* a return leaves every label; label i has depth i + 1 */

/* What a work entry asks the walker to do. */
enum step {
    S_VISIT, /* charge e and push its children */
    S_CLOSE, /* close the label of block or loop e (its children are done) */
    S_CHILD, /* block e: child `index - 1` is done; go on with child `index` */
};

/* One entry of the walker's explicit stack. */
struct work {
    BinaryenExpressionRef e;
    uint32_t region;     /* the region e (S_CHILD: the next child) is charged to */
    BinaryenIndex index; /* S_CHILD: the child to walk next */
    uint32_t min_outer;  /* S_CHILD: pass.min_target before the previous child */
    bool switch_outer;   /* S_CHILD: pass.switched before the previous child */
    enum step step;
};

/* Pass state: the module, the walker's work lists and the error message. */
struct pass {
    BinaryenModuleRef mod;
    unsigned char kinds[KIND_TABLE_SIZE];
    BinaryenType t_none, t_unreachable, t_i32, t_i64, t_f32, t_f64;
    const char *func;   /* function being walked, for messages */
    struct work *stack; /* expressions still to walk */
    size_t stack_len, stack_cap;
    const char **labels; /* labels around the current expression, outermost first */
    size_t labels_len, labels_cap;
    /* shallowest label depth branched to since the current block child began */
    uint32_t min_target;
    bool switched; /* a br_table seen since the current block child began */
    /* regions of the current function, in walk order */
    struct region *regions;
    size_t nregions, regions_cap;
    uint64_t fold;  /* --fold: a rest costing at most this is charged with its parent */
    bool no_charge; /* --no-charge: add the exports only, for the fuel benchmark */
    bool has_call;  /* the current function calls (so its entry charge tests) */
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
#define DELEGATE(CLASS)                                                                            \
    if (id == Binaryen##CLASS##Id()) return #CLASS
#include <wasm-delegations.def>
    return "?";
}

/* The largest expression id binaryen defines. */
static BinaryenExpressionId max_kind_id(void) {
    BinaryenExpressionId max = 0;
#define DELEGATE(CLASS)                                                                            \
    if (Binaryen##CLASS##Id() > max) max = Binaryen##CLASS##Id()
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
        return fail(p,
                    "libbinaryen expression id %u exceeds the kind table; raise "
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
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : initial;
    while (n < need)
        n *= 2;
    void *q = realloc(*buf, n * elem);
    if (!q) return -1;
    *buf = q;
    *cap = n;
    return 0;
}

/* Pushes a work entry w (nothing if w.e is NULL). Returns -1 on
 * out-of-memory. */
static int push_work(struct pass *p, struct work w) {
    if (!w.e) return 0;
    if (grow((void **)&p->stack, &p->stack_cap, p->stack_len + 1, sizeof *p->stack, INITIAL_STACK))
        return fail(p, "out of memory");
    p->stack[p->stack_len++] = w;
    return 0;
}

/* Pushes e (if not NULL) to be charged to region r. */
static int push(struct pass *p, BinaryenExpressionRef e, uint32_t r) {
    return push_work(p, (struct work){.e = e, .region = r, .step = S_VISIT});
}

/* Pushes up to three operands so that they are walked in evaluation order
 * (a, b, c), the order the label bookkeeping relies on. */
static int push3(struct pass *p, uint32_t r, BinaryenExpressionRef a, BinaryenExpressionRef b,
                 BinaryenExpressionRef c) {
    return push(p, c, r) || push(p, b, r) || push(p, a, r) ? -1 : 0;
}

/* Opens a region of `kind` whose charge goes into `at` (R_BLOCK_REST: before
 * its child `index`); its number goes to *r. Returns -1 on out-of-memory. */
static int new_region(struct pass *p, enum region_kind kind, BinaryenExpressionRef at,
                      BinaryenIndex index, uint32_t *r) {
    if (grow((void **)&p->regions, &p->regions_cap, p->nregions + 1, sizeof *p->regions,
             INITIAL_REGIONS))
        return fail(p, "out of memory");
    *r = (uint32_t)p->nregions++;
    p->regions[*r] = (struct region){.at = at, .index = index, .kind = kind};
    return 0;
}

/* Pushes e as the first expression of a new region (kind, at). */
static int push_region(struct pass *p, BinaryenExpressionRef e, enum region_kind kind,
                       BinaryenExpressionRef at) {
    uint32_t r;
    if (!e) return 0;
    return new_region(p, kind, at, 0, &r) ? -1 : push(p, e, r);
}

/* Walks the children of block e one at a time (w is the S_CHILD entry for
 * child w->index). Before each child but the first it looks back: if the
 * previous child branched to a label outside itself (this block's own label,
 * an enclosing one, or a return), control may skip the rest of the list, so
 * the rest starts a new region, charged at its own start. Otherwise the
 * previous child always falls through to the next (a labelled child's own
 * branches land there too), and the rest stays in the current region: this
 * is what keeps the code after a labelled block or an if in its region,
 * exactly. Returns -1 on out-of-memory. */
static int next_child(struct pass *p, const struct work *w) {
    BinaryenExpressionRef e = w->e;
    BinaryenIndex i = w->index;
    uint32_t r = w->region;
    /* labels around the children: e's own (if any) is still open */
    bool left = i > 0 && p->min_target <= (uint32_t)p->labels_len;
    bool foldable = left && !p->switched;
    if (i > 0 && p->min_target > w->min_outer) p->min_target = w->min_outer;
    if (i > 0) p->switched |= w->switch_outer;
    if (i >= BinaryenBlockGetNumChildren(e)) return 0;
    if (left) {
        if (new_region(p, R_BLOCK_REST, e, i, &r)) return -1;
        p->regions[r].parent = foldable ? w->region : r;
    }
    struct work next = {.e = e,
                        .region = r,
                        .index = i + 1,
                        .min_outer = p->min_target,
                        .switch_outer = p->switched,
                        .step = S_CHILD};
    p->min_target = NO_TARGET;
    p->switched = false;
    return push_work(p, next) || push(p, BinaryenBlockGetChildAt(e, i), r) ? -1 : 0;
}

/* Pushes the operands of a call or call_indirect (target last). */
static int push_operands(struct pass *p, BinaryenExpressionRef e, uint32_t r, bool indirect) {
    BinaryenIndex n =
        indirect ? BinaryenCallIndirectGetNumOperands(e) : BinaryenCallGetNumOperands(e);
    if (indirect && push(p, BinaryenCallIndirectGetTarget(e), r)) return -1;
    for (BinaryenIndex i = n; i-- > 0;) {
        BinaryenExpressionRef op =
            indirect ? BinaryenCallIndirectGetOperandAt(e, i) : BinaryenCallGetOperandAt(e, i);
        if (push(p, op, r)) return -1;
    }
    return 0;
}

/* Opens the label `name` of block or loop e and pushes the entry that
 * closes it after its children. Returns -1 on out-of-memory. */
static int open_label(struct pass *p, BinaryenExpressionRef e, const char *name) {
    if (push_work(p, (struct work){.e = e, .step = S_CLOSE}) ||
        grow((void **)&p->labels, &p->labels_cap, p->labels_len + 1, sizeof *p->labels,
             INITIAL_STACK))
        return fail(p, "out of memory");
    p->labels[p->labels_len++] = name;
    return 0;
}

/* Records a branch to label depth `depth` (RETURN_DEPTH for a return). */
static void note_target(struct pass *p, uint32_t depth) {
    if (depth < p->min_target) p->min_target = depth;
}

/* Records a branch to label `name`. Names are interned by binaryen, so
 * pointer equality finds them; strcmp is the fallback.
 * Returns -1 if no enclosing block or loop has that label. */
static int note_branch(struct pass *p, const char *name) {
    for (size_t i = p->labels_len; i-- > 0;)
        if (p->labels[i] == name) {
            note_target(p, (uint32_t)i + 1);
            return 0;
        }
    for (size_t i = p->labels_len; name && i-- > 0;)
        if (strcmp(p->labels[i], name) == 0) {
            note_target(p, (uint32_t)i + 1);
            return 0;
        }
    return fail(p, "function %s: branch to unknown label %s", p->func, name ? name : "(null)");
}

/* Records the targets of a br_table. */
static int note_switch(struct pass *p, BinaryenExpressionRef e) {
    BinaryenIndex n = BinaryenSwitchGetNumNames(e);
    p->switched = true;
    for (BinaryenIndex i = 0; i < n; i++)
        if (note_branch(p, BinaryenSwitchGetNameAt(e, i))) return -1;
    return note_branch(p, BinaryenSwitchGetDefaultName(e));
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

/* Charges e to region r, pushes its children (starting new regions where
 * control can enter other than from the code before) and records branch
 * targets. Returns -1 with p->err set for an unsupported kind. */
static int visit(struct pass *p, BinaryenExpressionRef e, uint32_t r) {
    BinaryenExpressionId id = BinaryenExpressionGetId(e);
    enum kind k = id < KIND_TABLE_SIZE ? (enum kind)p->kinds[id] : K_UNSUPPORTED;
    if (k == K_UNSUPPORTED) return unsupported(p, e, "");
    if (check_type(p, e)) return -1;
    /* A block or loop only marks where branches land: it executes nothing
     * (its branches and its contents are paid for), so it costs nothing.
     * Counting it made a br_table switch pay one unit per case on every
     * dispatch: 261 of the 280 units of python's opcode dispatch. */
    if (k != K_BLOCK && k != K_LOOP) p->regions[r].cost++;
    switch (k) {
    case K_LEAF: return 0;
    case K_BLOCK:
        if (BinaryenBlockGetName(e) && open_label(p, e, BinaryenBlockGetName(e))) return -1;
        return next_child(p, &(struct work){.e = e, .region = r, .step = S_CHILD});
    case K_IF: /* walked: condition, then arm, else arm */
        return push_region(p, BinaryenIfGetIfFalse(e), R_IF_FALSE, e) ||
                       push_region(p, BinaryenIfGetIfTrue(e), R_IF_TRUE, e) ||
                       push(p, BinaryenIfGetCondition(e), r)
                   ? -1
                   : 0;
    case K_LOOP:
        if (BinaryenLoopGetName(e) && open_label(p, e, BinaryenLoopGetName(e))) return -1;
        return push_region(p, BinaryenLoopGetBody(e), R_LOOP, e);
    case K_BREAK:
        return note_branch(p, BinaryenBreakGetName(e)) ||
                       push3(p, r, BinaryenBreakGetValue(e), BinaryenBreakGetCondition(e), NULL)
                   ? -1
                   : 0;
    case K_SWITCH:
        return note_switch(p, e) ||
                       push3(p, r, BinaryenSwitchGetValue(e), BinaryenSwitchGetCondition(e), NULL)
                   ? -1
                   : 0;
    case K_CALL:
        p->has_call = true;
        return BinaryenCallIsReturn(e) ? unsupported(p, e, " (return_call, tail-call)")
                                       : push_operands(p, e, r, false);
    case K_CALL_INDIRECT:
        p->has_call = true;
        return BinaryenCallIndirectIsReturn(e)
                   ? unsupported(p, e, " (return_call_indirect, tail-call)")
                   : push_operands(p, e, r, true);
    case K_LOCAL_SET: return push(p, BinaryenLocalSetGetValue(e), r);
    case K_GLOBAL_SET: return push(p, BinaryenGlobalSetGetValue(e), r);
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
    case K_UNARY: return push(p, BinaryenUnaryGetValue(e), r);
    case K_BINARY: return push3(p, r, BinaryenBinaryGetLeft(e), BinaryenBinaryGetRight(e), NULL);
    case K_SELECT:
        return push3(p, r, BinaryenSelectGetIfTrue(e), BinaryenSelectGetIfFalse(e),
                     BinaryenSelectGetCondition(e));
    case K_DROP: return push(p, BinaryenDropGetValue(e), r);
    case K_RETURN: note_target(p, RETURN_DEPTH); return push(p, BinaryenReturnGetValue(e), r);
    case K_MEMORY_GROW: return push(p, BinaryenMemoryGrowGetDelta(e), r);
    case K_UNSUPPORTED: break;
    }
    return unsupported(p, e, "");
}

/* `if (fuel < 0) lsb.out_of_fuel();` */
static BinaryenExpressionRef build_check(struct pass *p) {
    BinaryenModuleRef m = p->mod;
    BinaryenExpressionRef neg =
        BinaryenBinary(m, BinaryenLtSInt64(), BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64),
                       BinaryenConst(m, BinaryenLiteralInt64(0)));
    return BinaryenIf(m, neg, BinaryenCall(m, OOF_INTERNAL, NULL, 0, p->t_none), NULL);
}

/* Does a charge at a region of this kind test the counter? Only where
 * control can come back: a loop header, and the entry of a function that
 * calls (a leaf cannot be part of a recursion). Every endless loop passes
 * a loop header and every unbounded recursion the entry of a function that
 * calls, so they still stop. The other regions (if arms, the rest of a
 * list after an early exit, a leaf's entry) are forward-only, so the code
 * between two tests is finite; they only subtract, and an overdraft is
 * caught at the next test (or when the export returns: add_export_checks). */
static bool region_checks(const struct pass *p, enum region_kind kind) {
    return kind == R_LOOP || (kind == R_FUNC && p->has_call);
}

/* Builds the charge statements of a region of `kind` costing `cost` into
 * out[] and returns how many:
 *   fuel = fuel - cost;                              (every region)
 *   if (fuel < 0) lsb.out_of_fuel();                 (region_checks) */
static int build_charge(struct pass *p, uint64_t cost, enum region_kind kind,
                        BinaryenExpressionRef out[2]) {
    BinaryenModuleRef m = p->mod;
    BinaryenExpressionRef sub =
        BinaryenBinary(m, BinaryenSubInt64(), BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64),
                       BinaryenConst(m, BinaryenLiteralInt64((int64_t)cost)));
    out[0] = BinaryenGlobalSet(m, FUEL_GLOBAL, sub);
    if (!region_checks(p, kind)) return 1;
    out[1] = build_check(p);
    return 2;
}

/* Returns `body` with the charge of region kind `kind` in front: inserted
 * into body itself when it is a label-less block (no extra nesting), else
 * wrapped. */
static BinaryenExpressionRef prepend_charge(struct pass *p, BinaryenExpressionRef body,
                                            uint64_t cost, enum region_kind kind) {
    BinaryenExpressionRef seq[3];
    int n = build_charge(p, cost, kind, seq);
    if (BinaryenExpressionGetId(body) == BinaryenBlockId() && !BinaryenBlockGetName(body)) {
        for (int i = n; i-- > 0;)
            BinaryenBlockInsertChildAt(body, 0, seq[i]);
        return body;
    }
    seq[n] = body;
    return BinaryenBlock(p->mod, NULL, seq, (BinaryenIndex)n + 1, BinaryenTypeAuto());
}

/* Inserts the charge of region g at its start (none if it costs 0). */
static void place_charge(struct pass *p, BinaryenFunctionRef f, const struct region *g) {
    BinaryenExpressionRef charge[2];
    if (g->cost == 0) return;
    switch (g->kind) {
    case R_FUNC:
        BinaryenFunctionSetBody(f, prepend_charge(p, BinaryenFunctionGetBody(f), g->cost, g->kind));
        break;
    case R_LOOP:
        BinaryenLoopSetBody(g->at, prepend_charge(p, BinaryenLoopGetBody(g->at), g->cost, g->kind));
        break;
    case R_IF_TRUE:
        BinaryenIfSetIfTrue(g->at, prepend_charge(p, BinaryenIfGetIfTrue(g->at), g->cost, g->kind));
        break;
    case R_IF_FALSE:
        BinaryenIfSetIfFalse(g->at,
                             prepend_charge(p, BinaryenIfGetIfFalse(g->at), g->cost, g->kind));
        break;
    case R_BLOCK_REST:
        for (int i = build_charge(p, g->cost, g->kind, charge); i-- > 0;)
            BinaryenBlockInsertChildAt(g->at, g->index, charge[i]);
        break;
    }
}

/* --fold: charges each rest of a list after an early exit that costs at
 * most p->fold units (with what was folded into it) at the start of the
 * region before it on the list (its parent), and drops its own charge. A
 * path that takes the exit then pays for at most p->fold units it skips;
 * every other path pays what it ran. Charges only move earlier, so every
 * test sees at least what exact charging would have subtracted: an endless
 * loop or recursion still stops, and the count is as deterministic (it is
 * in the wasm, so Node's is the same). A case of a br_table switch is
 * never folded (parent == itself): its parent is the dispatch, which would
 * pay for every small case on every dispatch. Rests are opened after their
 * parents, so walking backwards folds a chain of rests from its end. */
static void fold_small_rests(struct pass *p) {
    for (size_t r = p->nregions; r-- > 0;) {
        struct region *g = &p->regions[r];
        if (g->kind == R_BLOCK_REST && g->parent != r && g->cost <= p->fold) {
            p->regions[g->parent].cost += g->cost;
            g->cost = 0;
        }
    }
}

/* Counts the regions of one defined function, then inserts their charges
 * from the last region to the first: the regions of one block's list are
 * opened in child order, so a higher child index is inserted before a lower
 * one, and all before a prepend at index 0 (which regions opened earlier do).
 * Returns -1 with p->err set on an unsupported expression. */
static int instrument_function(struct pass *p, BinaryenFunctionRef f) {
    uint32_t entry;
    p->func = BinaryenFunctionGetName(f);
    p->stack_len = 0;
    p->labels_len = 0;
    p->min_target = NO_TARGET;
    p->switched = false;
    p->nregions = 0;
    p->has_call = false;
    if (new_region(p, R_FUNC, NULL, 0, &entry) || push(p, BinaryenFunctionGetBody(f), entry))
        return -1;
    while (p->stack_len) {
        struct work w = p->stack[--p->stack_len];
        int rc = 0;
        switch (w.step) {
        case S_VISIT: rc = visit(p, w.e, w.region); break;
        case S_CLOSE: p->labels_len--; break;
        case S_CHILD: rc = next_child(p, &w); break;
        }
        if (rc) return -1;
    }
    fold_small_rests(p);
    for (size_t r = p->nregions; r-- > 0;)
        place_charge(p, f, &p->regions[r]);
    return 0;
}

/* Instruments every defined function (imports have no body). The new
 * helpers are added afterwards, so they are never charged. */
static int instrument_functions(struct pass *p) {
    BinaryenIndex n = BinaryenGetNumFunctions(p->mod);
    for (BinaryenIndex i = 0; i < n; i++) {
        BinaryenFunctionRef f = BinaryenGetFunctionByIndex(p->mod, i);
        if (BinaryenFunctionGetBody(f) && instrument_function(p, f)) return -1;
    }
    return 0;
}

/* Adds the function `name` that calls f with its own parameters, then
 * tests the counter, and returns f's result. Returns -1 with p->err set on
 * out-of-memory. */
static int add_checked_wrapper(struct pass *p, BinaryenFunctionRef f, const char *name) {
    BinaryenModuleRef m = p->mod;
    BinaryenType params = BinaryenFunctionGetParams(f), results = BinaryenFunctionGetResults(f);
    uint32_t nparams = BinaryenTypeArity(params);
    BinaryenType *types = malloc((nparams + 1) * sizeof *types);
    BinaryenExpressionRef *args = malloc((nparams + 1) * sizeof *args);
    if (!types || !args) {
        free(types);
        free(args);
        return fail(p, "out of memory");
    }
    BinaryenTypeExpand(params, types);
    for (uint32_t i = 0; i < nparams; i++)
        args[i] = BinaryenLocalGet(m, i, types[i]);
    BinaryenExpressionRef call =
        BinaryenCall(m, BinaryenFunctionGetName(f), args, nparams, results);
    BinaryenExpressionRef seq[3];
    BinaryenIndex n = 0;
    if (results == p->t_none) {
        seq[n++] = call;
        seq[n++] = build_check(p);
    } else {
        seq[n++] = BinaryenLocalSet(m, nparams, call);
        seq[n++] = build_check(p);
        seq[n++] = BinaryenLocalGet(m, nparams, results);
    }
    BinaryenType result_local[1] = {results};
    BinaryenAddFunction(m, name, params, results, result_local, results == p->t_none ? 0 : 1,
                        BinaryenBlock(m, NULL, seq, n, results));
    free(types);
    free(args);
    return 0;
}

/* Routes every export of a defined function through a wrapper that tests
 * the counter once the function returns, so no export returns to the host
 * with the counter below zero: a forward-only tail only subtracts
 * (region_checks). Calls inside the module still go to the function
 * itself. Returns -1 with p->err set on out-of-memory or a name clash. */
static int add_export_checks(struct pass *p) {
    BinaryenModuleRef m = p->mod;
    BinaryenIndex n = BinaryenGetNumExports(m), count = 0;
    const char **exports = malloc((n ? n : 1) * sizeof *exports);
    if (!exports) return fail(p, "out of memory");
    for (BinaryenIndex i = 0; i < n; i++) {
        BinaryenExportRef ex = BinaryenGetExportByIndex(m, i);
        if (BinaryenExportGetKind(ex) != BinaryenExternalFunction()) continue;
        if (BinaryenFunctionGetBody(BinaryenGetFunction(m, BinaryenExportGetValue(ex))))
            exports[count++] = BinaryenExportGetName(ex);
    }
    int rc = 0;
    for (BinaryenIndex i = 0; i < count && rc == 0; i++) {
        char wrapper[ERR_MAX];
        BinaryenFunctionRef f =
            BinaryenGetFunction(m, BinaryenExportGetValue(BinaryenGetExport(m, exports[i])));
        snprintf(wrapper, sizeof wrapper, "%s%s", EXPORT_WRAPPER_PREFIX, exports[i]);
        if (BinaryenGetFunction(m, wrapper)) {
            rc = fail(p, "the module already has a function named \"%s\"", wrapper);
        } else if (add_checked_wrapper(p, f, wrapper)) {
            rc = -1;
        } else {
            BinaryenRemoveExport(m, exports[i]);
            BinaryenAddFunctionExport(m, wrapper, exports[i]);
        }
    }
    free(exports);
    return rc;
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
    if (t == p->t_i64) return v;
    if (t == p->t_f64) return BinaryenUnary(m, BinaryenReinterpretInt64(), v);
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
    if (!g) return fail(p, "out of memory");
    for (BinaryenIndex i = 0; i < n; i++) {
        BinaryenGlobalRef gl = BinaryenGetGlobalByIndex(p->mod, i);
        BinaryenType t = BinaryenGlobalGetType(gl);
        if (!BinaryenGlobalIsMutable(gl)) continue;
        if (t != p->t_i32 && t != p->t_i64 && t != p->t_f32 && t != p->t_f64) {
            free(g);
            return fail(p,
                        "mutable global %s has a non-numeric type; lsb_global_get/set "
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
            BinaryenGlobalSet(m, name,
                              i64_to_global(p, BinaryenLocalGet(m, PARAM_VALUE, p->t_i64), t)),
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
    static const char *const funcs[] = {OOF_INTERNAL,         EXPORT_FUEL_GET,   EXPORT_FUEL_SET,
                                        EXPORT_GLOBALS_COUNT, EXPORT_GLOBAL_GET, EXPORT_GLOBAL_SET};
    BinaryenIndex n = BinaryenGetNumFunctions(p->mod);
    for (BinaryenIndex i = 0; i < n; i++) {
        BinaryenFunctionRef f = BinaryenGetFunctionByIndex(p->mod, i);
        if (!BinaryenFunctionGetBody(f) &&
            strcmp(BinaryenFunctionImportGetModule(f), OOF_MODULE) == 0 &&
            strcmp(BinaryenFunctionImportGetBase(f), OOF_BASE) == 0)
            return fail(p, "the module already imports %s.%s (already instrumented?)", OOF_MODULE,
                        OOF_BASE);
    }
    if (BinaryenGetGlobal(p->mod, FUEL_GLOBAL))
        return fail(p, "the module already has a global named \"%s\" (already instrumented?)",
                    FUEL_GLOBAL);
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (BinaryenGetFunction(p->mod, funcs[i]))
            return fail(p,
                        "the module already has a function named \"%s\" (already "
                        "instrumented?)",
                        funcs[i]);
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
    if (check_names_free(p)) return -1;
    long nglobals = mutable_globals(p, &globals); /* before `fuel` exists */
    if (nglobals < 0) return -1;
    BinaryenAddGlobal(m, FUEL_GLOBAL, p->t_i64, true,
                      BinaryenConst(m, BinaryenLiteralInt64(FUEL_INITIAL)));
    BinaryenAddFunctionImport(m, OOF_INTERNAL, OOF_MODULE, OOF_BASE, p->t_none, p->t_none);
    if (!p->no_charge && (instrument_functions(p) || add_export_checks(p))) {
        free(globals);
        return -1;
    }
    BinaryenAddFunction(m, EXPORT_FUEL_GET, p->t_none, p->t_i64, NULL, 0,
                        BinaryenGlobalGet(m, FUEL_GLOBAL, p->t_i64));
    BinaryenAddFunction(
        m, EXPORT_FUEL_SET, p->t_i64, p->t_none, NULL, 0,
        BinaryenGlobalSet(m, FUEL_GLOBAL, BinaryenLocalGet(m, PARAM_INDEX, p->t_i64)));
    int rc = add_global_accessors(p, globals, (BinaryenIndex)nglobals);
    free(globals);
    if (rc) return -1;
    static const char *const exports[] = {EXPORT_FUEL_GET, EXPORT_FUEL_SET, EXPORT_GLOBALS_COUNT,
                                          EXPORT_GLOBAL_GET, EXPORT_GLOBAL_SET};
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
    if (!tmp) return fail(p, "out of memory");
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
    if (!bytes) return -1;
    if (len < WASM_HEADER_SIZE || memcmp(bytes, WASM_HEADER, WASM_HEADER_SIZE) != 0) {
        free(bytes);
        return fail(p, "%s is not a WebAssembly 1.0 binary module (bad magic/version)", in);
    }
    /* On a malformed module libbinaryen prints "[parse exception: ...] Fatal:
     * error in parsing wasm binary" and _Exit(1)s; we cannot intercept it. */
    p->mod = BinaryenModuleRead(bytes, len);
    free(bytes);
    BinaryenModuleSetFeatures(p->mod, supported_features());
    if (instrument(p)) return -1;
    if (!BinaryenModuleValidate(p->mod))
        return fail(p,
                    "%s: the instrumented module does not validate (see binaryen's "
                    "messages above); it may use a feature lsb-fuel does not support",
                    in);
    BinaryenModuleAllocateAndWriteResult w = BinaryenModuleAllocateAndWrite(p->mod, NULL);
    int rc = write_file(p, out, w.binary, w.binaryBytes);
    free(w.binary);
    free(w.sourceMap);
    return rc;
}

/* The largest --fold: a fast path may pay for this many units it skips. */
#define FOLD_MAX 4096

/* Parses --fold's value into p->fold. Returns -1 with p->err set unless it
 * is a decimal number from 0 to FOLD_MAX. */
static int parse_fold(struct pass *p, const char *text) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!*text || *text == '-' || *end || errno || v > FOLD_MAX)
        return fail(p, "--fold wants a number of units from 0 to %d, got '%s'", FOLD_MAX, text);
    p->fold = v;
    return 0;
}

/* Reads the options before IN.wasm OUT.wasm; returns the index of IN.wasm,
 * or -1 with p->err set. */
static int parse_options(struct pass *p, int argc, char **argv) {
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--no-charge") == 0) {
            p->no_charge = true; /* same exports, no metering: the benchmark's baseline */
        } else if (strcmp(argv[i], "--fold") == 0) {
            if (i + 1 == argc) return fail(p, "--fold wants a number of units");
            if (parse_fold(p, argv[++i])) return -1;
        } else {
            return fail(p, "unknown option '%s'", argv[i]);
        }
    }
    return argc - i == 2 ? i : fail(p, "want IN.wasm and OUT.wasm after the options");
}

int main(int argc, char **argv) {
    struct pass p;
    memset(&p, 0, sizeof p);
    int first = parse_options(&p, argc, argv);
    if (first < 0) {
        fprintf(stderr,
                "lsb-fuel: %s\n"
                "usage: %s [--no-charge] [--fold N] IN.wasm OUT.wasm\n"
                "Adds deterministic fuel metering and the lsb_fuel_*/lsb_global* "
                "exports (see guest/lsb_abi.h).\n"
                "--no-charge adds the exports but no charges (benchmarks only).\n"
                "--fold N charges a rest of at most N units after an early exit with\n"
                "  the code before the exit (default 0: every path pays exactly what it runs).\n",
                p.err, argv[0]);
        return 2;
    }
    BinaryenSetDebugInfo(true); /* keep the name section */
    BinaryenSetColorsEnabled(false);
    int rc = init_kinds(&p) ? -1 : run(&p, argv[first], argv[first + 1]);
    if (rc) fprintf(stderr, "lsb-fuel: %s\n", p.err);
    if (p.mod) BinaryenModuleDispose(p.mod);
    free(p.stack);
    free(p.labels);
    free(p.regions);
    return rc ? 1 : 0;
}
