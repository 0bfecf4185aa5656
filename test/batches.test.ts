import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { inBatches } from "../lib/batches";
import { MockEngine } from "../synth/engine";

describe("lib/batches: registering a batch at a time", () => {
    it("runs every step once, in order", async () => {
        const ran: number[] = [];
        await inBatches(Array.from({ length: 7 }, (_, i) => () => ran.push(i)), 3);
        assert.deepEqual(ran, [0, 1, 2, 3, 4, 5, 6]);
    });

    it("under the mock engine, a batch's resources, and those that wait on their outputs, are recorded before the next batch starts", async () => {
        const engine = new MockEngine("eu-west-1");
        await engine.install("platform-workloads", "test", "acme");
        const recordedAtStart: number[] = [];
        await engine.run(async () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            await inBatches(Array.from({ length: 6 }, (_, i) => () => {
                recordedAtStart.push(engine.resources.filter((r) => r.type !== "pulumi:providers:kubernetes").length);
                const ns = new k8s.core.v1.Namespace(`ns${i}`, { metadata: { name: `ns${i}` } }, { provider });
                new k8s.core.v1.ConfigMap(`cm${i}`, { metadata: { namespace: ns.metadata.name, name: "settings" }, data: { key: "value" } }, { provider });
            }), 2);
            return {};
        });
        // Each step registers a namespace and a config map in it: two steps a batch, four resources.
        assert.deepEqual(recordedAtStart, [0, 0, 4, 4, 8, 8]);
    });
});
