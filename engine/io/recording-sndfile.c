/* recording-sndfile.c: WAV, AIFF and FLAC recordings through libsndfile.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audio files carry no units, so the user states them (NdLoadOptions):
 * every channel is a membrane potential, a full-scale sample (+1.0) standing
 * for audio_mV_per_full_scale millivolts (default 1000 mV: the input read as
 * volts), except the channel named as the stimulus, read as current with
 * audio_pA_per_full_scale picoamperes per full scale (default 1000 pA). The
 * assumptions are written to the recording's notes so they can be shown.
 *
 * The file is memory-mapped and decoded through libsndfile's virtual I/O on
 * demand (seek + read), one sweep-range at a time.
 */

#include <glib/gi18n.h>
#include <sndfile.h>
#include <string.h>

#include "recording-private.h"

typedef struct {
  GBytes *bytes;
  const guint8 *d;
  sf_count_t n, pos;
} Mem;

static sf_count_t
mem_len (void *user)
{
  return ((Mem *) user)->n;
}

static sf_count_t
mem_seek (sf_count_t offset, int whence, void *user)
{
  Mem *m = user;
  sf_count_t p = whence == SEEK_SET ? offset : whence == SEEK_CUR ? m->pos + offset : m->n + offset;
  if (p < 0 || p > m->n)
    return -1;
  m->pos = p;
  return p;
}

static sf_count_t
mem_read (void *ptr, sf_count_t count, void *user)
{
  Mem *m = user;
  sf_count_t left = m->n - m->pos;
  if (count > left)
    count = left;
  if (count <= 0)
    return 0;
  memcpy (ptr, m->d + m->pos, (size_t) count);
  m->pos += count;
  return count;
}

static sf_count_t
mem_write (const void *ptr, sf_count_t count, void *user)
{
  return 0;
}

static sf_count_t
mem_tell (void *user)
{
  return ((Mem *) user)->pos;
}

static SF_VIRTUAL_IO mem_io = { mem_len, mem_seek, mem_read, mem_write, mem_tell };

typedef struct {
  GMutex lock;
  Mem mem;
  SNDFILE *sf;
  int channels;
  double scale[64];
} AudioData;

static gboolean
audio_read (const NdRecording *rec, gpointer data, guint sweep, guint signal,
            gsize first, gsize n, double *out, GError **error)
{
  AudioData *a = data;
  enum { FRAMES = 4096 };
  gboolean ok = TRUE;
  g_mutex_lock (&a->lock);
  double *buf = g_new (double, (gsize) FRAMES * a->channels);
  if (sf_seek (a->sf, (sf_count_t) first, SEEK_SET) < 0)
    ok = FALSE;
  for (gsize done = 0; ok && done < n;)
    {
      sf_count_t want = (sf_count_t) MIN ((gsize) FRAMES, n - done);
      sf_count_t got = sf_readf_double (a->sf, buf, want);
      if (got <= 0)
        {
          ok = FALSE;
          break;
        }
      for (sf_count_t k = 0; k < got; k++)
        out[done + (gsize) k] = buf[(gsize) k * a->channels + signal] * a->scale[signal];
      done += (gsize) got;
    }
  g_free (buf);
  g_mutex_unlock (&a->lock);
  if (!ok)
    g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                 _("Could not decode samples %zu to %zu of “%s”: the audio data are damaged or cut short."),
                 first, first + n, rec->path);
  return ok;
}

static void
audio_destroy (gpointer data)
{
  AudioData *a = data;
  if (a->sf)
    sf_close (a->sf);
  g_bytes_unref (a->mem.bytes);
  g_mutex_clear (&a->lock);
  g_free (a);
}

static const NdRecordingBackend audio_backend = { audio_read, audio_destroy };

static const char *
format_name (int format)
{
  switch (format & SF_FORMAT_TYPEMASK)
    {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64: return "WAV";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_OGG: return "OGG";
    default: return "audio";
    }
}

NdRecording *
nd_recording_parse_sndfile (GBytes *bytes, const char *name, const NdLoadOptions *options,
                            GError **error)
{
  NdLoadOptions defaults;
  if (!options)
    {
      nd_load_options_init (&defaults);
      options = &defaults;
    }
  if (!(options->audio_mV_per_full_scale > 0.0) || !(options->audio_pA_per_full_scale > 0.0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("The audio scales must be positive numbers (mV and pA per full scale)."));
      return NULL;
    }

  AudioData *a = g_new0 (AudioData, 1);
  g_mutex_init (&a->lock);
  gsize size = 0;
  a->mem.bytes = g_bytes_ref (bytes);
  a->mem.d = g_bytes_get_data (bytes, &size);
  a->mem.n = (sf_count_t) size;
  SF_INFO info = { 0 };
  a->sf = sf_open_virtual (&mem_io, SFM_READ, &info, &a->mem);
  if (!a->sf)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is not an audio file Neurode can read (%s)."), name, sf_strerror (NULL));
      audio_destroy (a);
      return NULL;
    }
  if (info.channels < 1 || info.channels > 64 || info.samplerate <= 0 || info.frames <= 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                   _("“%s” holds no usable audio: %d channels, %d Hz, %lld frames."),
                   name, info.channels, info.samplerate, (long long) info.frames);
      audio_destroy (a);
      return NULL;
    }
  int stim = options->audio_stimulus_channel;
  if (stim >= info.channels)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("The stimulus channel %d does not exist: “%s” has %d channels (0 to %d)."),
                   stim, name, info.channels, info.channels - 1);
      audio_destroy (a);
      return NULL;
    }
  a->channels = info.channels;

  NdRecording *rec = nd_recording_new (name, format_name (info.format));
  nd_recording_set_shape (rec, 1, (guint) info.channels, info.samplerate);
  nd_recording_set_text (&rec->acquisition, N_("gap-free"));
  rec->sweep_len[0] = (gsize) info.frames;
  for (int c = 0; c < info.channels; c++)
    {
      g_autofree char *cname = g_strdup_printf ("channel %d", c);
      a->scale[c] = c == stim ? options->audio_pA_per_full_scale : options->audio_mV_per_full_scale;
      nd_recording_set_signal (rec, (guint) c, cname, c == stim ? "pA" : "mV", a->scale[c], 0.0);
    }
  nd_recording_set_backend (rec, &audio_backend, a);

  g_string_append_printf (rec->notes,
                          _("Audio files carry no units: a full-scale sample is read as %g mV%s. "),
                          options->audio_mV_per_full_scale,
                          options->audio_mV_per_full_scale == ND_AUDIO_DEFAULT_MV_PER_FULL_SCALE
                            ? _(" (the default)") : "");
  if (stim >= 0)
    g_string_append_printf (rec->notes, _("Channel %d is the stimulus, %g pA at full scale%s.\n"),
                            stim, options->audio_pA_per_full_scale,
                            options->audio_pA_per_full_scale == ND_AUDIO_DEFAULT_PA_PER_FULL_SCALE
                              ? _(" (the default)") : "");
  else
    g_string_append (rec->notes, _("No channel is the stimulus (the default); name one to fit "
                                   "current-clamp data.\n"));

  nd_recording_infer_mode (rec, stim >= 0 ? "pA" : NULL);
  if (stim >= 0)
    nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, stim, NULL);
  return rec;
}

NdRecording *
nd_recording_load_sndfile (const char *path, const NdLoadOptions *options, GError **error)
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
  g_autofree char *base = g_path_get_basename (path);
  NdRecording *rec = nd_recording_parse_sndfile (bytes, base, options, error);
  if (rec)
    nd_recording_set_text (&rec->path, path);
  return rec;
}
