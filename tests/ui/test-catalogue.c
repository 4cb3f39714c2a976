/* test-catalogue.c: the channel catalogue in the model builder, driven through the real window.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the demo, opens the catalogue browser from the model builder, searches by name, class and
 * ModelDB id, previews the Kv4 A current (the plotted curves are the kind's own at the model's
 * temperature), refuses a calcium-activated channel, adds the Kv4 current, checks the model builder's
 * row and the model, saves and reopens the project, and saves screenshots of both.
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "icg-registry.h"
#include "nd-catalogue-browser.h"
#include "nd-project.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static char *out_dir;

static NdCatalogueBrowser *
browser (void)
{
  return ND_CATALOGUE_BROWSER (nd_test_ui_find_window (ND_TYPE_CATALOGUE_BROWSER, GTK_WINDOW (window)));
}

static int
find_catalogue (NdProject *p, const char *channel)
{
  for (guint i = 0; i < nd_project_get_n_catalogue (p); i++)
    {
      const char *ch;
      if (nd_icg_kind_source (nd_project_get_catalogue (p, i).kind, NULL, &ch, NULL) && !strcmp (ch, channel))
        return (int) i;
    }
  return -1;
}

/* Label texts under `w`, joined, to see what the user sees. */
static void
collect_text (GtkWidget *w, GString *out)
{
  if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (w)));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

static gboolean
label_is (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_LABEL (w) && !strcmp (gtk_label_get_text (GTK_LABEL (w)), text);
}

