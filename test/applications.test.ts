// Applications: every object each kind produces is valid Kubernetes, carries the platform's safety
// settings, reads secrets as files through its own role (EKS Pod Identity on EC2 nodes, IRSA on Fargate), and unsafe config is refused by name.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { AddonsOutputs } from "../addons/contract";
import { dedicatedPool } from "../lib/placement";
import type { ApplicationSpec } from "../lib/config/applications";
import type { WiredContract } from "../lib/layer";
import type { addonsContract } from "../addons/contract";
import { MockEngine } from "../synth/engine";
import { IRSA_ROLE_ANNOTATION as ROLE_ARN_ANNOTATION, irsaServiceAccountAnnotations } from "../lib/iam";
import { applicationCompute, POD_IDENTITY_AGENT } from "../lib/applicationIdentity";
import type { PodCompute } from "../lib/podIdentity";
import { Application } from "../workloads/application/component";
import type { ApplicationObject as K8sObject, BuildContext } from "../workloads/application/manifest";
import { objectsOf } from "../workloads/application/objects";
import { SECRETS_STORE_DRIVER } from "../workloads/application/pod";
import { envConfig, problemsOf, baseEntries } from "./helpers";
import { crdProblems, k8sProblems } from "./schemas";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADDONS: AddonsOutputs = {
    nodeClassName: "default",
    nodePools: ["default", "addons"],
    dedicatedTaintKey: "dedicated",
    ingressClasses: ["alb"],
    defaultIngressClass: "alb",
    storageClasses: ["gp3", "efs"],
    defaultStorageClass: "gp3",
    networkPolicy: true,
    secretsStore: true,
    monitoring: true,
    accessLogBucket: "acme-prod-access-logs-111122223333",
};

