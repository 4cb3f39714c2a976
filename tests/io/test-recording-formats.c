/* test-recording-formats.c: the table of recording formats is what the MIME data declares and what the loader
 * detects.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/io.github.neurode.Neurode.mime.xml and the desktop file are written by hand for the packagers; this
 * test parses both and compares them with recording-formats.h, so a format added to the table without its
 * MIME data (or the other way round) fails here.
 */
#include <string.h>

#include "recording-formats.h"
#include "test-io-util.h"

/* The one type of the MIME data that is not a recording. */
#define PROJECT_TYPE "application/x-neurode-project"

typedef struct {
  char *type;
  GPtrArray *globs, *magics, *parents;
} MimeType;

static void
mime_type_free (gpointer p)
{
  MimeType *t = p;
  g_free (t->type);
  g_ptr_array_unref (t->globs);
  g_ptr_array_unref (t->magics);
  g_ptr_array_unref (t->parents);
  g_free (t);
}

typedef struct {
  GHashTable *types;   /* type -> MimeType */
  MimeType *current;
} MimeParse;

static const char *
attribute (const char **names, const char **values, const char *name)
{
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
mime_start (GMarkupParseContext *context, const char *element, const char **names, const char **values,
            gpointer user_data, GError **error)
{
  MimeParse *p = user_data;
  if (g_str_equal (element, "mime-type"))
    {
      MimeType *t = g_new0 (MimeType, 1);
      t->type = g_strdup (attribute (names, values, "type"));
      g_assert_nonnull (t->type);
      t->globs = g_ptr_array_new_with_free_func (g_free);
      t->magics = g_ptr_array_new_with_free_func (g_free);
      t->parents = g_ptr_array_new_with_free_func (g_free);
      g_assert_false (g_hash_table_contains (p->types, t->type));
      g_hash_table_insert (p->types, t->type, t);
      p->current = t;
    }
  else if (g_str_equal (element, "glob"))
    g_ptr_array_add (p->current->globs, g_strdup (attribute (names, values, "pattern")));
  else if (g_str_equal (element, "sub-class-of"))
    g_ptr_array_add (p->current->parents, g_strdup (attribute (names, values, "type")));
  else if (g_str_equal (element, "match"))
    {
      /* The table's signatures are strings at the start of the file. */
      g_assert_cmpstr (attribute (names, values, "type"), ==, "string");
      g_assert_cmpstr (attribute (names, values, "offset"), ==, "0");
      g_ptr_array_add (p->current->magics, g_strdup (attribute (names, values, "value")));
    }
}

static char *
source_path (const char *relative)
{
  const char *root = g_getenv ("ND_SOURCE_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

static GHashTable *
read_mime_xml (void)
{
  g_autofree char *path = source_path ("data/io.github.neurode.Neurode.mime.xml");
  g_autofree char *xml = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &xml, &len, &error));
  MimeParse p = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, mime_type_free), NULL };
  static const GMarkupParser parser = { mime_start, NULL, NULL, NULL, NULL };
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &p, NULL);
  g_markup_parse_context_parse (context, xml, (gssize) len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  return p.types;
}

/* Whether `array` holds the same strings as the NULL-terminated `list` (any order, each once). */
static gboolean
same_strings (GPtrArray *array, const char *const *list, const char *prefix)
{
  guint n = list ? g_strv_length ((char **) list) : 0;
  if (array->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *want = g_strconcat (prefix, list[i], NULL);
      if (!g_ptr_array_find_with_equal_func (array, want, g_str_equal, NULL))
        return FALSE;
    }
  return TRUE;
}

static void
test_mime_xml (void)
{
  g_autoptr (GHashTable) types = read_mime_xml ();
  guint declared = 0;
  for (const NdRecordingFormat *const *f = nd_recording_formats (); *f; f++)
    {
      if (!(*f)->declares_mime)
        continue;
      g_assert_nonnull ((*f)->mime_types);
      MimeType *t = g_hash_table_lookup (types, (*f)->mime_types[0]);
      if (!t)
        g_error ("%s: the mime.xml does not declare %s", (*f)->name, (*f)->mime_types[0]);
      if (!same_strings (t->globs, (*f)->suffixes, "*."))
        g_error ("%s: the globs of %s in the mime.xml are not the table's suffixes", (*f)->name, t->type);
      if (!same_strings (t->magics, (*f)->signatures, ""))
        g_error ("%s: the magic of %s in the mime.xml is not the table's signatures", (*f)->name, t->type);
      declared++;
    }
  /* Nothing else: a type in the XML that the table does not read would be opened and refused. */
  MimeType *project = g_hash_table_lookup (types, PROJECT_TYPE);
  g_assert_nonnull (project);
  g_assert_cmpuint (project->globs->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (project->globs, 0), ==, "*.neurode");
  g_assert_cmpuint (g_hash_table_size (types), ==, declared + 1);
  /* ATF is text: file managers offer text editors for it too. */
  MimeType *atf = g_hash_table_lookup (types, "application/x-axon-text");
  g_assert_nonnull (atf);
  g_assert_true (same_strings (atf->parents, (const char *const[]) { "text/plain", NULL }, ""));
}

