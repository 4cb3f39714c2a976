/* recording-abf.c: Axon Binary Format, versions 1.x ("ABF ") and 2.x ("ABF2").
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written for Neurode rather than taken from a library: Debian's libbiosig
 * misreads multi-channel ABF2 files (channels not separated, sample count
 * doubled) and crashes on a real ABF1 file.
 *
 * The file is memory-mapped and samples are converted only when asked for,
 * so a long gap-free recording costs address space, not memory. Every offset
 * and count from the header is checked against the file size before use.
 *
 * Scaling (both versions, int16 data):
 *   value = raw * fADCRange / lADCResolution
 *           / (fInstrumentScaleFactor * fSignalGain * fADCProgrammableGain
 *              [* fTelegraphAdditGain when nTelegraphEnable == 1])
 *           + fInstrumentOffset - fSignalOffset
 * with the per-ADC parameters taken through the sampling sequence. Samples
 * are interleaved by channel. float32 data (nDataFormat 1) are stored in
 * their units already.
 */

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "recording-private.h"

#define ABF_BLOCK 512
#define ABF_MAX_CHANNELS 16
#define ABF_MAX_EPOCHS 64

/* Bounds-checked little-endian reads: out of range gives 0 and marks the
 * reader bad, so a truncated header becomes one clear error at the end. */
typedef struct {
  const guint8 *d;
  gsize n;
  gboolean bad;
} Reader;

