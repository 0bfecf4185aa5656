// The deploy path of an environment: what a machine that runs `pulumi preview` and `pulumi up` for it
// needs, so CI runners and air-gapped deploy machines can be prepared. Derived from the synthesized
// plan and the installed (pinned) packages, never kept by hand: the endpoints it must reach (the
// Kubernetes API, the AWS APIs of the services the plan's resources and data sources use, the chart
// repositories, the state backend, the plugin downloads), the CLIs, and the provider plugins with
// their exact versions. `npm run synth` writes it as out/<env>/deploy-path.md and deploy-path.json.
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import * as YAML from "yaml";
import { LAYER_DIRS, REPO_ROOT } from "../lib/layers";
import { privateApiUsers } from "../plays/bringUp";
import { computeOf, covers, ingressRules, safeContains } from "../plays/reachability";
import { PlanView, type ViewResource } from "../plays/view";
import type { Plan } from "./plan";
import { PULUMI_EKS, PULUMI_EKS_RUNTIME, PULUMI_EKS_VERSION } from "./remoteComponents";

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

// ---------------------------------------------------------------------------------------------
// What is installed: the packages' own declarations (the pins), read once per synth.

export interface Installed {
    /** Resource packages under node_modules/@pulumi: the SDK version and the plugin version it asks for (package.json `pulumi.version`). */
    pulumiPackages: Record<string, { sdk: string; plugin: string }>;
    /** `engines.node` of package.json and of each runtime dependency that declares one. */
    nodeEngines: Record<string, string>;
    /** The oldest Pulumi CLI the Automation API of @pulumi/pulumi accepts (automation/minimumVersion.js). */
    pulumiCliMinimum: string;
    /** The @pulumi/pulumi SDK version. */
    pulumiSdk: string;
    /** Hosts of the lockfile's resolved URLs; empty when the lockfile names none (the configured registry). */
    npmHosts: string[];
    /** `backend.url` of the Pulumi projects (root and layers), where one sets it. */
    backendUrls: string[];
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;

export function installedPackages(root: string = REPO_ROOT): Installed {
    const modules = path.join(root, "node_modules");
    const pulumiPackages: Installed["pulumiPackages"] = {};
    for (const name of fs.readdirSync(path.join(modules, "@pulumi"))) {
        const file = path.join(modules, "@pulumi", name, "package.json");
        if (!fs.existsSync(file)) continue;
        const pkg = readJson(file) as { version: string; pulumi?: { resource?: boolean; name?: string; version?: string } };
        if (pkg.pulumi?.resource) pulumiPackages[pkg.pulumi.name ?? name] = { sdk: pkg.version, plugin: pkg.pulumi.version ?? pkg.version };
    }
    const manifest = readJson(path.join(root, "package.json")) as { engines?: { node?: string }; dependencies?: Record<string, string> };
    const nodeEngines: Record<string, string> = manifest.engines?.node ? { "package.json": manifest.engines.node } : {};
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
        const engine = (readJson(path.join(modules, dep, "package.json")) as { engines?: { node?: string } }).engines?.node;
        if (engine) nodeEngines[dep] = engine;
    }
    // Only semver: the module itself says the CLI version the SDK's Automation API checks for.
    const minimumFile = fs.readFileSync(path.join(modules, "@pulumi/pulumi/automation/minimumVersion.js"), "utf8");
    const minimum = /SemVer\("v?([^"]+)"\)/.exec(minimumFile)?.[1];
    if (!minimum) throw new DeployPathError("@pulumi/pulumi/automation/minimumVersion.js no longer names the minimum Pulumi CLI: read how the SDK checks it now");
    const lock = readJson(path.join(root, "package-lock.json")) as { packages?: Record<string, { resolved?: string }> };
    const npmHosts = [...new Set(Object.values(lock.packages ?? {}).flatMap((p) => (p.resolved?.startsWith("http") ? [new URL(p.resolved).host] : [])))].sort();
    const projects = [path.join(root, "Pulumi.yaml"), ...Object.values(LAYER_DIRS).map((dir) => path.join(root, dir, "Pulumi.yaml"))];
    const backendUrls = [...new Set(projects.filter((f) => fs.existsSync(f)).flatMap((f) => {
        const url = (YAML.parse(fs.readFileSync(f, "utf8")) as { backend?: { url?: string } } | null)?.backend?.url;
        return url ? [url] : [];
    }))];
    return {
        pulumiPackages,
        nodeEngines,
        pulumiCliMinimum: minimum,
        pulumiSdk: (readJson(path.join(modules, "@pulumi/pulumi/package.json")) as { version: string }).version,
        npmHosts,
        backendUrls,
    };
}

