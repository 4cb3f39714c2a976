/* batch-plan.c: reading and checking a batch plan (CSV).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only what must be known before anything runs is checked here: the command, the input files named by
 * the row, the name. Option values (sweeps, seeds) are the command's own business: a wrong one fails
 * that row with the command's message, and the other rows still run.
 */
#include "batch/batch-plan.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "nd-error.h"

/* What batch must know about each command it runs: which options take no value (so that the word
 * after them is an input file, not the option's value) and which options name input files. Keep in
 * step with the commands' GOptionEntry tables; tests/batch/check-batch-cli.py compares these lists
 * with each command's --help. Every other option is taken to have a value. */
typedef struct
{
  const char *name;
  const char *const *flags;
  const char *const *file_options;
  NdBatchOut out;
  const char *out_file;
} Command;

static const char *const fit_flags[] = { "--warm-start", "--keep-leak", "--propose", NULL };
static const char *const fit_files[] = { "--with", NULL };
static const char *const reduce_flags[] = { "--free-at-rest", NULL };
static const char *const reduce_files[] = { "--stimulus", "-s", "--validate", "--test", NULL };
static const char *const curves_flags[] = { "--layer-norm", NULL };
static const char *const simulate_files[] = { "--stimulus", "-s", NULL };
static const char *const passive_flags[] = { "--json", NULL };
static const char *const none[] = { NULL };

static const Command commands[] = {
  { "fit", fit_flags, fit_files, ND_BATCH_OUT_DIR, NULL },
  { "reduce", reduce_flags, reduce_files, ND_BATCH_OUT_DIR, NULL },
  { "fit-curves", curves_flags, none, ND_BATCH_OUT_DIR, NULL },
  { "simulate", none, simulate_files, ND_BATCH_OUT_FILE, "simulated.csv" },
  { "passive", passive_flags, none, ND_BATCH_OUT_STDOUT, "passive.txt" },
};

static const char *const command_names[] = { "fit", "reduce", "fit-curves", "simulate", "passive", NULL };

/* Names a row may not take because batch writes them into OUT itself. */
static const char *const reserved_names[] = { "summary.csv", "slurm-logs", "batch.sbatch", "gather.sbatch", NULL };

const char *const *
nd_batch_commands (void)
{
  return command_names;
}

static const Command *
command_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static gboolean
in_list (const char *const *list, const char *s)
{
  for (; *list; list++)
    if (g_str_equal (*list, s))
      return TRUE;
  return FALSE;
}

gboolean
nd_batch_command_flag (const char *command, const char *option)
{
  const Command *c = command_lookup (command);
  return c && in_list (c->flags, option);
}

NdBatchOut
nd_batch_row_out (const NdBatchRow *row, const char **out_file)
{
  const Command *c = command_lookup (row->argv[0]);
  g_return_val_if_fail (c, ND_BATCH_OUT_DIR);
  const char *file = c->out_file;
  if (c->out == ND_BATCH_OUT_STDOUT && g_str_equal (c->name, "passive"))
    for (int i = 1; row->argv[i]; i++)
      if (g_str_equal (row->argv[i], "--json"))
        file = "passive.json";
  if (out_file)
    *out_file = file;
  return c->out;
}

gboolean
nd_batch_name_valid (const char *text)
{
  gsize n = strlen (text);
  if (n == 0 || n > 100 || text[0] == '.' || text[0] == '-' || in_list (reserved_names, text))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '.' && text[i] != '_' && text[i] != '-')
      return FALSE;
  return TRUE;
}

char *
nd_batch_shell_word (const char *word)
{
  if (!*word)
    return g_strdup ("''");
  for (const char *c = word; *c; c++)
    if (!g_ascii_isalnum (*c) && !strchr ("._/-+,:=@%", *c))
      return g_shell_quote (word);
  return g_strdup (word);
}

