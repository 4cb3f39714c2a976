/* test-cli-robustness.c: damaged, empty and wrong-type files given to
 * `neurode-cli info` get a clear error and a non-zero exit, never a crash.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Truncated files are cut inside the part the header declares (files are
 * padded to 512-byte blocks, so cutting padding off leaves a valid file).
 * Targeted bit flips hit fields whose damage is always detectable
 * (signature, counts, pointers, sample interval, sampling sequence); random
 * bit flips may leave a readable file, so for those only "no crash, and
 * either a description or a clear error" is required.
 */
#include <string.h>
#include <sys/wait.h>

#include "recording.h"
#include "test-io-util.h"

static guint n_runs, n_errors;

/* Runs `neurode-cli info path`; returns the exit status, fails on a crash. */
static int
run_info (const char *path, char **err_out)
{
  const char *cli = g_getenv ("NEURODE_CLI");
  const char *argv[] = { cli, "info", path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  if (WIFSIGNALED (status))
    g_error ("neurode-cli info crashed (signal %d) on %s:\n%s", WTERMSIG (status), path, err);
  n_runs++;
  int code = WEXITSTATUS (status);
  if (code != 0)
    {
      n_errors++;
      /* One clear line: "neurode-cli: <message>". */
      g_assert_true (g_str_has_prefix (err, "neurode-cli: "));
      g_assert_cmpuint (strlen (err), >, 30);
      g_assert_nonnull (strchr (err, '\n'));
      g_assert_null (strchr (strchr (err, '\n') + 1, '\n'));
      g_assert_null (strstr (err, "CRITICAL"));
      g_assert_null (strstr (err, "WARNING"));
    }
  else
    g_assert_nonnull (strstr (out, "Format:"));
  if (err_out)
    *err_out = g_steal_pointer (&err);
  return code;
}

static void
expect_error (const char *path, const char *needle)
{
  g_autofree char *err = NULL;
  int code = run_info (path, &err);
  if (code != 1)
    g_error ("expected an error (exit 1) for %s, got exit %d", path, code);
  if (needle && !strstr (err, needle))
    g_error ("%s: message “%s” lacks “%s”", path, err, needle);
}

static char *
write_variant (const char *name, const guint8 *data, gsize len)
{
  g_autofree char *rel = g_build_filename ("robustness", name, NULL);
  char *path = nd_test_output_path (rel);
  g_autofree char *dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
  return path;
}

static const char *abf_files[] = {
  "190619B_0003.abf", "File_axon_5.abf", "17o05028_ic_steps.abf", "2020_03_02_0000.abf",
  "2020_07_29_0062.abf", "17o05024_vc_steps.abf", "pclamp11_4ch.abf", "pclamp11_4ch_abf1.abf",
  "18702001-step.abf",
};

/* End of the last byte an ABF header declares (data, sections, tags). */
static gsize
declared_end (const guint8 *d, gsize size)
{
  gsize end = 0;
  if (memcmp (d, "ABF2", 4) == 0)
    for (int i = 0; i < 18; i++)
      {
        guint32 blk, bytes;
        gint64 count;
        memcpy (&blk, d + 76 + 16 * i, 4);
        memcpy (&bytes, d + 80 + 16 * i, 4);
        memcpy (&count, d + 84 + 16 * i, 8);
        if (blk && count > 0 && i != 9)   /* the strings' size fields are not their extent */
          end = MAX (end, (gsize) blk * 512 + (gsize) bytes * (gsize) count);
      }
  else
    {
      gint32 data_ptr, acq, synch_ptr, synch_n;
      memcpy (&data_ptr, d + 40, 4);
      memcpy (&acq, d + 10, 4);
      memcpy (&synch_ptr, d + 92, 4);
      memcpy (&synch_n, d + 96, 4);
      end = (gsize) data_ptr * 512 + (gsize) acq * 2;
      if (synch_ptr > 0)
        end = MAX (end, (gsize) synch_ptr * 512 + (gsize) synch_n * 8);
    }
  g_assert_cmpuint (end, <=, size);
  return end;
}

static void
test_truncated (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (abf_files); f++)
    {
      g_autofree char *src = nd_test_abf_path (abf_files[f]);
      g_autofree guint8 *d = NULL;
      gsize size = 0;
      g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
      gsize end = declared_end (d, size);
      const gsize cuts[] = { 1, 3, 4, 100, 511, 512, 1000, 2000, 5000, 6144, 9000, end / 3, end / 2, end - 1000, end - 1 };
      for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
        {
          g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT "-%s", cuts[c], abf_files[f]);
          g_autofree char *path = write_variant (name, d, cuts[c]);
          expect_error (path, name);
        }
    }
  /* Text: an ATF cut inside its header and inside a row. */
  g_autofree char *atf = nd_test_data_path ("atf/18702001-step.atf");
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (atf, &text, &len, NULL));
  const gsize atf_cuts[] = { 2, 10, 60, 300, 470 };
  for (guint c = 0; c < G_N_ELEMENTS (atf_cuts); c++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT "-18702001-step.atf", atf_cuts[c]);
      g_autofree char *path = write_variant (name, (guint8 *) text, atf_cuts[c]);
      expect_error (path, name);
    }
  /* Cut right after the first value of a data row: too few values. */
  const char *row = strstr (text, "\n5e-5\t");
  g_assert_nonnull (row);
  g_autofree char *rowcut = write_variant ("cut-row-18702001-step.atf", (guint8 *) text, (gsize) (row - text) + 8);
  expect_error (rowcut, "has 2 values");
}

