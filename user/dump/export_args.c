/* export_args.c - the arguments of timeline slices and gaps (export.h), one list for every
 * encoder: export_chrome.c writes them as a JSON object, export_perfetto.c as debug
 * annotations. */
#include "dump/export.h"

const char *const export_arg_names[XA_NARGS] = {
	NULL,     "ret",        "entry",     "exit",       "confidence", "gap",
	"lost",   "tseq_first", "tseq_last", "cseq_first", "cseq_last",  "cpu",
	"sketch", "synthetic",  "unfilled",  "repair",
};

static const char *end_name(uint8_t how)
{
	switch (how) {
	case TL_SYNTHETIC: return "synthetic";
	case TL_LOST: return "lost";
	case TL_NOT_RECORDED: return "not recorded";
	case TL_OPEN_AT_END: return "still open at the end of the trace";
	}
	return "recorded";
}

static struct export_arg *arg(struct export_arg *a, size_t *n, uint8_t id, uint8_t type)
{
	struct export_arg *x = &a[(*n)++];

	*x = (struct export_arg){ .id = id, .type = type };
	return x;
}

size_t export_slice_args(const struct tl_slice *s, struct export_arg *a)
{
	size_t n = 0;

	if (s->has_ret)
		arg(a, &n, XA_RET, XT_INT)->i = s->ret;
	if (s->entry != TL_RECORDED)
		arg(a, &n, XA_ENTRY, XT_STR)->s = end_name(s->entry);
	if (s->exit != TL_RECORDED)
		arg(a, &n, XA_EXIT, XT_STR)->s = end_name(s->exit);
	if (s->entry == TL_SYNTHETIC || s->exit == TL_SYNTHETIC) {
		arg(a, &n, XA_CONF, XT_DOUBLE)->d = (double)s->confidence;
		arg(a, &n, XA_GAP, XT_UINT)->u = s->gap_id;
	}
	return n;
}

size_t export_gap_args(const struct tl_gap *g, int begin, int end, struct export_arg *a)
{
	size_t n = 0;

	if (begin) {
		arg(a, &n, XA_GAP, XT_UINT)->u = g->id;
		arg(a, &n, XA_LOST, XT_UINT)->u = g->lost;
		arg(a, &n, g->attributed ? XA_TSEQ_FIRST : XA_CSEQ_FIRST, XT_UINT)->u = g->seq_first;
		arg(a, &n, g->attributed ? XA_TSEQ_LAST : XA_CSEQ_LAST, XT_UINT)->u = g->seq_last;
		if (g->cpu == TRZ_NO_CPU)
			arg(a, &n, XA_CPU, XT_NULL);
		else
			arg(a, &n, XA_CPU, XT_UINT)->u = g->cpu;
		if (g->sketch && g->sketch[0])
			arg(a, &n, XA_SKETCH, XT_STR)->s = g->sketch;
	}
	if (end) {
		arg(a, &n, XA_REPAIR, XT_STR)->s = g->repair ? g->repair : "";
		arg(a, &n, XA_SYNTH, XT_UINT)->u = g->synthetic;
		arg(a, &n, XA_UNFILLED, XT_UINT)->u =
			g->lost > g->synthetic ? g->lost - g->synthetic : 0;
	}
	return n;
}
