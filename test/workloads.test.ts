// The workloads layer as deployed per environment: every object it declares is valid Kubernetes
// (custom resources against their CRDs), every team namespace has its guard rails, and every
// application waits for its team's namespace.
import { strict as assert } from "assert";
import type { PlannedResource } from "../synth/engine";
import type { Plan } from "../synth/synth";
import { layerOf, synthEnv } from "./helpers";
import { crdProblems, k8sProblems } from "./schemas";

const inputs = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Kubernetes objects of a layer, as synth writes them to manifests/<layer>/. */
const objectsOf = (plan: Plan) =>
    layerOf(plan, "workloads").resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && typeof inputs(r).kind === "string");

describe("workloads layer", () => {
    const plans: Record<string, Plan> = {};
    before(async () => {
        plans.dev = await synthEnv("dev");
        plans.prod = await synthEnv("prod");
    });

    for (const env of ["dev", "prod"]) {
        it(`${env}: every object is valid against the Kubernetes API schema or its upstream CRD`, async () => {
            const objects = objectsOf(plans[env]);
            assert.ok(objects.length > 40, `${env} declares the teams' and applications' objects`);
            for (const r of objects) {
                const o = inputs(r);
                const problems = o.apiVersion === "karpenter.sh/v1"
                    ? crdProblems("karpenter-1.14.1", o as never)
                    : o.apiVersion === "monitoring.coreos.com/v1"
                        ? crdProblems("prometheus-operator-kube-prometheus-stack-88.5.3", o as never)
                        : o.apiVersion.startsWith("secrets-store.csi.x-k8s.io/")
                        // Not in kubernetes-models, and no CRD at hand: the shape the AWS provider reads.
                            ? (o.spec.provider === "aws" && typeof o.spec.parameters?.objects === "string" ? [] : ["not an aws SecretProviderClass with parameters.objects"])
                            : await k8sProblems(o as never);
                assert.deepEqual(problems, [], `${r.name} (${o.kind})`);
            }
        });

        it(`${env}: every team namespace has Pod Security labels, a quota, a limit range and a default deny`, () => {
            const objects = objectsOf(plans[env]).map(inputs);
            const namespaces = layerOf(plans[env], "workloads").outputs.namespaces as Record<string, string[]>;
            for (const ns of Object.values(namespaces).flat()) {
                const namespace = objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns);
                assert.ok(namespace?.metadata.labels["pod-security.kubernetes.io/enforce"], `${ns} enforces a Pod Security level`);
                const inNs = objects.filter((o) => o.metadata?.namespace === ns);
                assert.ok(inNs.some((o) => o.kind === "ResourceQuota"), `${ns} has a quota`);
                assert.ok(inNs.some((o) => o.kind === "LimitRange"), `${ns} has a limit range`);
                assert.ok(
                    inNs.some((o) => o.kind === "NetworkPolicy" && JSON.stringify(o.spec.podSelector) === "{}" && o.spec.policyTypes.length === 2 && !o.spec.ingress && !o.spec.egress),
                    `${ns} denies all ingress and egress by default`,
                );
            }
        });

        it(`${env}: every application object waits for its team's namespace`, () => {
            const layer = layerOf(plans[env], "workloads");
            const namespaceUrn = new Map(layer.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => [inputs(r).metadata.name, r.urn]));
            const appObjects = layer.resources.filter((r) => r.parent?.includes("platform:workloads:Application") && r.type.startsWith("kubernetes:") && inputs(r).metadata?.namespace);
            assert.ok(appObjects.length > 0);
            for (const r of appObjects) {
                assert.ok(r.dependsOn.includes(namespaceUrn.get(inputs(r).metadata.namespace)!), `${r.name} waits for its namespace`);
            }
        });
    }

    it("exports the teams' namespaces and the applications by kind", () => {
        const outputs = layerOf(plans.prod, "workloads").outputs;
        assert.deepEqual(outputs.namespaces, { payments: ["payments"], search: ["search", "search-jobs"] });
        const kinds = new Set(Object.values(outputs.applications as Record<string, string>));
        assert.deepEqual([...kinds].sort(), ["cronjob", "job", "service", "stateful"], "the reference config has one application of each kind");
    });
});
