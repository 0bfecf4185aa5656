// Karpenter's charts: the CRDs and the controller share one version, `platform:karpenter.version`
// (default: this pin; its config schema is `karpenterSchema` in lib/config/addons.ts, under
// `platform:karpenter`). The add-ons layer builds it first (addons/karpenter/): every other
// add-on's pods run on the nodes it launches; the controller runs on Fargate with IRSA.
import { repo } from "../registries";
import type { ChartDeclaration } from "./declaration";

export const KARPENTER_REPOSITORY = "oci://public.ecr.aws/karpenter";
export const KARPENTER_VERSION = "1.14.1";

export const KARPENTER_CHARTS = {
    /** CRDs from their own release: Helm never upgrades the CRDs a chart ships in crds/. */
    karpenterCrd: { chart: "karpenter-crd", repository: KARPENTER_REPOSITORY, version: KARPENTER_VERSION, images: [] },
    karpenter: {
        chart: "karpenter",
        repository: KARPENTER_REPOSITORY,
        version: KARPENTER_VERSION,
        images: [repo("public.ecr.aws", "karpenter/controller", "controller.image.repository")],
    },
} as const satisfies Record<string, ChartDeclaration>;
