/* alloc.c: the numerical core's allocations, checked in one place.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>

static void
out_of_memory (size_t size, const char *file, int line)
{
  fprintf (stderr, "neurode: out of memory: %zu bytes could not be allocated (%s:%d)\n", size, file, line);
  abort ();
}

/* A request for 0 bytes may give NULL: that is no failure. */
void *
nd_malloc_check (size_t size, const char *file, int line)
{
  void *p = malloc (size);
  if (!p && size > 0)
    out_of_memory (size, file, line);
  return p;
}

void *
nd_calloc_check (size_t n, size_t size, const char *file, int line)
{
  void *p = calloc (n, size);
  if (!p && n > 0 && size > 0)
    out_of_memory (n > (size_t) -1 / size ? (size_t) -1 : n * size, file, line);
  return p;
}

void *
nd_realloc_check (void *p, size_t size, const char *file, int line)
{
  void *q = realloc (p, size);
  if (!q && size > 0)
    out_of_memory (size, file, line);
  return q;
}
