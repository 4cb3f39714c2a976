/* locale-dir.h: where the programs find their translations.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* The folder with LANG/LC_MESSAGES/neurode.mo: the build tree's po/ when the program running is the one in
 * the build tree (./build-aux/run, _build/app/neurode-cli), so it speaks the user's language before being
 * installed; else the installed LOCALEDIR. */
const char *nd_locale_dir (void);
