// Network reachability, played offline: which security groups each kind of compute carries (from
// the plan, including what pulumi-eks and EKS create), and whether the flows the platform needs are
// allowed by an ingress rule of the destination, with routes both ways for the VPN and peered VPCs.
// Security groups: EKS user guide, "View Amazon EKS security group requirements for clusters";
// managed node groups without security groups in their launch template carry the cluster security
// group; Fargate pods carry it too; Karpenter nodes carry what the EC2NodeClass selects.
import { contains } from "../lib/cidr";
import { addonOfChart } from "../lib/addons";
import { play, readableUrn, type PlayProblem } from "./play";
import type { PlanView, ViewResource } from "./view";

type Protocol = "tcp" | "udp";

export interface Ingress {
    /** The group the rule is on. */
    sg: string;
    protocol: string;
    from: number;
    to: number;
    sourceSg?: string;
    cidrs: string[];
}

/** A kind of compute and the security groups it carries. */
export interface Compute {
    kind: string;
    groups: string[];
    /** Where its addresses come from (CIDR rules allow it when they contain all of them). */
    cidrs: string[];
}

interface Flow {
    name: string;
    from: Compute;
    to: Compute;
    protocol: Protocol;
    port: number;
}

const NUMBER = (v: unknown, fallback: number): number => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : fallback);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);
const protocolOf = (p: unknown): string => {
    const s = String(p ?? "-1").toLowerCase();
    return s === "all" || s === "-1" ? "-1" : s === "6" ? "tcp" : s === "17" ? "udp" : s;
};

/** Every ingress rule of the plan: inline, aws.ec2.SecurityGroupRule and aws.vpc.SecurityGroupIngressRule. */
export function ingressRules(view: PlanView): Ingress[] {
    const rules: Ingress[] = [];
    for (const sg of view.ofType("aws:ec2/securityGroup:SecurityGroup")) {
        if (!sg.id) continue;
        for (const r of (view.value(sg, "ingress") as Record<string, unknown>[] | undefined) ?? []) {
            const base = { sg: sg.id, protocol: protocolOf(r.protocol), from: NUMBER(r.fromPort, 0), to: NUMBER(r.toPort, 65535), cidrs: strings(r.cidrBlocks) };
            rules.push(base);
            for (const source of strings(r.securityGroups)) rules.push({ ...base, cidrs: [], sourceSg: source });
            if (r.self) rules.push({ ...base, cidrs: [], sourceSg: sg.id });
        }
    }
    for (const r of view.ofType("aws:ec2/securityGroupRule:SecurityGroupRule")) {
        if (r.inputs.type !== "ingress") continue;
        const sg = String(r.inputs.securityGroupId);
        const base = { sg, protocol: protocolOf(r.inputs.protocol), from: NUMBER(r.inputs.fromPort, 0), to: NUMBER(r.inputs.toPort, 65535), cidrs: strings(r.inputs.cidrBlocks) };
        rules.push({ ...base, sourceSg: r.inputs.self ? sg : (r.inputs.sourceSecurityGroupId as string | undefined) });
    }
    for (const r of view.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        rules.push({
            sg: String(r.inputs.securityGroupId),
            protocol: protocolOf(r.inputs.ipProtocol),
            from: NUMBER(r.inputs.fromPort, 0),
            to: NUMBER(r.inputs.toPort, 65535),
            sourceSg: r.inputs.referencedSecurityGroupId as string | undefined,
            cidrs: strings(r.inputs.cidrIpv4),
        });
    }
    // Protocol "-1" means every port, whatever the rule's port fields say.
    return rules.map((r) => (r.protocol === "-1" ? { ...r, from: 0, to: 65535 } : r));
}

export const covers = (rule: Ingress, protocol: Protocol, port: number) =>
    (rule.protocol === "-1" || rule.protocol === protocol) && rule.from <= port && port <= rule.to;

/** Whether a flow from a source (its groups, or its addresses) to one of the destination's groups is allowed. */
function allowed(rules: Ingress[], to: string[], from: { groups: string[]; cidrs: string[] }, protocol: Protocol, port: number): boolean {
    return rules.some((r) =>
        to.includes(r.sg) && covers(r, protocol, port)
        && ((r.sourceSg !== undefined && from.groups.includes(r.sourceSg))
            || (from.cidrs.length > 0 && from.cidrs.every((c) => r.cidrs.some((allowedCidr) => safeContains(allowedCidr, c))))));
}

