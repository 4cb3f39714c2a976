/* cli-nmodl.c: neurode-cli nmodl MODEL.json --out DIR
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every learned channel of a model as a NEURON mechanism, DIR/nd_NAME.mod
 * (nmodl-export.h), ready for nrnivmodl.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "cli.h"
#include "model-file.h"
#include "nmodl-export.h"

int
nd_cli_nmodl (int argc, char **argv)
{
  g_autofree char *out_dir = NULL;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for the mechanism files (nd_NAME.mod, one per learned channel)"), N_("DIR") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("MODEL.json — every learned channel as a NEURON mechanism"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2 || !out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli nmodl MODEL.json --out DIR"));
  nd_model *m = nd_model_file_load (argv[1], NULL, &error);
  if (!m)
    return nd_cli_fail (1, "%s", error->message);
  int status = 0;
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    status = nd_cli_fail (1, _("cannot create the folder “%s”: %s"), out_dir, g_strerror (errno));
  else
    {
      g_auto (GStrv) paths = nd_nmodl_export_all (m, out_dir, NULL, &error);
      if (!paths)
        status = nd_cli_fail (1, "%s", error->message);
      for (char **p = paths; p && *p; p++)
        printf ("%s\n", *p);
    }
  nd_model_free (m);
  return status;
}
