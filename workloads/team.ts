// platform:workloads:Team: one tenant of the platform. Per namespace of the team: the Namespace
// with Pod Security Admission labels, a ResourceQuota, a LimitRange (so no container runs without
// requests and limits), an edit and a read-only Role with their bindings, and network policies
// (deny all, then DNS, the namespace itself and what config opens). Optionally the team's own
// Karpenter node pool, whose placement the team's applications take.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type * as Input from "@pulumi/kubernetes/types/input";
import { NODE_POOL_API, dedicatedNodePool, nodePool } from "../lib/karpenterNodes";
import { dedicatedPool, type Placement } from "../lib/placement";
import { LOCAL_DNS_ADDRESS, kubeDnsAddress } from "../lib/dns";
import type { PodSecurityLevel, TeamSettings } from "../lib/config/teams";
import type { PlatformConfig } from "../lib/config/schema";

/** A team of `platform:access.teams`. */
export type AccessTeam = PlatformConfig["access"]["teams"][number];

/** Every object of a team carries it. */
export const TEAM_LABEL = "platform/team";
/** The namespace name label the API server sets on every namespace (selectors of other namespaces use it). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export const QUOTA_NAME = "team-quota";
export const LIMIT_RANGE_NAME = "team-defaults";
export const EDIT_ROLE = "team-edit";
export const VIEW_ROLE = "team-view";

/**
 * Pod Security Admission labels. `enforce` is pinned to the cluster's minor version, so an API
 * server upgrade never tightens enforcement on its own: the enforced standard moves only when this
 * layer is deployed after the upgrade (a reviewed diff). `warn` and `audit` follow `latest`, so the
 * team sees what the next standard would reject before it is enforced.
 */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesVersion: string): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": `v${kubernetesVersion}`,
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/audit-version": "latest",
    };
}

export function resourceQuotaSpec(quota: TeamSettings["quota"]): Input.core.v1.ResourceQuotaSpec {
    return {
        hard: {
            "requests.cpu": quota.requestsCpu,
            "requests.memory": quota.requestsMemory,
            "limits.cpu": quota.limitsCpu,
            "limits.memory": quota.limitsMemory,
            pods: String(quota.pods),
            persistentvolumeclaims: String(quota.persistentVolumeClaims),
            "requests.storage": quota.storage,
            "services.loadbalancers": String(quota.loadBalancers),
            "services.nodeports": String(quota.nodePorts),
        },
    };
}

/** Containers without requests or limits get the defaults; none may exceed `max`. */
export function limitRangeSpec(limits: TeamSettings["limits"]): Input.core.v1.LimitRangeSpec {
    return {
        limits: [{
            type: "Container",
            defaultRequest: { ...limits.defaultRequest },
            default: { ...limits.default },
            max: { ...limits.max },
        }],
    };
}

const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete"];

/** Objects a member reads but never changes: the platform owns them (guard rails, identities). */
const PLATFORM_OWNED: Input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["events", "endpoints", "resourcequotas", "limitranges", "serviceaccounts"], verbs: READ },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
    { apiGroups: ["secrets-store.csi.x-k8s.io"], resources: ["secretproviderclasses"], verbs: READ },
];

/**
 * The team's own role: edit rights on what an application is made of (Deployments, StatefulSets,
 * Jobs, Services, ConfigMaps, claims, Ingresses, autoscalers, disruption budgets), read on the rest.
 * Never Secrets (application secrets live in AWS Secrets Manager and reach pods as files through
 * the CSI driver; reading the namespace's Secrets would read every credential in it), RBAC,
 * ServiceAccounts (each may carry an IAM role), network policies, quotas, DaemonSets or bare pods.
 * Outside production members may also exec into, debug and port-forward to pods.
 */
export function editRules(production: boolean): Input.rbac.v1.PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["pods"], verbs: [...READ, "delete"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        ...(production ? [] : [
            { apiGroups: [""], resources: ["pods/exec", "pods/portforward"], verbs: ["create"] },
            { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] },
        ]),
        { apiGroups: [""], resources: ["services", "configmaps", "persistentvolumeclaims"], verbs: WRITE },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: WRITE },
        { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "update", "patch"] },
        { apiGroups: ["apps"], resources: ["replicasets", "controllerrevisions"], verbs: READ },
        { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: WRITE },
        { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: WRITE },
        ...PLATFORM_OWNED,
    ];
}