static gboolean
have (Reader *r, gsize off, gsize len)
{
  if (off > r->n || len > r->n - off)
    {
      r->bad = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gint16
rd_i16 (Reader *r, gsize off)
{
  if (!have (r, off, 2))
    return 0;
  return (gint16) (r->d[off] | (r->d[off + 1] << 8));
}

static guint32
rd_u32 (Reader *r, gsize off)
{
  if (!have (r, off, 4))
    return 0;
  return (guint32) r->d[off] | ((guint32) r->d[off + 1] << 8) | ((guint32) r->d[off + 2] << 16) |
         ((guint32) r->d[off + 3] << 24);
}

static gint32
rd_i32 (Reader *r, gsize off)
{
  return (gint32) rd_u32 (r, off);
}

static gint64
rd_i64 (Reader *r, gsize off)
{
  guint64 lo = rd_u32 (r, off), hi = rd_u32 (r, off + 4);
  return (gint64) (lo | (hi << 32));
}

static float
rd_f32 (Reader *r, gsize off)
{
  guint32 u = rd_u32 (r, off);
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* A fixed-width Latin-1 field (space or NUL padded) as trimmed UTF-8. */
static char *
latin1_string (const guint8 *p, gsize len)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < len && p[i]; i++)
    {
      guint8 c = p[i];
      if (c < 0x20 && c != '\t')
        continue;
      if (c < 0x80)
        g_string_append_c (s, (char) c);
      else
        g_string_append_unichar (s, c);  /* Latin-1 code points are Unicode's first 256 */
    }
  return g_strstrip (g_string_free (s, FALSE));
}

static char *
rd_string (Reader *r, gsize off, gsize len)
{
  if (!have (r, off, len))
    return g_strdup ("");
  return latin1_string (r->d + off, len);
}

/* "C:\path\IV steps.pro" -> "IV steps" */
static char *
protocol_name (const char *path)
{
  const char *b = path;
  for (const char *p = path; *p; p++)
    if (*p == '\\' || *p == '/')
      b = p + 1;
  char *name = g_strdup (b);
  char *dot = strrchr (name, '.');
  if (dot && g_ascii_strcasecmp (dot, ".pro") == 0)
    *dot = '\0';
  return name;
}

static const char *
operation_mode_name (int mode)
{
  switch (mode)
    {
    case 1: return N_("event-driven variable-length");
    case 2: return N_("fixed-length");
    case 3: return N_("gap-free");
    case 4: return N_("high-speed oscilloscope");
    case 5: return N_("episodic");
    default: return "unknown";
    }
}

/* ---- Sample backend ------------------------------------------------------ */

typedef struct {
  GBytes *bytes;
  const guint8 *data;    /* first sample */
  gsize sample_size;     /* 2 or 4 */
  gboolean is_float;
  guint n_channels;
  gsize *sweep_offset;   /* per sweep, in samples of all channels */
  double scale[ABF_MAX_CHANNELS], offset[ABF_MAX_CHANNELS];
} AbfData;

static gboolean
abf_read (const NdRecording *rec, gpointer data, guint sweep, guint signal,
          gsize first, gsize n, double *out, GError **error)
{
  AbfData *a = data;
  gsize idx = a->sweep_offset[sweep] + first * a->n_channels + signal;
  if (a->is_float)
    {
      const guint8 *p = a->data + idx * 4;
      for (gsize k = 0; k < n; k++, p += 4 * a->n_channels)
        {
          guint32 u = (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
          float f;
          memcpy (&f, &u, sizeof f);
          out[k] = f;
        }
    }
  else
    {
      const guint8 *p = a->data + idx * 2;
      double sc = a->scale[signal], of = a->offset[signal];
      for (gsize k = 0; k < n; k++, p += 2 * a->n_channels)
        out[k] = (gint16) (p[0] | (p[1] << 8)) * sc + of;
    }
  return TRUE;
}

static void
abf_destroy (gpointer data)
{
  AbfData *a = data;
  g_bytes_unref (a->bytes);
  g_free (a->sweep_offset);
  g_free (a);
}

static const NdRecordingBackend abf_backend = { abf_read, abf_destroy };

/* ---- What both versions share once the header is read ------------------- */

typedef struct {
  int version_major;
  char *version, *protocol_path, *comment;
  int op_mode;
  guint n_channels;
  gboolean is_float;
  gsize sample_size;
  gsize data_offset;        /* bytes */
  gint64 data_count;        /* samples, all channels */
  gint64 samples_per_episode; /* all channels */
  gint64 n_episodes;
  double rate_hz;
  double synch_unit_us;     /* 0: synch times are in samples */
  double sample_us;         /* one multiplexed sample, for synch unit 0 */
  char *names[ABF_MAX_CHANNELS], *units[ABF_MAX_CHANNELS];
  double scale[ABF_MAX_CHANNELS], offset[ABF_MAX_CHANNELS];
  GArray *synch_start, *synch_length;  /* gint64 */
  /* Stimulus. */
  gboolean have_dac;
  char *dac_name, *dac_units;
  double holding;
  gboolean keep_last_level, waveform_from_epochs;
  NdEpochDef epochs[ABF_MAX_EPOCHS];
  guint n_epochs;
  char *stimulus_note;
  /* A waveform from a stimulus file (nWaveformSource 2): the file as the
   * header names it, which signal and sweep of it, and its scale and offset. */
  char *dac_file;
  int dac_file_signal, dac_file_sweep;
  double dac_file_scale, dac_file_offset;
  GArray *user_lists[ABF_MAX_EPOCHS];   /* double, owned; referenced by epochs */
  guint n_user_lists;
  double membrane_cap_pF;   /* telegraphed whole-cell capacitance, 0 if none */
} AbfHeader;

static void
abf_header_clear (AbfHeader *h)
{
  g_free (h->version);
  g_free (h->protocol_path);
  g_free (h->comment);
  for (guint i = 0; i < ABF_MAX_CHANNELS; i++)
    {
      g_free (h->names[i]);
      g_free (h->units[i]);
    }
  if (h->synch_start)
    g_array_unref (h->synch_start);
  if (h->synch_length)
    g_array_unref (h->synch_length);
  g_free (h->dac_name);
  g_free (h->dac_units);
  g_free (h->stimulus_note);
  g_free (h->dac_file);
  for (guint i = 0; i < h->n_user_lists; i++)
    g_array_unref (h->user_lists[i]);
}

static gboolean
corrupt (GError **error, const char *name, const char *what)
{
  g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
               _("“%s” is a damaged ABF file: %s."), name, what);
  return FALSE;
}

static gboolean
set_scale (AbfHeader *h, guint ch, double adc_range, double resolution, double instrument_scale,
           double signal_gain, double prog_gain, gboolean telegraph, double addit_gain,
           double instrument_offset, double signal_offset, const char *name, GError **error)
{
  double div = instrument_scale * signal_gain * prog_gain * (telegraph ? addit_gain : 1.0);
  double scale = adc_range / resolution / div;
  double offset = instrument_offset - signal_offset;
  if (!isfinite (scale) || scale == 0.0 || !isfinite (offset))
    {
      g_autofree char *what = g_strdup_printf (_("the scaling of channel %u (“%s”) is not a finite "
                                                 "non-zero number"), ch, h->names[ch] ? h->names[ch] : "");
      return corrupt (error, name, what);
    }
  h->scale[ch] = scale;
  h->offset[ch] = offset;
  return TRUE;
}

/* The amplifier telegraphs its whole-cell capacitance dial per channel
 * (fTelegraphMembraneCap: ABF1 at 4704 + 4 x channel, ABF2 at byte 14 of the
 * channel's ADC entry, both float32 pF); the first plausible one (>= 1 pF: files hold 0 or stray values like 0.05 pF
 * where nothing was dialled) is the cell's. */
static void
note_membrane_cap (AbfHeader *h, gboolean telegraph, double cap_pF)
{
  if (h->membrane_cap_pF == 0.0 && telegraph && isfinite (cap_pF) && cap_pF >= 1.0 && cap_pF <= 1e5)
    h->membrane_cap_pF = cap_pF;
}

/* ---- ABF 1.x ------------------------------------------------------------- */

/* Names, units, scaling and telegraphs of each channel, through the
 * sampling sequence; extended (1.6+) headers add the telegraphs. */
static gboolean
read_channels_v1 (Reader *r, AbfHeader *h, gboolean extended, double adc_range, double resolution,
                  const char *name, GError **error)
{
  for (int i = 0; i < (int) h->n_channels; i++)
    {
      int phys = rd_i16 (r, 410 + 2 * i);
      if (phys < 0 || phys >= ABF_MAX_CHANNELS)
        return corrupt (error, name, _("the channel sampling sequence is out of range"));
      h->names[i] = rd_string (r, 442 + 10 * phys, 10);
      h->units[i] = rd_string (r, 602 + 8 * phys, 8);
      gboolean telegraph = extended && rd_i16 (r, 4512 + 2 * phys) == 1;
      double addit = extended ? rd_f32 (r, 4576 + 4 * phys) : 1.0;
      note_membrane_cap (h, telegraph, extended ? rd_f32 (r, 4704 + 4 * phys) : 0.0);
      if (h->is_float)
        {
          h->scale[i] = 1.0;
          h->offset[i] = 0.0;
        }
      else if (!set_scale (h, (guint) i, adc_range, resolution, rd_f32 (r, 922 + 4 * phys),
                           rd_f32 (r, 1050 + 4 * phys), rd_f32 (r, 730 + 4 * phys), telegraph, addit,
                           rd_f32 (r, 986 + 4 * phys), rd_f32 (r, 1114 + 4 * phys), name, error))
        return FALSE;
    }
  return TRUE;
}

/* Synch array: start (synch units) and length (samples) of each sweep. */
static gboolean
read_synch_v1 (Reader *r, AbfHeader *h, gint64 synch_ptr, gint64 synch_size, const char *name, GError **error)
{
  h->synch_start = g_array_new (FALSE, FALSE, sizeof (gint64));
  h->synch_length = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!(synch_ptr > 0 && synch_size > 0 && h->op_mode != 3))
    return TRUE;
  if (synch_size > (gint64) (r->n / 8))
    return corrupt (error, name, _("the sweep table is larger than the file"));
  for (gint64 i = 0; i < synch_size; i++)
    {
      gint64 st = rd_i32 (r, (gsize) synch_ptr * ABF_BLOCK + (gsize) i * 8);
      gint64 ln = rd_i32 (r, (gsize) synch_ptr * ABF_BLOCK + (gsize) i * 8 + 4);
      g_array_append_val (h->synch_start, st);
      g_array_append_val (h->synch_length, ln);
    }
  if (r->bad)
    return corrupt (error, name, _("the sweep table is cut short"));
  return TRUE;
}