/** Whether a CIDR contains another; false when either is no CIDR. */
export function safeContains(outer: string, inner: string): boolean {
    try {
        return contains(outer, inner);
    } catch {
        return false;
    }
}

const tagsOf = (r: ViewResource | undefined): Record<string, string> => ((r?.inputs.tags ?? {}) as Record<string, string>);

/** The compute of the plan and the groups it carries. */
export function computeOf(view: PlanView): { cluster?: ViewResource; clusterName: string; controlPlane: Compute; fargate?: Compute; nodes: Compute[]; endpoints?: Compute; efs?: Compute; vpcCidr?: string; subnetCidrs: string[] } {
    const [cluster] = view.ofType("aws:eks/cluster:Cluster");
    const clusterName = String(cluster?.inputs.name ?? "");
    const vpcConfig = (cluster ? view.value(cluster, "vpcConfig") : {}) as Record<string, unknown>;
    const inputVpcConfig = (cluster?.inputs.vpcConfig ?? {}) as Record<string, unknown>;
    const clusterSg = String(vpcConfig?.clusterSecurityGroupId ?? "");
    const subnets = strings(inputVpcConfig.subnetIds);
    const subnetCidrs = subnets.map((id) => view.resolve(id)?.inputs.cidrBlock).filter((c): c is string => typeof c === "string");
    const [vpc] = view.ofType("aws:ec2/vpc:Vpc");
    const vpcCidr = vpc?.inputs.cidrBlock as string | undefined;
    const addresses = subnetCidrs.length ? subnetCidrs : vpcCidr ? [vpcCidr] : [];
    const controlPlane: Compute = { kind: "the control plane", groups: [clusterSg, ...strings(inputVpcConfig.securityGroupIds)].filter(Boolean), cidrs: addresses };

    const fargate = view.ofType("aws:eks/fargateProfile:FargateProfile").length ? { kind: "Fargate pods", groups: [clusterSg], cidrs: addresses } : undefined;

    const nodes: Compute[] = view.ofType("aws:eks/nodeGroup:NodeGroup").map((group) => {
        const lt = group.inputs.launchTemplate as { id?: string } | undefined;
        const template = lt?.id ? view.resolve(lt.id) : undefined;
        const fromTemplate = template
            ? [...strings(template.inputs.vpcSecurityGroupIds), ...((template.inputs.networkInterfaces as Record<string, unknown>[] | undefined) ?? []).flatMap((n) => strings(n.securityGroups))]
            : [];
        // No group in the launch template: EKS adds the cluster security group.
        return { kind: `node group ${String(group.inputs.nodeGroupName ?? group.name)}'s nodes`, groups: fromTemplate.length ? fromTemplate : [clusterSg], cidrs: addresses };
    });
    const groups = view.ofType("aws:ec2/securityGroup:SecurityGroup");
    for (const { manifest } of view.manifests()) {
        if (manifest.kind !== "EC2NodeClass") continue;
        const terms = ((manifest.spec as Record<string, unknown> | undefined)?.securityGroupSelectorTerms ?? []) as { id?: string; tags?: Record<string, string>; name?: string }[];
        const selected = terms.flatMap((t) => {
            if (t.id) return [t.id];
            return groups
                .filter((g) => (t.name ? g.inputs.name === t.name : true) && Object.entries(t.tags ?? {}).every(([k, v]) => tagsOf(g)[k] === v || (v === "*" && k in tagsOf(g))))
                .map((g) => String(g.id));
        });
        nodes.push({ kind: `Karpenter's nodes (EC2NodeClass ${manifest.metadata.name})`, groups: [...new Set(selected)], cidrs: addresses });
    }

    const interfaceEndpoints = view.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
    const endpoints = interfaceEndpoints.length ? { kind: "the VPC endpoints", groups: [...new Set(interfaceEndpoints.flatMap((e) => strings(e.inputs.securityGroupIds)))], cidrs: addresses } : undefined;
    const mountTargets = view.ofType("aws:efs/mountTarget:MountTarget");
    const efs = mountTargets.length ? { kind: "the EFS mount targets", groups: [...new Set(mountTargets.flatMap((m) => strings(m.inputs.securityGroups)))], cidrs: addresses } : undefined;
    return { cluster, clusterName, controlPlane, fargate, nodes, endpoints, efs, vpcCidr, subnetCidrs };
}

