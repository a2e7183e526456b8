/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef MIREDO_DARWIN_SHIM_PATHS_H
#define MIREDO_DARWIN_SHIM_PATHS_H

/*
 * Check-only stand-in for macOS <paths.h>, which zig 0.11 does not ship
 * (it has only <sys/paths.h>).  Searched with -idirafter, so Apple's own
 * header wins on a real macOS.  The values are the ones paths(3) lists.
 */
#define _PATH_BSHELL	"/bin/sh"
#define _PATH_DEVNULL	"/dev/null"
#define _PATH_TTY	"/dev/tty"
#define _PATH_VARRUN	"/var/run/"

#endif /* MIREDO_DARWIN_SHIM_PATHS_H */
