/* test-i18n-presets.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>

#include "presets.h"
#include "test-i18n-presets.h"

unsigned
nd_test_i18n_check_presets (const char *threshold_title)
{
  const nd_preset *const *presets = nd_presets ();
  unsigned n = 0;
  for (; presets[n]; n++)
    {
      const nd_preset *p = presets[n];
      g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, p->title), !=, p->title);
      g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, p->explanation), !=, p->explanation);
      g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, p->look_for), !=, p->look_for);
    }
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, nd_preset_lookup ("threshold")->title), ==, threshold_title);
  return n;
}
