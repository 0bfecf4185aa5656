// platform:addons:Monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the
// Prometheus operator). Grafana's admin password is generated here into a Kubernetes Secret the
// chart references (`grafana.admin.existingSecret`): it is never in config or in the values.
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Addon, AddonContext } from "../addon";
import { apiReachable, everyNode, onAddonsPool } from "../../lib/placement";
import { GP3_CLASS } from "../storage";
import { monitoring as declaration } from "../../lib/addons/monitoring";
import { policy, type PolicyDocument } from "../../lib/policyDocument";
import { addonRelease, AddonGroup, isProduction, replicasFor, type ValuesContext } from "./common";
import { KARPENTER_NAMESPACE } from "../karpenter";
import { LBC_NAMESPACE } from "./loadBalancerController";
import { LOKI_GATEWAY_URL } from "./loki";
import { dataSourceProblems } from "../../lib/grafanaDataSources";

export const MONITORING_NAMESPACE = "monitoring";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
const GRAFANA_USER_KEY = "admin-user";
const GRAFANA_PASSWORD_KEY = "admin-password";
/** The operator's admission webhook port (chart `prometheusOperator.tls.internalPort`). */
const OPERATOR_WEBHOOK_PORT = 10250;

export const GRAFANA_SERVICE_ACCOUNT = "grafana";

/**
 * kube-prometheus-stack scrapes and alerts on control-plane components EKS runs out of reach
 * (scheduler, controller manager, etcd) and on kube-proxy's metrics, which EKS binds to
 * 127.0.0.1: their targets stay down and their alerts fire forever.
 */
export const UNREACHABLE_ON_EKS = {
    components: ["kubeScheduler", "kubeControllerManager", "kubeEtcd", "kubeProxy"],
    rules: ["etcd", "kubeSchedulerAlerting", "kubeSchedulerRecording", "kubeControllerManager", "kubeProxy"],
} as const;

/**
 * What Grafana may read in CloudWatch: metrics (with the EC2 tags, instances and regions and the
 * resource tags its query editor and variables list, and RDS Performance Insights metrics), and
 * the cluster's log groups (Fargate's pods, the control plane). Grafana docs, "Configure CloudWatch",
 * IAM policy examples ("Metrics and logs permissions").
 */
