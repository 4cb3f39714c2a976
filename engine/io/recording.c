/* recording.c: the recording model shared by every format reader.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "recording-formats.h"
#include "recording-private.h"

NdRecording *
nd_recording_new (const char *path, const char *format)
{
  NdRecording *rec = g_new0 (NdRecording, 1);
  rec->path = g_strdup (path ? path : "");
  rec->format = g_strdup (format);
  rec->version = g_strdup ("");
  rec->acquisition = g_strdup ("");
  rec->protocol = g_strdup ("");
  rec->comment = g_strdup ("");
  rec->notes = g_string_new (NULL);
  rec->strings = g_string_chunk_new (256);
  rec->tags = g_array_new (FALSE, TRUE, sizeof (NdTag));
  rec->stim_signal = -1;
  rec->membrane_cap_pF = NAN;
  rec->stim_units = g_strdup ("");
  rec->stim_description = g_strdup (_("none"));
  rec->proto_units = g_strdup ("");
  rec->proto_description = g_strdup ("");
  return rec;
}

void
nd_recording_set_text (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value ? value : "");
}

NdRecording *
nd_recording_load_text (const char *path, NdTextParser parse, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Could not read “%s”: %s"), path, local->message);
      return NULL;
    }
  g_autofree char *base = g_path_get_basename (path);
  NdRecording *rec = parse (text, len, base, error);
  if (rec)
    nd_recording_set_text (&rec->path, path);
  return rec;
}

void
nd_recording_set_shape (NdRecording *rec, guint n_sweeps, guint n_signals, double rate_hz)
{
  g_return_if_fail (rec->signals == NULL);
  rec->n_sweeps = n_sweeps;
  rec->n_signals = n_signals;
  rec->rate_hz = rate_hz;
  rec->signals = g_new0 (NdSignal, MAX (n_signals, 1));
  rec->sweep_len = g_new0 (gsize, MAX (n_sweeps, 1));
  rec->sweep_start_s = g_new0 (double, MAX (n_sweeps, 1));
  rec->sweep_t0_ms = g_new0 (double, MAX (n_sweeps, 1));
  for (guint i = 0; i < n_signals; i++)
    nd_recording_set_signal (rec, i, "", "", 1.0, 0.0);
}

void
nd_recording_set_signal (NdRecording *rec, guint i, const char *name, const char *units,
                         double scale, double offset)
{
  g_return_if_fail (i < rec->n_signals);
  rec->signals[i].name = g_string_chunk_insert_const (rec->strings, name ? name : "");
  rec->signals[i].units = g_string_chunk_insert_const (rec->strings, units ? units : "");
  rec->signals[i].scale = scale;
  rec->signals[i].offset = offset;
}

void
nd_recording_add_tag (NdRecording *rec, double time_s, const char *text)
{
  NdTag tag = { time_s, g_string_chunk_insert (rec->strings, text ? text : "") };
  g_array_append_val (rec->tags, tag);
}

void
nd_recording_set_backend (NdRecording *rec, const NdRecordingBackend *backend, gpointer data)
{
  rec->backend = backend;
  rec->backend_data = data;
}

static void
free_protocol (NdRecording *rec)
{
  g_clear_pointer (&rec->proto_epochs, g_free);
  g_clear_pointer (&rec->proto_lists, g_free);
  g_clear_pointer (&rec->proto_waveform, g_free);
  rec->n_proto_epochs = 0;
  rec->n_proto_waveform = 0;
}

void
nd_recording_free (NdRecording *rec)
{
  if (!rec)
    return;
  if (rec->backend && rec->backend->destroy)
    rec->backend->destroy (rec->backend_data);
  free_protocol (rec);
  g_free (rec->path);
  g_free (rec->format);
  g_free (rec->version);
  g_free (rec->acquisition);
  g_free (rec->protocol);
  g_free (rec->comment);
  g_string_free (rec->notes, TRUE);
  g_string_chunk_free (rec->strings);
  g_array_unref (rec->tags);
  g_free (rec->signals);
  g_free (rec->sweep_len);
  g_free (rec->sweep_start_s);
  g_free (rec->sweep_t0_ms);
  g_free (rec->stim_units);
  g_free (rec->stim_description);
  g_free (rec->proto_units);
  g_free (rec->proto_description);
  g_free (rec);
}

void
nd_load_options_init (NdLoadOptions *options)
{
  options->audio_mV_per_full_scale = ND_AUDIO_DEFAULT_MV_PER_FULL_SCALE;
  options->audio_stimulus_channel = -1;
  options->audio_pA_per_full_scale = ND_AUDIO_DEFAULT_PA_PER_FULL_SCALE;
}

/* ---- Accessors ---------------------------------------------------------- */

