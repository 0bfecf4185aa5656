// Traffic that arrives: load balancer targets a load balancer can reach on this pod network
// (`ip` targets only with VPC pod addresses; `instance` targets need node ports), and network
// policies that admit what must arrive and leave: the load balancer (from the VPC), Prometheus
// (each PodMonitor selected by the kube-prometheus-stack release and let in on its port), and the
// AWS APIs a pod's own IAM role calls (its statements' services, through the VPC's interface
// endpoints, the S3 gateway's ranges, or a NAT; and STS with IRSA, or the EKS Pod Identity agent
// on the node with Pod Identity).
import { POD_IDENTITY_AGENT } from "../lib/applicationIdentity";
import * as cidr from "../lib/cidr";
import { play } from "./play";
import type { Manifest, PlanView } from "./view";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LBC_CHART = "aws-load-balancer-controller";
const PROMETHEUS_CHART = "kube-prometheus-stack";
const NLB_CLASS = "service.k8s.aws/nlb";
const IRSA_ROLE = "eks.amazonaws.com/role-arn";
const NAMESPACE_NAME = "kubernetes.io/metadata.name";
/** Private and shared address space: never the S3 gateway's ranges. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** A layer's output, in the layered stacks or the one-stack project (outputs nested by layer). */
export function layerOutput(view: PlanView, layer: string, key: string): unknown {
    for (const l of view.plan.layers) {
        if (l.name === layer && key in l.outputs) return l.outputs[key];
        const nested = l.outputs[layer] as AnyObject | undefined;
        if (nested && typeof nested === "object" && key in nested) return nested[key];
    }
    return undefined;
}