void
nd_batch_csv_append (GString *line, const char *field)
{
  if (!field || !strpbrk (field, ",;\"\r\n"))
    {
      g_string_append (line, field ? field : "");
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
row_free (gpointer data)
{
  NdBatchRow *row = data;
  g_free (row->name);
  g_free (row->args);
  g_strfreev (row->argv);
  g_free (row);
}

void
nd_batch_plan_free (NdBatchPlan *plan)
{
  if (!plan)
    return;
  g_free (plan->path);
  g_free (plan->base_dir);
  g_ptr_array_unref (plan->rows);
  g_free (plan);
}

const NdBatchRow *
nd_batch_plan_find (const NdBatchPlan *plan, const char *name)
{
  for (guint i = 0; i < plan->rows->len; i++)
    {
      const NdBatchRow *row = g_ptr_array_index (plan->rows, i);
      if (g_str_equal (row->name, name))
        return row;
    }
  return NULL;
}

/* ---- fit options for every row ---- */

/* The value of `option` in the row's arguments ("--ensemble 4" or "--ensemble=4"), or NULL. With
 * a flag, "" when it is there. The last one counts, as for the command's own option parser. */
static const char *
row_option (const NdBatchRow *row, const char *option)
{
  const char *value = NULL;
  gsize n = strlen (option);
  for (int i = 1; row->argv[i]; i++)
    {
      const char *a = row->argv[i];
      if (g_str_equal (a, "--"))
        break;
      if (g_str_has_prefix (a, option) && a[n] == '=')
        value = a + n + 1;
      else if (g_str_equal (a, option))
        value = nd_batch_command_flag (row->argv[0], option) ? "" : row->argv[i + 1] ? row->argv[++i] : "";
    }
  return value;
}

int
nd_batch_row_ensemble (const NdBatchRow *row)
{
  const char *value = g_str_equal (row->argv[0], "fit") ? row_option (row, "--ensemble") : NULL;
  return value ? MAX (0, atoi (value)) : 0;
}

/* Appends words to the row's argv and args text. */
static void
row_append (NdBatchRow *row, const char *const *words)
{
  guint n = g_strv_length (row->argv), k = g_strv_length ((char **) words);
  row->argv = g_renew (char *, row->argv, n + k + 1);
  g_autoptr (GString) args = g_string_new (row->args);
  for (guint i = 0; i < k; i++)
    {
      row->argv[n + i] = g_strdup (words[i]);
      g_string_append_printf (args, " %s", words[i]);
    }
  row->argv[n + k] = NULL;
  g_free (row->args);
  row->args = g_string_free (g_steal_pointer (&args), FALSE);
}

void
nd_batch_plan_set_ensemble (NdBatchPlan *plan, int n_members, gboolean propose)
{
  if (n_members <= 0)
    return;
  char n[16];
  g_snprintf (n, sizeof n, "%d", n_members);
  /* A row's own choice is the more specific one: it stays. */
  for (guint i = 0; i < plan->rows->len; i++)
    {
      NdBatchRow *row = g_ptr_array_index (plan->rows, i);
      if (!g_str_equal (row->argv[0], "fit"))
        continue;
      if (!row_option (row, "--ensemble"))
        row_append (row, (const char *const[]) { "--ensemble", n, NULL });
      if (propose && !row_option (row, "--propose"))
        row_append (row, (const char *const[]) { "--propose", NULL });
    }
}

/* ---- CSV ---- */

/* Splits one record starting at *p into fields (RFC 4180 quotes; a quoted field may span lines).
 * Advances *p past the record and *line past its line breaks. */
static GPtrArray *
read_record (const char **p, char sep, int *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *f = g_string_new (NULL);
  const char *s = *p;
  gboolean quoted = FALSE, was_quoted = FALSE;
  for (;; s++)
    {
      char c = *s;
      if (quoted)
        {
          if (c == '\0')
            break;
          if (c == '"' && s[1] == '"')
            {
              g_string_append_c (f, '"');
              s++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                (*line)++;
              g_string_append_c (f, c);
            }
          continue;
        }
      if (c == '"' && !was_quoted && strspn (f->str, " \t") == f->len)
        {
          g_string_truncate (f, 0);
          quoted = was_quoted = TRUE;
        }
      else if (c == sep || c == '\n' || c == '\r' || c == '\0')
        {
          g_ptr_array_add (fields, was_quoted ? g_strdup (f->str) : g_strstrip (g_strdup (f->str)));
          g_string_truncate (f, 0);
          was_quoted = FALSE;
          if (c != sep)
            break;
        }
      else if (!was_quoted)
        g_string_append_c (f, c);
    }
  if (*s == '\r' && s[1] == '\n')
    s++;
  if (*s)
    {
      s++;
      (*line)++;
    }
  *p = s;
  g_string_free (f, TRUE);
  return fields;
}

static gboolean
record_empty (GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    if (*(const char *) g_ptr_array_index (fields, i))
      return FALSE;
  return TRUE;
}

/* ---- checks ---- */

static char *
resolve (const NdBatchPlan *plan, const char *path)
{
  return g_path_is_absolute (path) ? g_strdup (path) : g_build_filename (plan->base_dir, path, NULL);
}

/* Notes a problem with an input file: folders in `why`, missing relative paths in `missing` (reported
 * together, with the folder they were looked for in). */
static void
check_file (const NdBatchPlan *plan, const char *path, GString *why, GPtrArray *missing)
{
  g_autofree char *full = resolve (plan, path);
  if (g_file_test (full, G_FILE_TEST_IS_DIR))
    g_string_append_printf (why, _("“%s” is a folder, not a file; "), path);
  else if (!g_file_test (full, G_FILE_TEST_EXISTS))
    {
      if (g_path_is_absolute (path))
        g_string_append_printf (why, _("there is no file “%s”; "), path);
      else
        g_ptr_array_add (missing, g_strdup_printf ("“%s”", path));
    }
}

/* Checks a row's arguments; returns the problems ("; "-separated) or "". */
static void
check_args (const NdBatchPlan *plan, char **argv, GString *why)
{
  const Command *c = command_lookup (argv[0]);
  if (!c)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) command_names);
      g_string_append_printf (why, _("“%s” is not a command a plan can run (%s); "), argv[0], list);
      return;
    }
  gboolean options_end = FALSE;
  int n_positional = 0;
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; argv[i]; i++)
    {
      const char *a = argv[i];
      if (!options_end && g_str_equal (a, "--"))
        {
          options_end = TRUE;
          continue;
        }
      if (options_end || a[0] != '-' || a[1] == '\0')
        {
          n_positional++;
          check_file (plan, a, why, missing);
          continue;
        }
      const char *eq = strchr (a, '=');
      g_autofree char *opt = eq ? g_strndup (a, (gsize) (eq - a)) : g_strdup (a);
      if (g_str_equal (opt, "--out") || g_str_equal (opt, "-o"))
        {
          g_string_append (why, _("remove --out: each row’s output goes to the folder named after the row; "));
          if (!eq)
            i += argv[i + 1] != NULL;
          continue;
        }
      if (g_str_equal (opt, "--help") || g_str_equal (opt, "-h"))
        {
          g_string_append (why, _("--help runs nothing; "));
          continue;
        }
      if (in_list (c->flags, opt))
        continue;
      const char *value = eq ? eq + 1 : argv[i + 1];
      if (!value)
        {
          g_string_append_printf (why, _("%s needs a value; "), opt);
          break;
        }
      if (!eq)
        i++;
      if (in_list (c->file_options, opt))
        check_file (plan, value, why, missing);
    }
  if (n_positional == 0)
    g_string_append_printf (why, _("%s needs an input file; "), c->name);
  if (missing->len > 0)
    {
      g_ptr_array_add (missing, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) missing->pdata);
      g_string_append_printf (why, ngettext ("there is no file %s in %s (the plan’s folder, where relative paths are read); ",
                                             "there are no files %s in %s (the plan’s folder, where relative paths are read); ",
                                             missing->len - 1), list, plan->base_dir);
    }
}