const char *nd_recording_path (const NdRecording *rec) { return rec->path; }
const char *nd_recording_format (const NdRecording *rec) { return rec->format; }
const char *nd_recording_version (const NdRecording *rec) { return rec->version; }
const char *nd_recording_acquisition (const NdRecording *rec) { return rec->acquisition; }
const char *nd_recording_protocol (const NdRecording *rec) { return rec->protocol; }
const char *nd_recording_comment (const NdRecording *rec) { return rec->comment; }
const char *nd_recording_notes (const NdRecording *rec) { return rec->notes->str; }
guint nd_recording_n_sweeps (const NdRecording *rec) { return rec->n_sweeps; }
guint nd_recording_n_signals (const NdRecording *rec) { return rec->n_signals; }
double nd_recording_sample_rate_hz (const NdRecording *rec) { return rec->rate_hz; }
NdClampMode nd_recording_clamp_mode (const NdRecording *rec) { return rec->mode; }
guint nd_recording_n_tags (const NdRecording *rec) { return rec->tags->len; }
NdStimulusSource nd_recording_stimulus_source (const NdRecording *rec) { return rec->stim_source; }
int nd_recording_stimulus_signal (const NdRecording *rec) { return rec->stim_signal; }
const char *nd_recording_stimulus_units (const NdRecording *rec) { return rec->stim_units; }
const char *nd_recording_stimulus_description (const NdRecording *rec) { return rec->stim_description; }
gboolean nd_recording_has_protocol (const NdRecording *rec) { return rec->has_protocol; }
double nd_recording_membrane_capacitance_pF (const NdRecording *rec) { return rec->membrane_cap_pF; }
double nd_recording_get_ljp (const NdRecording *rec) { return rec->ljp_mV; }

void
nd_recording_set_ljp (NdRecording *rec, double ljp_mV)
{
  rec->ljp_mV = isfinite (ljp_mV) ? ljp_mV : 0.0;
}

const NdSignal *
nd_recording_signal (const NdRecording *rec, guint signal)
{
  g_return_val_if_fail (signal < rec->n_signals, NULL);
  return &rec->signals[signal];
}

int
nd_recording_find_signal (const NdRecording *rec, const char *name)
{
  for (guint i = 0; i < rec->n_signals; i++)
    if (g_strcmp0 (rec->signals[i].name, name) == 0)
      return (int) i;
  return -1;
}

gsize
nd_recording_sweep_length (const NdRecording *rec, guint sweep)
{
  g_return_val_if_fail (sweep < rec->n_sweeps, 0);
  return rec->sweep_len[sweep];
}

gsize
nd_recording_max_sweep_length (const NdRecording *rec)
{
  gsize m = 0;
  for (guint s = 0; s < rec->n_sweeps; s++)
    m = MAX (m, rec->sweep_len[s]);
  return m;
}

double
nd_recording_sweep_start_s (const NdRecording *rec, guint sweep)
{
  g_return_val_if_fail (sweep < rec->n_sweeps, 0.0);
  return rec->sweep_start_s[sweep];
}

double
nd_recording_sweep_t0_ms (const NdRecording *rec, guint sweep)
{
  g_return_val_if_fail (sweep < rec->n_sweeps, 0.0);
  return rec->sweep_t0_ms[sweep];
}

const NdTag *
nd_recording_tag (const NdRecording *rec, guint i)
{
  g_return_val_if_fail (i < rec->tags->len, NULL);
  return &g_array_index (rec->tags, NdTag, i);
}

const char *
nd_clamp_mode_name (NdClampMode mode)
{
  switch (mode)
    {
    case ND_CLAMP_CURRENT: return "current_clamp";
    case ND_CLAMP_VOLTAGE: return "voltage_clamp";
    case ND_CLAMP_UNKNOWN:
    default: return "unknown";
    }
}

/* ---- Samples ------------------------------------------------------------ */

static gboolean
check_range (const NdRecording *rec, guint sweep, gsize first, gsize n, GError **error)
{
  if (sweep >= rec->n_sweeps)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("Sweep %u does not exist: the recording has %u sweeps (0 to %u)."),
                   sweep, rec->n_sweeps, rec->n_sweeps ? rec->n_sweeps - 1 : 0);
      return FALSE;
    }
  if (first > rec->sweep_len[sweep] || n > rec->sweep_len[sweep] - first)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("Samples %zu to %zu are outside sweep %u, "
                     "which has %zu samples."),
                   first, first + n, sweep, rec->sweep_len[sweep]);
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_recording_read (const NdRecording *rec, guint sweep, guint signal,
                   gsize first, gsize n, double *out, GError **error)
{
  if (signal >= rec->n_signals)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("Signal %u does not exist: the recording has %u signals."),
                   signal, rec->n_signals);
      return FALSE;
    }
  if (!check_range (rec, sweep, first, n, error))
    return FALSE;
  if (n == 0)
    return TRUE;
  return rec->backend->read (rec, rec->backend_data, sweep, signal, first, n, out, error);
}

double *
nd_recording_get_sweep (const NdRecording *rec, guint sweep, guint signal,
                        gsize *n_out, GError **error)
{
  if (sweep >= rec->n_sweeps)
    {
      check_range (rec, sweep, 0, 0, error);
      return NULL;
    }
  gsize n = rec->sweep_len[sweep];
  double *out = g_new (double, MAX (n, 1));
  if (!nd_recording_read (rec, sweep, signal, 0, n, out, error))
    {
      g_free (out);
      return NULL;
    }
  if (n_out)
    *n_out = n;
  return out;
}

/* Memory backend: text formats. */
typedef struct {
  double **columns;
  gsize n_columns;
} MemoryData;

static gboolean
memory_read (const NdRecording *rec, gpointer data, guint sweep, guint signal,
             gsize first, gsize n, double *out, GError **error)
{
  MemoryData *m = data;
  memcpy (out, m->columns[(gsize) sweep * rec->n_signals + signal] + first, n * sizeof (double));
  return TRUE;
}

