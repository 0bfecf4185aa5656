// The cluster layer: control plane, node groups, Fargate, access mappings, EKS add-ons, and the
// config rules that guard versions and endpoint access.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { clusterContract } from "../infra/cluster/contract";
import { authenticationModeProblem, awsAuthRoles, callerRole, creatorProblem } from "../lib/accessMappings";
import { CONTROL_PLANE_LOG_TYPES } from "../infra/cluster/controlPlane";
import { ConfigError, parseConfig } from "../lib/config/load";
import type { PlatformConfig } from "../lib/config/schema";
import { nodeRolePolicies } from "../lib/iam";
import { EKS_ADDON_VERSIONS, upgradeProblem } from "../lib/versions";
import { MockEngine, type PlannedResource } from "../synth/engine";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { configWith, entriesWith, envConfig, layerOf, problemsOf, rejectionOf, resourceOf, resourcesOf, synthEnv, synthThrough } from "./helpers";

const ADMIN = "arn:aws:iam::111122223333:role/admin";
const TEAM = "arn:aws:iam::111122223333:role/team-a";
const inputs = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The network and cluster layers of a config. */
const synth = (config: PlatformConfig): Promise<Plan> => synthThrough(config, "cluster");

const clusterOf = (plan: Plan) => resourcesOf(plan, "cluster", "eks:index:Cluster")[0];
const addonOf = (plan: Plan, name: string) => resourcesOf(plan, "cluster", "aws:eks/addon:Addon").find((r) => inputs(r).addonName === name);

