// Guard rails: every rule is shown a compliant and a violating stack; dev and prod pass every
// mandatory rule; the policy pack reports what the rules find.
import { strict as assert } from "assert";
import { RULES } from "../policy/rules";
import { stacksOfPlan, type LayerStack } from "../policy/plan";
import { evaluate, formatReport, summaryLine, violations } from "../policy/report";
import type { PolicyResource, PolicyStack, Rule } from "../policy/rule";
import { TEST_DAY, envConfig, synthEnv, synthProdWithNodeGroup } from "./helpers";

let prod: LayerStack[];
let dev: LayerStack[];
/** prod in vpc-cni mode with a managed node group: calico-overlay prod has none (Karpenter launches every node after Calico). */
let groups: LayerStack[];

before(async () => {
    prod = stacksOfPlan(await synthEnv("prod"), true, TEST_DAY);
    dev = stacksOfPlan(await synthEnv("dev"), false, TEST_DAY);
    groups = stacksOfPlan(await synthProdWithNodeGroup(), true, TEST_DAY);
});

const layer = (stacks: LayerStack[], name: string): PolicyStack => structuredClone(stacks.find((s) => s.layer === name)!.stack);

/** A copy of a layer's stack with every matching resource changed; fails if nothing matches. */
function changed(stacks: LayerStack[], name: string, match: (r: PolicyResource) => boolean, edit: (r: PolicyResource) => void): PolicyStack {
    const stack = layer(stacks, name);
    const hits = stack.resources.filter(match);
    assert.ok(hits.length, `no resource to change in ${name}`);
    hits.forEach(edit);
    return stack;
}

const ofType = (type: string) => (r: PolicyResource) => r.type === type;
const added = (stack: PolicyStack, ...resources: Partial<PolicyResource>[]): PolicyStack => {
    stack.resources.push(
        ...resources.map((r, i) => ({ urn: `urn:pulumi:prod::test::${r.type}::extra-${i}`, name: `extra-${i}`, props: {}, protect: false, dependencies: [], type: "", ...r })),
    );
    return stack;
};
const set = (obj: unknown, path: string, value: unknown) => {
    const keys = path.split(".");
    let cur = obj as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    if (value === undefined) delete cur[keys[keys.length - 1]];
    else cur[keys[keys.length - 1]] = value;
};

const CLUSTER = "eks:index:Cluster";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_GROUP = "eks:index:ManagedNodeGroup";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ROLE = "aws:iam/role:Role";

/** An `aws:eks/cluster:Cluster` as a real preview shows the child of `eks:index:Cluster`. */
const awsCluster = (vpcConfig: Record<string, unknown>): Partial<PolicyResource> => ({
    type: "aws:eks/cluster:Cluster",
    props: {
        vpcConfig,
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/3aead857-6f2c-40a3-a9f7-aa0d5db00cf3" }, resources: ["secrets"] },
        accessConfig: { authenticationMode: "API" },
        version: "1.35",
        deletionProtection: true,
    },
    protect: true,
});
const webIdentityRole = (condition: Record<string, unknown>): Partial<PolicyResource> => ({
    type: ROLE,
    name: "app-irsa",
    props: {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
        }),
    },
});
const OIDC = "oidc.eks.eu-west-1.amazonaws.com/id/X";
const withExceptions = (stack: PolicyStack, exceptions: Record<string, string>): PolicyStack => ({ ...stack, exceptions });

interface Examples {
    compliant: () => PolicyStack[];
    violating: () => PolicyStack[];
}

