// delivery/kube.ts against a small stand-in for the Kubernetes API server: the requests it sends
// (paths, methods, selectors), and what it makes of the answers.
import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { kubeClusterApi } from "../delivery/kube";

const items = (...list: object[]) => JSON.stringify({ apiVersion: "v1", kind: "List", metadata: {}, items: list });

describe("delivery: the Kubernetes client behind the teardown", () => {
    const requests: string[] = [];
    let server: http.Server;
    let kubeconfig: string;

    before(async () => {
        server = http.createServer((req, res) => {
            requests.push(`${req.method} ${req.url}`);
            res.setHeader("content-type", "application/json");
            const url = req.url ?? "";
            if (url.startsWith("/api/v1/services")) {
                res.end(items(
                    { metadata: { name: "web", namespace: "shop" }, spec: { type: "LoadBalancer" } },
                    { metadata: { name: "db", namespace: "shop" }, spec: { type: "ClusterIP" } },
                ));
            } else if (url.startsWith("/apis/networking.k8s.io/v1/ingresses")) {
                res.end(items({ metadata: { name: "web", namespace: "shop" } }));
            } else if (url.startsWith("/api/v1/nodes")) {
                res.end(items({ metadata: { name: "ip-10-20-1-5.eu-west-1.compute.internal" } }));
            } else if (url === "/apis/karpenter.sh/v1/nodepools") {
                res.end(items({ metadata: { name: "default" } }));
            } else if (req.method === "DELETE" && url === "/apis/karpenter.sh/v1/nodeclaims/gone") {
                res.statusCode = 404;
                res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
            } else if (req.method === "DELETE") {
                res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Success" }));
            } else {
                res.statusCode = 404; // e.g. Karpenter's CRDs are not installed
                res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
            }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        kubeconfig = [
            "apiVersion: v1", "kind: Config", "current-context: test",
            `clusters: [{name: test, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`, // plain HTTP: the client allows it only so
            "users: [{name: test, user: {token: t0ken}}]",
            "contexts: [{name: test, context: {cluster: test, user: test}}]",
        ].join("\n");
    });
    after(() => server.close());
    beforeEach(() => requests.splice(0));

    it("lists only LoadBalancer Services, all Ingresses, Karpenter's nodes by label, and its custom objects", async () => {
        const api = kubeClusterApi(kubeconfig);
        assert.deepEqual(await api.list("Service"), [{ kind: "Service", name: "web", namespace: "shop" }]);
        assert.deepEqual(await api.list("Ingress"), [{ kind: "Ingress", name: "web", namespace: "shop" }]);
        assert.deepEqual(await api.list("Node"), [{ kind: "Node", name: "ip-10-20-1-5.eu-west-1.compute.internal", namespace: undefined }]);
        assert.deepEqual(await api.list("NodePool"), [{ kind: "NodePool", name: "default" }]);
        assert.deepEqual(await api.list("NodeClaim"), [], "no Karpenter CRDs: nothing to remove");
        assert.deepEqual(requests, [
            "GET /api/v1/services",
            "GET /apis/networking.k8s.io/v1/ingresses",
            "GET /api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool",
            "GET /apis/karpenter.sh/v1/nodepools",
            "GET /apis/karpenter.sh/v1/nodeclaims",
        ]);
    });

    it("deletes through the object's own path, and an object already gone is not an error", async () => {
        const api = kubeClusterApi(kubeconfig);
        await api.delete({ kind: "Service", name: "web", namespace: "shop" });
        await api.delete({ kind: "Ingress", name: "web", namespace: "shop" });
        await api.delete({ kind: "NodePool", name: "default" });
        await api.delete({ kind: "NodeClaim", name: "gone" });
        await assert.rejects(api.delete({ kind: "Node", name: "n1" }), /nodes are removed by Karpenter/);
        assert.deepEqual(requests, [
            "DELETE /api/v1/namespaces/shop/services/web",
            "DELETE /apis/networking.k8s.io/v1/namespaces/shop/ingresses/web",
            "DELETE /apis/karpenter.sh/v1/nodepools/default",
            "DELETE /apis/karpenter.sh/v1/nodeclaims/gone",
        ]);
    });
});
