/* token.h - an event as the imputers see it: (syscall number, direction) packed in one int32,
 * nr * 2 + dir.  TOK_NONE marks "no event here" (and syscall numbers no token can hold).
 */
#ifndef TRC_TOKEN_H
#define TRC_TOKEN_H

#include <stdint.h>

#define TOK_NONE (-1)
/* Syscall numbers above this have no token (nr * 2 + dir must fit an int32_t) */
#define TOK_NR_MAX ((INT32_MAX - 1) / 2)

static inline int32_t tok_make(int32_t nr, uint8_t dir)
{
	return nr < 0 || nr > TOK_NR_MAX ? TOK_NONE : nr * 2 + (dir & 1);
}
static inline int32_t tok_nr(int32_t tok)
{
	return tok < 0 ? -1 : tok / 2;
}
static inline uint8_t tok_dir(int32_t tok)
{
	return tok < 0 ? 0 : (uint8_t)(tok & 1);
}

#endif /* TRC_TOKEN_H */
