/* swc.c: SWC parsing and validation.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "swc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "morph-error.h"

nd_region
nd_region_from_swc_type (int type)
{
  switch (type)
    {
    case 1: return ND_REGION_SOMA;
    case 2: return ND_REGION_AXON;
    case 3: return ND_REGION_BASAL;
    case 4: return ND_REGION_APICAL;
    default: return ND_REGION_OTHER;
    }
}

static const char *const region_names[ND_N_REGIONS] = { "soma", "axon", "basal", "apical", "other" };

const char *
nd_region_name (nd_region region)
{
  if ((int) region < 0 || region >= ND_N_REGIONS)
    return NULL;
  return region_names[region];
}

int
nd_region_from_name (const char *name)
{
  for (int r = 0; r < ND_N_REGIONS; r++)
    if (name && strcmp (name, region_names[r]) == 0)
      return r;
  return -1;
}

void
nd_swc_free (nd_swc *swc)
{
  if (!swc)
    return;
  free (swc->points);
  free (swc);
}

static const char *const field_names[7] = {
  "id", "type", "x", "y", "z", "radius", "parent id"
};

/* Parses one number occupying the whole token; integers must be whole. */
static int
parse_field (const char *token, int field, double *out)
{
  char *end = NULL;
  errno = 0;
  double value = strtod (token, &end);
  if (end == token || *end != '\0' || errno == ERANGE || !isfinite (value))
    return -1;
  if ((field <= 1 || field == 6) && (value != floor (value) || fabs (value) > 1e15))
    return -1;
  *out = value;
  return 0;
}

static int
compare_by_id (const void *a, const void *b)
{
  const nd_swc_point *pa = a, *pb = b;
  return (pa->id > pb->id) - (pa->id < pb->id);
}

/* Finds the index of `id` in points sorted by id, or -1. */
static int
find_id (const nd_swc_point *points, int n, long id)
{
  int lo = 0, hi = n - 1;
  while (lo <= hi)
    {
      int mid = lo + (hi - lo) / 2;
      if (points[mid].id == id)
        return mid;
      if (points[mid].id < id)
        lo = mid + 1;
      else
        hi = mid - 1;
    }
  return -1;
}

static int
parse_lines (const char *text, size_t len, nd_swc_point **out_points, int *out_n,
             char *err, size_t err_len)
{
  int cap = 256, n = 0, line_no = 0;
  nd_swc_point *points = malloc ((size_t) cap * sizeof *points);
  char *line = NULL;
  size_t line_cap = 0;
  size_t pos = 0;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)   /* UTF-8 byte-order mark */
    pos = 3;

  while (pos < len)
    {
      size_t start = pos;
      while (pos < len && text[pos] != '\n')
        pos++;
      size_t line_len = pos - start;
      pos++;   /* skip the newline */
      line_no++;
      if (line_len + 1 > line_cap)
        {
          line_cap = line_len + 1;
          line = realloc (line, line_cap);
        }
      memcpy (line, text + start, line_len);
      line[line_len] = '\0';
      if (memchr (line, '\0', line_len))
        {
          nd_morph_set_error (err, err_len, "line %d: this is not a text file (SWC files are plain text)", line_no);
          goto fail;
        }
      char *hash = strchr (line, '#');
      if (hash)
        *hash = '\0';

      double values[7];
      int n_fields = 0;
      char *save = NULL;
      for (char *tok = strtok_r (line, " \t\r,", &save); tok; tok = strtok_r (NULL, " \t\r,", &save))
        {
          if (n_fields == 7)
            {
              nd_morph_set_error (err, err_len, "line %d: more than 7 fields (an SWC line is “id type x y z radius parent”)", line_no);
              goto fail;
            }
          if (parse_field (tok, n_fields, &values[n_fields]) < 0)
            {
              if (n_fields <= 1 || n_fields == 6)
                nd_morph_set_error (err, err_len, "line %d: the %s “%.40s” is not a whole number", line_no,
                                    field_names[n_fields], tok);
              else
                nd_morph_set_error (err, err_len, "line %d: the %s “%.40s” is not a number", line_no,
                                    field_names[n_fields], tok);
              goto fail;
            }
          n_fields++;
        }
      if (n_fields == 0)
        continue;
      if (n_fields != 7)
        {
          nd_morph_set_error (err, err_len, "line %d: %d fields instead of 7 (an SWC line is “id type x y z radius parent”)",
                     line_no, n_fields);
          goto fail;
        }
      if (!(values[5] > 0.0))
        {
          nd_morph_set_error (err, err_len, "line %d: point %.0f has radius %g µm; radii must be positive", line_no, values[0], values[5]);
          goto fail;
        }
      if (values[0] < 0)
        {
          nd_morph_set_error (err, err_len, "line %d: the id %.0f is negative", line_no, values[0]);
          goto fail;
        }
      /* The type becomes an int (fuzz-swc found 6.7e11); ids and parents are within ±1e15 (parse_field). */
      if (fabs (values[1]) > 1e6)
        {
          nd_morph_set_error (err, err_len, "line %d: the type %.0f is too large (SWC types are small whole numbers: 1 soma, "
                     "2 axon, 3 basal, 4 apical dendrite)", line_no, values[1]);
          goto fail;
        }
      if (n == cap)
        {
          cap *= 2;
          points = realloc (points, (size_t) cap * sizeof *points);
        }
      points[n] = (nd_swc_point) {
        .id = (long) values[0], .type = (int) values[1],
        .x = values[2], .y = values[3], .z = values[4], .radius = values[5],
        .parent_id = values[6] < 0 ? -1 : (long) values[6], .parent = -1, .line = line_no,
      };
      n++;
    }
  free (line);
  *out_points = points;
  *out_n = n;
  return 0;

