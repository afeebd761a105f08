/* sketch.h - the kernel's lost-syscall sketch (struct trc_sketch, bpf/collector.h) as a trz
 * gap sketch (struct trz_sketch, trz/trz.h). */
#ifndef TRC_SKETCH_H
#define TRC_SKETCH_H

#include <stdint.h>
#include "collector.h"
#include "trz/trz.h"

/* Convert the sketch of a loss run of `lost` events (the kernel's count for the run; the
 * sketch may have seen fewer when thread_loss was full at first: those become `other` and the
 * first tokens unknown).  A sketch that does not add up is dropped (out->present = 0).
 * Returns 1 when out holds a sketch, 0 when not. */
int trc_sketch_to_trz(const struct trc_sketch *in, uint64_t lost, struct trz_sketch *out);

#endif /* TRC_SKETCH_H */
