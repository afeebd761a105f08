/* sssd_err.c - the thread's SSSD-S4 error text (sssd_last_error()), set by every file of
 * model/sssd/ and read by none of them: kept apart so that no file depends on a file that
 * depends on it. */
#include <stdarg.h>
#include <stdio.h>
#include "sssd/sssd_net.h"

static __thread char sssd_err[256];
void sssd_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sssd_err, sizeof(sssd_err), fmt, ap);
	va_end(ap);
}

const char *sssd_last_error(void)
{
	return sssd_err[0] ? sssd_err : "no error";
}
