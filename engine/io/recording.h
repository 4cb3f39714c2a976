/* recording.h: one model for every electrophysiology recording Neurode opens.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recording is a grid of sweeps x signals. Every signal (an ADC channel, a
 * CSV column, an audio channel) has a name, units and, for integer data, the
 * scale from raw counts to those units. All sweeps share one sample rate.
 * Besides the recorded signals a recording may know its stimulus: the command
 * waveform per sweep, either rebuilt from the acquisition protocol (ABF epoch
 * table), or taken from a recorded signal (e.g. ABF "I_Com", a CSV "i_pA"
 * column). The caller may always choose another signal as the stimulus.
 *
 * Formats: ABF 1.x and 2.x (Axon), ATF 1.0 (Axon text), WAV/AIFF/FLAC (via
 * libsndfile) and CSV/TSV with a header row: the table in recording-formats.h.
 * nd_recording_load() sniffs the format from the file's first bytes, then the
 * extension.
 *
 * Samples are read on demand: binary formats are memory-mapped (ABF) or read
 * by seeking (audio, over a mapped file), so a 20-minute gap-free recording never has to sit in
 * memory as doubles. Text formats are parsed once into memory.
 *
 * Units: voltage signals are usually mV and currents pA, but the model keeps
 * the file's own units; nd_units_parse() gives the factors. The current-clamp helper
 * nd_recording_get_cc_sweep() always returns t in ms, V in mV and I in pA.
 *
 * Thread safety: a loaded NdRecording may be read from several threads at
 * once; changing the stimulus choice is not thread-safe.
 *
 * Typical use (what `neurode-cli simulate/fit` need):
 *
 *   g_autoptr (GError) error = NULL;
 *   NdRecording *rec = nd_recording_load (path, &error);
 *   if (!rec) { report error->message; }
 *   for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
 *     {
 *       NdSweepTrace tr;
 *       if (!nd_recording_get_cc_sweep (rec, s, &tr, &error)) { ... }
 *       use tr.n, tr.t_ms[k], tr.v_mV[k], tr.i_pA[k];
 *       nd_sweep_trace_clear (&tr);
 *     }
 *   nd_recording_free (rec);
 *
 * A stimulus-only table (`t_ms,i_pA[,sweep]`, for simulate) has no membrane
 * potential: use nd_recording_get_stimulus_sweep(), which leaves v_mV NULL.
 * A voltage-clamp recording (ABF/ATF in voltage clamp, or a table with a
 * command `v_cmd_mV` and a current `i_pA`) is read through
 * nd_recording_get_vc_sweep(): command in mV, current in pA.
 * CSV column titles: `t_ms`, `v_mV`, `i_pA`, `sweep` in any order, or any
 * "NAME (UNITS)" / "NAME [UNITS]" / "NAME_UNITS" title (time in s or ms,
 * potentials in V/mV/µV, currents in A/nA/pA are converted by the views).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ND_CLAMP_UNKNOWN = 0,
  ND_CLAMP_CURRENT,   /* membrane potential recorded, current injected */
  ND_CLAMP_VOLTAGE,   /* current recorded, potential commanded */
} NdClampMode;

/* What a unit string measures. */
typedef enum {
  ND_QUANTITY_UNKNOWN = 0,
  ND_QUANTITY_VOLTAGE,  /* canonical unit: mV */
  ND_QUANTITY_CURRENT,  /* canonical unit: pA */
  ND_QUANTITY_TIME,     /* canonical unit: ms */
} NdQuantity;

/* Where the stimulus of each sweep comes from. */
typedef enum {
  ND_STIMULUS_NONE = 0,
  ND_STIMULUS_PROTOCOL,  /* rebuilt from the file's epoch table */
  ND_STIMULUS_SIGNAL,    /* one of the recorded signals */
} NdStimulusSource;

/* Epoch types of the Axon waveform editor (values as stored in ABF files). */
typedef enum {
  ND_EPOCH_OFF = 0,
  ND_EPOCH_STEP = 1,
  ND_EPOCH_RAMP = 2,
  ND_EPOCH_PULSE = 3,
} NdEpochType;

/* One piece of a reconstructed protocol sweep: samples [start, end). A ramp
 * runs linearly from level_from (first sample) to level (last sample); a step
 * holds `level`; a pulse train sits at level_from with pulses of `level`,
 * pulse_width samples long, every pulse_period samples. The first segment of
 * an episodic sweep is the holding segment (1/64 of the sweep), the last one
 * the holding level after the last epoch. */
typedef struct {
  gsize start, end;
  NdEpochType type;
  double level_from;
  double level;
  gsize pulse_period, pulse_width;
  char epoch;   /* 'A', 'B', ... for epochs of the table; 0 for holding */
} NdEpochSegment;

