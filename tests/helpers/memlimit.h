/* memlimit.h - cap the test process's address space around one call, so that an allocation
 * sized by an unvalidated header fails (-ENOMEM) instead of quietly succeeding on an
 * overcommitting kernel.  Not under AddressSanitizer (its shadow memory needs terabytes of
 * address space): there memlimit_push() does nothing and returns 0. */
#ifndef TRC_TEST_MEMLIMIT_H
#define TRC_TEST_MEMLIMIT_H

#include <stddef.h>

/* Allow `extra` bytes of address space beyond what the process uses now.  Returns 1 when the
 * limit is in force, 0 when not applied (sanitizer build). */
int memlimit_push(size_t extra);
/* Restore the limit memlimit_push() replaced. */
void memlimit_pop(void);

#endif