/** Read-only: everything the edit role touches, read, and still never Secrets. */
export function viewRules(): Input.rbac.v1.PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["pods", "services", "configmaps", "persistentvolumeclaims"], verbs: READ },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "replicasets", "controllerrevisions"], verbs: READ },
        { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: READ },
        { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: READ },
        ...PLATFORM_OWNED,
    ];
}

/** What the network policies need from the upstream layers. */
export interface ClusterNetwork {
    /** The VPC: load balancers connect from it (ALB/NLB `ip` targets from their ENIs, `instance` targets through nodes), and CoreDNS on Fargate has a VPC address. */
    vpcCidr: string;
    /** Kubernetes services: NodeLocal DNSCache answers on kube-dns's ClusterIP without DNAT. */
    serviceCidr: string;
}

/** A network policy of every team namespace: its name follows from config alone, its spec also from the cluster's network. */
export interface NamedPolicy {
    name: string;
    spec: (net: ClusterNetwork) => Input.networking.v1.NetworkPolicySpec;
}

const everyPod = {};
const namespaceNamed = (name: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } });
const host = (address: string) => ({ ipBlock: { cidr: `${address}/32` } });

/**
 * DNS on UDP and TCP 53: CoreDNS by selector; NodeLocal DNSCache on its link-local address and on
 * kube-dns's ClusterIP (it answers there without DNAT); and the VPC on port 53 only, because in
 * calico-overlay mode CoreDNS runs on Fargate with a VPC address that Calico's selectors do not see.
 */
export function dnsEgress(net: ClusterNetwork): Input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [
            { ...namespaceNamed("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
            host(LOCAL_DNS_ADDRESS),
            host(kubeDnsAddress(net.serviceCidr)),
            { ipBlock: { cidr: net.vpcCidr } },
        ],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
    };
}

const ingressFrom = (from: Input.networking.v1.NetworkPolicyPeer[]): Input.networking.v1.NetworkPolicySpec =>
    ({ podSelector: everyPod, policyTypes: ["Ingress"], ingress: [{ from }] });
const egressTo = (to: Input.networking.v1.NetworkPolicyPeer[]): Input.networking.v1.NetworkPolicySpec =>
    ({ podSelector: everyPod, policyTypes: ["Egress"], egress: [{ to }] });

/**
 * The namespace's policies: deny everything, then allow DNS, the namespace itself and what config
 * opens. Load balancers connect from the VPC: ALB and NLB `ip` targets from their ENIs, `instance`
 * targets (calico-overlay mode) through the nodes.
 */
export function networkPolicies(network: TeamSettings["network"]): NamedPolicy[] {
    const policies: NamedPolicy[] = [
        { name: "default-deny", spec: () => ({ podSelector: everyPod, policyTypes: ["Ingress", "Egress"] }) },
        { name: "allow-dns", spec: (net) => ({ podSelector: everyPod, policyTypes: ["Egress"], egress: [dnsEgress(net)] }) },
        {
            name: "allow-same-namespace",
            spec: () => ({ podSelector: everyPod, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: everyPod }] }], egress: [{ to: [{ podSelector: everyPod }] }] }),
        },
    ];
    if (network.allowFromNamespaces.length > 0) {
        policies.push({ name: "allow-from-namespaces", spec: () => ingressFrom(network.allowFromNamespaces.map(namespaceNamed)) });
    }
    if (network.allowFromLoadBalancer) {
        policies.push({ name: "allow-from-load-balancer", spec: (net) => ingressFrom([{ ipBlock: { cidr: net.vpcCidr } }]) });
    }
    if (network.allowToNamespaces.length > 0) {
        policies.push({ name: "allow-to-namespaces", spec: () => egressTo(network.allowToNamespaces.map(namespaceNamed)) });
    }
    if (network.egressCidrs.length > 0) {
        policies.push({ name: "allow-egress-cidrs", spec: () => egressTo(network.egressCidrs.map((cidr) => ({ ipBlock: { cidr } }))) });
    }
    return policies;
}

