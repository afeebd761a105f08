/* fuzz_ckpt.c - the SSSD-S4 checkpoint loader (sssd_load_mem).  The harness writes the CRC-32
 * of the input's first size-4 bytes into its last 4, so that inputs get past the checksum and
 * reach the header, configuration and weight checks. */
#include <string.h>

#include "fuzz/fuzz.h"
#include "nn/model.h"
#include "sssd/sssd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sssd_model *m = NULL;
	uint8_t *b;

	if (size < 4 || size > (1u << 22))
		return 0;
	b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	uint32_t crc = ckpt_crc32(0, b, size - 4);
	memcpy(b + size - 4, &crc, 4);
	if (sssd_load_mem(&m, b, size) == 0) {
		const struct sssd_config *c = sssd_get_config(m);
		fuzz_check(c->V == sssd_vocab(m)->n && sssd_num_params(m) > 0);
		fuzz_check((uint64_t)sssd_num_params(m) * 4 < size);
		sssd_free(m);
	} else {
		fuzz_check(m == NULL);
	}
	free(b);
	return 0;
}
