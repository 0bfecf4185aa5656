// Where an application's pods run and how they get their AWS identity, decided from the config
// alone (so the config rules, the add-ons layer and the workloads layer agree): its pods' labels,
// whether a Fargate profile takes them, whether it needs an IAM role at all, and who needs the
// EKS Pod Identity agent.
import { ADDON_LIST } from "./addons";
import type { AddonsConfig } from "./config/addons";
import type { ApplicationSpec } from "./config/applications";

/** Where a service account's pods run, which decides its identity mechanism (lib/podIdentity.ts). */
export type PodCompute = "ec2" | "fargate";
/** EKS Pod Identity on EC2 nodes; IRSA on Fargate, where no Pod Identity agent runs. */
export type IdentityMechanism = "pod-identity" | "irsa";

export const mechanismFor = (compute: PodCompute): IdentityMechanism => (compute === "fargate" ? "irsa" : "pod-identity");

/** Where the EKS Pod Identity agent answers on every node (EKS user guide, pod-id-agent-setup): pods using Pod Identity must reach it. */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;

export interface FargateSelector { namespace: string; labels?: Record<string, string> }

/** The labels that select an application's pods. */
export const selectorLabels = (app: ApplicationSpec): Record<string, string> => ({
    "app.kubernetes.io/name": app.name,
    "app.kubernetes.io/instance": `${app.namespace}-${app.name}`,
});

/** The labels of every object of an application, its pods included. */
export const labelsOf = (app: ApplicationSpec): Record<string, string> => ({
    ...selectorLabels(app),
    "app.kubernetes.io/part-of": app.team,
    "app.kubernetes.io/managed-by": "pulumi",
    "platform/team": app.team,
});

/** Whether a Fargate profile selector takes the pod: its namespace, and every selector label on the pod (EKS user guide, fargate-profile). */
export const fargateSelects = (s: FargateSelector, pod: { namespace: string; labels: Record<string, string> }): boolean =>
    s.namespace === pod.namespace && Object.entries(s.labels ?? {}).every(([k, v]) => pod.labels[k] === v);

/**
 * Where an application's pods run: Fargate when a profile selects them (Fargate's admission
 * webhook takes every pod a selector matches), EC2 nodes (Karpenter's pools) otherwise.
 */
export const applicationCompute = (app: ApplicationSpec, selectors: FargateSelector[]): PodCompute =>
    selectors.some((s) => fargateSelects(s, { namespace: app.namespace, labels: labelsOf(app) })) ? "fargate" : "ec2";

/** Whether the application needs an IAM role: policies, statements, or secrets to read. */
export const needsRole = (app: ApplicationSpec): boolean =>
    app.serviceAccount.iamPolicyArns.length > 0 || app.serviceAccount.iamStatements.length > 0 || app.secrets.length > 0;

export interface PodIdentityInput {
    addons?: AddonsConfig;
    applications?: ApplicationSpec[];
    fargateProfiles?: { selectors: FargateSelector[] }[];
}

/**
 * What gets its AWS identity through EKS Pod Identity, and so needs the agent on every node:
 * every enabled add-on with IAM (all run on EC2 nodes but Karpenter, which is not declared with
 * IAM here: its controller runs on Fargate with IRSA), and every application with a role whose
 * pods run on EC2 nodes.
 */
export function podIdentityUsers({ addons, applications, fargateProfiles }: PodIdentityInput): string[] {
    const selectors = (fargateProfiles ?? []).flatMap((p) => p.selectors);
    return [
        ...(addons ? ADDON_LIST.filter((d) => d.iam.length > 0 && addons[d.key].enabled).map((d) => d.key) : []),
        ...(applications ?? []).filter((a) => needsRole(a) && applicationCompute(a, selectors) === "ec2").map((a) => `application ${a.namespace}/${a.name}`),
    ];
}
