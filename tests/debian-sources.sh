#!/bin/bash
# Prints this machine's Debian sources as one-line entries for mmdebstrap
# (other archives are left out: a newcomer's Debian 12 has only Debian's).
# Used by make check-fresh and by the scenarios' systemd root.
set -euo pipefail
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -r "$f" ] || continue
	grep -E '^[[:space:]]*deb[[:space:]]' "$f" | grep -F debian.org | sed 's/\[[^]]*\]//' || true
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		types = uris = suites = comps = ""; on = 1
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^#/) continue
			split($i, kv, ":[[:space:]]*"); k = tolower(kv[1]); v = substr($i, length(kv[1]) + 2)
			sub(/^[[:space:]]+/, "", v)
			if (k == "types") types = v; else if (k == "uris") uris = v
			else if (k == "suites") suites = v; else if (k == "components") comps = v
			else if (k == "enabled" && v == "no") on = 0
		}
		if (!on || types !~ /(^| )deb( |$)/) next
		n = split(uris, u, " "); m = split(suites, s, " ")
		for (a = 1; a <= n; a++) for (b = 1; b <= m; b++)
			if (u[a] ~ /debian\.org/) print "deb " u[a] " " s[b] " " comps
	}' "$f"
done
