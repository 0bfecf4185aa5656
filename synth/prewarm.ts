// What a private environment pulls through its image cache, and the commands that pre-warm the
// cache before the first deploy: from the environment's plan (the releases as they would be
// installed, registry overrides included) and the registry map (lib/images.ts).
import type { PlatformConfig } from "../lib/config/schema";
import { CHART_IMAGES, UPSTREAMS, cachedRegistry, type ImageCache } from "../lib/images";
import type { Plan } from "./plan";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export interface CachedImage {
    /** Where the cluster pulls it: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>`. */
    cached: string;
    /** Where ECR fetches it on the first pull. */
    upstream: string;
    chart: string;
}

export interface PrewarmRelease {
    release: string;
    namespace: string;
    /** `oci://...` chart reference, or a chart name with `repo`. */
    chart: string;
    repo?: string;
    version: string;
    /** The release's values as the plan has them (registry overrides included). */
    values: Record<string, unknown>;
}

export interface Prewarm {
    registry: string;
    images: CachedImage[];
    releases: PrewarmRelease[];
    /** Application images (already in the account's ECR; pulled through the cache when below its prefix). */
    applications: string[];
}

/** The cache of a synthesized environment (the cluster layer's output), or undefined without one. */
export function cacheOf(plan: Plan): ImageCache | undefined {
    return plan.layers.find((l) => l.name === "cluster")?.outputs.imageCache as ImageCache | undefined;
}

export function prewarmOf(plan: Plan, config: PlatformConfig): Prewarm {
    const cache = cacheOf(plan);
    if (!cache) throw new Error(`${plan.environment} has no image cache (platform:egress is ${config.egress} and platform:imageCache.enabled is not set): its nodes pull from the upstream registries`);
    const releases = plan.layers.flatMap((l) => l.resources.filter((r) => r.type === HELM_RELEASE)).map((r): PrewarmRelease => {
        const i = r.inputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts?: { repo?: string }; values?: Record<string, unknown> };
        return { release: i.name, namespace: i.namespace, chart: i.chart, repo: i.repositoryOpts?.repo, version: i.version, values: i.values ?? {} };
    });
    const images = releases.flatMap(({ chart }) => {
        const name = chart.slice(chart.lastIndexOf("/") + 1);
        return (CHART_IMAGES[name] ?? []).map((image) => ({
            cached: `${cachedRegistry(cache, image.upstream)}/${image.repository}`,
            upstream: `${image.upstream}/${image.repository}`,
            chart: name,
        }));
    });
    const unique = [...new Map(images.map((i) => [i.cached, i])).values()];
    return { registry: cache.registry, images: unique, releases, applications: config.applications.map((a) => a.image) };
}

/**
 * A shell script that pre-warms the cache: render each release with its values (the images
 * point at the cache already), pull every image it names, then the applications' images. Run it
 * where the account's ECR is reachable (a machine in the VPC or peered to it), after the cluster
 * layer and before the add-ons layer. It is portable: the values files are read from the script's
 * own directory, wherever that is copied to.
 */
export function prewarmScript(p: Prewarm, region: string): string {
    const lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        `# Pre-warms ${p.registry} (the image cache of account ${p.registry.split(".")[0]}); the values files sit beside this script.`,
        'here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
        `aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${p.registry}`,
        ...p.releases.map((r) => {
            const chart = r.repo ? `${r.chart} --repo ${r.repo}` : r.chart;
            return `helm template ${r.release} ${chart} --version ${r.version} --namespace ${r.namespace} --values "$here/${r.release}.values.json" \\\n  | grep -oE 'image: *"?${p.registry.replace(/\./g, "\\.")}/[^" ]+' | sed -E 's/image: *"?//' | sort -u | xargs -r -n1 docker pull`;
        }),
        ...p.applications.map((image) => `docker pull ${image}`),
    ];
    return `${lines.join("\n")}\n`;
}

/** One line per cached repository: where the cluster pulls it, and where ECR fills it from. */
export function imageTable(p: Prewarm): string {
    const width = Math.max(...p.images.map((i) => i.cached.length));
    return p.images.map((i) => `${i.cached.padEnd(width)}  <- ${i.upstream}  (${i.chart})`).join("\n");
}

/** Upstream registries in the table, with the URL ECR's rule fetches from. */
export const upstreamUrls = (p: Prewarm): string[] =>
    [...new Set(p.images.map((i) => i.upstream.split("/")[0]))].map((u) => `${u} (${UPSTREAMS[u as keyof typeof UPSTREAMS].url})`);