/** The ports the control plane calls on add-ons' pods (webhooks, aggregated APIs), from their declarations. */
function addonApiPorts(view: PlanView): { addon: string; port: number }[] {
    const ports = new Map<string, { addon: string; port: number }>();
    for (const release of view.releases()) {
        const declaration = addonOfChart(release.chart);
        if (!declaration) continue;
        for (const [use, port] of Object.entries(declaration.hostPorts)) {
            if (/webhook|api|admission/i.test(use)) ports.set(`${declaration.key}/${use}`, { addon: `${declaration.key} (${use})`, port });
        }
    }
    return [...ports.values()];
}

const ruleHint = (f: Flow) =>
    `add an ingress rule to ${f.to.groups.join(" or ") || "a group of the destination"} for ${f.protocol} ${f.port} from ${f.from.groups.join(" or ") || "its source"}`;

export const reachability = play(
    { id: "reachability", description: "the flows the platform needs are allowed by security groups, with routes both ways for the VPN and peered VPCs" },
    (view, problem) => {
        const problems: PlayProblem[] = [];
        const c = computeOf(view);
        if (!c.cluster) return problems;
        const rules = ingressRules(view);
        // The cluster layer's contract says how pods get addresses (a layer's outputs, or the cluster's group in the one-stack project).
        const overlay = view.plan.layers.some((l) => (l.outputs.podNetworkMode ?? (l.outputs.cluster as Record<string, unknown> | undefined)?.podNetworkMode) === "calico-overlay");
        const flows: Flow[] = [];
        const both = (name: string, from: Compute, to: Compute, port: number) => {
            flows.push({ name, from, to, protocol: "tcp", port }, { name, from, to, protocol: "udp", port });
        };

        // Every kind of node carries groups, and exactly one tagged for the load balancer controller.
        for (const n of [...c.nodes, ...(c.fargate ? [c.fargate] : [])]) {
            const tag = `kubernetes.io/cluster/${c.clusterName}`;
            const tagged = n.groups.filter((id) => tag in tagsOf(view.resolve(id)));
            if (tagged.length !== 1) {
                problems.push(problem(`${n.kind} carry ${tagged.length} security groups tagged ${tag} (${n.groups.join(", ") || "none"}): the load balancer controller needs exactly one`));
            }
        }

        const pods = [...c.nodes, ...(c.fargate ? [c.fargate] : [])];
        for (const a of c.nodes) {
            for (const b of c.nodes) {
                if (overlay) {
                    flows.push({ name: "node to node (Calico VXLAN)", from: a, to: b, protocol: "udp", port: 4789 });
                    flows.push({ name: "node to node (Calico Typha)", from: a, to: b, protocol: "tcp", port: 5473 });
                } else {
                    // Pods take node ENI addresses and talk on any port: sample the whole range.
                    for (const port of [1, 443, 8080, 30000, 65535]) both("node to node (pods on any port)", a, b, port);
                }
            }
        }
        if (c.fargate) for (const from of pods) both("pods to CoreDNS on Fargate (DNS)", from, c.fargate, 53);
        for (const to of c.nodes) flows.push({ name: "control plane to kubelet", from: c.controlPlane, to, protocol: "tcp", port: 10250 });
        for (const { addon, port } of addonApiPorts(view)) {
            for (const to of pods) flows.push({ name: `control plane to ${addon}`, from: c.controlPlane, to, protocol: "tcp", port });
        }
        for (const from of pods) flows.push({ name: "nodes and pods to the Kubernetes API", from, to: c.controlPlane, protocol: "tcp", port: 443 });
        if (c.endpoints) for (const from of pods) flows.push({ name: "nodes and pods to the VPC endpoints", from, to: c.endpoints, protocol: "tcp", port: 443 });
        if (c.efs) for (const from of c.nodes) flows.push({ name: "nodes to EFS (NFS)", from, to: c.efs, protocol: "tcp", port: 2049 });

        for (const f of flows) {
            if (!allowed(rules, f.to.groups, f.from, f.protocol, f.port)) {
                problems.push(problem(`${f.name}: ${f.from.kind} (${f.from.groups.join(", ") || "no security group"}) cannot reach ${f.to.kind} (${f.to.groups.join(", ") || "no security group"}) on ${f.protocol} ${f.port}: ${ruleHint(f)}`));
            }
        }
        problems.push(...outsideProblems(view, c, rules, problem));
        problems.push(...tagProblems(view, problem));
        return problems;
    },
);

