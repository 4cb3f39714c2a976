/* main.c: the neurode desktop program.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "locale-dir.h"
#include "nd-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (NdApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, nd_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!gtk_init_check ())
    {
      g_printerr (_("Neurode needs a graphical display, and none was found.\n"
                    "Start it from a desktop session, or use neurode-cli for work without a window.\n"));
      return 1;
    }

  app = nd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