/* ABF1 keeps epoch tables for DACs 0 and 1 only: the active DAC's if it is
 * enabled and has epochs, else (extended headers) the other's; -1 for none. */
static int
stimulus_dac_v1 (Reader *r, int active, gboolean extended)
{
  for (int pass = 0; pass < 2; pass++)
    for (int d = 0; d < 2; d++)
      {
        if (pass == 0 && d != active)
          continue;
        if (!extended && d != active)
          continue;
        gboolean enabled = extended ? rd_i16 (r, 2296 + 2 * d) != 0 : TRUE;
        gboolean any = FALSE;
        for (int e = 0; e < 10; e++)
          any |= (extended ? rd_i16 (r, 2308 + 2 * (10 * d + e)) : rd_i16 (r, 1444 + 2 * e)) != 0;
        if (enabled && any)
          return d;
      }
  return -1;
}

/* The ten epochs of DAC dac (older headers: one table). */
static void
read_epochs_v1 (Reader *r, AbfHeader *h, int dac, gboolean extended)
{
  for (int e = 0; e < 10; e++)
    {
      NdEpochDef *ep = &h->epochs[h->n_epochs];
      if (extended)
        {
          int i = 10 * dac + e;
          ep->type = rd_i16 (r, 2308 + 2 * i);
          ep->init_level = rd_f32 (r, 2348 + 4 * i);
          ep->level_inc = rd_f32 (r, 2428 + 4 * i);
          ep->init_duration = rd_i32 (r, 2508 + 4 * i);
          ep->duration_inc = rd_i32 (r, 2588 + 4 * i);
          /* Train parameters (group 17): period and pulse width in samples, DAC-major as above. */
          ep->pulse_period = rd_i32 (r, 2136 + 4 * i);
          ep->pulse_width = rd_i32 (r, 2216 + 4 * i);
        }
      else
        {
          ep->type = rd_i16 (r, 1444 + 2 * e);
          ep->init_level = rd_f32 (r, 1464 + 4 * e);
          ep->level_inc = rd_f32 (r, 1504 + 4 * e);
          ep->init_duration = rd_i16 (r, 1544 + 2 * e);
          ep->duration_inc = rd_i16 (r, 1564 + 2 * e);
        }
      ep->letter = (char) ('A' + e);
      h->n_epochs++;
    }
}

/* The stimulus: the holding level of the stimulus DAC (else the active
 * one's), and the waveform's epochs. */
static void
read_stimulus_v1 (Reader *r, AbfHeader *h, gboolean extended)
{
  int active = rd_i16 (r, 1440);
  int dac = stimulus_dac_v1 (r, active, extended);
  int hold_dac = dac >= 0 ? dac : (active >= 0 && active < 4 ? active : 0);
  h->have_dac = TRUE;
  h->dac_name = rd_string (r, 1306 + 10 * hold_dac, 10);
  h->dac_units = rd_string (r, 1346 + 8 * hold_dac, 8);
  h->holding = rd_f32 (r, 1394 + 4 * hold_dac);
  if (dac < 0)
    return;
  int source = extended ? rd_i16 (r, 2300 + 2 * dac) : rd_i16 (r, 1438);
  h->keep_last_level = (extended ? rd_i16 (r, 2304 + 2 * dac) : rd_i16 (r, 1442)) != 0;
  h->waveform_from_epochs = source == 1 || !extended;
  if (source == 2)
    h->stimulus_note = g_strdup (_("The stimulus came from a stimulus file, which is not rebuilt."));
  read_epochs_v1 (r, h, dac, extended);
}

static gboolean
parse_v1 (Reader *r, AbfHeader *h, const char *name, GError **error)
{
  float fver = rd_f32 (r, 4);
  if (!(fver > 0.0f && fver < 2.0f))
    return corrupt (error, name, _("its version number is not 1.x"));
  g_autofree char *digits = g_strdup_printf ("%.3f", fver);   /* "1.830" -> "1.8.3.0" */
  h->version = g_strdup_printf ("%c.%c.%c.%c", digits[0], digits[2], digits[3], digits[4]);
  h->version_major = 1;
  gboolean extended = fver >= 1.6f;   /* 6144-byte header with per-DAC epochs */

  h->op_mode = rd_i16 (r, 8);
  gint64 acq_length = rd_i32 (r, 10);
  gint64 ignored = rd_i16 (r, 14);
  h->n_episodes = rd_i32 (r, 16);
  gint64 data_ptr = rd_i32 (r, 40);
  gint64 tag_ptr = rd_i32 (r, 44);
  gint64 n_tags = rd_i32 (r, 48);
  gint64 synch_ptr = rd_i32 (r, 92);
  gint64 synch_size = rd_i32 (r, 96);
  int fmt = rd_i16 (r, 100);
  int nch = rd_i16 (r, 120);
  double interval_us = rd_f32 (r, 122);
  h->synch_unit_us = rd_f32 (r, 130);
  h->samples_per_episode = rd_i32 (r, 138);
  double adc_range = rd_f32 (r, 244);
  double resolution = rd_i32 (r, 252);
  if (r->bad)
    return corrupt (error, name, _("the header is cut short"));

  if (nch < 1 || nch > ABF_MAX_CHANNELS)
    return corrupt (error, name, _("the number of channels is out of range"));
  if (!(interval_us > 0.0) || !isfinite (interval_us))
    return corrupt (error, name, _("the sample interval is not a positive number"));
  if (fmt != 0 && fmt != 1)
    return corrupt (error, name, _("the sample format is unknown"));
  if (data_ptr < 0 || acq_length < 0 || ignored < 0)
    return corrupt (error, name, _("the data section is out of range"));

  h->n_channels = (guint) nch;
  h->is_float = fmt == 1;
  h->sample_size = h->is_float ? 4 : 2;
  h->data_offset = (gsize) data_ptr * ABF_BLOCK + (gsize) ignored * h->sample_size;
  h->data_count = acq_length;
  h->rate_hz = 1e6 / (interval_us * nch);
  h->sample_us = interval_us;
  if (!read_channels_v1 (r, h, extended, adc_range, resolution, name, error))
    return FALSE;

  if (extended)
    {
      h->protocol_path = rd_string (r, 4898, 256);
      h->comment = rd_string (r, 5154, 128);
    }
  if (!h->comment || !h->comment[0])
    {
      g_free (h->comment);
      h->comment = rd_string (r, 310, 56);
    }
  if (!h->protocol_path)
    h->protocol_path = g_strdup ("");

  if (!read_synch_v1 (r, h, synch_ptr, synch_size, name, error))
    return FALSE;
  read_stimulus_v1 (r, h, extended);

  /* Tags. */
  if (n_tags < 0 || n_tags > (gint64) (r->n / 64) ||
      (n_tags > 0 && (tag_ptr <= 0 || !have (r, (gsize) tag_ptr * ABF_BLOCK, (gsize) n_tags * 64))))
    return corrupt (error, name, _("it is cut short: the tags lie past the end of the file"));
  return !r->bad || corrupt (error, name, _("the header is cut short"));
}