static void
memory_destroy (gpointer data)
{
  MemoryData *m = data;
  for (gsize i = 0; i < m->n_columns; i++)
    g_free (m->columns[i]);
  g_free (m->columns);
  g_free (m);
}

static const NdRecordingBackend memory_backend = { memory_read, memory_destroy };

void
nd_recording_use_memory (NdRecording *rec, double **columns)
{
  MemoryData *m = g_new0 (MemoryData, 1);
  m->columns = columns;
  m->n_columns = (gsize) rec->n_sweeps * rec->n_signals;
  nd_recording_set_backend (rec, &memory_backend, m);
}

/* ---- Units -------------------------------------------------------------- */

NdQuantity
nd_units_parse (const char *units, double *factor_to_canonical)
{
  double f = 1.0;
  NdQuantity q = ND_QUANTITY_UNKNOWN;
  if (factor_to_canonical)
    *factor_to_canonical = 1.0;
  if (!units)
    return q;

  g_autofree char *u = g_strstrip (g_strdup (units));
  const char *p = u;
  size_t len = strlen (p);
  if (len == 0 || len > 8)
    return q;

  /* Base unit is the last character; everything before it a prefix. */
  char base = p[len - 1];
  const char *prefix = p;
  size_t plen = len - 1;
  if (len >= 3 && g_str_has_suffix (p, "sec"))
    {
      base = 's';
      plen = len - 3;
    }
  int pe;   /* power of ten of the prefix */
  if (plen == 0)
    pe = 0;
  else if (plen == 1 && prefix[0] == 'm')
    pe = -3;
  else if (plen == 1 && prefix[0] == 'u')
    pe = -6;
  else if ((plen == 2 && strncmp (prefix, "\xc2\xb5", 2) == 0) ||   /* µ micro sign */
           (plen == 2 && strncmp (prefix, "\xce\xbc", 2) == 0))     /* μ greek mu */
    pe = -6;
  else if (plen == 1 && prefix[0] == 'n')
    pe = -9;
  else if (plen == 1 && prefix[0] == 'p')
    pe = -12;
  else if (plen == 1 && prefix[0] == 'f')
    pe = -15;
  else if (plen == 1 && prefix[0] == 'k')
    pe = 3;
  else
    return q;

  int ce;   /* power of ten of the canonical unit */
  switch (base)
    {
    case 'V': q = ND_QUANTITY_VOLTAGE; ce = -3; break;
    case 'A': q = ND_QUANTITY_CURRENT; ce = -12; break;
    case 's': q = ND_QUANTITY_TIME; ce = -3; break;
    default: return ND_QUANTITY_UNKNOWN;
    }
  /* Exact powers of ten: 1e3 for nA -> pA, not 1e-9 / 1e-12. */
  f = pe - ce >= 0 ? pow (10.0, pe - ce) : 1.0 / pow (10.0, ce - pe);
  if (factor_to_canonical)
    *factor_to_canonical = f;
  return q;
}

static NdQuantity
signal_quantity (const NdRecording *rec, guint i)
{
  return nd_units_parse (rec->signals[i].units, NULL);
}

/* ---- Clamp mode and stimulus choice ------------------------------------- */

/* The first voltage signal named as a command ("cmd", "command", "com"), or -1. */
static int
command_named_voltage (const NdRecording *rec)
{
  for (guint i = 0; i < rec->n_signals; i++)
    if (signal_quantity (rec, i) == ND_QUANTITY_VOLTAGE)
      {
        g_autofree char *n = g_ascii_strdown (rec->signals[i].name, -1);
        if (strstr (n, "cmd") || strstr (n, "command") || strstr (n, "com"))
          return (int) i;
      }
  return -1;
}

void
nd_recording_infer_mode (NdRecording *rec, const char *command_units)
{
  gboolean any_v = FALSE, any_i = FALSE;
  for (guint i = 0; i < rec->n_signals; i++)
    {
      NdQuantity q = signal_quantity (rec, i);
      any_v |= q == ND_QUANTITY_VOLTAGE;
      any_i |= q == ND_QUANTITY_CURRENT;
    }
  /* The command's units decide when they agree with what is recorded:
   * amplifier telegraphs (nTelegraphMode) are not reliable across rigs. */
  NdQuantity cq = nd_units_parse (command_units, NULL);
  if (cq == ND_QUANTITY_CURRENT && any_v)
    rec->mode = ND_CLAMP_CURRENT;
  else if (cq == ND_QUANTITY_VOLTAGE && any_i)
    rec->mode = ND_CLAMP_VOLTAGE;
  else if (cq == ND_QUANTITY_UNKNOWN && any_v && any_i)
    {
      /* Text tables name no command. A potential and a current side by side
       * is current clamp, unless the potential is named as a command. */
      rec->mode = command_named_voltage (rec) >= 0 ? ND_CLAMP_VOLTAGE : ND_CLAMP_CURRENT;
    }
  else if (cq == ND_QUANTITY_UNKNOWN && any_v && command_named_voltage (rec) >= 0)
    rec->mode = ND_CLAMP_VOLTAGE;   /* a command table for a simulation, `t_ms,v_cmd_mV` */
  else if (rec->n_signals > 0 && signal_quantity (rec, 0) == ND_QUANTITY_VOLTAGE)
    rec->mode = ND_CLAMP_CURRENT;
  else if (rec->n_signals > 0 && signal_quantity (rec, 0) == ND_QUANTITY_CURRENT)
    rec->mode = ND_CLAMP_VOLTAGE;
  else if (cq == ND_QUANTITY_CURRENT)
    rec->mode = ND_CLAMP_CURRENT;
  else if (cq == ND_QUANTITY_VOLTAGE)
    rec->mode = ND_CLAMP_VOLTAGE;
  else
    rec->mode = ND_CLAMP_UNKNOWN;
}

