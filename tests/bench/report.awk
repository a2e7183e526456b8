# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# report.awk: the table of tests/bench/relay.sh from its results file, one
# line per round and implementation of KEY=VALUE words (round=, impl=,
# enc=, enc_us=, ...).  Prints each round, then per metric the median
# (min-max) of each implementation and of the ratios ours/debian taken
# round by round: a ratio pairs two runs that met the same machine noise.

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
	ncol = split("enc enc_us enc_busy dec dec_us dec_busy rss0 hwm1 " \
	    "seen bubbles rssN hwmN status", col, " ")
	split("enc/s us/pkt busy% dec/s us/pkt busy% rss0 hwm1 " \
	    "seen bubbl rssN hwmN status", title, " ")
	printf "%-10s", "round"
	for (c = 1; c <= ncol; c++)
		printf " %7s", title[c]
	printf "\n"
	for (l = 1; l <= nl; l++) {
		printf "%-10s", get(l, "round") " " get(l, "impl")
		for (c = 1; c <= ncol; c++)
			printf " %7s", get(l, col[c])
		printf "\n"
	}

	nm = split("enc enc_us enc_out dec dec_us dec_out rss0 hwm1 seen " \
	    "bubbles rssN hwmN", m, " ")
	split("encap_pkt/s encap_us/pkt encap_out/s decap_pkt/s " \
	    "decap_us/pkt decap_out/s rss_idle_kB hwm_runs_kB seen_N " \
	    "bubbles_N rss_N_kB hwm_N_kB", name, " ")
	printf "\n%-13s %-23s %-23s %s\n", "median", "ours (min-max)", \
	    "debian (min-max)", "ours/debian (min-max)"
	for (i = 1; i <= nm; i++) {
		no = nd = nr = 0
		split("", o); split("", d); split("", q)
		for (l = 1; l <= nl; l++) {
			x = get(l, m[i])
			if (x == "-" || x + 0 <= 0)
				continue
			if (get(l, "impl") == "ours") {
				o[++no] = x
				ours[get(l, "round")] = x
			} else if (get(l, "impl") == "debian") {
				d[++nd] = x
				deb[get(l, "round")] = x
			}
		}
		for (r in ours)
			if (r in deb)
				q[++nr] = ours[r] / deb[r]
		split("", ours); split("", deb)
		f = m[i] ~ /_us$/ ? "%.2f" : "%.0f"
		printf "%-13s %-23s %-23s %s\n", name[i], stat(o, no, f), \
		    stat(d, nd, f), stat(q, nr, "%.2f")
	}
}
