// The policy pack (`pulumi preview --policy-pack policy/`): the same rules as stack validation
// policies, fed resources in @pulumi/policy's shape.
import { strict as assert } from "assert";
import * as path from "path";
import type { PolicyResource as PulumiPolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES, isProduction, stackOfUrn } from "../policy/pack";
import { stacksOfPlan } from "../policy/plan";
import type { PolicyResource } from "../policy/rule";
import { RULES } from "../policy/rules";
import { REPO_ROOT, synthEnv } from "./helpers";

/** Resources as the policy analyzer hands them over (no retainOnDelete; dependencies as resources). */
function asAnalyzerSees(resources: PolicyResource[]): PulumiPolicyResource[] {
    const byUrn = new Map<string, PulumiPolicyResource>();
    for (const r of resources) {
        byUrn.set(r.urn, {
            type: r.type, props: r.props, urn: r.urn, name: r.name,
            opts: { protect: r.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [], propertyDependencies: {},
            isType: () => false, asType: () => undefined,
        } as unknown as PulumiPolicyResource);
    }
    for (const r of resources) {
        const analyzed = byUrn.get(r.urn)!;
        analyzed.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PulumiPolicyResource => Boolean(d));
        analyzed.parent = r.parent ? byUrn.get(r.parent) : undefined;
    }
    return [...byUrn.values()];
}

function run(policy: StackValidationPolicy, resources: PulumiPolicyResource[]): { message: string; urn?: string }[] {
    const reported: { message: string; urn?: string }[] = [];
    void policy.validateStack({ resources, getConfig: () => ({}) } as never, (message, urn) => reported.push({ message, urn }));
    return reported;
}

describe("policy pack", () => {
    it("has one stack policy per rule, enforced at the rule's severity", () => {
        assert.deepEqual(POLICIES.map((p) => p.name), RULES.map((r) => r.id));
        for (const [i, p] of POLICIES.entries()) {
            assert.equal(p.enforcementLevel, RULES[i].severity);
            assert.ok(p.description?.includes(RULES[i].reference));
        }
    });

    it("finds no mandatory violation in any prod layer as a preview shows it", async () => {
        for (const { layer, stack } of stacksOfPlan(await synthEnv("prod"), true)) {
            const resources = asAnalyzerSees(stack.resources);
            // Advisory policies warn without blocking.
            for (const policy of POLICIES.filter((p) => p.enforcementLevel === "mandatory")) assert.deepEqual(run(policy, resources), [], `${layer}: ${policy.name}`);
        }
    });

    it("reports a violation on the resource that breaks a rule", async () => {
        const cluster = stacksOfPlan(await synthEnv("prod"), true).find((s) => s.layer === "cluster")!.stack;
        const resources = asAnalyzerSees(structuredClone(cluster.resources));
        const eks = resources.find((r) => r.type === "eks:index:Cluster")!;
        eks.props.endpointPublicAccess = true;
        eks.props.publicAccessCidrs = ["0.0.0.0/0"];
        const reported = run(POLICIES.find((p) => p.name === "cluster-public-endpoint")!, resources);
        assert.equal(reported.length, 1);
        assert.equal(reported[0].urn, eks.urn);
        assert.match(reported[0].message, /open to the internet \(0\.0\.0\.0\/0\)/);
    });

    it("reads the environment from the stack in the URN and the tier from its config file (strict when unknown)", () => {
        assert.equal(stackOfUrn("urn:pulumi:prod::platform-cluster::eks:index:Cluster::acme-prod"), "prod");
        assert.equal(isProduction("prod"), true);
        assert.equal(isProduction("dev"), false);
        assert.equal(isProduction("no-such-env"), true);
    });

    it("policy/index.ts serves a pack named eks-platform-guardrails with every policy", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const server = require("@pulumi/policy/server") as { serve: (...args: unknown[]) => void };
        const original = server.serve;
        const served: unknown[][] = [];
        server.serve = (...args: unknown[]) => void served.push(args);
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require(path.join(REPO_ROOT, "policy", "index.ts"));
        } finally {
            server.serve = original;
        }
        assert.equal(served.length, 1);
        const [name, , , args] = served[0] as [string, string, string, { policies: StackValidationPolicy[] }];
        assert.equal(name, "eks-platform-guardrails");
        assert.equal(args.policies, POLICIES);
    });
});
