// kubernetes-replicator: copies Secrets and ConfigMaps across namespaces on annotation. The chart
// hard-codes one replica (no replicas value, hence no disruption budget).
import type { Addon } from "../addon";
import { onAddonsPool } from "../../lib/placement";
import { replicator as declaration } from "../../lib/addons/replicator";
import { addonRelease } from "./common";

export function replicatorValues() {
    return {
        ...onAddonsPool(),
        // Never cluster-admin: only the kinds it replicates.
        grantClusterAdmin: false,
        replicationEnabled: { secrets: true, configMaps: true, roles: false, roleBindings: false, serviceAccounts: false },
    };
}

export const replicator: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-replicator`, {
            key: "replicator",
            pin: declaration.charts.replicator,
            releaseName: "kubernetes-replicator",
            namespace: "kube-system",
            values: () => replicatorValues(),
        }, opts),
};
