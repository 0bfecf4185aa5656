// platform:workloads:Application: one application of a team, built the way the platform
// recommends. Every Kubernetes object comes from a pure builder of the application's config (and
// what the add-ons layer offers), so tests validate the objects without a deployment; the
// component only registers them, with the application's IAM role (IRSA) when it needs one.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../lib/dependencies";
import { createHash } from "crypto";
import * as YAML from "yaml";
import { dedicatedNodePool, nodePool } from "../lib/karpenterNodes";
import { dedicatedPool, type Placement } from "../lib/placement";
import type { addonsContract, AddonsOutputs } from "../addons/contract";
import type { ApplicationSpec, ProbeSpec } from "../lib/config/applications";
import { IRSA_ROLE_ANNOTATION, irsaServiceAccountAnnotations, policy, serviceAccountTrust, type Statement } from "../lib/iam";
import type { WiredContract } from "../lib/layer";

/** A Kubernetes object as the API server takes it. */
export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: unknown;
}

/** What the objects of an application depend on besides its config. */
export interface BuildContext {
    /** Where its pods run: its own pool, its team's pool, or anywhere (the default pool). */
    placement?: Placement;
    /** The StorageClass of a stateful application's volumes. */
    storageClass: string;
    /** The IngressClass of its Ingress. */
    ingressClass: string;
    /** The IAM role of its service account (IRSA). */
    roleArn?: string;
    /** Production spreads pods over zones strictly. */
    production: boolean;
}

export const ALB_INGRESS_CLASS = "alb";
export const ZONE_KEY = "topology.kubernetes.io/zone";
export const ROLE_ARN_ANNOTATION = IRSA_ROLE_ANNOTATION;
export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
export const SECRET_PROVIDER_CLASS_API = "secrets-store.csi.x-k8s.io/v1";
/** The non-root user of every container unless its image says otherwise. */
export const NON_ROOT_UID = 65532;

const SECRETS_VOLUME = "secrets";
const TMP_VOLUME = "tmp";
const DATA_VOLUME = "data";

export class ApplicationError extends Error {
    constructor(app: string, message: string) {
        super(`application ${app}: ${message}`);
        this.name = "ApplicationError";
    }
}

// --- names and labels: one place -------------------------------------------------------------

/** The labels that select an application's pods. */
export const selectorLabels = (app: ApplicationSpec): Record<string, string> => ({
    "app.kubernetes.io/name": app.name,
    "app.kubernetes.io/instance": `${app.namespace}-${app.name}`,
});

export const labelsOf = (app: ApplicationSpec): Record<string, string> => ({
    ...selectorLabels(app),
    "app.kubernetes.io/part-of": app.team,
    "app.kubernetes.io/managed-by": "pulumi",
    "platform/team": app.team,
});

const metadataOf = (app: ApplicationSpec, annotations?: Record<string, string>): K8sObject["metadata"] => ({
    name: app.name,
    namespace: app.namespace,
    labels: labelsOf(app),
    ...(annotations ? { annotations } : {}),
});

// --- the container and its pod -------------------------------------------------------------