static gboolean
protocol_has_epochs (const NdRecording *rec)
{
  if (!rec->has_protocol)
    return FALSE;
  if (rec->proto_waveform)
    return TRUE;
  for (guint e = 0; e < rec->n_proto_epochs; e++)
    {
      const NdEpochDef *d = &rec->proto_epochs[e];
      if (d->type != ND_EPOCH_OFF && (d->init_duration > 0 || d->duration_inc > 0 || d->n_duration_list > 0))
        return TRUE;
    }
  return FALSE;
}

/* A recorded signal that looks like the command: in current clamp a current
 * signal (a "stimulus"-named one first), in voltage clamp a voltage signal
 * other than the first. */
static int
find_command_signal (const NdRecording *rec)
{
  NdQuantity want = rec->mode == ND_CLAMP_CURRENT ? ND_QUANTITY_CURRENT
                  : rec->mode == ND_CLAMP_VOLTAGE ? ND_QUANTITY_VOLTAGE
                  : ND_QUANTITY_UNKNOWN;
  if (want == ND_QUANTITY_UNKNOWN)
    return -1;
  for (guint i = 0; i < rec->n_signals; i++)
    if (signal_quantity (rec, i) == want && g_ascii_strcasecmp (rec->signals[i].name, "stimulus") == 0)
      return (int) i;
  /* In voltage clamp a potential named as the command, wherever it is. */
  if (want == ND_QUANTITY_VOLTAGE && command_named_voltage (rec) >= 0)
    return command_named_voltage (rec);
  for (guint i = 0; i < rec->n_signals; i++)
    if (signal_quantity (rec, i) == want && !(want == ND_QUANTITY_VOLTAGE && i == 0))
      return (int) i;
  return -1;
}

void
nd_recording_take_injected_current (NdRecording *rec)
{
  const guint n_signals = rec->n_signals;
  gboolean any_v = FALSE;
  for (guint i = 0; i < n_signals; i++)
    any_v |= nd_units_parse (rec->signals[i].units, NULL) == ND_QUANTITY_VOLTAGE;
  static const char *const injected[] = { "i", "stimulus", "i_inj", "iinj", "inj", "injected", "command", "cmd" };
  for (guint i = 0; i < n_signals && !any_v; i++)
    for (guint k = 0; k < G_N_ELEMENTS (injected); k++)
      if (g_ascii_strcasecmp (rec->signals[i].name, injected[k]) == 0 &&
          nd_units_parse (rec->signals[i].units, NULL) == ND_QUANTITY_CURRENT)
        {
          rec->mode = ND_CLAMP_CURRENT;
          nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, (int) i, NULL);
          any_v = TRUE;   /* done */
          break;
        }
}

void
nd_recording_choose_default_stimulus (NdRecording *rec)
{
  int sig;
  if (protocol_has_epochs (rec))
    nd_recording_set_stimulus (rec, ND_STIMULUS_PROTOCOL, -1, NULL);
  else if ((sig = find_command_signal (rec)) >= 0)
    nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, sig, NULL);
  else if (rec->has_protocol)
    nd_recording_set_stimulus (rec, ND_STIMULUS_PROTOCOL, -1, NULL);
  else
    nd_recording_set_stimulus (rec, ND_STIMULUS_NONE, -1, NULL);
}

gboolean
nd_recording_set_stimulus (NdRecording *rec, NdStimulusSource source, int signal, GError **error)
{
  switch (source)
    {
    case ND_STIMULUS_PROTOCOL:
      if (!rec->has_protocol)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                       _("This recording has no stimulus protocol to rebuild; choose a recorded "
                         "signal as the stimulus instead."));
          return FALSE;
        }
      rec->stim_source = source;
      rec->stim_signal = -1;
      nd_recording_set_text (&rec->stim_units, rec->proto_units);
      nd_recording_set_text (&rec->stim_description, rec->proto_description);
      return TRUE;
    case ND_STIMULUS_SIGNAL:
      if (signal < 0 || (guint) signal >= rec->n_signals)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                       _("There is no signal %d to use as the stimulus: the recording has %u signals."),
                       signal, rec->n_signals);
          return FALSE;
        }
      rec->stim_source = source;
      rec->stim_signal = signal;
      nd_recording_set_text (&rec->stim_units, rec->signals[signal].units);
      g_free (rec->stim_description);
      rec->stim_description = g_strdup_printf (_("recorded signal “%s” (%s)"),
                                               rec->signals[signal].name,
                                               rec->signals[signal].units);
      return TRUE;
    case ND_STIMULUS_NONE:
    default:
      rec->stim_source = ND_STIMULUS_NONE;
      rec->stim_signal = -1;
      nd_recording_set_text (&rec->stim_units, "");
      nd_recording_set_text (&rec->stim_description, _("none"));
      return TRUE;
    }
}