/** How a private VPC reaches AWS: interface endpoints in its private subnets, S3 through the gateway. */
const REACH = { interfaceEndpoints: ["sts", "secretsmanager"], privateSubnetCidrs: ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"], internet: false, s3Cidrs: ["52.218.0.0/17", "3.5.64.0/21"] };
const CTX: BuildContext & { nodeClassName: string } = {
    storageClass: "gp3", ingressClass: "alb", production: true, nodeClassName: "default",
    identity: { mechanism: "irsa", serviceAccountAnnotations: irsaServiceAccountAnnotations("arn:aws:iam::111122223333:role/app") },
    podNetwork: "calico-overlay", monitoring: true, awsReach: REACH, accessLogBucket: "acme-prod-access-logs-111122223333",
};

const prod = envConfig("prod");
const dev = envConfig("dev");
const appOf = (name: string, apps: ApplicationSpec[] = prod.applications): ApplicationSpec =>
    apps.find((a) => a.name === name) ?? assert.fail(`no application ${name}`);
const objectOf = (objects: K8sObject[], kind: string): AnyObject => objects.find((o) => o.kind === kind) ?? assert.fail(`no ${kind} among ${objects.map((o) => o.kind).join(", ")}`);
const kindsOf = (objects: K8sObject[]): string[] => objects.map((o) => o.kind);
const podSpecOf = (workload: AnyObject): AnyObject =>
    workload.kind === "CronJob" ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;

/** A valid application of the base entries' team, with overrides. */
function appEntries(overrides: Record<string, unknown>): Record<string, unknown> {
    return {
        ...baseEntries(),
        "platform:access": { teams: [{ name: "payments", roleArn: "arn:aws:iam::111122223333:role/team-payments", namespaces: ["payments"] }] },
        "platform:applications": [{
            name: "api",
            team: "payments",
            namespace: "payments",
            kind: "service",
            image: "public.ecr.aws/nginx/nginx-unprivileged:1.27.3",
            port: 8080,
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
            ...overrides,
        }],
    };
}

const rejected = (overrides: Record<string, unknown>) => problemsOf(appEntries(overrides)).join("\n");

describe("applications", () => {
    it("the reference config has an application of each kind, in both teams", () => {
        for (const config of [dev, prod]) {
            assert.deepEqual([...new Set(config.applications.map((a) => a.kind))].sort(), ["cronjob", "job", "service", "stateful"]);
            assert.deepEqual([...new Set(config.applications.map((a) => a.team))].sort(), ["payments", "search"]);
        }
        assert.ok(appOf("payments-api").replicas > appOf("payments-api", dev.applications).replicas, "prod runs more replicas");
    });

    it("every object of every application is valid Kubernetes (kubernetes-models; CRDs by shape or their upstream schema)", async () => {
        for (const app of [...dev.applications, ...prod.applications]) {
            for (const o of objectsOf(app, CTX)) {
                if (o.kind === "SecretProviderClass") {
                    const spec = (o as AnyObject).spec;
                    assert.equal(o.apiVersion, "secrets-store.csi.x-k8s.io/v1");
                    assert.equal(spec.provider, "aws");
                    const objects = YAML.parse(spec.parameters.objects);
                    assert.deepEqual(objects.map((x: AnyObject) => x.objectAlias), app.secrets.map((s) => s.name));
                    assert.ok(objects.every((x: AnyObject) => x.objectType === "secretsmanager"));
                } else if (o.kind === "NodePool") {
                    assert.deepEqual(crdProblems("karpenter-1.14.1", o), [], `${app.name} NodePool`);
                } else if (o.kind === "PodMonitor") {
                    assert.deepEqual(crdProblems("prometheus-operator-kube-prometheus-stack-88.5.3", o), [], `${app.name} PodMonitor`);
                } else {
                    assert.deepEqual(await k8sProblems(o), [], `${app.name} ${o.kind}`);
                }
            }
        }
    });

    describe("service", () => {
        const app = appOf("payments-api");
        const objects = objectsOf(app, CTX);
        const deployment = objectOf(objects, "Deployment");
        const pod = podSpecOf(deployment);
        const container = pod.containers[0];

        it("is a Deployment with its Service, autoscaler and disruption budget (dependencies first)", () => {
            assert.deepEqual(kindsOf(objects), ["ServiceAccount", "ConfigMap", "SecretProviderClass", "PriorityClass", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);
            assert.deepEqual(kindsOf(objectsOf(appOf("search-api"), CTX)), ["ServiceAccount", "NetworkPolicy", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "PodMonitor"]);
        });

        it("rolls out with maxSurge and maxUnavailable, leaving the replica count to the autoscaler", () => {
            assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
            assert.equal(deployment.spec.replicas, undefined);
        });

        it("runs non-root, with a read-only root filesystem, no privilege escalation, no capabilities, seccomp RuntimeDefault", () => {
            assert.deepEqual(container.securityContext, {
                runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
                capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
            });
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.hostNetwork, false);
            assert.equal(pod.hostPID, false);
            assert.equal(pod.hostIPC, false);
            // The read-only root needs a writable /tmp.
            assert.ok(container.volumeMounts.some((m: AnyObject) => m.mountPath === "/tmp"));
            assert.ok(pod.volumes.some((v: AnyObject) => v.name === "tmp" && v.emptyDir));
        });

        it("declares requests and limits, and readiness, liveness and startup probes", () => {
            assert.deepEqual(container.resources, { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } });
            assert.deepEqual(container.readinessProbe.httpGet, { path: "/", port: 8080 });
            assert.deepEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup], [101, 101], "nginx-unprivileged's own user");
            assert.equal(container.livenessProbe.periodSeconds, 20);
            assert.equal(container.startupProbe.failureThreshold, 24);
        });

        it("defaults every probe to TCP on the port when config names none", () => {
            const plain = objectsOf({ ...app, probes: {} }, CTX);
            const c = podSpecOf(objectOf(plain, "Deployment")).containers[0];
            for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) assert.deepEqual(probe.tcpSocket, { port: 8080 });
        });

        it("spreads across zones: strictly in production, as a preference elsewhere", () => {
            const [spread] = pod.topologySpreadConstraints;
            assert.equal(spread.topologyKey, "topology.kubernetes.io/zone");
            assert.equal(spread.whenUnsatisfiable, "DoNotSchedule");
            assert.deepEqual(spread.labelSelector.matchLabels, deployment.spec.selector.matchLabels);
            const devSpread = podSpecOf(objectOf(objectsOf(app, { ...CTX, production: false }), "Deployment")).topologySpreadConstraints[0];
            assert.equal(devSpread.whenUnsatisfiable, "ScheduleAnyway");
        });

        it("scales on CPU and memory (autoscaling/v2) between its floor and ceiling", () => {
            const hpa = objectOf(objects, "HorizontalPodAutoscaler");
            assert.equal(hpa.apiVersion, "autoscaling/v2");
            assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 8]);
            assert.deepEqual(hpa.spec.metrics.map((m: AnyObject) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 60], ["memory", 75]]);
            assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "payments-api" });
        });

        it("has a disruption budget only with more than one replica", () => {
            assert.equal(objectOf(objects, "PodDisruptionBudget").spec.maxUnavailable, 1);
            const single = objectsOf({ ...app, replicas: 1, autoscaling: { ...app.autoscaling, minReplicas: undefined } }, CTX);
            assert.ok(!kindsOf(single).includes("PodDisruptionBudget"));
        });

        it("asks for an internal NLB whose targets follow the pod network, terminating TLS with its certificate", () => {
            const service = objectOf(objects, "Service");
            assert.equal(service.spec.type, "LoadBalancer");
            // Overlay pods: instance targets on node ports, only nodes with a pod, the NLB's own address as source.
            assert.equal(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"], "instance");
            assert.equal(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"], "preserve_client_ip.enabled=false");
            assert.equal(service.spec.externalTrafficPolicy, "Local");
            assert.equal(service.spec.allocateLoadBalancerNodePorts, undefined);
            assert.equal(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"], app.service.certificateArn);
            assert.equal(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.deepEqual(service.spec.ports, [{ name: "https", port: 443, targetPort: "http", protocol: "TCP" }]);
            assert.equal(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-attributes"], "access_logs.s3.enabled=true,access_logs.s3.bucket=acme-prod-access-logs-111122223333,access_logs.s3.prefix=nlb");
            // VPC pod addresses: ip targets and no node ports (the quota counts each).
            const vpc = objectOf(objectsOf(appOf("payments-api", dev.applications), { ...CTX, podNetwork: "vpc-cni" }), "Service");
            assert.equal(vpc.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"], "ip");
            assert.equal(vpc.spec.allocateLoadBalancerNodePorts, false);
            assert.equal(vpc.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"], undefined);
        });

        it("asks for an internal ALB through the alb class: instance targets on a node port on the overlay, HTTPS with a redirect", () => {
            const objects = objectsOf(appOf("search-api"), CTX);
            const ingress = objectOf(objects, "Ingress");
            assert.equal(ingress.spec.ingressClassName, "alb");
            const a = ingress.metadata.annotations;
            assert.equal(a["alb.ingress.kubernetes.io/target-type"], "instance");
            assert.equal(objectOf(objects, "Service").spec.type, "NodePort");
            assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internal");
            assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], appOf("search-api").ingress?.certificateArn);
            assert.deepEqual(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"]), [{ HTTP: 80 }, { HTTPS: 443 }]);
            assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], "443");
            assert.equal(a["alb.ingress.kubernetes.io/ssl-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.equal(a["alb.ingress.kubernetes.io/healthcheck-path"], "/readyz");
            assert.equal(ingress.spec.rules[0].host, "search.acme.internal");
            const vpc = objectsOf(appOf("search-api", dev.applications), { ...CTX, podNetwork: "vpc-cni" });
            assert.equal(objectOf(vpc, "Ingress").metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
            assert.equal(objectOf(vpc, "Service").spec.type, "ClusterIP");
            assert.ok(!kindsOf(objectsOf(appOf("payments-api"), CTX)).includes("Ingress"), "no ingress unless asked");
        });

        it("production refuses a plain-HTTP ingress unless a reason is given", () => {
            const prodEntries = (ingress: Record<string, unknown>) => ({ ...appEntries({ kind: "service", ingress }), "platform:tier": "production", "platform:egress": "single-nat", "platform:productionExceptions": { internetEgress: { reason: "a test of ingress rules where egress exists" } } });
            assert.match(problemsOf(prodEntries({ host: "api.acme.internal" })).join("\n"), /platform:applications\[0\]\.ingress\.certificateArn: is required in production/);
            assert.throws(() => problemsOf(prodEntries({ host: "api.acme.internal", plainHttpReason: "TLS ends at the service mesh sidecar" })), /expected the config to be rejected/);
            assert.throws(() => problemsOf(prodEntries({ host: "api.acme.internal", certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/4f1c2a9e-7b3d-4e8a-9c61-0d2e5f7a8b90" })), /expected the config to be rejected/);
        });

        it("may call the AWS APIs its role allows, and nothing else: STS and S3 through the VPC's endpoints", () => {
            const settle = objectsOf(appOf("payments-settle"), CTX);
            const policy = settle.find((o) => o.metadata.name === "payments-settle-allow-aws-apis") as AnyObject;
            assert.deepEqual(policy.spec.policyTypes, ["Egress"]);
            const [rule] = policy.spec.egress;
            assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 443 }]);
            const cidrs = rule.to.map((p: AnyObject) => p.ipBlock.cidr);
            assert.deepEqual(cidrs, [...REACH.privateSubnetCidrs, ...REACH.s3Cidrs].sort((a, b) => cidrs.indexOf(a) - cidrs.indexOf(b)));
            for (const c of [...REACH.privateSubnetCidrs, ...REACH.s3Cidrs]) assert.ok(cidrs.includes(c), `opens ${c}`);
            // With a NAT and no endpoints: anywhere outside the private ranges on 443.
            const nat = objectsOf(appOf("payments-settle", dev.applications), { ...CTX, awsReach: { ...REACH, interfaceEndpoints: [], internet: true, s3Cidrs: [] } });
            assert.deepEqual((nat.find((o) => o.kind === "NetworkPolicy") as AnyObject).spec.egress[0].to, [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }]);
            // No endpoint and no egress: refused, naming the setting.
            assert.throws(() => objectsOf(appOf("payments-settle"), { ...CTX, awsReach: { ...REACH, interfaceEndpoints: [] } }), /payments-settle: calls sts .* platform:vpcEndpoints.extra/);
            assert.ok(!objectsOf(appOf("search-cache"), CTX).some((o) => o.metadata.name.endsWith("allow-aws-apis")), "secrets alone are read by the CSI provider, not the pod");
            // EKS Pod Identity: the agent on the node (169.254.170.23:80) instead of STS; S3 as before.
            const pid = objectsOf(appOf("payments-settle"), { ...CTX, identity: { mechanism: "pod-identity", serviceAccountAnnotations: {} }, awsReach: { ...REACH, interfaceEndpoints: [] } });
            const [agent, s3] = (pid.find((o) => o.metadata.name === "payments-settle-allow-aws-apis") as AnyObject).spec.egress;
            assert.deepEqual(agent, { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: 80 }] });
            assert.deepEqual(s3.to.map((p: AnyObject) => p.ipBlock.cidr), REACH.s3Cidrs, "no STS endpoint needed");
        });

        it("is scraped by Prometheus through a PodMonitor (valid against its CRD) that a network policy admits, and rolls on a config change", () => {
            const api = objectsOf(appOf("search-api"), CTX);
            const monitor = objectOf(api, "PodMonitor");
            assert.deepEqual(crdProblems("prometheus-operator-kube-prometheus-stack-88.5.3", monitor as never), []);
            assert.equal(monitor.metadata.labels.release, "kube-prometheus-stack");
            assert.deepEqual(monitor.spec.podMetricsEndpoints, [{ port: "http", path: "/metrics", interval: "30s" }]);
            const scrape = api.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "search-api-allow-prometheus") as AnyObject;
            assert.deepEqual(scrape.spec.ingress[0].ports, [{ protocol: "TCP", port: "http" }]);
            assert.equal(scrape.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "monitoring");
            assert.ok(!kindsOf(objectsOf(appOf("search-api"), { ...CTX, monitoring: false })).includes("PodMonitor"), "no monitor without prometheus-operator");
            assert.ok(!kindsOf(objects).includes("PodMonitor"), "no monitor without metrics");
            const annotations = deployment.spec.template.metadata.annotations;
            const changed = objectOf(objectsOf({ ...app, config: { LOG_LEVEL: "debug" } }, CTX), "Deployment");
            assert.notEqual(changed.spec.template.metadata.annotations["checksum/config"], annotations["checksum/config"]);
        });

        it("runs at its PriorityClass", () => {
            assert.equal(pod.priorityClassName, "payments-critical");
            assert.equal(objectOf(objects, "PriorityClass").value, 100000);
            assert.equal(podSpecOf(objectOf(objectsOf(appOf("payments-settle"), CTX), "CronJob")).priorityClassName, "payments-critical");
        });
    });

    describe("every kind", () => {
        it("does not mount the API token unless asked", () => {
            for (const app of prod.applications) {
                const objects = objectsOf(app, CTX);
                assert.equal(objectOf(objects, "ServiceAccount").automountServiceAccountToken, false, app.name);
                const workload = objects.find((o) => ["Deployment", "StatefulSet", "Job", "CronJob"].includes(o.kind)) as AnyObject;
                assert.equal(podSpecOf(workload).automountServiceAccountToken, false, app.name);
                assert.equal(podSpecOf(workload).serviceAccountName, app.name);
            }
            const asked = appOf("search-reindex");
            const objects = objectsOf({ ...asked, serviceAccount: { ...asked.serviceAccount, automountToken: true } }, CTX);
            assert.equal(objectOf(objects, "ServiceAccount").automountServiceAccountToken, true);
        });

        it("reads secrets as files from the Secrets Store CSI driver, never as environment variables", () => {
            const app = appOf("payments-api");
            const objects = objectsOf(app, CTX);
            const pod = podSpecOf(objectOf(objects, "Deployment"));
            const volume = pod.volumes.find((v: AnyObject) => v.csi);
            assert.deepEqual(volume.csi, { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: "payments-api" } });
            assert.deepEqual(pod.containers[0].volumeMounts.find((m: AnyObject) => m.name === volume.name), { name: volume.name, mountPath: "/mnt/secrets", readOnly: true });
            const env = JSON.stringify(pod.containers[0].env ?? []) + JSON.stringify(pod.containers[0].envFrom ?? []);
            assert.ok(!/secretKeyRef|secretRef/.test(env), "no secret reaches the environment");
            assert.ok(!kindsOf(objects).includes("Secret"), "no Kubernetes Secret is synced");
            assert.equal(objectOf(objects, "ServiceAccount").metadata.annotations[ROLE_ARN_ANNOTATION], "arn:aws:iam::111122223333:role/app");
            assert.equal(objectOf(objects, "SecretProviderClass").spec.parameters.usePodIdentity, "false", "IRSA: the AWS provider takes the pod's IRSA role");
            const podIdentity = objectsOf(appOf("payments-api"), { ...CTX, identity: { mechanism: "pod-identity", serviceAccountAnnotations: {} } });
            assert.equal(objectOf(podIdentity, "ServiceAccount").metadata.annotations, undefined, "Pod Identity: no role annotation");
            assert.equal(objectOf(podIdentity, "SecretProviderClass").spec.parameters.usePodIdentity, "true", "Pod Identity: the AWS provider asks the agent");
        });

        it("runs on the team's pool, or on its own pool when it has a dedicated node", () => {
            const team = dedicatedPool("payments");
            const api = podSpecOf(objectOf(objectsOf(appOf("payments-api"), { ...CTX, placement: team }), "Deployment"));
            assert.deepEqual([api.nodeSelector, api.tolerations], [team.nodeSelector, team.tolerations]);
            const index = objectsOf(appOf("search-cache"), { ...CTX, placement: team });
            const own = dedicatedPool("search-cache");
            assert.deepEqual(podSpecOf(objectOf(index, "StatefulSet")).tolerations, own.tolerations);
            const pool = objectOf(index, "NodePool");
            assert.deepEqual(pool.spec.template.spec.taints, [{ key: "dedicated", value: "search-cache", effect: "NoSchedule" }]);
            assert.deepEqual(pool.spec.template.spec.requirements.find((r: AnyObject) => r.key === "karpenter.k8s.aws/instance-family").values, ["r6a"]);
        });
    });

    describe("stateful", () => {
        const app = appOf("search-cache");
        const objects = objectsOf(app, CTX);
        const set = objectOf(objects, "StatefulSet");

        it("keeps its volumes when deleted or scaled down, and rolls out in order from a partition", () => {
            assert.deepEqual(set.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            assert.deepEqual(set.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
            assert.equal(objectOf(objectsOf({ ...app, partition: 2 }, CTX), "StatefulSet").spec.updateStrategy.rollingUpdate.partition, 2);
            assert.equal(set.spec.replicas, 1);
        });

        it("runs Valkey as the image's user, writing only its volume, authenticated by an ACL file from Secrets Manager", () => {
            const pod = podSpecOf(set);
            assert.deepEqual([pod.securityContext.runAsUser, pod.securityContext.fsGroup], [999, 999]);
            const args = pod.containers[0].args as string[];
            assert.equal(args[args.indexOf("--aclfile") + 1], `${app.secretsMountPath}/users.acl`);
            assert.ok(app.secrets.some((s) => s.name === "users.acl"));
            assert.deepEqual(pod.containers[0].readinessProbe.tcpSocket, { port: 6379 });
        });

        it("claims its volume on the platform's storage class, behind a headless Service", () => {
            const [claim] = set.spec.volumeClaimTemplates;
            assert.equal(claim.spec.storageClassName, "gp3");
            assert.equal(claim.spec.resources.requests.storage, "20Gi");
            assert.ok(podSpecOf(set).containers[0].volumeMounts.some((m: AnyObject) => m.name === claim.metadata.name && m.mountPath === "/data"));
            const service = objectOf(objects, "Service");
            assert.equal(service.spec.clusterIP, "None");
            assert.equal(set.spec.serviceName, service.metadata.name);
            assert.ok(!kindsOf(objects).includes("PodDisruptionBudget"), "one replica: no disruption budget");
        });

    });

    describe("job and cronjob", () => {
        it("a job is bounded: retries, deadline, parallelism, completions, cleanup", () => {
            const job = objectOf(objectsOf(appOf("search-reindex"), CTX), "Job");
            assert.deepEqual(
                [job.spec.backoffLimit, job.spec.activeDeadlineSeconds, job.spec.parallelism, job.spec.completions, job.spec.ttlSecondsAfterFinished],
                [2, 7200, 2, 4, 86400],
            );
            assert.equal(job.spec.template.spec.restartPolicy, "Never");
            assert.equal(job.spec.template.spec.containers[0].readinessProbe, undefined);
        });

        it("a cronjob never overlaps runs, skips late starts and keeps a bounded history", () => {
            const cron = objectOf(objectsOf(appOf("payments-settle"), CTX), "CronJob");
            assert.equal(cron.apiVersion, "batch/v1");
            assert.deepEqual(
                [cron.spec.schedule, cron.spec.timeZone, cron.spec.concurrencyPolicy, cron.spec.startingDeadlineSeconds, cron.spec.successfulJobsHistoryLimit, cron.spec.failedJobsHistoryLimit],
                ["30 2 * * *", "Europe/Dublin", "Forbid", 300, 5, 5],
            );
            assert.deepEqual([cron.spec.jobTemplate.spec.backoffLimit, cron.spec.jobTemplate.spec.activeDeadlineSeconds], [1, 1800]);
        });
    });

    describe("the component", () => {
        const wired = (a: AddonsOutputs) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, pulumi.output(v)])) as unknown as WiredContract<typeof addonsContract>;
        const OIDC = { oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", oidcProviderUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC" };

        async function build(app: ApplicationSpec, compute: PodCompute = "ec2", addons: AddonsOutputs = ADDONS) {
            const engine = new MockEngine("eu-west-1");
            await engine.install("platform-workloads", "test", "acme");
            const run = engine.run(async () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                new Application(app.name, { app, addons: wired(addons), offer: { defaultStorageClass: "gp3" }, clusterName: "acme-prod", oidc: OIDC, compute, provider, production: true, podNetwork: "calico-overlay", monitoring: true, awsReach: REACH });
            });
            return { engine, run };
        }

        const resourceOf = (engine: MockEngine, type: string) => engine.resources.find((r) => r.type === type) ?? assert.fail(`no ${type}`);
        const secretsPolicy = (engine: MockEngine) => JSON.parse(resourceOf(engine, "aws:iam/rolePolicy:RolePolicy").inputs.policy as string).Statement[0].Resource;
        const OWN_SECRETS = [
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/db-password-??????",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/processor-api-key-??????",
        ];

        it("on EC2 nodes: an EKS Pod Identity role and association for its service account only (PodAwsIdentity), no annotation, workloads after the association", async () => {
            const { engine, run } = await build(appOf("payments-api"));
            await run;
            const identity = resourceOf(engine, "platform:lib:PodAwsIdentity");
            const role = resourceOf(engine, "aws:iam/role:Role");
            assert.equal(role.parent, identity.urn, "the role is PodAwsIdentity's");
            const statement = JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0];
            assert.deepEqual([statement.Principal.Service, statement.Action], ["pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]]);
            assert.deepEqual(statement.Condition.StringEquals, { "aws:RequestTag/eks-cluster-name": "acme-prod", "aws:RequestTag/kubernetes-namespace": "payments", "aws:RequestTag/kubernetes-service-account": "payments-api" });
            const association = resourceOf(engine, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
            assert.deepEqual([association.inputs.clusterName, association.inputs.namespace, association.inputs.serviceAccount], ["acme-prod", "payments", "payments-api"]);
            assert.deepEqual(secretsPolicy(engine), OWN_SECRETS);
            const sa = resourceOf(engine, "kubernetes:core/v1:ServiceAccount");
            assert.equal((sa.inputs.metadata as AnyObject).annotations, undefined, "no IRSA annotation");
            const deployment = resourceOf(engine, "kubernetes:apps/v1:Deployment");
            assert.ok(deployment.dependsOn.includes(association.urn), "pods created before the association would get no credentials");
            assert.equal((deployment.inputs.spec as AnyObject).template.metadata.annotations["platform/aws-identity"], "pod-identity", "a change of mechanism rolls the pods");
        });

        it("on Fargate (a profile selects its namespace): the IRSA role, bound to its service account by the annotation", async () => {
            assert.equal(applicationCompute(appOf("payments-api"), [{ namespace: "payments" }]), "fargate");
            assert.equal(applicationCompute(appOf("payments-api"), [{ namespace: "payments", labels: { tier: "batch" } }]), "ec2", "a selector's labels must all be on the pod");
            const { engine, run } = await build(appOf("payments-api"), "fargate");
            await run;
            const role = resourceOf(engine, "aws:iam/role:Role");
            assert.equal(role.parent, resourceOf(engine, "platform:lib:PodAwsIdentity").urn);
            const statement = JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0];
            assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
            assert.equal(statement.Principal.Federated, OIDC.oidcProviderArn);
            assert.deepEqual(statement.Condition.StringEquals, {
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:payments:payments-api",
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
            });
            assert.deepEqual(secretsPolicy(engine), OWN_SECRETS);
            assert.ok(!engine.resources.some((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation"));
            const annotations = (resourceOf(engine, "kubernetes:core/v1:ServiceAccount").inputs.metadata as AnyObject).annotations;
            assert.match(annotations[ROLE_ARN_ANNOTATION], /^arn:aws:iam::\d{12}:role\/payments-api-identity/);
        });

        it("registers every object as its Kubernetes type under the component, the workload after its dependencies", async () => {
            const { engine, run } = await build(appOf("search-cache"));
            await run;
            const component = engine.resources.find((r) => r.type === "platform:workloads:Application") ?? assert.fail("no component");
            const children = engine.resources.filter((r) => r.parent === component.urn);
            const types = children.map((r) => r.type);
            for (const t of ["kubernetes:core/v1:ServiceAccount", "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Service", "kubernetes:karpenter.sh/v1:NodePool"]) {
                assert.ok(types.includes(t), `registers ${t} (has ${types.join(", ")})`);
            }
            const set = children.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
            const pool = children.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
            assert.ok(set.dependsOn.includes(pool.urn), "the set waits for its node pool");
            assert.ok(types.includes("platform:lib:PodAwsIdentity"), "an identity to read its secret");
        });
    });

    describe("unsafe or inconsistent config is rejected, naming the setting", () => {
        it("accepts the base application", () => {
            assert.throws(() => problemsOf(appEntries({})), /expected the config to be rejected/);
        });

        for (const key of ["privileged", "hostNetwork", "hostPID", "hostIPC", "runAsRoot"]) {
            it(`${key}: true`, () => assert.match(rejected({ [key]: true }), new RegExp(`platform:applications\\[0\\]\\.${key}: must be false`)));
        }

        it("a latest or tag-less image", () => {
            assert.match(rejected({ image: "public.ecr.aws/nginx/nginx:latest" }), /platform:applications\[0\]\.image: .*uses the "latest" tag/);
            assert.match(rejected({ image: "public.ecr.aws/nginx/nginx" }), /platform:applications\[0\]\.image: .*has no tag or digest/);
            assert.match(rejected({ image: "registry.internal:5000/nginx" }), /platform:applications\[0\]\.image: .*has no tag or digest/);
            assert.throws(() => problemsOf(appEntries({ image: `public.ecr.aws/nginx/nginx@sha256:${"a".repeat(64)}` })), /expected the config to be rejected/);
        });

        it("no limits, no resources, or requests above limits", () => {
            assert.match(rejected({ resources: { requests: { cpu: "100m", memory: "128Mi" } } }), /platform:applications\[0\]\.resources\.limits: is required/);
            assert.match(rejected({ resources: undefined }), /platform:applications\[0\]\.resources: is required/);
            assert.match(rejected({ resources: { requests: { cpu: "2", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } } }), /platform:applications\[0\]\.resources\.requests\.cpu: "2" is above the limit "500m"/);
        });

        it("an unknown team, or a namespace of another team", () => {
            assert.match(rejected({ team: "search" }), /platform:applications\[0\]\.team: "search" is not a team of platform:access.teams \(payments\)/);
            assert.match(rejected({ namespace: "search" }), /platform:applications\[0\]\.namespace: "search" is not a namespace of team payments/);
        });

        it("settings that do not fit the kind", () => {
            assert.match(rejected({ kind: "stateful" }), /platform:applications\[0\]\.storage: is required for a stateful application/);
            assert.match(rejected({ kind: "cronjob", port: undefined }), /platform:applications\[0\]\.cronjob: is required for a cronjob application/);
            assert.match(rejected({ kind: "job", port: undefined, ingress: { host: "a.example.com" } }), /platform:applications\[0\]\.ingress: is not a setting of a job application/);
            assert.match(rejected({ autoscaling: { minReplicas: 4, maxReplicas: 2 } }), /platform:applications\[0\]\.autoscaling\.maxReplicas: 2 is below the floor of 4/);
            assert.match(rejected({ dedicatedNode: { instanceType: "m9z.huge", limits: { cpu: 4, memoryGiB: 16 } } }), /dedicatedNode\.instanceType: "m9z.huge" is not an EC2 instance type/);
        });
    });
});
