/* nd-catalogue-browser.c: the window that searches the published channel catalogue and adds channels.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "icg-registry.h"
#include "icg-search.h"
#include "nd-adaptive.h"
#include "nd-catalogue-browser.h"
#include "nd-close-keys.h"
#include "nd-gate-plots.h"
#include "nd-plot.h"
#include "nd-text.h"

/* ---- one list entry ---- */

#define ND_TYPE_CATALOGUE_ITEM (nd_catalogue_item_get_type ())
G_DECLARE_FINAL_TYPE (NdCatalogueItem, nd_catalogue_item, ND, CATALOGUE_ITEM, GObject)

struct _NdCatalogueItem
{
  GObject parent_instance;
  const NdIcgChannel *ch;   /* owned by the process-wide catalogue */
};

G_DEFINE_FINAL_TYPE (NdCatalogueItem, nd_catalogue_item, G_TYPE_OBJECT)

static void
nd_catalogue_item_class_init (NdCatalogueItemClass *klass)
{
}

static void
nd_catalogue_item_init (NdCatalogueItem *self)
{
}

static NdCatalogueItem *
item_new (const NdIcgChannel *ch)
{
  NdCatalogueItem *it = g_object_new (ND_TYPE_CATALOGUE_ITEM, NULL);
  it->ch = ch;
  return it;
}

/* "V½ m −38, h −50 mV": where each gate in the conductance is half open (in the table at 6.3 °C), which
 * tells apart channels of one name from different models (65 entries are called nax). */
static char *
half_activation (const NdIcgChannel *ch)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (int g = 0; g < ch->n_gates; g++)
    {
      double vh = nd_icg_gate_vhalf (&ch->gates[g]);
      if (ch->gates[g].exponent <= 0 || !isfinite (vh))
        continue;
      g_autofree char *minus = nd_text_printf ("%.0f", vh);
      g_string_append_printf (s, "%s%s %s", s->len ? ", " : "", ch->gates[g].name, minus);
    }
  return s->len ? g_strdup_printf (_("V½ %s mV"), s->str) : NULL;
}

/* ---- the window ---- */

/* In this order, those the catalogue has entries of (IH is a class of ICGenealogy's, but this data has
 * none: it is not offered). */
static const char *const all_classes[] = { "K", "Na", "Ca", "KCa", "IH" };

struct _NdCatalogueBrowser
{
  AdwWindow parent_instance;

  NdProject *project;
  const NdIcgCatalogue *cat;
  char *needle;            /* the search text */
  int class_index;         /* into classes, -1 for all */
  const char *classes[G_N_ELEMENTS (all_classes)];   /* those with entries */
  guint n_classes;

  GHashTable *items;       /* const NdIcgChannel * -> NdCatalogueItem (all of them, owned) */
  GListStore *store;       /* the results, best first */
  GtkSingleSelection *selection;
  NdPlotModel *mx, *mt;

  /* From the template. */
  AdwWindowTitle *window_title;
  AdwStatusPage *empty;
  GtkSearchEntry *search;
  GtkDropDown *class_drop;
  GtkStringList *class_names;
  GtkLabel *count;
  GtkListView *list;
  AdwToastOverlay *toasts;
  GtkStack *preview_stack;
  GtkLabel *name, *where, *gates, *temp_note;
  AdwActionRow *source_row;
  GtkLinkButton *modeldb_link;
  GtkWidget *calcium_note;
  NdPlot *plot_x, *plot_t;
  GtkWidget *add_button;
};

G_DEFINE_FINAL_TYPE (NdCatalogueBrowser, nd_catalogue_browser, ADW_TYPE_WINDOW)

static void
update_count (NdCatalogueBrowser *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *t = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels", n), n);
  gtk_label_set_text (self->count, t);
}