/* ---- Protocol ----------------------------------------------------------- */

static const char *
epoch_type_name (NdEpochType t)
{
  switch (t)
    {
    case ND_EPOCH_STEP: return _("step");
    case ND_EPOCH_RAMP: return _("ramp");
    case ND_EPOCH_PULSE: return _("pulse train");
    case ND_EPOCH_OFF:
    default: return _("off");
    }
}

/* The segments of sweep s, starting from level `carried` (the holding
 * level, or the previous sweep's last level). *last: the level of the last
 * epoch played, *any: whether one was. Returns the number of segments. */
static gsize
build_segments (const NdRecording *rec, guint s, double carried, NdEpochSegment *seg,
                double *last_out, gboolean *any_out)
{
  gsize len = rec->sweep_len[s], ns = 0, pos = 0;
  if (rec->proto_episodic)
    {
      gsize pre = len / 64;
      seg[ns++] = (NdEpochSegment) { 0, pre, ND_EPOCH_STEP, carried, carried, 0, 0, 0 };
      pos = pre;
    }
  double last = carried;
  gboolean any = FALSE;
  for (guint e = 0; e < rec->n_proto_epochs && pos < len; e++)
    {
      const NdEpochDef *d = &rec->proto_epochs[e];
      if (d->type == ND_EPOCH_OFF)
        continue;
      gint64 dur = d->init_duration + d->duration_inc * (gint64) s;
      if (d->n_duration_list > 0)
        {
          double v = d->duration_list[d->duration_list_repeat ? s % d->n_duration_list
                                      : MIN (s, d->n_duration_list - 1)];
          dur = v > 0 && v < 9e18 ? (gint64) v : 0;
        }
      if (dur <= 0)
        continue;
      gsize end = (guint64) dur > len - pos ? len : pos + (gsize) dur;
      double level = d->init_level + d->level_inc * s;
      if (d->n_level_list > 0)
        level = d->level_list[d->level_list_repeat ? s % d->n_level_list
                              : MIN (s, d->n_level_list - 1)];
      seg[ns++] = (NdEpochSegment) { pos, end, d->type, last, level,
                                     (gsize) MAX (d->pulse_period, 0),
                                     (gsize) MAX (d->pulse_width, 0), d->letter };
      last = level;
      any = TRUE;
      pos = end;
    }
  double after = rec->proto_keep_last ? last : rec->proto_holding;
  if (pos < len)
    seg[ns++] = (NdEpochSegment) { pos, len, ND_EPOCH_STEP, after, after, 0, 0, 0 };
  if (last_out)
    *last_out = last;
  if (any_out)
    *any_out = any;
  return ns;
}

/* Level at the start of sweep s: the holding level, or with ABF's
 * nInterEpisodeLevel the last level played in an earlier sweep. */
static double
carried_level (const NdRecording *rec, guint s, NdEpochSegment *scratch)
{
  if (!rec->proto_keep_last)
    return rec->proto_holding;
  for (guint p = s; p > 0; p--)
    {
      double last;
      gboolean any;
      build_segments (rec, p - 1, 0.0, scratch, &last, &any);
      if (any)
        return last;
    }
  return rec->proto_holding;
}

gsize
nd_recording_protocol_segments (const NdRecording *rec, guint sweep,
                                NdEpochSegment out[ND_PROTOCOL_MAX_SEGMENTS])
{
  /* A waveform has no epochs to show. */
  if (!rec->has_protocol || sweep >= rec->n_sweeps || rec->proto_waveform)
    return 0;
  double carried = carried_level (rec, sweep, out);
  return build_segments (rec, sweep, carried, out, NULL, NULL);
}

void
nd_recording_set_protocol_waveform (NdRecording *rec, const double *waveform, gsize n, const char *source)
{
  g_return_if_fail (rec->has_protocol && n > 0);
  g_free (rec->proto_waveform);
  rec->proto_waveform = g_memdup2 (waveform, n * sizeof *waveform);
  rec->n_proto_waveform = n;
  char *d = g_strdup_printf (_("%s; the waveform of the stimulus file “%s”"), rec->proto_description, source);
  g_free (rec->proto_description);
  rec->proto_description = d;
}

