/* cli-kinetics.c: neurode-cli kinetics MODEL.json [--out FILE.csv]
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cli.h"
#include "model-file.h"

int
nd_cli_kinetics (int argc, char **argv)
{
  g_autofree char *out_path = NULL;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the table here instead of standard output"), N_("FILE.csv") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("MODEL.json — x_inf and tau of every gate, -100 to +60 mV"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return nd_cli_fail (2, _("usage: neurode-cli kinetics MODEL.json [--out FILE.csv]"));
  nd_model *m = nd_model_file_load (argv[1], NULL, &error);
  if (!m)
    return nd_cli_fail (1, "%s", error->message);
  g_autoptr (GString) s = g_string_new (NULL);
  nd_model_kinetics_csv (m, s);
  nd_model_free (m);
  if (out_path)
    {
      if (!g_file_set_contents (out_path, s->str, (gssize) s->len, &error))
        return nd_cli_fail (1, "%s", error->message);
    }
  else
    fwrite (s->str, 1, s->len, stdout);
  return 0;
}
