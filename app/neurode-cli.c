/* neurode-cli.c: Neurode's engine without the window, for scripts and batch work.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "locale-dir.h"

/* Subcommands, in the order --help lists them. */
static const NdCliCommand commands[] = {
  { "info", N_("Describe a recording: format, mode, sweeps, signals, stimulus"), nd_cli_info },
  { "export", N_("Export sweeps of a recording to CSV"), nd_cli_export },
  { "passive", N_("Measure a cell’s resting potential, input resistance, time constant, capacitance, sag, rheobase and spikes"), nd_cli_passive },
  { "simulate", N_("Simulate a model under a recorded stimulus"), nd_cli_simulate },
  { "fit", N_("Fit the learned channels of a model to a recording"), nd_cli_fit },
  { "bench", N_("Print the engine’s speed figures"), nd_cli_bench },
  { "kinetics", N_("Print x_inf and tau of every gate of a model"), nd_cli_kinetics },
  { "nmodl", N_("Export every learned channel of a model as a NEURON mechanism (.mod)"), nd_cli_nmodl },
  { "morph-simulate", N_("Simulate a multicompartment cell (cell JSON + SWC)"), nd_cli_morph_simulate },
  { "reduce", N_("Reduce a multicompartment cell to its soma plus a learned current"), nd_cli_reduce },
  { "fit-curves", N_("Fit a learned gate to each tabulated x_inf/tau curve (ICGenealogy)"), nd_cli_fit_curves },
  { "batch", N_("Run many fits, reductions or simulations from a plan, here or on a Slurm cluster"), nd_cli_batch },
  { NULL, NULL, NULL }
};

int
nd_cli_fail (int status, const char *format, ...)
{
  va_list ap;
  fputs ("neurode-cli: ", stderr);
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
  return status;
}

static void
print_help (FILE *out)
{
  fprintf (out, _("Usage: neurode-cli COMMAND [OPTIONS…]\n\n"
                  "Hybrid biophysical neuron models: simulate, fit and inspect them without the window.\n\n"
                  "Commands:\n"));
  for (const NdCliCommand *c = commands; c->name; c++)
    fprintf (out, "  %-14s %s\n", c->name, _(c->summary));
  fprintf (out, _("\nOptions:\n"
                  "  -h, --help     Show this help\n"
                  "  --version      Show the version\n\n"
                  "Run “neurode-cli COMMAND --help” for a command’s options.\n"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in files and on stdout are always written with a dot. */
  setlocale (LC_NUMERIC, "C");
  bindtextdomain (GETTEXT_PACKAGE, nd_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_help (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("neurode-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (const NdCliCommand *c = commands; c->name; c++)
    if (strcmp (argv[1], c->name) == 0)
      return c->run (argc - 1, argv + 1);

  return nd_cli_fail (2, _("unknown command “%s”; see “neurode-cli --help”"), argv[1]);
}
