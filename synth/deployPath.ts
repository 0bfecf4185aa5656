// The deploy path of an environment: what a machine that runs `pulumi preview` and `pulumi up` for it
// needs, so CI runners and air-gapped deploy machines can be prepared. Derived from the synthesized
// plan and the installed (pinned) packages, never kept by hand: the endpoints it must reach (the
// Kubernetes API, the AWS APIs of the services the plan's resources and data sources use, the chart
// repositories, the state backend, the plugin downloads), the CLIs, and the provider plugins with
// their exact versions. `npm run synth` writes it as out/<env>/deploy-path.md and deploy-path.json.
import { PULUMI_CLI_FOR_EXPLICIT_PROVIDERS } from "../lib/awsProvider";
import * as semver from "semver";
import { privateApiUsers } from "../plays/bringUp";
import { computeOf, covers, ingressRules, safeContains } from "../plays/reachability";
import { PlanView, type ViewResource } from "../plays/view";
import type { Plan } from "./plan";
import { PULUMI_EKS, PULUMI_EKS_RUNTIME, PULUMI_EKS_VERSION } from "./remoteComponents";
import { awsServiceOf, SERVICES, type AwsService, type ServiceKey } from "./awsServices";
import { DeployPathError, type ChartSource, type DeployPath, type Endpoint, type KubernetesApi, type Plugin, type Requirement } from "./deployPathTypes";
import { installed, type Installed } from "./installedPackages";

export * from "./deployPathTypes";
export { installed, installedPackages, type Installed } from "./installedPackages";
export { awsServiceOf } from "./awsServices";
export { deployPathMarkdown, writeDeployPath } from "./deployPathMarkdown";

// ---------------------------------------------------------------------------------------------
// The derivation.

const HTTPS = 443;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const sorted = (xs: Iterable<string>, order: string[]): string[] => [...new Set(xs)].sort((a, b) => order.indexOf(a) - order.indexOf(b) || a.localeCompare(b));

function kubernetesApi(view: PlanView, order: string[]): KubernetesApi | undefined {
    const c = computeOf(view);
    if (!c.cluster) return undefined;
    const vpcConfig = (c.cluster.inputs.vpcConfig ?? {}) as Record<string, unknown>;
    const answered = (view.value(c.cluster, "vpcConfig") ?? {}) as Record<string, unknown>;
    const publicOn = vpcConfig.endpointPublicAccess === true;
    const privateOn = vpcConfig.endpointPrivateAccess !== false;
    const access = publicOn && privateOn ? "public and private" : publicOn ? "public only" : "private only";
    const publicAccessCidrs = publicOn ? (strings(vpcConfig.publicAccessCidrs).length ? strings(vpcConfig.publicAccessCidrs) : strings(answered.publicAccessCidrs)) : [];

    const routes = view.ofType("aws:ec2/route:Route");
    const outside = [...new Set(ingressRules(view)
        .filter((r) => c.controlPlane.groups.includes(r.sg) && covers(r, "tcp", HTTPS))
        .flatMap((r) => r.cidrs)
        .filter((cidr) => !(c.vpcCidr && safeContains(c.vpcCidr, cidr))))];
    const reachableFrom = outside.map((cidr) => {
        const route = routes.find((r) => r.inputs.destinationCidrBlock === cidr);
        const peering = route?.inputs.vpcPeeringConnectionId ? view.resolve(route.inputs.vpcPeeringConnectionId) : undefined;
        const gateway = String(route?.inputs.transitGatewayId ?? route?.inputs.gatewayId ?? "");
        const via = peering ? `peered VPC ${String(peering.inputs.peerVpcId)} (peering ${peering.name})`
            : gateway.startsWith("tgw-") ? `VPN through transit gateway ${gateway}`
                : gateway.startsWith("vgw-") ? `VPN through virtual private gateway ${gateway}`
                    : "no route back from the cluster's subnets";
        return { cidr, via };
    });

    const users = privateApiUsers(view);
    const layers = sorted(users.map((u) => u.layer), order).map((layer) => ({ layer, resources: users.filter((u) => u.layer === layer).length }));
    const inside = [
        c.vpcCidr ? `inside the environment's VPC (${c.vpcCidr})` : "inside the environment's VPC",
        ...reachableFrom.filter((r) => !r.via.startsWith("no route")).map((r) => `${r.via.startsWith("peered") ? "in the " : "on the "}${r.via} (${r.cidr})`),
    ];
    const names = `${layers.length === 1 ? "the layer" : "the layers"} ${layers.map((l) => l.layer).join(", ")}`;
    const deployMachine = access === "private only"
        ? `The API has no public endpoint: the deploy machine of ${names} must sit ${inside.join(", or ")}, and resolve the endpoint's name to its private addresses (DNS resolution over the peering, or the VPN forwarding to the VPC resolver). GitHub-hosted runners cannot reach it: CI runs those layers on a self-hosted runner in the tooling VPC (the runner input of .github/workflows/layer.yml).`
        : access === "public and private"
            ? `The API has a public endpoint open to ${publicAccessCidrs.join(", ") || "no CIDR"}: a deploy machine outside the VPC resolves the endpoint to its public addresses and must connect from one of those ranges; inside the VPC it uses the private endpoint.`
            : `The API has only a public endpoint, open to ${publicAccessCidrs.join(", ") || "no CIDR"}: the deploy machine of ${names} connects from one of those ranges.`;
    return { endpoint: String(view.value(c.cluster, "endpoint") ?? ""), access, publicAccessCidrs, reachableFrom, layers, deployMachine };
}

