#!/usr/bin/env bash
# The upstream CRDs the tests (and the chart-truth play) validate custom resources against:
# unmodified files of the pinned releases, each checked against its SHA-256.
#   scripts/crds.sh            nothing to do when ../shared/crds exists (CI, this project's machines);
#                              otherwise fetches them into .fixtures/crds (gitignored), which lib/crds.ts reads
#   scripts/crds.sh <dest>     fetches them into <dest> (e.g. shared/crds beside the checkout in CI)
# `npm test` runs it first, so `npm ci && npm test` works on a clone without ../shared (it needs the internet once).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
  if [ -d "$repo/../shared/crds" ]; then exit 0; fi
  dest="$repo/.fixtures/crds"
else
  dest=$1
fi

# folder  sha256  url (pinned to a release tag)
karpenter=https://raw.githubusercontent.com/aws/karpenter-provider-aws/v1.14.1/pkg/apis/crds
# From v3.32 the Calico CRDs live in the crd.projectcalico.org.v1 chart (no longer in charts/tigera-operator/crds/).
calico=https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/charts/crd.projectcalico.org.v1/templates
kps=https://raw.githubusercontent.com/prometheus-community/helm-charts/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/charts/crds/crds
sscsi=https://raw.githubusercontent.com/kubernetes-sigs/secrets-store-csi-driver/v1.6.0/charts/secrets-store-csi-driver/crds
FILES="
karpenter-1.14.1 3bb64a20c80776b77aa19a699ebdaf34480a7b2e7ec4ef890b43225b3517f878 $karpenter/karpenter.sh_nodepools.yaml
karpenter-1.14.1 62dec59f01c0972d4503ca3ed25f243ba9c2f561be0d964ce7a14c8df406132f $karpenter/karpenter.k8s.aws_ec2nodeclasses.yaml
calico-3.32 3633c9740039aa8d64f54298606d08faf15f7407c61ae26dcad5820cf6b3431b $calico/operator.tigera.io_installations.yaml
calico-3.32 364e2b60112e91706490b8b8869dd0cf6558d180b86da9f444edce42745a5819 $calico/operator.tigera.io_apiservers.yaml
calico-3.32 c2f01ff11ffa280dfd8a9125741c834ea5c721a63b5e77946929712fe2fd45cd $calico/calico/crd.projectcalico.org_ippools.yaml
prometheus-operator-kube-prometheus-stack-88.5.3 3322d612f23bf144c887c94bf247b0b4a69189adf37c0d482d2c6267ffe906ab $kps/crd-servicemonitors.yaml
prometheus-operator-kube-prometheus-stack-88.5.3 41de2587baafa31240438654a3ae5dc19ef40296c31cb186855fa4ce85b03fb9 $kps/crd-podmonitors.yaml
prometheus-operator-kube-prometheus-stack-88.5.3 72b1e5f9959e67990d1598eb31b24ca4415007e31df3916356ef216316b2bf40 $kps/crd-prometheusrules.yaml
secrets-store-csi-driver-1.6.0 ef1623b34403bb11311fc92763b5b364ba456a166f1637eeec8d29052dd115f3 $sscsi/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml
"

echo "$FILES" | while read -r folder sum url; do
  [ -n "$folder" ] || continue
  file="$dest/$folder/$(basename "$url")"
  if [ -f "$file" ] && echo "$sum  $file" | sha256sum --check --status; then continue; fi
  mkdir -p "$dest/$folder"
  curl --fail --silent --show-error --location --output "$file.part" "$url"
  if ! echo "$sum  $file.part" | sha256sum --check --status; then
    echo "crds.sh: $url does not have the pinned SHA-256 $sum" >&2
    rm -f "$file.part"
    exit 1
  fi
  mv "$file.part" "$file"
done
echo "upstream CRDs in $dest"