void
nd_recording_set_protocol (NdRecording *rec, const char *dac_name, const char *units,
                           double holding, gboolean keep_last_level, gboolean episodic,
                           const NdEpochDef *epochs, guint n_epochs)
{
  free_protocol (rec);
  n_epochs = MIN (n_epochs, ND_PROTOCOL_MAX_SEGMENTS - 2);
  rec->has_protocol = TRUE;
  nd_recording_set_text (&rec->proto_units, units);
  rec->proto_holding = holding;
  rec->proto_keep_last = keep_last_level;
  rec->proto_episodic = episodic;
  rec->n_proto_epochs = n_epochs;
  rec->proto_epochs = g_new0 (NdEpochDef, MAX (n_epochs, 1));
  gsize n_values = 0;
  for (guint e = 0; e < n_epochs; e++)
    n_values += epochs[e].n_level_list + epochs[e].n_duration_list;
  rec->proto_lists = g_new0 (double, MAX (n_values, 1));
  double *p = rec->proto_lists;
  for (guint e = 0; e < n_epochs; e++)
    {
      NdEpochDef *d = &rec->proto_epochs[e];
      *d = epochs[e];
      /* Own copies of the user lists. */
      if (d->n_level_list)
        {
          memcpy (p, d->level_list, d->n_level_list * sizeof (double));
          d->level_list = p;
          p += d->n_level_list;
        }
      if (d->n_duration_list)
        {
          memcpy (p, d->duration_list, d->n_duration_list * sizeof (double));
          d->duration_list = p;
          p += d->n_duration_list;
        }
    }

  GString *d = g_string_new (NULL);
  if (rec->protocol[0])
    g_string_append_printf (d, _("protocol “%s”"), rec->protocol);
  else
    g_string_append (d, _("protocol"));
  g_string_append_printf (d, _(", output “%s”: holding %g %s"), dac_name ? dac_name : "", holding, units);
  for (guint e = 0; e < n_epochs; e++)
    {
      const NdEpochDef *ep = &epochs[e];
      if (ep->type == ND_EPOCH_OFF || (ep->init_duration <= 0 && ep->duration_inc <= 0))
        continue;
      double ms = rec->rate_hz > 0 ? ep->init_duration * 1000.0 / rec->rate_hz : 0.0;
      g_string_append_printf (d, _("; epoch %c %s %g %s for %g ms"), ep->letter,
                              epoch_type_name (ep->type), ep->init_level, units, ms);
      if (ep->n_level_list > 0)
        {
          g_string_append (d, _(" (levels by sweep from the user list:"));
          for (guint k = 0; k < ep->n_level_list; k++)
            g_string_append_printf (d, "%s%g", k ? ", " : " ", ep->level_list[k]);
          g_string_append (d, ")");
        }
      else if (ep->level_inc != 0)
        g_string_append_printf (d, _(" (%+g %s per sweep)"), ep->level_inc, units);
      if (ep->n_duration_list > 0)
        g_string_append (d, _(" (durations by sweep from the user list)"));
      if (ep->duration_inc != 0 && rec->rate_hz > 0)
        g_string_append_printf (d, _(" (%+g ms per sweep)"), ep->duration_inc * 1000.0 / rec->rate_hz);
    }
  g_free (rec->proto_description);
  rec->proto_description = g_string_free (d, FALSE);
}

static double
segment_value (const NdEpochSegment *g, gsize k)
{
  gsize i = k - g->start, len = g->end - g->start;
  switch (g->type)
    {
    case ND_EPOCH_RAMP:
      return len > 1 ? g->level_from + (g->level - g->level_from) * (double) i / (double) (len - 1)
                     : g->level;
    case ND_EPOCH_PULSE:
      if (g->pulse_period > 0 && i % g->pulse_period < g->pulse_width)
        return g->level;
      return g->pulse_period > 0 ? g->level_from : g->level;
    case ND_EPOCH_STEP:
    case ND_EPOCH_OFF:
    default:
      return g->level;
    }
}

gboolean
nd_recording_read_stimulus (const NdRecording *rec, guint sweep, gsize first, gsize n,
                            double *out, GError **error)
{
  switch (rec->stim_source)
    {
    case ND_STIMULUS_SIGNAL:
      return nd_recording_read (rec, sweep, (guint) rec->stim_signal, first, n, out, error);
    case ND_STIMULUS_PROTOCOL:
      {
        if (!check_range (rec, sweep, first, n, error))
          return FALSE;
        if (rec->proto_waveform)
          {
            for (gsize k = first; k < first + n; k++)
              out[k - first] = k < rec->n_proto_waveform ? rec->proto_waveform[k] : rec->proto_holding;
            return TRUE;
          }
        NdEpochSegment seg[ND_PROTOCOL_MAX_SEGMENTS];
        gsize ns = nd_recording_protocol_segments (rec, sweep, seg), j = 0;
        for (gsize k = first; k < first + n; k++)
          {
            while (j + 1 < ns && k >= seg[j].end)
              j++;
            out[k - first] = ns ? segment_value (&seg[j], k) : 0.0;
          }
        return TRUE;
      }
    case ND_STIMULUS_NONE:
    default:
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("The recording has no known stimulus. Choose the signal that holds the "
                     "injected current."));
      return FALSE;
    }
}

double *
nd_recording_get_stimulus (const NdRecording *rec, guint sweep, gsize *n_out, GError **error)
{
  if (!check_range (rec, sweep, 0, 0, error))
    return NULL;
  gsize n = rec->sweep_len[sweep];
  double *out = g_new (double, MAX (n, 1));
  if (!nd_recording_read_stimulus (rec, sweep, 0, n, out, error))
    {
      g_free (out);
      return NULL;
    }
  if (n_out)
    *n_out = n;
  return out;
}

/* ---- Current-clamp view -------------------------------------------------- */

void
nd_sweep_trace_clear (NdSweepTrace *trace)
{
  g_clear_pointer (&trace->t_ms, g_free);
  g_clear_pointer (&trace->v_mV, g_free);
  g_clear_pointer (&trace->i_pA, g_free);
  trace->n = 0;
}

static gboolean get_sweep_trace (const NdRecording *rec, guint sweep, NdSweepTrace *out,
                                 gboolean need_v, GError **error);

