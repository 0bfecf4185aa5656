// Every pinned version of the platform in one visible place, and the rules between them.
import * as semver from "semver";

/**
 * Kubernetes minor versions EKS offers, with the ends of standard and extended support
 * (EKS Kubernetes version lifecycle; endoflife.date/amazon-eks). Add a row when EKS releases a
 * version; a version past its extended support is refused.
 */
export const EKS_VERSIONS: Record<string, { standardSupportEnd: string; extendedSupportEnd: string }> = {
    "1.31": { standardSupportEnd: "2025-11-26", extendedSupportEnd: "2026-11-26" },
    "1.32": { standardSupportEnd: "2026-03-23", extendedSupportEnd: "2027-03-23" },
    "1.33": { standardSupportEnd: "2026-07-29", extendedSupportEnd: "2027-07-29" },
    "1.34": { standardSupportEnd: "2026-12-02", extendedSupportEnd: "2027-12-02" },
    "1.35": { standardSupportEnd: "2027-03-27", extendedSupportEnd: "2028-03-27" },
    "1.36": { standardSupportEnd: "2027-08-02", extendedSupportEnd: "2028-08-02" },
};

/** kubelet may be at most this many minor versions older than the API server (Kubernetes skew policy). */
export const MAX_KUBELET_SKEW = 3;

export type EksAddonName = "coredns" | "kubeProxy" | "vpcCni" | "ebsCsi" | "efsCsi" | "podIdentityAgent";

/**
 * EKS managed add-on versions per Kubernetes minor version. coredns and kube-proxy: the EKS user
 * guide's tables (managing-coredns, managing-kube-proxy, 2026); vpc-cni: the build EKS offered for
 * 1.35 on 2026-09-23 (one build serves every supported version); EBS CSI, EFS CSI and the Pod
 * Identity agent (add-ons layer): the builds deployed on 1.33-1.35 clusters in 2026 field reports
 * (one build serves every supported version). Check a change with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`.
 */
const STORAGE_ADDONS = { ebsCsi: "v1.66.0-eksbuild.1", efsCsi: "v3.3.0-eksbuild.1", podIdentityAgent: "v1.4.0-eksbuild.2" };

export const EKS_ADDON_VERSIONS: Record<string, Record<EksAddonName, string>> = {
    "1.33": { coredns: "v1.12.4-eksbuild.18", kubeProxy: "v1.33.10-eksbuild.13", vpcCni: "v1.23.1-eksbuild.1", ...STORAGE_ADDONS },
    "1.34": { coredns: "v1.13.2-eksbuild.11", kubeProxy: "v1.34.6-eksbuild.13", vpcCni: "v1.23.1-eksbuild.1", ...STORAGE_ADDONS },
    "1.35": { coredns: "v1.14.3-eksbuild.3", kubeProxy: "v1.35.3-eksbuild.13", vpcCni: "v1.23.1-eksbuild.1", ...STORAGE_ADDONS },
    "1.36": { coredns: "v1.14.3-eksbuild.3", kubeProxy: "v1.36.0-eksbuild.14", vpcCni: "v1.23.1-eksbuild.1", ...STORAGE_ADDONS },
};

export const minorOf = (version: string): number => semver.minor(semver.coerce(version) ?? "0.0.0");

/** Minor versions from `from` to `to` (negative for a downgrade). */
export const minorDistance = (from: string, to: string): number => minorOf(to) - minorOf(from);

export type SupportStatus = "standard" | "extended" | "ended" | "unknown";

export function supportStatus(version: string, today: Date): SupportStatus {
    const row = EKS_VERSIONS[version];
    if (!row) return "unknown";
    const day = today.toISOString().slice(0, 10);
    if (day <= row.standardSupportEnd) return "standard";
    return day <= row.extendedSupportEnd ? "extended" : "ended";
}

/** Why a control-plane change from the deployed version is not allowed, or undefined. */
export function upgradeProblem(deployed: string | undefined, wanted: string): string | undefined {
    if (!deployed || deployed === wanted) return undefined;
    const distance = minorDistance(deployed, wanted);
    if (distance < 0) return `"${wanted}" would downgrade the deployed cluster (${deployed}); EKS cannot downgrade`;
    if (distance > 1) return `"${wanted}" skips ${distance - 1} minor version(s): the deployed cluster runs ${deployed}; upgrade one minor version at a time (next: 1.${minorOf(deployed) + 1})`;
    return undefined;
}

/** The oldest Karpenter release that supports each Kubernetes minor version (Karpenter's compatibility matrix). */
export const KARPENTER_MIN_VERSION: Record<string, string> = {
    "1.31": "1.0.5",
    "1.32": "1.2.0",
    "1.33": "1.5.0",
    "1.34": "1.6.0",
    "1.35": "1.9.0",
    "1.36": "1.13.0",
};

/** Why a Karpenter version cannot run a Kubernetes version, or undefined. */
export function karpenterProblem(karpenter: string, kubernetes: string): string | undefined {
    const min = KARPENTER_MIN_VERSION[kubernetes];
    if (!min) return `Karpenter's support of Kubernetes ${kubernetes} is not known (lib/versions.ts KARPENTER_MIN_VERSION)`;
    return semver.lt(karpenter, min) ? `Karpenter ${karpenter} does not support Kubernetes ${kubernetes} (needs ${min} or later)` : undefined;
}

/** Every chart pin, built from the add-on declarations (lib/addons/<add-on>.ts); Karpenter's charts share `platform:karpenter.version`. */
export { CHARTS, KARPENTER_REPOSITORY, type ChartPin } from "./addons";
