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
# debian; -v notable=1 leaves out the table of rounds.

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
		no = nd = nr = 0
		split("", o); split("", d); split("", q)
		for (l = 1; l <= nl; l++) {
			x = get(l, m[i])
			if (x == "-" || x + 0 <= 0)
				continue
			if (get(l, "impl") == ours) {
				o[++no] = x + 0
				our[get(l, "round")] = x
			} else if (get(l, "impl") == "debian") {
				d[++nd] = x + 0
				deb[get(l, "round")] = x
			}
		}
		for (r in our)
			if (r in deb)
				q[++nr] = our[r] / deb[r]
		split("", our); split("", deb)
		f = m[i] ~ /_us$/ ? "%.2f" : "%.0f"
		printf "%-13s %-23s %-23s %s\n", name[i], stat(o, no, f), \
		    stat(d, nd, f), stat(q, nr, "%.2f")
	}
}
