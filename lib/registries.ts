// The upstream registries the platform's images come from, and how a chart names one of its
// images (the values keys that point it elsewhere). Add-on declarations (lib/addons/) list their
// charts' images with these; the registry map (lib/images.ts) is built from them.

/**
 * Upstream registries ECR can cache (pull-through cache rules): the rule's upstream URL, the
 * cached repositories' prefix below the platform's cache root, and whether ECR needs credentials
 * (a Secrets Manager secret named `ecr-pullthroughcache/...`).
 */
export const UPSTREAMS = {
    "public.ecr.aws": { url: "public.ecr.aws", prefix: "ecr-public", credentials: false },
    "quay.io": { url: "quay.io", prefix: "quay", credentials: false },
    "registry.k8s.io": { url: "registry.k8s.io", prefix: "k8s", credentials: false },
    "ghcr.io": { url: "ghcr.io", prefix: "ghcr", credentials: true },
    "docker.io": { url: "registry-1.docker.io", prefix: "docker-hub", credentials: true },
} as const;

export type UpstreamRegistry = keyof typeof UPSTREAMS;
export const UPSTREAM_NAMES = Object.keys(UPSTREAMS) as UpstreamRegistry[];

/** Upstreams whose rule needs a Secrets Manager credential, and the config key that names it. */
export const CREDENTIAL_KEYS = { "docker.io": "dockerHubCredentialArn", "ghcr.io": "ghcrCredentialArn" } as const satisfies Partial<Record<UpstreamRegistry, string>>;

/**
 * One image of a chart. `registryKey` takes `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`
 * (with a trailing slash where the chart says so); a chart without a registry key takes the whole
 * repository at `repositoryKey`. With both, `repositoryKey` is set to `repository` too (the chart's
 * default lives in another registry).
 */
export interface ChartImage {
    upstream: UpstreamRegistry;
    /** The image's path in its upstream registry (Docker Hub's official images under `library/`). */
    repository: string;
    registryKey?: string;
    repositoryKey?: string;
    trailingSlash?: boolean;
}

/** An image the chart points elsewhere with a registry key. */
export const reg = (upstream: UpstreamRegistry, repository: string, registryKey: string): ChartImage => ({ upstream, repository, registryKey });
/** An image the chart points elsewhere with a whole-repository key. */
export const repo = (upstream: UpstreamRegistry, repository: string, repositoryKey: string): ChartImage => ({ upstream, repository, repositoryKey });