static void
add_tags_v1 (NdRecording *rec, Reader *r, const AbfHeader *h)
{
  gint64 tag_ptr = rd_i32 (r, 44), n_tags = rd_i32 (r, 48);
  for (gint64 i = 0; i < n_tags && tag_ptr > 0; i++)
    {
      gsize off = (gsize) tag_ptr * ABF_BLOCK + (gsize) i * 64;
      if (!have (r, off, 64))
        break;
      double t = rd_i32 (r, off);
      double s = h->synch_unit_us > 0 ? t * h->synch_unit_us / 1e6 : t * h->sample_us / 1e6;
      g_autofree char *text = rd_string (r, off + 4, 56);
      nd_recording_add_tag (rec, s, text);
    }
}

/* ---- ABF 2.x ------------------------------------------------------------- */

typedef struct {
  gint64 block, bytes, count;
} Section;

static Section
rd_section (Reader *r, int index)
{
  gsize off = 76 + 16 * (gsize) index;
  Section s = { rd_u32 (r, off), rd_u32 (r, off + 4), rd_i64 (r, off + 8) };
  return s;
}

static gboolean
section_ok (Reader *r, const Section *s, gsize min_entry)
{
  if (s->count <= 0)
    return FALSE;
  if (s->bytes < (gint64) min_entry || s->count > (gint64) r->n || s->bytes > (gint64) r->n)
    return FALSE;
  gsize start = (gsize) s->block * ABF_BLOCK;
  return have (r, start, (gsize) s->bytes * (gsize) s->count) || (r->bad = FALSE);
}

/* Indexed strings: "SSCH" header of 44 bytes, then NUL-terminated strings;
 * index 1 is the first of them, 0 means "none". */
static GPtrArray *
read_strings (Reader *r, const Section *s)
{
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (strings, g_strdup (""));
  if (s->count <= 0 || s->block <= 0)
    return strings;
  gsize start = (gsize) s->block * ABF_BLOCK;
  if (!have (r, start, 44))
    {
      r->bad = FALSE;
      return strings;
    }
  guint32 n = rd_u32 (r, start + 8);
  gsize end = MIN (r->n, start + 44 + (gsize) 1024 * 1024);
  gsize p = start + 44;
  for (guint32 i = 0; i < n && i < 4096 && p < end; i++)
    {
      const guint8 *q = memchr (r->d + p, 0, end - p);
      gsize len = q ? (gsize) (q - (r->d + p)) : end - p;
      g_ptr_array_add (strings, latin1_string (r->d + p, len));
      p += len + 1;
    }
  return strings;
}

static const char *
string_at (GPtrArray *strings, gint64 i)
{
  return i > 0 && i < (gint64) strings->len ? g_ptr_array_index (strings, i) : "";
}

/* The sections of an ABF 2 file that Neurode reads. */
typedef struct {
  Section prot, adc, dacs, epd, ul, strs, data, tags, synch;
} SectionsV2;

/* The protocol, channel and data sections must be there, and every section
 * the header declares inside the file: a file cut short loses its sweep
 * table and tags after the data. */
static gboolean
check_sections_v2 (Reader *r, const SectionsV2 *s, const char *name, GError **error)
{
  if (!section_ok (r, &s->prot, 208))
    return corrupt (error, name, _("the protocol section is missing or outside the file"));
  if (!section_ok (r, &s->adc, 82))
    return corrupt (error, name, _("the channel (ADC) section is missing or outside the file"));
  if (s->data.count <= 0 || (s->data.bytes != 2 && s->data.bytes != 4))
    return corrupt (error, name, _("the data section is missing or has an unknown sample size"));
  static const char *const section_names[18] = {
    N_("the protocol section"), N_("the channel (ADC) section"), N_("the output (DAC) section"),
    N_("the epoch section"), N_("the ADC-per-DAC section"), N_("the epoch table"), N_("the user list"),
    N_("the statistics regions"), N_("the math section"), N_("the strings"), N_("the data"),
    N_("the tags"), N_("the scope settings"), N_("the delta section"), N_("the voice tags"),
    N_("the sweep table"), N_("the annotations"), N_("the statistics"),
  };
  for (int i = 0; i < 18; i++)
    {
      Section sec = rd_section (r, i);
      /* The strings' size fields do not give their extent: only the start. */
      guint64 extent = i == 9 ? 44 : (guint64) sec.bytes * (guint64) sec.count;
      if (sec.block > 0 && sec.count > 0 &&
          ((guint64) sec.count > r->n || (guint64) sec.bytes > r->n ||
           (guint64) sec.block * ABF_BLOCK + extent > r->n))
        {
          g_autofree char *what = g_strdup_printf (_("it is cut short: %s lies past the end of the file"),
                                                   _(section_names[i]));
          return corrupt (error, name, what);
        }
    }
  return TRUE;
}

/* Byte offset of entry i of a section. */
static gsize
entry_at (const Section *s, gint64 i)
{
  return (gsize) s->block * ABF_BLOCK + (gsize) i * (gsize) s->bytes;
}

