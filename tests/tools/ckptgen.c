/* ckptgen - a tiny SSSD-S4 checkpoint (untrained, a few KB) for the fuzzing seeds of
 * tests/fuzz/corpus/ckpt: the real writer (sssd_save) on the smallest valid configuration.
 *
 * Usage: ckptgen OUT.sssd [onehot|scalar]
 */
#include <stdio.h>
#include <string.h>

#include "sssd/sssd.h"

int main(int argc, char **argv)
{
	struct sssd_config c;
	struct sssd_model *m;
	struct vocab v;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: ckptgen OUT.sssd [onehot|scalar]\n");
		return 64;
	}
	sssd_config_default(&c);
	c.blocks = 1, c.channels = 2, c.skip_channels = 2, c.state = 2, c.T = 4;
	c.embed_in = 4, c.embed_mid = 4, c.embed_out = 4;
	if (argc > 2 && !strcmp(argv[2], "scalar")) {
		c.repr = SSSD_REPR_SCALAR;
		c.objective = SSSD_OBJ_EPS;
	}
	memset(&v, 0, sizeof(v));
	v.n = 5;
	for (int i = 1; i < v.n; i++) {
		v.nr[i] = i - 1;
		v.dir[i] = (uint8_t)(i & 1);
		v.count[i] = (uint64_t)(100 - i);
	}
	v.nr[0] = -1;
	if ((err = sssd_create(&m, &c, &v, 7)) || (err = sssd_save(m, argv[1]))) {
		fprintf(stderr, "ckptgen: %s: %s\n", argv[1], err_text());
		return 1;
	}
	sssd_free(m);
	return 0;
}
