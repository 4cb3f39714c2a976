/* test-i18n.c: the real window in another language, under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: test-i18n LANGUAGE LOCALEDIR [LOCPATH LOCALE], e.g. "de" and the build tree's po folder, where
 * meson's i18n module compiles each catalogue to LANGUAGE/LC_MESSAGES/neurode.mo. The test binds the
 * text domain there (the installed program binds LOCALEDIR), starts the window, checks that menus,
 * views and presets are translated and that no widget shows an English string whose translation
 * exists, and saves screenshots of each view as i18n-LANGUAGE-*.png.
 *
 * With LOCPATH (a folder holding LOCALE, e.g. de_DE.UTF-8, compiled by localedef) the whole
 * program runs in that locale, as a user's desktop would: numbers in the window then use its
 * decimal separator, while exported files keep the dot.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>
#include <stdlib.h>

#include "nd-explore-view.h"
#include "nd-test-ui.h"
#include "nd-window.h"
#include "test-i18n-presets.h"

/* Known translations, written out here so that the test checks the compiled catalogue rather
 * than comparing gettext with itself. */
typedef struct {
  const char *language;
  const char *welcome_title;      /* "Welcome to Neurode" */
  const char *preferences_item;   /* "_Preferences" */
  const char *about_item;         /* "_About Neurode" */
  const char *open_button;        /* "_Open Recording…" */
  const char *recording_view;     /* "_Recording" */
  const char *fit_view;           /* "_Fit" */
  const char *membrane_potential; /* "Membrane potential" */
  const char *threshold_preset;   /* "Threshold and all-or-none spike" */
  const char *reversal_potential; /* "Reversal potential" */
  const char *explore_view;       /* "_Explore" */
  const char *vclamp_preset;      /* "Voltage clamp: sodium and potassium currents" */
} Expected;

static const Expected expected_table[] = {
  { "de", "Willkommen bei Neurode", "_Einstellungen", "_Über Neurode", "Aufzeichnung _öffnen…",
    "_Aufzeichnung", "A_npassung", "Membranpotential", "Schwelle und Alles-oder-nichts-Aktionspotential",
    "Umkehrpotential", "_Erkunden", "Spannungsklemme: Natrium- und Kaliumströme" },
  { "zh_CN", "欢迎使用 Neurode", "首选项(_P)", "关于 Neurode(_N)", "打开记录(_O)…",
    "记录(_R)", "拟合(_F)", "膜电位", "阈值与全或无动作电位", "反转电位", "探索(_E)", "电压钳：钠电流和钾电流" },
  { "fr", "Bienvenue dans Neurode", "_Préférences", "_À propos de Neurode", "_Ouvrir un enregistrement…",
    "En_registrement", "A_justement", "Potentiel de membrane", "Seuil et potentiel d’action en tout-ou-rien",
    "Potentiel d’inversion", "E_xplorer", "Voltage-clamp\xc2\xa0: courants sodique et potassique" },
  { "es", "Le damos la bienvenida a Neurode", "_Preferencias", "Ace_rca de Neurode", "_Abrir un registro…",
    "_Registro", "A_juste", "Potencial de membrana", "Umbral y potencial de acción de todo o nada",
    "Potencial de inversión", "_Explorar", "Fijación de voltaje: corrientes de sodio y de potasio" },
};

static const Expected *expected;
static const char *language;
static const char *shot_suffix = "";
/* The locale's decimal separator, when it is not the dot. */
static char decimal_comma;
static guint n_locale_numbers;
static NdApplication *app;
static GtkWindow *window;

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* Every text a widget tree shows: labels (including those inside buttons, rows, status pages
 * and the view switcher), window titles left aside. */
