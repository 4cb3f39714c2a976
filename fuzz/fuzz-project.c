/* fuzz-project.c: libFuzzer harness for .neurode project files (project-file.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must be refused with a message (UTF-8, in the engine's domain) or give a project whose text,
 * read back, is written the same again; never a crash, a leak or a hang.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "nd-error.h"
#include "project-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_parse ((const char *) data, size, &error);
  if (!pf)
    {
      g_assert (error && error->domain == ND_ERROR && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  /* The first writing settles what reading normalises (a negative RMSE is "not finite", ...). */
  g_autofree char *text = nd_project_file_to_string (pf, NULL);
  g_autoptr (GError) again_error = NULL;
  g_autoptr (NdProjectFile) again = nd_project_file_parse (text, strlen (text), &again_error);
  g_assert_no_error (again_error);
  g_autofree char *text2 = nd_project_file_to_string (again, NULL);
  g_autoptr (NdProjectFile) third = nd_project_file_parse (text2, strlen (text2), NULL);
  g_assert_nonnull (third);
  g_autofree char *text3 = nd_project_file_to_string (third, NULL);
  g_assert_cmpstr (text2, ==, text3);
  return 0;
}
