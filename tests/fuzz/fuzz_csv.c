/* fuzz_csv.c - the comma-separated window reader (windows_csv_read_mem) of tracerec-import csv. */
#include "fuzz/fuzz.h"
#include "import/import_windows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npy_windows w;

	if (windows_csv_read_mem(data, size, &w))
		return 0;
	/* every id takes at least one digit and one separator */
	fuzz_check(w.n > 0 && w.len > 0 && (uint64_t)w.n * (uint64_t)w.len <= size);
	npy_free(&w);
	return 0;
}