let cached: Installed | undefined;
/** The installed packages of this checkout, read once. */
export const installed = (): Installed => (cached ??= installedPackages());

// ---------------------------------------------------------------------------------------------
// AWS services: the API endpoint behind each provider module (`aws:<module>/...`).

interface AwsService {
    name: string;
    /** Host prefix: `<prefix>.<region>.amazonaws.com`, or `<prefix>.amazonaws.com` for a global service. */
    prefix: string;
    global?: boolean;
    /** Interface endpoint service suffix: `com.amazonaws.<region>.<privateLink>`. */
    privateLink?: string;
}

const SERVICES = {
    sts: { name: "AWS STS", prefix: "sts", privateLink: "sts" },
    ec2: { name: "Amazon EC2 (VPC, subnets, routes, security groups, launch templates)", prefix: "ec2", privateLink: "ec2" },
    ecr: { name: "Amazon ECR API", prefix: "api.ecr", privateLink: "ecr.api" },
    efs: { name: "Amazon EFS", prefix: "elasticfilesystem", privateLink: "elasticfilesystem" },
    eks: { name: "Amazon EKS", prefix: "eks", privateLink: "eks" },
    iam: { name: "AWS IAM (global)", prefix: "iam", global: true },
    kms: { name: "AWS KMS", prefix: "kms", privateLink: "kms" },
    s3: { name: "Amazon S3", prefix: "s3", privateLink: "s3" },
    sqs: { name: "Amazon SQS", prefix: "sqs", privateLink: "sqs" },
    sns: { name: "Amazon SNS", prefix: "sns", privateLink: "sns" },
    logs: { name: "Amazon CloudWatch Logs", prefix: "logs", privateLink: "logs" },
    events: { name: "Amazon EventBridge", prefix: "events", privateLink: "events" },
    monitoring: { name: "Amazon CloudWatch", prefix: "monitoring", privateLink: "monitoring" },
    secretsmanager: { name: "AWS Secrets Manager", prefix: "secretsmanager", privateLink: "secretsmanager" },
    ssm: { name: "AWS Systems Manager", prefix: "ssm", privateLink: "ssm" },
    acm: { name: "AWS Certificate Manager", prefix: "acm", privateLink: "acm" },
    elb: { name: "Elastic Load Balancing", prefix: "elasticloadbalancing", privateLink: "elasticloadbalancing" },
    autoscaling: { name: "Amazon EC2 Auto Scaling", prefix: "autoscaling", privateLink: "autoscaling" },
    route53: { name: "Amazon Route 53 (global)", prefix: "route53", global: true },
} satisfies Record<string, AwsService>;
type ServiceKey = keyof typeof SERVICES;

/** `aws:<module>`: the service its resources and data sources call. CloudWatch's module spans three services. */
const MODULE_SERVICE: Record<string, ServiceKey | ((member: string) => ServiceKey)> = {
    ec2: "ec2", ec2transitgateway: "ec2", vpc: "ec2",
    ecr: "ecr", efs: "efs", eks: "eks", iam: "iam", kms: "kms", s3: "s3", sqs: "sqs", sns: "sns",
    secretsmanager: "secretsmanager", ssm: "ssm", acm: "acm", lb: "elb", alb: "elb", autoscaling: "autoscaling", route53: "route53",
    cloudwatch: (member) => (/^event/i.test(member) ? "events" : /^log/i.test(member) ? "logs" : "monitoring"),
};

/** Data sources the AWS provider answers from its own configuration, without an API call. */
const LOCAL_CALLS = new Set(["aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion"]);
const CALL_SERVICE: Record<string, ServiceKey> = { "aws:index/getCallerIdentity:getCallerIdentity": "sts" };