static void
test_browse_and_add (void)
{
  nd_test_ui_activate (GTK_WIDGET (window), "win.open-demo", NULL);
  nd_test_ui_spin (300);
  g_assert_cmpstr (nd_window_get_page (window), ==, "workspace");
  nd_test_ui_activate (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model"));
  nd_test_ui_spin (200);
  NdProject *p = nd_window_get_project (window);
  GtkWidget *model_view = nd_window_get_view_widget (window, "model");
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 0);
  {
    g_autoptr (GString) text = g_string_new (NULL);
    collect_text (model_view, text);
    g_assert_nonnull (strstr (text->str, "Add Channel from Catalogue…"));
  }

  gint64 t0 = g_get_monotonic_time ();
  nd_test_ui_activate (model_view, "catalogue.browse", NULL);
  g_assert_true (nd_test_ui_wait_window (ND_TYPE_CATALOGUE_BROWSER, GTK_WINDOW (window), 5000));
  NdCatalogueBrowser *b = browser ();
  g_print ("# browser open and mapped in %.0f ms\n", (g_get_monotonic_time () - t0) / 1e3);
  guint all = nd_catalogue_browser_get_n_results (b);
  g_print ("# %u catalogue entries listed\n", all);
  g_assert_cmpuint (all, >, 2000);

  /* Search: by name, then restricted to a class, then by ModelDB id. */
  t0 = g_get_monotonic_time ();
  nd_catalogue_browser_set_query (b, "kv4", NULL);
  guint kv4 = nd_catalogue_browser_get_n_results (b);
  g_print ("# \"kv4\": %u results, filtered in %.1f ms\n", kv4, (g_get_monotonic_time () - t0) / 1e3);
  g_assert_cmpuint (kv4, >=, 5);
  g_assert_cmpuint (kv4, <, 100);
  nd_catalogue_browser_set_query (b, "", "KCa");
  guint kca = nd_catalogue_browser_get_n_results (b);
  g_assert_cmpuint (kca, >, 50);
  g_assert_cmpuint (kca, <, all);
  nd_catalogue_browser_set_query (b, "143100", "K");
  guint by_id = nd_catalogue_browser_get_n_results (b);
  g_print ("# KCa: %u channels; ModelDB 143100 in class K: %u\n", kca, by_id);
  g_assert_cmpuint (by_id, >=, 2);
  g_assert_true (nd_catalogue_browser_select (b, "K", "143100_Kv4f.mod"));
  nd_catalogue_browser_set_query (b, "nothing-is-called-this", NULL);
  g_assert_cmpuint (nd_catalogue_browser_get_n_results (b), ==, 0);
  nd_test_ui_spin (100);
  g_assert_false (gtk_widget_get_sensitive (nd_catalogue_browser_get_add_button (b)));

  /* A calcium-activated channel: marked, not addable. */
  nd_test_ui_activate (GTK_WIDGET (b), "browser.select", g_variant_new_string ("KCa/101629_cagk.mod"));
  nd_test_ui_spin (100);
  g_autofree char *sel_kca = nd_catalogue_browser_dup_selected (b);
  g_assert_cmpstr (sel_kca, ==, "KCa/101629_cagk.mod");
  g_assert_false (gtk_widget_get_sensitive (nd_catalogue_browser_get_add_button (b)));
  {
    g_autoptr (GString) text = g_string_new (NULL);
    collect_text (GTK_WIDGET (b), text);
    g_assert_nonnull (strstr (text->str, "Calcium-activated channel"));
  }
  g_free (nd_test_ui_screenshot (GTK_WIDGET (b), "catalogue-browser-kca"));

  /* The Kv4 A current: preview at the model's temperature. */
  nd_catalogue_browser_set_query (b, "kv4", "K");
  g_assert_true (nd_catalogue_browser_select (b, "K", "143100_Kv4f.mod"));
  nd_test_ui_spin (300);
  g_assert_true (gtk_widget_get_sensitive (nd_catalogue_browser_get_add_button (b)));
  NdPlotModel *mx = nd_catalogue_browser_get_preview (b, 0), *mt = nd_catalogue_browser_get_preview (b, 1);
  g_assert_cmpuint (nd_plot_model_get_n_series (mx), ==, 2);
  g_assert_cmpuint (nd_plot_model_get_n_series (mt), ==, 2);
  g_autoptr (GError) error = NULL;
  const nd_channel_kind *kind = nd_icg_kind_lookup ("K", "143100_Kv4f.mod", &error);
  g_assert_no_error (error);
  double cm, area, v0, celsius;
  nd_project_get_membrane (nd_window_get_project (window), &cm, &area, &v0, &celsius);
  for (guint g = 0; g < 2; g++)
    {
      const double *x, *y;
      gsize n = nd_plot_model_get_series (mx, g, &x, &y, NULL, NULL, NULL, NULL);
      g_assert_cmpuint (n, >, 100);
      for (gsize k = 0; k < n; k += 10)
        {
          nd_gate_rates r;
          kind->gates[g].rates (kind->data, x[k], celsius, &r);
          g_assert_cmpfloat (fabs (y[k] - r.x_inf), <, 1e-12);
        }
    }
  {
    g_autoptr (GString) text = g_string_new (NULL);
    collect_text (GTK_WIDGET (b), text);
    g_assert_nonnull (strstr (text->str, "Podlaski et al. 2017 (ICGenealogy)"));
    g_assert_nonnull (strstr (text->str, "ModelDB 143100"));
    g_assert_nonnull (strstr (text->str, "m⁴h"));
  }
  g_autofree char *shot = nd_test_ui_screenshot (GTK_WIDGET (b), "catalogue-browser");
  g_assert_cmpfloat (nd_test_ui_png_ink (shot), >, 0.02);

  /* Add it with the button, twice: the second time it is already there. */
  gtk_widget_activate (nd_catalogue_browser_get_add_button (b));
  nd_test_ui_spin (400);   /* a button's keyboard activation clicks after a short animation */
  gtk_widget_activate (nd_catalogue_browser_get_add_button (b));
  nd_test_ui_spin (400);   /* a button's keyboard activation clicks after a short animation */
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 1);
  int ci = find_catalogue (p, "143100_Kv4f.mod");
  g_assert_cmpint (ci, ==, 0);
  nd_model *m = nd_project_get_model (p);
  gboolean in_model = FALSE;
  for (int c = 0; c < m->n_channels; c++)
    in_model |= m->channels[c].slot == ND_CHANNEL_KNOWN && m->channels[c].kind == kind;
  g_assert_true (in_model);
  gtk_window_destroy (GTK_WINDOW (b));
  nd_test_ui_spin (100);
  g_assert_null (browser ());

  /* The action adds by id as well; a calcium channel is refused (a warning, nothing added). */
  nd_test_ui_activate (model_view, "catalogue.add", g_variant_new_string ("Na/101629_na3n.mod"));
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 2);
  g_test_expect_message ("neurode-ui", G_LOG_LEVEL_WARNING, "*calcium*");
  nd_test_ui_activate (model_view, "catalogue.add", g_variant_new_string ("KCa/101629_cagk.mod"));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 2);

  /* The model builder shows both, with their source; switch the Na one off and set the Kv4 gbar. */
  nd_test_ui_spin (200);
  {
    g_autoptr (GString) text = g_string_new (NULL);
    collect_text (model_view, text);
    g_assert_nonnull (strstr (text->str, "Published Channels"));
    g_assert_nonnull (strstr (text->str, "Kv4f"));
    g_assert_nonnull (strstr (text->str, "na3n"));
    g_assert_nonnull (strstr (text->str, "K · ModelDB 143100 · 10 mS/cm², \u221277 mV"));
    g_assert_nonnull (strstr (text->str, "ModelDB 143100, Kv4f.mod; kinetics tabulated by Podlaski et al. 2017 (ICGenealogy)"));
  }
  NdCatalogueSpec na = nd_project_get_catalogue (p, 1);
  na.enabled = FALSE;
  nd_project_set_catalogue (p, 1, &na);
  NdCatalogueSpec kv = nd_project_get_catalogue (p, 0);
  kv.gbar = 7.5;
  kv.e = -90;
  nd_project_set_catalogue (p, 0, &kv);
  nd_test_ui_spin (200);
  {
    g_autoptr (GString) text = g_string_new (NULL);
    collect_text (model_view, text);
    g_assert_nonnull (strstr (text->str, "K · ModelDB 143100 · 7.5 mS/cm², \u221290 mV"));
    g_assert_nonnull (strstr (text->str, "Not in the model"));
  }
  /* Open the Kv4 row and scroll the channel column to it for the picture. */
  GtkWidget *label = nd_test_ui_find (model_view, label_is, "Kv4f");
  g_assert_nonnull (label);
  GtkWidget *row = gtk_widget_get_ancestor (label, ADW_TYPE_EXPANDER_ROW);
  g_assert_nonnull (row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  nd_test_ui_spin (300);
  /* Kinetics one click away: the row's curves button opens them at the model's temperature. */
  GtkWidget *curves = nd_test_ui_find (row, nd_test_ui_button_has_icon, "nd-curves-symbolic");
  g_assert_nonnull (curves);
  g_signal_emit_by_name (curves, "clicked");
  nd_test_ui_spin (300);
  GtkWindow *kin = nd_test_ui_find_window (ADW_TYPE_WINDOW, GTK_WINDOW (window));
  g_assert_nonnull (kin);
  g_assert_cmpstr (gtk_window_get_title (kin), ==, "Kinetics of Kv4f");
  gtk_window_destroy (kin);
  nd_test_ui_spin (100);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW)));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  nd_test_ui_spin (300);
  g_autofree char *mshot = nd_test_ui_screenshot (GTK_WIDGET (window), "catalogue-model-builder");
  g_assert_cmpfloat (nd_test_ui_png_ink (mshot), >, 0.02);
}

