/* cell-file.c: reading the cell description (json-glib) and building the cell.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cell-file.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "json-input.h"
#include "nd-error.h"

void
nd_cell_file_free (NdCellFile *cell)
{
  if (!cell)
    return;
  g_free (cell->name);
  g_free (cell->morphology_path);
  g_free (cell->stim_section_name);
  g_free (cell);
}

/* Reads an optional number member; FALSE (with error) if present but not a finite number in [lo, hi]. */
static gboolean
get_number (JsonObject *obj, const char *section, const char *key, double *out, double lo, double hi,
            GError **error)
{
  if (!obj || !json_object_has_member (obj, key))
    return TRUE;
  JsonNode *node = json_object_get_member (obj, key);
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“%s%s%s” must be a number"), section, *section ? "." : "", key);
      return FALSE;
    }
  double v = json_node_get_double (node);
  if (!isfinite (v) || v < lo || v > hi)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“%s%s%s” is %g; it must be between %g and %g"),
                   section, *section ? "." : "", key, v, lo, hi);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* An optional text member: *out NULL when absent; an error naming it when it is not text. */
static gboolean
get_string (JsonObject *obj, const char *section, const char *key, const char **out, GError **error)
{
  *out = NULL;
  if (!obj || !json_object_has_member (obj, key))
    return TRUE;
  JsonNode *node = json_object_get_member (obj, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“%s%s%s” must be text in double quotes"), section,
                   *section ? "." : "", key);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *obj, const char *key, GError **error)
{
  if (!json_object_has_member (obj, key))
    return NULL;
  JsonNode *node = json_object_get_member (obj, key);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“%s” must be an object ({ … })"), key);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_channel_list (JsonNode *node, const char *region, nd_channel_density *out, int *n_out, GError **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“channels.%s” must be a list of channels"), region);
      return FALSE;
    }
  JsonArray *arr = json_node_get_array (node);
  guint n = json_array_get_length (arr);
  if (n > ND_MORPH_MAX_CHANNELS)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED, _("“channels.%s” lists %u channels; at most %d are supported"),
                   region, n, ND_MORPH_MAX_CHANNELS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("channel %u of “channels.%s” must be an object"), i + 1, region);
          return FALSE;
        }
      JsonObject *ch = json_node_get_object (item);
      g_autofree char *where = g_strdup_printf ("channels.%s[%u]", region, i + 1);
      const char *type;
      if (!get_string (ch, where, "type", &type, error))
        return FALSE;
      const nd_channel_kind *kind = type ? nd_channel_lookup (type) : NULL;
      if (!kind)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND, _("channel %u of “channels.%s”: unknown type “%s”"),
                       i + 1, region, type ? type : _("(missing)"));
          return FALSE;
        }
      out[i] = (nd_channel_density) { kind, kind->gbar_default, kind->e_default };
      if (!get_number (ch, where, "gbar_mS_cm2", &out[i].gbar, 0.0, 1e6, error)
          || !get_number (ch, where, "e_mV", &out[i].e_rev, -1000.0, 1000.0, error))
        return FALSE;
    }
  *n_out = (int) n;
  return TRUE;
}

/* The file's identity: format, version, name and the SWC file, found beside
 * the cell file when its path is relative. */
static gboolean
read_identity (JsonObject *root, const char *path, NdCellFile *cell, GError **error)
{
  const char *format, *name, *morph;
  if (!get_string (root, "", "format", &format, error) || !get_string (root, "", "name", &name, error)
      || !get_string (root, "", "morphology", &morph, error))
    return FALSE;
  if (g_strcmp0 (format, "neurode-cell") != 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("this is not a Neurode cell file (“format” is not “neurode-cell”)"));
      return FALSE;
    }
  double version = 1;
  if (!get_number (root, "", "version", &version, 1, 1e9, error))
    return FALSE;
  if (version > 1)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED, _("the cell file is version %g; this Neurode reads version 1"), version);
      return FALSE;
    }
  cell->name = g_strdup (name ? name : "");
  if (!morph || !*morph)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the cell file names no “morphology” (an SWC file)"));
      return FALSE;
    }
  if (g_path_is_absolute (morph))
    cell->morphology_path = g_strdup (morph);
  else
    {
      g_autofree char *dir = g_path_get_dirname (path);
      cell->morphology_path = g_build_filename (dir, morph, NULL);
    }
  return TRUE;
}

/* "segmentation": a fixed number of compartments per branch (default 1),
 * or NEURON's d_lambda rule; not both. */
