// The EFS CSI driver as an EKS managed add-on, an encrypted EFS file system and the `efs`
// StorageClass. Its version is pinned per Kubernetes version (lib/versions.ts EKS_ADDON_VERSIONS).
import { defineAddon, eksAddon } from "./declaration";

export const efsCsi = defineAddon({
    key: "efsCsi",
    description: "the EFS CSI driver (EKS add-on), an encrypted EFS file system and the `efs` StorageClass",
    charts: {},
    config: eksAddon("the EFS CSI driver (EKS add-on), an encrypted EFS file system and the `efs` StorageClass"),
    requires: [],
    after: ["karpenter", "calico"],
    hostPorts: {},
    iam: [{ namespace: "kube-system", serviceAccount: "efs-csi-controller-sa", managedPolicies: ["service-role/AmazonEFSCSIDriverPolicy"] }],
});