export function grafanaCloudWatchPolicy(region: string, accountId: string, clusterName: string): PolicyDocument {
    const logGroups = `arn:aws:logs:${region}:${accountId}:log-group:/aws/eks/${clusterName}/*`;
    return policy(
        {
            Sid: "ReadMetrics",
            Effect: "Allow",
            Action: [
                "cloudwatch:DescribeAlarmsForMetric", "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "cloudwatch:GetInsightRuleReport",
                "ec2:DescribeTags", "ec2:DescribeInstances", "ec2:DescribeRegions", "tag:GetResources",
            ],
            Resource: "*",
        },
        { Sid: "ReadPerformanceInsights", Effect: "Allow", Action: ["pi:GetResourceMetrics"], Resource: `arn:aws:pi:${region}:${accountId}:metrics/rds/*` },
        { Sid: "ListLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
        {
            Sid: "ReadClusterLogs",
            Effect: "Allow",
            Action: ["logs:GetLogGroupFields", "logs:StartQuery", "logs:GetLogEvents", "logs:FilterLogEvents"],
            Resource: [logGroups, `${logGroups}:*`],
        },
        { Sid: "QueryResults", Effect: "Allow", Action: ["logs:StopQuery", "logs:GetQueryResults"], Resource: "*" },
    );
}

/** Grafana's data sources beyond the chart's Prometheus and Alertmanager: Loki, and CloudWatch (Fargate pods' logs). */
export function grafanaDataSources(s: Pick<MonitoringSettings, "region" | "lokiUrl" | "fargateLogGroupArn">): Record<string, unknown>[] {
    const sources = [
        ...(s.lokiUrl ? [{ name: "Loki", uid: "loki", type: "loki", access: "proxy", url: s.lokiUrl, editable: false }] : []),
        {
            name: "CloudWatch",
            uid: "cloudwatch",
            type: "cloudwatch",
            access: "proxy",
            editable: false,
            // The AWS SDK's default chain: the credentials EKS Pod Identity gives Grafana's service account.
            jsonData: {
                authType: "default",
                defaultRegion: s.region,
                ...(s.fargateLogGroupArn ? { logGroups: [{ arn: s.fargateLogGroupArn, name: s.fargateLogGroupArn.split(":log-group:")[1] }] } : {}),
            },
        },
    ];
    // Grafana ignores what it does not read: refuse it here rather than provision a data source that does something else.
    const problems = sources.flatMap(dataSourceProblems);
    if (problems.length) throw new Error(`kube-prometheus-stack grafana.additionalDataSources:\n  ${problems.join("\n  ")}`);
    return sources;
}

export interface MonitoringSettings {
    region: string;
    /** Loki's gateway, when Loki is installed. */
    lokiUrl?: string;
    /** Fargate pods' log group (cluster layer), when Fargate logging is on. */
    fargateLogGroupArn?: string;
    replicas: number;
    production: boolean;
    retention: string;
    storageGiB: number;
}

const volumeClaim = (gib: number) => ({
    volumeClaimTemplate: { spec: { storageClassName: GP3_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${gib}Gi` } } } },
});

export function monitoringValues(s: MonitoringSettings, up: ValuesContext) {
    const pool = onAddonsPool();
    const api = apiReachable(up.podNetworkMode, declaration.hostPorts.operatorWebhook, OPERATOR_WEBHOOK_PORT);
    const pdb = { enabled: s.production, minAvailable: 1 };
    return {
        prometheusOperator: {
            ...pool,
            hostNetwork: api.hostNetwork,
            tls: { enabled: true, internalPort: api.port },
            admissionWebhooks: { enabled: true, patch: { ...pool } },
        },
        // EKS runs these out of reach (kube-proxy's metrics listen on 127.0.0.1): no scrape, no alerts that can never clear.
        ...Object.fromEntries(UNREACHABLE_ON_EKS.components.map((c) => [c, { enabled: false }])),
        defaultRules: { rules: Object.fromEntries(UNREACHABLE_ON_EKS.rules.map((r) => [r, false])) },
        prometheus: {
            podDisruptionBudget: pdb,
            prometheusSpec: {
                // Every ServiceMonitor, PodMonitor, Probe and rule of every namespace, not only this release's.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                replicas: s.replicas,
                ...pool,
                retention: s.retention,
                // Prometheus drops the oldest blocks before the volume fills up.
                retentionSize: `${Math.floor(s.storageGiB * 0.85)}GB`,
                storageSpec: volumeClaim(s.storageGiB),
            },
        },
        alertmanager: {
            podDisruptionBudget: pdb,
            alertmanagerSpec: { replicas: s.replicas, ...pool, storage: volumeClaim(2) },
        },
        grafana: {
            // Grafana keeps users and sessions in a local SQLite database: one replica.
            replicas: 1,
            ...pool,
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: GRAFANA_USER_KEY, passwordKey: GRAFANA_PASSWORD_KEY },
            serviceAccount: { create: true, name: GRAFANA_SERVICE_ACCOUNT, annotations: up.serviceAccountAnnotations },
            additionalDataSources: grafanaDataSources(s),
        },
        "kube-state-metrics": { ...pool },
        "prometheus-node-exporter": { ...everyNode() },
    };
}

class Monitoring extends AddonGroup {
    constructor(ctx: AddonContext, opts: Parameters<Addon["install"]>[1]) {
        const name = `${ctx.clusterName}-monitoring`;
        super("Monitoring", name, opts);
        const config = ctx.config.addons.monitoring;
        const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: MONITORING_NAMESPACE } }, { ...this.child(opts), provider: ctx.provider });
        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const secret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: GRAFANA_ADMIN_SECRET, namespace: namespace.metadata.name },
            type: "Opaque",
            stringData: { [GRAFANA_USER_KEY]: "admin", [GRAFANA_PASSWORD_KEY]: password.result },
        }, { parent: this, provider: ctx.provider });
        const release = addonRelease(ctx, name, {
            key: "monitoring",
            pin: declaration.charts.monitoring,
            releaseName: "kube-prometheus-stack",
            namespace: MONITORING_NAMESPACE,
            createNamespace: false,
            // Prometheus and Alertmanager wait for their volumes.
            timeoutSeconds: 900,
            // Grafana reads CloudWatch (Fargate pods' logs) as itself: EKS Pod Identity, it runs on the add-on nodes.
            serviceAccountRole: {
                serviceAccount: GRAFANA_SERVICE_ACCOUNT,
                compute: "ec2",
                policy: ctx.accountId.apply((account) => grafanaCloudWatchPolicy(ctx.config.region, account, ctx.clusterName)),
            },
            values: (up) =>
                ctx.cluster.fargateLogGroupArn.apply((fargateLogGroupArn) => monitoringValues({
                    region: ctx.config.region,
                    lokiUrl: ctx.config.addons.loki.enabled ? LOKI_GATEWAY_URL : undefined,
                    fargateLogGroupArn,
                    replicas: replicasFor(ctx),
                    production: isProduction(ctx),
                    retention: config.retention,
                    storageGiB: config.storageGiB,
                }, up)),
        }, this.child(opts, [secret]));
        // Add-ons installed before the Prometheus operator's CRDs exist cannot bring their own
        // ServiceMonitors: their pods are scraped through PodMonitors created here, after it.
        for (const target of scrapedEarlier(ctx.config)) {
            new k8s.apiextensions.CustomResource(`${name}-${target.name}`, podMonitor(target), { parent: this, provider: ctx.provider, dependsOn: [release] });
        }
    }
}

/** An add-on's pods Prometheus scrapes: their namespace, selector labels and metrics port name (the chart's templates). */
export interface ScrapeTarget { name: string; namespace: string; labels: Record<string, string>; port: string }

/**
 * Karpenter (karpenter 1.14.1: port `http-metrics`) and the load balancer controller (3.5.0: port
 * `metrics-server`) install before monitoring (every node and every Service needs them first).
 */
export function scrapedEarlier(c: AddonContext["config"]): ScrapeTarget[] {
    const byName = (n: string) => ({ "app.kubernetes.io/name": n, "app.kubernetes.io/instance": n });
    return [
        { name: "karpenter", namespace: KARPENTER_NAMESPACE, labels: byName("karpenter"), port: "http-metrics" },
        ...(c.addons.loadBalancerController.enabled ? [{ name: "aws-load-balancer-controller", namespace: LBC_NAMESPACE, labels: byName("aws-load-balancer-controller"), port: "metrics-server" }] : []),
    ];
}

export function podMonitor(t: ScrapeTarget) {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: t.name, namespace: MONITORING_NAMESPACE },
        spec: { selector: { matchLabels: t.labels }, namespaceSelector: { matchNames: [t.namespace] }, podMetricsEndpoints: [{ port: t.port }] },
    };
}

export const monitoring: Addon = {
    declaration,
    install: (ctx, opts) => new Monitoring(ctx, opts),
};
