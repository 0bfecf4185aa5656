// Storage: the EBS and EFS CSI drivers and the Pod Identity agent as pinned EKS add-ons, EKS Pod
// Identity for the drivers' service accounts, encrypted storage classes, and the EFS file system.
import { strict as assert } from "assert";
import { ebsCsiConfiguration, EFS_CLASS, GP3_CLASS, podIdentityUsers, reclaimPolicy } from "../addons/storage";
import type { PlannedResource } from "../synth/engine";
import { synthesize, type Plan } from "../synth/synth";
import { configWith, layerOf, resourcesOf, synthEnv } from "./helpers";
import { k8sProblems } from "./schemas";

const inputs = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const addonOf = (plan: Plan, name: string) => resourcesOf(plan, "addons", "aws:eks/addon:Addon").find((r) => inputs(r).addonName === name);
const storageClass = (plan: Plan, name: string) =>
    resourcesOf(plan, "addons", "kubernetes:storage.k8s.io/v1:StorageClass").find((r) => inputs(r).metadata.name === name);
/** The role an ARN names (the engine names a role `<resource name>-<suffix>`). */
const roleOf = (plan: Plan, arn: string) => resourcesOf(plan, "addons", "aws:iam/role:Role").find((r) => arn.includes(`role/${r.name}-`));