/** The VPN and peered VPCs to the API: allowed, resolvable to the private endpoint, and routed both ways. */
function outsideProblems(view: PlanView, c: ReturnType<typeof computeOf>, rules: Ingress[], problem: (m: string, r?: string) => PlayProblem): PlayProblem[] {
    const problems: PlayProblem[] = [];
    const cluster = c.cluster as ViewResource;
    const vpcConfig = (cluster.inputs.vpcConfig ?? {}) as Record<string, unknown>;
    // The control plane's ENIs answer through the route tables of its subnets.
    const associations = view.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation");
    const tables = new Set(strings(vpcConfig.subnetIds).flatMap((subnet) => associations.filter((a) => a.inputs.subnetId === subnet).map((a) => String(a.inputs.routeTableId))));
    const routes = view.ofType("aws:ec2/route:Route");
    const routed = (table: string, cidr: string) => routes.some((r) => r.inputs.routeTableId === table && typeof r.inputs.destinationCidrBlock === "string" && safeContains(r.inputs.destinationCidrBlock, cidr) && r.inputs.destinationCidrBlock !== "0.0.0.0/0");
    const peerings = view.ofType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");

    // Every CIDR outside the VPC that the API admits needs a route back from the control plane's subnets.
    const outside = new Set(rules.filter((r) => c.controlPlane.groups.includes(r.sg) && covers(r, "tcp", 443)).flatMap((r) => r.cidrs).filter((cidr) => !(c.vpcCidr && safeContains(c.vpcCidr, cidr))));
    for (const cidr of outside) {
        const missing = [...tables].filter((t) => !routed(t, cidr));
        if (missing.length) problems.push(problem(`VPN or peered VPC ${cidr} to the Kubernetes API (tcp 443): no route back to ${cidr} in the control plane's route tables ${missing.join(", ")}: set platform:endpoint.vpnGateway (VPN) or a peering`, cluster.urn));
    }
    for (const pcx of peerings) {
        const peerCidr = routes.find((r) => r.inputs.vpcPeeringConnectionId === pcx.id && r.inputs.destinationCidrBlock !== c.vpcCidr)?.inputs.destinationCidrBlock as string | undefined;
        if (!peerCidr) {
            problems.push(problem(`peered VPC ${String(pcx.inputs.peerVpcId)} to the Kubernetes API: no route to it through ${pcx.id}`, pcx.urn));
            continue;
        }
        if (!allowed(rules, c.controlPlane.groups, { groups: [], cidrs: [peerCidr] }, "tcp", 443)) {
            problems.push(problem(`peered VPC ${peerCidr} to the Kubernetes API (tcp 443): no ingress rule of ${c.controlPlane.groups.join(", ")} admits it`, pcx.urn));
        }
        if (vpcConfig.endpointPublicAccess === true) {
            problems.push(problem(`peered VPC ${peerCidr} to the Kubernetes API: with the public endpoint on, the peer resolves the API to its public addresses; make the endpoint private only (platform:endpoint.publicAccess: false)`, pcx.urn));
        }
        // In the same account the platform owns the way back too.
        if (pcx.inputs.peerOwnerId === undefined && c.vpcCidr) {
            const back = routes.filter((r) => r.inputs.vpcPeeringConnectionId === pcx.id && r.inputs.destinationCidrBlock === c.vpcCidr);
            if (back.length === 0) {
                problems.push(problem(`peered VPC ${peerCidr} to the Kubernetes API: no route back from the peer (same account) to ${c.vpcCidr} through ${pcx.id}: list the peer's route tables in platform:peerings[].peerRouteTableIds`, pcx.urn));
            }
        }
    }
    return problems;
}

/** An aws.ec2.Tag on a group another resource manages is stripped when that resource is refreshed or updated. */
function tagProblems(view: PlanView, problem: (m: string, r?: string) => PlayProblem): PlayProblem[] {
    return view.ofType("aws:ec2/tag:Tag").flatMap((tag) => {
        const target = view.resolve(tag.inputs.resourceId);
        if (!target || (target.modeled && String(target.modeledFrom).startsWith("AWS:"))) return [];
        return [problem(`tags ${readableUrn(target.urn)}, which ${target.modeled ? "a remote component" : "another resource"} manages: its next update strips the tag (set the tag there, or select the group by id)`, tag.urn)];
    });
}
