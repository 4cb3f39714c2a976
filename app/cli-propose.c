/* cli-propose.c: neurode-cli fit --ensemble N --propose (cli-propose.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-propose.h"

#include <errno.h>
#include <stdbool.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cli-output.h"
#include "cli.h"
#include "propose-fit.h"
#include "stimulus-file.h"

static const char *const next_outputs[] = { "proposal.txt", "stimulus.atf", "stimulus.csv", "predicted.csv", NULL };

static GString *
proposal_text (const nd_proposal *p, int n_p, int n_members, double noise, bool joint)
{
  GString *s = g_string_new (NULL);
  g_autofree char *best = nd_protocol_describe (&p[0].proto);
  g_string_append_printf (s, _("Record next: %s.\n"), best);
  /* Whole sentences for the translators, one per case (--with fits two recordings). */
  const char *fmt = joint ? _("The %d fits that explain both recordings equally well disagree most on it: the "
                              "variance between their predictions is %.3g times the noise variance (%.3g %s), "
                              "on average over its %.0f ms.\n")
                          : _("The %d fits that explain the recording equally well disagree most on it: the "
                              "variance between their predictions is %.3g times the noise variance (%.3g %s), "
                              "on average over its %.0f ms.\n");
  g_string_append_printf (s, fmt, n_members, p[0].score, noise, p[0].proto.mode == ND_PROPOSE_VC ? "pA" : "mV",
                          (double) (p[0].n - 1) * p[0].dt_ms);
  /* The window's caveat, in its words (nd-fit-view-next.c). */
  if (nd_proposal_hidden_by_noise (&p[0]))
    g_string_append_printf (s, "%s\n", _("Even on it the noise hides most of the difference: repeat it several times."));
  g_string_append_printf (s, _("stimulus.atf and stimulus.csv hold its stimulus (sampled every %g ms); "
                               "predicted.csv each fit’s prediction.\n\nRanked candidates:\n"), p[0].dt_ms);
  for (int k = 0; k < n_p; k++)
    {
      g_autofree char *d = nd_protocol_describe (&p[k].proto);
      g_string_append_printf (s, "%d. %s (%.3g)\n", k + 1, d, p[k].score);
    }
  return s;
}

static int
write_next (const nd_proposal *p, int n_p, int n_members, double noise, bool joint, const char *dir)
{
  g_autoptr (GError) error = NULL;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return nd_cli_fail (1, _("cannot create the folder “%s”: %s"), dir, g_strerror (errno));
  g_autofree char *desc = nd_protocol_describe (&p[0].proto);
  g_autoptr (GString) text = proposal_text (p, n_p, n_members, noise, joint);
  g_autoptr (GString) atf = nd_stimulus_atf (&p[0], desc);
  g_autoptr (GString) csv = nd_stimulus_csv (&p[0]);
  g_autoptr (GString) pred = nd_proposal_predicted_csv (&p[0]);
  if (!nd_cli_set_begin (dir, next_outputs, &error)
      || !nd_cli_set_write (dir, "proposal.txt", text->str, text->len, &error)
      || !nd_cli_set_write (dir, "stimulus.atf", atf->str, atf->len, &error)
      || !nd_cli_set_write (dir, "stimulus.csv", csv->str, csv->len, &error)
      || !nd_cli_set_write (dir, "predicted.csv", pred->str, pred->len, &error)
      || !nd_cli_set_commit (dir, "neurode-cli fit --propose", next_outputs, &error))
    return nd_cli_fail (1, "%s", error->message);
  printf (_("record next: %s\n"), desc);
  return 0;
}

int
nd_cli_propose (nd_model *const *members, int n_members, const NdFitData *data, const NdFitData *with,
                double noise_sd, double vc_noise_pA, const char *out_dir)
{
  if (n_members < 2)
    return nd_cli_fail (1, with ? _("--propose needs at least two fits that explain both recordings equally well "
                                    "(kept: %d); try a larger --ensemble")
                                : _("--propose needs at least two fits that explain the recording equally well "
                                    "(kept: %d); try a larger --ensemble"), n_members);
  /* As the window's Record Next asks (propose-fit.h). */
  nd_propose_options o;
  if (with)
    nd_propose_options_for_joint_fit (&o, data, with, members[0]->area_um2);
  else
    nd_propose_options_for_fit (&o, data, members[0]->area_um2, noise_sd);
  if (vc_noise_pA > 0.0)
    {
      o.modes |= ND_PROPOSE_VC;
      o.noise_pA = vc_noise_pA;
    }
  nd_proposal p[ND_CLI_PROPOSE_SHOWN];
  int n_p = nd_propose (members, n_members, &o, ND_CLI_PROPOSE_SHOWN, p);
  if (n_p <= 0)
    return nd_cli_fail (1, _("no candidate recording could be simulated with every kept fit"));
  g_autofree char *dir = g_build_filename (out_dir, ND_CLI_PROPOSE_DIR, NULL);
  int status = write_next (p, n_p, n_members, nd_propose_noise (&o, p[0].proto.mode), with != NULL, dir);
  for (int k = 0; k < n_p; k++)
    nd_proposal_clear (&p[k]);
  return status;
}
