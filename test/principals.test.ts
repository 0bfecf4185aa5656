// The key policy of a fresh account, and the rule that every principal a policy names exists
// (policy/rules/principals.ts): services, account roots, what the environment creates, and
// service-linked roles only where config says the account has them.
import { strict as assert } from "assert";
import { AUTOSCALING_ROLE, keyPolicy } from "../infra/cluster/controlPlane";
import { stacksOfPlan } from "../policy/plan";
import type { PolicyStack } from "../policy/rule";
import { judgePrincipal, principalsExist } from "../policy/rules/principals";
import { synthesize } from "../synth/synth";
import { TEST_DAY, configWith, problemsOf, entriesWith, synthEnv } from "./helpers";

const SLR = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
const empty = (serviceLinkedRoles: string[] = []): PolicyStack => ({ environment: "test", production: true, today: TEST_DAY, resources: [], serviceLinkedRoles });

describe("principals a policy names exist (principals-exist)", () => {
    it("the platform key names no service-linked role unless config says the account has it", () => {
        const fresh = JSON.stringify(keyPolicy("111122223333", "eu-west-1"));
        assert.doesNotMatch(fresh, /aws-service-role/);
        const used = keyPolicy("111122223333", "eu-west-1", [AUTOSCALING_ROLE]);
        assert.ok(used.Statement.some((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: SLR }) && s.Sid === "AutoScalingGrants"));
    });

    it("dev and prod name only principals that exist, in every layer", async () => {
        for (const env of ["dev", "prod"]) {
            for (const { layer, stack } of stacksOfPlan(await synthEnv(env), env === "prod", TEST_DAY)) {
                const failed = principalsExist(stack).filter((f) => !f.ok);
                assert.deepEqual(failed.map((f) => f.message), [], `${env}/${layer}`);
            }
        }
    });

    it("a key policy naming the Auto Scaling service-linked role fails, naming the role, until config lists it", async () => {
        const config = configWith({ "platform:serviceLinkedRoles": [AUTOSCALING_ROLE] });
        const { plan } = await synthesize(config);
        const cluster = (roles: string[]) => stacksOfPlan({ ...plan, serviceLinkedRoles: roles }, false, TEST_DAY).find((s) => s.layer === "cluster")!.stack;
        const key = (roles: string[]) => principalsExist(cluster(roles)).find((f) => f.urn.includes("aws:kms/key:Key"))!;
        assert.equal(key([AUTOSCALING_ROLE]).ok, true, key([AUTOSCALING_ROLE]).message);
        const refused = key([]);
        assert.equal(refused.ok, false);
        assert.match(refused.message, /key policy names the service-linked role AWSServiceRoleForAutoScaling, which exists only once the account has used autoscaling\.amazonaws\.com/);
        assert.match(refused.message, /platform:serviceLinkedRoles/);
        assert.equal(refused.message.split("names the service-linked role").length, 2, "named in two statements, reported once");
    });

    it("judges each kind of principal", () => {
        const ok = (kind: string, p: string, stack = empty()) => assert.ok(judgePrincipal(kind, p, stack).exists, `${kind} ${p}`);
        const bad = (kind: string, p: string, stack = empty()) => assert.ok(judgePrincipal(kind, p, stack).problem, `${kind} ${p}`);
        ok("Service", "ec2.amazonaws.com");
        ok("AWS", "arn:aws:iam::111122223333:root");
        ok("AWS", "111122223333");
        ok("AWS", "*");
        ok("AWS", SLR, empty([AUTOSCALING_ROLE]));
        bad("AWS", SLR);
        bad("AWS", "arn:aws:iam::111122223333:role/made-elsewhere");
        bad("Federated", "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC");
        bad("Service", "ec2.example.com");
        // Created by this environment: a role of the stack (by its auto-name), a provider of an upstream layer.
        const stack = empty();
        stack.resources.push({ urn: "urn:pulumi:test::p::aws:iam/role:Role::deployer", type: "aws:iam/role:Role", name: "deployer", props: {}, protect: false, dependencies: [] });
        stack.resources.push({
            urn: "urn:pulumi:test::p::pulumi:pulumi:StackReference::cluster", type: "pulumi:pulumi:StackReference", name: "cluster", protect: false, dependencies: [],
            props: { outputs: { oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" } },
        });
        ok("AWS", "arn:aws:iam::111122223333:role/deployer-1a2b3c4", stack);
        ok("Federated", "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", stack);
    });

    it("a Karpenter pool with spot capacity needs EC2 Spot's service-linked role listed (a fresh account lacks it; Karpenter may not create it)", () => {
        const pool = { name: "default", instanceFamilies: ["m6a"], instanceSizes: ["large"], capacityTypes: ["spot", "on-demand"], limits: { cpu: 8, memoryGiB: 32 } };
        const problems = problemsOf(entriesWith({ "platform:karpenter": { nodePools: [pool] } }));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^platform:karpenter\.nodePools\[0\]\.capacityTypes: takes spot capacity, which needs the service-linked role AWSServiceRoleForEC2Spot/);
        assert.match(problems[0], /aws iam create-service-linked-role --aws-service-name spot\.amazonaws\.com\) and list it in platform:serviceLinkedRoles/);
        // Listed, or on-demand only: accepted.
        configWith({ "platform:karpenter": { nodePools: [pool] }, "platform:serviceLinkedRoles": ["AWSServiceRoleForEC2Spot"] });
        configWith({ "platform:karpenter": { nodePools: [{ ...pool, capacityTypes: ["on-demand"] }] } });
    });

    it("platform:serviceLinkedRoles takes only service-linked role names", () => {
        assert.deepEqual(problemsOf(entriesWith({ "platform:serviceLinkedRoles": ["AutoScaling"] })), [
            'platform:serviceLinkedRoles[0]: "AutoScaling" is not a service-linked role name such as "AWSServiceRoleForAutoScaling"',
        ]);
    });
});
