/* icg-registry.c: one catalogue and one kind per catalogue channel for the whole process.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "icg-registry.h"

#include <glib/gi18n.h>
#include <string.h>

#include "data-dir.h"
#include "nd-error.h"

#define CATALOGUE_FILE "icg-catalogue.csv.gz"

typedef struct {
  nd_channel_kind *kind;
  char *icg_class, *channel;
  const NdIcgChannel *entry;
} Entry;

G_LOCK_DEFINE_STATIC (registry);
static NdIcgCatalogue *catalogue;
static GHashTable *kinds;      /* "class/channel" -> Entry* */
static GHashTable *by_kind;    /* nd_channel_kind* -> Entry* */

char *
nd_icg_catalogue_path (GError **error)
{
  const char *env = g_getenv ("ND_DATA_DIR");
  char *p = nd_data_find ("icg/" CATALOGUE_FILE);
  if (p)
    return p;
  g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
               _("The channel catalogue (%s) is not installed: looked in %s/icg and %s/icg; "
                 "set ND_DATA_DIR to the folder that holds icg/%s"),
               CATALOGUE_FILE, env && *env ? env : ND_PKGDATADIR, ND_SOURCE_DATADIR, CATALOGUE_FILE);
  return NULL;
}

static const NdIcgCatalogue *
shared_locked (GError **error)
{
  if (catalogue)
    return catalogue;
  g_autofree char *path = nd_icg_catalogue_path (error);
  if (!path)
    return NULL;
  catalogue = nd_icg_catalogue_load (path, error);
  return catalogue;
}

const NdIcgCatalogue *
nd_icg_catalogue_shared (GError **error)
{
  G_LOCK (registry);
  const NdIcgCatalogue *c = shared_locked (error);
  G_UNLOCK (registry);
  return c;
}

const nd_channel_kind *
nd_icg_kind_lookup (const char *icg_class, const char *channel, GError **error)
{
  if (!icg_class || !*icg_class || !channel || !*channel)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("a catalogue channel needs its class (“icg_class”, e.g. K) and file (“channel”, e.g. 143100_Kv4f.mod)"));
      return NULL;
    }
  g_autofree char *key = g_strdup_printf ("%s/%s", icg_class, channel);
  G_LOCK (registry);
  const nd_channel_kind *result = NULL;
  const NdIcgCatalogue *cat = shared_locked (error);
  if (!cat)
    goto out;
  if (!kinds)
    {
      kinds = g_hash_table_new (g_str_hash, g_str_equal);
      by_kind = g_hash_table_new (NULL, NULL);
    }
  Entry *e = g_hash_table_lookup (kinds, key);
  if (!e)
    {
      const NdIcgChannel *ch = nd_icg_catalogue_find (cat, icg_class, channel);
      if (!ch)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                       _("the channel “%s” (class %s) is not in the ICGenealogy catalogue"), channel, icg_class);
          goto out;
        }
      nd_channel_kind *kind = nd_icg_channel_make_kind (ch, error);
      if (!kind)
        goto out;
      e = g_new0 (Entry, 1);
      e->kind = kind;
      e->icg_class = g_strdup (ch->icg_class);
      e->channel = g_strdup (ch->channel);
      e->entry = ch;
      g_hash_table_insert (kinds, g_steal_pointer (&key), e);
      g_hash_table_insert (by_kind, kind, e);
    }
  result = e->kind;
out:
  G_UNLOCK (registry);
  return result;
}

gboolean
nd_icg_kind_source (const nd_channel_kind *kind, const char **icg_class, const char **channel,
                    const NdIcgChannel **entry)
{
  if (!kind || !kind->type || !g_str_has_prefix (kind->type, "icg:"))
    return FALSE;
  G_LOCK (registry);
  Entry *e = by_kind ? g_hash_table_lookup (by_kind, kind) : NULL;
  G_UNLOCK (registry);
  if (!e)
    return FALSE;
  if (icg_class)
    *icg_class = e->icg_class;
  if (channel)
    *channel = e->channel;
  if (entry)
    *entry = e->entry;
  return TRUE;
}
