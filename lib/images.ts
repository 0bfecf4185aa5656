// The registry map: every image the platform's charts run, by chart, with the registry it comes
// from and the chart's values keys that point it elsewhere. In an environment without internet
// egress every release points its images at the ECR pull-through cache; the cache's rules are
// derived from the upstreams listed here.
import { CHARTS } from "./versions";

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

export type Upstream = keyof typeof UPSTREAMS;
export const UPSTREAM_NAMES = Object.keys(UPSTREAMS) as Upstream[];

/** Upstreams whose rule needs a Secrets Manager credential, and the config key that names it. */
export const CREDENTIAL_KEYS = { "docker.io": "dockerHubCredentialArn", "ghcr.io": "ghcrCredentialArn" } as const satisfies Partial<Record<Upstream, string>>;

/**
 * One image of a chart. `registryKey` takes `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`
 * (with a trailing slash where the chart says so); a chart without a registry key takes the whole
 * repository at `repositoryKey`. With both, `repositoryKey` is set to `repository` too (the chart's
 * default lives in another registry).
 */
export interface ChartImage {
    upstream: Upstream;
    /** The image's path in its upstream registry (Docker Hub's official images under `library/`). */
    repository: string;
    registryKey?: string;
    repositoryKey?: string;
    trailingSlash?: boolean;
}

const reg = (upstream: Upstream, repository: string, registryKey: string): ChartImage => ({ upstream, repository, registryKey });
const repo = (upstream: Upstream, repository: string, repositoryKey: string): ChartImage => ({ upstream, repository, repositoryKey });

/**
 * Every chart the platform installs, by chart name, with the images it runs. Values keys are the
 * charts' documented keys at the versions pinned in `versions.ts` (see docs/runbooks/private-images.md
 * for the ones not confirmed against the pinned release).
 */