fail:
  free (line);
  free (points);
  return -1;
}

/* Ids are unique (points sorted by id). 0, or -1 with the message. */
static int
check_unique_ids (const nd_swc_point *points, int n, char *err, size_t err_len)
{
  for (int i = 1; i < n; i++)
    if (points[i].id == points[i - 1].id)
      {
        nd_morph_set_error (err, err_len, "lines %d and %d: the id %ld is used twice", points[i - 1].line, points[i].line, points[i].id);
        return -1;
      }
  return 0;
}

/* Every point's parent found by id, and the one point without a parent:
 * its index, or -1 with the message. */
static int
link_parents (nd_swc_point *points, int n, char *err, size_t err_len)
{
  int root = -1;
  for (int i = 0; i < n; i++)
    {
      nd_swc_point *p = &points[i];
      if (p->parent_id < 0)
        {
          if (root >= 0)
            {
              nd_morph_set_error (err, err_len, "lines %d and %d: two points without a parent; Neurode reads one connected cell",
                         points[root].line, p->line);
              return -1;
            }
          root = i;
          continue;
        }
      if (p->parent_id == p->id)
        {
          nd_morph_set_error (err, err_len, "line %d: point %ld is its own parent", p->line, p->id);
          return -1;
        }
      p->parent = find_id (points, n, p->parent_id);
      if (p->parent < 0)
        {
          nd_morph_set_error (err, err_len, "line %d: point %ld names parent %ld, which is not in the file", p->line, p->id, p->parent_id);
          return -1;
        }
    }
  if (root < 0)
    nd_morph_set_error (err, err_len, "every point has a parent, so the points form a loop (a cell is a tree with one root)");
  return root;
}

/* Cycles: walk each parent chain; 0 unvisited, 1 on the current walk, 2
 * reaches the root. 0, or -1 with the message. */
static int
check_no_cycles (const nd_swc_point *points, int n, int root, char *err, size_t err_len)
{
  int *state = calloc ((size_t) n, sizeof *state);
  int status = 0;
  state[root] = 2;
  for (int i = 0; i < n; i++)
    {
      int j = i;
      while (state[j] == 0)
        {
          state[j] = 1;
          j = points[j].parent;
        }
      if (state[j] == 1)
        {
          nd_morph_set_error (err, err_len, "line %d: the parents of point %ld lead back to it (a loop); a cell is a tree",
                     points[j].line, points[j].id);
          status = -1;
          break;
        }
      for (j = i; state[j] == 1; j = points[j].parent)
        state[j] = 2;
    }
  free (state);
  return status;
}

/* The tree starts at the soma, which is one piece. 0, or -1 with the message. */
static int
check_soma (const nd_swc_point *points, int n, int root, char *err, size_t err_len)
{
  if (points[root].type != 1)
    {
      int any_soma = 0;
      for (int i = 0; i < n; i++)
        any_soma |= points[i].type == 1;
      if (!any_soma)
        nd_morph_set_error (err, err_len, "the file has no soma point (type 1); Neurode needs a soma to attach the cell to");
      else
        nd_morph_set_error (err, err_len, "line %d: the root point %ld is not a soma point (type 1); "
                   "Neurode needs the tree to start at the soma", points[root].line, points[root].id);
      return -1;
    }
  for (int i = 0; i < n; i++)
    if (points[i].type == 1 && points[i].parent >= 0 && points[points[i].parent].type != 1)
      {
        nd_morph_set_error (err, err_len, "line %d: soma point %ld hangs off a non-soma point; the soma must be one piece at the root",
                   points[i].line, points[i].id);
        return -1;
      }
  return 0;
}

