// What an application's Kubernetes objects are: their types (the provider's input types, so the
// compiler checks every builder), the names and labels they share, and the context they are built in.
import * as pulumi from "@pulumi/pulumi";
import type * as Input from "@pulumi/kubernetes/types/input";
import type { Placement } from "../../lib/placement";
import type { ApplicationSpec } from "../../lib/config/applications";
import type { PodNetworkMode } from "../../lib/config/schema";
import { labelsOf, selectorLabels, type IdentityMechanism } from "../../lib/applicationIdentity";

/** Metadata every object of an application carries. */
export type Metadata = {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, pulumi.Input<string>>;
};

/** A built-in object: the provider's input type, with its kind and metadata always set. */
type Builtin<V extends string, K extends string, T> = Omit<T, "kind" | "apiVersion" | "metadata"> & { apiVersion: V; kind: K; metadata: Metadata };

/** A custom resource (no provider type): apiVersion, kind, metadata and a spec. */
export type CustomObject<K extends string = string> = {
    apiVersion: string;
    kind: K;
    metadata: Metadata;
    spec: pulumi.Input<Record<string, unknown>>;
};

export type ServiceAccountObject = Builtin<"v1", "ServiceAccount", Input.core.v1.ServiceAccount>;
export type ConfigMapObject = Builtin<"v1", "ConfigMap", Input.core.v1.ConfigMap>;
export type ServiceObject = Builtin<"v1", "Service", Input.core.v1.Service>;
export type DeploymentObject = Builtin<"apps/v1", "Deployment", Input.apps.v1.Deployment>;
export type StatefulSetObject = Builtin<"apps/v1", "StatefulSet", Input.apps.v1.StatefulSet>;
export type JobObject = Builtin<"batch/v1", "Job", Input.batch.v1.Job>;
export type CronJobObject = Builtin<"batch/v1", "CronJob", Input.batch.v1.CronJob>;
export type PodDisruptionBudgetObject = Builtin<"policy/v1", "PodDisruptionBudget", Input.policy.v1.PodDisruptionBudget>;
export type HorizontalPodAutoscalerObject = Builtin<"autoscaling/v2", "HorizontalPodAutoscaler", Input.autoscaling.v2.HorizontalPodAutoscaler>;
export type IngressObject = Builtin<"networking.k8s.io/v1", "Ingress", Input.networking.v1.Ingress>;
export type NetworkPolicyObject = Builtin<"networking.k8s.io/v1", "NetworkPolicy", Input.networking.v1.NetworkPolicy>;
export type PriorityClassObject = Builtin<"scheduling.k8s.io/v1", "PriorityClass", Input.scheduling.v1.PriorityClass>;

/** Every object an application may have. */
export type ApplicationObject =
    | ServiceAccountObject
    | ConfigMapObject
    | ServiceObject
    | DeploymentObject
    | StatefulSetObject
    | JobObject
    | CronJobObject
    | PodDisruptionBudgetObject
    | HorizontalPodAutoscalerObject
    | IngressObject
    | PriorityClassObject
    | NetworkPolicyObject
    | CustomObject<"SecretProviderClass" | "NodePool" | "PodMonitor">;

export type WorkloadObject = DeploymentObject | StatefulSetObject | JobObject | CronJobObject;

/** The workload kinds; every other object of the application exists before them. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set<WorkloadObject["kind"]>(["Deployment", "StatefulSet", "Job", "CronJob"]);

/** How AWS APIs are reached from the VPC (network contract), and the S3 gateway's ranges. */
export interface AwsReach {
    /** Interface endpoint services in the private subnets, e.g. "sts", "secretsmanager". */
    interfaceEndpoints: string[];
    /** The private subnets, where the interface endpoints' network interfaces live. */
    privateSubnetCidrs: string[];
    /** Whether the VPC has internet egress (a NAT): AWS APIs without an endpoint go through it. */
    internet: boolean;
    /** The S3 gateway endpoint's ranges (the region's `com.amazonaws.<region>.s3` prefix list). */
    s3Cidrs: string[];
}

/** How the application's pods get their role: the mechanism, and the service account's annotations (IRSA's; none with Pod Identity). */
export interface PodIdentityContext {
    mechanism: IdentityMechanism;
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
}

/** What the objects of an application depend on besides its config (values, or outputs of other layers). */
export interface BuildContext {
    /** Where its pods run: its own pool, its team's pool, or anywhere (the default pool). */
    placement?: Placement;
    /** The StorageClass of a stateful application's volumes. */
    storageClass: pulumi.Input<string>;
    /** The IngressClass of its Ingress. */
    ingressClass: pulumi.Input<string>;
    /** The AWS identity of its service account, when it has an IAM role (lib/podIdentity.ts). */
    identity?: PodIdentityContext;
    /** The EC2NodeClass of a dedicated node pool. */
    nodeClassName?: pulumi.Input<string>;
    /** Production spreads pods over zones strictly. */
    production: boolean;
    /** How pods get their addresses: VPC addresses (load balancers target pods) or the Calico overlay (they target nodes). */
    podNetwork: PodNetworkMode;
    /** Whether the monitoring add-on (prometheus-operator) runs: applications with metrics get a PodMonitor. */
    monitoring: boolean;
    /** How the pods reach the AWS APIs their role calls. */
    awsReach?: pulumi.Input<AwsReach>;
    /** The platform's access-log bucket (add-ons layer): NLBs log there. */
    accessLogBucket?: pulumi.Input<string | undefined>;
}

/** Apply `f` to a value now, or once an output resolves: pure builders stay plain for plain inputs. */
export function mapInput<T, U>(value: pulumi.Input<T>, f: (v: T) => U): pulumi.Input<U> {
    return pulumi.Output.isInstance(value) || value instanceof Promise ? pulumi.output(value).apply((v) => f(v as T)) as pulumi.Output<U> : f(value as T);
}

export class ApplicationError extends Error {
    constructor(app: string, message: string) {
        super(`application ${app}: ${message}`);
        this.name = "ApplicationError";
    }
}

export function fail(app: ApplicationSpec, message: string): never {
    throw new ApplicationError(app.name, message);
}

/** The port of a `service` or `stateful` application (the config requires it there). */
export const appPort = (app: ApplicationSpec): number => app.port ?? fail(app, `a ${app.kind} application needs a port`);

// The labels live in lib/ (the config decides from them whether a Fargate profile takes the pods).
export { labelsOf, selectorLabels };

/** The metadata of an object named after the application, in its namespace. */
export const metadataOf = (app: ApplicationSpec, annotations?: Record<string, pulumi.Input<string>>, name: string = app.name): Metadata => ({
    name,
    namespace: app.namespace,
    labels: labelsOf(app),
    ...(annotations ? { annotations } : {}),
});