typedef struct {
  const char *name;     /* as in the file, e.g. "IN 0", "Potential", "v" */
  const char *units;    /* as in the file, e.g. "mV", "pA"; "" if none */
  double scale;         /* units per raw count (1 for float or text data) */
  double offset;        /* units added after scaling */
} NdSignal;

typedef struct {
  double time_s;        /* from the start of the recording */
  const char *text;
} NdTag;

/* Options for formats whose files do not say everything (audio). Start from
 * nd_load_options_init(), which sets the documented defaults. */
typedef struct {
  /* Audio: millivolts that a full-scale sample (+1.0) stands for. Default
   * 1000 mV: the sound card's input read as volts. */
  double audio_mV_per_full_scale;
  /* Audio: the channel (0-based) that carries the stimulus current, or -1
   * (default) for none: every channel is then a voltage signal. */
  int audio_stimulus_channel;
  /* Audio: picoamperes per full-scale sample on the stimulus channel.
   * Default 1000 pA. */
  double audio_pA_per_full_scale;
} NdLoadOptions;

void nd_load_options_init (NdLoadOptions *options);

#define ND_AUDIO_DEFAULT_MV_PER_FULL_SCALE 1000.0
#define ND_AUDIO_DEFAULT_PA_PER_FULL_SCALE 1000.0

typedef struct _NdRecording NdRecording;

/* Loading. The error (domain ND_ERROR) says what is wrong in the user's words. */
NdRecording *nd_recording_load (const char *path, GError **error);
NdRecording *nd_recording_load_with_options (const char *path, const NdLoadOptions *options,
                                             GError **error);
void nd_recording_free (NdRecording *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdRecording, nd_recording_free)

/* What the file is. */
const char *nd_recording_path (const NdRecording *rec);
const char *nd_recording_format (const NdRecording *rec);   /* "ABF1", "ABF2", "ATF", "WAV", "AIFF", "FLAC", "CSV" */
const char *nd_recording_version (const NdRecording *rec);  /* e.g. "2.9.0.0"; "" if the format has none */
const char *nd_recording_acquisition (const NdRecording *rec); /* "episodic", "gap-free", "fixed-length", ...
                                                                  (English, marked N_: show it through _()) */
const char *nd_recording_protocol (const NdRecording *rec); /* protocol name, "" if none */
const char *nd_recording_comment (const NdRecording *rec);  /* file comment, "" if none */
/* Free-text notes about assumptions the reader made (e.g. audio scales). */
const char *nd_recording_notes (const NdRecording *rec);

/* Shape. */
guint nd_recording_n_sweeps (const NdRecording *rec);
guint nd_recording_n_signals (const NdRecording *rec);
const NdSignal *nd_recording_signal (const NdRecording *rec, guint signal);
/* -1 if no signal has that name. */
int nd_recording_find_signal (const NdRecording *rec, const char *name);
double nd_recording_sample_rate_hz (const NdRecording *rec);
gsize nd_recording_sweep_length (const NdRecording *rec, guint sweep);   /* points */
gsize nd_recording_max_sweep_length (const NdRecording *rec);
double nd_recording_sweep_start_s (const NdRecording *rec, guint sweep); /* from recording start */
/* Time of a sweep's first sample relative to the sweep (0 for most formats;
 * CSV keeps the first value of its time column). In ms. */
double nd_recording_sweep_t0_ms (const NdRecording *rec, guint sweep);
NdClampMode nd_recording_clamp_mode (const NdRecording *rec);
const char *nd_clamp_mode_name (NdClampMode mode);  /* "current_clamp", "voltage_clamp", "unknown" */

guint nd_recording_n_tags (const NdRecording *rec);
const NdTag *nd_recording_tag (const NdRecording *rec, guint i);

/* Samples [first, first + n) of one sweep and signal, in the signal's units.
 * Reads only that range from disk. */
gboolean nd_recording_read (const NdRecording *rec, guint sweep, guint signal,
                            gsize first, gsize n, double *out, GError **error);
/* A whole sweep of one signal, newly allocated (g_free); *n_out = its length. */
double *nd_recording_get_sweep (const NdRecording *rec, guint sweep, guint signal,
                                gsize *n_out, GError **error);

/* Stimulus. */
NdStimulusSource nd_recording_stimulus_source (const NdRecording *rec);
/* The signal used as stimulus when the source is ND_STIMULUS_SIGNAL, else -1. */
int nd_recording_stimulus_signal (const NdRecording *rec);
const char *nd_recording_stimulus_units (const NdRecording *rec);   /* "" if none */
/* One line for people, e.g. "protocol “IV”, DAC 0: epoch B step -120 pA
 * (+60 pA per sweep) ...", or "recorded signal “I_Com” (pA)". */
const char *nd_recording_stimulus_description (const NdRecording *rec);
/* Choose the stimulus: a recorded signal, the protocol (if the file has
 * one) or none. Fails with a clear error when the choice is impossible. */
