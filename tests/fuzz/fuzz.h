/* fuzz.h - shared by the libFuzzer harnesses of tests/fuzz/ (see tests/fuzz/README.md).
 *
 * Every harness defines LLVMFuzzerTestOneInput().  Built twice: with clang -fsanitize=fuzzer
 * (build/fuzz/fuzz_NAME: `make fuzz`), and with the project's compiler around replay_main.c
 * (build/tests/fuzz/replay_NAME: runs the committed corpus and crash inputs in `make test`).
 * A harness never prints, and only abort()s (through fuzz_check) on a broken invariant.
 */
#ifndef TRC_FUZZ_H
#define TRC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the code under test promises: a violation is a finding (abort = crash). */
#define fuzz_check(cond)                                                                             \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

/* A stream that swallows output (formatting code runs, nothing is written anywhere).  Its
 * 1 MiB buffer makes a write to /dev/null rare (the default 4 KiB one cost a system call
 * every few records). */
static inline FILE *fuzz_sink(void)
{
	static FILE *f;

	if (!f && (f = fopen("/dev/null", "w")))
		setvbuf(f, NULL, _IOFBF, 1u << 20);
	return f;
}

#endif /* TRC_FUZZ_H */
