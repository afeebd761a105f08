/* trz_header.c - the file header check shared by reader and appending writer. */
#include "trz/trz.h"
#include "trz/trz_format.h"
#include "trz/trz_private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int trz_check_file_header(const uint8_t *h, size_t n, uint32_t *hdr_len)
{
	size_t m = n < TRZ_MAGIC_LEN ? n : TRZ_MAGIC_LEN;

	if (n == 0) {
		err_set("empty file (no trz header)");
		return -EINVAL;
	}
	if (memcmp(h, TRZ_MAGIC, m) != 0) {
		err_set("not a trz file (bad magic)");
		return -EINVAL;
	}
	if (n < TRZ_FILE_HDR_LEN) {
		err_set("truncated trz header (%zu of %d bytes)", n, TRZ_FILE_HDR_LEN);
		return -EINVAL;
	}
	uint16_t version = trz_get16(h + 8), len = trz_get16(h + 10);
	if (version == 0 || version > TRZ_VERSION) {
		err_set("unsupported trz version %u (this build reads version %d)", version,
			TRZ_VERSION);
		return -EINVAL;
	}
	if (len < TRZ_FILE_HDR_LEN || len > TRZ_FILE_HDR_MAX) {
		err_set("corrupt trz header (header length %u)", len);
		return -EINVAL;
	}
	if (hdr_len)
		*hdr_len = len;
	return 0;
}
