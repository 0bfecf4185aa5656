// Which objects an application has, by kind: identity, config and scheduling first, then the
// workload and what serves and protects it.
import type { ApplicationSpec } from "../../lib/config/applications";
import { pdbManifest, hpaManifest, steadyReplicas } from "./availability";
import { configMapManifest, secretProviderClassManifest } from "./configuration";
import { deploymentManifest } from "./deployment";
import { serviceAccountManifest } from "./identity";
import { cronJobManifest, jobManifest } from "./job";
import type { ApplicationObject, BuildContext } from "./manifest";
import { dedicatedNodePoolManifest, priorityClassManifest } from "./scheduling";
import { statefulSetManifest } from "./statefulSet";
import { podMonitorManifest } from "./monitoring";
import { networkPolicyManifests } from "./networking";
import { ingressManifest, serviceManifest } from "./traffic";

const optional = <T>(o: T | undefined): T[] => (o ? [o] : []);

/** Every object of an application, dependencies (identity, config, scheduling) before the workload. */
export function objectsOf(app: ApplicationSpec, ctx: BuildContext): ApplicationObject[] {
    const supporting: ApplicationObject[] = [
        serviceAccountManifest(app, ctx.identity),
        ...(Object.keys(app.config).length > 0 ? [configMapManifest(app)] : []),
        ...(app.secrets.length > 0 ? [secretProviderClassManifest(app, ctx.identity)] : []),
        ...optional(priorityClassManifest(app)),
        ...optional(dedicatedNodePoolManifest(app, ctx.nodeClassName ?? "default")),
        ...networkPolicyManifests(app, ctx),
    ];
    const monitor = ctx.monitoring ? optional(podMonitorManifest(app)) : [];
    const pdb = steadyReplicas(app) > 1 ? [pdbManifest(app)] : [];
    switch (app.kind) {
        case "service":
            return [
                ...supporting,
                deploymentManifest(app, ctx),
                serviceManifest(app, ctx),
                hpaManifest(app),
                ...pdb,
                ...(app.ingress ? [ingressManifest(app, ctx)] : []),
                ...monitor,
            ];
        case "stateful":
            return [...supporting, statefulSetManifest(app, ctx), serviceManifest(app, ctx), ...pdb, ...monitor];
        case "job":
            return [...supporting, jobManifest(app, ctx), ...monitor];
        case "cronjob":
            return [...supporting, cronJobManifest(app, ctx), ...monitor];
    }
}