export const CHART_IMAGES: Record<string, ChartImage[]> = {
    // Operator v1.42: Calico's images come from quay.io/calico; `installation.registry` must end with "/".
    [CHARTS.calico.chart]: [
        { upstream: "quay.io", repository: "calico", registryKey: "installation.registry", trailingSlash: true },
        reg("quay.io", "tigera/operator", "tigeraOperator.registry"),
    ],
    "karpenter-crd": [],
    karpenter: [repo("public.ecr.aws", "karpenter/controller", "controller.image.repository")],
    [CHARTS.loadBalancerController.chart]: [repo("public.ecr.aws", "eks/aws-load-balancer-controller", "image.repository")],
    // One registry for all of the chart's images (controller, admission webhook patch, default backend).
    [CHARTS.ingressNginx.chart]: [reg("registry.k8s.io", "ingress-nginx", "global.image.registry")],
    [CHARTS.replicator.chart]: [repo("quay.io", "mittwald/kubernetes-replicator", "image.repository")],
    // Kubecost 3.x defaults to icr.io, which ECR cannot cache: the EKS build on ECR Public (the chart's values-eks-cost-monitoring.yaml).
    [CHARTS.kubecost.chart]: [
        reg("public.ecr.aws", "kubecost", "global.imageRegistry"),
        ...([
            ["frontend", "kubecost/frontend"], ["aggregator", "kubecost/cost-model"], ["forecasting", "kubecost/modeling"],
            ["networkCosts", "kubecost/network-costs"], ["clusterController", "kubecost/cluster-controller"],
            ["finopsagent", "kubecost/agent"], ["mcp", "kubecost/mcp"],
        ] as const).map(([component, repository]): ChartImage => ({ upstream: "public.ecr.aws", repository, repositoryKey: `${component}.image.repository` })),
    ],
    [CHARTS.metricsServer.chart]: [
        repo("registry.k8s.io", "metrics-server/metrics-server", "image.repository"),
        repo("registry.k8s.io", "autoscaling/addon-resizer", "addonResizer.image.repository"),
    ],
    // Several upstreams: per-image registry keys (a chart-wide global.imageRegistry would send them all to one).
    [CHARTS.monitoring.chart]: [
        reg("quay.io", "prometheus-operator/prometheus-operator", "prometheusOperator.image.registry"),
        reg("quay.io", "prometheus-operator/prometheus-config-reloader", "prometheusOperator.prometheusConfigReloader.image.registry"),
        reg("registry.k8s.io", "ingress-nginx/kube-webhook-certgen", "prometheusOperator.admissionWebhooks.patch.image.registry"),
        reg("quay.io", "thanos/thanos", "prometheusOperator.thanosImage.registry"),
        reg("quay.io", "prometheus/prometheus", "prometheus.prometheusSpec.image.registry"),
        reg("quay.io", "prometheus/alertmanager", "alertmanager.alertmanagerSpec.image.registry"),
        reg("docker.io", "grafana/grafana", "grafana.image.registry"),
        reg("quay.io", "kiwigrid/k8s-sidecar", "grafana.sidecar.image.registry"),
        reg("docker.io", "library/busybox", "grafana.initChownData.image.registry"),
        reg("docker.io", "curlimages/curl", "grafana.downloadDashboardsImage.registry"),
        reg("registry.k8s.io", "kube-state-metrics/kube-state-metrics", "kube-state-metrics.image.registry"),
        reg("quay.io", "prometheus/node-exporter", "prometheus-node-exporter.image.registry"),
    ],
    [CHARTS.loki.chart]: [
        reg("docker.io", "grafana/loki", "loki.image.registry"),
        reg("docker.io", "nginxinc/nginx-unprivileged", "gateway.image.registry"),
        { upstream: "docker.io", repository: "library/memcached", registryKey: "memcached.image.registry", repositoryKey: "memcached.image.repository" },
        reg("docker.io", "prom/memcached-exporter", "memcachedExporter.image.registry"),
        reg("docker.io", "kiwigrid/k8s-sidecar", "sidecar.image.registry"),
        reg("docker.io", "grafana/loki-canary", "lokiCanary.image.registry"),
    ],
    [CHARTS.secretsStore.chart]: [
        repo("registry.k8s.io", "csi-secrets-store/driver", "linux.image.repository"),
        repo("registry.k8s.io", "csi-secrets-store/driver-crds", "linux.crds.image.repository"),
        repo("registry.k8s.io", "sig-storage/csi-node-driver-registrar", "linux.registrarImage.repository"),
        repo("registry.k8s.io", "sig-storage/livenessprobe", "linux.livenessProbeImage.repository"),
    ],
    [CHARTS.secretsStoreProviderAws.chart]: [repo("public.ecr.aws", "aws-secrets-manager/secrets-store-csi-driver-provider-aws", "image.repository")],
    // Published at cr.fluentbit.io (which ECR cannot cache) and, the same builds, on Docker Hub.
    [CHARTS.fluentBit.chart]: [repo("docker.io", "fluent/fluent-bit", "image.repository")],
    [CHARTS.nodeLocalDns.chart]: [repo("registry.k8s.io", "dns/k8s-dns-node-cache", "image.repository")],
    [CHARTS.vpa.chart]: [
        repo("registry.k8s.io", "autoscaling/vpa-recommender", "recommender.image.repository"),
        repo("registry.k8s.io", "autoscaling/vpa-updater", "updater.image.repository"),
        repo("registry.k8s.io", "autoscaling/vpa-admission-controller", "admissionController.image.repository"),
        repo("registry.k8s.io", "ingress-nginx/kube-webhook-certgen", "admissionController.certGen.image.repository"),
    ],
};

/** Every upstream the platform's charts pull from. */
export const CHART_UPSTREAMS: Upstream[] = UPSTREAM_NAMES.filter((u) => Object.values(CHART_IMAGES).some((images) => images.some((i) => i.upstream === u)));

/** The cache as the cluster layer exports it: the account's registry host and each upstream's repository prefix. */
export interface ImageCache {
    /** `<account>.dkr.ecr.<region>.amazonaws.com` */
    registry: string;
    /** Repository prefix per cached upstream, e.g. `{"quay.io": "acme-prod/quay"}`. */
    prefixes: Partial<Record<Upstream, string>>;
}

export const ecrRegistry = (accountId: string, region: string): string => `${accountId}.dkr.ecr.${region}.amazonaws.com`;

/** `<registry>/<prefix>`: where an upstream's images are served from. */
export function cachedRegistry(cache: ImageCache, upstream: Upstream): string {
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
