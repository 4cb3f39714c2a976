/* alloc.h: the numerical core's allocations, checked in one place.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As llm.c's mallocCheck: a failed allocation ends the program with its
 * size and place instead of a NULL that crashes later somewhere else. Code
 * that can go on without the memory (an optional cache, a reader that
 * reports "out of memory") calls malloc itself and checks.
 */
#pragma once

#include <stddef.h>

void *nd_malloc_check (size_t size, const char *file, int line);
void *nd_calloc_check (size_t n, size_t size, const char *file, int line);
void *nd_realloc_check (void *p, size_t size, const char *file, int line);

#define nd_malloc(size) nd_malloc_check ((size), __FILE__, __LINE__)
#define nd_calloc(n, size) nd_calloc_check ((n), (size), __FILE__, __LINE__)
#define nd_realloc(p, size) nd_realloc_check ((p), (size), __FILE__, __LINE__)
