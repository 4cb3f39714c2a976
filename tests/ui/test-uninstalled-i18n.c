/* test-uninstalled-i18n.c: the programs in the build tree speak the user's language before being installed.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the build tree's own neurode-cli and neurode (not test code that binds the catalogues itself) with
 * LANGUAGE=de and with English: neurode-cli --help says "Aufruf:", and the window opened on the demo
 * recording is titled "Unbenannt · hh-demo.csv — Neurode" (read from the X server, as a window manager
 * would). Before app/locale-dir.c both were English, the catalogues being looked for under the prefix.
 */
#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "nd-test-ui.h"

static char **
env_with_language (const char *language)
{
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "LANGUAGE", language, TRUE);
  /* gettext ignores LANGUAGE in the plain C locale. */
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  return env;
}

static void
test_cli (void)
{
  const char *cli = g_getenv ("NEURODE_CLI");
  g_assert_nonnull (cli);
  const struct { const char *language, *usage; } cases[] = { { "de", "Aufruf: neurode-cli" }, { "", "Usage: neurode-cli" } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (GStrv) env = env_with_language (cases[i].language);
      const char *argv[] = { cli, "--help", NULL };
      g_autofree char *out = NULL;
      g_autoptr (GError) error = NULL;
      int status;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
      g_assert_no_error (error);
      g_print ("# LANGUAGE=%s: %.*s\n", cases[i].language, (int) strcspn (out, "\n"), out);
      g_assert_nonnull (strstr (out, cases[i].usage));
    }
}

/* The _NET_WM_NAME of a top-level window whose title names `needle`, or NULL. */
static char *
find_title (Display *dpy, const char *needle)
{
  Window root = DefaultRootWindow (dpy), parent, *children = NULL;
  unsigned n = 0;
  char *found = NULL;
  Atom net_wm_name = XInternAtom (dpy, "_NET_WM_NAME", False), utf8 = XInternAtom (dpy, "UTF8_STRING", False);
  if (!XQueryTree (dpy, root, &root, &parent, &children, &n))
    return NULL;
  for (unsigned i = 0; i < n && !found; i++)
    {
      Atom type;
      int format;
      unsigned long items, after;
      unsigned char *data = NULL;
      if (XGetWindowProperty (dpy, children[i], net_wm_name, 0, 1024, False, utf8, &type, &format, &items, &after,
                              &data) == Success && data)
        {
          if (strstr ((char *) data, needle))
            found = g_strdup ((char *) data);
          XFree (data);
        }
    }
  if (children)
    XFree (children);
  return found;
}

static void
test_window (void)
{
  const char *app = g_getenv ("NEURODE_APP");
  const char *src = g_getenv ("ND_SOURCE_ROOT");
  g_assert_nonnull (app);
  g_assert_nonnull (src);
  g_autofree char *demo = g_build_filename (src, "data", "demo", "hh-demo.csv", NULL);
  Display *dpy = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  const struct { const char *language, *title; } cases[] = {
    { "de", "Unbenannt · hh-demo.csv — Neurode" }, { "", "Untitled · hh-demo.csv — Neurode" }
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (GStrv) env = env_with_language (cases[i].language);
      const char *argv[] = { app, demo, NULL };
      GPid pid;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
      g_assert_no_error (error);
      g_autofree char *title = NULL;
      for (int t = 0; t < 300 && !title; t++)   /* up to 30 s on a loaded machine */
        {
          title = find_title (dpy, "hh-demo.csv");
          if (!title)
            g_usleep (100000);
        }
      kill (pid, SIGTERM);
      int status;
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      g_print ("# LANGUAGE=%s: the window is titled \"%s\"\n", cases[i].language, title ? title : "(none)");
      g_assert_cmpstr (title, ==, cases[i].title);
      /* The next program's window, not this one's, is to be found. */
      for (int t = 0; t < 50 && (title = (g_free (title), find_title (dpy, "hh-demo.csv"))); t++)
        g_usleep (100000);
      g_assert_null (title);
    }
}

int
main (int argc, char *argv[])
{
  nd_test_ui_init (&argc, &argv);
  g_test_add_func ("/uninstalled-i18n/cli", test_cli);
  if (GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    g_test_add_func ("/uninstalled-i18n/window", test_window);
  return g_test_run ();
}
