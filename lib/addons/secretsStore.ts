// The Secrets Store CSI driver and its AWS provider (ASCP): Secrets Manager secrets and SSM
// parameters mounted as files. The driver is its own pinned release (the provider's bundled copy,
// a `^1` range, is off), so the driver itself must request the service account tokens the
// provider 3.x exchanges (IRSA: sts.amazonaws.com; Pod Identity: pods.eks.amazonaws.com).
import { z } from "zod";
import { repo } from "../registries";
import { defineAddon, exactVersion, helmAddon, optionalAddon } from "./declaration";

const DESCRIPTION = "the Secrets Store CSI driver with the AWS provider (Secrets Manager secrets as files)";

export const secretsStore = defineAddon({
    key: "secretsStore",
    description: DESCRIPTION,
    charts: {
        /** The driver; chart version = driver version. */
        secretsStore: {
            chart: "secrets-store-csi-driver",
            repository: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
            version: "1.6.0",
            images: [
                repo("registry.k8s.io", "csi-secrets-store/driver", "linux.image.repository"),
                repo("registry.k8s.io", "csi-secrets-store/driver-crds", "linux.crds.image.repository"),
                repo("registry.k8s.io", "sig-storage/csi-node-driver-registrar", "linux.registrarImage.repository"),
                repo("registry.k8s.io", "sig-storage/livenessprobe", "linux.livenessProbeImage.repository"),
            ],
        },
        /** The AWS provider (ASCP). */
        secretsStoreProviderAws: {
            chart: "secrets-store-csi-driver-provider-aws",
            repository: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
            version: "3.1.1",
            images: [repo("public.ecr.aws", "aws-secrets-manager/secrets-store-csi-driver-provider-aws", "image.repository")],
        },
    },
    config: optionalAddon(helmAddon(true, DESCRIPTION).extend({
        providerVersion: exactVersion.optional().describe("AWS provider chart version; default: the pin in `lib/versions.ts`."),
        providerValues: z.record(z.string(), z.unknown()).default({}).describe("Helm values of the AWS provider chart, merged over the platform's (`values` are the driver's)."),
    }), DESCRIPTION),
    requires: [],
    after: ["karpenter", "calico", "loadBalancerController"],
    hostPorts: {},
    iam: [],
});
