/* err.c - the thread's error text (err.h). */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char err_buf[ERR_TEXT_MAX];

void err_set(const char *fmt, ...)
{
	char tmp[ERR_TEXT_MAX]; /* fmt's arguments may be err_text() itself */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(err_buf, tmp, sizeof(err_buf));
}

const char *err_text(void)
{
	return err_buf;
}

void err_clear(void)
{
	err_buf[0] = '\0';
}

const char *err_why(int rc)
{
	return err_buf[0] ? err_buf : strerror(rc < 0 ? -rc : rc);
}
