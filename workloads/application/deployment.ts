// A `service` application's workload: a Deployment whose replica count its autoscaler owns.
import type { ApplicationSpec } from "../../lib/config/applications";
import { metadataOf, selectorLabels, type BuildContext, type DeploymentObject } from "./manifest";
import { podTemplate } from "./pod";

export function deploymentManifest(app: ApplicationSpec, ctx: BuildContext): DeploymentObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: metadataOf(app),
        spec: {
            selector: { matchLabels: selectorLabels(app) },
            revisionHistoryLimit: 5,
            minReadySeconds: 5,
            progressDeadlineSeconds: 600,
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: app.rollout.maxSurge, maxUnavailable: app.rollout.maxUnavailable } },
            template: podTemplate(app, ctx),
        },
    };
}
