// A `stateful` application's workload: a StatefulSet with one volume per pod that outlives the set.
import type { ApplicationSpec } from "../../lib/config/applications";
import { fail, metadataOf, selectorLabels, type BuildContext, type StatefulSetObject } from "./manifest";
import { DATA_VOLUME, podTemplate } from "./pod";

export function statefulSetManifest(app: ApplicationSpec, ctx: BuildContext): StatefulSetObject {
    const storage = app.storage ?? fail(app, "a stateful application needs storage");
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: metadataOf(app),
        spec: {
            serviceName: app.name,
            replicas: app.replicas,
            selector: { matchLabels: selectorLabels(app) },
            podManagementPolicy: "OrderedReady",
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: app.partition } },
            // Data outlives the set: deleting or scaling it down keeps the volumes.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
            revisionHistoryLimit: 5,
            template: podTemplate(app, ctx),
            volumeClaimTemplates: [{
                metadata: { name: DATA_VOLUME, labels: selectorLabels(app) },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: ctx.storageClass,
                    resources: { requests: { storage: `${storage.sizeGiB}Gi` } },
                },
            }],
        },
    };
}
