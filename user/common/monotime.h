/* monotime.h - the monotonic clock, in seconds, for durations, rates and ETAs. */
#ifndef TRC_MONOTIME_H
#define TRC_MONOTIME_H

/* CLOCK_MONOTONIC now, in seconds. */
double monotonic_s(void);

#endif /* TRC_MONOTIME_H */
