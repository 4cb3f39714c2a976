/* nd-text.h: typography of the numbers the window shows.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* s with every hyphen that printf writes before a number ("-60 pA", "step to -50 mV", "1e-05") made a true
 * minus sign (U+2212), as the plots' tick labels have it; hyphens in words ("V-Nullkline") stay. Takes s (may
 * be NULL); returns a new string. */
char *nd_text_minus (char *s);
/* g_strdup_printf, then nd_text_minus: a label with numbers in it. */
char *nd_text_printf (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