static void
test_desktop_mime_types (void)
{
  g_autofree char *path = source_path ("data/io.github.neurode.Neurode.desktop.in");
  g_autoptr (GKeyFile) desktop = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (g_key_file_load_from_file (desktop, path, G_KEY_FILE_NONE, &error));
  gsize n = 0;
  g_auto (GStrv) listed = g_key_file_get_string_list (desktop, "Desktop Entry", "MimeType", &n, &error);
  g_assert_no_error (error);

  g_autoptr (GPtrArray) want = g_ptr_array_new ();
  g_ptr_array_add (want, (gpointer) PROJECT_TYPE);
  for (const NdRecordingFormat *const *f = nd_recording_formats (); *f; f++)
    for (const char *const *m = (*f)->mime_types; m && *m; m++)
      g_ptr_array_add (want, (gpointer) *m);
  g_ptr_array_add (want, NULL);
  GPtrArray *got = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (got, listed[i]);
  if (!same_strings (got, (const char *const *) want->pdata, ""))
    {
      g_autofree char *a = g_strjoinv (";", listed);
      g_autofree char *b = g_strjoinv (";", (char **) want->pdata);
      g_error ("the desktop file's MimeType=%s is not the table's %s", a, b);
    }
  g_ptr_array_unref (got);
}

/* The table's own rules: lower-case suffixes without a dot, each suffix and signature in one format only. */
static void
test_table (void)
{
  g_autoptr (GHashTable) suffixes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) signatures = g_hash_table_new (g_str_hash, g_str_equal);
  for (const NdRecordingFormat *const *f = nd_recording_formats (); *f; f++)
    {
      g_assert_nonnull ((*f)->load);
      g_assert_nonnull ((*f)->suffixes);
      for (const char *const *s = (*f)->suffixes; *s; s++)
        {
          g_autofree char *lower = g_ascii_strdown (*s, -1);
          g_assert_cmpstr (*s, ==, lower);
          g_assert_null (strchr (*s, '.'));
          g_assert_true (g_hash_table_add (suffixes, (gpointer) *s));
          g_autofree char *upper = g_strconcat ("/data/Cell 07.", *s, NULL);
          for (char *c = strrchr (upper, '.'); *c; c++)
            *c = g_ascii_toupper (*c);
          g_assert_true (nd_recording_format_for_name (upper) == *f);
        }
      for (const char *const *s = (*f)->signatures; s && *s; s++)
        {
          g_assert_true (g_hash_table_add (signatures, (gpointer) *s));
          g_assert_true (nd_recording_format_sniff ((const guint8 *) *s, strlen (*s)) == *f);
          /* A file shorter than the signature is not that format. */
          g_assert_null (nd_recording_format_sniff ((const guint8 *) *s, strlen (*s) - 1));
        }
    }
  g_assert_null (nd_recording_format_for_name ("picture.png"));
  g_assert_null (nd_recording_format_for_name ("abf"));
  g_assert_null (nd_recording_format_for_name ("cells.abf/notes"));
  g_assert_cmpstr (nd_recording_format_text ()->name, ==, "CSV");
}

/* Copies tests/data/`source` to the output folder as `name` and loads it. */
static NdRecording *
load_copy (const char *source, const char *name, GError **error)
{
  g_autofree char *from = nd_test_data_path (source);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (from, &bytes, &len, NULL));
  g_autofree char *dir = nd_test_output_path ("formats");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *to = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (to, bytes, (gssize) len, NULL));
  return nd_recording_load (to, error);
}

static void
expect_format (const char *source, const char *name, const char *format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_copy (source, name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_format (rec), ==, format);
}

/* Real files under every suffix of the table, under a wrong name (the signature wins) and under none. */
static void
test_detection (void)
{
  expect_format ("abf/File_axon_5.abf", "cell.abf", "ABF2");
  expect_format ("abf/File_axon_5.abf", "CELL.ABF", "ABF2");
  expect_format ("abf/File_axon_5.abf", "cell.wav", "ABF2");
  expect_format ("abf/File_axon_5.abf", "cell", "ABF2");
  expect_format ("atf/18702001-step.atf", "step.atf", "ATF");
  expect_format ("atf/18702001-step.atf", "step.txt", "ATF");
  expect_format ("io/steps-2ch.wav", "steps.wav", "WAV");
  expect_format ("io/steps-2ch.wav", "steps.csv", "WAV");
  expect_format ("io/steps-2ch.flac", "steps.flac", "FLAC");
  expect_format ("io/steps-2ch.aiff", "steps.aiff", "AIFF");
  expect_format ("io/steps-2ch.aiff", "steps.aif", "AIFF");
  expect_format ("io/steps-2ch.aiff", "steps.bin", "AIFF");
  expect_format ("engine/step-15pA.csv", "step.csv", "CSV");
  expect_format ("io/units.tsv", "units.tsv", "CSV");
  expect_format ("io/units.tsv", "units.txt", "CSV");
  /* Text under a name no format claims is still read as a table. */
  expect_format ("engine/step-15pA.csv", "step.dat", "CSV");

  /* Named ABF but not one: the table's message for it, naming the file. */
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_copy ("engine/step-15pA.csv", "step.abf", &error);
  g_assert_null (rec);
  g_assert_error (error, ND_ERROR, ND_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "“step.abf” is named like an Axon ABF file but does not start like one"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/formats/table", test_table);
  g_test_add_func ("/formats/mime-xml", test_mime_xml);
  g_test_add_func ("/formats/desktop-mime-types", test_desktop_mime_types);
  g_test_add_func ("/formats/detection", test_detection);
  return g_test_run ();
}