/* The header's reading: the separator and where the two columns are. */
typedef struct {
  char sep;
  int name_col, args_col, n_cols;
} PlanColumns;

/* Moves *p to the header, the first line that is neither empty nor a comment. */
static void
skip_to_header (const char **p, int *line)
{
  while (**p)
    {
      const char *eol = strchr (*p, '\n');
      gsize len = eol ? (gsize) (eol - *p) : strlen (*p);
      g_autofree char *first = g_strstrip (g_strndup (*p, len));
      if (*first != '\0' && *first != '#')
        break;
      *p += len + (eol != NULL);
      (*line)++;
    }
}

/* The header: a comma-separated line unless it has semicolons only (a
 * spreadsheet's CSV in a comma-decimal locale), naming "name" and "args". */
static gboolean
read_header (const char **p, int *line, const char *path, PlanColumns *cols, GError **error)
{
  const char *eol = strchr (*p, '\n');
  g_autofree char *first = g_strndup (*p, eol ? (gsize) (eol - *p) : strlen (*p));
  cols->sep = strchr (first, ',') || !strchr (first, ';') ? ',' : ';';
  const int header_line = *line;
  g_autoptr (GPtrArray) header = read_record (p, cols->sep, line);
  cols->name_col = -1;
  cols->args_col = -1;
  cols->n_cols = (int) header->len;
  for (int i = 0; i < cols->n_cols; i++)
    {
      const char *h = g_ptr_array_index (header, i);
      if (g_ascii_strcasecmp (h, "name") == 0)
        cols->name_col = i;
      else if (g_ascii_strcasecmp (h, "args") == 0)
        cols->args_col = i;
    }
  if (cols->name_col < 0 || cols->args_col < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("line %d of %s must name the columns, with a “name” and an “args” column: name,args"),
                   header_line, path);
      return FALSE;
    }
  return TRUE;
}

