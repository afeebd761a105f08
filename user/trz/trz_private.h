/* trz_private.h - helpers shared by the trz writer and reader (not part of the API). */
#ifndef TRC_TRZ_PRIVATE_H
#define TRC_TRZ_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* Check the n bytes read at the start of a file.  Returns 0 (and the header length in
 * *hdr_len when not NULL) or -EINVAL with the error text set (common/err.h). */
int trz_check_file_header(const uint8_t *h, size_t n, uint32_t *hdr_len);

#endif /* TRC_TRZ_PRIVATE_H */
