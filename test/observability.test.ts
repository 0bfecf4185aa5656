// Observability that observes: every node's logs reach Loki, Fargate pods' logs reach CloudWatch
// and Grafana reads both, Prometheus selects monitors of every namespace and scrapes the add-ons,
// and the alerts EKS can never satisfy are off.
import { strict as assert } from "assert";
import { UNREACHABLE_ON_EKS } from "../addons/thirdParty/monitoring";
import type { Plan, PlannedResource } from "../synth/plan";
import { layerOf, resourcesOf, synthEnv } from "./helpers";

type AnyValues = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const RELEASE = "kubernetes:helm.sh/v3:Release";
const valuesOf = (plan: Plan, name: string): AnyValues =>
    (resourcesOf(plan, "addons", RELEASE).find((r) => r.inputs.name === name) ?? assert.fail(`no release ${name}`)).inputs.values as AnyValues;

describe("observability", () => {
    let plans: Record<string, Plan>;
    before(async () => {
        plans = { dev: await synthEnv("dev"), prod: await synthEnv("prod") };
    });

    it("runs a log collector on every EC2 node (never Fargate) that ships containers' logs to Loki's gateway", () => {
        for (const env of ["dev", "prod"]) {
            const v = valuesOf(plans[env], "fluent-bit");
            assert.equal(v.kind, "DaemonSet");
            assert.deepEqual(v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0], { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] });
            assert.match(v.config.inputs, /Path \/var\/log\/containers\/\*\.log/);
            assert.match(v.config.outputs, /Name loki\n {4}Match kube\.\*\n {4}Host loki-gateway\.loki\.svc\.cluster\.local\n {4}Port 80/);
            assert.equal(v.serviceMonitor.enabled, true);
        }
    });

    it("sends Fargate pods' logs to CloudWatch, and gives Grafana Prometheus, Loki and CloudWatch (with that log group)", () => {
        for (const env of ["dev", "prod"]) {
            const logGroup = String(layerOf(plans[env], "cluster").outputs.fargateLogGroupArn);
            assert.match(logGroup, /^arn:aws:logs:eu-west-1:\d{12}:log-group:\/aws\/eks\/acme-[a-z]+\/fargate/);
            const grafana = valuesOf(plans[env], "kube-prometheus-stack").grafana;
            const sources = grafana.additionalDataSources as AnyValues[];
            assert.deepEqual(sources.map((s) => s.type), ["loki", "cloudwatch"]);
            assert.equal(sources[0].url, "http://loki-gateway.loki.svc.cluster.local");
            assert.equal(sources[1].jsonData.authType, "default");
            assert.deepEqual(sources[1].jsonData.logGroups.map((g: AnyValues) => g.arn), [logGroup]);
            // The chart's own Prometheus data source stays on (kube-prometheus-stack grafana.sidecar.datasources).
            assert.notEqual(grafana.sidecar?.datasources?.enabled, false);
        }
    });

    it("lets Grafana read CloudWatch metrics and the cluster's log groups only", () => {
        const policies = resourcesOf(plans.prod, "addons", "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.includes("monitoring-pod-identity"));
        assert.equal(policies.length, 1);
        const doc = JSON.parse(String(policies[0].inputs.policy));
        const logs = doc.Statement.find((s: AnyValues) => s.Sid === "ReadClusterLogs");
        assert.deepEqual(logs.Resource, ["arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/acme-prod/*", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/acme-prod/*:*"]);
    });

    it("selects ServiceMonitors, PodMonitors, Probes and rules of every namespace", () => {
        const spec = valuesOf(plans.prod, "kube-prometheus-stack").prometheus.prometheusSpec;
        for (const key of ["serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues", "probeSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues"]) {
            assert.equal(spec[key], false, key);
        }
    });

    it("turns off the scrapes and alerts of what EKS runs out of reach", () => {
        const v = valuesOf(plans.prod, "kube-prometheus-stack");
        for (const c of ["kubeScheduler", "kubeControllerManager", "kubeEtcd", "kubeProxy"]) assert.equal(v[c].enabled, false, c);
        for (const r of ["etcd", "kubeSchedulerAlerting", "kubeSchedulerRecording", "kubeControllerManager", "kubeProxy"]) assert.equal(v.defaultRules.rules[r], false, r);
        assert.equal(UNREACHABLE_ON_EKS.components.length, 4);
    });

    it("scrapes the add-ons: PodMonitors (by port name) for those installed before monitoring, ServiceMonitors for Loki", () => {
        const monitors = resourcesOf(plans.prod, "addons", "kubernetes:monitoring.coreos.com/v1:PodMonitor");
        assert.deepEqual(monitors.map((m) => (m.inputs.metadata as AnyValues).name).sort(), ["aws-load-balancer-controller", "karpenter"]);
        for (const m of monitors) {
            // (The upstream CRD's `(?i)` patterns are not JavaScript regular expressions: the shape is checked here.)
            const spec = m.inputs.spec as AnyValues;
            assert.equal(m.inputs.apiVersion, "monitoring.coreos.com/v1");
            assert.ok(Object.keys(spec.selector.matchLabels).length > 0);
            assert.equal(spec.namespaceSelector.matchNames.length, 1);
            assert.ok(spec.podMetricsEndpoints[0].port);
            const release = resourcesOf(plans.prod, "addons", RELEASE).find((r) => r.inputs.name === "kube-prometheus-stack") as PlannedResource;
            assert.ok(m.dependsOn.includes(release.urn), "after the operator's CRDs");
        }
        assert.equal(valuesOf(plans.prod, "loki").monitoring.serviceMonitor.enabled, true);
    });
});
