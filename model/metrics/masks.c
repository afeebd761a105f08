/* masks.c - the paper's masked positions (see masks.h). */
#include "metrics/masks.h"

#include <errno.h>
#include <string.h>

/* Blackouts up to this size start at the centre; larger ones end where this one ends. */
#define MASK_CENTER_MAX_START 20

int mask_span(int L, int B, int position, int end_mode, int *first, int *count)
{
	int s, c = B;

	if (B < 1 || B > L || (end_mode != MASK_END_PAPER && end_mode != MASK_END_EXACT))
		return -EINVAL;
	switch (position) {
	case MASK_CENTER:
		s = L / 2;
		if (B > MASK_CENTER_MAX_START)
			s = L / 2 + MASK_CENTER_MAX_START - B;
		if (s < 0)
			s = 0;
		if (s + B > L)
			s = L - B;
		break;
	case MASK_END:
		if (end_mode == MASK_END_PAPER && B == 30)
			c = 20;
		s = L - c;
		break;
	default: return -EINVAL;
	}
	*first = s;
	*count = c;
	return 0;
}

int mask_fill(uint8_t *known, int L, int B, int position, int end_mode)
{
	int s, c, err = mask_span(L, B, position, end_mode, &s, &c);

	if (err)
		return err;
	for (int i = 0; i < L; i++)
		known[i] = i < s || i >= s + c;
	return 0;
}

int mask_position_parse(const char *s)
{
	if (!strcmp(s, "center") || !strcmp(s, "centre"))
		return MASK_CENTER;
	if (!strcmp(s, "end"))
		return MASK_END;
	return -EINVAL;
}

const char *mask_position_name(int position)
{
	return position == MASK_CENTER ? "center" : position == MASK_END ? "end" : "?";
}

int mask_end_mode_parse(const char *s)
{
	if (!strcmp(s, "paper"))
		return MASK_END_PAPER;
	if (!strcmp(s, "exact"))
		return MASK_END_EXACT;
	return -EINVAL;
}
