/* trz_header.c - the file header check shared by reader and appending writer, and the
 * per-thread error text behind trz_last_error(). */
#include "trz/trz.h"
#include "trz/trz_format.h"
#include "trz/trz_private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char trz_err[256];

void trz_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trz_err, sizeof(trz_err), fmt, ap);
	va_end(ap);
}

const char *trz_last_error(void)
{
	return trz_err[0] ? trz_err : "no error";
}

int trz_check_file_header(const uint8_t *h, size_t n, uint32_t *hdr_len)
{
	size_t m = n < TRZ_MAGIC_LEN ? n : TRZ_MAGIC_LEN;

	if (n == 0) {
		trz_set_error("empty file (no trz header)");
		return -EINVAL;
	}
	if (memcmp(h, TRZ_MAGIC, m) != 0) {
		trz_set_error("not a trz file (bad magic)");
		return -EINVAL;
	}
	if (n < TRZ_FILE_HDR_LEN) {
		trz_set_error("truncated trz header (%zu of %d bytes)", n, TRZ_FILE_HDR_LEN);
		return -EINVAL;
	}
	uint16_t version = trz_get16(h + 8), len = trz_get16(h + 10);
	if (version == 0 || version > TRZ_VERSION) {
		trz_set_error("unsupported trz version %u (this build reads version %d)", version,
			      TRZ_VERSION);
		return -EINVAL;
	}
	if (len < TRZ_FILE_HDR_LEN || len > TRZ_FILE_HDR_MAX) {
		trz_set_error("corrupt trz header (header length %u)", len);
		return -EINVAL;
	}
	if (hdr_len)
		*hdr_len = len;
	return 0;
}
