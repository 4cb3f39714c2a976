/* cli-fit-project.c: the fit a .neurode project describes (cli-fit-project.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project's choices are turned into the options `neurode-cli fit MODEL REC` takes, so a project and
 * the same choices given by hand run one and the same fit.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cli-fit-project.h"
#include "cli.h"

/* "1,3,4" */
static char *
sweep_list (const GArray *sweeps)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < sweeps->len; i++)
    g_string_append_printf (s, "%s%u", i ? "," : "", g_array_index (sweeps, guint, i));
  return g_string_free (s, FALSE);
}

static void
fill_choices (const NdProjectFile *pf, const NdCliFitChoices *c)
{
  if (!*c->train && pf->train->len > 0)
    *c->train = sweep_list (pf->train);
  /* No validation sweeps: the command line's default, the sweeps not trained on, validate. */
  if (!*c->validate && pf->validate->len > 0)
    *c->validate = sweep_list (pf->validate);
  if (!*c->window && pf->window_end_ms > pf->window_start_ms)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
      *c->window = g_strdup_printf ("%s-%s", g_ascii_dtostr (a, sizeof a, pf->window_start_ms),
                                    g_ascii_dtostr (b, sizeof b, pf->window_end_ms));
    }
  const NdProjectRecording *r = pf->recording;
  if (!c->rec->stimulus)
    c->rec->stimulus = g_strdup (r->stimulus == ND_STIMULUS_PROTOCOL ? "protocol"
                                 : r->stimulus == ND_STIMULUS_SIGNAL && r->stimulus_signal ? r->stimulus_signal
                                                                                            : "none");
  if (isnan (c->rec->ljp_mv))
    c->rec->ljp_mv = r->ljp_mV;
}

/* The first of the places the window looks for `r` that exists, else NULL. */
static char *
find_recording (const NdProjectRecording *r, const char *project_path, char **looked_at)
{
  g_auto (GStrv) candidates = nd_project_recording_candidates (r, project_path);
  for (guint i = 0; candidates[i]; i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      return g_strdup (candidates[i]);
  *looked_at = candidates[0] ? g_strjoinv (_("” or “"), candidates) : g_strdup (r->path);
  return NULL;
}

NdProjectFile *
nd_cli_fit_project (const char *path, char **rec_path, char **with_path, const NdCliFitChoices *c)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_load (path, &error);
  if (!pf)
    {
      nd_cli_fail (1, "%s: %s", path, error->message);
      return NULL;
    }
  if (!pf->recording)
    {
      nd_cli_fail (1, _("the project “%s” has no recording: open one in it in Neurode, or give the model and the "
                        "recording (neurode-cli fit MODEL.json REC)"), path);
      return NULL;
    }
  /* Where the window looks for it: where it was, then beside the project. */
  g_autofree char *abs = g_canonicalize_filename (path, NULL), *list = NULL;
  if (!(*rec_path = find_recording (pf->recording, abs, &list)))
    {
      nd_cli_fail (1, _("the recording of the project “%s” was not found at “%s”: move it back, or give the model "
                        "and the recording (neurode-cli fit MODEL.json REC)"), path, list);
      return NULL;
    }
  if (pf->fitted_with && !*with_path && !(*with_path = find_recording (pf->fitted_with, abs, &list)))
    {
      nd_cli_fail (1, _("the recording the project “%s” fits together with its own was not found at “%s”: move it "
                        "back, or give it with --with"), path, list);
      return NULL;
    }
  fill_choices (pf, c);
  return g_steal_pointer (&pf);
}
