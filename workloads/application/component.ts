// platform:workloads:Application: one application of a team, built the way the platform
// recommends. Every Kubernetes object comes from a pure builder of the application's config and
// what the other layers offer (as inputs), built once; the component registers them, with the
// application's AWS identity (lib/podIdentity.ts) when it needs one.
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../../lib/placement";
import type { addonsContract } from "../../addons/contract";
import type { PodCompute } from "../../lib/applicationIdentity";
import { ALB_INGRESS_CLASS, type AddonsOffer } from "../../lib/config/addonNeeds";
import type { ApplicationSpec } from "../../lib/config/applications";
import type { PodNetworkMode } from "../../lib/config/schema";
import { dependenciesOf } from "../../lib/dependencies";
import { policy } from "../../lib/iam";
import type { WiredContract } from "../../lib/layer";
import { PodAwsIdentity, type OidcProvider } from "../../lib/podIdentity";
import { needsRole, roleStatements } from "./identity";
import { fail, WORKLOAD_KINDS } from "./manifest";
import type { AwsReach } from "./manifest";
import { objectsOf } from "./objects";
import { register } from "./register";

export interface ApplicationArgs {
    app: ApplicationSpec;
    /** The add-ons layer's outputs. */
    addons: WiredContract<typeof addonsContract>;
    /** What the add-ons layer offers, from the config (the config rules checked the application's needs against it). */
    offer: Pick<AddonsOffer, "defaultStorageClass">;
    /** The cluster: its name (EKS Pod Identity) and OIDC provider (IRSA, on Fargate). */
    clusterName: pulumi.Input<string>;
    oidc: OidcProvider;
    /** Where its pods run (lib/applicationIdentity.ts applicationCompute): the mechanism of its AWS identity. */
    compute: PodCompute;
    /** The team's dedicated pool, if it has one (an application's own `dedicatedNode` wins). */
    placement?: Placement;
    provider: k8s.Provider;
    production: boolean;
    /** The pod network (config): load balancer targets follow it. */
    podNetwork: PodNetworkMode;
    /** Whether prometheus-operator runs (config): applications with metrics get a PodMonitor. */
    monitoring: boolean;
    /** How pods reach the AWS APIs (network layer, and the S3 gateway's ranges). */
    awsReach: pulumi.Input<AwsReach>;
}

export class Application extends pulumi.ComponentResource {
    /** The IAM role of the application's service account, when it has one. */
    readonly roleArn: pulumi.Output<string | undefined>;
    /** The kinds of the Kubernetes objects registered, in order. */
    readonly kinds: string[];

    constructor(name: string, args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Application", name, {}, opts);
        const { app, addons } = args;
        const identity = needsRole(app) ? this.identity(name, args) : undefined;
        this.roleArn = identity ? identity.roleArn : pulumi.output(undefined);

        // The config rules (lib/config/addonNeeds.ts) refused an application whose classes the add-ons do not offer.
        const objects = objectsOf(app, {
            storageClass: app.storage ? app.storage.storageClass ?? args.offer.defaultStorageClass ?? fail(app, "asks for a volume of the default StorageClass, and there is none") : "",
            ingressClass: app.ingress ? ALB_INGRESS_CLASS : "",
            identity: identity && { mechanism: identity.mechanism, serviceAccountAnnotations: identity.annotations },
            nodeClassName: addons.nodeClassName,
            placement: args.placement,
            production: args.production,
            podNetwork: args.podNetwork,
            monitoring: args.monitoring,
            awsReach: args.awsReach,
            accessLogBucket: addons.accessLogBucket,
        });

        const registered: pulumi.CustomResource[] = [];
        this.kinds = objects.map((o) => o.kind);
        for (const o of objects) {
            // Every object waits for what the application waits for (its team's namespace): children do not inherit dependsOn.
            // A workload also waits for its identity: EKS Pod Identity only injects credentials into pods created after the association.
            const dependsOn = [...dependenciesOf(opts), ...(WORKLOAD_KINDS.has(o.kind) ? [...registered, ...(identity?.ready ?? [])] : [])];
            // An application has one object of each kind, except its network policies (named after their purpose).
            const id = o.kind === "NetworkPolicy" ? `${name}-${o.metadata.name.replace(`${app.name}-`, "")}` : `${name}-${o.kind.toLowerCase()}`;
            registered.push(register(id, o, { parent: this, provider: args.provider, dependsOn }));
        }
        this.registerOutputs({ roleArn: this.roleArn });
    }

    /** The application's AWS identity: a role only its service account may assume, through EKS Pod Identity or (on Fargate) IRSA. */
    private identity(name: string, args: ApplicationArgs): PodAwsIdentity {
        const { app } = args;
        const inline = app.serviceAccount.iamStatements.length > 0 || app.secrets.length > 0;
        const region = inline ? aws.getRegionOutput({}, { parent: this }).region : undefined;
        const account = inline ? aws.getCallerIdentityOutput({}, { parent: this }).accountId : undefined;
        return new PodAwsIdentity(`${name}-identity`, {
            clusterName: args.clusterName,
            namespace: app.namespace,
            serviceAccount: app.name,
            compute: args.compute,
            oidc: args.oidc,
            purpose: `${app.namespace}/${app.name} (team ${app.team}): the application's service account`,
            policies: inline ? { application: pulumi.all([region, account]).apply(([r, a]) => policy(...roleStatements(app, r!, a!))) } : {},
            policyArns: app.serviceAccount.iamPolicyArns.map((arn, i) => ({ key: `policy-${i}`, arn })),
            tags: { "platform:team": app.team, "platform:application": app.name },
        }, { parent: this });
    }
}
