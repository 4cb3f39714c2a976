/* nd-error.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-error.h"

G_DEFINE_QUARK (nd-error-quark, nd_error)