const idOf = (m: Manifest) => `${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}`;
const selects = (selector: AnyObject | undefined, labels: Record<string, string>): boolean =>
    Object.entries((selector?.matchLabels ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v) && !(selector?.matchExpressions?.length);

/** The policies of a namespace that select pods with these labels, for a direction. */
function policiesFor(manifests: Manifest[], ns: string, labels: Record<string, string>, type: "Ingress" | "Egress"): AnyObject[] {
    return manifests.filter((m) => m.kind === "NetworkPolicy" && m.metadata.namespace === ns && selects((m.spec as AnyObject).podSelector, labels) && ((m.spec as AnyObject).policyTypes ?? ["Ingress"]).includes(type)).map((m) => m.spec as AnyObject);
}

const portMatches = (ports: AnyObject[] | undefined, port: number | string, names: (string | number)[] = []): boolean =>
    !ports || ports.length === 0 || ports.some((p) => p.port === undefined || p.port === port || names.includes(p.port));

/** Whether a peer's ipBlock covers the whole range (and excepts none of it). */
const ipCovers = (peer: AnyObject, range: string): boolean =>
    peer.ipBlock !== undefined && cidr.contains(peer.ipBlock.cidr, range) && !(peer.ipBlock.except ?? []).some((e: string) => cidr.overlaps(e, range));

/**
 * The labels the chart's Prometheus requires of a monitor: its selector's, or with none set, the
 * release label unless `*SelectorNilUsesHelmValues` is false (then it selects every monitor).
 */
export function monitorSelector(values: AnyObject, kind: string, release: string): Record<string, string> {
    const spec = (values.prometheus?.prometheusSpec ?? {}) as AnyObject;
    const key = kind === "PodMonitor" ? "podMonitor" : "serviceMonitor";
    const selector = spec[`${key}Selector`] as AnyObject | undefined;
    if (selector && Object.keys(selector).length > 0) return (selector.matchLabels ?? {}) as Record<string, string>;
    return spec[`${key}SelectorNilUsesHelmValues`] === false ? {} : { release };
}

export const traffic = play(
    { id: "traffic", description: "Load balancer targets reachable on the pod network; policies that admit the load balancer, Prometheus and a pod's own AWS calls" },
    (view, problem) => {
        const problems: ReturnType<typeof problem>[] = [];
        const all = view.manifests();
        const manifests = all.map((m) => m.manifest);
        const urnOf = new Map(all.map(({ resource, manifest }) => [manifest, resource.urn]));
        const refuse = (m: Manifest, message: string) => problems.push(problem(`${idOf(m)}: ${message}`, urnOf.get(m)));

        const mode = layerOutput(view, "cluster", "podNetworkMode") as string | undefined;
        const vpcCidr = layerOutput(view, "network", "vpcCidr") as string | undefined;
        const privateSubnets = (layerOutput(view, "network", "privateSubnetCidrs") ?? []) as string[];
        const endpoints = (layerOutput(view, "network", "interfaceEndpoints") ?? []) as string[];
        const egress = layerOutput(view, "network", "egress") as string | undefined;
        const lbc = view.releases().find((r) => r.chart === LBC_CHART);
        const defaultTarget = String(lbc?.values.defaultTargetType ?? "instance");
        const prometheus = view.releases().find((r) => r.chart.split("/").pop() === PROMETHEUS_CHART); // by name, from its repository or a chart mirror
        const services = manifests.filter((m) => m.kind === "Service");
        const serviceOf = (ns: string | undefined, name: string) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === name);

        /** Targets: ip only with VPC pod addresses; instance targets through node ports. */
        const checkTarget = (m: Manifest, target: string) => {
            if (target === "ip" && mode === "calico-overlay") {
                refuse(m, "ip targets would be Calico overlay pod addresses, which no load balancer can route to: use instance targets (node ports) on this pod network");
            }
        };
        /** The load balancer connects from the VPC: a policy selecting the pods must admit it, when they are isolated. */
        const checkAdmitted = (m: Manifest, svc: Manifest) => {
            const ns = svc.metadata.namespace ?? "default";
            const labels = ((svc.spec as AnyObject).selector ?? {}) as Record<string, string>;
            const policies = policiesFor(manifests, ns, labels, "Ingress");
            if (policies.length === 0 || !vpcCidr) return;
            const ports = ((svc.spec as AnyObject).ports ?? []).map((p: AnyObject) => p.targetPort ?? p.port);
            const admitted = policies.some((p) => (p.ingress ?? []).some((rule: AnyObject) =>
                (rule.from ?? []).some((peer: AnyObject) => ipCovers(peer, vpcCidr)) && ports.every((port: number | string) => portMatches(rule.ports, port))));
            if (!admitted) refuse(m, `the load balancer connects from the VPC (${vpcCidr}), but no network policy in ${ns} admits it to the pods (allow-from-load-balancer)`);
        };

        for (const svc of services) {
            const spec = svc.spec as AnyObject;
            if (spec.type !== "LoadBalancer") continue;
            const annotations = svc.metadata.annotations ?? {};
            const byController = spec.loadBalancerClass === NLB_CLASS || ["external", "nlb-ip"].includes(annotations["service.beta.kubernetes.io/aws-load-balancer-type"] ?? "");
            if (!byController) continue;
            const target = annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] ?? defaultTarget;
            checkTarget(svc, target);
            if (target === "instance" && spec.allocateLoadBalancerNodePorts === false) refuse(svc, "instance targets are node ports, but allocateLoadBalancerNodePorts is false");
            checkAdmitted(svc, svc);
        }

        for (const ing of manifests.filter((m) => m.kind === "Ingress" && (m.spec as AnyObject).ingressClassName === "alb")) {
            const target = ing.metadata.annotations?.["alb.ingress.kubernetes.io/target-type"] ?? defaultTarget;
            checkTarget(ing, target);
            const backends = ((ing.spec as AnyObject).rules ?? []).flatMap((r: AnyObject) => (r.http?.paths ?? []).map((p: AnyObject) => p.backend?.service?.name));
            for (const name of new Set<string>(backends)) {
                const svc = serviceOf(ing.metadata.namespace, name);
                if (!svc) { refuse(ing, `its backend Service ${name} does not exist`); continue; }
                const type = (svc.spec as AnyObject).type ?? "ClusterIP";
                if (target === "instance" && type !== "NodePort" && type !== "LoadBalancer") refuse(ing, `instance targets need a NodePort (or LoadBalancer) Service, but ${name} is ${type}`);
                checkAdmitted(ing, svc);
            }
        }

        for (const monitor of manifests.filter((m) => m.kind === "PodMonitor" || m.kind === "ServiceMonitor")) {
            if (!prometheus) { refuse(monitor, `no ${PROMETHEUS_CHART} release runs a Prometheus to select it`); continue; }
            const required = monitorSelector(prometheus.values, monitor.kind, prometheus.name);
            const missing = Object.entries(required).filter(([k, v]) => monitor.metadata.labels?.[k] !== v);
            if (missing.length > 0) {
                refuse(monitor, `the ${PROMETHEUS_CHART} Prometheus selects ${monitor.kind}s labelled ${Object.entries(required).map(([k, v]) => `${k}=${v}`).join(",")}, and this one lacks ${missing.map(([k]) => k).join(", ")}`);
            }
            const spec = monitor.spec as AnyObject;
            const labels = (spec.selector?.matchLabels ?? {}) as Record<string, string>;
            const ns = monitor.metadata.namespace ?? "default";
            const policies = policiesFor(manifests, ns, labels, "Ingress");
            if (policies.length === 0) continue;
            const ports = (spec.podMetricsEndpoints ?? spec.endpoints ?? []).map((e: AnyObject) => e.port ?? e.targetPort);
            const admitted = policies.some((p) => (p.ingress ?? []).some((rule: AnyObject) =>
                (rule.from ?? []).some((peer: AnyObject) => peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME] === prometheus.namespace) && ports.every((port: string) => portMatches(rule.ports, port))));
            if (!admitted) refuse(monitor, `Prometheus (namespace ${prometheus.namespace}) scrapes port ${ports.join(", ")}, but no network policy in ${ns} admits it`);
        }

        // A pod's own AWS calls: the services of its role's inline policies, plus STS (IRSA: the
        // annotation names the role) or the Pod Identity agent (an association names it).
        const roles = view.ofType("aws:iam/role:Role");
        const associations = view.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation");
        const rolePolicies = view.ofType("aws:iam/rolePolicy:RolePolicy");
        const attachments = view.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        /** The services of the role's inline policies, and whether its pods call AWS at all (a managed policy is attached, or an inline one is more than reading secrets). */
        const grantsOf = (arn: string): { own: string[]; callsAws: boolean } => {
            const role = roles.find((r) => view.value(r, "arn") === arn);
            if (!role) return { own: [], callsAws: false };
            const actions = rolePolicies.filter((p) => p.inputs.role === role.id || p.inputs.role === view.value(role, "name")).flatMap((p) => {
                const doc = typeof p.inputs.policy === "string" ? JSON.parse(p.inputs.policy) : p.inputs.policy;
                return ((doc?.Statement ?? []) as AnyObject[]).filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat() as string[]);
            });
            const own = [...new Set(actions.map((a) => a.split(":")[0]))].filter((s) => s !== "secretsmanager" || actions.some((a) => a.startsWith("secretsmanager:") && !/GetSecretValue|DescribeSecret/.test(a)));
            const attached = attachments.some((a) => a.inputs.role === role.id || a.inputs.role === view.value(role, "name"));
            return { own, callsAws: own.length > 0 || attached };
        };
        const identityOf = (namespace: string, serviceAccount: string): { mechanism: "irsa" | "pod-identity"; services: string[]; callsAws: boolean } | undefined => {
            const sa = manifests.find((m) => m.kind === "ServiceAccount" && m.metadata.namespace === namespace && m.metadata.name === serviceAccount);
            const irsa = sa?.metadata.annotations?.[IRSA_ROLE];
            if (irsa) {
                const { own, callsAws } = grantsOf(irsa as string);
                return { mechanism: "irsa", services: callsAws ? [...new Set(["sts", ...own])] : [], callsAws };
            }
            const association = associations.find((a) => a.inputs.namespace === namespace && a.inputs.serviceAccount === serviceAccount);
            if (!association) return undefined;
            const { own, callsAws } = grantsOf(String(association.inputs.roleArn));
            return { mechanism: "pod-identity", services: own, callsAws };
        };
        for (const w of manifests.filter((m) => ["Deployment", "StatefulSet", "Job", "CronJob"].includes(m.kind))) {
            const spec = w.spec as AnyObject;
            const template = w.kind === "CronJob" ? spec.jobTemplate?.spec?.template : spec.template;
            const identity = template?.spec?.serviceAccountName ? identityOf(w.metadata.namespace ?? "default", template.spec.serviceAccountName) : undefined;
            if (!identity) continue;
            const needed = identity.services;
            const policies = policiesFor(manifests, w.metadata.namespace ?? "default", template.metadata?.labels ?? {}, "Egress");
            if (!identity.callsAws || policies.length === 0) continue;
            if (identity.mechanism === "pod-identity") {
                const toAgent = policies.flatMap((p) => (p.egress ?? []) as AnyObject[]).filter((r) => portMatches(r.ports, POD_IDENTITY_AGENT.port));
                if (!toAgent.some((r) => (r.to ?? []).some((peer: AnyObject) => ipCovers(peer, POD_IDENTITY_AGENT.cidr)))) {
                    refuse(w, `its role comes through EKS Pod Identity, but no network policy lets its pods reach the agent on their node (${POD_IDENTITY_AGENT.cidr} port ${POD_IDENTITY_AGENT.port}), so they get no credentials`);
                }
            }
            const rules = policies.flatMap((p) => (p.egress ?? []) as AnyObject[]).filter((r) => portMatches(r.ports, 443));
            const reaches = (range: string) => rules.some((r) => (r.to ?? []).some((peer: AnyObject) => ipCovers(peer, range)));
            for (const service of needed) {
                if (service === "s3") {
                    // The gateway's ranges are public: HTTPS egress to a public range (the plan does not hold the prefix list).
                    if (!rules.some((r) => (r.to ?? []).some((peer: AnyObject) => peer.ipBlock && !PRIVATE.some((p) => cidr.overlaps(p, peer.ipBlock.cidr) && cidr.contains(p, peer.ipBlock.cidr))))) refuse(w, "its role calls s3, but no network policy lets its pods reach the S3 gateway endpoint's ranges on 443");
                } else if (endpoints.includes(service)) {
                    if (!privateSubnets.every(reaches)) refuse(w, `its role calls ${service}, but no network policy lets its pods reach the ${service} interface endpoint (the private subnets ${privateSubnets.join(", ")}) on 443`);
                } else if (egress === "none") {
                    refuse(w, `its role calls ${service}, but the VPC has no ${service} endpoint and no internet egress`);
                } else if (!rules.some((r) => (r.to ?? []).some((peer: AnyObject) => peer.ipBlock?.cidr === "0.0.0.0/0"))) {
                    refuse(w, `its role calls ${service} through the NAT, but no network policy lets its pods reach it on 443`);
                }
            }
        }
        return problems;
    },
);