/* Names, units, scaling and telegraphed capacitance of each ADC channel. */
static gboolean
read_channels_v2 (Reader *r, AbfHeader *h, const Section *adc, GPtrArray *strings, double adc_range,
                  double resolution, const char *name, GError **error)
{
  for (guint i = 0; i < h->n_channels; i++)
    {
      gsize e = entry_at (adc, i);
      h->names[i] = g_strdup (string_at (strings, rd_i32 (r, e + 74)));
      h->units[i] = g_strdup (string_at (strings, rd_i32 (r, e + 78)));
      note_membrane_cap (h, rd_i16 (r, e + 2) == 1, rd_f32 (r, e + 14));
      if (h->is_float)
        {
          h->scale[i] = 1.0;
          h->offset[i] = 0.0;
        }
      else if (!set_scale (h, i, adc_range, resolution, rd_f32 (r, e + 40), rd_f32 (r, e + 48),
                           rd_f32 (r, e + 28), rd_i16 (r, e + 2) == 1, rd_f32 (r, e + 6),
                           rd_f32 (r, e + 44), rd_f32 (r, e + 52), name, error))
        return FALSE;
    }
  return TRUE;
}

/* Synch array: start and length of each sweep (none for gap-free data). */
static void
read_synch_v2 (Reader *r, AbfHeader *h, const Section *synch)
{
  h->synch_start = g_array_new (FALSE, FALSE, sizeof (gint64));
  h->synch_length = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (h->op_mode != 3 && section_ok (r, synch, 8))
    for (gint64 i = 0; i < synch->count; i++)
      {
        gsize e = entry_at (synch, i);
        gint64 st = rd_i32 (r, e), ln = rd_i32 (r, e + 4);
        g_array_append_val (h->synch_start, st);
        g_array_append_val (h->synch_length, ln);
      }
}

/* The DAC entry whose epoch table is the stimulus: the active DAC's, else
 * any enabled DAC's that has one; -1 for none. */
static int
stimulus_dac_v2 (Reader *r, const Section *dacs, const Section *epd, int active)
{
  for (int pass = 0; pass < 2; pass++)
    for (gint64 i = 0; i < dacs->count; i++)
      {
        gsize e = entry_at (dacs, i);
        int num = rd_i16 (r, e);
        if (pass == 0 && num != active)
          continue;
        if (rd_i16 (r, e + 40) == 0)   /* nWaveformEnable */
          continue;
        for (gint64 k = 0; k < epd->count; k++)
          {
            gsize q = entry_at (epd, k);
            if (rd_i16 (r, q + 2) == num && rd_i16 (r, q + 4) != 0)
              return (int) i;
          }
      }
  return -1;
}

/* The DAC entry that gives the holding level: the stimulus DAC, else the
 * last entry of the active DAC, else the first. */
static int
holding_dac_v2 (Reader *r, const Section *dacs, int dac, int active)
{
  int hold_entry = dac;
  if (hold_entry < 0)
    for (gint64 i = 0; i < dacs->count; i++)
      if (rd_i16 (r, entry_at (dacs, i)) == active)
        hold_entry = (int) i;
  return hold_entry < 0 ? 0 : hold_entry;
}

/* The waveform of DAC entry `dac`: its source (epochs or a stimulus file)
 * and the epochs of its DAC number. */
static void
read_waveform_v2 (Reader *r, AbfHeader *h, const Section *dacs, int dac, const Section *epd, GPtrArray *strings)
{
  gsize e = entry_at (dacs, dac);
  int num = rd_i16 (r, e);
  int source = rd_i16 (r, e + 42);
  h->keep_last_level = rd_i16 (r, e + 44) != 0;
  h->waveform_from_epochs = source == 1;
  if (source == 2)
    {
      /* DAC section (ABF 2): fDACFileScale at 46, fDACFileOffset 50, lDACFileEpisodeNum 54,
       * nDACFileADCNum 58, lDACFilePathIndex 118. */
      h->dac_file = g_strdup (string_at (strings, rd_i32 (r, e + 118)));
      h->dac_file_scale = rd_f32 (r, e + 46);
      h->dac_file_offset = rd_f32 (r, e + 50);
      h->dac_file_sweep = rd_i32 (r, e + 54);
      h->dac_file_signal = rd_i16 (r, e + 58);
      if (!h->dac_file[0])
        h->stimulus_note = g_strdup (_("The stimulus came from a stimulus file, which is not rebuilt."));
    }
  for (gint64 k = 0; k < epd->count && h->n_epochs < ABF_MAX_EPOCHS; k++)
    {
      gsize q = entry_at (epd, k);
      if (rd_i16 (r, q + 2) != num)
        continue;
      NdEpochDef *ep = &h->epochs[h->n_epochs++];
      int number = rd_i16 (r, q);
      ep->type = rd_i16 (r, q + 4);
      ep->init_level = rd_f32 (r, q + 6);
      ep->level_inc = rd_f32 (r, q + 10);
      ep->init_duration = rd_i32 (r, q + 14);
      ep->duration_inc = rd_i32 (r, q + 18);
      ep->pulse_period = rd_i32 (r, q + 22);
      ep->pulse_width = rd_i32 (r, q + 26);
      ep->letter = number >= 0 && number < 26 ? (char) ('A' + number) : '?';
    }
}

/* The epoch a user list's parameter code replaces the level or duration
 * of, or -1. Codes as in Axon's ABF 2 headers (ABF_EPOCHCOUNT = 50): 61 + e
 * = level of epoch e, 111 + e = its duration; files written with ABF 1's
 * numbering (ABF_EPOCHCOUNT = 10) use 21 + e and 31 + e
 * (user-list-durations.abf: 35, epoch E's duration, where the recorded
 * command follows the list). */
static int
user_list_epoch (int param, gboolean *is_level)
{
  if (param >= 61 && param < 161)
    return (*is_level = param < 111) ? param - 61 : param - 111;
  if (param >= 21 && param < 41)
    return (*is_level = param < 31) ? param - 21 : param - 31;
  return -1;
}

/* A user list's comma-separated values; malformed ones are left out. */
static GArray *
user_list_values (const char *values)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto (GStrv) parts = g_strsplit (values, ",", -1);
  for (char **p = parts; *p; p++)
    {
      char *end = NULL;
      g_strstrip (*p);
      double v = g_ascii_strtod (*p, &end);
      if (**p && end && *end == '\0' && isfinite (v))
        g_array_append_val (list, v);
    }
  return list;
}

