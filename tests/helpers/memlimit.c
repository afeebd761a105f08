/* memlimit.c - see memlimit.h. */
#include "helpers/memlimit.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define MEMLIMIT_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMLIMIT_OFF 1
#endif
#endif

static struct rlimit saved;
static int pushed;

#ifndef MEMLIMIT_OFF
static size_t vm_size(void)
{
	char line[256];
	size_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}
#endif

int memlimit_push(size_t extra)
{
#ifdef MEMLIMIT_OFF
	(void)extra;
	return 0;
#else
	struct rlimit rl;
	size_t now = vm_size();

	if (!now || getrlimit(RLIMIT_AS, &saved))
		return 0;
	rl = saved;
	rl.rlim_cur = now + extra;
	if (saved.rlim_max != RLIM_INFINITY && rl.rlim_cur > saved.rlim_max)
		return 0;
	if (setrlimit(RLIMIT_AS, &rl))
		return 0;
	pushed = 1;
	return 1;
#endif
}

void memlimit_pop(void)
{
	if (pushed)
		setrlimit(RLIMIT_AS, &saved);
	pushed = 0;
}
