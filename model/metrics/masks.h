/* masks.h - the evaluation protocol's masked positions (../shared/datasets/README.md).
 *
 * One contiguous blackout of B events per window of L events.  Centre, as in the paper's own
 * results for L = 200: B <= 20 starts at L/2 (1: [100], 5: [100,104], 10: [100,109],
 * 20: [100,119]); larger B end at L/2 + 19 (30: [90,119], 40: [80,119]).  Other L use the same
 * rule, clamped to the window.  End: the last B positions, except that in MASK_END_PAPER mode
 * B = 30 masks only the last 20 positions ([180,199]), as the paper's results did; MASK_END_EXACT
 * masks the last B for every B.
 */
#ifndef TRC_MASKS_H
#define TRC_MASKS_H

#include <stdint.h>

enum mask_position {
	MASK_CENTER = 0,
	MASK_END = 1,
};

enum mask_end_mode {
	MASK_END_PAPER = 0, /* B = 30 at the end masks 20 positions (paper) */
	MASK_END_EXACT = 1, /* always B positions */
};

/* First masked position and number of masked positions for blackout B in a window of L.
 * Returns 0, or -EINVAL when B < 1, B > L or position/end_mode is unknown. */
int mask_span(int L, int B, int position, int end_mode, int *first, int *count);

/* Fill known[L] (1 = observed, 0 = masked) for that span.  Returns mask_span()'s result. */
int mask_fill(uint8_t *known, int L, int B, int position, int end_mode);

/* "center"/"centre"/"end" -> enum mask_position, "paper"/"exact" -> enum mask_end_mode;
 * -EINVAL for other words. */
int mask_position_parse(const char *s);
const char *mask_position_name(int position);
int mask_end_mode_parse(const char *s);

#endif /* TRC_MASKS_H */
