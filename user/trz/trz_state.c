/* trz_state.c - the per-block prediction state shared by the trz encoder and decoder:
 * thread and token dictionaries and CPU slots (man/trz.5, "Prediction state"). */
#include "trz/trz_codec.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint32_t trz_cpu_slot(uint16_t cpu)
{
	return cpu < TRZ_CPU_SLOTS ? cpu : TRZ_CPU_SLOTS;
}

uint64_t trz_tid_key(uint32_t tid, uint32_t pid)
{
	return (uint64_t)tid << 32 | pid;
}

uint64_t trz_tok_key(int32_t nr, uint8_t dir)
{
	return (uint64_t)(uint32_t)nr << 1 | dir;
}

/* Index n for key in dictionary map m: n, -ENOMEM, or -EEXIST when key is there already (the
 * caller looks first: two entries of one key would break the format). */
static int dict_index(struct tidmap *m, uint32_t n, uint64_t key)
{
	int32_t i = tidmap_index(m, key);

	return i < 0 ? i : (uint32_t)i == n ? i : -EEXIST;
}

/* Append a thread to the dictionary; returns its index, -ENOMEM or -EEXIST. */
int trz_tid_add(struct trz_bstate *s, uint32_t tid, uint32_t pid)
{
	int i;

	if (VEC_RESERVE(s->tids, s->captid, (size_t)s->ntid + 1))
		return -ENOMEM;
	if ((i = dict_index(&s->tidmap, s->ntid, trz_tid_key(tid, pid))) >= 0)
		s->tids[s->ntid++] = (struct trz_tid_state){ .tid = tid, .pid = pid };
	return i;
}

/* Append a token to the dictionary; returns its index, -ENOMEM or -EEXIST. */
int trz_tok_add(struct trz_bstate *s, int32_t nr, uint8_t dir)
{
	int i;

	if (VEC_RESERVE(s->toks, s->captok, (size_t)s->ntok + 1))
		return -ENOMEM;
	if ((i = dict_index(&s->tokmap, s->ntok, trz_tok_key(nr, dir))) >= 0)
		s->toks[s->ntok++] = (struct trz_tok_state){ .nr = nr, .dir = dir };
	return i;
}

int trz_tok_find_or_add(struct trz_bstate *s, int32_t nr, uint8_t dir)
{
	int32_t i = tidmap_find(&s->tokmap, trz_tok_key(nr, dir));
	return i >= 0 ? i : trz_tok_add(s, nr, dir);
}

void trz_bstate_reset(struct trz_bstate *s)
{
	s->prev_ts = 0;
	s->prev_thr_tid = 0;
	s->ntid = 0;
	s->ntok = 0;
	tidmap_clear(&s->tidmap);
	tidmap_clear(&s->tokmap);
	if (++s->gen == 0) { /* wrapped: no slot may look current */
		for (int i = 0; i <= TRZ_CPU_SLOTS; i++)
			s->cpus[i].gen = 0;
		s->gen = 1;
	}
}

void trz_bstate_free(struct trz_bstate *s)
{
	free(s->tids);
	free(s->toks);
	tidmap_free(&s->tidmap);
	tidmap_free(&s->tokmap);
	memset(s, 0, sizeof(*s));
}