static gboolean
read_segmentation (JsonObject *root, NdCellFile *cell, GError **error)
{
  GError *local = NULL;
  JsonObject *seg = get_object (root, "segmentation", &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  cell->segmentation = (nd_segmentation) { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  if (seg && json_object_has_member (seg, "d_lambda"))
    {
      if (json_object_has_member (seg, "per_branch"))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“segmentation” gives both “per_branch” and “d_lambda”; choose one"));
          return FALSE;
        }
      cell->segmentation = (nd_segmentation) { .mode = ND_SEGMENT_D_LAMBDA, .d_lambda = 0.1, .freq_hz = 100.0 };
      if (!get_number (seg, "segmentation", "d_lambda", &cell->segmentation.d_lambda, 1e-4, 10.0, error)
          || !get_number (seg, "segmentation", "frequency_hz", &cell->segmentation.freq_hz, 1e-3, 1e6, error))
        return FALSE;
    }
  else if (seg)
    {
      double nseg = 1;
      if (!get_number (seg, "segmentation", "per_branch", &nseg, 1, 10000, error))
        return FALSE;
      if (nseg != floor (nseg))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“segmentation.per_branch” must be a whole number"));
          return FALSE;
        }
      cell->segmentation.nseg = (int) nseg;
    }
  return TRUE;
}

/* "passive": the membrane's and cytoplasm's constants, each with a default. */
static gboolean
read_passive (JsonObject *root, NdCellFile *cell, GError **error)
{
  GError *local = NULL;
  JsonObject *passive = get_object (root, "passive", &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  cell->membrane.cm = 1.0;
  cell->membrane.celsius = 36.0;
  cell->ra_ohm_cm = 100.0;
  cell->v_init_mV = -70.0;
  return get_number (passive, "passive", "cm_uF_cm2", &cell->membrane.cm, 1e-3, 100.0, error)
         && get_number (passive, "passive", "ra_ohm_cm", &cell->ra_ohm_cm, 1e-2, 1e6, error)
         && get_number (passive, "passive", "v_init_mV", &cell->v_init_mV, -200.0, 200.0, error)
         && get_number (passive, "passive", "celsius", &cell->membrane.celsius, -20.0, 60.0, error);
}

/* "channels": a list per region; a region without one gets the "all" list. */
static gboolean
read_channels (JsonObject *root, NdCellFile *cell, GError **error)
{
  GError *local = NULL;
  JsonObject *channels = get_object (root, "channels", &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!channels)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the cell file has no “channels”"));
      return FALSE;
    }
  nd_channel_density all[ND_MORPH_MAX_CHANNELS] = { 0 };
  int n_all = 0;
  gboolean have_all = json_object_has_member (channels, "all");
  if (have_all && !read_channel_list (json_object_get_member (channels, "all"), "all", all, &n_all, error))
    return FALSE;
  g_autoptr (GList) members = json_object_get_members (channels);
  for (GList *l = members; l; l = l->next)
    if (strcmp (l->data, "all") != 0 && nd_region_from_name (l->data) < 0)
      {
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                     "“channels” has an unknown region “%s” (use all, soma, axon, basal, apical or other)",
                     (const char *) l->data);
        return FALSE;
      }
  for (int r = 0; r < ND_N_REGIONS; r++)
    {
      const char *region = nd_region_name (r);
      if (json_object_has_member (channels, region))
        {
          if (!read_channel_list (json_object_get_member (channels, region), region, cell->membrane.channels[r],
                                  &cell->membrane.n_channels[r], error))
            return FALSE;
        }
      else
        {
          memcpy (cell->membrane.channels[r], all, sizeof all);
          cell->membrane.n_channels[r] = n_all;
        }
    }
  return TRUE;
}

/* "stimulus": the injection site, a section by name ("soma[0]") or number,
 * and the position along it. */
static gboolean
read_stimulus (JsonObject *root, NdCellFile *cell, GError **error)
{
  GError *local = NULL;
  JsonObject *stim = get_object (root, "stimulus", &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  double stim_section = 0;
  cell->stim_x = 0.5;
  if (stim && json_object_has_member (stim, "section")
      && JSON_NODE_HOLDS_VALUE (json_object_get_member (stim, "section"))
      && json_node_get_value_type (json_object_get_member (stim, "section")) == G_TYPE_STRING)
    cell->stim_section_name = g_strdup (json_object_get_string_member (stim, "section"));
  else if (!get_number (stim, "stimulus", "section", &stim_section, 0, 1e9, error))
    return FALSE;
  if (!get_number (stim, "stimulus", "x", &cell->stim_x, 0.0, 1.0, error))
    return FALSE;
  cell->stim_section = (int) stim_section;
  return TRUE;
}

/* "protocol" (optional): the current step simulated without a stimulus file. */
static gboolean
read_protocol (JsonObject *root, NdCellFile *cell, GError **error)
{
  GError *local = NULL;
  JsonObject *proto = get_object (root, "protocol", &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!proto)
    return TRUE;
  cell->has_protocol = TRUE;
  cell->duration_ms = 100.0;
  cell->dt_ms = 0.025;
  if (!get_number (proto, "protocol", "amplitude_pA", &cell->step_amplitude_pA, -1e6, 1e6, error)
      || !get_number (proto, "protocol", "start_ms", &cell->step_start_ms, 0, 1e7, error)
      || !get_number (proto, "protocol", "end_ms", &cell->step_end_ms, 0, 1e7, error)
      || !get_number (proto, "protocol", "duration_ms", &cell->duration_ms, 1e-3, 1e7, error)
      || !get_number (proto, "protocol", "dt_ms", &cell->dt_ms, 1e-5, 10.0, error))
    return FALSE;
  if (cell->step_end_ms < cell->step_start_ms)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the protocol's step ends (%g ms) before it starts (%g ms)"),
                   cell->step_end_ms, cell->step_start_ms);
      return FALSE;
    }
  /* Every sample is kept in memory (8 bytes per trace and sample): bounded before anything is allocated. */
  if (cell->duration_ms / cell->dt_ms > ND_CELL_MAX_SAMPLES)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("the protocol asks for %.3g samples (“duration_ms” %g / “dt_ms” %g); at most %.0e are "
                     "simulated: shorten the protocol or use a larger step"),
                   cell->duration_ms / cell->dt_ms, cell->duration_ms, cell->dt_ms, (double) ND_CELL_MAX_SAMPLES);
      return FALSE;
    }
  return TRUE;
}