/** The restricted Pod Security Standard, and a root filesystem nothing can write to. */
export function containerSecurityContext() {
    return {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function podSecurityContext() {
    return {
        runAsNonRoot: true,
        runAsUser: NON_ROOT_UID,
        runAsGroup: NON_ROOT_UID,
        fsGroup: NON_ROOT_UID,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The checks a service or stateful application gets when config names none: TCP on its port. */
export function probesOf(app: ApplicationSpec): { readiness: ProbeSpec; liveness: ProbeSpec; startup: ProbeSpec } {
    const tcp = (p: Partial<ProbeSpec>): ProbeSpec => ({ tcp: {}, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, ...p });
    return {
        readiness: app.probes.readiness ?? tcp({ periodSeconds: 5 }),
        liveness: app.probes.liveness ?? tcp({ periodSeconds: 10, failureThreshold: 3 }),
        // Up to 5 minutes to start before liveness takes over.
        startup: app.probes.startup ?? tcp({ periodSeconds: 5, failureThreshold: 60 }),
    };
}

function probeOf(p: ProbeSpec, port: number | undefined) {
    const timing = { initialDelaySeconds: p.initialDelaySeconds, periodSeconds: p.periodSeconds, timeoutSeconds: p.timeoutSeconds, failureThreshold: p.failureThreshold };
    return p.http
        ? { httpGet: { path: p.http.path, port: p.http.port ?? port }, ...timing }
        : { tcpSocket: { port: p.tcp?.port ?? port }, ...timing };
}

const hasProbes = (app: ApplicationSpec): boolean => app.kind === "service" || app.kind === "stateful";

/** A hash of the ConfigMap's data on the pod template: a config change rolls the pods. */
export const configChecksum = (app: ApplicationSpec): string => createHash("sha256").update(JSON.stringify(app.config)).digest("hex");

export function podAnnotations(app: ApplicationSpec): Record<string, string> {
    return {
        ...(Object.keys(app.config).length > 0 ? { "checksum/config": configChecksum(app) } : {}),
        ...(app.metrics ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(app.metrics.port), "prometheus.io/path": app.metrics.path } : {}),
    };
}

export function containerOf(app: ApplicationSpec) {
    const probes = probesOf(app);
    const ports = [
        ...(app.port !== undefined ? [{ name: "http", containerPort: app.port, protocol: "TCP" }] : []),
        ...(app.metrics && app.metrics.port !== app.port ? [{ name: "metrics", containerPort: app.metrics.port, protocol: "TCP" }] : []),
    ];
    return {
        name: app.name,
        image: app.image,
        // Pinned references never change under a tag, so the node's copy is the right one.
        imagePullPolicy: "IfNotPresent",
        ...(app.command ? { command: app.command } : {}),
        ...(app.args ? { args: app.args } : {}),
        ...(ports.length > 0 ? { ports } : {}),
        env: Object.entries(app.env).map(([name, value]) => ({ name, value })),
        ...(Object.keys(app.config).length > 0 ? { envFrom: [{ configMapRef: { name: configMapName(app) } }] } : {}),
        resources: { requests: app.resources.requests, limits: app.resources.limits },
        securityContext: containerSecurityContext(),
        ...(hasProbes(app)
            ? { readinessProbe: probeOf(probes.readiness, app.port), livenessProbe: probeOf(probes.liveness, app.port), startupProbe: probeOf(probes.startup, app.port) }
            : {}),
        volumeMounts: [
            { name: TMP_VOLUME, mountPath: "/tmp" },
            ...(app.secrets.length > 0 ? [{ name: SECRETS_VOLUME, mountPath: app.secretsMountPath, readOnly: true }] : []),
            ...(app.storage ? [{ name: DATA_VOLUME, mountPath: app.storage.mountPath }] : []),
        ],
    };
}

const priorityClassName = (app: ApplicationSpec): string | undefined =>
    typeof app.priorityClass === "string" ? app.priorityClass : app.priorityClass?.name;

/** The pod: non-root, no API token unless asked, spread over zones, a writable /tmp, secrets as files. */
export function podTemplate(app: ApplicationSpec, ctx: BuildContext) {
    const batch = app.kind === "job" || app.kind === "cronjob";
    const placement = app.dedicatedNode ? dedicatedPool(app.name) : ctx.placement;
    const annotations = podAnnotations(app);
    return {
        metadata: { labels: labelsOf(app), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        spec: {
            serviceAccountName: app.name,
            automountServiceAccountToken: app.serviceAccount.automountToken,
            securityContext: podSecurityContext(),
            hostNetwork: false,
            hostPID: false,
            hostIPC: false,
            enableServiceLinks: false,
            ...(batch ? { restartPolicy: "Never" } : {}),
            ...(priorityClassName(app) ? { priorityClassName: priorityClassName(app) } : {}),
            ...(placement ? { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations } : {}),
            ...(batch ? {} : { topologySpreadConstraints: [zoneSpread(app, ctx.production)] }),
            terminationGracePeriodSeconds: 30,
            containers: [containerOf(app)],
            volumes: [
                { name: TMP_VOLUME, emptyDir: { sizeLimit: "256Mi" } },
                ...(app.secrets.length > 0
                    ? [{ name: SECRETS_VOLUME, csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: app.name } } }]
                    : []),
            ],
        },
    };
}

/**
 * Pods spread evenly across zones: strictly in production (a pod waits for capacity in the right
 * zone rather than crowd one), as a preference elsewhere.
 */
export const zoneSpread = (app: ApplicationSpec, production: boolean) => ({
    maxSkew: 1,
    topologyKey: ZONE_KEY,
    whenUnsatisfiable: production ? "DoNotSchedule" : "ScheduleAnyway",
    labelSelector: { matchLabels: selectorLabels(app) },
});

// --- the workloads ----------------------------------------------------------------------------

/** The autoscaler's range: replicas (or minReplicas) up to maxReplicas (default 3 × the floor). */
export function replicaRange(app: ApplicationSpec): { min: number; max: number } {
    const min = app.autoscaling.minReplicas ?? app.replicas;
    return { min, max: app.autoscaling.maxReplicas ?? 3 * min };
}

/** A service's Deployment; the autoscaler owns its replica count, so the Deployment sets none. */
export function deploymentManifest(app: ApplicationSpec, ctx: BuildContext): K8sObject {
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

export function statefulSetManifest(app: ApplicationSpec, ctx: BuildContext): K8sObject {
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

export function jobSpec(app: ApplicationSpec, ctx: BuildContext) {
    return {
        backoffLimit: app.job.backoffLimit,
        activeDeadlineSeconds: app.job.activeDeadlineSeconds,
        parallelism: app.job.parallelism,
        completions: app.job.completions,
        template: podTemplate(app, ctx),
    };
}

export function jobManifest(app: ApplicationSpec, ctx: BuildContext): K8sObject {
    return { apiVersion: "batch/v1", kind: "Job", metadata: metadataOf(app), spec: { ...jobSpec(app, ctx), ttlSecondsAfterFinished: app.job.ttlSecondsAfterFinished } };
}

export function cronJobManifest(app: ApplicationSpec, ctx: BuildContext): K8sObject {
    const cron = app.cronjob ?? fail(app, "a cronjob needs a cronjob.schedule");
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: metadataOf(app),
        spec: {
            schedule: cron.schedule,
            timeZone: cron.timeZone,
            concurrencyPolicy: cron.concurrencyPolicy,
            startingDeadlineSeconds: cron.startingDeadlineSeconds,
            successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
            failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
            // The history limits clean up finished runs (a TTL would delete them under the limits).
            jobTemplate: { metadata: { labels: labelsOf(app) }, spec: jobSpec(app, ctx) },
        },
    };
}

// --- traffic ----------------------------------------------------------------------------------

/** The load balancer controller's internal NLB with ip targets (pods directly, no node ports). */
export const NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
} as const;

const appPort = (app: ApplicationSpec): number => app.port ?? fail(app, `a ${app.kind} application needs a port`);

export function serviceManifest(app: ApplicationSpec): K8sObject {
    const nlb = app.service.type === "nlb";
    const headless = app.kind === "stateful";
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: metadataOf(app, nlb ? { ...NLB_ANNOTATIONS } : undefined),
        spec: {
            type: nlb ? "LoadBalancer" : "ClusterIP",
            ...(nlb ? { loadBalancerClass: "service.k8s.aws/nlb" } : {}),
            ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
            selector: selectorLabels(app),
            ports: [{ name: "http", port: appPort(app), targetPort: "http", protocol: "TCP" }],
        },
    };
}

export function ingressManifest(app: ApplicationSpec, ctx: BuildContext): K8sObject {
    const ingress = app.ingress ?? fail(app, "has no ingress");
    const readiness = probesOf(app).readiness;
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: metadataOf(app, {
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/healthcheck-path": readiness.http?.path ?? "/",
        }),
        spec: {
            ingressClassName: ctx.ingressClass,
            rules: [{
                host: ingress.host,
                http: { paths: [{ path: ingress.path, pathType: "Prefix", backend: { service: { name: app.name, port: { name: "http" } } } }] },
            }],
        },
    };
}

