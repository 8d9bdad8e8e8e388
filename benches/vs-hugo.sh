#!/usr/bin/env bash
# scholia beside Hugo on the same generated Markdown.
#
# usage: benches/vs-hugo.sh [READINGS [RUNS]]      (defaults: 1000 readings, 3 runs each)
#        KEEP=1 benches/vs-hugo.sh …   keeps the temporary folder, to look at both sites
#
# 1. builds the release `scholia` and the `corpus` example (benches/corpus/), and writes
#    the benchmark's site (READINGS readings, 2,000 shared glosses, seed 8) to a
#    temporary folder;
# 2. makes a Hugo site of the same readings: each `index.md` copied as a leaf bundle
#    (Hugo reads scholia's YAML front matter as it is: title and date; the other fields
#    become page params), no annotations, minimal layouts written here;
# 3. alternates `scholia build` (the whole site: annotations anchored, every page
#    templated, the W3C export) and `hugo`, RUNS times each, each into a fresh output
#    folder, timed by GNU time;
# 4. prints the median wall and CPU time and the peak memory of each, what each wrote,
#    and the ratio scholia/Hugo.
#
# Needs Hugo (Debian's package: `sudo apt-get install -y hugo`, 0.111 on Debian 12) and
# GNU time (`sudo apt-get install -y time`). See docs/performance.md for the figures.
set -euo pipefail

readings=${1:-1000}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v hugo >/dev/null; then
    echo "Hugo is not installed. On Debian or Ubuntu: sudo apt-get install -y hugo" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "GNU time is not installed. On Debian or Ubuntu: sudo apt-get install -y time" >&2
    exit 2
fi

(cd "$repo" && cargo build --quiet --release --bin scholia --example corpus)
scholia="$repo/target/release/scholia"

work=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then
    echo "keeping $work (KEEP is set)"
else
    trap 'rm -rf "$work"' EXIT
fi
"$repo/target/release/examples/corpus" "$work/site" "$readings"

# The Hugo site: the same Markdown, nothing else.
hugo_site="$work/hugo"
mkdir -p "$hugo_site/content" "$hugo_site/layouts/_default"
for reading in "$work/site/content"/*/; do
    slug=$(basename "$reading")
    mkdir "$hugo_site/content/$slug"
    cp "$reading/index.md" "$hugo_site/content/$slug/index.md"
done
cat >"$hugo_site/config.toml" <<'EOF'
baseURL = "https://example.org/"
languageCode = "en"
title = "A library of readings"
relativeURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
# The readings' dates run to December 2026.
buildFuture = true
[markup.goldmark.renderer]
# The author's inline HTML is kept, as scholia keeps it.
unsafe = true
EOF
cat >"$hugo_site/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
EOF
cat >"$hugo_site/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ with .Params.subtitle }}<p>{{ . }}</p>{{ end }}
{{ .Content }}</article>{{ end }}
EOF
cat >"$hugo_site/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF

# One timed run: wall, user + system, peak KiB, into the named list.
timed() {
    local list=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/log" || {
        echo "failed: $*" >&2
        cat "$work/log" >&2
        exit 1
    }
    read -r wall user sys kib <"$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    echo "$wall $cpu $kib" >>"$work/times-$list"
    printf '  %-7s wall %6.2f s, CPU %6.2f s, peak %4d MiB\n' "$list" "$wall" "$cpu" $((kib / 1024))
}

median() { # column of a list
    sort -g -k"$2" "$work/times-$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$scholia" --version 2>/dev/null || echo scholia), $(hugo version | cut -d' ' -f1-2)"
for run in $(seq "$runs"); do
    echo "run $run of $runs"
    rm -rf "$work/scholia-public" "$work/hugo-public"
    timed scholia "$scholia" build --root "$work/site" --output "$work/scholia-public"
    timed hugo hugo --quiet --source "$hugo_site" --destination "$work/hugo-public"
done

written() { # files and MB (of the files alone) under a folder
    find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d files, %.1f MB", n, b / 1e6 }'
}
s_wall=$(median scholia 1)
h_wall=$(median hugo 1)
echo
echo "$readings readings, median of $runs alternating runs:"
printf '  scholia build  wall %6.2f s, CPU %6.2f s, peak %4d MiB, %s (with annotations)\n' \
    "$s_wall" "$(median scholia 2)" $(($(median scholia 3) / 1024)) "$(written "$work/scholia-public")"
printf '  hugo           wall %6.2f s, CPU %6.2f s, peak %4d MiB, %s (the Markdown alone)\n' \
    "$h_wall" "$(median hugo 2)" $(($(median hugo 3) / 1024)) "$(written "$work/hugo-public")"
echo "  scholia/Hugo: $(awk -v s="$s_wall" -v h="$h_wall" 'BEGIN { printf "%.2f", s / h }')× (target ≤ 0.35×)"
