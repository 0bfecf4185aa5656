// What the synth plans: per layer, every resource as the mock engine saw it registered and answered.
// The plays, the policy rules and the output writers all read this shape.
import type { PlatformConfig } from "../lib/config/schema";

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    dependsOn: string[];
    inputs: Record<string, unknown>;
    custom: boolean;
    remote: boolean;
    protect: boolean;
    retainOnDelete: boolean;
    /** The id the engine answered (custom resources; reads), so a check can follow references. */
    id?: string;
    /** What the engine answered beyond the inputs: outputs whose value differs from (or is absent in) the inputs. */
    outputs?: Record<string, unknown>;
    /** The explicit provider that serves a custom resource (its URN); absent: the stack's default provider. */
    provider?: string;
    /** A remote component's providers by package (URNs): its children use them. */
    providers?: Record<string, string>;
    /** Registered by a fixture: a remote component's child as its real implementation creates it, or the cloud's doing. */
    modeled?: boolean;
    /** Where a modeled object comes from: the upstream file and version, or `AWS: ...` for what the cloud creates. */
    modeledFrom?: string;
}

export type SynthMode = "layered" | "single";

export interface LayerPlan {
    name: string;
    project: string;
    stack: string;
    outputs: Record<string, unknown>;
    resources: PlannedResource[];
    /** The data sources the layer called (type tokens, e.g. `aws:index/getCallerIdentity:getCallerIdentity`). */
    calls?: string[];
}

export interface Plan {
    environment: string;
    mode: SynthMode;
    /** `platform:tier`: the policy rules judge a `production` plan strictly. */
    tier: PlatformConfig["tier"];
    region: string;
    accountId: string;
    /** Reasons of `platform:productionExceptions` (publicEndpoint, internetEgress): the policy report shows them. */
    exceptions?: Record<string, string>;
    /** `platform:serviceLinkedRoles`: the only service-linked roles a policy may name (policy rule principals-exist). */
    serviceLinkedRoles?: string[];
    layers: LayerPlan[];
}
