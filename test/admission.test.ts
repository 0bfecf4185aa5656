// The admission play: what the API server would refuse per namespace (ResourceQuota at each
// workload's peak, LimitRange, Pod Security, PriorityClass), on the real plans and on plans
// mutated to break one rule each.
import { strict as assert } from "assert";
import { admission } from "../plays/admission";
import type { Plan } from "../synth/synth";
import { layerOf, synthEnv } from "./helpers";
import { playSays, withWorkload, type AnyObject } from "./planEdits";

const mutate = withWorkload;

/** Every object of a kind in one namespace (e.g. all of a namespace's quotas). */
function mutateAll(plan: Plan, kind: string, namespace: string, change: (o: AnyObject) => void): Plan {
    const copy = structuredClone(plan);
    for (const r of layerOf(copy, "workloads").resources.filter((x) => x.inputs.kind === kind && (x.inputs.metadata as AnyObject)?.namespace === namespace)) change(r.inputs as AnyObject);
    return copy;
}

const said = playSays(admission);
const podOf = (o: AnyObject): AnyObject => (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);

describe("plays: admission", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("admits every object of the reference environments", () => {
        assert.equal(said(dev), "");
        assert.equal(said(prod), "");
    });

    describe("ResourceQuota", () => {
        it("counts a LoadBalancer Service against services.loadbalancers", () => {
            const broken = mutateAll(dev, "ResourceQuota", "payments", (q) => (q.spec.hard["services.loadbalancers"] = "0"));
            assert.match(said(broken), /namespace payments: forbidden: exceeded quota: team-quota, requested: services.loadbalancers=1, limited: services.loadbalancers=0; by Service payments\/payments-api/);
        });

        it("counts the node ports a LoadBalancer Service allocates unless allocateLoadBalancerNodePorts is false", () => {
            assert.equal(said(mutateAll(dev, "ResourceQuota", "payments", (q) => (q.spec.hard["services.nodeports"] = "0"))), "", "ip targets allocate none");
            const allocating = mutate(dev, "Service", "payments-api", (s) => delete s.spec.allocateLoadBalancerNodePorts);
            assert.match(said(allocating), /exceeded quota: team-quota, requested: services.nodeports=1, limited: services.nodeports=0; by Service payments\/payments-api/);
            // prod: instance targets need the node port its quota grants.
            assert.match(said(mutateAll(prod, "ResourceQuota", "search", (q) => (q.spec.hard["services.nodeports"] = "0"))), /services.nodeports=1, limited: services.nodeports=0; by Service search\/search-api/);
        });

        it("sums limits at the autoscaler's maximum plus the rollout surge", () => {
            // 12 + 25% surge (3) = 15 pods of 1 CPU fit 20 CPU; 16 + 4 = 20 pods and the cache's 1 CPU do not.
            const broken = mutate(prod, "HorizontalPodAutoscaler", "search-api", (h) => (h.spec.maxReplicas = 16));
            assert.match(said(broken), /namespace search: forbidden: exceeded quota: team-quota, requested: limits.cpu=21, limited: limits.cpu=20; by Deployment search\/search-api \(20 pods: autoscaler maximum 16 \+ rollout surge 4\)/);
        });

        it("counts pods, claims and storage of a StatefulSet's replicas", () => {
            const broken = mutateAll(prod, "ResourceQuota", "search", (q) => (q.spec.hard["requests.storage"] = "10Gi"));
            assert.match(said(broken), /exceeded quota: team-quota, requested: requests.storage=20Gi, limited: requests.storage=10Gi; by StatefulSet search\/search-cache/);
        });

        it("refuses a pod without requests where the quota tracks them and no LimitRange defaults them", () => {
            const noRange = structuredClone(prod);
            const layer = layerOf(noRange, "workloads");
            layer.resources = layer.resources.filter((r) => !(r.inputs.kind === "LimitRange" && (r.inputs.metadata as AnyObject).namespace === "search-jobs"));
            // Requests default to limits (the API server's defaulting), so only a container with neither is refused.
            assert.equal(said(mutate(noRange, "Job", "search-reindex", (j) => delete podOf(j).containers[0].resources.requests)), "");
            const broken = mutate(noRange, "Job", "search-reindex", (j) => delete podOf(j).containers[0].resources);
            assert.match(said(broken), /Job search-jobs\/search-reindex: forbidden: failed quota: team-quota: must specify requests.cpu,limits.cpu,requests.memory,limits.memory/);
        });
    });

    describe("LimitRange", () => {
        it("refuses a container whose limit exceeds the namespace's maximum, and fills in defaults", () => {
            const broken = mutate(prod, "Deployment", "payments-api", (d) => (podOf(d).containers[0].resources.limits.cpu = "3"));
            assert.match(said(broken), /Deployment payments\/payments-api: container payments-api: forbidden: maximum cpu usage per Container is 2, but limit is 3 \(LimitRange team-defaults\)/);
            // Without limits the LimitRange's defaults apply, and those are within the maximum.
            assert.equal(said(mutate(prod, "Job", "search-reindex", (j) => delete podOf(j).containers[0].resources)), "");
        });
    });

    describe("Pod Security", () => {
        it("refuses a pod above the namespace's enforced level", () => {
            const root = mutate(prod, "Deployment", "search-api", (d) => delete podOf(d).securityContext.runAsNonRoot);
            assert.equal(said(root), "", "every container still sets runAsNonRoot... through the pod only");
            const escalating = mutate(prod, "Deployment", "search-api", (d) => (podOf(d).containers[0].securityContext.allowPrivilegeEscalation = true));
            assert.match(said(escalating), /Deployment search\/search-api: pods would violate PodSecurity "restricted:latest" in namespace search: allowPrivilegeEscalation != false/);
            const host = mutate(prod, "CronJob", "payments-settle", (c) => (podOf(c).hostNetwork = true));
            assert.match(said(host), /CronJob payments\/payments-settle: pods would violate PodSecurity "restricted:latest" in namespace payments: host namespaces/);
            // dev's payments namespace enforces baseline: a root user passes there, a host path does not.
            assert.equal(said(mutate(dev, "Deployment", "payments-api", (d) => (podOf(d).securityContext.runAsNonRoot = false))), "");
            assert.match(said(mutate(dev, "Deployment", "payments-api", (d) => podOf(d).volumes.push({ name: "host", hostPath: { path: "/var/run" } }))), /PodSecurity "baseline:latest" in namespace payments: hostPath volumes/);
        });
    });

    describe("PriorityClass", () => {
        it("refuses a class that does not exist, a system class in a tenant namespace, and another team's class", () => {
            assert.match(said(mutate(prod, "Job", "search-reindex", (j) => (podOf(j).priorityClassName = "batch-low"))), /Job search-jobs\/search-reindex: pods in namespace search-jobs are forbidden: no PriorityClass with name batch-low was found/);
            assert.match(said(mutate(prod, "Job", "search-reindex", (j) => (podOf(j).priorityClassName = "system-node-critical"))), /forbidden: the system-node-critical PriorityClass is reserved for the platform's namespaces, and search-jobs belongs to team search/);
            assert.match(said(mutate(prod, "Job", "search-reindex", (j) => (podOf(j).priorityClassName = "payments-critical"))), /forbidden: PriorityClass payments-critical belongs to team payments, not to team search of namespace search-jobs/);
        });
    });
});
