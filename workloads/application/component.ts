// platform:workloads:Application: one application of a team, built the way the platform
// recommends. Every Kubernetes object comes from a pure builder of the application's config and
// what the other layers offer (as inputs), built once; the component registers them, with the
// application's IAM role (IRSA) when it needs one.
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../../lib/placement";
import type { addonsContract } from "../../addons/contract";
import type { ApplicationSpec } from "../../lib/config/applications";
import type { PodNetworkMode } from "../../lib/config/schema";
import { dependenciesOf } from "../../lib/dependencies";
import { policy, serviceAccountTrust } from "../../lib/iam";
import type { WiredContract } from "../../lib/layer";
import { resolveClasses } from "./classes";
import { needsRole, roleStatements } from "./identity";
import { WORKLOAD_KINDS } from "./manifest";
import type { AwsReach } from "./manifest";
import { objectsOf } from "./objects";
import { register } from "./register";

export interface ApplicationArgs {
    app: ApplicationSpec;
    /** The add-ons layer's outputs. */
    addons: WiredContract<typeof addonsContract>;
    /** The cluster's OIDC provider (IRSA). */
    oidc: { oidcProviderArn: pulumi.Input<string>; oidcProviderUrl: pulumi.Input<string> };
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
        const role = needsRole(app) ? this.role(name, args) : undefined;
        this.roleArn = role ? role.arn : pulumi.output(undefined);

        // The classes are checked against what the add-ons layer offers once; the objects take them as inputs.
        const classes = pulumi
            .all([addons.secretsStore, addons.ingressClasses, addons.defaultIngressClass, addons.storageClasses, addons.defaultStorageClass])
            .apply(([secretsStore, ingressClasses, defaultIngressClass, storageClasses, defaultStorageClass]) =>
                resolveClasses(app, { secretsStore, ingressClasses, defaultIngressClass, storageClasses, defaultStorageClass }));
        const objects = objectsOf(app, {
            storageClass: classes.storageClass,
            ingressClass: classes.ingressClass,
            roleArn: role?.arn,
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
            const dependsOn = [...dependenciesOf(opts), ...(WORKLOAD_KINDS.has(o.kind) ? registered : [])];
            // An application has one object of each kind, except its network policies (named after their purpose).
            const id = o.kind === "NetworkPolicy" ? `${name}-${o.metadata.name.replace(`${app.name}-`, "")}` : `${name}-${o.kind.toLowerCase()}`;
            registered.push(register(id, o, { parent: this, provider: args.provider, dependsOn }));
        }
        this.registerOutputs({ roleArn: this.roleArn });
    }

    /** The application's IAM role, assumable only by its service account. */
    private role(name: string, args: ApplicationArgs): aws.iam.Role {
        const { app } = args;
        const trust = pulumi
            .all([args.oidc.oidcProviderArn, args.oidc.oidcProviderUrl])
            .apply(([arn, url]) => JSON.stringify(serviceAccountTrust(arn, url, app.namespace, app.name)));
        const role = new aws.iam.Role(`${name}-irsa`, {
            description: `${app.namespace}/${app.name} (team ${app.team}): the application's service account`,
            assumeRolePolicy: trust,
            tags: { "platform:team": app.team, "platform:application": app.name },
        }, { parent: this });
        for (const [i, policyArn] of app.serviceAccount.iamPolicyArns.entries()) {
            new aws.iam.RolePolicyAttachment(`${name}-irsa-${i}`, { role: role.name, policyArn }, { parent: this });
        }
        if (app.serviceAccount.iamStatements.length > 0 || app.secrets.length > 0) {
            const region = aws.getRegionOutput({}, { parent: this }).region;
            const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
            new aws.iam.RolePolicy(`${name}-irsa`, {
                role: role.id,
                policy: pulumi.all([region, account]).apply(([r, a]) => JSON.stringify(policy(...roleStatements(app, r, a)))),
            }, { parent: this });
        }
        return role;
    }
}
