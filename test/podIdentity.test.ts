// The pod-identity play: every role a pod can assume and every Pod Identity association comes from
// PodAwsIdentity, and the agent runs wherever Pod Identity is used; on the real plans and on plans
// mutated to break one rule each. Also the config rule that keeps the agent for applications.
import { strict as assert } from "assert";
import { runPlays } from "../plays";
import { podIdentity, POD_AWS_IDENTITY } from "../plays/podIdentity";
import type { Plan } from "../synth/synth";
import { baseEntries, layerOf, problemsOf, synthEnv } from "./helpers";

const said = (plan: Plan): string => runPlays(plan, [podIdentity]).map((p) => `${p.resource ?? ""} ${p.message}`).join("\n");

describe("plays: pod-identity", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("passes the reference environments, where applications on EC2 nodes use EKS Pod Identity and Karpenter (Fargate) IRSA", () => {
        assert.equal(said(dev), "");
        assert.equal(said(prod), "");
        const resources = prod.layers.flatMap((l) => l.resources);
        const identities = resources.filter((r) => r.type === POD_AWS_IDENTITY);
        const apps = layerOf(prod, "workloads").resources.filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation");
        assert.ok(apps.length > 0, "applications are associated");
        assert.ok(identities.length > apps.length, "add-ons too");
    });

    it("refuses a pod's role or an association built outside PodAwsIdentity", () => {
        for (const type of ["aws:iam/role:Role", "aws:eks/podIdentityAssociation:PodIdentityAssociation"]) {
            const copy = structuredClone(prod);
            const workloads = layerOf(copy, "workloads");
            const r = workloads.resources.find((x) => x.type === type) ?? assert.fail(`no ${type}`);
            const identity = workloads.resources.find((x) => x.urn === r.parent) ?? assert.fail("no parent");
            r.parent = identity.parent; // as the application component built it, by hand
            assert.match(said(copy), type.includes("role") ? /a pod's role \(its trust names pods\.eks\.amazonaws\.com\) built outside platform:lib:PodAwsIdentity/ : /a Pod Identity association built outside platform:lib:PodAwsIdentity/);
        }
        // An IRSA role (Karpenter's, on Fargate) moved out too.
        const copy = structuredClone(prod);
        const irsa = copy.layers.flatMap((l) => l.resources).find((r) => r.type === "aws:iam/role:Role" && String(r.inputs.assumeRolePolicy).includes("AssumeRoleWithWebIdentity")) ?? assert.fail("no IRSA role");
        irsa.parent = undefined;
        assert.match(said(copy), /a pod's role \(its trust names an OIDC provider \(IRSA\)\) built outside/);
    });

    it("refuses Pod Identity without the agent add-on", () => {
        const copy = structuredClone(prod);
        const addons = layerOf(copy, "addons");
        addons.resources = addons.resources.filter((r) => !(r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "eks-pod-identity-agent"));
        assert.match(said(copy), /service account\(s\) get their credentials through EKS Pod Identity, but the eks-pod-identity-agent add-on is not in the plan/);
    });

    it("config rule podIdentityAgent: an application with a role on EC2 nodes needs the agent, one on Fargate does not", () => {
        const none = { ebsCsi: { enabled: false }, efsCsi: { enabled: false }, loadBalancerController: { enabled: false }, loki: { enabled: false }, monitoring: { enabled: false }, kubecost: { enabled: false }, podIdentityAgent: { enabled: false } };
        const app = { name: "reader", team: "payments", namespace: "payments", kind: "job", image: "public.ecr.aws/docker/library/busybox:1.37", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } }, serviceAccount: { iamStatements: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-test-payments-reports/*"] }] } };
        const entries = (fargate: boolean) => ({
            ...baseEntries(),
            "platform:addons": none,
            "platform:access": { teams: [{ name: "payments", roleArn: "arn:aws:iam::111122223333:role/team-payments", namespaces: ["payments"] }] },
            "platform:applications": [app],
            ...(fargate ? { "platform:fargateProfiles": [{ name: "kube-system", selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] }, { name: "karpenter", selectors: [{ namespace: "karpenter" }] }, { name: "payments", selectors: [{ namespace: "payments" }] }] } : {}),
        });
        assert.deepEqual(problemsOf(entries(false)), ["platform:addons.podIdentityAgent.enabled: is false, but application payments/reader get their AWS identity through EKS Pod Identity, which needs the agent on every node: enable it"]);
        assert.throws(() => problemsOf(entries(true)), /expected the config to be rejected/, "on Fargate it takes IRSA: no agent needed");
    });
});