/* The points in a depth-first order from the root that keeps children in id
 * order, parents re-indexed; `points` is freed. */
static nd_swc_point *
depth_first_order (nd_swc_point *points, int n, int root)
{
  /* Children lists in id order through a counting sort. */
  int *first_child = calloc ((size_t) n + 1, sizeof *first_child);
  int *children = malloc ((size_t) n * sizeof *children);
  int *fill = calloc ((size_t) n, sizeof *fill);
  int *stack = malloc ((size_t) n * sizeof *stack);
  int *new_index = malloc ((size_t) n * sizeof *new_index);
  nd_swc_point *sorted = malloc ((size_t) n * sizeof *sorted);
  for (int i = 0; i < n; i++)
    if (points[i].parent >= 0)
      first_child[points[i].parent + 1]++;
  for (int i = 0; i < n; i++)
    first_child[i + 1] += first_child[i];
  for (int i = 0; i < n; i++)
    if (points[i].parent >= 0)
      {
        int p = points[i].parent;
        children[first_child[p] + fill[p]++] = i;
      }
  int top = 0, k = 0;
  stack[top++] = root;
  while (top > 0)
    {
      int i = stack[--top];
      new_index[i] = k;
      sorted[k++] = points[i];
      for (int c = first_child[i + 1] - 1; c >= first_child[i]; c--)
        stack[top++] = children[c];
    }
  for (int i = 0; i < n; i++)
    if (sorted[i].parent >= 0)
      sorted[i].parent = new_index[sorted[i].parent];
  free (points);
  free (first_child);
  free (children);
  free (fill);
  free (stack);
  free (new_index);
  return sorted;
}

/* The lines read, then checked as one tree rooted at the soma, then put in
 * order: by id (as NEURON), unless a parent has a larger id than its child. */
nd_swc *
nd_swc_parse (const char *text, size_t len, char *err, size_t err_len)
{
  nd_swc_point *points = NULL;
  int n = 0;
  if (parse_lines (text, len, &points, &n, err, err_len) < 0)
    return NULL;
  if (n == 0)
    {
      nd_morph_set_error (err, err_len, "the file has no sample points");
      free (points);
      return NULL;
    }
  qsort (points, (size_t) n, sizeof *points, compare_by_id);
  int root = -1;
  if (check_unique_ids (points, n, err, err_len) < 0 || (root = link_parents (points, n, err, err_len)) < 0
      || check_no_cycles (points, n, root, err, err_len) < 0 || check_soma (points, n, root, err, err_len) < 0)
    {
      free (points);
      return NULL;
    }

  int ordered = root == 0;
  for (int i = 0; ordered && i < n; i++)
    if (points[i].parent > i)
      ordered = 0;
  if (!ordered)
    points = depth_first_order (points, n, root);

  nd_swc *swc = malloc (sizeof *swc);
  swc->points = points;
  swc->n_points = n;
  return swc;
}

nd_swc *
nd_swc_read_file (const char *path, char *err, size_t err_len)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    {
      nd_morph_set_error (err, err_len, "cannot open “%s”: %s", path, strerror (errno));
      return NULL;
    }
  /* A device (/dev/zero) or a huge file would be read into memory without end. */
  struct stat st;
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > ND_SWC_MAX_BYTES)
    {
      fclose (f);
      if (S_ISREG (st.st_mode))
        nd_morph_set_error (err, err_len, "“%s” is %.0f MB; a morphology (SWC) file can be at most %d MB", path,
                   st.st_size / 1e6, ND_SWC_MAX_BYTES >> 20);
      else
        nd_morph_set_error (err, err_len, "“%s” is not a file but a device, a pipe or a folder; give an SWC file", path);
      return NULL;
    }
  size_t cap = (size_t) st.st_size + 1, len = 0;
  char *text = malloc (cap);
  size_t got;
  while (text && len < cap && (got = fread (text + len, 1, cap - len, f)) > 0)
    len += got;
  int failed = !text || ferror (f) || len > (size_t) ND_SWC_MAX_BYTES;
  fclose (f);
  if (failed)
    {
      nd_morph_set_error (err, err_len, "cannot read “%s”", path);
      free (text);
      return NULL;
    }
  nd_swc *swc = nd_swc_parse (text, len, err, err_len);
  free (text);
  return swc;
}