// --- availability -----------------------------------------------------------------------------

/** At most one pod down at a time through voluntary disruptions (drains, consolidation). */
export function pdbManifest(app: ApplicationSpec): K8sObject {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: metadataOf(app),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(app) }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    };
}

export function hpaManifest(app: ApplicationSpec): K8sObject {
    const { min, max } = replicaRange(app);
    const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: metadataOf(app),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
            minReplicas: min,
            maxReplicas: max,
            metrics: [utilization("cpu", app.autoscaling.cpuUtilization), utilization("memory", app.autoscaling.memoryUtilization)],
            // Scale down slowly: a short dip does not drop capacity a spike needs again.
            behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } },
        },
    };
}

/** Pods that run at once: a PDB only protects more than one. */
const steadyReplicas = (app: ApplicationSpec): number => (app.kind === "service" ? replicaRange(app).min : app.replicas);

// --- identity, config, secrets, scheduling ----------------------------------------------------

export function serviceAccountManifest(app: ApplicationSpec, roleArn?: string): K8sObject {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: metadataOf(app, roleArn ? irsaServiceAccountAnnotations(roleArn) : undefined),
        automountServiceAccountToken: app.serviceAccount.automountToken,
    };
}

export const configMapName = (app: ApplicationSpec): string => `${app.name}-config`;

