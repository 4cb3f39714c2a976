/* test-io-util.h: small helpers shared by the io tests.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "nd-error.h"
#include "recording.h"

/* Path of a file under tests/data (ND_TEST_DATA). */
static inline char *
nd_test_data_path (const char *relative)
{
  const char *root = g_getenv ("ND_TEST_DATA");
  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

/* A fresh path in the test output folder (ND_TEST_OUTPUT), created if needed. */
static inline char *
nd_test_output_path (const char *name)
{
  const char *root = g_getenv ("ND_TEST_OUTPUT");
  g_assert_nonnull (root);
  g_mkdir_with_parents (root, 0755);
  return g_build_filename (root, name, NULL);
}

/* Path of tests/data/abf/FILE. */
static inline char *
nd_test_abf_path (const char *file)
{
  g_autofree char *rel = g_strdup_printf ("abf/%s", file);
  return nd_test_data_path (rel);
}

static inline NdRecording *
nd_test_load (const char *relative)
{
  g_autofree char *path = nd_test_data_path (relative);
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}

static inline NdRecording *
nd_test_load_abf (const char *file)
{
  g_autofree char *rel = g_strdup_printf ("abf/%s", file);
  return nd_test_load (rel);
}

/* Runs $NEURODE_CLI with `args` (NULL-terminated), its output in `out` and `err` (free them); returns its
 * exit status and fails the test if it crashed. */
static inline int
nd_test_run_cli (const char *const *args, char **out, char **err)
{
  const char *cli = g_getenv ("NEURODE_CLI");
  g_assert_nonnull (cli);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) cli);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_false (WIFSIGNALED (status));
  return WEXITSTATUS (status);
}
