/* trz_sketch.c - what a gap's lost-syscall sketch tells (see struct trz_sketch in trz.h). */
#include "trz/trz.h"

uint64_t trz_sketch_known(const struct trz_gap *g)
{
	uint64_t n = 0;

	if (!g->sketch.present)
		return 0;
	for (int i = 0; i < g->sketch.ntoks && i < TRZ_SKETCH_MAX_TOKS; i++)
		n += g->sketch.toks[i].count;
	return n;
}

int trz_sketch_exact(const struct trz_gap *g)
{
	return g->sketch.present && !g->sketch.other && g->lost && trz_sketch_known(g) == g->lost;
}