/* The result's channel. */
static const NdIcgChannel *
result (NdCatalogueBrowser *b, guint i)
{
  g_autofree char *id = nd_catalogue_browser_dup_result (b, i);
  g_assert_nonnull (id);
  g_auto (GStrv) parts = g_strsplit (id, "/", 2);
  return nd_icg_catalogue_find (nd_icg_catalogue_shared (NULL), parts[0], parts[1]);
}

/* The search in the words people use (icg-search.h; tests/io/test-icg-search.c checks it in depth): ions,
 * kinds and the h-current the catalogue lacks, the closest matches first, only classes with entries
 * offered, and rows that tell the 65 channels called nax apart. */
static void
test_words (void)
{
  GtkWidget *model_view = nd_window_get_view_widget (window, "model");
  nd_test_ui_activate (model_view, "catalogue.browse", NULL);
  g_assert_true (nd_test_ui_wait_window (ND_TYPE_CATALOGUE_BROWSER, GTK_WINDOW (window), 5000));
  NdCatalogueBrowser *b = browser ();
  const NdIcgCatalogue *cat = nd_icg_catalogue_shared (NULL);
  guint na = 0;
  for (guint i = 0; i < nd_icg_catalogue_n_channels (cat); i++)
    na += !strcmp (nd_icg_catalogue_get (cat, i)->icg_class, "Na");

  /* Only classes with entries: IH, which this data has none of, is not offered. */
  g_assert_true (nd_catalogue_browser_has_class (b, "K"));
  g_assert_true (nd_catalogue_browser_has_class (b, "KCa"));
  g_assert_false (nd_catalogue_browser_has_class (b, "IH"));

  const char *sodium[] = { "sodium", "Nav", "Na" };
  for (guint i = 0; i < G_N_ELEMENTS (sodium); i++)
    {
      nd_catalogue_browser_set_query (b, sodium[i], NULL);
      guint n = nd_catalogue_browser_get_n_results (b);
      g_print ("# \"%s\": %u channels, first %s\n", sodium[i], n, result (b, 0)->suffix);
      g_assert_cmpuint (n, >=, na);
      for (guint k = 0; k < na; k++)
        g_assert_cmpstr (result (b, k)->icg_class, ==, "Na");
    }
  /* "na": the channel called na first, not kdrJonas. */
  nd_catalogue_browser_set_query (b, "na", NULL);
  g_assert_cmpstr (result (b, 0)->suffix, ==, "na");
  g_autofree char *first = nd_catalogue_browser_dup_selected (b);
  g_assert_true (g_str_has_prefix (first, "Na/"));

  nd_catalogue_browser_set_query (b, "A-type", NULL);
  g_assert_cmpuint (nd_catalogue_browser_get_n_results (b), >, 50);
  g_assert_cmpstr (result (b, 0)->icg_class, ==, "K");

  /* The h-current: nothing, and the reason. */
  const char *h[] = { "Ih", "hcn", "h-current" };
  for (guint i = 0; i < G_N_ELEMENTS (h); i++)
    {
      nd_catalogue_browser_set_query (b, h[i], NULL);
      g_assert_cmpuint (nd_catalogue_browser_get_n_results (b), ==, 0);
      nd_test_ui_spin (50);
      g_autoptr (GString) text = g_string_new (NULL);
      collect_text (GTK_WIDGET (b), text);
      g_assert_nonnull (strstr (text->str, "no h-current (Ih, HCN) channels"));
      g_assert_nonnull (strstr (text->str, "Known Channels include one, HCN (Ih)"));
    }
  g_free (nd_test_ui_screenshot (GTK_WIDGET (b), "catalogue-browser-ih"));

  /* The channels called nax: each row names its ModelDB entry and where its gates are half open. */
  nd_catalogue_browser_set_query (b, "nax", NULL);
  nd_test_ui_spin (300);
  g_autoptr (GString) rows = g_string_new (NULL);
  collect_text (GTK_WIDGET (b), rows);
  g_assert_nonnull (strstr (rows->str, "ModelDB 101629 · naxn.mod · V½ m −"));
  g_free (nd_test_ui_screenshot (GTK_WIDGET (b), "catalogue-browser-nax"));
  gtk_window_destroy (GTK_WINDOW (b));
  nd_test_ui_spin (100);
}