gboolean
nd_recording_get_cc_sweep (const NdRecording *rec, guint sweep, NdSweepTrace *out, GError **error)
{
  return get_sweep_trace (rec, sweep, out, TRUE, error);
}

gboolean
nd_recording_get_stimulus_sweep (const NdRecording *rec, guint sweep, NdSweepTrace *out, GError **error)
{
  return get_sweep_trace (rec, sweep, out, FALSE, error);
}

static gboolean
get_sweep_trace (const NdRecording *rec, guint sweep, NdSweepTrace *out, gboolean need_v, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!check_range (rec, sweep, 0, 0, error))
    return FALSE;

  int vsig = -1;
  double vf = 1.0;
  for (guint i = 0; i < rec->n_signals && vsig < 0; i++)
    if ((int) i != rec->stim_signal && nd_units_parse (rec->signals[i].units, &vf) == ND_QUANTITY_VOLTAGE)
      vsig = (int) i;
  if (vsig < 0 && need_v)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("No membrane potential found: none of the recorded signals is in volts "
                     "(mV, V, µV). A current-clamp recording is needed here."));
      return FALSE;
    }
  double cf = 1.0;
  if (rec->stim_source == ND_STIMULUS_NONE)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("The injected current is not known for this recording. Choose the signal "
                     "that holds it as the stimulus."));
      return FALSE;
    }
  if (nd_units_parse (rec->stim_units, &cf) != ND_QUANTITY_CURRENT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("The stimulus is in “%s”, not a current: this looks like a voltage-clamp "
                     "recording, and a current-clamp one is needed here."), rec->stim_units);
      return FALSE;
    }

  gsize n = rec->sweep_len[sweep];
  out->n = n;
  out->t_ms = g_new (double, MAX (n, 1));
  out->v_mV = vsig >= 0 ? g_new (double, MAX (n, 1)) : NULL;
  out->i_pA = g_new (double, MAX (n, 1));
  if ((vsig >= 0 && !nd_recording_read (rec, sweep, (guint) vsig, 0, n, out->v_mV, error)) ||
      !nd_recording_read_stimulus (rec, sweep, 0, n, out->i_pA, error))
    {
      nd_sweep_trace_clear (out);
      return FALSE;
    }
  double t0 = rec->sweep_t0_ms[sweep];
  for (gsize k = 0; k < n; k++)
    {
      out->t_ms[k] = t0 + (double) k * 1000.0 / rec->rate_hz;
      if (out->v_mV)
        out->v_mV[k] = out->v_mV[k] * vf - rec->ljp_mV;
      out->i_pA[k] *= cf;
    }
  return TRUE;
}

/* ---- Voltage-clamp view -------------------------------------------------- */

void
nd_clamp_trace_clear (NdClampTrace *trace)
{
  g_clear_pointer (&trace->t_ms, g_free);
  g_clear_pointer (&trace->v_cmd_mV, g_free);
  g_clear_pointer (&trace->i_pA, g_free);
  trace->n = 0;
}

static gboolean
get_clamp_trace (const NdRecording *rec, guint sweep, NdClampTrace *out, gboolean need_i, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!check_range (rec, sweep, 0, 0, error))
    return FALSE;
  double vf = 1.0;
  if (rec->stim_source == ND_STIMULUS_NONE || nd_units_parse (rec->stim_units, &vf) != ND_QUANTITY_VOLTAGE)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("The command potential is not known for this recording: a voltage-clamp recording needs "
                     "its command (in mV) as the stimulus."));
      return FALSE;
    }
  int isig = -1;
  double cf = 1.0;
  for (guint i = 0; i < rec->n_signals && isig < 0; i++)
    if ((int) i != rec->stim_signal && nd_units_parse (rec->signals[i].units, &cf) == ND_QUANTITY_CURRENT)
      isig = (int) i;
  if (isig < 0 && need_i)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("No membrane current found: none of the recorded signals is in amperes (pA, nA, A). "
                     "A voltage-clamp recording is needed here."));
      return FALSE;
    }
  gsize n = rec->sweep_len[sweep];
  out->n = n;
  out->t_ms = g_new (double, MAX (n, 1));
  out->v_cmd_mV = g_new (double, MAX (n, 1));
  out->i_pA = isig >= 0 ? g_new (double, MAX (n, 1)) : NULL;
  if ((isig >= 0 && !nd_recording_read (rec, sweep, (guint) isig, 0, n, out->i_pA, error))
      || !nd_recording_read_stimulus (rec, sweep, 0, n, out->v_cmd_mV, error))
    {
      nd_clamp_trace_clear (out);
      return FALSE;
    }
  double t0 = rec->sweep_t0_ms[sweep];
  for (gsize k = 0; k < n; k++)
    {
      out->t_ms[k] = t0 + (double) k * 1000.0 / rec->rate_hz;
      out->v_cmd_mV[k] = out->v_cmd_mV[k] * vf - rec->ljp_mV;
      if (out->i_pA)
        out->i_pA[k] *= cf;
    }
  return TRUE;
}

gboolean
nd_recording_is_voltage_clamp (const NdRecording *rec)
{
  if (rec->stim_source == ND_STIMULUS_NONE)
    return rec->mode == ND_CLAMP_VOLTAGE;
  return nd_units_parse (rec->stim_units, NULL) == ND_QUANTITY_VOLTAGE;
}

