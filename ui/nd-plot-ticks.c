/* nd-plot-ticks.c: tick positions and labels of linear and log axes.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-plot-ticks.h"

#include <math.h>

/* Steps between labels: 1, 2, 2.5 and 5 times a power of ten (2.5 gives −750, −500, −250, 0 where 2
 * would crowd and 5 leave two labels). */
static const double mantissas[] = { 1, 2, 2.5, 5 };

/* The smallest step of 1, 2 or 5 times a power of ten not below `raw`, so labels keep their spacing. */
static double
step_at_least (double raw)
{
  double p = pow (10, floor (log10 (raw)));
  double f = raw / p;
  return (f <= 1.0001 ? 1 : f <= 2.0001 ? 2 : f <= 5.0001 ? 5 : 10) * p;
}

/* The next nice step below `step`. */
static double
step_below (double step)
{
  double p = pow (10, floor (log10 (step) + 1e-9));
  double m = step / p;
  for (guint i = G_N_ELEMENTS (mantissas); i-- > 0;)
    if (mantissas[i] < m * 0.9999)
      return mantissas[i] * p;
  return 5 * p / 10;
}

/* A true minus sign, as typeset numbers have. */
static void
set_text (NdPlotTick *t, const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++)
    if (*s == '-')
      g_string_append (out, "\xe2\x88\x92");
    else
      g_string_append_c (out, *s);
  g_strlcpy (t->text, out->str, sizeof t->text);
  g_string_free (out, TRUE);
}

static void
add_tick (GArray *ticks, double v, gboolean labelled, const char *text)
{
  NdPlotTick t = { .v = v, .labelled = labelled };
  if (labelled)
    set_text (&t, text);
  g_array_append_val (ticks, t);
}

static guint
count_multiples (double lo, double hi, double step)
{
  return (guint) MAX (0, floor (hi / step + 1e-9) - ceil (lo / step - 1e-9) + 1);
}

static void
linear_ticks (GArray *ticks, double lo, double hi, double length_px, double spacing_px, double min_spacing_px,
              double *step_out)
{
  char buf[64];
  double span = hi - lo;
  double step = step_at_least (span / MAX (length_px / spacing_px, 1));
  /* Fewer than three labels: closer ones, as long as they have room. */
  while (count_multiples (lo, hi, step) < 3)
    {
      double smaller = step_below (step);
      if (smaller / span * length_px < min_spacing_px)
        break;
      step = smaller;
    }
  *step_out = step;
  /* Digits after the point that the step needs (2.5 needs one, 0.25 two). */
  int decimals = 0;
  while (decimals < 8 && fabs (step * pow (10, decimals) - round (step * pow (10, decimals))) > 1e-6 * step * pow (10, decimals))
    decimals++;
  for (double i = ceil (lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++)
    {
      double v = i * step;
      if (fabs (v) < 1e-9 * step)
        v = 0;
      if (fabs (v) >= 1e6 || decimals > 5)
        g_snprintf (buf, sizeof buf, "%g", v);
      else
        g_snprintf (buf, sizeof buf, "%.*f", decimals, v);
      add_tick (ticks, v, TRUE, buf);
    }
}

static void
log_ticks (GArray *ticks, double lo, double hi, double length_px, double spacing_px)
{
  char buf[64];
  double px_per_decade = length_px / MAX (hi - lo, 1e-9);
  int every = MAX (1, (int) ceil (spacing_px / px_per_decade));
  gboolean label_25 = px_per_decade >= 3.2 * spacing_px;
  gboolean minor = px_per_decade >= 30;
  for (int k = (int) floor (lo) - 1; k <= (int) ceil (hi); k++)
    for (int mant = 1; mant <= 9; mant++)
      {
        double v = k + log10 (mant);
        if (v < lo - 1e-9 || v > hi + 1e-9)
          continue;
        gboolean labelled = mant == 1 ? (k % every) == 0 : label_25 && (mant == 2 || mant == 5);
        if (!labelled && !(minor && every == 1) && mant != 1)
          continue;
        if (k >= -3 && k <= 3)
          g_snprintf (buf, sizeof buf, "%.*f", MAX (0, -k), mant * pow (10, k));
        else if (mant == 1)
          g_snprintf (buf, sizeof buf, "10#u%d#d", k);
        else
          g_snprintf (buf, sizeof buf, "%d×10#u%d#d", mant, k);
        add_tick (ticks, v, labelled, buf);
      }
}

GArray *
nd_plot_ticks (NdPlotScale scale, double a, double b, double length_px, double spacing_px, double min_spacing_px,
               double *step)
{
  GArray *ticks = g_array_new (FALSE, TRUE, sizeof (NdPlotTick));
  double lo = MIN (a, b), hi = MAX (a, b), unused;

  if (step == NULL)
    step = &unused;
  *step = 0;
  if (!isfinite (lo) || !isfinite (hi) || hi <= lo || length_px <= 0)
    return ticks;
  if (scale == ND_PLOT_SCALE_LINEAR)
    linear_ticks (ticks, lo, hi, length_px, spacing_px, MIN (min_spacing_px, spacing_px), step);
  else
    log_ticks (ticks, lo, hi, length_px, spacing_px);
  return ticks;
}

guint
nd_plot_ticks_n_labelled (GArray *ticks)
{
  guint n = 0;
  for (guint i = 0; i < ticks->len; i++)
    n += g_array_index (ticks, NdPlotTick, i).labelled;
  return n;
}
