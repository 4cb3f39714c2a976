/* cli.h: the subcommands of neurode-cli.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each subcommand lives in its own app/cli-NAME.c and is listed once in the
 * table in neurode-cli.c. A subcommand gets argv with argv[0] = its name,
 * prints errors in the user's words on stderr and returns the exit status
 * (0 on success, 1 on bad input or failure, 2 on a usage error).
 */
#pragma once

typedef struct {
  const char *name;
  const char *summary;   /* one line, shown by --help (translatable) */
  int (*run) (int argc, char **argv);
} NdCliCommand;

/* Prints "neurode-cli: " + message to stderr; returns `status` for chaining. */
int nd_cli_fail (int status, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

/* Subcommands (one app/cli-NAME.c each), in the order of the table in neurode-cli.c. */
int nd_cli_info (int argc, char **argv);
int nd_cli_export (int argc, char **argv);
int nd_cli_passive (int argc, char **argv);
int nd_cli_simulate (int argc, char **argv);
int nd_cli_fit (int argc, char **argv);
int nd_cli_bench (int argc, char **argv);
int nd_cli_kinetics (int argc, char **argv);
int nd_cli_nmodl (int argc, char **argv);
int nd_cli_morph_simulate (int argc, char **argv);
int nd_cli_reduce (int argc, char **argv);
int nd_cli_fit_curves (int argc, char **argv);
int nd_cli_batch (int argc, char **argv);