/* The results of the search and class, best first (icg-search.h), and what to say when there are none. */
static void
refilter (NdCatalogueBrowser *self)
{
  const char *absent = NULL;
  const char *cls = self->class_index >= 0 ? self->classes[self->class_index] : NULL;
  g_autoptr (GPtrArray) found = nd_icg_search (self->cat, self->needle, cls, &absent);
  g_autofree gpointer *items = g_new (gpointer, found->len + 1);
  for (guint i = 0; i < found->len; i++)
    items[i] = g_hash_table_lookup (self->items, found->pdata[i]);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)), items, found->len);
  if (absent && g_str_equal (absent, "IH"))
    {
      adw_status_page_set_title (self->empty, _("No H-Current Channels"));
      adw_status_page_set_description (self->empty,
        _("The catalogue has no h-current (Ih, HCN) channels: ICGenealogy tabulated potassium, sodium, calcium "
          "and calcium-activated potassium channels only. The Model page’s Known Channels include one, HCN (Ih), "
          "from Kole et al. 2006; a learned current can also take the h-current’s place."));
    }
  else
    {
      adw_status_page_set_title (self->empty, _("No Matching Channel"));
      adw_status_page_set_description (self->empty,
        _("Try an ion (sodium, potassium, calcium), a kind (A-type, delayed rectifier, T-type, BK), a name "
          "(kdr, nax), a ModelDB number, or all classes."));
    }
  update_count (self);
}

static void
search_changed (GtkSearchEntry *entry, gpointer user_data)
{
  NdCatalogueBrowser *self = user_data;
  if (!self->cat)   /* still building */
    return;
  g_free (self->needle);
  self->needle = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  refilter (self);
}

static void
class_changed (GObject *drop, GParamSpec *pspec, gpointer user_data)
{
  NdCatalogueBrowser *self = user_data;
  if (!self->cat)   /* still building */
    return;
  guint sel = gtk_drop_down_get_selected (GTK_DROP_DOWN (drop));
  self->class_index = sel == 0 || sel == GTK_INVALID_LIST_POSITION ? -1 : (int) sel - 1;
  refilter (self);
}

static const NdIcgChannel *
selected_channel (NdCatalogueBrowser *self)
{
  NdCatalogueItem *it = gtk_single_selection_get_selected_item (self->selection);
  return it ? it->ch : NULL;
}

/* The tabulated curves of a channel that cannot be made into a kind (calcium-activated): the table
 * nearest the model's temperature, gates that enter the conductance. */
