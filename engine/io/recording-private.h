/* recording-private.h: what the format readers share with recording.c.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reader fills an NdRecording (shape, signals, metadata) and installs a
 * backend that reads sample ranges on demand. recording.c owns everything
 * else: accessors, the stimulus, the current-clamp view, decimation.
 */
#pragma once

#include <gio/gio.h>

#include "nd-error.h"
#include "recording.h"

G_BEGIN_DECLS

typedef struct {
  /* Samples [first, first+n) of (sweep, signal) in the signal's units. The
   * range has been checked against the sweep length already. */
  gboolean (*read) (const NdRecording *rec, gpointer data, guint sweep, guint signal,
                    gsize first, gsize n, double *out, GError **error);
  void (*destroy) (gpointer data);
} NdRecordingBackend;

/* One epoch of a protocol table, as the waveform editor shows it. */
typedef struct {
  NdEpochType type;
  double init_level, level_inc;
  gint64 init_duration, duration_inc;   /* samples */
  gint64 pulse_period, pulse_width;     /* samples */
  char letter;
  /* A user list replacing init_level + level_inc * sweep (or the duration):
   * value of sweep s is list[s % n] when `repeat`, else list[min(s, n-1)]. */
  const double *level_list, *duration_list;
  guint n_level_list, n_duration_list;
  gboolean level_list_repeat, duration_list_repeat;
} NdEpochDef;

struct _NdRecording {
  char *path;
  char *format, *version, *acquisition, *protocol, *comment;
  GString *notes;
  GStringChunk *strings;       /* names, units, tag texts */

  guint n_sweeps, n_signals;
  NdSignal *signals;
  double rate_hz;
  gsize *sweep_len;            /* per sweep */
  double *sweep_start_s;       /* per sweep */
  double *sweep_t0_ms;         /* per sweep */
  NdClampMode mode;
  GArray *tags;                /* NdTag */

  /* Stimulus as chosen. */
  NdStimulusSource stim_source;
  int stim_signal;
  char *stim_units, *stim_description;

  /* Protocol (epoch table) if the file has one. */
  gboolean has_protocol;
  char *proto_units, *proto_description;
  NdEpochDef *proto_epochs;    /* the table; segments are built per sweep on demand */
  guint n_proto_epochs;
  double *proto_lists;         /* owned copies of user-list values */
  double proto_holding;
  gboolean proto_keep_last, proto_episodic;
  /* A waveform played in place of the epochs (ABF: from a stimulus file),
   * the same for every sweep and the holding level after its end; NULL if none. */
  double *proto_waveform;
  gsize n_proto_waveform;

  /* Cell: the membrane capacitance the amplifier reported (pF, NAN if none)
   * and the liquid-junction potential subtracted from the membrane
   * potential of the current-clamp view (mV). */
  double membrane_cap_pF;
  double ljp_mV;

  const NdRecordingBackend *backend;
  gpointer backend_data;
};

/* Allocation and filling (readers). */
NdRecording *nd_recording_new (const char *path, const char *format);
void nd_recording_set_shape (NdRecording *rec, guint n_sweeps, guint n_signals, double rate_hz);
void nd_recording_set_signal (NdRecording *rec, guint i, const char *name, const char *units,
                              double scale, double offset);
void nd_recording_add_tag (NdRecording *rec, double time_s, const char *text);
void nd_recording_set_text (char **field, const char *value);
void nd_recording_set_backend (NdRecording *rec, const NdRecordingBackend *backend, gpointer data);

/* Builds per-sweep segments from an epoch table (the pre-sweep holding of
 * 1/64 of the sweep when `episodic`). `keep_last_level`: ABF's
 * nInterEpisodeLevel, the level after the last epoch carries on. */
void nd_recording_set_protocol (NdRecording *rec, const char *dac_name, const char *units,
                                double holding, gboolean keep_last_level, gboolean episodic,
                                const NdEpochDef *epochs, guint n_epochs);

/* After nd_recording_set_protocol: the protocol plays waveform[0..n) (copied)
 * in every sweep instead of its epochs; `source` names it in the description. */
void nd_recording_set_protocol_waveform (NdRecording *rec, const double *waveform, gsize n, const char *source);

/* Clamp mode from units: what is commanded (stimulus units, may be NULL)
 * and what is recorded. */
void nd_recording_infer_mode (NdRecording *rec, const char *command_units);
/* Picks the default stimulus: the protocol when it has epochs, else a
 * recorded command signal, else the protocol's holding level, else none. */
void nd_recording_choose_default_stimulus (NdRecording *rec);
/* A table of currents only, one named as injected ("i" of the engine's
 * i_pA, "stimulus", "I_inj", ...), is a current-clamp stimulus, e.g. for
 * `neurode-cli simulate` (text formats: CSV, ATF); otherwise currents alone
 * are voltage clamp. Call after nd_recording_choose_default_stimulus. */
void nd_recording_take_injected_current (NdRecording *rec);

/* A backend keeping every sweep x signal as doubles in memory (text formats).
 * Takes ownership of `columns` (n_sweeps * n_signals arrays, index
 * sweep * n_signals + signal, each g_malloc'd, sweep_len[sweep] long). */
void nd_recording_use_memory (NdRecording *rec, double **columns);

/* Readers. Each returns NULL with an ND_ERROR on failure. */
NdRecording *nd_recording_load_abf (const char *path, GError **error);
NdRecording *nd_recording_load_atf (const char *path, GError **error);
NdRecording *nd_recording_load_csv (const char *path, GError **error);
NdRecording *nd_recording_load_sndfile (const char *path, const NdLoadOptions *options,
                                        GError **error);

/* Parsers of in-memory bytes, for the fuzzers and the loaders. `name` is
 * what messages call the file. */
NdRecording *nd_recording_parse_abf (GBytes *bytes, const char *name, GError **error);
NdRecording *nd_recording_parse_atf (const char *text, gsize len, const char *name,
                                     GError **error);
NdRecording *nd_recording_parse_csv (const char *text, gsize len, const char *name,
                                     GError **error);
NdRecording *nd_recording_parse_sndfile (GBytes *bytes, const char *name,
                                         const NdLoadOptions *options, GError **error);

/* Reads a whole text file and parses it with `parse` (ATF, CSV), naming it by its base name. */
typedef NdRecording *(*NdTextParser) (const char *text, gsize len, const char *name, GError **error);
NdRecording *nd_recording_load_text (const char *path, NdTextParser parse, GError **error);

/* Text helpers shared by ATF and CSV. */
/* Splits "Vm (mV)" / "v_mV" / "time [s]" into name and units (either may be
 * empty); returns newly allocated strings. */
void nd_split_title_units (const char *title, char **name, char **units);

G_END_DECLS
