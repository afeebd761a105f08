/* vec.c - see vec.h. */
#include "common/vec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int vec_reserve(void *pp, size_t elsz, size_t *cap, size_t need)
{
	void *p, *np;
	size_t nc;

	if (need <= *cap)
		return 0;
	if (elsz == 0)
		return -EINVAL;
	nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elsz)
			return -ENOMEM;
		nc *= 2;
	}
	memcpy(&p, pp, sizeof(p));
	np = realloc(p, nc * elsz);
	if (!np)
		return -ENOMEM;
	memcpy(pp, &np, sizeof(np));
	*cap = nc;
	return 0;
}