static void
fill_from_table (NdCatalogueBrowser *self, const NdIcgChannel *ch, double celsius)
{
  nd_plot_model_clear (self->mx);
  nd_plot_model_clear (self->mt);
  nd_plot_model_set_axis (self->mx, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (self->mx, ND_PLOT_AXIS_Y, _("Steady state x∞"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (self->mt, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (self->mt, ND_PLOT_AXIS_Y, _("Time constant τ"), "ms", ND_PLOT_SCALE_LOG);
  double shown_t = NAN;
  for (int g = 0; g < ch->n_gates; g++)
    {
      const NdIcgGate *gate = &ch->gates[g];
      int t = 0;
      for (int k = 1; k < gate->n_temps; k++)
        if (fabs (gate->temps[k] - celsius) < fabs (gate->temps[t] - celsius))
          t = k;
      shown_t = gate->temps[t];
      g_autofree double *v = g_new (double, gate->n), *x = g_new (double, gate->n), *tau = g_new (double, gate->n);
      int nx = 0, nt = 0;
      for (int j = 0; j < gate->n; j++)
        {
          if (isfinite (gate->x_inf[t][j]))
            {
              v[nx] = gate->v[j];
              x[nx++] = gate->x_inf[t][j];
            }
        }
      if (nx > 0)
        nd_plot_model_set_series_data (self->mx, nd_plot_model_add_series (self->mx, gate->name, ND_PLOT_COLOR_AUTO,
                                                                           ND_PLOT_LINE_POINTS), v, x, nx);
      for (int j = 0; j < gate->n; j++)
        if (isfinite (gate->tau[t][j]) && gate->tau[t][j] > 0)
          {
            v[nt] = gate->v[j];
            tau[nt++] = gate->tau[t][j];
          }
      if (nt > 0)
        nd_plot_model_set_series_data (self->mt, nd_plot_model_add_series (self->mt, gate->name, ND_PLOT_COLOR_AUTO,
                                                                           ND_PLOT_LINE_POINTS), v, tau, nt);
    }
  g_autofree char *tt = g_strdup_printf (_("Time constants, %.1f °C"), shown_t);
  nd_plot_model_set_title (self->mx, _("Steady states"));
  nd_plot_model_set_title (self->mt, tt);
}

static void
update_preview (NdCatalogueBrowser *self)
{
  if (!self->project)   /* still building */
    return;
  const NdIcgChannel *ch = selected_channel (self);
  gtk_stack_set_visible_child_name (self->preview_stack, ch ? "channel" : "empty");
  gtk_widget_set_sensitive (self->add_button, ch && !ch->needs_calcium);
  if (!ch)
    return;
  double cm, area, v0, celsius;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &celsius);
  gtk_label_set_text (self->name, ch->suffix[0] ? ch->suffix : ch->file);
  g_autofree char *where = g_strdup_printf (_("%s channel · %s · ModelDB %d"), ch->icg_class, ch->file, ch->modeldb_id);
  gtk_label_set_text (self->where, where);
  g_autofree char *uri = g_strdup_printf ("https://modeldb.science/%d", ch->modeldb_id);
  g_autofree char *link = g_strdup_printf (_("ModelDB %d"), ch->modeldb_id);
  gtk_link_button_set_uri (self->modeldb_link, uri);
  gtk_button_set_label (GTK_BUTTON (self->modeldb_link), link);
  g_autofree char *src = g_strdup_printf (_("%s from ModelDB entry %d; kinetics tabulated by %s, GPL-3.0"),
                                          ch->file, ch->modeldb_id, ND_ICG_CITATION);
  adw_action_row_set_subtitle (self->source_row, src);
  gtk_widget_set_visible (self->calcium_note, ch->needs_calcium);

  g_autoptr (GError) error = NULL;
  const nd_channel_kind *kind = ch->needs_calcium ? NULL : nd_icg_kind_lookup (ch->icg_class, ch->channel, &error);
  if (kind)
    {
      nd_gate_plots_fill (self->mx, self->mt, kind, celsius);
      g_autofree char *formula = nd_gate_plots_formula (kind);
      g_autofree char *gates = g_strdup_printf (_("Conductance ∝ %s"), formula);
      gtk_label_set_text (self->gates, gates);
      g_autofree char *note = g_strdup_printf (_("Curves at the model’s temperature, %.1f °C"), celsius);
      gtk_label_set_text (self->temp_note, note);
    }
  else
    {
      fill_from_table (self, ch, celsius);
      static const char *const sup[] = { "⁰", "", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸" };
      GString *s = g_string_new (NULL);
      for (int g = 0; g < ch->n_gates; g++)
        if (ch->gates[g].exponent > 0)
          g_string_append_printf (s, "%s%s", ch->gates[g].name, ch->gates[g].exponent <= 8 ? sup[ch->gates[g].exponent] : "");
      g_autofree char *formula = g_string_free (s, FALSE);
      g_autofree char *gates = g_strdup_printf (_("Conductance ∝ %s"), formula);
      gtk_label_set_text (self->gates, gates);
      gtk_label_set_text (self->temp_note, error ? error->message : _("Curves as tabulated by ICGenealogy (the points), at the table temperature nearest the model’s"));
      gtk_widget_set_sensitive (self->add_button, FALSE);
    }
}

static void
selection_changed (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  update_preview (ND_CATALOGUE_BROWSER (user_data));
}

static void
add_selected (NdCatalogueBrowser *self)
{
  const NdIcgChannel *ch = selected_channel (self);
  if (!ch)
    return;
  g_autoptr (GError) error = NULL;
  guint n = nd_project_get_n_catalogue (self->project);
  AdwToast *toast;
  if (!nd_project_add_catalogue (self->project, ch->icg_class, ch->channel, NULL, &error))
    toast = adw_toast_new (error->message);
  else
    {
      const char *name = ch->suffix[0] ? ch->suffix : ch->file;
      g_autofree char *t = nd_project_get_n_catalogue (self->project) > n
                             ? g_strdup_printf (_("%s added to the model"), name)
                             : g_strdup_printf (_("%s is already in the model"), name);
      toast = adw_toast_new (t);
    }
  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
action_add (GtkWidget *widget, const char *name, GVariant *param)
{
  add_selected (ND_CATALOGUE_BROWSER (widget));
}

static void
action_select (GtkWidget *widget, const char *name, GVariant *param)
{
  NdCatalogueBrowser *self = ND_CATALOGUE_BROWSER (widget);
  g_auto (GStrv) parts = g_strsplit (g_variant_get_string (param, NULL), "/", 2);
  if (g_strv_length (parts) == 2 && !nd_catalogue_browser_select (self, parts[0], parts[1]))
    {
      /* Not among the current results: search for its file in its class (GTK 4.8 list views cannot
       * scroll to an item, so the result list is made short enough to show it). */
      g_autofree char *file = g_strdup (strchr (parts[1], '_') ? strchr (parts[1], '_') + 1 : parts[1]);
      nd_catalogue_browser_set_query (self, file, parts[0]);
      nd_catalogue_browser_select (self, parts[0], parts[1]);
    }
}

/* ---- list rows ---- */

static void
setup_row (GtkSignalListItemFactory *f, GtkListItem *li, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  GtkWidget *title = gtk_label_new (NULL), *sub = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  /* Wrapped, not cut: the half-activation voltages at the end tell the 65 "nax" entries apart. */
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_wrap_mode (GTK_LABEL (sub), PANGO_WRAP_WORD);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), sub);
  GtkWidget *cls = gtk_label_new (NULL);
  gtk_widget_set_valign (cls, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (cls, "caption-heading");
  GtkWidget *ca = gtk_label_new (_("Needs Ca²⁺"));
  gtk_widget_set_valign (ca, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (ca, "caption");
  gtk_widget_add_css_class (ca, "warning");
  gtk_widget_set_tooltip_text (ca, _("Calcium-activated: needs intracellular calcium dynamics, so it cannot be added as a voltage-only channel"));
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), ca);
  gtk_box_append (GTK_BOX (box), cls);
  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "sub", sub);
  g_object_set_data (G_OBJECT (box), "class", cls);
  g_object_set_data (G_OBJECT (box), "calcium", ca);
  gtk_list_item_set_child (li, box);
}

static void
bind_row (GtkSignalListItemFactory *f, GtkListItem *li, gpointer user_data)
{
  NdCatalogueItem *it = gtk_list_item_get_item (li);
  GtkWidget *box = gtk_list_item_get_child (li);
  const NdIcgChannel *ch = it->ch;
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "title"), ch->suffix[0] ? ch->suffix : ch->file);
  /* The model it comes from first: 65 entries share the name nax, each from its own ModelDB entry. */
  g_autofree char *vhalf = half_activation (ch);
  g_autofree char *sub = vhalf ? g_strdup_printf (_("ModelDB %d · %s · %s"), ch->modeldb_id, ch->file, vhalf)
                               : g_strdup_printf (_("ModelDB %d · %s"), ch->modeldb_id, ch->file);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "sub"), sub);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "class"), ch->icg_class);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (box), "calcium"), ch->needs_calcium);
}

