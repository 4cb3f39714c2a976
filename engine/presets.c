/* presets.c: the classic HH experiments (see presets.h), with the numbers that make each one work
 * on the classic compartment at 6.3 C (checked by tests/engine/test-presets.c).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "presets.h"

#include <string.h>

/* Marks a string for translation without GLib (xgettext's glib preset knows N_); the user
 * interface translates it. */
#define N_(s) (s)

/* A 1 ms pulse just above its threshold of about 7 uA/cm2. */
static void
threshold (nd_explore_params *p)
{
  p->t_stop = 40.0;
  p->delay = 5.0;
  p->width = 1.0;
  p->amplitude = 8.0;
}

/* Two 1 ms pulses at twice threshold; the second fails below about 13 ms. */
static void
refractory (nd_explore_params *p)
{
  p->protocol = ND_PROTOCOL_PAIR;
  p->t_stop = 50.0;
  p->delay = 5.0;
  p->width = 1.0;
  p->amplitude = 15.0;
  p->interval = 8.0;
}

static void
anode_break (nd_explore_params *p)
{
  p->t_stop = 60.0;
  p->delay = 10.0;
  p->width = 20.0;
  p->amplitude = -10.0;
}

/* A ramp to 8 uA/cm2 (3.5 times the long-step threshold of 2.3) over 180 ms. */
static void
accommodation (nd_explore_params *p)
{
  p->protocol = ND_PROTOCOL_RAMP;
  p->t_stop = 200.0;
  p->delay = 10.0;
  p->width = 180.0;
  p->amplitude = 8.0;
}

static void
repetitive (nd_explore_params *p)
{
  p->t_stop = 200.0;
  p->delay = 10.0;
  p->width = 180.0;
  p->amplitude = 10.0;
  p->fi_lo = 0.0;
  p->fi_hi = 20.0;
  p->fi_points = 81;
}

static void
voltage_clamp (nd_explore_params *p)
{
  p->clamp = ND_EXPLORE_VOLTAGE_CLAMP;
  p->t_stop = 30.0;
  p->delay = 5.0;
  p->width = 20.0;
  p->v_hold = -65.0;
  p->v_step = 0.0;
  p->iv_lo = -100.0;
  p->iv_hi = 50.0;
}

static void
depolarisation_block (nd_explore_params *p)
{
  p->t_stop = 200.0;
  p->delay = 10.0;
  p->width = 180.0;
  p->amplitude = 200.0;
  p->fi_lo = 0.0;
  p->fi_hi = 250.0;
  p->fi_points = 51;
}

static const nd_preset presets[] = {
  { "threshold", N_("Threshold and all-or-none spike"),
    N_("A brief current pulse charges the membrane. Below threshold the voltage returns to rest; "
       "above it the sodium current runs away and a full action potential follows."),
    N_("Move the amplitude across about 7 µA/cm²: the response jumps from a small bump to a full spike, "
       "and stronger pulses do not make the spike larger."),
    ND_PRESET_VIEW_TIME, threshold },
  { "refractory", N_("Refractory period"),
    N_("Two brief pulses, each well above threshold. After a spike the sodium channels stay "
       "inactivated (h low) and the potassium channels open (n high) for several milliseconds."),
    N_("Lengthen the interval: below about 13 ms the second pulse fails to fire a spike. "
       "Watch h recover in the gates plot."),
    ND_PRESET_VIEW_TIME, refractory },
  { "anode-break", N_("Anode-break excitation"),
    N_("A hyperpolarising current is held for 20 ms and then switched off. During it h recovers and "
       "n falls, so at release the membrane is more excitable than at rest."),
    N_("A spike fires right after the release, without any depolarising stimulus. "
       "In the phase plane, the trajectory starts from the hyperpolarised state."),
    ND_PRESET_VIEW_TIME, anode_break },
  { "accommodation", N_("Accommodation to a slow ramp"),
    N_("The current rises slowly to 8 µA/cm², far above the 2.3 µA/cm² that fires a spike as a step. "
       "Sodium inactivation and potassium activation keep pace with the slow depolarisation."),
    N_("No spike at all. Shorten the ramp’s width to make it steeper until the cell fires."),
    ND_PRESET_VIEW_TIME, accommodation },
  { "repetitive", N_("Repetitive firing and the f-I curve"),
    N_("A long step makes the cell fire repetitively. The f-I curve gives the steady firing rate "
       "for steps of each amplitude."),
    N_("Firing starts abruptly near 6.3 µA/cm² at about 50 Hz, not from zero: the classic model is a "
       "type II neuron."),
    ND_PRESET_VIEW_FI, repetitive },
  { "voltage-clamp", N_("Voltage clamp: sodium and potassium currents"),
    N_("The clamp holds the membrane at −65 mV and steps it to 0 mV; the current it injects equals the "
       "ionic current. Block sodium with TTX or potassium with TEA to separate the two."),
    N_("A brief inward (negative) sodium current, then a sustained outward (positive) potassium "
       "current."),
    ND_PRESET_VIEW_TIME, voltage_clamp },
  { "depolarisation-block", N_("Depolarisation block"),
    N_("A very strong sustained current holds the membrane so depolarised that the sodium channels "
       "stay inactivated and cannot recover between spikes."),
    N_("One spike at the onset, then the voltage settles near −40 mV: firing stops. Lower the "
       "amplitude to 40 µA/cm² and the cell fires again."),
    ND_PRESET_VIEW_TIME, depolarisation_block },
};

static const nd_preset *const preset_list[] = {
  &presets[0], &presets[1], &presets[2], &presets[3], &presets[4], &presets[5], &presets[6], NULL,
};

const nd_preset *const *
nd_presets (void)
{
  return preset_list;
}

const nd_preset *
nd_preset_lookup (const char *id)
{
  if (!id)
    return NULL;
  for (const nd_preset *const *p = preset_list; *p; p++)
    if (strcmp ((*p)->id, id) == 0)
      return *p;
  return NULL;
}

void
nd_preset_apply (const nd_preset *preset, nd_explore_params *p)
{
  nd_explore_params_init (p);
  preset->apply (p);
}