static void
collect_texts (GtkWidget *widget, GPtrArray *texts)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));
  if (GTK_IS_EDITABLE (widget) && !GTK_IS_SPIN_BUTTON (widget))
    g_ptr_array_add (texts, (gpointer) gtk_editable_get_text (GTK_EDITABLE (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_texts (c, texts);
}

static gboolean
shows_text (GPtrArray *texts, const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

/* A widget showing an English msgid that the catalogue translates was not passed through
 * gettext (or was set before the domain was bound). */
static void
assert_no_english (GPtrArray *texts, const char *where)
{
  guint bad = 0;
  for (guint i = 0; i < texts->len; i++)
    {
      const char *t = g_ptr_array_index (texts, i);
      if (t[0] != '\0' && !g_str_equal (tr (t), t))
        {
          g_printerr ("%s: untranslated text shown in %s: “%s” (catalogue: “%s”)\n", language, where, t, tr (t));
          bad++;
        }
    }
  g_assert_cmpuint (bad, ==, 0);
}

/* Every shown label is drawn with real glyphs (a font covers the language: no boxes), and the
 * labels cut short with an ellipsis are listed, since longer translations are the usual cause. */
static void
check_glyphs (GtkWidget *widget, const char *where, guint *n_labels)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      int unknown = pango_layout_get_unknown_glyphs_count (layout);
      if (unknown > 0)
        g_error ("%s: %d characters of “%s” in %s have no glyph in any font", language, unknown,
                 gtk_label_get_text (GTK_LABEL (widget)), where);
      if (pango_layout_is_ellipsized (layout))
        g_test_message ("%s: ellipsized in %s: “%s”", language, where, gtk_label_get_text (GTK_LABEL (widget)));
      (*n_labels)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_glyphs (c, where, n_labels);
}

static void
assert_drawn_with_glyphs (GtkWidget *widget, const char *where)
{
  guint n = 0;
  check_glyphs (widget, where, &n);
  g_assert_cmpuint (n, >, 3);
}

/* The labels of a menu and its sections (one level of mnemonics), recursing into submenus as
 * separate levels. Fails when two items of one level share a mnemonic. */
static void
collect_menu (GMenuModel *menu, GPtrArray *labels, GHashTable *mnemonics)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        {
          const char *u = strchr (label, '_');
          if (u && u[1])
            {
              gunichar key = g_unichar_tolower (g_utf8_get_char (u + 1));
              const char *other = g_hash_table_lookup (mnemonics, GUINT_TO_POINTER (key));
              if (other)
                g_error ("%s: menu items “%s” and “%s” share the mnemonic", language, other, label);
              g_hash_table_insert (mnemonics, GUINT_TO_POINTER (key), g_strdup (label));
            }
          g_ptr_array_add (labels, g_steal_pointer (&label));
        }
      GMenuModel *section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      if (section)
        {
          collect_menu (section, labels, mnemonics);
          g_object_unref (section);
        }
      GMenuModel *submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);
      if (submenu)
        {
          g_autoptr (GHashTable) sub = g_hash_table_new_full (NULL, NULL, NULL, g_free);
          collect_menu (submenu, labels, sub);
          g_object_unref (submenu);
        }
    }
}

/* Mnemonics of the shown labels under `widget` (e.g. the header bar: Open, the views, Save). */
static void
collect_mnemonics (GtkWidget *widget, GHashTable *mnemonics)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));
      const char *u = strchr (label, '_');
      if (u && u[1])
        {
          gunichar key = g_unichar_tolower (g_utf8_get_char (u + 1));
          const char *other = g_hash_table_lookup (mnemonics, GUINT_TO_POINTER (key));
          if (other)
            g_error ("%s: “%s” and “%s” share the mnemonic", language, other, label);
          g_hash_table_insert (mnemonics, GUINT_TO_POINTER (key), g_strdup (label));
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_mnemonics (c, mnemonics);
}

static char *
shot_name (const char *what)
{
  return g_strdup_printf ("i18n-%s%s-%s", language, shot_suffix, what);
}

static void
test_catalogue_loaded (void)
{
  /* The build tree's catalogue is the one found, and gettext honours LANGUAGE. */
  g_assert_cmpstr (tr ("Welcome to Neurode"), ==, expected->welcome_title);
  g_assert_cmpstr (tr ("Membrane potential"), ==, expected->membrane_potential);
  g_assert_cmpstr (tr ("Reversal potential"), ==, expected->reversal_potential);
  /* Plural forms come from the catalogue's header (Chinese has one form). */
  const char *one = g_dngettext (GETTEXT_PACKAGE, "%u sweep checks the result.", "%u sweeps check the result.", 1);
  const char *many = g_dngettext (GETTEXT_PACKAGE, "%u sweep checks the result.", "%u sweeps check the result.", 5);
  g_assert_cmpstr (one, !=, "%u sweep checks the result.");
  if (g_str_equal (language, "zh_CN"))
    g_assert_cmpstr (one, ==, many);
  else
    g_assert_cmpstr (one, !=, many);
}

