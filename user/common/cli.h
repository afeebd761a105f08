/* cli.h - small helpers shared by the tools' command-line parsing. */
#ifndef TRC_CLI_H
#define TRC_CLI_H

#include <getopt.h>

/* Long name of the option whose getopt_long value is val in opts, or "?" (for messages such as
 * "bad value for --lr"). */
const char *cli_long_name(const struct option *opts, int val);

#endif /* TRC_CLI_H */
