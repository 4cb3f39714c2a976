/* test-i18n-presets.h: the presets' texts in the current language (kept apart from the window's
 * headers, whose recording types share names with explore.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* Asserts that every preset's title, explanation and what-to-look-for are translated and that the
 * "threshold" preset's title is `threshold_title`; returns the number of presets. */
unsigned nd_test_i18n_check_presets (const char *threshold_title);