export interface TeamArgs {
    /** The team's entry of `platform:access.teams`. */
    team: AccessTeam;
    /** Its guard rails (`teamSettingsOf(config.teams, team.name)`). */
    settings: TeamSettings;
    /** The Kubernetes group of the team's IAM role (cluster contract `teamGroups[team]`). */
    group: pulumi.Input<string>;
    /** The Kubernetes group of the team's read-only roles (cluster contract `teamReadOnlyGroups[team]`). */
    readOnlyGroup: pulumi.Input<string>;
    /** The EC2NodeClass of the team's own pool (add-ons contract). */
    nodeClassName: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Production: no exec, debug or port-forward into pods. */
    production: boolean;
    /** The cluster's Kubernetes minor version, e.g. "1.35" (cluster contract): the enforced Pod Security version. */
    kubernetesVersion: pulumi.Input<string>;
    /** VPC and service CIDRs (network and cluster contracts), for DNS and load balancer rules. */
    network: pulumi.Input<ClusterNetwork>;
}

export class Team extends pulumi.ComponentResource {
    /** The team's namespaces by name. */
    readonly namespaces: Record<string, k8s.core.v1.Namespace>;
    /** Where the team's applications run: its own pool, or anywhere (undefined). */
    readonly placement: Placement | undefined;
    /** The team's Karpenter NodePool, when it has one. */
    readonly nodePool: k8s.apiextensions.CustomResource | undefined;

    constructor(name: string, args: TeamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Team", name, {}, opts);
        const { team, settings } = args;
        const children = { parent: this, provider: args.provider };
        const labels = { [TEAM_LABEL]: team.name, "app.kubernetes.io/managed-by": "pulumi" };

        this.namespaces = Object.fromEntries(team.namespaces.map((ns) => [ns, this.tenantNamespace(`${name}-${ns}`, ns, args, labels, children)]));

        if (settings.nodePool) {
            const { instanceType, cpu, memoryGiB } = settings.nodePool;
            const spec = dedicatedNodePool(team.name, { instanceType, limits: { cpu, memoryGiB } });
            const manifest = pulumi.output(args.nodeClassName).apply((nodeClass) => nodePool(spec, nodeClass));
            this.nodePool = new k8s.apiextensions.CustomResource(`${name}-pool`, {
                apiVersion: NODE_POOL_API,
                kind: "NodePool",
                metadata: { name: team.name, labels },
                spec: manifest.spec,
            }, children);
            this.placement = dedicatedPool(team.name);
        }

        this.registerOutputs({
            namespaces: Object.keys(this.namespaces),
            nodePool: this.nodePool?.metadata.name,
            placement: this.placement,
        });
    }

    private tenantNamespace(
        id: string,
        name: string,
        args: TeamArgs,
        labels: Record<string, string>,
        opts: pulumi.CustomResourceOptions,
    ): k8s.core.v1.Namespace {
        const { settings } = args;
        const namespace = new k8s.core.v1.Namespace(id, {
            metadata: {
                name,
                labels: pulumi.output(args.kubernetesVersion).apply((version) => ({ ...labels, ...podSecurityLabels(settings.podSecurity.level, version) })),
                ...(settings.podSecurity.reason === undefined ? {} : { annotations: { "platform/pod-security-reason": settings.podSecurity.reason } }),
            },
        }, opts);
        const metadata = (objectName: string) => ({ name: objectName, namespace: namespace.metadata.name, labels });

        new k8s.core.v1.ResourceQuota(`${id}-quota`, { metadata: metadata(QUOTA_NAME), spec: resourceQuotaSpec(settings.quota) }, opts);
        new k8s.core.v1.LimitRange(`${id}-limits`, { metadata: metadata(LIMIT_RANGE_NAME), spec: limitRangeSpec(settings.limits) }, opts);

        const bind = (role: string, rules: Input.rbac.v1.PolicyRule[], group: pulumi.Input<string>) => {
            const r = new k8s.rbac.v1.Role(`${id}-${role}`, { metadata: metadata(role), rules }, opts);
            new k8s.rbac.v1.RoleBinding(`${id}-${role}`, {
                metadata: metadata(role),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: r.metadata.name },
                subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
            }, opts);
        };
        bind(EDIT_ROLE, editRules(args.production), args.group);
        bind(VIEW_ROLE, viewRules(), args.readOnlyGroup);

        const net = pulumi.output(args.network);
        for (const policy of networkPolicies(settings.network)) {
            new k8s.networking.v1.NetworkPolicy(`${id}-${policy.name}`, { metadata: metadata(policy.name), spec: net.apply(policy.spec) }, opts);
        }
        return namespace;
    }
}