export function configMapManifest(app: ApplicationSpec): K8sObject {
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { ...metadataOf(app), name: configMapName(app) }, data: app.config };
}

/** Secrets Manager secrets as files (the AWS provider of the Secrets Store CSI driver, with the pod's IRSA role). */
export function secretProviderClassManifest(app: ApplicationSpec): K8sObject {
    const objects = app.secrets.map((s) => ({ objectName: s.secretsManagerName, objectType: "secretsmanager", objectAlias: s.name }));
    return {
        apiVersion: SECRET_PROVIDER_CLASS_API,
        kind: "SecretProviderClass",
        metadata: metadataOf(app),
        spec: { provider: "aws", parameters: { objects: YAML.stringify(objects), usePodIdentity: "false" } },
    };
}

export function priorityClassManifest(app: ApplicationSpec): K8sObject | undefined {
    const pc = app.priorityClass;
    if (typeof pc !== "object") return undefined;
    return {
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: pc.name, labels: labelsOf(app) },
        value: pc.value,
        preemptionPolicy: pc.preemptionPolicy,
        globalDefault: false,
        description: `Priority of ${app.namespace}/${app.name} (team ${app.team}).`,
    };
}

/** The application's own Karpenter pool: one instance type, tainted for it alone. */
export function dedicatedNodePoolManifest(app: ApplicationSpec, nodeClassName: string): K8sObject | undefined {
    if (!app.dedicatedNode) return undefined;
    const pool = nodePool(dedicatedNodePool(app.name, { instanceType: app.dedicatedNode.instanceType, limits: app.dedicatedNode.limits }), nodeClassName);
    return { ...pool, metadata: { ...pool.metadata, labels: labelsOf(app) } };
}