/** The AWS service a resource type or data-source token calls; fails on a module no table knows. */
export function awsServiceOf(token: string): ServiceKey | undefined {
    if (LOCAL_CALLS.has(token)) return undefined;
    if (CALL_SERVICE[token]) return CALL_SERVICE[token];
    const match = /^aws:([^/]+)\/([^:]+):/.exec(token);
    const entry = match && MODULE_SERVICE[match[1]];
    if (!match || !entry) {
        throw new DeployPathError(`${token}: which AWS API endpoint it calls is not known; add its module to MODULE_SERVICE (synth/deployPath.ts)`);
    }
    return typeof entry === "function" ? entry(match[2]) : entry;
}

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

    const clis: Requirement[] = [
        {
            name: "pulumi",
            version: `>=${semver.coerce(have.pulumiCliMinimum)?.version ?? have.pulumiCliMinimum} <${semver.major(semver.coerce(have.pulumiCliMinimum) ?? "3.0.0") + 1}.0.0 (${have.pulumiSdk}, the SDK's own release, recommended)`,
            why: "runs preview and up (npm run up/preview drive it through the Automation API); its nodejs language host and policy analyzer come with it",
            source: `node_modules/@pulumi/pulumi/automation/minimumVersion.js (${have.pulumiCliMinimum}), @pulumi/pulumi ${have.pulumiSdk}`,
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

// ---------------------------------------------------------------------------------------------
// Writing it: the markdown shows every field of the JSON.

const cell = (s: string | number | boolean | undefined) => String(s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (head: string[], rows: (string | number | boolean | undefined)[][]) =>
    [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");

export function deployPathMarkdown(d: DeployPath): string {
    const out = [
        `# Deploy path of ${d.environment} (${d.mode})`,
        "",
        `What a machine that runs \`pulumi preview\` and \`pulumi up\` for ${d.environment} (account ${d.accountId}, region ${d.region}) needs, derived from the synthesized plan and the installed packages by \`npm run synth -- ${d.environment}${d.mode === "single" ? " --single" : ""}\`. The same content: deploy-path.json.`,
    ];
    if (d.kubernetesApi) {
        const a = d.kubernetesApi;
        out.push("", "## Kubernetes API", "", a.deployMachine, "");
        out.push(table(["endpoint", "access", "public access CIDRs"], [[a.endpoint, a.access, a.publicAccessCidrs.join(", ") || "none"]]));
        out.push("", "Networks outside the VPC the API admits (tcp 443):", "", table(["CIDR", "via"], a.reachableFrom.map((r) => [r.cidr, r.via])));
        out.push("", "Layers that talk to the API from the deploy machine:", "", table(["layer", "resources"], a.layers.map((l) => [l.layer, l.resources])));
        out.push("", "The endpoint shown offline is the mock engine's; the real one is the cluster stack's `endpoint` output.");
    }
    out.push("", "## Endpoints it must reach", "", table(["host", "port", "for", "layers", "PrivateLink service"], d.endpoints.map((e) => [e.host, e.port, e.purpose, e.layers.join(", "), e.privateLink ?? ""])));
    out.push("", "An AWS API is reached through the deploy machine's egress, or through the interface endpoint of its own VPC (the PrivateLink service named; the environment's VPC endpoints serve the nodes, not a peered VPC).");
    out.push("", "## Helm charts", "", table(["layer", "release", "chart", "version", "from", "host", "mirrored"], d.charts.map((c) => [c.layer, c.release, c.chart, c.version, c.from, c.host, c.mirrored ? "yes" : "no"])));
    out.push("", "Without internet, set `platform:charts.mirror` (an OCI registry, e.g. the account's ECR): every release then pulls `<mirror>/<chart>` ([runbook](../../docs/runbooks/private-images.md)).");
    out.push("", "## CLIs", "", table(["CLI", "version", "why", "source"], d.clis.map((c) => [c.name, c.version, c.why, c.source])));
    out.push("", "## Provider plugins", "", table(["plugin", "version", "why", "layers", "source", "install"], d.plugins.map((p) => [p.name, p.version, p.why, p.layers.join(", "), p.source, `\`${p.install}\``])));
    out.push("", "An air-gapped deploy machine installs each before the first preview (add `--file <archive>` for a downloaded archive). `--exact`: without it the CLI accepts any installed newer version, but the engine loads only the exact version a resource asks for.");
    out.push("", "## Not needed on the deploy machine", "", ...d.notNeeded.map((n) => `- ${n}`), "");
    return out.join("\n");
}

/** Writes `<dir>/deploy-path.md` and `<dir>/deploy-path.json`; returns the files. */
export function writeDeployPath(d: DeployPath, dir: string): string[] {
    const md = path.join(dir, "deploy-path.md");
    const json = path.join(dir, "deploy-path.json");
    fs.writeFileSync(md, deployPathMarkdown(d));
    fs.writeFileSync(json, JSON.stringify(d, null, 2) + "\n");
    return [md, json];
}