/* Section by section, in the order they were always checked: a file with
 * several faults still reports the same one. */
static NdCellFile *
parse_cell (JsonObject *root, const char *path, GError **error)
{
  g_autoptr (NdCellFile) cell = g_new0 (NdCellFile, 1);
  if (!read_identity (root, path, cell, error) || !read_segmentation (root, cell, error)
      || !read_passive (root, cell, error) || !read_channels (root, cell, error)
      || !read_stimulus (root, cell, error) || !read_protocol (root, cell, error))
    return NULL;
  return g_steal_pointer (&cell);
}

NdCellFile *
nd_cell_file_parse (const char *text, gsize len, const char *path, GError **error)
{
  GError *local = NULL;
  g_autoptr (JsonNode) root = nd_json_parse (text, len, &local);
  NdCellFile *cell = NULL;
  if (root && !JSON_NODE_HOLDS_OBJECT (root))
    g_set_error (&local, ND_ERROR, ND_ERROR_FORMAT, _("this is not a Neurode cell file (no JSON object { … })"));
  else if (root)
    cell = parse_cell (json_node_get_object (root), path, &local);
  if (!cell)
    {
      g_set_error (error, local->domain, local->code, _("cell file “%s”: %s"), path, local->message);
      g_error_free (local);
    }
  return cell;
}

NdCellFile *
nd_cell_file_load (const char *path, GError **error)
{
  gsize len = 0;
  g_autofree char *text = nd_read_file_bounded (path, ND_JSON_MAX_BYTES, _("cell file"), &len, error);
  return text ? nd_cell_file_parse (text, len, path, error) : NULL;
}

void
nd_cell_free (NdCell *cell)
{
  if (!cell)
    return;
  nd_cable_free (cell->cable);
  nd_morph_free (cell->morph);
  g_free (cell);
}

NdCell *
nd_cell_build (const NdCellFile *file, GError **error)
{
  char err[ND_MORPH_ERROR_LEN] = "";
  nd_swc *swc = nd_swc_read_file (file->morphology_path, err, sizeof err);
  if (!swc)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("morphology “%s”: %s"), file->morphology_path, err);
      return NULL;
    }
  g_autoptr (NdCell) cell = g_new0 (NdCell, 1);
  cell->morph = nd_morph_from_swc (swc, err, sizeof err);
  nd_swc_free (swc);
  if (!cell->morph)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("morphology “%s”: %s"), file->morphology_path, err);
      return NULL;
    }
  cell->cable = nd_cable_new (cell->morph, &file->segmentation, file->ra_ohm_cm, file->membrane.cm, err, sizeof err);
  if (!cell->cable)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, "%s", err);
      return NULL;
    }
  int stim_section = file->stim_section;
  if (file->stim_section_name)
    {
      stim_section = nd_morph_find_section (cell->morph, file->stim_section_name);
      if (stim_section < 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                       "the stimulus is on section “%s”, which this morphology does not have "
                       "(names as in NEURON: soma[0], dend[3], apic[12], axon[0])", file->stim_section_name);
          return NULL;
        }
    }
  else if (stim_section >= cell->morph->n_sections)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the stimulus is on section %d, but the cell has sections 0 to %d"),
                   file->stim_section, cell->morph->n_sections - 1);
      return NULL;
    }
  cell->soma_node = nd_cable_node_at (cell->cable, 0, 0.5);
  cell->stim_node = nd_cable_node_at (cell->cable, stim_section, file->stim_x);
  return g_steal_pointer (&cell);
}
