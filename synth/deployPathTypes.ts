// What the deploy path of an environment says (synth/deployPath.ts derives it): the shape of
// deploy-path.json, and the error that stops the synth when the path cannot be derived honestly.
import type { Plan } from "./plan";

/** A host the deploy machine connects to. */
export interface Endpoint {
    host: string;
    port: number;
    /** Who connects, and why. */
    purpose: string;
    /** The layers whose preview and up need it (`platform` in the one-stack project). */
    layers: string[];
    /** The interface VPC endpoint service that serves it inside the deploy machine's own VPC, where AWS has one. */
    privateLink?: string;
}

export interface KubernetesApi {
    /** The endpoint as planned (offline: the mock engine's; for real: the cluster stack's `endpoint` output). */
    endpoint: string;
    access: "private only" | "public and private" | "public only";
    publicAccessCidrs: string[];
    /** Networks outside the VPC that the control plane's security groups admit on 443, and how they are routed. */
    reachableFrom: { cidr: string; via: string }[];
    /** The layers that talk to the API from the deploy machine, with how many of their resources do. */
    layers: { layer: string; resources: number }[];
    /** Where the deploy machine of those layers must sit. */
    deployMachine: string;
}

export interface ChartSource {
    layer: string;
    release: string;
    chart: string;
    version: string;
    /** The Helm repository URL or OCI reference the release pulls from. */
    from: string;
    host: string;
    /** Pulled from `platform:charts.mirror` instead of its upstream. */
    mirrored: boolean;
}

export interface Requirement {
    name: string;
    version: string;
    why: string;
    /** Where the requirement is read from. */
    source: string;
}

export interface Plugin extends Requirement {
    layers: string[];
    /** `pulumi plugin install ...`, for a machine that cannot download it. */
    install: string;
}

export interface DeployPath {
    environment: string;
    mode: Plan["mode"];
    region: string;
    accountId: string;
    kubernetesApi?: KubernetesApi;
    endpoints: Endpoint[];
    charts: ChartSource[];
    clis: Requirement[];
    plugins: Plugin[];
    /** What the deploy machine does not need, and who does instead. */
    notNeeded: string[];
}

/** A plan the deploy path cannot describe (a type no table knows, a component version it was not read for). */
export class DeployPathError extends Error {}
