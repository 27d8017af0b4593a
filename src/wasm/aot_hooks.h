/*
 * aot_hooks.h - what the generated guest C sees of our runtime beyond
 * wasm-rt.h. scripts/guests.sh force-includes it when compiling wasm2c
 * output and rewrites the data-segment copy in instantiate to honour
 * rt_skip_data_segments: an instance about to be restored from a snapshot
 * would only overwrite those pages again, so copying them is wasted work
 * (3.4 MB, hundreds of page faults, for CPython).
 */
#ifndef LSB_AOT_HOOKS_H
#define LSB_AOT_HOOKS_H

extern int rt_skip_data_segments;

#endif
