/* locale-dir.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An uninstalled program looked for its catalogues under the install prefix, where there are none (or an
 * older release's), so `LANGUAGE=de ./build-aux/run` showed English. meson compiles the catalogues into
 * BUILD_ROOT/po/LANG/LC_MESSAGES; a program whose executable lies in BUILD_ROOT/app is the build tree's
 * and reads them there. An installed program (prefix/bin, /app/bin in Flatpak) never lies there.
 */
#include "config.h"

#include "locale-dir.h"

#include <glib.h>
#include <stdlib.h>

const char *
nd_locale_dir (void)
{
  static char *dir;
  if (dir)
    return dir;
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *app_dir = g_build_filename (ND_BUILD_ROOT, "app", NULL);
  g_autofree char *po = g_build_filename (ND_BUILD_ROOT, "po", NULL);
  g_autofree char *real_app = realpath (app_dir, NULL);   /* /proc/self/exe has its links resolved too */
  if (exe_dir && real_app && g_str_equal (exe_dir, real_app) && g_file_test (po, G_FILE_TEST_IS_DIR))
    dir = g_steal_pointer (&po);
  else
    dir = g_strdup (LOCALEDIR);
  return dir;
}
