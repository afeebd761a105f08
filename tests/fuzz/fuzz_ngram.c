/* fuzz_ngram.c - the n-gram model file loader (ngram_file_load_mem), and for what it accepts
 * the n-gram imputer built on it filling one window.  The harness writes the CRC-32 of the
 * input's first size-4 bytes into its last 4, so that inputs get past the checksum. */
#include <string.h>
#include <zlib.h>

#include "fuzz/fuzz.h"
#include "ngram/ngram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ngram_file f;
	uint8_t *b;

	if (size < 4 || size > (1u << 20))
		return 0;
	b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	uint32_t crc = (uint32_t)crc32(0, b, (uInt)(size - 4));
	memcpy(b + size - 4, &crc, 4);
	if (ngram_file_load_mem(b, size, &f) == 0) {
		fuzz_check(f.vocab.n >= 1 && f.kmax >= 1);
		struct imputer *im = ngram_new(&f.c, f.vocab.n, f.kmax);
		if (im) {
			int32_t seq[32];
			uint8_t known[32];
			float conf[32];
			for (int i = 0; i < 32; i++) {
				seq[i] = f.vocab.n > 1 ? 1 + i % (f.vocab.n - 1) : 0;
				known[i] = i < 12 || i >= 20;
			}
			fuzz_check(imputer_fill(im, seq, known, conf, 1, 32, 1) == 0);
			for (int i = 0; i < 32; i++)
				fuzz_check(seq[i] >= 0 && seq[i] < f.vocab.n &&
					   (known[i] || (conf[i] >= 0 && conf[i] <= 1)));
			imputer_free(im);
		}
		ngram_file_free(&f);
	}
	free(b);
	return 0;
}