describe("storage", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("installs the EBS CSI, EFS CSI and Pod Identity add-ons at their pinned versions for the cluster's Kubernetes version", () => {
        // prod runs 1.35, dev 1.36: one build serves both.
        for (const plan of [dev, prod]) {
            assert.equal(inputs(addonOf(plan, "aws-ebs-csi-driver")!).addonVersion, "v1.66.0-eksbuild.1");
            assert.equal(inputs(addonOf(plan, "aws-efs-csi-driver")!).addonVersion, "v3.3.0-eksbuild.1");
            assert.equal(inputs(addonOf(plan, "eks-pod-identity-agent")!).addonVersion, "v1.4.0-eksbuild.2");
        }
    });

    it("gives each CSI controller its role through the add-on's Pod Identity association, trusted for its service account only", () => {
        for (const [addon, sa, managed] of [
            ["aws-ebs-csi-driver", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"],
            ["aws-efs-csi-driver", "efs-csi-controller-sa", "service-role/AmazonEFSCSIDriverPolicy"],
        ]) {
            const driver = inputs(addonOf(prod, addon)!);
            assert.equal(driver.serviceAccountRoleArn, undefined, "no IRSA");
            assert.equal(driver.podIdentityAssociations.length, 1);
            assert.equal(driver.podIdentityAssociations[0].serviceAccount, sa);
            const role = roleOf(prod, driver.podIdentityAssociations[0].roleArn);
            assert.ok(role, `${addon} has a role`);
            const statement = JSON.parse(inputs(role).assumeRolePolicy).Statement[0];
            assert.deepEqual(statement.Principal, { Service: "pods.eks.amazonaws.com" });
            assert.equal(statement.Condition.StringEquals["aws:RequestTag/kubernetes-service-account"], sa);
            assert.equal(statement.Condition.StringEquals["aws:RequestTag/kubernetes-namespace"], "kube-system");
            const attachment = resourcesOf(prod, "addons", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").find((r) => r.parent === role.parent);
            assert.equal(inputs(attachment!).policyArn, `arn:aws:iam::aws:policy/${managed}`);
            // The driver waits for the agent that hands its controller the credentials.
            assert.ok(addonOf(prod, addon)!.dependsOn.includes(addonOf(prod, "eks-pod-identity-agent")!.urn));
        }
    });

    it("installs the Pod Identity agent only when something uses Pod Identity, and refuses to leave it out when something does", async () => {
        const none = { ebsCsi: { enabled: false }, efsCsi: { enabled: false }, loadBalancerController: { enabled: false }, loki: { enabled: false }, monitoring: { enabled: false }, kubecost: { enabled: false } };
        assert.deepEqual(podIdentityUsers(configWith({ "platform:addons": none })), []);
        const { plan } = await synthesize(configWith({ "platform:addons": none }));
        assert.equal(addonOf(plan, "eks-pod-identity-agent"), undefined);
        // A config error (rule podIdentityAgent), before anything is registered; applications with a role on EC2 nodes count too (test/podIdentity.test.ts).
        assert.throws(() => configWith({ "platform:addons": { podIdentityAgent: { enabled: false } } }), /platform:addons\.podIdentityAgent\.enabled: is false, but ebsCsi, efsCsi, loadBalancerController, monitoring, loki get their AWS identity through EKS Pod Identity/);
    });

    it("the default gp3 class is encrypted with the platform key, binds in the pod's zone, and retains volumes in prod only", () => {
        const kmsKeyArn = layerOf(prod, "cluster").outputs.kmsKeyArn;
        for (const [plan, reclaim] of [[prod, "Retain"], [dev, "Delete"]] as const) {
            const sc = inputs(storageClass(plan, GP3_CLASS)!);
            assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
            assert.equal(sc.provisioner, "ebs.csi.aws.com");
            assert.equal(sc.parameters.type, "gp3");
            assert.equal(sc.parameters.encrypted, "true");
            assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
            assert.equal(sc.reclaimPolicy, reclaim);
        }
        assert.equal(inputs(storageClass(prod, GP3_CLASS)!).parameters.kmsKeyId, kmsKeyArn);
        assert.equal(reclaimPolicy(true), "Retain");
    });

    it("the efs class provisions access points on an encrypted file system, protected in every tier (data-stateful-protected) with a mount target per zone", () => {
        const fs = resourcesOf(prod, "addons", "aws:efs/fileSystem:FileSystem")[0];
        assert.equal(inputs(fs).encrypted, true);
        assert.equal(inputs(fs).kmsKeyId, layerOf(prod, "cluster").outputs.kmsKeyArn);
        assert.equal(fs.protect, true);
        assert.equal(resourcesOf(dev, "addons", "aws:efs/fileSystem:FileSystem")[0].protect, true);
        const targets = resourcesOf(prod, "addons", "aws:efs/mountTarget:MountTarget");
        const subnets = layerOf(prod, "network").outputs.privateSubnetIds as string[];
        assert.deepEqual(targets.map((t) => inputs(t).subnetId).sort(), [...subnets].sort());
        const sc = inputs(storageClass(prod, EFS_CLASS)!);
        assert.equal(sc.provisioner, "efs.csi.aws.com");
        assert.equal(sc.parameters.provisioningMode, "efs-ap");
        assert.match(sc.parameters.fileSystemId, /^fs-/);
        assert.equal(sc.reclaimPolicy, "Retain");
    });

    it("lets NFS in from the VPC only", () => {
        const rule = inputs(resourcesOf(prod, "addons", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find((r) => inputs(r).fromPort === 2049)!);
        assert.equal(rule.toPort, 2049);
        assert.equal(rule.cidrIpv4, "10.30.0.0/16");
    });

    it("places the CSI controllers with the add-ons and the node plugins on every node", () => {
        const config = JSON.parse(inputs(addonOf(prod, "aws-ebs-csi-driver")!).configurationValues);
        assert.deepEqual(config, ebsCsiConfiguration());
        assert.equal(config.controller.nodeSelector["karpenter.sh/nodepool"], "addons");
        assert.equal(config.node.tolerateAllTaints, true);
    });

    it("gives the EFS add-on only keys of its configuration schema (no node.tolerateAllTaints: EKS refuses unknown keys)", () => {
        const config = JSON.parse(inputs(addonOf(prod, "aws-efs-csi-driver")!).configurationValues);
        assert.equal(config.controller.nodeSelector["karpenter.sh/nodepool"], "addons");
        // The keys the platform may set, of the EFS add-on's schema: controller placement. Its node DaemonSet tolerates every taint by default.
        const paths = (o: object, prefix = ""): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) && k !== "nodeSelector" ? paths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
        assert.deepEqual(paths(config).sort(), ["controller.nodeSelector", "controller.tolerations"]);
    });

    it("storage classes are valid Kubernetes objects", async () => {
        for (const name of [GP3_CLASS, EFS_CLASS]) {
            const { metadata, ...rest } = inputs(storageClass(prod, name)!);
            assert.deepEqual(await k8sProblems({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata, ...rest }), [], name);
        }
    });

    it("exports the storage classes, gp3 as the default", () => {
        assert.deepEqual(layerOf(prod, "addons").outputs.storageClasses, [GP3_CLASS, EFS_CLASS]);
        assert.equal(layerOf(prod, "addons").outputs.defaultStorageClass, GP3_CLASS);
    });

    it("a disabled driver leaves nothing behind: no add-on, role, file system or class", async () => {
        const { plan } = await synthesize(configWith({ "platform:addons": { efsCsi: { enabled: false } } }));
        assert.equal(addonOf(plan, "aws-efs-csi-driver"), undefined);
        assert.deepEqual(resourcesOf(plan, "addons", "aws:efs/fileSystem:FileSystem"), []);
        assert.deepEqual(resourcesOf(plan, "addons", "aws:efs/mountTarget:MountTarget"), []);
        assert.equal(storageClass(plan, EFS_CLASS), undefined);
        assert.ok(!resourcesOf(plan, "addons", "aws:iam/role:Role").some((r) => r.name.includes("efs")));
        assert.deepEqual(layerOf(plan, "addons").outputs.storageClasses, [GP3_CLASS]);
    });
});