/* User lists: a list of values, one per sweep, replacing an epoch's level
 * or duration (user_list_epoch). nULEnable was found 0 in a file whose
 * recorded command current follows the list (2020_03_02_0000.abf), so the
 * list is applied whenever it names an epoch of the stimulus DAC `num`. */
static void
read_user_lists_v2 (Reader *r, AbfHeader *h, const Section *ul, int num, GPtrArray *strings)
{
  for (gint64 i = 0; i < ul->count && h->n_user_lists < ABF_MAX_EPOCHS; i++)
    {
      gsize e = entry_at (ul, i);
      int list_dac = rd_i16 (r, e), param = rd_i16 (r, e + 4), repeat = rd_i16 (r, e + 6);
      const char *values = string_at (strings, rd_i32 (r, e + 8));
      gboolean is_level = FALSE;
      int epoch = user_list_epoch (param, &is_level);
      if (list_dac != num || epoch < 0 || !values[0])
        continue;
      char letter = (char) ('A' + epoch);
      GArray *list = user_list_values (values);
      h->user_lists[h->n_user_lists++] = list;
      for (guint k = 0; k < h->n_epochs && list->len > 0; k++)
        if (h->epochs[k].letter == letter)
          {
            NdEpochDef *ep = &h->epochs[k];
            if (is_level)
              {
                ep->level_list = (const double *) list->data;
                ep->n_level_list = list->len;
                ep->level_list_repeat = repeat != 0;
              }
            else
              {
                ep->duration_list = (const double *) list->data;
                ep->n_duration_list = list->len;
                ep->duration_list_repeat = repeat != 0;
              }
          }
    }
}

/* The stimulus: the holding level, the stimulus DAC's waveform and its
 * user lists. */
static void
read_stimulus_v2 (Reader *r, AbfHeader *h, const SectionsV2 *s, int active, GPtrArray *strings)
{
  gboolean dacs_ok = section_ok (r, &s->dacs, 46);
  gboolean epd_ok = section_ok (r, &s->epd, 30);
  int dac = dacs_ok && epd_ok ? stimulus_dac_v2 (r, &s->dacs, &s->epd, active) : -1;
  if (dacs_ok)
    {
      gsize e = entry_at (&s->dacs, holding_dac_v2 (r, &s->dacs, dac, active));
      h->have_dac = TRUE;
      h->dac_name = g_strdup (string_at (strings, rd_i32 (r, e + 24)));
      h->dac_units = g_strdup (string_at (strings, rd_i32 (r, e + 28)));
      h->holding = rd_f32 (r, e + 12);
    }
  if (dac < 0)
    return;
  read_waveform_v2 (r, h, &s->dacs, dac, &s->epd, strings);
  if (section_ok (r, &s->ul, 12))
    read_user_lists_v2 (r, h, &s->ul, rd_i16 (r, entry_at (&s->dacs, dac)), strings);
}

static void
add_tags_v2 (NdRecording *rec, Reader *r, const AbfHeader *h, const Section *tags)
{
  for (gint64 i = 0; i < tags->count; i++)
    {
      gsize e = entry_at (tags, i);
      double t = rd_i32 (r, e);
      double s = h->synch_unit_us > 0 ? t * h->synch_unit_us / 1e6 : t * h->sample_us / 1e6;
      g_autofree char *text = rd_string (r, e + 4, 56);
      nd_recording_add_tag (rec, s, text);
    }
}

static gboolean
parse_v2 (Reader *r, AbfHeader *h, NdRecording **tags_into, const char *name, GError **error)
{
  h->version = g_strdup_printf ("%u.%u.%u.%u", rd_u32 (r, 4) >> 24 & 0xff, rd_u32 (r, 4) >> 16 & 0xff,
                                rd_u32 (r, 4) >> 8 & 0xff, rd_u32 (r, 4) & 0xff);
  h->version_major = 2;
  h->n_episodes = rd_u32 (r, 12);
  int fmt = rd_i16 (r, 30);
  guint32 protocol_index = rd_u32 (r, 72);
  if (r->bad)
    return corrupt (error, name, _("the header is cut short"));

  const SectionsV2 s = {
    .prot = rd_section (r, 0), .adc = rd_section (r, 1), .dacs = rd_section (r, 2), .epd = rd_section (r, 5),
    .ul = rd_section (r, 6), .strs = rd_section (r, 9), .data = rd_section (r, 10), .tags = rd_section (r, 11),
    .synch = rd_section (r, 15),
  };
  if (!check_sections_v2 (r, &s, name, error))
    return FALSE;

  gsize p0 = (gsize) s.prot.block * ABF_BLOCK;
  h->op_mode = rd_i16 (r, p0);
  double seq_interval = rd_f32 (r, p0 + 2);
  h->synch_unit_us = rd_f32 (r, p0 + 14);
  h->samples_per_episode = rd_i32 (r, p0 + 22);
  double adc_range = rd_f32 (r, p0 + 110);
  double resolution = rd_i32 (r, p0 + 118);
  gint32 comment_index = rd_i32 (r, p0 + 132);
  int active = rd_i16 (r, p0 + 142);

  if (s.adc.count > ABF_MAX_CHANNELS)
    return corrupt (error, name, _("the number of channels is out of range"));
  if (!(seq_interval > 0.0) || !isfinite (seq_interval))
    return corrupt (error, name, _("the sample interval is not a positive number"));
  h->n_channels = (guint) s.adc.count;
  h->is_float = s.data.bytes == 4 && fmt == 1;
  if (s.data.bytes == 4 && fmt != 1)
    return corrupt (error, name, _("it claims 4-byte samples that are not floating point"));
  h->sample_size = (gsize) s.data.bytes;
  h->data_offset = (gsize) s.data.block * ABF_BLOCK;
  h->data_count = s.data.count;
  h->rate_hz = 1e6 / seq_interval;
  h->sample_us = seq_interval / h->n_channels;

  g_autoptr (GPtrArray) strings = read_strings (r, &s.strs);
  h->protocol_path = g_strdup (string_at (strings, protocol_index));
  h->comment = g_strdup (string_at (strings, comment_index));
  if (!read_channels_v2 (r, h, &s.adc, strings, adc_range, resolution, name, error))
    return FALSE;
  read_synch_v2 (r, h, &s.synch);
  read_stimulus_v2 (r, h, &s, active, strings);
  if (section_ok (r, &s.tags, 64) && tags_into)
    add_tags_v2 (*tags_into, r, h, &s.tags);
  r->bad = FALSE;   /* optional sections past the end were skipped above */
  return TRUE;
}