gboolean nd_recording_set_stimulus (NdRecording *rec, NdStimulusSource source, int signal,
                                    GError **error);
/* TRUE when the file carries an epoch table that can be rebuilt. */
gboolean nd_recording_has_protocol (const NdRecording *rec);
gboolean nd_recording_read_stimulus (const NdRecording *rec, guint sweep,
                                     gsize first, gsize n, double *out, GError **error);
double *nd_recording_get_stimulus (const NdRecording *rec, guint sweep, gsize *n_out,
                                   GError **error);
/* The protocol segments of one sweep, written to `out`; returns how many
 * (0 without a protocol). Built on demand from the epoch table. */
#define ND_PROTOCOL_MAX_SEGMENTS 66
gsize nd_recording_protocol_segments (const NdRecording *rec, guint sweep,
                                      NdEpochSegment out[ND_PROTOCOL_MAX_SEGMENTS]);

/* Current-clamp view of one sweep: t in ms (from the sweep start), the
 * membrane potential in mV (the first voltage signal, corrected for the
 * liquid-junction potential: V - nd_recording_get_ljp()) and the injected
 * current in pA (the stimulus). Fails clearly when the recording has no
 * voltage signal or no current stimulus. */
typedef struct {
  gsize n;
  double *t_ms;
  double *v_mV;
  double *i_pA;
} NdSweepTrace;
gboolean nd_recording_get_cc_sweep (const NdRecording *rec, guint sweep, NdSweepTrace *out,
                                    GError **error);
/* The same, with the membrane potential optional: v_mV is NULL when no
 * signal is a voltage, e.g. a stimulus-only table `t_ms,i_pA[,sweep]` given
 * to `neurode-cli simulate`. */
gboolean nd_recording_get_stimulus_sweep (const NdRecording *rec, guint sweep, NdSweepTrace *out,
                                          GError **error);
void nd_sweep_trace_clear (NdSweepTrace *trace);

/* Voltage-clamp view of one sweep: t in ms (from the sweep start), the
 * command potential in mV (the stimulus: the protocol or a recorded command
 * signal, corrected for the liquid-junction potential as the current-clamp
 * view is: the membrane sees V_cmd - ljp) and the membrane current in pA
 * (the first current signal, outward positive). Fails clearly when the
 * stimulus is not a potential or no signal is a current. */
typedef struct {
  gsize n;
  double *t_ms;
  double *v_cmd_mV;
  double *i_pA;
} NdClampTrace;
/* Whether the sweeps are read as voltage clamp (nd_recording_get_vc_sweep):
 * the stimulus is a potential (the command), or, with no stimulus chosen,
 * the recording's mode is voltage clamp. */
gboolean nd_recording_is_voltage_clamp (const NdRecording *rec);
gboolean nd_recording_get_vc_sweep (const NdRecording *rec, guint sweep, NdClampTrace *out, GError **error);
/* The same with the current optional: i_pA is NULL when no signal is a
 * current, e.g. a command table `t_ms,v_cmd_mV[,sweep]` given to
 * `neurode-cli simulate`. */
gboolean nd_recording_get_command_sweep (const NdRecording *rec, guint sweep, NdClampTrace *out, GError **error);
void nd_clamp_trace_clear (NdClampTrace *trace);

/* The liquid-junction potential (mV, default 0) of the recording's
 * solutions: the current-clamp view above gives V_recorded - ljp_mV, so the
 * cell properties and every fit see the corrected membrane potential. The
 * raw reads (nd_recording_read, nd_recording_minmax) stay as recorded.
 * Setting it is not thread-safe (like the stimulus choice); NaN counts as 0. */
void nd_recording_set_ljp (NdRecording *rec, double ljp_mV);
double nd_recording_get_ljp (const NdRecording *rec);

/* The membrane capacitance (pF) the amplifier's telegraph wrote into the
 * file (ABF fTelegraphMembraneCap, the whole-cell compensation dial), or NAN
 * when the file has none or an implausible one (below 1 pF). */
double nd_recording_membrane_capacitance_pF (const NdRecording *rec);

/* Display decimation: splits samples [first, first + n) of a sweep into
 * n_bins consecutive bins and writes each bin's min and max (the classic
 * two-points-per-pixel-column reduction). Reads the data in chunks, so it
 * works on gap-free recordings of any length. */
gboolean nd_recording_minmax (const NdRecording *rec, guint sweep, guint signal,
                              gsize first, gsize n, gsize n_bins,
                              double *mins, double *maxs, GError **error);

/* Units. Parses "mV", "uV", "µV", "V", "pA", "nA", "A", "ms", "s", ... and
 * returns what they measure and the factor that converts a value in these
 * units to the canonical unit (mV, pA, ms). ND_QUANTITY_UNKNOWN and factor 1
 * for anything else. */
NdQuantity nd_units_parse (const char *units, double *factor_to_canonical);

G_END_DECLS
