/* nd-error.h: the error domain for everything the engine reads and writes.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages are written for the person who chose the file: what is wrong, in
 * their words (sweeps, signals, mV), and what to do about it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ND_ERROR (nd_error_quark ())

typedef enum {
  ND_ERROR_FAILED,        /* anything else */
  ND_ERROR_NOT_FOUND,     /* file or named item missing */
  ND_ERROR_FORMAT,        /* not a file of the kind expected, or unknown format */
  ND_ERROR_CORRUPT,       /* right kind, but truncated or inconsistent */
  ND_ERROR_UNSUPPORTED,   /* valid, but uses a feature Neurode does not read */
  ND_ERROR_INVALID,       /* a value out of range (NaN, negative area, ...) */
  ND_ERROR_CANCELLED,
} NdError;

GQuark nd_error_quark (void);

G_END_DECLS
