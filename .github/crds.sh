#!/usr/bin/env bash
# Fetches the upstream CRDs the tests validate custom resources against into <dest> (CI keeps
# them beside the repository, as ../shared/crds): unmodified files of the pinned releases.
set -euo pipefail
dest=${1:?usage: crds.sh <dest>}
fetch() { # <folder> <url>
  mkdir -p "$dest/$1"
  curl --fail --silent --show-error --location --output "$dest/$1/$(basename "$2")" "$2"
}
karpenter=https://raw.githubusercontent.com/aws/karpenter-provider-aws/v1.14.1/pkg/apis/crds
fetch karpenter-1.14.1 "$karpenter/karpenter.sh_nodepools.yaml"
fetch karpenter-1.14.1 "$karpenter/karpenter.k8s.aws_ec2nodeclasses.yaml"
calico=https://raw.githubusercontent.com/projectcalico/calico/v3.32.1
fetch calico-3.32 "$calico/charts/tigera-operator/crds/operator.tigera.io_installations.yaml"
fetch calico-3.32 "$calico/charts/tigera-operator/crds/operator.tigera.io_apiservers.yaml"
fetch calico-3.32 "$calico/libcalico-go/config/crd/crd.projectcalico.org_ippools.yaml"