/* Unquoted commas in the last column (args) belong to it: "--train 0,8,20".
 * Extra fields anywhere else are a problem noted in `why`. */
static void
join_args_fields (GPtrArray *fields, const PlanColumns *cols, GString *why)
{
  if ((int) fields->len > cols->n_cols && cols->args_col == cols->n_cols - 1)
    {
      g_autoptr (GString) joined = g_string_new (NULL);
      for (guint i = (guint) cols->args_col; i < fields->len; i++)
        g_string_append_printf (joined, "%s%s", i > (guint) cols->args_col ? (cols->sep == ',' ? "," : ";") : "",
                                (const char *) g_ptr_array_index (fields, i));
      g_ptr_array_set_size (fields, cols->args_col);
      g_ptr_array_add (fields, g_string_free (g_steal_pointer (&joined), FALSE));
    }
  else if ((int) fields->len > cols->n_cols)
    g_string_append (why, _("more fields than the header has columns (put “args” in double quotes); "));
}

/* A row's name becomes its folder: not empty, usable as a folder name, and
 * not one of an earlier row's. */
static void
check_name (const NdBatchPlan *plan, const char *name, GString *why)
{
  if (*name == '\0')
    g_string_append (why, _("the name is empty; "));
  else if (!nd_batch_name_valid (name))
    g_string_append (why, _("the name must be usable as a folder name: letters, digits, “.”, “_” and “-”, "
                            "not starting with “.” or “-”, and not summary.csv, slurm-logs, batch.sbatch "
                            "or gather.sbatch; "));
  else
    for (guint i = 0; i < plan->rows->len; i++)
      {
        const NdBatchRow *other = g_ptr_array_index (plan->rows, i);
        /* Folders that differ only in case are one folder on some file systems. */
        if (g_ascii_strcasecmp (other->name, name) == 0)
          {
            g_string_append_printf (why, _("the name is already used on line %d; "), other->line);
            break;
          }
      }
}

/* A row's "args" split into words as a shell would, then checked; the
 * words in *argv when they could be split. */
static void
check_row_args (const NdBatchPlan *plan, const char *args_text, char ***argv, GString *why)
{
  g_autoptr (GError) shell_error = NULL;
  if (*args_text == '\0')
    g_string_append (why, _("“args” is empty: give a command and its arguments, e.g. fit cell.abf; "));
  else if (!g_shell_parse_argv (args_text, NULL, argv, &shell_error))
    g_string_append_printf (why, _("“args” cannot be split into words (%s); "), shell_error->message);
  else
    check_args (plan, *argv, why);
}

/* Reads the row at *p (of the file's line row_line) into the plan, or its
 * problems into `problems` (counted in *n_bad). */
