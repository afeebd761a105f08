/* sketch.c - kernel sketch -> trz gap sketch (see sketch.h). */
#include "collect/sketch.h"

#include <string.h>

static struct trz_token tok_of(uint32_t t)
{
	uint16_t nr = (uint16_t)(t >> 1);

	return (struct trz_token){ .nr = nr == 0xffff ? -1 : nr, .dir = (uint8_t)(t & 1) };
}

int trc_sketch_to_trz(const struct trc_sketch *in, uint64_t lost, struct trz_sketch *out)
{
	uint64_t sum = in->other, n = in->lost;
	unsigned ntoks = in->ntoks, k;

	memset(out, 0, sizeof(*out));
	if (!n || n > lost || ntoks > TRC_SKETCH_TOKS)
		return 0;
	for (k = 0; k < ntoks; k++) {
		if (!in->cnt[k])
			return 0;
		sum += in->cnt[k];
		out->toks[k].tok = tok_of(in->tok[k]);
		out->toks[k].count = in->cnt[k];
	}
	if (sum != n) /* a count wrapped: nothing trustworthy */
		return 0;
	out->ntoks = (uint8_t)ntoks;
	out->other = in->other + (lost - n); /* events lost before the sketch began */
	if (n == lost) {
		out->nfirst = (uint8_t)(n < TRC_SKETCH_ENDS ? n : TRC_SKETCH_ENDS);
		for (k = 0; k < out->nfirst; k++)
			out->first[k] = tok_of(in->first[k]);
	}
	out->nlast = (uint8_t)(n < TRC_SKETCH_ENDS ? n : TRC_SKETCH_ENDS);
	for (k = 0; k < out->nlast; k++)
		out->last[k] = tok_of(in->last[(n - out->nlast + k) % TRC_SKETCH_ENDS]);
	out->t_first_ns = in->t_first_ns;
	out->t_last_ns = in->t_last_ns >= in->t_first_ns ? in->t_last_ns : in->t_first_ns;
	out->present = 1;
	return 1;
}
