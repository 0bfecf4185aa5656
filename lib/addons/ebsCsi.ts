// The EBS CSI driver as an EKS managed add-on, with the default `gp3` StorageClass (encrypted with
// the platform's key). Its version is pinned per Kubernetes version (lib/versions.ts EKS_ADDON_VERSIONS).
import { defineAddon, eksAddon } from "./declaration";

export const ebsCsi = defineAddon({
    key: "ebsCsi",
    description: "the EBS CSI driver (EKS add-on) and the default `gp3` StorageClass",
    charts: {},
    config: eksAddon("the EBS CSI driver (EKS add-on) and the default `gp3` StorageClass"),
    requires: [],
    after: ["karpenter", "calico"],
    hostPorts: {},
    iam: [{
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
        inline: "the platform's KMS key for encrypted volumes (addons/storage.ts kmsForVolumes)",
    }],
});
