#!/usr/bin/env bash
# Chart snapshots for the chart-truth check (plays/charts.ts), where Helm and the internet are
# available: for every chart the platform pins, <dest>/<chart>-<version>/ gets the chart's
# values.yaml, Chart.yaml, values.schema.json (when it has one) and a SOURCE naming where it is
# published, and the same for the subcharts in its charts/ folder. Usage:
#   bash scripts/chart-snapshots.sh ../shared/charts
# The list comes from the add-on declarations (npx tsx scripts/chartList.ts prints "chart version repository").
set -euo pipefail
dest=${1:?usage: chart-snapshots.sh <dest, e.g. ../shared/charts>}
command -v helm > /dev/null || { echo "chart-snapshots.sh: needs helm (https://helm.sh/docs/intro/install/)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

snapshot() { # <unpacked chart dir> <published at>
  local dir=$1 published=$2 name version out
  name=$(sed -n 's/^name: *//p' "$dir/Chart.yaml" | head -1 | tr -d '"')
  version=$(sed -n 's/^version: *//p' "$dir/Chart.yaml" | head -1 | tr -d '"')
  out="$dest/$name-$version"
  mkdir -p "$out"
  cp "$dir/values.yaml" "$dir/Chart.yaml" "$out/"
  [ -f "$dir/values.schema.json" ] && cp "$dir/values.schema.json" "$out/"
  printf 'chart: %s\nversion: %s\nfiles: %s\nnote: published %s\n' "$name" "$version" "$(cd "$out" && ls | grep -v SOURCE | tr '\n' ' ')" "$published" > "$out/SOURCE"
  for sub in "$dir"/charts/*/; do [ -f "$sub/Chart.yaml" ] && snapshot "$sub" "as a subchart of $name $version"; done
  echo "$out"
}

(cd "$repo" && npx tsx scripts/chartList.ts) | while read -r chart version repository; do
  if [[ $repository == oci://* ]]; then
    helm pull "$repository/$chart" --version "$version" --untar --untardir "$work/$chart-$version"
    snapshot "$work/$chart-$version/$chart" "as $repository/$chart:$version"
  else
    helm pull "$chart" --repo "$repository" --version "$version" --untar --untardir "$work/$chart-$version"
    snapshot "$work/$chart-$version/$chart" "at $repository"
  fi
done