/* ---- building ---- */

/* The parts that depend on the catalogue: its size, its classes and its channels. */
static void
build (NdCatalogueBrowser *self)
{
  guint n = nd_icg_catalogue_n_channels (self->cat);
  g_autofree char *sub = g_strdup_printf (_("%u published channel models · %s"), n, ND_ICG_CITATION);
  adw_window_title_set_subtitle (self->window_title, sub);
  for (guint i = 0; i < G_N_ELEMENTS (all_classes); i++)
    if (nd_icg_catalogue_has_class (self->cat, all_classes[i]))
      {
        self->classes[self->n_classes++] = all_classes[i];
        gtk_string_list_append (self->class_names, all_classes[i]);
      }
  self->items = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      const NdIcgChannel *ch = nd_icg_catalogue_get (self->cat, i);
      g_hash_table_insert (self->items, (gpointer) ch, item_new (ch));
    }
  self->store = g_list_store_new (ND_TYPE_CATALOGUE_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed), self);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (self->selection));
  refilter (self);
  update_preview (self);
}

/* ---- public ---- */

NdCatalogueBrowser *
nd_catalogue_browser_new (NdProject *project, GtkWindow *parent, GError **error)
{
  const NdIcgCatalogue *cat = nd_icg_catalogue_shared (error);
  if (!cat)
    return NULL;
  NdCatalogueBrowser *self = g_object_new (ND_TYPE_CATALOGUE_BROWSER, NULL);
  self->project = g_object_ref (project);
  self->cat = cat;
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }
  build (self);
  return self;
}