static void
read_row (NdBatchPlan *plan, const char **p, int *line, const PlanColumns *cols, GString *problems, int *n_bad)
{
  int row_line = *line;
  g_autoptr (GPtrArray) fields = read_record (p, cols->sep, line);
  if (record_empty (fields))
    return;
  g_autoptr (GString) why = g_string_new (NULL);
  join_args_fields (fields, cols, why);
  const char *name = (int) fields->len > cols->name_col ? g_ptr_array_index (fields, cols->name_col) : "";
  const char *args = (int) fields->len > cols->args_col ? g_ptr_array_index (fields, cols->args_col) : "";
  g_auto (GStrv) argv = NULL;
  check_name (plan, name, why);
  g_autofree char *args_text = g_strstrip (g_strdup (args));
  check_row_args (plan, args_text, &argv, why);

  if (why->len > 0)
    {
      g_string_truncate (why, why->len - 2);   /* the last "; " */
      if (*name)
        g_string_append_printf (problems, _("line %d (%s): %s\n"), row_line, name, why->str);
      else
        g_string_append_printf (problems, _("line %d: %s\n"), row_line, why->str);
      (*n_bad)++;
      /* A bad row still holds its name, so that a second row with the same name is reported too. */
      if (!*name || !nd_batch_name_valid (name))
        return;
    }
  NdBatchRow *row = g_new0 (NdBatchRow, 1);
  row->name = g_strdup (name);
  row->args = g_steal_pointer (&args_text);
  row->argv = argv ? g_steal_pointer (&argv) : g_new0 (char *, 1);
  row->line = row_line;
  g_ptr_array_add (plan->rows, row);
}

/* Moves *p past a comment line (a row whose first non-blank is "#"). */
static gboolean
skip_comment (const char **p, int *line)
{
  const char *start = *p;
  while (*start == ' ' || *start == '\t')
    start++;
  if (*start != '#')
    return FALSE;
  const char *end = strchr (*p, '\n');
  *p = end ? end + 1 : *p + strlen (*p);
  (*line)++;
  return TRUE;
}

/* The header, then every row checked: all the bad rows are reported at
 * once, and a plan with any runs nothing. */
static NdBatchPlan *
parse (const char *text, const char *path, GError **error)
{
  NdBatchPlan *plan = g_new0 (NdBatchPlan, 1);
  plan->path = g_canonicalize_filename (path, NULL);
  plan->base_dir = g_path_get_dirname (plan->path);
  plan->rows = g_ptr_array_new_with_free_func (row_free);

  if (g_str_has_prefix (text, "\xEF\xBB\xBF"))   /* a spreadsheet's byte-order mark */
    text += 3;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("%s is not a text file (CSV)"), path);
      nd_batch_plan_free (plan);
      return NULL;
    }
  const char *p = text;
  int line = 1;
  skip_to_header (&p, &line);
  if (*p == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("%s is empty: a plan needs a line “name,args” and a row per run"),
                   path);
      nd_batch_plan_free (plan);
      return NULL;
    }
  PlanColumns cols;
  if (!read_header (&p, &line, path, &cols, error))
    {
      nd_batch_plan_free (plan);
      return NULL;
    }

  g_autoptr (GString) problems = g_string_new (NULL);
  int n_bad = 0;
  while (*p)
    if (!skip_comment (&p, &line))
      read_row (plan, &p, &line, &cols, problems, &n_bad);
  if (n_bad > 0)
    {
      g_string_truncate (problems, problems->len - 1);
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   ngettext ("%s has %d bad row; nothing was run:\n%s", "%s has %d bad rows; nothing was run:\n%s",
                             (unsigned long) n_bad),
                   path, n_bad, problems->str);
      nd_batch_plan_free (plan);
      return NULL;
    }
  if (plan->rows->len == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("%s has no rows: add a line such as “cell01,fit cell01.abf”"),
                   path);
      nd_batch_plan_free (plan);
      return NULL;
    }
  return plan;
}

NdBatchPlan *
nd_batch_plan_parse (const char *text, const char *path, GError **error)
{
  return parse (text, path, error);
}

NdBatchPlan *
nd_batch_plan_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  if (memchr (text, '\0', len))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("%s is not a text file (CSV)"), path);
      return NULL;
    }
  return parse (text, path, error);
}