static void
test_presets_translated (void)
{
  /* The seven classic experiments of the Explore view. */
  g_assert_cmpuint (nd_test_i18n_check_presets (expected->threshold_preset), >=, 7);
}

static void
test_welcome (void)
{
  g_assert_cmpstr (nd_window_get_page (ND_WINDOW (window)), ==, "welcome");
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  collect_texts (GTK_WIDGET (window), texts);
  g_assert_true (shows_text (texts, expected->welcome_title));
  g_assert_true (shows_text (texts, expected->open_button));
  assert_no_english (texts, "the welcome page");
  assert_drawn_with_glyphs (GTK_WIDGET (window), "the welcome page");
  g_autofree char *name = shot_name ("welcome");
  g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (window), name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
}

static void
test_primary_menu (void)
{
  GtkWidget *button = nd_test_ui_find_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) mnemonics = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  collect_menu (menu, labels, mnemonics);
  g_assert_true (shows_text (labels, expected->preferences_item));
  g_assert_true (shows_text (labels, expected->about_item));
  assert_no_english (labels, "the main menu");

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  nd_test_ui_spin (400);
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  collect_texts (GTK_WIDGET (popover), texts);
  assert_no_english (texts, "the main menu's popover");
  assert_drawn_with_glyphs (GTK_WIDGET (popover), "the main menu");
  g_autofree char *name = shot_name ("menu");
  g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (popover), name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  nd_test_ui_spin (200);
}

/* In a locale with a decimal comma, the shown numbers with decimals use it. */
static void
collect_decimal_spins (GtkWidget *widget, GPtrArray *spins)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_SPIN_BUTTON (widget) && gtk_spin_button_get_digits (GTK_SPIN_BUTTON (widget)) > 0)
    g_ptr_array_add (spins, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_decimal_spins (c, spins);
}

static void
assert_locale_numbers (const char *where)
{
  if (!decimal_comma)
    return;
  g_autoptr (GPtrArray) spins = g_ptr_array_new ();
  collect_decimal_spins (GTK_WIDGET (window), spins);
  n_locale_numbers += spins->len;
  for (guint i = 0; i < spins->len; i++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (g_ptr_array_index (spins, i)));
      if (!strchr (text, decimal_comma) || strchr (text, '.'))
        g_error ("%s: “%s” in %s does not use the locale's decimal separator “%c”", language, text, where,
                 decimal_comma);
    }
  g_test_message ("%s: %u numbers in %s use “%c”", language, spins->len, where, decimal_comma);
}

/* The kinetics table is for scripts and spreadsheets: a dot as decimal separator in any locale,
 * so every row has the header's five fields and each number parses in full. */
static void
test_kinetics_export (void)
{
  g_autofree char *name = shot_name ("kinetics");
  g_autofree char *path = g_strdup_printf ("%s/%s.csv", g_getenv ("ND_TEST_OUTPUT"), name);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.export-kinetics",
                                                     g_variant_new_string (path)));
  nd_test_ui_spin (200);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "channel,gate,v_mV,x_inf,tau_ms");
  guint rows = 0;
  for (guint i = 1; lines[i] && lines[i][0]; i++, rows++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 5);
      for (guint k = 2; k < 5; k++)
        {
          char *end = NULL;
          g_ascii_strtod (f[k], &end);
          g_assert_true (end != f[k] && *end == '\0');
        }
    }
  g_assert_cmpuint (rows, >, 100);
}

