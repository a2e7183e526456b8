# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# report.awk: the tables of tests/bench/*.sh from a results file, one line
# per round and implementation of KEY=VALUE words (round=, impl=, ...).
# Prints each round (the keys in -v cols, headed by -v titles), then per
# metric (the keys in -v metrics, named by -v names) the median (min-max)
# of each implementation and of the ratios ours/debian taken round by
# round: a ratio pairs two runs that met the same machine noise.
# -v ours=IMPL compares that implementation (default "ours") with
# debian; -v notable=1 leaves out the table of rounds.  -v vs="IMPL..."
# adds a table of those implementations against ours for the keys in
# -v vsmetrics: the median of each and of the ratios ours/IMPL.  Keys
# ending in _us or _ns are printed with two decimals.

function sort(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
}

function stat(a, n, f,   m) {
	if (n == 0)
		return "n/a"
	sort(a, n)
	m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	return sprintf(f " (" f "-" f ")", m, a[1], a[n])
}

function get(r, k) {
	return (r, k) in v ? v[r, k] : "-"
}

# collect(k, impl, out): the positive values of key k of impl's lines
# into out[1..n] (returned), and by round into byr[impl, round].
function collect(k, impl, out,   l, x, n) {
	n = 0
	for (l = 1; l <= nl; l++) {
		if (get(l, "impl") != impl)
			continue
		x = get(l, k)
		if (x == "-" || x + 0 <= 0)
			continue
		out[++n] = x + 0
		byr[impl, get(l, "round")] = x + 0
	}
	return n
}

# ratios(a, b, out): a's value / b's of the same round, from byr.
function ratios(a, b, out,   k, n, p) {
	n = 0
	for (k in byr) {
		split(k, p, SUBSEP)
		if (p[1] == a && (b, p[2]) in byr)
			out[++n] = byr[k] / byr[b, p[2]]
	}
	return n
}

function fmt(k) {
	return k ~ /_(us|ns)$/ ? "%.2f" : "%.0f"
}

{
	nl++
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (eq > 0)
			v[nl, substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
}

END {
	if (ours == "")
		ours = "ours"
	if (notable)
		nl0 = 0
	else
		nl0 = nl
	ncol = split(cols, col, " ")
	split(titles, title, " ")
	if (nl0 > 0) {
		printf "%-14s", "round"
		for (c = 1; c <= ncol; c++)
			printf " %7s", title[c]
		printf "\n"
	}
	for (l = 1; l <= nl0; l++) {
		printf "%-14s", get(l, "round") " " get(l, "impl")
		for (c = 1; c <= ncol; c++)
			printf " %7s", get(l, col[c])
		printf "\n"
	}

	nm = split(metrics, m, " ")
	split(names, name, " ")
	printf "\n%-13s %-23s %-23s %s\n", "median", ours " (min-max)", \
	    "debian (min-max)", ours "/debian (min-max)"
	for (i = 1; i <= nm; i++) {
		split("", byr); split("", o); split("", d); split("", q)
		no = collect(m[i], ours, o)
		nd = collect(m[i], "debian", d)
		nr = ratios(ours, "debian", q)
		f = fmt(m[i])
		printf "%-13s %-23s %-23s %s\n", name[i], stat(o, no, f), \
		    stat(d, nd, f), stat(q, nr, "%.2f")
	}
	if (vs == "")
		exit
	nv = split(vs, vi, " ")
	nm = split(vsmetrics, m, " ")
	split(vsnames, name, " ")
	printf "\n%-13s", "median"
	for (j = 1; j <= nv; j++)
		printf " %9s %-18s", vi[j], ours "/" vi[j] " (min-max)"
	printf "\n"
	for (i = 1; i <= nm; i++) {
		printf "%-13s", name[i]
		for (j = 1; j <= nv; j++) {
			split("", byr); split("", o); split("", q)
			collect(m[i], ours, o)
			nd = collect(m[i], vi[j], d)
			nr = ratios(ours, vi[j], q)
			x = stat(d, nd, fmt(m[i]))
			sub(/ .*/, "", x)
			printf " %9s %-18s", x, stat(q, nr, "%.2f")
		}
		printf "\n"
	}
}