describe("cluster layer", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    describe("control plane", () => {
        it("keeps the private endpoint on and the public one off in prod", () => {
            const c = inputs(clusterOf(prod));
            assert.equal(c.endpointPrivateAccess, true);
            assert.equal(c.endpointPublicAccess, false);
            assert.equal(c.publicAccessCidrs, undefined);
        });

        it("keeps dev's endpoint private only (peered VPCs would resolve a public one's addresses); a public endpoint takes only the configured CIDRs", async () => {
            assert.equal(inputs(clusterOf(dev)).endpointPublicAccess, false);
            const plan = await synth(configWith({ "platform:endpoint": { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }));
            assert.equal(inputs(clusterOf(plan)).endpointPublicAccess, true);
            assert.deepEqual(inputs(clusterOf(plan)).publicAccessCidrs, ["203.0.113.0/24"]);
        });

        it("opens 443 on the cluster security group to the VPC, the VPN and the peered VPCs", () => {
            const rule = inputs(resourcesOf(prod, "cluster", "aws:ec2/securityGroupRule:SecurityGroupRule").filter((r) => !r.modeled)[0]);
            assert.equal(rule.type, "ingress");
            assert.equal(rule.fromPort, 443);
            assert.equal(rule.toPort, 443);
            assert.deepEqual(rule.cidrBlocks, ["10.30.0.0/16", "10.200.0.0/16", "10.100.0.0/16"]);
            assert.equal(rule.securityGroupId, layerOf(prod, "cluster").outputs.clusterSecurityGroupId);
        });

        it("encrypts secrets with a rotated, protected customer KMS key", () => {
            const key = resourceOf(prod, "cluster", "aws:kms/key:Key", "acme-prod-platform");
            assert.equal(inputs(key).enableKeyRotation, true);
            assert.equal(key.protect, true);
            assert.equal(inputs(clusterOf(prod)).encryptionConfigKeyArn, layerOf(prod, "cluster").outputs.kmsKeyArn);
            const policy = JSON.parse(inputs(key).policy);
            // Auto Scaling (managed node groups) uses the key through EC2, like any principal of the account; its
            // service-linked role is not named, since a fresh account does not have it yet.
            assert.ok(policy.Statement.some((s: { Sid: string }) => s.Sid === "EbsVolumes"), "principals of the account may use the key through EC2");
            assert.doesNotMatch(inputs(key).policy, /AWSServiceRoleForAutoScaling/);
        });

        it("sends all five control-plane log types to a log group with the configured retention", () => {
            assert.deepEqual(inputs(clusterOf(prod)).enabledClusterLogTypes, CONTROL_PLANE_LOG_TYPES);
            assert.deepEqual(CONTROL_PLANE_LOG_TYPES, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            const group = resourcesOf(prod, "cluster", "aws:cloudwatch/logGroup:LogGroup").find((r) => inputs(r).name === "/aws/eks/acme-prod/cluster");
            assert.ok(group);
            assert.equal(inputs(group).retentionInDays, 365);
            assert.ok(clusterOf(prod).dependsOn.includes(group.urn), "the group exists before EKS writes to it");
        });

        it("creates the OIDC provider itself, without a thumbprint (no TLS fetch from the deploy machine), and protects the prod cluster from deletion", () => {
            assert.equal(inputs(clusterOf(prod)).createOidcProvider, false);
            assert.equal(resourcesOf(prod, "cluster", "aws:iam/openIdConnectProvider:OpenIdConnectProvider").filter((r) => r.modeled).length, 0, "pulumi-eks makes none");
            const provider = resourceOf(prod, "cluster", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "acme-prod-oidc");
            assert.equal(inputs(provider).thumbprintLists, undefined);
            assert.deepEqual(inputs(provider).clientIdLists, ["sts.amazonaws.com"]);
            const out = layerOf(prod, "cluster").outputs;
            assert.match(String(inputs(provider).url), /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
            assert.equal(out.oidcProviderUrl, inputs(provider).url);
            assert.equal(out.oidcProviderArn, `arn:aws:iam::111122223333:oidc-provider/${String(inputs(provider).url).slice("https://".length)}`);
            assert.equal(inputs(clusterOf(prod)).deletionProtection, true);
            assert.equal(clusterOf(prod).protect, true);
            assert.equal(inputs(clusterOf(dev)).deletionProtection, false);
            assert.equal(clusterOf(dev).protect, false);
        });

        it("takes version, upgrade policy, authentication mode and service CIDR from config", () => {
            const c = inputs(clusterOf(prod));
            assert.equal(c.version, "1.35");
            assert.deepEqual(c.upgradePolicy, { supportType: "EXTENDED" });
            assert.equal(c.authenticationMode, "API");
            assert.equal(c.kubernetesServiceIpAddressRange, "172.20.0.0/16");
            assert.equal(inputs(clusterOf(dev)).version, "1.36");
            assert.deepEqual(inputs(clusterOf(dev)).upgradePolicy, { supportType: "STANDARD" });
        });

        it("comes up without self-managed add-ons so the network mode decides the CNI", () => {
            const c = inputs(clusterOf(prod));
            assert.equal(c.bootstrapSelfManagedAddons, false);
            assert.equal(c.skipDefaultNodeGroup, true);
            assert.equal(c.corednsAddonOptions.enabled, false);
            assert.equal(c.kubeProxyAddonOptions.enabled, false);
        });
    });

    describe("pod network mode and EKS add-ons", () => {
        it("installs the VPC CNI with prefix delegation only in vpc-cni mode", () => {
            const cni = addonOf(dev, "vpc-cni");
            assert.ok(cni, "dev (vpc-cni) has the VPC CNI");
            assert.deepEqual(JSON.parse(inputs(cni).configurationValues), { env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" } });
            assert.equal(addonOf(prod, "vpc-cni"), undefined, "prod (calico-overlay) has no VPC CNI");
        });

        it("publishes the mode and the pod CIDR in the contract", () => {
            assert.equal(layerOf(prod, "cluster").outputs.podNetworkMode, "calico-overlay");
            assert.equal(layerOf(prod, "cluster").outputs.podCidr, "100.64.0.0/14");
            assert.equal(layerOf(dev, "cluster").outputs.podNetworkMode, "vpc-cni");
            assert.equal(layerOf(dev, "cluster").outputs.podCidr, "10.20.0.0/16");
        });

        it("pins CoreDNS, kube-proxy and the VPC CNI to the versions of the Kubernetes version", () => {
            assert.equal(inputs(addonOf(prod, "coredns")!).addonVersion, EKS_ADDON_VERSIONS["1.35"].coredns);
            assert.equal(inputs(addonOf(prod, "kube-proxy")!).addonVersion, EKS_ADDON_VERSIONS["1.35"].kubeProxy);
            assert.equal(inputs(addonOf(dev, "vpc-cni")!).addonVersion, EKS_ADDON_VERSIONS["1.36"].vpcCni);
        });

        it("runs CoreDNS on Fargate with autoscaling, after the Fargate profiles", () => {
            const coredns = addonOf(prod, "coredns")!;
            assert.deepEqual(JSON.parse(inputs(coredns).configurationValues), {
                computeType: "Fargate",
                autoScaling: { enabled: true, minReplicas: 3, maxReplicas: 12 },
            });
            const karpenterProfile = resourceOf(prod, "cluster", "aws:eks/fargateProfile:FargateProfile", "acme-prod-karpenter");
            assert.ok(coredns.dependsOn.includes(karpenterProfile.urn));
        });
    });

    describe("managed node groups", () => {
        const config = () => configWith({
            "platform:nodeGroups": [
                { name: "br", instanceTypes: ["m6a.large"], labels: { role: "fixed" }, taints: [{ key: "fixed", value: "yes", effect: "PREFER_NO_SCHEDULE" }] },
                { name: "al", amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m6i.large"], httpPutResponseHopLimit: 2 },
            ],
        });
        let plan: Plan;
        before(async () => {
            plan = await synth(config());
        });

        it("launches Bottlerocket by default with IMDSv2 required and hop limit 1", () => {
            const lt = inputs(resourceOf(plan, "cluster", "aws:ec2/launchTemplate:LaunchTemplate", "acme-test-br"));
            assert.deepEqual(lt.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            const group = inputs(resourceOf(plan, "cluster", "eks:index:ManagedNodeGroup", "acme-test-br"));
            assert.equal(group.amiType, "BOTTLEROCKET_x86_64");
            assert.equal(group.version, "1.35");
            assert.deepEqual(group.labels, { role: "fixed" });
            // (PreferNoSchedule: a NoSchedule taint no pod tolerates is capacity nothing can use, which the scheduling play refuses.)
            assert.deepEqual(group.taints, [{ key: "fixed", value: "yes", effect: "PREFER_NO_SCHEDULE" }]);
            assert.deepEqual(group.subnetIds, layerOf(plan, "network").outputs.privateSubnetIds);
        });

        it("encrypts gp3 OS and data volumes with the platform key", () => {
            const lt = inputs(resourceOf(plan, "cluster", "aws:ec2/launchTemplate:LaunchTemplate", "acme-test-br"));
            const keyArn = layerOf(plan, "cluster").outputs.kmsKeyArn;
            assert.deepEqual(lt.blockDeviceMappings.map((b: { deviceName: string }) => b.deviceName), ["/dev/xvda", "/dev/xvdb"]);
            for (const b of lt.blockDeviceMappings) {
                assert.equal(b.ebs.volumeType, "gp3");
                assert.equal(b.ebs.encrypted, "true");
                assert.equal(b.ebs.kmsKeyId, keyArn);
            }
        });

        it("reserves resources for the kubelet and the OS (Bottlerocket TOML, AL2023 NodeConfig)", () => {
            const br = Buffer.from(inputs(resourceOf(plan, "cluster", "aws:ec2/launchTemplate:LaunchTemplate", "acme-test-br")).userData, "base64").toString();
            assert.match(br, /\[settings\.kubernetes\.kube-reserved\]\n"cpu" = "100m"\n"memory" = "512Mi"/);
            assert.match(br, /\[settings\.kubernetes\.system-reserved\]/);
            const al = Buffer.from(inputs(resourceOf(plan, "cluster", "aws:ec2/launchTemplate:LaunchTemplate", "acme-test-al")).userData, "base64").toString();
            const part = al.split("Content-Type: application/node.eks.aws\n\n")[1].split("--//--")[0];
            assert.deepEqual(YAML.parse(part).spec.kubelet.config.kubeReserved, { cpu: "100m", memory: "512Mi" });
            assert.equal(inputs(resourceOf(plan, "cluster", "aws:ec2/launchTemplate:LaunchTemplate", "acme-test-al")).metadataOptions.httpPutResponseHopLimit, 2);
        });

        it("gives each node role only the policies it needs (the CNI policy only in vpc-cni mode)", async () => {
            const policies = (p: Plan, group: string) => resourcesOf(p, "cluster", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((r) => r.name.startsWith(`${group}-node-`))
                .map((r) => String(inputs(r).policyArn).split("/").pop())
                .sort();
            assert.deepEqual(policies(plan, "acme-test-br"), ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"]);
            assert.deepEqual(nodeRolePolicies("calico-overlay").sort(), ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"]);
        });

        it("waits for the VPC CNI and kube-proxy: a node becomes Ready only with its network plugin", () => {
            const group = resourceOf(plan, "cluster", "eks:index:ManagedNodeGroup", "acme-test-br");
            for (const name of ["vpc-cni", "kube-proxy"]) assert.ok(group.dependsOn.includes(addonOf(plan, name)!.urn), name);
        });

        it("is refused in calico-overlay mode, where the network plugin arrives with the add-ons layer", () => {
            const problems = problemsOf(entriesWith({
                "platform:podNetwork": { mode: "calico-overlay" },
                "platform:nodeGroups": [{ name: "fixed", instanceTypes: ["m6a.large"] }],
            }));
            assert.equal(problems.length, 1);
            assert.match(problems[0], /^platform:nodeGroups: managed node groups \(fixed\) cannot come up in calico-overlay mode: .*NodeCreationFailure.*platform:karpenter\.nodePools/);
            assert.deepEqual(problemsOf(entriesWith({ "platform:podNetwork": { mode: "calico-overlay" }, "platform:addons": { calico: { enabled: false } } })), [
                "platform:addons.calico.enabled: must be true in calico-overlay mode: Calico is the pod network there, and no node would ever become Ready without it",
            ]);
        });
    });

    describe("Fargate", () => {
        it("puts every profile in the private subnets only, chained one after another", () => {
            const profiles = resourcesOf(prod, "cluster", "aws:eks/fargateProfile:FargateProfile");
            assert.deepEqual(profiles.map((p) => inputs(p).fargateProfileName), ["kube-system", "karpenter"]);
            for (const p of profiles) assert.deepEqual(inputs(p).subnetIds, layerOf(prod, "network").outputs.privateSubnetIds);
            assert.ok(profiles[1].dependsOn.includes(profiles[0].urn), "the second profile waits for the first");
            assert.deepEqual(inputs(profiles[0]).selectors, [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }]);
        });

        it("lets only this cluster's Fargate profiles assume the pod execution role", () => {
            const role = resourceOf(prod, "cluster", "aws:iam/role:Role", "acme-prod-fargate");
            const trust = JSON.parse(inputs(role).assumeRolePolicy).Statement[0];
            assert.deepEqual(trust.Principal, { Service: "eks-fargate-pods.amazonaws.com" });
            assert.equal(trust.Condition.ArnLike["aws:SourceArn"], "arn:aws:eks:eu-west-1:111122223333:fargateprofile/acme-prod/*");
        });

        it("ships Fargate logs to CloudWatch by default (dev, prod), and not when turned off", async () => {
            const map = resourcesOf(prod, "cluster", "kubernetes:core/v1:ConfigMap").find((r) => inputs(r).metadata.name === "aws-logging");
            assert.ok(map);
            assert.equal(inputs(map).metadata.namespace, "aws-observability");
            assert.match(inputs(map).data["output.conf"], /log_group_name \/aws\/eks\/acme-prod\/fargate/);
            assert.ok(resourcesOf(dev, "cluster", "kubernetes:core/v1:ConfigMap").some((r) => inputs(r).metadata.name === "aws-logging"));
            const off = await synth(configWith({ "platform:fargateLogging": { enabled: false } }));
            assert.equal(resourcesOf(off, "cluster", "kubernetes:core/v1:ConfigMap").length, 0);
            assert.equal(layerOf(off, "cluster").outputs.fargateLogGroupArn, undefined);
        });
    });

    describe("access mappings", () => {
        it("maps admins and read-only roles to access policies, and teams to their group only (RBAC from the workloads layer)", async () => {
            const plan = await synth(configWith({
                "platform:access": { admins: [ADMIN], teams: [{ name: "team-a", roleArn: TEAM, namespaces: ["team-a", "team-a-jobs"] }] },
            }));
            const entries = resourcesOf(plan, "cluster", "aws:eks/accessEntry:AccessEntry").filter((r) => !r.modeled).map(inputs);
            assert.deepEqual(entries.map((e) => [e.principalArn, e.type, e.kubernetesGroups]), [[ADMIN, "STANDARD", undefined], [TEAM, "STANDARD", ["team:team-a"]]]);
            const policies = resourcesOf(plan, "cluster", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((r) => !r.modeled).map(inputs);
            assert.deepEqual(policies.map((p) => [p.policyArn.split("/").pop(), p.accessScope]), [
                ["AmazonEKSClusterAdminPolicy", { type: "cluster" }],
            ]);
            assert.equal(resourcesOf(plan, "cluster", "kubernetes:core/v1:ConfigMapPatch").length, 0, "API mode leaves aws-auth alone");
            assert.deepEqual(layerOf(plan, "cluster").outputs.teamGroups, { "team-a": "team:team-a" });
        });

        it("patches aws-auth in API_AND_CONFIG_MAP mode and never declares the ConfigMap itself", async () => {
            const plan = await synth(configWith({
                "platform:authenticationMode": "API_AND_CONFIG_MAP",
                "platform:nodeGroups": [{ name: "br", instanceTypes: ["m6a.large"] }],
            }));
            const patch = resourcesOf(plan, "cluster", "kubernetes:core/v1:ConfigMapPatch");
            assert.equal(patch.length, 1);
            assert.equal(patch[0].retainOnDelete, true);
            assert.deepEqual(inputs(patch[0]).metadata.name, "aws-auth");
            const roles = YAML.parse(inputs(patch[0]).data.mapRoles);
            assert.deepEqual(roles.map((r: { groups: string[] }) => r.groups), [
                ["system:bootstrappers", "system:nodes"],
                ["system:bootstrappers", "system:nodes", "system:node-proxier"],
            ]);
            const outputs = layerOf(plan, "cluster").outputs as { nodeRoleArns: Record<string, string>; fargatePodExecutionRoleArn: string };
            assert.deepEqual(roles.map((r: { rolearn: string }) => r.rolearn), [outputs.nodeRoleArns.br, outputs.fargatePodExecutionRoleArn]);
            const configMaps = resourcesOf(plan, "cluster", "kubernetes:core/v1:ConfigMap").filter((r) => inputs(r).metadata?.name === "aws-auth");
            assert.equal(configMaps.length, 0);
        });

        it("maps EC2 node roles with the node groups (awsAuthRoles)", () => {
            assert.deepEqual(awsAuthRoles([{ kind: "ec2-node", roleArn: "arn:aws:iam::1:role/n" }, { kind: "user", roleArn: ADMIN }]), [
                { rolearn: "arn:aws:iam::1:role/n", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] },
            ]);
        });
    });

    describe("contract", () => {
        it("exports every output of the contract, with the kubeconfig secret", async () => {
            const outputs = layerOf(prod, "cluster").outputs;
            assert.equal(outputs.kubeconfig, "[secret]");
            const parsed = clusterContract.safeParse({ ...outputs, kubeconfig: "x" });
            assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
            assert.match(String(outputs.endpoint), /^https:\/\/[0-9A-F]+\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
        });
    });

    describe("version rules", () => {
        it("rejects a version EKS does not support", () => {
            assert.deepEqual(problemsOf(entriesWith({ "platform:kubernetesVersion": "1.29" })), [
                'platform:kubernetesVersion: "1.29" is not a Kubernetes version EKS supports (1.31, 1.32, 1.33, 1.34, 1.35, 1.36)',
            ]);
        });

        it("rejects a version past extended support, and STANDARD support for a version in extended support", () => {
            const at = (day: string, overrides: Record<string, unknown>) => {
                try {
                    parseConfig(entriesWith(overrides), "test", "t", new Date(day));
                } catch (err) {
                    return (err as ConfigError).problems;
                }
                return [];
            };
            assert.match(at("2026-12-01", { "platform:kubernetesVersion": "1.31" })[0], /^platform:kubernetesVersion: "1\.31" is past the end of EKS extended support \(2026-11-26\)/);
            assert.match(at("2027-01-10", { "platform:kubernetesVersion": "1.34", "platform:upgradePolicy": "STANDARD" })[0], /^platform:upgradePolicy: is STANDARD, but 1\.34 is past standard support/);
            assert.deepEqual(at("2027-01-10", { "platform:kubernetesVersion": "1.34", "platform:upgradePolicy": "EXTENDED" }), []);
        });

        it("keeps node groups within three minor versions behind the control plane, never ahead", () => {
            const group = (version: string) => ({ "platform:kubernetesVersion": "1.35", "platform:nodeGroups": [{ name: "pinned", instanceTypes: ["m6a.large"], version }] });
            assert.deepEqual(problemsOf(entriesWith(group("1.31"))), [
                'platform:nodeGroups[0].version: "1.31" is 4 minor versions behind the control plane (1.35); nodes may be at most 3 behind',
            ]);
            assert.deepEqual(problemsOf(entriesWith(group("1.36"))), ['platform:nodeGroups[0].version: "1.36" is newer than the control plane (1.35)']);
            assert.doesNotThrow(() => configWith(group("1.32")));
        });

        it("refuses to skip a minor version or downgrade the deployed cluster", async () => {
            assert.equal(upgradeProblem("1.34", "1.35"), undefined);
            assert.match(upgradeProblem("1.33", "1.35")!, /skips 1 minor version\(s\): the deployed cluster runs 1\.33; upgrade one minor version at a time \(next: 1\.34\)/);
            assert.match(upgradeProblem("1.35", "1.34")!, /would downgrade/);

            const config = configWith({ "platform:kubernetesVersion": "1.35" });
            const engine = new MockEngine(config.region);
            engine.stacks.set("organization/platform-cluster/test", { outputs: { kubernetesVersion: "1.33" }, secretNames: [] });
            const err = await rejectionOf(synthesize(config, "layered", undefined, engine));
            assert.ok(err instanceof SynthError);
            assert.match(err.message, /platform:kubernetesVersion: "1\.35" skips 1 minor version\(s\): the deployed cluster runs 1\.33/);
            assert.equal(engine.resources.filter((r) => r.urn.includes("platform-cluster") && r.type !== "pulumi:pulumi:StackReference").length, 0, "nothing of the cluster layer was registered");
        });

        it("refuses to move the authentication mode back from API (EKS accepts the call, then refuses it)", async () => {
            assert.equal(authenticationModeProblem(undefined, "API"), undefined);
            assert.equal(authenticationModeProblem("API_AND_CONFIG_MAP", "API"), undefined);
            assert.match(authenticationModeProblem("API", "API_AND_CONFIG_MAP")!, /runs in API mode and EKS cannot go back to API_AND_CONFIG_MAP/);

            const config = configWith({ "platform:authenticationMode": "API_AND_CONFIG_MAP" });
            const engine = new MockEngine(config.region);
            engine.stacks.set("organization/platform-cluster/test", { outputs: { kubernetesVersion: config.kubernetesVersion, authenticationMode: "API" }, secretNames: [] });
            const err = await rejectionOf(synthesize(config, "layered", undefined, engine));
            assert.match(err.message, /platform:authenticationMode: the cluster runs in API mode and EKS cannot go back to API_AND_CONFIG_MAP/);
            assert.equal(engine.resources.filter((r) => r.urn.includes("platform-cluster") && r.type !== "pulumi:pulumi:StackReference").length, 0, "nothing of the cluster layer was registered");
        });

        it("the deploy role: its admin entry is EKS's (the creator's); a first deploy by another identity is refused", async () => {
            const deployer = "arn:aws:iam::111122223333:role/platform-deployer";
            assert.equal(callerRole("arn:aws:sts::111122223333:assumed-role/platform-deployer/pulumi"), deployer);
            assert.equal(creatorProblem(deployer, "arn:aws:sts::111122223333:assumed-role/platform-deployer/ci-42"), undefined);
            assert.equal(creatorProblem("arn:aws:iam::111122223333:role/ci/platform-deployer", "arn:aws:sts::111122223333:assumed-role/platform-deployer/ci"), undefined, "STS drops role paths");
            assert.match(creatorProblem(deployer, "arn:aws:sts::111122223333:assumed-role/alice-admin/alice")!, /created by arn:aws:iam::111122223333:role\/alice-admin, not the deploy role/);
            assert.equal(creatorProblem(undefined, "arn:aws:sts::111122223333:assumed-role/alice-admin/alice"), undefined);

            const other = configWith({ "platform:access": { deployRole: "arn:aws:iam::111122223333:role/ci-deployer" } });
            const err = await rejectionOf(synthesize(other));
            assert.match(err.message, /platform:access.deployRole: the cluster is created by arn:aws:iam::111122223333:role\/platform-deployer, not the deploy role arn:aws:iam::111122223333:role\/ci-deployer/);

            assert.deepEqual(problemsOf(entriesWith({ "platform:access": { deployRole: deployer, admins: [deployer], previewRoles: [deployer] } })), [
                "platform:access.admins[0]: is the deploy role, which EKS already makes the cluster's admin as its creator (a second access entry fails with ResourceInUseException)",
                "platform:access.previewRoles[0]: is the deploy role, which EKS already makes the cluster's admin as its creator (a second access entry fails with ResourceInUseException)",
            ]);
        });

        it("preview roles: an access entry reading everything including Secrets; the deploy role none (EKS's creator entry)", () => {
            for (const plan of [dev, prod]) {
                const entries = resourcesOf(plan, "cluster", "aws:eks/accessEntry:AccessEntry");
                const preview = entries.filter((e) => !e.modeled && inputs(e).principalArn === "arn:aws:iam::111122223333:role/platform-preview");
                assert.equal(preview.length, 1);
                const policy = resourcesOf(plan, "cluster", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").find((p) => !p.modeled && inputs(p).principalArn === inputs(preview[0]).principalArn);
                assert.match(String(policy && inputs(policy).policyArn), /AmazonEKSAdminViewPolicy$/);
                const deployer = entries.filter((e) => inputs(e).principalArn === "arn:aws:iam::111122223333:role/platform-deployer");
                assert.deepEqual(deployer.map((e) => e.modeled), [true], "only EKS's creator entry");
            }
        });

        it("rejects a public endpoint open to 0.0.0.0/0 in prod", () => {
            const problems = problemsOf({ ...envEntries("prod"), "platform:productionExceptions": { publicEndpoint: { reason: "break-glass access while the VPN is rebuilt (OPS-1)" } }, "platform:endpoint": { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } });
            assert.deepEqual(problems, ['platform:endpoint.publicAccessCidrs[0]: "0.0.0.0/0" opens the API to the internet, which production never does']);
            const halves = problemsOf({ ...envEntries("prod"), "platform:productionExceptions": { publicEndpoint: { reason: "break-glass access while the VPN is rebuilt (OPS-1)" } }, "platform:endpoint": { publicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1", "198.51.100.0/24"] } });
            assert.deepEqual(halves, [
                'platform:endpoint.publicAccessCidrs[0]: "0.0.0.0/1" opens the API to a large part of the internet (wider than /16), which production never does',
                'platform:endpoint.publicAccessCidrs[1]: "128.0.0.0/1" opens the API to a large part of the internet (wider than /16), which production never does',
            ]);
        });

        it("needs a Fargate profile for kube-system, where CoreDNS runs", () => {
            assert.deepEqual(problemsOf(entriesWith({ "platform:fargateProfiles": [{ name: "apps", selectors: [{ namespace: "apps" }] }] })), [
                "platform:fargateProfiles: no profile selects the kube-system namespace, so CoreDNS (which runs on Fargate) would never start",
            ]);
        });
    });
});

/** The raw entries of a repository environment file, for variations of it. */
function envEntries(env: string): Record<string, unknown> {
    const c = envConfig(env);
    return entriesWith({
        "platform:tier": c.tier,
        "platform:availabilityZones": c.availabilityZones,
        "platform:vpcCidr": c.vpcCidr,
        "platform:egress": c.egress,
    });
}
