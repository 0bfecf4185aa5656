// platform:addons:SecretsStore: the Secrets Store CSI driver and its AWS provider, so pods mount
// Secrets Manager secrets (and SSM parameters) as files. The driver is its own pinned release; the
// provider's bundled copy of it (a `^1` range, not a pin) is turned off. Both are DaemonSets on
// every node. Pods read secrets with their own service account's role, not the provider's.
import type { Addon, AddonContext } from "../addon";
import { everyNode } from "../../lib/placement";
import { secretsStore as declaration } from "../../lib/addons/secretsStore";
import { addonRelease, AddonGroup } from "./common";

export const SECRETS_STORE_NAMESPACE = "kube-system";
/** The token audiences the AWS provider needs of the driver: IRSA (STS) and EKS Pod Identity. */
export const SECRETS_PROVIDER_AUDIENCES = ["sts.amazonaws.com", "pods.eks.amazonaws.com"] as const;
/** How often the driver re-reads mounted secrets (from 1.6.0 also the shortest time it caches them). */
export const ROTATION_POLL_INTERVAL = "2m";

export function driverValues() {
    return {
        // Secrets can also be synced into Kubernetes Secrets (env vars, ingress TLS).
        syncSecret: { enabled: true },
        enableSecretRotation: true,
        rotationPollInterval: ROTATION_POLL_INTERVAL,
        // The AWS provider 3.x exchanges the pod's service account token the driver requests for it:
        // STS's audience for IRSA, EKS Pod Identity's for Pod Identity (the provider's README,
        // "Separate CSI Driver Installation"). Without them no secret ever mounts.
        tokenRequests: SECRETS_PROVIDER_AUDIENCES.map((audience) => ({ audience })),
        linux: { ...everyNode() },
    };
}

export function providerValues() {
    return {
        "secrets-store-csi-driver": { install: false },
        ...everyNode(),
    };
}

class SecretsStore extends AddonGroup {
    constructor(ctx: AddonContext, opts: Parameters<Addon["install"]>[1]) {
        const name = `${ctx.clusterName}-secrets-store`;
        super("SecretsStore", name, opts);
        const config = ctx.config.addons.secretsStore;
        const driver = addonRelease(ctx, `${name}-csi-driver`, {
            key: "secretsStore",
            pin: declaration.charts.secretsStore,
            releaseName: "secrets-store-csi-driver",
            namespace: SECRETS_STORE_NAMESPACE,
            values: () => driverValues(),
        }, this.child(opts));
        addonRelease(ctx, `${name}-provider-aws`, {
            key: "secretsStore",
            pin: declaration.charts.secretsStoreProviderAws,
            version: config.providerVersion,
            overrides: config.providerValues,
            releaseName: "secrets-store-csi-driver-provider-aws",
            namespace: SECRETS_STORE_NAMESPACE,
            values: () => providerValues(),
        }, this.child(opts, [driver]));
    }
}

export const secretsStore: Addon = {
    declaration,
    install: (ctx, opts) => new SecretsStore(ctx, opts),
};
