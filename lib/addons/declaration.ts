// What an add-on declares about itself, in one module per add-on (lib/addons/<add-on>.ts): its
// charts (chart, repository, version, images), its config schema, what it requires and what it
// runs after, the host ports its pods take, and its IAM. The tables that give the one-place view
// of every pin (`CHARTS`, the registry map, the add-ons config schema) are built from these
// declarations (lib/addons/index.ts); the add-ons layer (addons/) installs them.
import { z } from "zod";
import { bool } from "../config/fields";
import type { ChartImage } from "../registries";

/** A Helm chart at a pinned version: `repository` is an HTTPS chart repository or an `oci://` registry path. */
export interface ChartPin {
    chart: string;
    repository: string;
    version: string;
}

/** A chart an add-on installs: its pin and the images it runs (the registry map, lib/images.ts). */
export interface ChartDeclaration extends ChartPin {
    images: ChartImage[];
}

/** Every add-on's key under `platform:addons`, in the order of the config reference. */
export const ADDON_KEYS = [
    "calico", "ebsCsi", "efsCsi", "podIdentityAgent", "loadBalancerController", "ingressNginx", "replicator", "kubecost",
    "metricsServer", "monitoring", "loki", "secretsStore", "nodeLocalDns", "vpa",
] as const;
export type AddonKey = (typeof ADDON_KEYS)[number];

/** What the layer builds before any add-on: Karpenter's node pools, Calico, the storage classes. */
export type Foundation = "karpenter" | "calico" | "storage";

/** An AWS identity of one of the add-on's service accounts. */
/**
 * An AWS identity of one of the add-on's service accounts. Add-ons' pods run on EC2 nodes, so it
 * is EKS Pod Identity (lib/podIdentity.ts); an add-on declaring one needs the Pod Identity agent.
 */
export interface AddonIam {
    namespace: string;
    serviceAccount: string;
    /** AWS managed policies by name, e.g. `service-role/AmazonEBSCSIDriverPolicy`. */
    managedPolicies?: string[];
    /** What the inline policy grants (the module exports the document or its builder). */
    inline?: string;
}

export interface AddonDeclaration<K extends AddonKey = AddonKey, C extends z.ZodType = z.ZodType> {
    key: K;
    /** One line: what it is (also the config reference's description of `platform:addons.<key>`). */
    description: string;
    /** Its Helm charts by name (`CHARTS.<name>`); none for an EKS managed add-on. */
    charts: Record<string, ChartDeclaration>;
    /** Its config schema (`platform:addons.<key>`). */
    config: C;
    /** Add-ons that must be enabled with it (its pods or objects cannot work without them). */
    requires: AddonKey[];
    /** What must be running before it installs, when enabled: nodes, the network its webhooks need, volumes, another add-on. */
    after: (Foundation | AddonKey)[];
    /** Host ports its pods take on a node, by what uses them (only where they run on the host network). */
    hostPorts: Record<string, number>;
    /** Its AWS identities. */
    iam: AddonIam[];
}

/** Declares an add-on, keeping its literal types (charts by name, config shape). */
export const defineAddon = <K extends AddonKey, C extends z.ZodType, D extends AddonDeclaration<K, C>>(d: D & { key: K; config: C }): D => d;

/** An exact version (no ranges): "1.14.1", "v3.32.1", "2.13.0". */
export const exactVersion = z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an exact version such as "1.14.1" (ranges and "latest" are not pinned)` });

const eksAddonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an EKS add-on version such as "v1.12.4-eksbuild.18"` });

/** A Helm add-on's settings: on or off, the chart version (default: its pin) and values merged over the platform's. */
export const helmAddon = (enabled: boolean, what: string) =>
    z.strictObject({
        enabled: bool().default(enabled).describe(`Install ${what}.`),
        version: exactVersion.optional().describe("Chart version; default: the pin in `lib/versions.ts`."),
        values: z.record(z.string(), z.unknown()).default({}).describe("Helm values merged over the platform's (objects deep-merged, the rest replaced)."),
    });

/** Every key of an add-on has a default, so the whole add-on may be left out. */
export const optionalAddon = <T extends z.ZodObject>(schema: T, what: string) => schema.prefault({} as never).describe(what);

export const helm = (enabled: boolean, what: string) => optionalAddon(helmAddon(enabled, what), what);

/** An EKS managed add-on's settings: on or off, and its version (default: the pin for the cluster's Kubernetes version). */
export const eksAddon = (what: string) =>
    z
        .strictObject({
            enabled: bool().default(true).describe(`Install ${what}.`),
            version: eksAddonVersion.optional().describe("EKS add-on version; default: the pin in `lib/versions.ts` for the cluster's Kubernetes version."),
        })
        .prefault({})
        .describe(what);
