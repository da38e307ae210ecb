#!/usr/bin/env bash
# check-results-cited.sh: every results path the documentation cites exists, and every relative link
# in the benchmark documents resolves. Run from anywhere; exit 1 when something is missing.
#
# It reads the tracked *.md files of the repository (docs, READMEs, the summaries under
# benchmarks/results/) and checks:
#   - each `benchmarks/results/PATH` (templates such as <UTC time> or ... are skipped);
#   - each run directory named on its own (`2026-11-27T040436Z-failover/`, `2026-11-27-jmh-idle/`):
#     it must be a directory under benchmarks/results/;
#   - each relative markdown link [text](path) in docs/BENCHMARKS.md, docs/benchmarks-journal.md and
#     benchmarks/README.md.
# It also lists, for information, the run directories that no document names (candidates to drop).
#
#   benchmarks/scripts/check-results-cited.sh          # -h or --help: this text
set -euo pipefail

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
results=benchmarks/results
missing=0
checked=0
cited_runs=" "

mapfile -t docs < <(git ls-files '*.md')

# Cited paths, as "file:line:path".
while IFS= read -r hit; do
  file="${hit%%:*}" rest="${hit#*:}"
  line="${rest%%:*}" path="${rest#*:}"
  [[ "$path" == *...* ]] && continue        # a pattern such as ...-failover-stop/
  path="${path%.}"                          # a path ending a sentence
  checked=$((checked + 1))
  run="${path#"$results"/}"
  run="${run%%/*}"
  [[ -n "$run" ]] && cited_runs+="$run "
  if [[ ! -e "$path" ]]; then
    echo "missing: $path (cited in $file:$line)"
    missing=$((missing + 1))
  fi
done < <(grep -noE "$results/[A-Za-z0-9._/-]*" "${docs[@]}" /dev/null | sed -E 's/^([^:]*):([0-9]+):/\1:\2:/')

# Run directories named on their own.
while IFS= read -r hit; do
  file="${hit%%:*}" rest="${hit#*:}"
  line="${rest%%:*}" run="${rest#*:}"
  run="${run%/}"
  checked=$((checked + 1))
  cited_runs+="$run "
  if [[ ! -d "$results/$run" ]]; then
    echo "missing: $results/$run/ (named in $file:$line)"
    missing=$((missing + 1))
  fi
done < <(grep -noE '(^|[`( /])20[0-9]{2}-[0-9]{2}-[0-9]{2}(T[0-9]{6}Z)?-[A-Za-z0-9-]*[A-Za-z0-9]/' "${docs[@]}" /dev/null \
  | sed -E 's/^([^:]*):([0-9]+):[`( /]?/\1:\2:/')

# Relative links in the benchmark documents.
for file in docs/BENCHMARKS.md docs/benchmarks-journal.md benchmarks/README.md; do
  [[ -f "$file" ]] || continue
  while IFS= read -r hit; do
    line="${hit%%:*}" target="${hit#*:}"
    target="${target#](}" target="${target%)}" target="${target%%#*}"
    [[ -z "$target" || "$target" == *://* || "$target" == mailto:* ]] && continue
    checked=$((checked + 1))
    if [[ ! -e "$(dirname "$file")/$target" ]]; then
      echo "broken link: $target (in $file:$line)"
      missing=$((missing + 1))
    fi
  done < <(grep -noE '\]\([^)]+\)' "$file")
done

uncited=()
for d in "$results"/*/; do
  d="${d%/}" d="${d##*/}"
  [[ "$cited_runs" == *" $d "* ]] || uncited+=("$d")
done
echo "checked $checked citations and links: $missing missing"
if ((${#uncited[@]} > 0)); then
  echo "run directories no document names: ${uncited[*]}"
fi
((missing == 0))
