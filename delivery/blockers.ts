// What keeps a cluster's layers from being destroyed: AWS load balancers that the AWS Load
// Balancer Controller created for Services and Ingresses (they hold subnets and security groups),
// and EC2 instances that Karpenter launched (they hold ENIs in the subnets and the node role).
// Pulumi does not know about either; they are removed through the Kubernetes API while the
// controllers that clean them up still run.

export type BlockerKind = "Service" | "Ingress" | "NodePool" | "NodeClaim" | "Node";

export interface KubeObject {
    kind: BlockerKind;
    name: string;
    namespace?: string;
}

/** The few Kubernetes calls the teardown needs (delivery/kube.ts implements them with @kubernetes/client-node). */
export interface ClusterApi {
    /**
     * `Service`: Services of type LoadBalancer in every namespace; `Ingress`: all Ingresses;
     * `NodePool`/`NodeClaim`: Karpenter's objects (none when Karpenter's CRDs are absent);
     * `Node`: nodes Karpenter launched (label `karpenter.sh/nodepool`).
     */
    list(kind: BlockerKind): Promise<KubeObject[]>;
    /** Deletes an object; one already gone is not an error. */
    delete(object: KubeObject): Promise<void>;
}

export interface WaitOptions {
    /** How long the load balancer controller gets to delete the load balancers. */
    loadBalancersMs: number;
    /** How long Karpenter gets to drain and terminate its nodes. */
    nodesMs: number;
    pollMs: number;
}

export const DEFAULT_WAITS: WaitOptions = { loadBalancersMs: 15 * 60_000, nodesMs: 20 * 60_000, pollMs: 10_000 };

export const objectName = (o: KubeObject): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

async function listAll(cluster: ClusterApi, kinds: BlockerKind[]): Promise<KubeObject[]> {
    return (await Promise.all(kinds.map((k) => cluster.list(k)))).flat();
}

/** Polls until none of `kinds` is left, or fails naming what is left and who should have removed it. */
async function waitUntilGone(cluster: ClusterApi, kinds: BlockerKind[], within: number, pollMs: number, who: string): Promise<void> {
    const deadline = Date.now() + within;
    for (;;) {
        const left = await listAll(cluster, kinds);
        if (left.length === 0) return;
        if (Date.now() >= deadline) {
            throw new Error(`timed out after ${Math.round(within / 1000)}s waiting for ${who} to remove: ${left.map(objectName).join(", ")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
}

/**
 * Deletes every LoadBalancer Service and Ingress and waits until they are gone (the controller's
 * finalizer holds each object until its load balancer is deleted), then deletes Karpenter's
 * NodePools and NodeClaims and waits until their NodeClaims and nodes are gone (Karpenter drains
 * and terminates the instances). Load balancers go first: their controller may run on Karpenter nodes.
 */
export async function removeBlockers(cluster: ClusterApi, log: (line: string) => void, waits: WaitOptions = DEFAULT_WAITS): Promise<void> {
    const loadBalancers = await listAll(cluster, ["Ingress", "Service"]);
    for (const object of loadBalancers) await cluster.delete(object);
    log(`  load balancers: deleting ${loadBalancers.length} (${loadBalancers.map(objectName).join(", ") || "none"})`);
    await waitUntilGone(cluster, ["Ingress", "Service"], waits.loadBalancersMs, waits.pollMs, "the load balancer controller");

    const karpenter = await listAll(cluster, ["NodePool", "NodeClaim"]);
    for (const object of karpenter) await cluster.delete(object);
    log(`  Karpenter: deleting ${karpenter.length} node pools and node claims (${karpenter.map(objectName).join(", ") || "none"})`);
    await waitUntilGone(cluster, ["NodePool", "NodeClaim", "Node"], waits.nodesMs, waits.pollMs, "Karpenter");
    log("  blockers removed: no load balancers, no Karpenter nodes");
}