/* ---- Assembly ------------------------------------------------------------ */

static NdRecording *parse_abf (GBytes *bytes, const char *name, const char *dir, GError **error);

NdRecording *
nd_recording_parse_abf (GBytes *bytes, const char *name, GError **error)
{
  return parse_abf (bytes, name, NULL, error);
}

/* The file name of a path written on Windows or elsewhere. */
static const char *
file_base (const char *path)
{
  const char *base = path;
  for (const char *p = path; *p; p++)
    if (*p == '\\' || *p == '/')
      base = p + 1;
  return base;
}

/* The waveform of the stimulus file the header names, read from `dir` (the
 * recording's folder: Clampex stores the path of the computer it ran on).
 * NULL, with a note on rec, when it is not there or does not fit. */
static double *
read_stimulus_file (NdRecording *rec, const AbfHeader *h, const char *dir, gsize *n_out)
{
  const char *base = file_base (h->dac_file);
  g_autofree char *path = g_build_filename (dir, base, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (GMappedFile) mf = g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_mapped_file_new (path, FALSE, &local)
                                                                           : NULL;
  g_autoptr (GBytes) bytes = mf ? g_mapped_file_get_bytes (mf) : NULL;
  NdRecording *src = bytes ? parse_abf (bytes, base, NULL, &local) : NULL;
  double *w = NULL;
  int sweep = h->dac_file_sweep >= 0 ? h->dac_file_sweep : 0;
  if (src && h->dac_file_signal >= 0 && (guint) h->dac_file_signal < nd_recording_n_signals (src)
      && (guint) sweep < nd_recording_n_sweeps (src))
    {
      gsize n = nd_recording_sweep_length (src, (guint) sweep);
      w = g_new (double, MAX (n, 1));
      if (n > 0 && nd_recording_read (src, (guint) sweep, (guint) h->dac_file_signal, 0, n, w, NULL))
        {
          for (gsize k = 0; k < n; k++)
            w[k] = w[k] * h->dac_file_scale + h->dac_file_offset;
          *n_out = n;
        }
      else
        g_clear_pointer (&w, g_free);
    }
  if (!w)
    g_string_append_printf (rec->notes, _("The stimulus came from the stimulus file “%s”, which is not beside the "
                                          "recording (or not an ABF file with that signal): copy it there to rebuild "
                                          "the stimulus.\n"), base);
  nd_recording_free (src);
  return w;
}

/* The data must hold every sample the header announces, whole frames of
 * all channels. */
static gboolean
check_data (const AbfHeader *h, gsize size, const char *name, GError **error)
{
  guint nch = h->n_channels;
  if (nch == 0)
    return corrupt (error, name, _("it records no channels"));
  if (h->data_count <= 0 || h->data_count % nch != 0)
    return corrupt (error, name, _("the number of samples does not fit the number of channels"));
  gsize avail = h->data_offset < size ? (size - h->data_offset) / h->sample_size : 0;
  if ((guint64) h->data_count > avail)
    {
      g_autofree char *what = g_strdup_printf (_("it is cut short (the header announces %lld samples, the file holds %zu)"),
                                               (long long) h->data_count, avail);
      return corrupt (error, name, what);
    }
  return TRUE;
}

/* Where each sweep starts (in samples of all channels) and how long it is
 * (per channel): one for gap-free data, the sweep table's for
 * variable-length events, else equal episodes. */
typedef struct {
  guint n_sweeps;
  gsize *offsets, *lengths;
  gboolean gapfree;
} SweepLayout;

static gboolean
sweep_layout (const AbfHeader *h, SweepLayout *sl, const char *name, GError **error)
{
  const guint nch = h->n_channels;
  sl->gapfree = h->op_mode == 3 || h->n_episodes <= 0;
  if (sl->gapfree)
    {
      sl->n_sweeps = 1;
      sl->offsets = g_new0 (gsize, 1);
      sl->lengths = g_new0 (gsize, 1);
      sl->lengths[0] = (gsize) (h->data_count / nch);
      return TRUE;
    }
  if (h->op_mode == 1 && h->synch_length->len > 0)
    {
      /* Variable-length events: the sweep table gives each length. */
      sl->n_sweeps = h->synch_length->len;
      sl->offsets = g_new0 (gsize, sl->n_sweeps);
      sl->lengths = g_new0 (gsize, sl->n_sweeps);
      gint64 pos = 0;
      for (guint s = 0; s < sl->n_sweeps; s++)
        {
          gint64 ln = g_array_index (h->synch_length, gint64, s);
          if (ln <= 0 || ln % nch != 0 || ln > h->data_count - pos)
            return corrupt (error, name, _("the sweep table does not match the data"));
          sl->offsets[s] = (gsize) pos;
          sl->lengths[s] = (gsize) (ln / nch);
          pos += ln;
        }
      return TRUE;
    }
  gint64 per = h->samples_per_episode;
  if (per <= 0 || per % nch != 0)
    return corrupt (error, name, _("the sweep length does not fit the number of channels"));
  if (h->n_episodes > h->data_count / per)
    {
      g_autofree char *what = g_strdup_printf (_("it announces %lld sweeps but holds data "
                                                 "for %lld"),
                                               (long long) h->n_episodes, (long long) (h->data_count / per));
      return corrupt (error, name, what);
    }
  sl->n_sweeps = (guint) h->n_episodes;
  sl->offsets = g_new0 (gsize, sl->n_sweeps);
  sl->lengths = g_new0 (gsize, sl->n_sweeps);
  for (guint s = 0; s < sl->n_sweeps; s++)
    {
      sl->offsets[s] = (gsize) s * (gsize) per;
      sl->lengths[s] = (gsize) (per / nch);
    }
  return TRUE;
}

/* Sweeps, their start times (the sweep table's, else their place in the
 * data) and the signals. */
static void
set_sweeps (NdRecording *rec, const AbfHeader *h, const SweepLayout *sl)
{
  const guint nch = h->n_channels;
  nd_recording_set_shape (rec, sl->n_sweeps, nch, h->rate_hz);
  for (guint s = 0; s < sl->n_sweeps; s++)
    {
      rec->sweep_len[s] = sl->lengths[s];
      double start;
      if (s < h->synch_start->len && !sl->gapfree)
        {
          double st = (double) g_array_index (h->synch_start, gint64, s);
          start = h->synch_unit_us > 0 ? st * h->synch_unit_us / 1e6 : st * h->sample_us / 1e6;
        }
      else
        start = (double) sl->offsets[s] / nch / h->rate_hz;
      rec->sweep_start_s[s] = start;
    }
  for (guint i = 0; i < nch; i++)
    nd_recording_set_signal (rec, i, h->names[i], h->units[i], h->is_float ? 1.0 : h->scale[i],
                             h->is_float ? 0.0 : h->offset[i]);
}

/* The stimulus rebuilt from the protocol (epochs, or a stimulus file found
 * in dir), or a note saying why not. */
static void
set_stimulus (NdRecording *rec, const AbfHeader *h, const char *dir, gboolean gapfree)
{
  gboolean supported = TRUE;
  for (guint e = 0; e < h->n_epochs; e++)
    if (h->epochs[e].type < ND_EPOCH_OFF || h->epochs[e].type > ND_EPOCH_PULSE)
      supported = FALSE;
  if (h->stimulus_note)
    g_string_append_printf (rec->notes, "%s\n", h->stimulus_note);
  if (!supported)
    g_string_append_printf (rec->notes, "%s\n",
                            _("The protocol uses epoch types Neurode does not rebuild (triangle, "
                              "cosine or biphasic trains); choose a recorded signal as the stimulus."));
  if (!(h->have_dac && supported))
    return;
  nd_recording_set_protocol (rec, h->dac_name, h->dac_units, h->holding, h->keep_last_level, !gapfree,
                             h->waveform_from_epochs && !gapfree ? h->epochs : NULL,
                             h->waveform_from_epochs && !gapfree ? h->n_epochs : 0);
  gsize nw = 0;
  g_autofree double *w = h->dac_file && h->dac_file[0] && dir ? read_stimulus_file (rec, h, dir, &nw) : NULL;
  if (w)
    nd_recording_set_protocol_waveform (rec, w, nw, file_base (h->dac_file));
  else if (h->dac_file && h->dac_file[0] && !dir)
    g_string_append_printf (rec->notes, "%s\n", _("The stimulus came from a stimulus file, which is not rebuilt."));
}

static NdRecording *
parse_abf (GBytes *bytes, const char *name, const char *dir, GError **error)
{
  gsize size = 0;
  const guint8 *d = g_bytes_get_data (bytes, &size);
  Reader r = { d, size, FALSE };
  AbfHeader h = { 0 };

  if (size < 4 || (memcmp (d, "ABF ", 4) != 0 && memcmp (d, "ABF2", 4) != 0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("“%s” is not an Axon ABF file."), name);
      return NULL;
    }
  gboolean v2 = memcmp (d, "ABF2", 4) == 0;
  if (size < (v2 ? 512 : 1024))
    {
      corrupt (error, name, _("the file is shorter than an ABF header"));
      return NULL;
    }

  NdRecording *rec = nd_recording_new (name, v2 ? "ABF2" : "ABF1");
  SweepLayout sl = { 0 };
  gboolean ok = v2 ? parse_v2 (&r, &h, &rec, name, error) : parse_v1 (&r, &h, name, error);
  if (!ok || !check_data (&h, size, name, error) || !sweep_layout (&h, &sl, name, error))
    {
      g_free (sl.offsets);
      g_free (sl.lengths);
      abf_header_clear (&h);
      nd_recording_free (rec);
      return NULL;
    }
  set_sweeps (rec, &h, &sl);
  g_free (sl.lengths);

  nd_recording_set_text (&rec->version, h.version);
  nd_recording_set_text (&rec->acquisition, operation_mode_name (h.op_mode));
  g_autofree char *pname = protocol_name (h.protocol_path);
  nd_recording_set_text (&rec->protocol, pname);
  nd_recording_set_text (&rec->comment, h.comment);
  if (!v2)
    add_tags_v1 (rec, &r, &h);

  AbfData *a = g_new0 (AbfData, 1);
  a->bytes = g_bytes_ref (bytes);
  a->data = d + h.data_offset;
  a->sample_size = h.sample_size;
  a->is_float = h.is_float;
  a->n_channels = h.n_channels;
  a->sweep_offset = sl.offsets;
  memcpy (a->scale, h.scale, sizeof a->scale);
  memcpy (a->offset, h.offset, sizeof a->offset);
  nd_recording_set_backend (rec, &abf_backend, a);

  set_stimulus (rec, &h, dir, sl.gapfree);
  nd_recording_infer_mode (rec, h.have_dac ? h.dac_units : NULL);
  nd_recording_choose_default_stimulus (rec);
  if (h.membrane_cap_pF > 0.0)
    rec->membrane_cap_pF = h.membrane_cap_pF;
  abf_header_clear (&h);
  return rec;
}

NdRecording *
nd_recording_load_abf (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  GMappedFile *mf = g_mapped_file_new (path, FALSE, &local);
  if (!mf)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Could not read “%s”: %s"), path, local->message);
      return NULL;
    }
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (mf);
  g_mapped_file_unref (mf);
  g_autofree char *base = g_path_get_basename (path), *dir = g_path_get_dirname (path);
  NdRecording *rec = parse_abf (bytes, base, dir, error);
  if (rec)
    nd_recording_set_text (&rec->path, path);
  return rec;
}