function chartSources(view: PlanView): ChartSource[] {
    return view.releases().map((r) => {
        const parent = r.resource.parent ? view.byUrn.get(r.resource.parent) : undefined;
        const mirror = String(parent?.inputs.chartMirror ?? "");
        const from = r.repository ?? r.chart;
        const url = new URL(from.replace(/^oci:\/\//, "https://"));
        return {
            layer: r.resource.layer,
            release: r.name,
            chart: r.chart.split("/").pop() ?? r.chart,
            version: r.version ?? "",
            from: r.repository ? r.repository : r.chart,
            host: url.host,
            mirrored: mirror !== "" && r.chart.startsWith(mirror.replace(/\/$/, "")),
        };
    });
}

/** The package of a resource type (`aws:...` -> aws, `pulumi:providers:kubernetes` -> kubernetes); none for components and built-ins. */
function packageOf(r: ViewResource): string | undefined {
    const [pkg, module, name] = r.type.split(":");
    if (pkg === "pulumi") return module === "providers" ? name : undefined;
    if (!r.custom && !r.remote) return undefined;
    return pkg;
}

function plugins(view: PlanView, have: Installed, order: string[]): Plugin[] {
    const eks = have.pulumiPackages.eks;
    const found = new Map<string, Plugin & { count: number }>();
    for (const r of view.resources) {
        // What AWS itself creates is no Pulumi resource.
        if (r.modeled && !String(r.modeledFrom).startsWith(PULUMI_EKS)) continue;
        const pkg = packageOf(r);
        if (!pkg) continue;
        let version: string;
        let why: string;
        let source: string;
        if (r.modeled) {
            if (eks && eks.plugin !== PULUMI_EKS_VERSION) {
                throw new DeployPathError(`@pulumi/eks ${eks.plugin} is installed, but what its plugin needs was read at v${PULUMI_EKS_VERSION} (PULUMI_EKS_RUNTIME, synth/remoteComponents.ts): read ${PULUMI_EKS.replace(PULUMI_EKS_VERSION, eks.plugin)} nodejs/eks/package.json again`);
            }
            const bundled = PULUMI_EKS_RUNTIME.plugins[pkg];
            if (!bundled) throw new DeployPathError(`${r.type} (${r.name}): pulumi-eks's children use a ${pkg} plugin whose version PULUMI_EKS_RUNTIME (synth/remoteComponents.ts) does not name`);
            version = bundled;
            why = `the eks plugin registers its children with the SDK it bundles: the engine loads exactly this version beside the program's`;
            source = PULUMI_EKS_RUNTIME.pluginsSource;
        } else {
            const installed = have.pulumiPackages[pkg];
            if (!installed) throw new DeployPathError(`${r.type} (${r.name}): no @pulumi/${pkg} resource package is installed to say which ${pkg} plugin it needs`);
            version = installed.plugin;
            why = r.remote ? "the remote components (a plugin of its own)" : `the program's ${pkg} resources`;
            source = `node_modules/@pulumi/${pkg}/package.json (pulumi.version)`;
        }
        const key = `${pkg}@${version}`;
        const entry = found.get(key) ?? { name: pkg, version, why, source, layers: [], install: `pulumi plugin install resource ${pkg} ${version} --exact`, count: 0 };
        entry.layers = sorted([...entry.layers, r.layer], order);
        entry.count += 1;
        found.set(key, entry);
    }
    return [...found.values()]
        .sort((a, b) => a.name.localeCompare(b.name) || semver.compare(b.version, a.version))
        .map(({ count, ...p }) => ({ ...p, why: `${p.why} (${count} resource${count === 1 ? "" : "s"})` }));
}

function nodeRequirement(have: Installed): Requirement {
    const floors = Object.entries(have.nodeEngines).map(([who, range]) => ({ who, range, min: semver.minVersion(range)?.version ?? "0.0.0" }));
    const strictest = floors.reduce((a, b) => (semver.gt(b.min, a.min) ? b : a), { who: "", range: "*", min: "0.0.0" });
    const others = floors.filter((f) => f.who !== strictest.who).map((f) => `${f.who} ${f.range}`).join(", ");
    return {
        name: "node",
        version: `>=${strictest.min}`,
        why: "runs the Pulumi program of every layer and the policy pack",
        source: `engines: ${strictest.who} ${strictest.range} (the strictest; also ${others || "none"})`,
    };
}

function awsCli(view: PlanView, apiLayers: string[]): Requirement | undefined {
    const cluster = view.ofType("eks:index:Cluster")[0];
    if (!cluster) return undefined;
    const kubeconfig = view.value(cluster, "kubeconfig") as { users?: { user?: { exec?: { apiVersion?: string; command?: string; args?: string[] } } }[] } | undefined;
    const exec = kubeconfig?.users?.[0]?.user?.exec;
    const kube = exec && apiLayers.length
        ? `; the kubeconfig of ${apiLayers.join(", ")} authenticates with \`${[exec.command, ...(exec.args ?? [])].join(" ")}\` (exec API ${exec.apiVersion})`
        : "";
    return {
        name: "aws",
        version: `>=${PULUMI_EKS_RUNTIME.awsCli.v2} (v2; v1 >=${PULUMI_EKS_RUNTIME.awsCli.v1})`,
        why: `pulumi-eks checks its version before it creates the cluster, on every preview and up of ${cluster.layer}${kube}`,
        source: PULUMI_EKS_RUNTIME.awsCliSource,
    };
}

/**
 * A chart mirror is a private OCI registry, and the kubernetes plugin's Helm Release passes no
 * credentials to one (pulumi/pulumi-kubernetes#1914): the deploy machine logs Helm in beforehand.
 */
function mirrorLogin(charts: ChartSource[], region: string): Requirement | undefined {
    const registries = [...new Set(charts.filter((c) => c.mirrored).map((c) => c.host))];
    if (registries.length === 0) return undefined;
    const login = registries.map((host) => (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host)
        ? `aws ecr get-login-password --region ${/\.dkr\.ecr\.([a-z0-9-]+)\./.exec(host)?.[1] ?? region} | helm registry login --username AWS --password-stdin ${host}`
        : `helm registry login ${host}`));
    return {
        name: "helm",
        version: ">=3.8.0 (OCI registries)",
        why: `logs Helm in to the chart mirror before each preview and up (an ECR token lasts 12 hours): ${login.join("; ")}`,
        source: "pulumi/pulumi-kubernetes#1914: helm.v3.Release reads OCI credentials only from Helm's registry login",
    };
}

/** The deploy path of a synthesized plan. */
export function deployPath(plan: Plan, have: Installed = installed()): DeployPath {
    const view = new PlanView(plan);
    const order = plan.layers.map((l) => l.name);
    const region = plan.region;
    const api = kubernetesApi(view, order);
    const apiLayers = api?.layers.map((l) => l.layer) ?? [];
    const endpoints: Endpoint[] = [];
    const add = (e: Endpoint) => {
        const same = endpoints.find((x) => x.host === e.host && x.port === e.port);
        if (same) same.layers = sorted([...same.layers, ...e.layers], order);
        else endpoints.push({ ...e, layers: sorted(e.layers, order) });
    };

    if (api && apiLayers.length) {
        add({ host: new URL(api.endpoint).host, port: HTTPS, purpose: `Kubernetes API (${api.access}): the kubernetes plugin applies the layers' objects and Helm releases`, layers: apiLayers });
    }

    // AWS APIs: every service a resource or data source of the plan calls, per layer.
    const usedBy = new Map<ServiceKey, { layers: string[]; what: Set<string> }>();
    const use = (service: ServiceKey | undefined, layer: string, what: string) => {
        if (!service) return;
        const entry = usedBy.get(service) ?? { layers: [], what: new Set<string>() };
        entry.layers.push(layer);
        entry.what.add(what);
        usedBy.set(service, entry);
    };
    for (const r of view.resources) {
        if (!r.custom || !r.type.startsWith("aws:") || (r.modeled && !String(r.modeledFrom).startsWith(PULUMI_EKS))) continue;
        use(awsServiceOf(r.type), r.layer, r.type.split(":").pop() as string);
    }
    for (const layer of plan.layers) for (const call of layer.calls ?? []) if (call.startsWith("aws:")) use(awsServiceOf(call), layer.name, call.split(":").pop() as string);
    const awsLayers = sorted([...usedBy.values()].flatMap((u) => u.layers), order);
    // The provider checks the account (aws:allowedAccountIds) with GetCallerIdentity in every stack with AWS resources.
    for (const layer of awsLayers) use("sts", layer, "the provider's account check (aws:allowedAccountIds)");
    const serviceOrder = Object.keys(SERVICES);
    for (const [key, { layers, what }] of [...usedBy].sort(([a], [b]) => serviceOrder.indexOf(a) - serviceOrder.indexOf(b))) {
        const service: AwsService = SERVICES[key];
        const host = service.global ? `${service.prefix}.amazonaws.com` : `${service.prefix}.${region}.amazonaws.com`;
        const privateLink = service.privateLink ? `com.amazonaws.${region}.${service.privateLink}` : undefined;
        add({ host, port: HTTPS, purpose: `${service.name}: ${[...what].sort().join(", ")}`, layers, ...(privateLink ? { privateLink } : {}) });
        if (key === "s3") add({ host: `*.s3.${region}.amazonaws.com`, port: HTTPS, purpose: "Amazon S3 buckets by name (virtual-hosted requests of the provider)", layers, privateLink });
    }

    // pulumi-eks fetches the OIDC issuer's certificate thumbprint itself (no private endpoint serves it).
    for (const cluster of view.ofType("eks:index:Cluster")) {
        if (cluster.inputs.createOidcProvider === true) {
            add({ host: `oidc.eks.${region}.amazonaws.com`, port: HTTPS, purpose: "pulumi-eks fetches the OIDC issuer's TLS thumbprint (createOidcProvider; no private endpoint exists for it)", layers: [cluster.layer] });
        }
    }

    const charts = chartSources(view);
    for (const host of new Set(charts.map((c) => c.host))) {
        const of = charts.filter((c) => c.host === host);
        const oci = of.every((c) => c.from.startsWith("oci://"));
        const what = of.map((c) => `${c.chart} ${c.version}`).join(", ");
        const purpose = of.every((c) => c.mirrored)
            ? `chart mirror (platform:charts.mirror, OCI): ${what}`
            : oci ? `OCI registry of the charts ${what} (Helm inside the kubernetes plugin pulls them on preview and up)`
                : `Helm repository of ${what}: index.yaml, then each archive from the URL the index lists (it may be another host, e.g. GitHub release downloads)`;
        add({ host, port: HTTPS, purpose, layers: of.map((c) => c.layer) });
        if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) {
            add({ host: `api.ecr.${region}.amazonaws.com`, port: HTTPS, purpose: "Amazon ECR API: the registry token Helm logs in to the chart mirror with", layers: of.map((c) => c.layer), privateLink: `com.amazonaws.${region}.ecr.api` });
        }
    }

    // The state backend and the plugin downloads: the Pulumi CLI's, for every layer.
    const allLayers = order;
    if (have.backendUrls.length) {
        for (const url of have.backendUrls) add({ host: /^[a-z0-9]+:\/\//.test(url) ? new URL(url).host || url : url, port: HTTPS, purpose: `Pulumi state backend (Pulumi.yaml backend.url ${url})`, layers: allLayers });
    } else {
        add({ host: "api.pulumi.com", port: HTTPS, purpose: "Pulumi state backend: Pulumi Cloud, unless `pulumi login` names a self-managed one (s3://<bucket> reaches the S3 endpoints instead); no Pulumi.yaml sets backend.url", layers: allLayers });
    }
    add({ host: "get.pulumi.com", port: HTTPS, purpose: "the Pulumi CLI downloads missing plugins from here or from the plugin's GitHub releases (api.github.com, github.com); not needed once the plugins below are installed", layers: allLayers });
    const npmHosts = have.npmHosts.length ? have.npmHosts : ["registry.npmjs.org"];
    for (const host of npmHosts) {
        add({ host, port: HTTPS, purpose: `npm ci (${have.npmHosts.length ? "the lockfile's resolved URLs" : "the lockfile names no host: npm's configured registry, this one by default"}); not needed with node_modules prepared beforehand`, layers: allLayers });
    }

    const sdkMinimum = semver.coerce(have.pulumiCliMinimum)?.version ?? have.pulumiCliMinimum;
    const explicitProviders = view.ofType("pulumi:providers:aws").length > 0;
    const pulumiMinimum = explicitProviders && semver.lt(sdkMinimum, PULUMI_CLI_FOR_EXPLICIT_PROVIDERS) ? PULUMI_CLI_FOR_EXPLICIT_PROVIDERS : sdkMinimum;
    const clis: Requirement[] = [
        {
            name: "pulumi",
            version: `>=${pulumiMinimum} <${semver.major(pulumiMinimum) + 1}.0.0 (${have.pulumiSdk}, the SDK's own release, recommended)`,
            why: `runs preview and up (npm run up/preview drive it through the Automation API); its nodejs language host and policy analyzer come with it${pulumiMinimum === sdkMinimum ? "" : `; ${PULUMI_CLI_FOR_EXPLICIT_PROVIDERS} or later moves a stack's existing AWS resources onto the layers' own providers (aws-<layer>) in place, where older CLIs replace them`}`,
            source: `node_modules/@pulumi/pulumi/automation/minimumVersion.js (${have.pulumiCliMinimum}), @pulumi/pulumi ${have.pulumiSdk}${pulumiMinimum === sdkMinimum ? "" : ", lib/awsProvider.ts PULUMI_CLI_FOR_EXPLICIT_PROVIDERS (pulumi/pulumi#18509)"}`,
        },
        nodeRequirement(have),
        ...[awsCli(view, apiLayers), mirrorLogin(charts, region)].filter((r): r is Requirement => r !== undefined),
    ];

    const imagesCached = view.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").length > 0;
    const notNeeded = [
        `Container images: the nodes pull them (${imagesCached ? "through the account's ECR pull-through cache" : "from their registries"}), never the deploy machine; \`npm run images\` writes a pre-warm script for a machine that reaches ECR.`,
        `${clis.some((c) => c.name === "helm") ? "" : "helm and "}kubectl: Helm runs inside the kubernetes plugin; the program never calls kubectl (it helps to debug: see docs/runbooks/private-cluster-access.md).`,
        ...(api?.access === "private only" ? ["The public internet for the Kubernetes API: the endpoint is private only."] : []),
    ];

    return { environment: plan.environment, mode: plan.mode, region, accountId: plan.accountId, ...(api ? { kubernetesApi: api } : {}), endpoints, charts, clis, plugins: plugins(view, have, order), notNeeded };
}