static void
test_save_reopen (void)
{
  NdProject *p = nd_window_get_project (window);
  g_autofree char *path = g_build_filename (out_dir, "catalogue.neurode", NULL);
  g_unlink (path);
  nd_test_ui_activate (GTK_WIDGET (window), "win.save-as", g_variant_new_string (path));
  g_assert_false (nd_project_get_dirty (p));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"type\" : \"icg\""));
  g_assert_nonnull (strstr (text, "\"channel\" : \"143100_Kv4f.mod\""));
  g_assert_nonnull (strstr (text, "\"catalogue_off\""));

  /* Spoil, then reopen through the window. */
  nd_project_remove_catalogue (p, 0);
  nd_project_remove_catalogue (p, 0);
  nd_project_set_dirty (p, FALSE);
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 0);
  nd_test_ui_activate (GTK_WIDGET (window), "win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 2);
  int kv = find_catalogue (p, "143100_Kv4f.mod"), na = find_catalogue (p, "101629_na3n.mod");
  g_assert_cmpint (kv, >=, 0);
  g_assert_cmpint (na, >=, 0);
  NdCatalogueSpec s = nd_project_get_catalogue (p, kv);
  g_assert_true (s.enabled);
  g_assert_cmpfloat (s.gbar, ==, 7.5);
  g_assert_cmpfloat (s.e, ==, -90);
  g_assert_false (nd_project_get_catalogue (p, na).enabled);
  g_autofree char *again = nd_project_to_json (p, nd_project_get_file (p));
  g_assert_nonnull (strstr (again, "\"channel\" : \"143100_Kv4f.mod\""));
  GtkWidget *model_view = nd_window_get_view_widget (window, "model");
  g_autoptr (GString) shown = g_string_new (NULL);
  collect_text (model_view, shown);
  g_assert_nonnull (strstr (shown->str, "K · ModelDB 143100 · 7.5 mS/cm², \u221290 mV"));
}

int
main (int argc, char **argv)
{
  out_dir = nd_test_ui_output_dir ("catalogue");

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 780);
  nd_test_ui_spin (300);
  g_test_add_func ("/catalogue/browse-add", test_browse_and_add);
  g_test_add_func ("/catalogue/words", test_words);
  g_test_add_func ("/catalogue/save-reopen", test_save_reopen);
  int status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
  return status;
}
