/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef MIREDO_SHIM_NETINET6_ND6_H
#define MIREDO_SHIM_NETINET6_ND6_H

/* CHECK-ONLY stand-in for macOS <netinet6/nd6.h>: see in6_var.h here. */

#define ND6_INFINITE_LIFETIME	0xffffffffU

#endif /* MIREDO_SHIM_NETINET6_ND6_H */