/** Every rule's examples, by id: a compliant stack passes with at least one check, each violating one fails. */
const EXAMPLES: Record<string, Examples> = {
    "cluster-private-endpoint": {
        compliant: () => [layer(prod, "cluster"), added(layer(prod, "network"), awsCluster({ endpointPrivateAccess: true, endpointPublicAccess: false }))],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.endpointPrivateAccess = false)),
            added(layer(prod, "network"), awsCluster({ endpointPrivateAccess: false })),
        ],
    },
    "cluster-public-endpoint": {
        compliant: () => [
            layer(prod, "cluster"),
            changed(prod, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })),
            // Outside production a public endpoint may be open, with an explicit list.
            changed(dev, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })),
        ],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })),
            changed(dev, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: [] })),
            added(layer(prod, "network"), awsCluster({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["::/0"] })),
        ],
    },
    "cluster-control-plane-logs": {
        compliant: () => [layer(prod, "cluster")],
        violating: () => [changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.enabledClusterLogTypes = ["api", "authenticator"]))],
    },
    "cluster-secrets-encryption": {
        compliant: () => [layer(prod, "cluster"), added(layer(prod, "network"), awsCluster({ endpointPrivateAccess: true }))],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => {
                delete r.props.encryptionConfigKeyArn;
                r.dependencies = r.dependencies.filter((d) => !d.includes("aws:kms/key:Key"));
            }),
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.encryptionConfigKeyArn = "alias/aws/eks")),
        ],
    },
    "cluster-access-entries": {
        compliant: () => [layer(prod, "cluster"), changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.authenticationMode = "API_AND_CONFIG_MAP"))],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.authenticationMode = "CONFIG_MAP")),
            changed(prod, "cluster", ofType(CLUSTER), (r) => delete r.props.authenticationMode),
        ],
    },
    "cluster-supported-version": {
        compliant: () => [layer(prod, "cluster"), layer(dev, "cluster")],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.version = "1.29")),
            Object.assign(layer(prod, "cluster"), { today: new Date("2028-04-01") }),
        ],
    },
    "cluster-deletion-protection": {
        compliant: () => [layer(prod, "cluster")],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.deletionProtection = false)),
            changed(prod, "cluster", ofType(CLUSTER), (r) => (r.protect = false)),
        ],
    },
    "node-imdsv2": {
        compliant: () => [layer(groups, "cluster"), layer(prod, "addons")],
        violating: () => [
            changed(groups, "cluster", ofType(LT), (r) => set(r.props, "metadataOptions.httpTokens", "optional")),
            changed(prod, "addons", ofType(NODE_CLASS), (r) => set(r.props, "spec.metadataOptions.httpPutResponseHopLimit", 2)),
            changed(groups, "cluster", ofType(NODE_GROUP), (r) => delete r.props.launchTemplate),
        ],
    },
    "node-encrypted-volumes": {
        compliant: () => [layer(groups, "cluster"), layer(prod, "addons")],
        violating: () => [
            changed(groups, "cluster", ofType(LT), (r) => set((r.props.blockDeviceMappings as unknown[])[1], "ebs.encrypted", "false")),
            changed(prod, "addons", ofType(NODE_CLASS), (r) => set(r.props, "spec.blockDeviceMappings", undefined)),
        ],
    },
    "node-operating-system": {
        compliant: () => [layer(groups, "cluster"), layer(prod, "addons"), changed(groups, "cluster", ofType(NODE_GROUP), (r) => (r.props.amiType = "AL2023_x86_64_STANDARD"))],
        violating: () => [
            changed(groups, "cluster", ofType(NODE_GROUP), (r) => (r.props.amiType = "AL2_x86_64")),
            changed(prod, "addons", ofType(NODE_CLASS), (r) => set(r.props, "spec.amiSelectorTerms", [{ alias: "al2@latest" }])),
        ],
    },
    "node-private-subnets": {
        compliant: () => [layer(groups, "cluster"), layer(prod, "addons"), layer(dev, "addons")],
        violating: () => [
            changed(groups, "cluster", ofType(NODE_GROUP), (r) => (r.props.subnetIds = ["subnet-00000000000000000"])),
            changed(groups, "cluster", ofType(LT), (r) => (r.props.networkInterfaces = [{ associatePublicIpAddress: "true" }])),
            changed(prod, "addons", ofType(NODE_CLASS), (r) => set(r.props, "spec.subnetSelectorTerms", [{ tags: { Name: "*" } }])),
            changed(prod, "addons", ofType(NODE_CLASS), (r) => set(r.props, "spec.associatePublicIPAddress", true)),
            (() => {
                // dev has public subnets: a node class that selects one of them.
                const stack = layer(dev, "addons");
                const ref = stack.resources.find((r) => r.type === "pulumi:pulumi:StackReference" && Array.isArray((r.props.outputs as Record<string, unknown>)?.publicSubnetIds))!;
                const publicSubnet = ((ref.props.outputs as Record<string, unknown>).publicSubnetIds as string[])[0];
                assert.ok(publicSubnet);
                stack.resources.filter(ofType(NODE_CLASS)).forEach((r) => set(r.props, "spec.subnetSelectorTerms", [{ id: publicSubnet }]));
                return stack;
            })(),
        ],
    },
    "fargate-private-subnets": {
        compliant: () => [layer(prod, "cluster")],
        violating: () => [
            changed(prod, "cluster", ofType("aws:eks/fargateProfile:FargateProfile"), (r) => (r.props.subnetIds = ["subnet-0123456789abcdef0"])),
            changed(prod, "cluster", ofType("aws:eks/fargateProfile:FargateProfile"), (r) => delete r.props.subnetIds),
        ],
    },
    "iam-no-wildcard-admin": {
        compliant: () => [layer(prod, "addons"), layer(prod, "workloads")],
        violating: () =>
            [
                { Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: ["*"] },
                { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
            ].map((statement) => added(layer(prod, "addons"), { type: "aws:iam/rolePolicy:RolePolicy", props: { role: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } })),
    },
    "iam-service-account-trust": {
        compliant: () => [layer(prod, "addons"), added(layer(prod, "network"), webIdentityRole({ StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:team:app", [`${OIDC}:aud`]: "sts.amazonaws.com" } }))],
        violating: () =>
            [
                { StringLike: { [`${OIDC}:sub`]: "system:serviceaccount:team:*" }, StringEquals: { [`${OIDC}:aud`]: "sts.amazonaws.com" } },
                { StringEquals: { [`${OIDC}:aud`]: "sts.amazonaws.com" } },
                { StringEquals: { [`${OIDC}:sub`]: ["system:serviceaccount:a:b", "system:serviceaccount:c:d"], [`${OIDC}:aud`]: "sts.amazonaws.com" } },
                { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:team:app" } },
            ].map((condition) => added(layer(prod, "network"), webIdentityRole(condition))),
    },
    "iam-pod-identity-trust": {
        compliant: () => [layer(prod, "addons"), layer(prod, "workloads")],
        violating: () => [
            changed(prod, "workloads", (r) => r.type === "aws:iam/role:Role", (r) => {
                const trust = JSON.parse(r.props.assumeRolePolicy as string);
                delete trust.Statement[0].Condition;
                r.props.assumeRolePolicy = JSON.stringify(trust);
            }),
            changed(prod, "addons", (r) => r.type === "aws:iam/role:Role" && String(r.props.assumeRolePolicy).includes("pods.eks.amazonaws.com"), (r) => {
                const trust = JSON.parse(r.props.assumeRolePolicy as string);
                delete trust.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-service-account"];
                r.props.assumeRolePolicy = JSON.stringify(trust);
            }),
        ],
    },
    "iam-node-role-narrow": {
        compliant: () => [layer(groups, "cluster"), layer(prod, "addons"), layer(dev, "addons")],
        violating: () => [
            added(layer(groups, "cluster"), { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "acme-prod-fixed-node-3e788ed", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } }),
            changed(prod, "addons", (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.endsWith("-karpenter-node-AmazonSSMManagedInstanceCore"), (r) =>
                (r.props.policyArn = "arn:aws:iam::aws:policy/AmazonS3FullAccess")),
            added(layer(groups, "cluster"), { type: "aws:iam/rolePolicy:RolePolicy", props: { role: "acme-prod-fixed-node-3e788ed", policy: "{}" } }),
            // A customer policy that does more than pull from ECR.
            added(
                layer(groups, "cluster"),
                { type: "aws:iam/policy:Policy", urn: "urn:pulumi:prod::test::aws:iam/policy:Policy::wide", props: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ecr:BatchGetImage", "s3:GetObject"], Resource: "arn:aws:s3:::bucket/*" }] }) } },
                { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", props: { role: "acme-prod-fixed-node-3e788ed", policyArn: "arn:aws:iam::111122223333:policy/wide" }, dependencies: ["urn:pulumi:prod::test::aws:iam/policy:Policy::wide"] },
            ),
        ],
    },
    "k8s-no-privileged": {
        compliant: () => [layer(prod, "workloads")],
        violating: () => [
            changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.containers.0.securityContext.privileged", true)),
            changed(prod, "workloads", ofType("kubernetes:batch/v1:CronJob"), (r) => set(r.props, "spec.jobTemplate.spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation", undefined)),
        ],
    },
    "k8s-no-host-namespaces": {
        compliant: () => [layer(prod, "workloads"), layer(prod, "addons"), layer(dev, "addons")],
        violating: () => [
            changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.hostNetwork", true)),
            changed(prod, "workloads", ofType("kubernetes:apps/v1:StatefulSet"), (r) => set(r.props, "spec.template.spec.hostPID", true)),
            changed(prod, "addons", (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === "kubecost", (r) => set(r.props, "values.exporter.hostIPC", true)),
        ],
    },
    "k8s-non-root": {
        compliant: () => [layer(prod, "workloads")],
        violating: () => [
            changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.containers.0.securityContext.runAsNonRoot", false)),
            changed(prod, "workloads", ofType("kubernetes:batch/v1:Job"), (r) => set(r.props, "spec.template.spec.containers.0.securityContext.runAsUser", 0)),
        ],
    },
    "k8s-requests-limits": {
        compliant: () => [layer(prod, "workloads")],
        violating: () => [
            changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.containers.0.resources.limits", undefined)),
            changed(prod, "workloads", ofType("kubernetes:apps/v1:StatefulSet"), (r) => set(r.props, "spec.template.spec.containers.0.resources.requests.cpu", undefined)),
        ],
    },
    "k8s-pinned-images": {
        compliant: () => [
            layer(prod, "workloads"),
            changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.containers.0.image", `registry:5000/team/app@sha256:${"a".repeat(64)}`)),
        ],
        violating: () =>
            ["public.ecr.aws/nginx/nginx:latest", "registry:5000/team/app", "nginx"].map((image) =>
                changed(prod, "workloads", ofType(DEPLOYMENT), (r) => set(r.props, "spec.template.spec.containers.0.image", image))),
    },
    "k8s-disruption-budget": {
        compliant: () => [layer(prod, "workloads")],
        violating: () => [
            (() => {
                const stack = layer(prod, "workloads");
                stack.resources = stack.resources.filter((r) => r.type !== "kubernetes:policy/v1:PodDisruptionBudget");
                return stack;
            })(),
            changed(prod, "workloads", ofType("kubernetes:policy/v1:PodDisruptionBudget"), (r) => set(r.props, "spec.selector.matchLabels", { "app.kubernetes.io/name": "other" })),
        ],
    },
    "k8s-team-namespace-guardrails": {
        compliant: () => [layer(prod, "workloads"), layer(dev, "workloads")],
        violating: () => [
            changed(prod, "workloads", ofType("kubernetes:core/v1:Namespace"), (r) => ((r.props.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"] = "privileged")),
            (() => {
                const stack = layer(prod, "workloads");
                stack.resources = stack.resources.filter((r) => !(r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.props.metadata && (r.props.metadata as Record<string, unknown>).name === "default-deny"));
                return stack;
            })(),
        ],
    },
    "data-stateful-protected": {
        compliant: () => [layer(prod, "cluster"), layer(prod, "addons"), layer(dev, "addons"), changed(dev, "addons", ofType("aws:efs/fileSystem:FileSystem"), (r) => Object.assign(r, { protect: false, retainOnDelete: true }))],
        violating: () => [
            changed(prod, "cluster", ofType("aws:kms/key:Key"), (r) => (r.protect = false)),
            changed(dev, "addons", ofType("aws:efs/fileSystem:FileSystem"), (r) => (r.protect = false)),
            changed(prod, "addons", ofType("aws:s3/bucket:Bucket"), (r) => (r.protect = false)),
        ],
    },
    "data-retained-volumes": {
        compliant: () => [layer(prod, "addons")],
        violating: () => [changed(prod, "addons", ofType("kubernetes:storage.k8s.io/v1:StorageClass"), (r) => (r.props.reclaimPolicy = "Delete"))],
    },
    "data-aws-auth-patched": {
        compliant: () => [added(layer(prod, "cluster"), { type: "kubernetes:core/v1:ConfigMapPatch", props: { metadata: { name: "aws-auth", namespace: "kube-system" } }, retainOnDelete: true })],
        violating: () => [
            added(layer(prod, "cluster"), { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: "[]" } } }),
            added(layer(prod, "cluster"), { type: "kubernetes:core/v1:ConfigMapPatch", props: { metadata: { name: "aws-auth", namespace: "kube-system" } }, retainOnDelete: false }),
        ],
    },
    "principals-exist": {
        compliant: () => [layer(prod, "cluster"), layer(prod, "addons"), layer(dev, "network"), { ...layer(prod, "cluster"), serviceLinkedRoles: ["AWSServiceRoleForAutoScaling"] }],
        violating: () => [
            // The key policy names the Auto Scaling service-linked role, which a fresh account lacks.
            changed(prod, "cluster", ofType("aws:kms/key:Key"), (r) => {
                const doc = JSON.parse(String(r.props.policy));
                doc.Statement.push({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" }, Action: "kms:Decrypt", Resource: "*" });
                r.props.policy = JSON.stringify(doc);
            }),
            // A trust policy naming a role no layer creates, and one naming an OIDC provider that does not exist.
            added(layer(prod, "cluster"), { type: ROLE, props: { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/somebody" }, Action: "sts:AssumeRole" }] }) } }),
            added(layer(prod, "network"), webIdentityRole({ StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:a:b", [`${OIDC}:aud`]: "sts.amazonaws.com" } })),
        ],
    },
    "data-karpenter-teardown-order": {
        compliant: () => [layer(prod, "addons"), layer(dev, "addons")],
        violating: () => [
            // A node pool that no longer waits for the controller.
            changed(prod, "addons", ofType("kubernetes:karpenter.sh/v1:NodePool"), (r) => {
                r.dependencies = [];
                r.parent = undefined;
            }),
            // Nothing but the node class waits for the nodes' access entry (the controller release did not).
            changed(prod, "addons", (r) => r.type !== "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", (r) => {
                r.dependencies = r.dependencies.filter((d) => !d.includes("AccessMappings"));
            }),
        ],
    },
    // --- issue 18: guard rails by effect ---
    "production-promise": {
        compliant: () => [
            layer(prod, "cluster"),
            layer(prod, "network"),
            // A reasoned exception lets production open what it excepts, and the report says so.
            withExceptions(changed(prod, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })), { publicEndpoint: "break-glass access while the VPN is rebuilt (OPS-1)" }),
            withExceptions(added(layer(prod, "network"), { type: "aws:ec2/natGateway:NatGateway", props: {} }), { internetEgress: "the card processor is reachable only over the internet" }),
        ],
        violating: () => [
            changed(prod, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })),
            added(layer(prod, "network"), { type: "aws:ec2/natGateway:NatGateway", props: {} }),
            added(layer(prod, "network"), { type: "aws:ec2/internetGateway:InternetGateway", props: {} }),
        ],
    },
    "iam-pod-role-no-escalation": {
        compliant: () => [layer(prod, "addons"), layer(prod, "workloads"), layer(dev, "workloads")],
        violating: () => [
            // iam:* on role/* (the pod can grant itself admin), written as a wildcard.
            added(layer(prod, "workloads"), { ...webIdentityRole({}), props: { ...webIdentityRole({}).props, inlinePolicies: [{ name: "x", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::111122223333:role/*" }] }) }] } }),
            // Everything but s3, with NotAction.
            added(layer(prod, "workloads"), { ...webIdentityRole({}), props: { ...webIdentityRole({}).props, inlinePolicies: [{ name: "x", policy: JSON.stringify({ Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] }) }] } }),
            // A managed policy that grants everything.
            added(layer(prod, "workloads"), { ...webIdentityRole({}), props: { ...webIdentityRole({}).props, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } }),
            // An add-on role's PassRole widened to every role.
            changed(prod, "addons", (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && String(r.props.policy).includes("iam:PassRole"), (r) => (r.props.policy = String(r.props.policy).replace(/"iam:PassRole"\],"Resource":"[^"]+"/, '"iam:PassRole"],"Resource":"*"').replace(/"Action":"iam:PassRole","Resource":"[^"]+"/, '"Action":"iam:PassRole","Resource":"*"'))),
        ],
    },
    "iam-known-actions": {
        compliant: () => [layer(prod, "addons"), layer(prod, "cluster")],
        violating: () => [changed(prod, "addons", ofType("aws:iam/rolePolicy:RolePolicy"), (r) => (r.props.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:DescribeInstancez"], Resource: "*" }] })))],
    },
    "kms-key-rotation": {
        compliant: () => [layer(prod, "cluster"), layer(dev, "cluster")],
        violating: () => [changed(prod, "cluster", ofType("aws:kms/key:Key"), (r) => (r.props.enableKeyRotation = false))],
    },
    "efs-platform-key": {
        compliant: () => [layer(prod, "addons"), layer(dev, "addons")],
        violating: () => [
            changed(prod, "addons", ofType("aws:efs/fileSystem:FileSystem"), (r) => delete r.props.kmsKeyId),
            changed(prod, "addons", ofType("aws:efs/fileSystem:FileSystem"), (r) => (r.props.encrypted = false)),
        ],
    },
    "s3-bucket-access-logged": {
        compliant: () => [layer(prod, "addons"), layer(dev, "addons")],
        violating: () => {
            const stack = layer(prod, "addons");
            stack.resources = stack.resources.filter((r) => !r.type.startsWith("aws:s3/bucketLogging"));
            return [stack];
        },
    },
    "aws-tags-common": {
        compliant: () => [layer(prod, "network"), layer(dev, "addons"), layer(prod, "cluster")],
        // As if the queue were created without the layer's provider: tagsAll holds its own tags only.
        violating: () => [changed(prod, "addons", ofType("aws:sqs/queue:Queue"), (r) => (r.props.tagsAll = r.props.tags ?? {}))],
    },
    "aws-tags-valid": {
        compliant: () => [layer(prod, "network"), layer(dev, "cluster")],
        violating: () => [
            changed(prod, "cluster", ofType("aws:kms/key:Key"), (r) => (r.props.tags = { ["k".repeat(129)]: "x" })),
            changed(prod, "cluster", ofType("aws:kms/key:Key"), (r) => (r.props.tags = { Owner: "x".repeat(257) })),
        ],
    },
    "eks-one-access-entry-per-principal": {
        compliant: () => [layer(prod, "cluster"), layer(dev, "cluster")],
        violating: () => {
            const stack = layer(prod, "cluster");
            const entry = stack.resources.find((r) => r.type === "aws:eks/accessEntry:AccessEntry")!;
            return [added(stack, { type: entry.type, props: { ...entry.props } })];
        },
    },
};

describe("policy rules", () => {
    it("every rule has an id, a description, a severity, a reference, and examples both ways", () => {
        for (const rule of RULES) {
            assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.ok(rule.description.length > 20 && rule.reference.length > 10, rule.id);
            assert.ok(["mandatory", "advisory"].includes(rule.severity), rule.id);
        }
        assert.deepEqual(Object.keys(EXAMPLES).sort(), RULES.map((r) => r.id).sort());
        assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length, "rule ids are unique");
    });

    for (const [id, examples] of Object.entries(EXAMPLES)) {
        const ruleOf = (): Rule => RULES.find((r) => r.id === id)!;
        describe(id, () => {
            it("passes its compliant examples", () => {
                for (const [i, stack] of examples.compliant().entries()) {
                    const findings = ruleOf()(stack);
                    assert.ok(findings.length > 0, `compliant example ${i} checks something`);
                    assert.deepEqual(findings.filter((f) => !f.ok), [], `compliant example ${i}`);
                }
            });
            it("fails each violating example, naming what is wrong", () => {
                for (const [i, stack] of examples.violating().entries()) {
                    const failed = ruleOf()(stack).filter((f) => !f.ok);
                    assert.ok(failed.length > 0, `violating example ${i} is reported`);
                    for (const f of failed) assert.ok(f.message.length > 10 && f.urn.startsWith("urn:pulumi:"), f.message);
                }
            });
        });
    }
});

describe("policy over the environments", () => {
    it("dev and prod pass every mandatory rule, and every rule checks something in prod", () => {
        for (const [env, stacks] of [["dev", dev], ["prod", prod]] as const) {
            const report = evaluate(env, stacks);
            assert.deepEqual(violations(report, "mandatory").map((v) => `${v.rule.id}: ${v.finding.message}`), [], env);
        }
        const notApplicable = evaluate("prod", prod).notApplicable.map((r) => r.id);
        // prod writes no aws-auth at all (authentication mode API).
        assert.deepEqual(notApplicable, ["data-aws-auth-patched"]);
    });

    it("the single-stack project of prod passes every mandatory rule too", async () => {
        const plan = await synthEnv("prod", "single");
        const report = evaluate("prod", stacksOfPlan(plan, true, TEST_DAY));
        assert.deepEqual(violations(report, "mandatory").map((v) => `${v.rule.id}: ${v.finding.message}`), []);
    });

    it("the report shows a production exception and its reason", () => {
        const stack = withExceptions(changed(prod, "cluster", ofType(CLUSTER), (r) => Object.assign(r.props, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })), { publicEndpoint: "break-glass access while the VPN is rebuilt (OPS-1)" });
        const text = formatReport(evaluate("prod", [{ layer: "cluster", stack }]));
        assert.match(text, /pass\s+cluster\s+eks:index:Cluster acme-prod: EXCEPTION public endpoint: break-glass access while the VPN is rebuilt \(OPS-1\)/);
    });

    it("the report lists rule, resource and verdict, and ends with the summary line", () => {
        const stack = changed(prod, "cluster", ofType(CLUSTER), (r) => (r.props.endpointPrivateAccess = false));
        const report = evaluate("prod", [{ layer: "cluster", stack }]);
        const text = formatReport(report);
        assert.match(text, /cluster-private-endpoint \[mandatory\]/);
        assert.match(text, /FAIL\s+cluster\s+eks:index:Cluster acme-prod: the private endpoint is off/);
        assert.match(text, /pass\s+cluster\s+eks:index:Cluster acme-prod: all control-plane logs on/);
        assert.equal(text.split("\n").pop(), summaryLine(report));
        assert.match(summaryLine(report), /^policy FAIL: \d+ rules, \d+ checks, 1 mandatory and 0 advisory violation\(s\)$/);
    });

    it("production is judged from the environment's tier", () => {
        assert.equal(envConfig("prod").tier, "production");
        assert.equal(prod[0].stack.production, true);
        assert.equal(dev[0].stack.production, false);
    });
});
