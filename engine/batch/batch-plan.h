/* batch-plan.h: a batch plan — many neurode-cli runs, one row each, read from a CSV file.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plan has a header line with a `name` and an `args` column (others are allowed and ignored):
 *
 *   name,args
 *   cell07,fit --template cortical cell07.abf --train 0,8,20
 *   cell08,"fit model.json ""cell 08.abf"" --seed 2"
 *
 * `args` is a neurode-cli command (fit, reduce, fit-curves, simulate, passive) and its arguments, split
 * like a shell splits them (quotes for paths with spaces). When `args` is the last column its commas need
 * no quotes. Each row's output goes to OUT/NAME/, so a row gives no --out. Relative paths are read from the
 * plan file's folder: the row runs there. Lines starting with # and empty lines are skipped; a header with
 * semicolons and no commas (a spreadsheet in a language with decimal commas) makes ; the separator.
 *
 * Reading a plan checks every row before anything runs and reports all problems at once: an unknown
 * command, an input file that is not there, a name used twice or not usable as a folder name, --out given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a command's result goes when the row runs. */
typedef enum
{
  ND_BATCH_OUT_DIR,      /* --out OUT/NAME (fit, reduce, fit-curves) */
  ND_BATCH_OUT_FILE,     /* --out OUT/NAME/<out_file> (simulate) */
  ND_BATCH_OUT_STDOUT,   /* standard output into OUT/NAME/<out_file> (passive) */
} NdBatchOut;

typedef struct
{
  char *name;
  char *args;            /* the row's args text, trimmed */
  char **argv;           /* args split: argv[0] is the command */
  int line;              /* line in the plan file, from 1 */
} NdBatchRow;

typedef struct
{
  char *path;            /* absolute */
  char *base_dir;        /* absolute: the plan's folder, where rows run */
  GPtrArray *rows;       /* NdBatchRow*, in plan order */
} NdBatchPlan;

/* Reads and checks a plan file. On bad rows fails with ND_ERROR_INVALID and one line per problem
 * ("line 4 (cell07): no file “cell07.abf” in /data"). */
NdBatchPlan *nd_batch_plan_load (const char *path, GError **error);
/* The same from text, as if read from `path` (which need not exist; its folder is where files are
 * looked for). */
NdBatchPlan *nd_batch_plan_parse (const char *text, const char *path, GError **error);
void         nd_batch_plan_free (NdBatchPlan *plan);

const NdBatchRow *nd_batch_plan_find (const NdBatchPlan *plan, const char *name);

/* How the row's result is written, and the file name for ND_BATCH_OUT_FILE and ND_BATCH_OUT_STDOUT. */
NdBatchOut   nd_batch_row_out (const NdBatchRow *row, const char **out_file);

/* `neurode-cli batch --ensemble N [--propose]`: every fit row that does not choose its own --ensemble
 * (--propose) gets " --ensemble N" (" --propose") appended to its args. The args are what a result is
 * checked against, so results of another ensemble size (or of single fits) are not complete: they run
 * again. n_members 0 leaves the rows as they are. */
void         nd_batch_plan_set_ensemble (NdBatchPlan *plan, int n_members, gboolean propose);
/* The row's --ensemble N (a fit's), 0 when it has none. */
int          nd_batch_row_ensemble (const NdBatchRow *row);

/* The commands a plan may run, NULL-terminated (for help texts). */
const char *const *nd_batch_commands (void);
/* For tests: whether `command`'s option `option` ("--json") is known to take no value. */
gboolean     nd_batch_command_flag (const char *command, const char *option);

/* Whether `text` can name a row (a folder name: letters, digits, . _ -, not first . or -). */
gboolean     nd_batch_name_valid (const char *text);

/* `word` as one word of a plan's args (or a shell's command line), in single quotes only when it needs
 * them: "../cell 07.abf" -> "'../cell 07.abf'", "cell07.abf" as it is. */
char        *nd_batch_shell_word (const char *word);

/* Quotes a field for a CSV line when it needs it (comma, quote, line break). */
void         nd_batch_csv_append (GString *line, const char *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdBatchPlan, nd_batch_plan_free)

G_END_DECLS