/* Sets bit `bit` of byte `off`. */
static char *
flipped (const char *name, const guint8 *d, gsize size, gsize off, int bit)
{
  g_autofree guint8 *copy = g_memdup2 (d, size);
  copy[off] ^= (guint8) (1u << bit);
  g_autofree char *vname = g_strdup_printf ("flip-%" G_GSIZE_FORMAT "-%d-%s", off, bit, name);
  return write_variant (vname, copy, size);
}

static void
test_bit_flips (void)
{
  /* Targeted: each of these flips must be reported. */
  static const struct { gsize off; int bit; } v2_fields[] = {
    { 0, 1 }, { 3, 0 },            /* signature */
    { 79, 6 },                     /* protocol section block */
    { 95, 6 }, { 100, 5 },         /* ADC section block, count */
    { 239, 6 }, { 247, 6 },        /* data section block, count */
    { 236 + 4, 0 },                /* data sample size 2 -> 3 */
  };
  static const struct { gsize off; int bit; } v1_fields[] = {
    { 0, 1 }, { 2, 3 },            /* signature */
    { 13, 6 },                     /* lActualAcqLength */
    { 43, 6 },                     /* lDataSectionPtr */
    { 100, 3 },                    /* nDataFormat */
    { 121, 6 },                    /* nADCNumChannels */
    { 125, 7 },                    /* fADCSampleInterval sign */
    { 411, 6 },                    /* nADCSamplingSeq[0] */
    { 141, 6 },                    /* lNumSamplesPerEpisode */
  };
  for (guint f = 0; f < G_N_ELEMENTS (abf_files); f++)
    {
      g_autofree char *src = nd_test_abf_path (abf_files[f]);
      g_autofree guint8 *d = NULL;
      gsize size = 0;
      g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
      gboolean v2 = memcmp (d, "ABF2", 4) == 0;
      guint n = v2 ? G_N_ELEMENTS (v2_fields) : G_N_ELEMENTS (v1_fields);
      for (guint i = 0; i < n; i++)
        {
          gsize off = v2 ? v2_fields[i].off : v1_fields[i].off;
          int bit = v2 ? v2_fields[i].bit : v1_fields[i].bit;
          g_autofree char *path = flipped (abf_files[f], d, size, off, bit);
          expect_error (path, abf_files[f]);
        }
      /* The protocol's sample interval made negative (ABF2). */
      if (v2)
        {
          guint32 blk;
          memcpy (&blk, d + 76, 4);
          g_autofree char *path = flipped (abf_files[f], d, size, (gsize) blk * 512 + 5, 7);
          expect_error (path, "sample interval");
        }
    }

  /* Random flips in the headers: no crash; a description or a clear error. */
  GRand *rng = g_rand_new_with_seed (20260126);
  guint random_runs = 0;
  for (guint f = 0; f < G_N_ELEMENTS (abf_files); f++)
    {
      g_autofree char *src = nd_test_abf_path (abf_files[f]);
      g_autofree guint8 *d = NULL;
      gsize size = 0;
      g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
      for (int k = 0; k < 25; k++)
        {
          g_autofree guint8 *copy = g_memdup2 (d, size);
          int flips = g_rand_int_range (rng, 1, 9);
          for (int j = 0; j < flips; j++)
            copy[g_rand_int_range (rng, 0, 8192)] ^= (guint8) (1u << g_rand_int_range (rng, 0, 8));
          g_autofree char *path = write_variant ("random-flip.abf", copy, size);
          run_info (path, NULL);
          random_runs++;
        }
    }
  g_rand_free (rng);
  g_test_message ("%u random header flips: no crash", random_runs);
}

