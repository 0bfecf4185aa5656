// Data safety: the order a destroy takes, and no replacement of the KMS key or the cluster on a
// setting change that the cloud applies in place.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseConfig } from "../lib/config/load";
import { availableLayers } from "../lib/layers";
import { stacksOfPlan } from "../policy/plan";
import { replacements } from "../policy/replacement";
import type { PolicyResource, PolicyStack } from "../policy/rule";
import { dependsOnAll } from "../policy/rules/dataSafety";
import { chartName } from "../policy/rules/kubernetes";
import { synthesize } from "../synth/synth";
import { REPO_ROOT, TEST_DAY, synthEnv } from "./helpers";

/** Pulumi deletes a resource before everything it depends on, and children before their parent. */
const removedBefore = (stack: PolicyStack, first: PolicyResource, then: PolicyResource) => dependsOnAll(stack, first).has(then.urn);

describe("data safety: destroying the add-ons layer", () => {
    for (const env of ["dev", "prod"]) {
        it(`${env}: removes node pools and the node class before Karpenter, and Karpenter before the access it runs with`, async () => {
            const stack = stacksOfPlan(await synthEnv(env), env === "prod").find((s) => s.layer === "addons")!.stack;
            const find = (pred: (r: PolicyResource) => boolean, what: string) => {
                const found = stack.resources.filter(pred);
                assert.ok(found.length, `no ${what}`);
                return found;
            };
            const [controller] = find((r) => r.type === "kubernetes:helm.sh/v3:Release" && chartName(r) === "karpenter", "Karpenter release");
            const pools = find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" || r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "node pool");
            const access = [
                ...find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-karpenter-irsa"), "controller role"),
                ...find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.includes("-karpenter-irsa-"), "controller policy"),
                ...find((r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.name.endsWith("karpenter-node"), "node access entry"),
                ...find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-karpenter-node"), "node role"),
                ...find((r) => r.type === "aws:sqs/queue:Queue", "interruption queue"),
            ];
            for (const pool of pools) assert.ok(removedBefore(stack, pool, controller), `${pool.name} is removed before the controller`);
            for (const a of access) assert.ok(removedBefore(stack, controller, a), `the controller is removed before ${a.type} ${a.name}`);
        });
    }
});

const PROD = (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const merged = (key: string, patch: Record<string, unknown>) => ({ [key]: { ...(PROD[key] as Record<string, unknown>), ...patch } });

/** prod's network and cluster layers as resources, with some entries changed. */
async function clusterResources(changes: Record<string, unknown>): Promise<PolicyResource[]> {
    const config = parseConfig({ ...PROD, ...changes }, "prod", "Pulumi.prod.yaml (changed)", TEST_DAY);
    // Replacements only, over two layers of four: the plays judge whole plans elsewhere (a public endpoint
    // with a peering fails reachability; without the add-ons layer nothing runs pods).
    const { plan } = await synthesize(config, "layered", availableLayers().slice(0, 2), undefined, []);
    return stacksOfPlan(plan, true).flatMap((s) => s.stack.resources);
}

/** Setting changes EKS and KMS apply in place. */
const IN_PLACE: Record<string, Record<string, unknown>> = {
    "a Kubernetes minor upgrade": { "platform:kubernetesVersion": "1.36" },
    "longer control-plane log retention": merged("platform:controlPlaneLogs", { retentionDays: 731 }),
    "a restricted public endpoint": {
        ...merged("platform:endpoint", { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
        "platform:productionExceptions": { publicEndpoint: { reason: "break-glass access while the VPN is rebuilt (OPS-1)" } },
    },
    "another tag": merged("platform:tags", { Owner: "platform-team" }),
    "another administrator": merged("platform:access", { admins: ["arn:aws:iam::111122223333:role/platform-admin", "arn:aws:iam::111122223333:role/break-glass"] }),
    "more CoreDNS replicas": merged("platform:coredns", { minReplicas: 4 }),
    "standard support": { "platform:upgradePolicy": "STANDARD" },
};

describe("data safety: a setting change does not replace the KMS key or the cluster", () => {
    let base: PolicyResource[];
    before(async () => {
        base = await clusterResources({});
        assert.ok(base.some((r) => r.type === "aws:kms/key:Key") && base.some((r) => r.type === "eks:index:Cluster"));
    });

    for (const [what, changes] of Object.entries(IN_PLACE)) {
        it(what, async () => {
            const after = await clusterResources(changes);
            assert.deepEqual(replacements(base, after), []);
            // The change reached the plan: the test compares two different plans.
            assert.notDeepEqual(JSON.stringify(after.map((r) => r.props)), JSON.stringify(base.map((r) => r.props)));
        });
    }

    it("a change that does replace the cluster is caught (the service CIDR)", async () => {
        const after = await clusterResources({ "platform:serviceCidr": "172.21.0.0/16" });
        const found = replacements(base, after);
        // The component's input, and the cluster it really replaces (modeled beneath it).
        assert.deepEqual(found.map((f) => f.urn.split("::")[2].split("$").pop()), ["eks:index:Cluster", "aws:eks/cluster:Cluster"]);
        assert.match(found[0].reason, /kubernetesServiceIpAddressRange changed/);
        assert.match(found[1].reason, /kubernetesNetworkConfig changed/);
    });

    it("a renamed resource is caught (a new platform name renames the key and the cluster)", async () => {
        const after = await clusterResources({ "platform:name": "acme2", "platform:applications": [] });
        const found = replacements(base, after, ["aws:kms/key:Key", "eks:index:Cluster"]);
        assert.equal(found.length, 2);
        for (const f of found) assert.match(f.reason, /no longer in the plan/);
    });
});
