// Applications: every object each kind produces is valid Kubernetes, carries the platform's safety
// settings, reads secrets as files through its own IRSA role, and unsafe config is refused by name.
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
import { IRSA_ROLE_ANNOTATION as ROLE_ARN_ANNOTATION } from "../lib/iam";
import { resolveClasses } from "../workloads/application/classes";
import { Application } from "../workloads/application/component";
import type { ApplicationObject as K8sObject, BuildContext } from "../workloads/application/manifest";
import { objectsOf } from "../workloads/application/objects";
import { SECRETS_STORE_DRIVER } from "../workloads/application/pod";
import { envConfig, problemsOf, baseEntries, withUnhandledRejections } from "./helpers";
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
};

const CTX: BuildContext & { nodeClassName: string } = { storageClass: "gp3", ingressClass: "alb", production: true, nodeClassName: "default", roleArn: "arn:aws:iam::111122223333:role/app" };

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
            assert.deepEqual(container.readinessProbe.httpGet, { path: "/healthz", port: 8080 });
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

        it("asks for an internal NLB with ip targets through the load balancer controller", () => {
            const service = objectOf(objects, "Service");
            assert.equal(service.spec.type, "LoadBalancer");
            assert.deepEqual(service.metadata.annotations, {
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            });
            const clusterIp = objectOf(objectsOf(appOf("search-api"), CTX), "Service");
            assert.equal(clusterIp.spec.type, "ClusterIP");
            assert.equal(clusterIp.metadata.annotations, undefined);
        });

        it("asks for an internal ALB with ip targets through the alb ingress class", () => {
            const ingress = objectOf(objectsOf(appOf("search-api"), CTX), "Ingress");
            assert.equal(ingress.spec.ingressClassName, "alb");
            assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
            assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/scheme"], "internal");
            assert.equal(ingress.spec.rules[0].host, "search.acme.internal");
            assert.ok(!kindsOf(objects).includes("Ingress"), "no ingress unless asked");
        });

        it("announces its metrics to Prometheus and rolls on a config change", () => {
            const annotations = deployment.spec.template.metadata.annotations;
            assert.deepEqual([annotations["prometheus.io/scrape"], annotations["prometheus.io/port"], annotations["prometheus.io/path"]], ["true", "9113", "/metrics"]);
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
            assert.equal(objectOf(objects, "ServiceAccount").metadata.annotations[ROLE_ARN_ANNOTATION], CTX.roleArn);
        });

        it("runs on the team's pool, or on its own pool when it has a dedicated node", () => {
            const team = dedicatedPool("payments");
            const api = podSpecOf(objectOf(objectsOf(appOf("payments-api"), { ...CTX, placement: team }), "Deployment"));
            assert.deepEqual([api.nodeSelector, api.tolerations], [team.nodeSelector, team.tolerations]);
            const index = objectsOf(appOf("search-index"), { ...CTX, placement: team });
            const own = dedicatedPool("search-index");
            assert.deepEqual(podSpecOf(objectOf(index, "StatefulSet")).tolerations, own.tolerations);
            const pool = objectOf(index, "NodePool");
            assert.deepEqual(pool.spec.template.spec.taints, [{ key: "dedicated", value: "search-index", effect: "NoSchedule" }]);
            assert.deepEqual(pool.spec.template.spec.requirements.find((r: AnyObject) => r.key === "karpenter.k8s.aws/instance-family").values, ["r6a"]);
        });
    });

    describe("stateful", () => {
        const app = appOf("search-index");
        const objects = objectsOf(app, CTX);
        const set = objectOf(objects, "StatefulSet");

        it("keeps its volumes when deleted or scaled down, and rolls out in order from a partition", () => {
            assert.deepEqual(set.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            assert.deepEqual(set.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
            assert.equal(objectOf(objectsOf({ ...app, partition: 2 }, CTX), "StatefulSet").spec.updateStrategy.rollingUpdate.partition, 2);
            assert.equal(set.spec.replicas, 3);
        });

        it("claims its volume on the platform's storage class, behind a headless Service", () => {
            const [claim] = set.spec.volumeClaimTemplates;
            assert.equal(claim.spec.storageClassName, "gp3");
            assert.equal(claim.spec.resources.requests.storage, "50Gi");
            assert.ok(podSpecOf(set).containers[0].volumeMounts.some((m: AnyObject) => m.name === claim.metadata.name && m.mountPath === "/usr/share/opensearch/data"));
            const service = objectOf(objects, "Service");
            assert.equal(service.spec.clusterIP, "None");
            assert.equal(set.spec.serviceName, service.metadata.name);
            assert.equal(objectOf(objects, "PodDisruptionBudget").spec.maxUnavailable, 1);
        });

        it("uses the platform default class unless it names one, and fails naming a class that does not exist", () => {
            assert.equal(resolveClasses(app, ADDONS).storageClass, "gp3");
            assert.equal(resolveClasses({ ...app, storage: { ...app.storage!, storageClass: "efs" } }, ADDONS).storageClass, "efs");
            assert.throws(() => resolveClasses({ ...app, storage: { ...app.storage!, storageClass: "io2" } }, ADDONS), /search-index: storage.storageClass "io2" does not exist/);
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

        async function build(app: ApplicationSpec, addons: AddonsOutputs = ADDONS) {
            const engine = new MockEngine("eu-west-1");
            await engine.install("platform-workloads", "test", "acme");
            const run = engine.run(async () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                new Application(app.name, { app, addons: wired(addons), oidc: OIDC, provider, production: true, tags: { team: app.team } });
            });
            return { engine, run };
        }

        it("binds the IRSA role to the application's service account only, with read access to its own secrets", async () => {
            const { engine, run } = await build(appOf("payments-api"));
            await run;
            const role = engine.resources.find((r) => r.type === "aws:iam/role:Role") ?? assert.fail("no role");
            const statement = JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0];
            assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
            assert.equal(statement.Principal.Federated, OIDC.oidcProviderArn);
            assert.deepEqual(statement.Condition.StringEquals, {
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:payments:payments-api",
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
            });
            const inline = JSON.parse((engine.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy") ?? assert.fail("no policy")).inputs.policy as string);
            assert.deepEqual(inline.Statement[0].Resource, [
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/db-password-??????",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/processor-api-key-??????",
            ]);
            const sa = engine.resources.find((r) => r.type === "kubernetes:core/v1:ServiceAccount") ?? assert.fail("no service account");
            const annotations = (sa.inputs.metadata as AnyObject).annotations;
            assert.match(annotations[ROLE_ARN_ANNOTATION], /^arn:aws:iam::\d{12}:role\/payments-api-irsa/);
        });

        it("registers every object as its Kubernetes type under the component, the workload after its dependencies", async () => {
            const { engine, run } = await build(appOf("search-index"));
            await run;
            const component = engine.resources.find((r) => r.type === "platform:workloads:Application") ?? assert.fail("no component");
            const children = engine.resources.filter((r) => r.parent === component.urn);
            const types = children.map((r) => r.type);
            for (const t of ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ConfigMap", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Service", "kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:karpenter.sh/v1:NodePool"]) {
                assert.ok(types.includes(t), `registers ${t} (has ${types.join(", ")})`);
            }
            const set = children.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
            const pool = children.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
            assert.ok(set.dependsOn.includes(pool.urn), "the set waits for its node pool");
            assert.ok(!types.includes("aws:iam/role:Role"), "no role unless it needs one");
        });

        it("fails clearly when it asks for secrets and the Secrets Store CSI driver is not installed", async () => {
            const { result, rejections } = await withUnhandledRejections(async () => {
                const { engine, run } = await build(appOf("payments-api"), { ...ADDONS, secretsStore: false });
                await run.catch(() => undefined);
                return engine;
            });
            const said = [...result.errors, ...rejections].join("\n");
            assert.match(said, /application payments-api: asks for secrets, but the Secrets Store CSI driver is not installed \(platform:addons.secretsStore.enabled\)/);
        });

        it("fails clearly when it asks for an ingress and there is no alb class", () => {
            assert.throws(() => resolveClasses(appOf("search-api"), { ...ADDONS, ingressClasses: [] }), /"alb" IngressClass does not exist/);
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
