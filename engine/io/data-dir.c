/* data-dir.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "data-dir.h"

char *
nd_data_find (const char *relative)
{
  const char *env = g_getenv ("ND_DATA_DIR");
  const char *dirs[] = { env && *env ? env : NULL, ND_PKGDATADIR, ND_SOURCE_DATADIR };
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      if (!dirs[i])
        continue;
      char *p = g_build_filename (dirs[i], relative, NULL);
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        return p;
      g_free (p);
    }
  return NULL;
}