void
nd_catalogue_browser_set_query (NdCatalogueBrowser *self, const char *text, const char *icg_class)
{
  guint sel = 0;
  for (guint i = 0; icg_class && *icg_class && i < self->n_classes; i++)
    if (g_ascii_strcasecmp (icg_class, self->classes[i]) == 0)
      sel = i + 1;
  gtk_drop_down_set_selected (self->class_drop, sel);
  gtk_editable_set_text (GTK_EDITABLE (self->search), text ? text : "");
  /* Apply now rather than after the entry's search delay. */
  search_changed (self->search, self);
}

guint
nd_catalogue_browser_get_n_results (NdCatalogueBrowser *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

char *
nd_catalogue_browser_dup_result (NdCatalogueBrowser *self, guint i)
{
  g_autoptr (NdCatalogueItem) it = g_list_model_get_item (G_LIST_MODEL (self->store), i);
  return it ? g_strdup_printf ("%s/%s", it->ch->icg_class, it->ch->channel) : NULL;
}

gboolean
nd_catalogue_browser_has_class (NdCatalogueBrowser *self, const char *icg_class)
{
  for (guint i = 0; i < self->n_classes; i++)
    if (!g_ascii_strcasecmp (self->classes[i], icg_class))
      return TRUE;
  return FALSE;
}

gboolean
nd_catalogue_browser_select (NdCatalogueBrowser *self, const char *icg_class, const char *channel)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (NdCatalogueItem) it = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      if (!strcmp (it->ch->icg_class, icg_class) && !strcmp (it->ch->channel, channel))
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

char *
nd_catalogue_browser_dup_selected (NdCatalogueBrowser *self)
{
  const NdIcgChannel *ch = selected_channel (self);
  return ch ? g_strdup_printf ("%s/%s", ch->icg_class, ch->channel) : NULL;
}

NdPlotModel *
nd_catalogue_browser_get_preview (NdCatalogueBrowser *self, guint which)
{
  return which == 0 ? self->mx : self->mt;
}

GtkWidget *
nd_catalogue_browser_get_add_button (NdCatalogueBrowser *self)
{
  return self->add_button;
}

static void
nd_catalogue_browser_dispose (GObject *object)
{
  NdCatalogueBrowser *self = ND_CATALOGUE_BROWSER (object);
  if (self->selection)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_CATALOGUE_BROWSER);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->mx);
  g_clear_object (&self->mt);
  g_clear_object (&self->project);
  g_clear_pointer (&self->needle, g_free);
  G_OBJECT_CLASS (nd_catalogue_browser_parent_class)->dispose (object);
}

static void
nd_catalogue_browser_class_init (NdCatalogueBrowserClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nd_catalogue_browser_dispose;
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_install_action (wc, "browser.add", NULL, action_add);
  gtk_widget_class_install_action (wc, "browser.select", "s", action_select);
  g_type_ensure (ND_TYPE_ADAPTIVE);
  g_type_ensure (ND_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (wc, RESOURCE_PREFIX "/ui/nd-catalogue-browser.ui");
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, window_title);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, empty);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, search);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, class_drop);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, class_names);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, count);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, list);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, toasts);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, preview_stack);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, name);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, where);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, gates);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, temp_note);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, source_row);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, modeldb_link);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, calcium_note);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, plot_x);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, plot_t);
  gtk_widget_class_bind_template_child (wc, NdCatalogueBrowser, add_button);
  gtk_widget_class_bind_template_callback (wc, search_changed);
  gtk_widget_class_bind_template_callback (wc, class_changed);
}

static void
nd_catalogue_browser_init (NdCatalogueBrowser *self)
{
  self->class_index = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->mx = nd_plot_model_new ();
  self->mt = nd_plot_model_new ();
  nd_plot_set_model (self->plot_x, self->mx);
  nd_plot_set_model (self->plot_t, self->mt);
  nd_close_keys_add (GTK_WINDOW (self));
}