static void
test_empty_and_wrong_type (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0 };
  g_autofree char *e1 = write_variant ("empty.abf", (const guint8 *) "", 0);
  expect_error (e1, "empty");
  g_autofree char *e2 = write_variant ("empty.csv", (const guint8 *) "", 0);
  expect_error (e2, "empty");
  g_autofree char *e3 = write_variant ("empty", (const guint8 *) "", 0);
  expect_error (e3, "empty");

  g_autofree char *w1 = write_variant ("picture.abf", png, sizeof png);
  expect_error (w1, "does not start like one");
  g_autofree char *w2 = write_variant ("picture.csv", png, sizeof png);
  expect_error (w2, "picture.csv");
  g_autofree char *w3 = write_variant ("picture.png", png, sizeof png);
  expect_error (w3, "not a recording Neurode can read");
  g_autofree char *w4 = write_variant ("picture.wav", png, sizeof png);
  expect_error (w4, "picture.wav");
  const char *json = "{\"model\": {\"compartments\": []}}\n";
  g_autofree char *w5 = write_variant ("model.abf", (const guint8 *) json, strlen (json));
  expect_error (w5, "model.abf");
  g_autofree char *w6 = write_variant ("model.json", (const guint8 *) json, strlen (json));
  expect_error (w6, "model.json");
  const char *prose = "Dear colleague,\nhere are the recordings you asked for.\n";
  g_autofree char *w7 = write_variant ("letter.txt", (const guint8 *) prose, strlen (prose));
  expect_error (w7, "letter.txt");
  /* A RIFF header with nothing after it. */
  g_autofree char *w8 = write_variant ("headless-riff.wav", (const guint8 *) "RIFF\x24\0\0\0WAVEfmt ", 16);
  expect_error (w8, "headless-riff.wav");
  g_autofree char *w9 = write_variant ("atf-header-only.atf", (const guint8 *) "ATF\t1.0\n", 8);
  expect_error (w9, "atf-header-only.atf");

  g_autofree char *dir = nd_test_output_path ("robustness");
  expect_error (dir, "folder");
  g_autofree char *missing = nd_test_output_path ("robustness/no-such-file.abf");
  expect_error (missing, "does not exist");
  g_test_message ("%u runs of neurode-cli info, %u clear errors", n_runs, n_errors);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/robustness/truncated", test_truncated);
  g_test_add_func ("/robustness/bit-flips", test_bit_flips);
  g_test_add_func ("/robustness/empty-wrong-type", test_empty_and_wrong_type);
  return g_test_run ();
}
