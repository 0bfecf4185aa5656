// platform:addons:Monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the
// Prometheus operator). Grafana's admin password is generated here into a Kubernetes Secret the
// chart references (`grafana.admin.existingSecret`): it is never in config or in the values.
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Addon, AddonContext } from "../catalog";
import { apiReachable, everyNode, onAddonsPool } from "../../lib/placement";
import { GP3_CLASS } from "../storage";
import { monitoring as declaration } from "../../lib/addons/monitoring";
import { addonRelease, AddonGroup, isProduction, replicasFor, type Upstream } from "./common";

export const MONITORING_NAMESPACE = "monitoring";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
const GRAFANA_USER_KEY = "admin-user";
const GRAFANA_PASSWORD_KEY = "admin-password";
/** The operator's admission webhook port (chart `prometheusOperator.tls.internalPort`). */
const OPERATOR_WEBHOOK_PORT = 10250;

export interface MonitoringSettings {
    replicas: number;
    production: boolean;
    retention: string;
    storageGiB: number;
}

const volumeClaim = (gib: number) => ({
    volumeClaimTemplate: { spec: { storageClassName: GP3_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${gib}Gi` } } } },
});

export function monitoringValues(s: MonitoringSettings, up: Upstream) {
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
        prometheus: {
            podDisruptionBudget: pdb,
            prometheusSpec: {
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
        },
        "kube-state-metrics": { ...pool },
        "prometheus-node-exporter": { tolerations: everyNode().tolerations },
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
        addonRelease(ctx, name, {
            key: "monitoring",
            pin: declaration.charts.monitoring,
            releaseName: "kube-prometheus-stack",
            namespace: MONITORING_NAMESPACE,
            createNamespace: false,
            // Prometheus and Alertmanager wait for their volumes.
            timeoutSeconds: 900,
            values: (up) =>
                monitoringValues({ replicas: replicasFor(ctx), production: isProduction(ctx), retention: config.retention, storageGiB: config.storageGiB }, up),
        }, this.child(opts, [secret]));
    }
}

export const monitoring: Addon = {
    declaration,
    install: (ctx, opts) => new Monitoring(ctx, opts),
};