/** Every object of an application, dependencies (identity, config, scheduling) before the workload. */
export function objectsOf(app: ApplicationSpec, ctx: BuildContext & { nodeClassName?: string }): K8sObject[] {
    const optional = (o: K8sObject | undefined): K8sObject[] => (o ? [o] : []);
    const supporting = [
        serviceAccountManifest(app, ctx.roleArn),
        ...(Object.keys(app.config).length > 0 ? [configMapManifest(app)] : []),
        ...(app.secrets.length > 0 ? [secretProviderClassManifest(app)] : []),
        ...optional(priorityClassManifest(app)),
        ...optional(dedicatedNodePoolManifest(app, ctx.nodeClassName ?? "default")),
    ];
    const pdb = steadyReplicas(app) > 1 ? [pdbManifest(app)] : [];
    switch (app.kind) {
        case "service":
            return [
                ...supporting,
                deploymentManifest(app, ctx),
                serviceManifest(app),
                hpaManifest(app),
                ...pdb,
                ...(app.ingress ? [ingressManifest(app, ctx)] : []),
            ];
        case "stateful":
            return [...supporting, statefulSetManifest(app, ctx), serviceManifest(app), ...pdb];
        case "job":
            return [...supporting, jobManifest(app, ctx)];
        case "cronjob":
            return [...supporting, cronJobManifest(app, ctx)];
    }
}

/** The workload kinds; every other object must exist before them. */
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Job", "CronJob"]);

// --- what the add-ons layer must offer --------------------------------------------------------

export type AddonsOffer = Pick<AddonsOutputs, "secretsStore" | "ingressClasses" | "defaultIngressClass" | "storageClasses" | "defaultStorageClass">;

/** The storage and ingress classes the application uses; fails naming what the add-ons layer lacks. */
export function resolveClasses(app: ApplicationSpec, addons: AddonsOffer): Pick<BuildContext, "storageClass" | "ingressClass"> {
    if (app.secrets.length > 0 && !addons.secretsStore) {
        fail(app, "asks for secrets, but the Secrets Store CSI driver is not installed (platform:addons.secretsStore.enabled)");
    }
    let ingressClass = "";
    if (app.ingress) {
        if (!addons.ingressClasses.includes(ALB_INGRESS_CLASS)) {
            fail(app, `asks for an ingress, but the "${ALB_INGRESS_CLASS}" IngressClass does not exist (platform:addons.loadBalancerController.enabled); classes: ${addons.ingressClasses.join(", ") || "none"}`);
        }
        ingressClass = ALB_INGRESS_CLASS;
    }
    let storageClass = "";
    if (app.storage) {
        storageClass = app.storage.storageClass ?? addons.defaultStorageClass ?? fail(app, "asks for storage, but the cluster has no default StorageClass: set storage.storageClass");
        if (!addons.storageClasses.includes(storageClass)) {
            fail(app, `storage.storageClass "${storageClass}" does not exist (classes: ${addons.storageClasses.join(", ") || "none"})`);
        }
    }
    return { storageClass, ingressClass };
}

// --- IAM (IRSA) -------------------------------------------------------------------------------