gboolean
nd_recording_get_vc_sweep (const NdRecording *rec, guint sweep, NdClampTrace *out, GError **error)
{
  return get_clamp_trace (rec, sweep, out, TRUE, error);
}

gboolean
nd_recording_get_command_sweep (const NdRecording *rec, guint sweep, NdClampTrace *out, GError **error)
{
  return get_clamp_trace (rec, sweep, out, FALSE, error);
}

/* ---- Decimation ---------------------------------------------------------- */

/* First sample of bin b when n samples go into n_bins bins: sample i is in
 * bin floor(i * n_bins / n), so bin b starts at ceil(b * n / n_bins). */
static gsize
bin_start (gsize b, gsize n, gsize n_bins)
{
  if (b >= n_bins)
    return n;
  unsigned __int128 x = (unsigned __int128) b * n + n_bins - 1;
  return (gsize) (x / n_bins);
}

gboolean
nd_recording_minmax (const NdRecording *rec, guint sweep, guint signal,
                     gsize first, gsize n, gsize n_bins,
                     double *mins, double *maxs, GError **error)
{
  if (signal >= rec->n_signals)
    return nd_recording_read (rec, sweep, signal, first, 0, NULL, error);
  if (!check_range (rec, sweep, first, n, error))
    return FALSE;
  if (n_bins == 0)
    return TRUE;
  for (gsize b = 0; b < n_bins; b++)
    {
      mins[b] = NAN;
      maxs[b] = NAN;
    }
  if (n == 0)
    return TRUE;

  enum { CHUNK = 65536 };
  g_autofree double *buf = g_new (double, CHUNK);
  gsize b = 0, bin_end = bin_start (1, n, n_bins);
  for (gsize done = 0; done < n;)
    {
      gsize m = MIN ((gsize) CHUNK, n - done);
      if (!nd_recording_read (rec, sweep, signal, first + done, m, buf, error))
        return FALSE;
      for (gsize k = 0; k < m; k++)
        {
          while (done + k >= bin_end)
            bin_end = bin_start (++b + 1, n, n_bins);
          double v = buf[k];
          if (isnan (mins[b]) || v < mins[b])
            mins[b] = v;
          if (isnan (maxs[b]) || v > maxs[b])
            maxs[b] = v;
        }
      done += m;
    }
  return TRUE;
}

/* ---- Loading ------------------------------------------------------------ */

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');
  return s ? s + 1 : path;
}

NdRecording *
nd_recording_load (const char *path, GError **error)
{
  return nd_recording_load_with_options (path, NULL, error);
}

NdRecording *
nd_recording_load_with_options (const char *path, const NdLoadOptions *options, GError **error)
{
  NdLoadOptions defaults;
  if (!options)
    {
      nd_load_options_init (&defaults);
      options = &defaults;
    }

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND, _("“%s” does not exist."), path);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is a folder, not a recording."), path);
      return NULL;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is not a file but a device or a pipe; give a recording saved on disk."), path);
      return NULL;
    }

  guint8 head[256] = { 0 };
  gsize got = 0;
  {
    FILE *f = fopen (path, "rb");
    if (!f)
      {
        g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Could not open “%s”: %s."),
                     path, g_strerror (errno));
        return NULL;
      }
    got = fread (head, 1, sizeof head, f);
    fclose (f);
  }
  if (got == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is empty: it holds no recording."), base_name (path));
      return NULL;
    }

  const NdRecordingFormat *format = nd_recording_format_sniff (head, got);
  if (format)
    return format->load (path, options, error);

  g_autofree char *lower = g_ascii_strdown (path, -1);
  /* Neurode's own JSON files are not recordings: say which file it is and what to give instead. */
  {
    gsize i = 0;
    while (i < got && g_ascii_isspace (head[i]))
      i++;
    if (g_str_has_suffix (lower, ".neurode")
        || (i < got && head[i] == '{' && g_strstr_len ((const char *) head, (gssize) got, "\"neurode_project\"")))
      {
        g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                     _("“%s” is a Neurode project, not a recording: open it in Neurode, or give the recording it "
                       "uses (ABF, ATF, CSV/TSV or audio)."), base_name (path));
        return NULL;
      }
    if (i < got && head[i] == '{')
      {
        g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                     _("“%s” is a JSON file (a model or a cell file?), not a recording. Supported recordings: Axon "
                       "ABF (1.x, 2.x) and ATF, WAV/AIFF/FLAC audio, and CSV/TSV tables with a header row."),
                     base_name (path));
        return NULL;
      }
  }
  format = nd_recording_format_for_name (path);
  if (format && format->misnamed_message)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _(format->misnamed_message), base_name (path));
      return NULL;
    }
  if (format)
    return format->load (path, options, error);

  /* Unknown extension: text with a header row may still be a table. */
  gboolean text = TRUE;
  for (gsize i = 0; i < got; i++)
    if (head[i] == 0)
      text = FALSE;
  if (text)
    return nd_recording_format_text ()->load (path, options, error);

  g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
               _("“%s” is not a recording Neurode can read. Supported: Axon ABF (1.x, 2.x) "
                 "and ATF, WAV/AIFF/FLAC audio, and CSV/TSV tables with a header row."),
               base_name (path));
  return NULL;
}
