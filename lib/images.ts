// The registry map: every image the platform's charts run, by chart, with the registry it comes
// from and the chart's values keys that point it elsewhere. In an environment without internet
// egress every release points its images at the ECR pull-through cache; the cache's rules are
// derived from the upstreams listed here.
import { ADDON_CHARTS } from "./addons";
import { UPSTREAM_NAMES, type ChartImage, type UpstreamRegistry } from "./registries";

export { CREDENTIAL_KEYS, UPSTREAMS, UPSTREAM_NAMES, type ChartImage, type UpstreamRegistry } from "./registries";

/**
 * Every chart the platform installs, by chart name, with the images it runs: built from the
 * add-on declarations (lib/addons/<add-on>.ts), where each chart's images are listed beside its pin.
 */
export const CHART_IMAGES: Record<string, ChartImage[]> = Object.fromEntries(ADDON_CHARTS.map((c) => [c.chart, c.images]));

/** Every upstream the platform's charts pull from. */
export const CHART_UPSTREAMS: UpstreamRegistry[] = UPSTREAM_NAMES.filter((u) => Object.values(CHART_IMAGES).some((images) => images.some((i) => i.upstream === u)));

/** The cache as the cluster layer exports it: the account's registry host and each upstream's repository prefix. */
export interface ImageCache {
    /** `<account>.dkr.ecr.<region>.amazonaws.com` */
    registry: string;
    /** Repository prefix per cached upstream, e.g. `{"quay.io": "acme-prod/quay"}`. */
    prefixes: Partial<Record<UpstreamRegistry, string>>;
}

export const ecrRegistry = (accountId: string, region: string): string => `${accountId}.dkr.ecr.${region}.amazonaws.com`;

/** `<registry>/<prefix>`: where an upstream's images are served from. */
export function cachedRegistry(cache: ImageCache, upstream: UpstreamRegistry): string {
    const prefix = cache.prefixes[upstream];
    if (!prefix) throw new Error(`the image cache has no rule for ${upstream} (cached: ${Object.keys(cache.prefixes).join(", ") || "none"})`);
    return `${cache.registry}/${prefix}`;
}

/** Sets a dotted key in a values tree (keys may contain "-", never "."). */
function setPath(values: Record<string, unknown>, key: string, value: string): void {
    const parts = key.split(".");
    let node = values;
    for (const part of parts.slice(0, -1)) {
        node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
}

/** The values that point a chart's images at the cache; none without a cache. */
export function imageOverrides(chart: string, cache: ImageCache | undefined): Record<string, unknown> {
    if (!cache) return {};
    const images = CHART_IMAGES[chart];
    if (!images) throw new Error(`chart "${chart}" has no entry in the registry map (lib/images.ts CHART_IMAGES)`);
    const values: Record<string, unknown> = {};
    for (const image of images) {
        const base = cachedRegistry(cache, image.upstream);
        if (image.registryKey) {
            setPath(values, image.registryKey, image.trailingSlash ? `${base}/` : base);
            if (image.repositoryKey) setPath(values, image.repositoryKey, image.repository);
        } else if (image.repositoryKey) {
            setPath(values, image.repositoryKey, `${base}/${image.repository}`);
        }
    }
    return values;
}

/** Where a chart is pulled from: its upstream repository, or `<mirror>/<chart>` (an OCI registry) when the config names a mirror. */
export function chartReference(chart: { chart: string; repository: string }, mirror: string | undefined): { chart: string; repo?: string } {
    if (mirror) return { chart: `${mirror.replace(/\/$/, "")}/${chart.chart}` };
    return chart.repository.startsWith("oci://") ? { chart: `${chart.repository}/${chart.chart}` } : { chart: chart.chart, repo: chart.repository };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/...`: the account and region of an image in a private ECR registry, or undefined. */
export function ecrImageLocation(image: string): { accountId: string; region: string } | undefined {
    const match = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com\//.exec(image);
    return match ? { accountId: match[1], region: match[2] } : undefined;
}