/* A window opened by an action: translated, drawn with glyphs, saved as a screenshot, closed. */
static void
check_secondary_window (GActionGroup *group, const char *action, GType type, const char *what,
                        const char *expected_text)
{
  g_action_group_activate_action (group, action, NULL);
  g_assert_true (nd_test_ui_wait_window (type, window, 5000));
  nd_test_ui_spin (300);
  GtkWindow *w = nd_test_ui_find_window (type, window);
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  collect_texts (GTK_WIDGET (w), texts);
  if (expected_text)
    g_assert_true (shows_text (texts, expected_text));
  g_autofree char *where = g_strdup_printf ("the %s window", what);
  assert_no_english (texts, where);
  assert_drawn_with_glyphs (GTK_WIDGET (w), where);
  g_autofree char *name = shot_name (what);
  g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (w), name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
  gtk_window_close (w);
  nd_test_ui_spin (100);
}

static void
test_secondary_windows (void)
{
  check_secondary_window (G_ACTION_GROUP (app), "preferences", ADW_TYPE_PREFERENCES_WINDOW, "preferences",
                          tr ("Integration step"));
  /* The About window credits this language's translators. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (nd_test_ui_wait_window (ADW_TYPE_ABOUT_WINDOW, window, 5000));
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (nd_test_ui_find_window (ADW_TYPE_ABOUT_WINDOW, window));
  const char *credits = adw_about_window_get_translator_credits (about);
  g_assert_nonnull (credits);
  g_assert_cmpstr (credits, !=, "translator-credits");
  g_assert_cmpstr (credits, ==, tr ("translator-credits"));
  gtk_window_close (GTK_WINDOW (about));
  nd_test_ui_spin (100);
  check_secondary_window (G_ACTION_GROUP (window), "show-help-overlay", GTK_TYPE_SHORTCUTS_WINDOW, "shortcuts", NULL);
}

static void
show_view (const char *view)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view",
                                                     g_variant_new_string (view)));
  nd_test_ui_spin (400);
  g_assert_cmpstr (nd_window_get_view (ND_WINDOW (window)), ==, view);
}

static void
test_workspace_views (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  nd_test_ui_spin (400);
  g_assert_cmpstr (nd_window_get_page (ND_WINDOW (window)), ==, "workspace");

  /* The header bar's buttons and view switcher can all be reached by distinct mnemonics. */
  GtkWidget *header = nd_test_ui_find_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  g_assert_nonnull (header);
  g_autoptr (GHashTable) mnemonics = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  /* Open, the four views and Save, once the header bar has been laid out for the workspace. */
  for (guint tries = 0; tries < 50 && g_hash_table_size (mnemonics) < 6; tries++)
    {
      nd_test_ui_spin (100);
      g_hash_table_remove_all (mnemonics);
      collect_mnemonics (header, mnemonics);
    }
  g_assert_cmpuint (g_hash_table_size (mnemonics), >=, 6);

  const char *views[] = { "recording", "model", "fit" };
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      show_view (views[i]);
      g_autoptr (GPtrArray) texts = g_ptr_array_new ();
      collect_texts (GTK_WIDGET (window), texts);
      /* The view switcher's titles, with their mnemonics. */
      g_assert_true (shows_text (texts, expected->recording_view));
      g_assert_true (shows_text (texts, expected->fit_view));
      g_autofree char *where = g_strdup_printf ("the %s view", views[i]);
      assert_no_english (texts, where);
      assert_drawn_with_glyphs (GTK_WIDGET (window), where);
      assert_locale_numbers (where);
      g_autofree char *name = shot_name (views[i]);
      g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (window), name);
      g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.05);
    }
}

static NdExploreView *
explore_view (void)
{
  NdExploreView *view = ND_EXPLORE_VIEW (nd_test_ui_find_type (GTK_WIDGET (window), ND_TYPE_EXPLORE_VIEW));
  g_assert_nonnull (view);
  return view;
}

/* Waits until the live simulation has drawn the latest settings. */
static void
settle (NdExploreView *view)
{
  for (guint i = 0; i < 400 && (nd_explore_view_get_applied (view) != nd_explore_view_get_requested (view)
                                || nd_explore_view_is_computing (view)); i++)
    nd_test_ui_spin (25);
  g_assert_cmpuint (nd_explore_view_get_applied (view), ==, nd_explore_view_get_requested (view));
  nd_test_ui_spin (300);
}