/** The Secrets Manager ARN pattern of a secret name (Secrets Manager appends 6 random characters). */
export function secretArn(nameOrArn: string, region: string, accountId: string): string {
    return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:aws:secretsmanager:${region}:${accountId}:secret:${nameOrArn}-??????`;
}

/** The inline statements of the application's role: config's own, and reading its secrets. */
export function roleStatements(app: ApplicationSpec, region: string, accountId: string): Statement[] {
    const own: Statement[] = app.serviceAccount.iamStatements.map((s) => ({ Effect: s.effect, Action: s.actions, Resource: s.resources }));
    const secrets: Statement[] = app.secrets.length > 0
        ? [{ Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: app.secrets.map((s) => secretArn(s.secretsManagerName, region, accountId)) }]
        : [];
    return [...own, ...secrets];
}

export const needsRole = (app: ApplicationSpec): boolean =>
    app.serviceAccount.iamPolicyArns.length > 0 || app.serviceAccount.iamStatements.length > 0 || app.secrets.length > 0;

// --- the component ----------------------------------------------------------------------------

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
    tags: Record<string, string>;
}

type ObjectArgs = Record<string, pulumi.Input<unknown>>;
type Construct = (name: string, args: ObjectArgs, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/* eslint-disable @typescript-eslint/no-explicit-any -- the args are whole manifests, checked by the builders' tests */
const CONSTRUCTORS: Record<string, Construct> = {
    ServiceAccount: (n, a, o) => new k8s.core.v1.ServiceAccount(n, a as any, o),
    ConfigMap: (n, a, o) => new k8s.core.v1.ConfigMap(n, a as any, o),
    Service: (n, a, o) => new k8s.core.v1.Service(n, a as any, o),
    Deployment: (n, a, o) => new k8s.apps.v1.Deployment(n, a as any, o),
    StatefulSet: (n, a, o) => new k8s.apps.v1.StatefulSet(n, a as any, o),
    Job: (n, a, o) => new k8s.batch.v1.Job(n, a as any, o),
    CronJob: (n, a, o) => new k8s.batch.v1.CronJob(n, a as any, o),
    PodDisruptionBudget: (n, a, o) => new k8s.policy.v1.PodDisruptionBudget(n, a as any, o),
    HorizontalPodAutoscaler: (n, a, o) => new k8s.autoscaling.v2.HorizontalPodAutoscaler(n, a as any, o),
    Ingress: (n, a, o) => new k8s.networking.v1.Ingress(n, a as any, o),
    PriorityClass: (n, a, o) => new k8s.scheduling.v1.PriorityClass(n, a as any, o),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

const construct = (kind: string): Construct =>
    CONSTRUCTORS[kind] ?? ((n, a, o) => new k8s.apiextensions.CustomResource(n, a as k8s.apiextensions.CustomResourceArgs, o));

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

        const classes = pulumi
            .all([addons.secretsStore, addons.ingressClasses, addons.defaultIngressClass, addons.storageClasses, addons.defaultStorageClass])
            .apply(([secretsStore, ingressClasses, defaultIngressClass, storageClasses, defaultStorageClass]) =>
                resolveClasses(app, { secretsStore, ingressClasses, defaultIngressClass, storageClasses, defaultStorageClass }));
        const objects = pulumi
            .all([classes, this.roleArn, addons.nodeClassName])
            .apply(([c, roleArn, nodeClassName]) => objectsOf(app, { ...c, placement: args.placement, roleArn, nodeClassName, production: args.production }));

        // Which objects exist depends on the config alone; their content may wait on the add-ons layer.
        const shape = objectsOf(app, { storageClass: "", ingressClass: "", placement: args.placement, roleArn: role ? "" : undefined, production: args.production });
        const childOpts = { parent: this, provider: args.provider };
        const registered: pulumi.CustomResource[] = [];
        this.kinds = shape.map((o) => o.kind);
        shape.forEach((o, i) => {
            // apiVersion and kind name the resource type (a custom resource's type token), so they stay plain.
            const fields: ObjectArgs = Object.fromEntries(
                Object.keys(o).map((key) => [key, key === "apiVersion" || key === "kind" ? o[key] : objects.apply((all) => all[i][key])]),
            );
            // Every object waits for what the application waits for (its team's namespace): children do not inherit dependsOn.
            const dependsOn = [...dependenciesOf(opts), ...(WORKLOAD_KINDS.has(o.kind) ? registered : [])];
            const resource = construct(o.kind)(`${name}-${o.kind.toLowerCase()}`, fields, { ...childOpts, dependsOn });
            registered.push(resource);
        });
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
            tags: { ...args.tags, "platform:team": app.team, "platform:application": app.name },
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

function fail(app: ApplicationSpec, message: string): never {
    throw new ApplicationError(app.name, message);
}
