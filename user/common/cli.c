/* cli.c - see cli.h. */
#include "common/cli.h"

#include <stddef.h>

const char *cli_long_name(const struct option *opts, int val)
{
	for (const struct option *l = opts; l->name; l++)
		if (l->val == val)
			return l->name;
	return "?";
}