static void
check_explore_preset (const char *preset, const char *title)
{
  NdExploreView *view = explore_view ();
  g_action_group_change_action_state (nd_explore_view_get_actions (view), "preset", g_variant_new_string (preset));
  settle (view);
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  collect_texts (GTK_WIDGET (window), texts);
  g_assert_true (shows_text (texts, expected->explore_view));
  /* The preset's title in its drop-down; its explanation and what to look for beside it. */
  g_assert_true (shows_text (texts, title));
  g_autofree char *where = g_strdup_printf ("the Explore view (%s)", preset);
  assert_no_english (texts, where);
  assert_drawn_with_glyphs (GTK_WIDGET (window), where);
  assert_locale_numbers (where);
  g_autofree char *what = g_strdup_printf ("explore-%s", preset);
  g_autofree char *name = shot_name (what);
  g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (window), name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.05);
}

static void
test_explore (void)
{
  /* The size of test-explore's English screenshots, for comparison. */
  gtk_window_set_default_size (window, 1280, 800);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL));
  nd_test_ui_spin (300);
  g_assert_cmpstr (nd_window_get_view (ND_WINDOW (window)), ==, "explore");
  check_explore_preset ("threshold", expected->threshold_preset);
  check_explore_preset ("voltage-clamp", expected->vclamp_preset);
  /* Recording, model and Explore views show numbers with decimals. */
  if (decimal_comma)
    g_assert_cmpuint (n_locale_numbers, >, 5);
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      g_printerr ("usage: test-i18n LANGUAGE LOCALEDIR [LOCPATH LOCALE]\n");
      return 2;
    }
  language = argv[1];
  for (guint i = 0; i < G_N_ELEMENTS (expected_table); i++)
    if (g_str_equal (expected_table[i].language, language))
      expected = &expected_table[i];
  if (!expected)
    {
      g_printerr ("test-i18n: no expectations for language “%s”\n", language);
      return 2;
    }
  g_autofree char *mo = g_build_filename (argv[2], language, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_printerr ("test-i18n: the compiled catalogue %s is missing\n", mo);
      return 1;
    }

  /* gettext ignores LANGUAGE only in the "C" locale; the tests run in C.UTF-8. */
  g_setenv ("LANGUAGE", language, TRUE);
  gboolean own_locale = argc > 4;
  if (own_locale)
    {
      /* The language's own locale, compiled into LOCPATH (glibc reads it at setlocale). */
      g_setenv ("LOCPATH", argv[3], TRUE);
      g_setenv ("LC_ALL", argv[4], TRUE);
      shot_suffix = "-locale";
    }
  if (!setlocale (LC_ALL, "") && own_locale)
    {
      g_printerr ("test-i18n: the locale %s is not in %s\n", g_getenv ("LC_ALL"), argv[3]);
      return 1;
    }
  bindtextdomain (GETTEXT_PACKAGE, argv[2]);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Our arguments are not GTest's. */
  int ours = own_locale ? 4 : 2;
  argv[ours] = argv[0];
  argc -= ours;
  argv += ours;
  nd_test_ui_init (&argc, &argv);
  adw_init ();
  /* gtk_test_init sets an en_US locale when there is one; LANGUAGE still picks the catalogue, but
   * the locale's own formats are wanted here. */
  if (own_locale)
    g_assert_nonnull (setlocale (LC_ALL, ""));
  const char *point = localeconv ()->decimal_point;
  if (point && point[0] && point[0] != '.')
    decimal_comma = point[0];
  if (own_locale)
    g_assert_cmpint (decimal_comma, !=, 0);
  g_test_add_func ("/i18n/catalogue-loaded", test_catalogue_loaded);
  g_test_add_func ("/i18n/presets", test_presets_translated);

  app = nd_test_ui_start_app (&window);
  g_test_add_func ("/i18n/welcome", test_welcome);
  g_test_add_func ("/i18n/primary-menu", test_primary_menu);
  g_test_add_func ("/i18n/secondary-windows", test_secondary_windows);
  g_test_add_func ("/i18n/workspace-views", test_workspace_views);
  g_test_add_func ("/i18n/explore", test_explore);
  g_test_add_func ("/i18n/kinetics-export", test_kinetics_export);
  int status = g_test_run ();
  g_object_unref (app);
  return status;
}
