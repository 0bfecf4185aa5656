// What the charts the platform installs put in the cluster, for the bring-up play (plays/bringUp.ts):
// the CRDs a chart installs, the custom-resource groups its values render, and its fail-closed
// admission webhooks, each read from the chart's files at the pinned version.
import { at, type Values } from "./bringUpValues";

/** API groups the Kubernetes API server serves itself: their kinds need no CRD. */
export const BUILT_IN_GROUPS = new Set([
    "", "core", "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io",
    "scheduling.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "coordination.k8s.io",
    "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "events.k8s.io", "resource.k8s.io",
    "authentication.k8s.io", "authorization.k8s.io",
]);

export const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/**
 * The API groups a chart installs CRDs for, given its values (from each chart's files at the pinned
 * version: `crds/` Helm applies first, or CRD templates). Charts not listed install none.
 */
export const CHART_CRDS: Record<string, (values: Values, skipCrds: boolean) => string[]> = {
    "karpenter-crd": () => ["karpenter.sh", "karpenter.k8s.aws"],
    // The karpenter chart ships the same CRDs in crds/ (skipped when karpenter-crd owns them).
    karpenter: (_, skip) => (skip ? [] : ["karpenter.sh", "karpenter.k8s.aws"]),
    // From v3.32 the tigera-operator chart no longer ships CRDs (charts/tigera-operator/README.md at v3.32.1).
    "crd.projectcalico.org.v1": () => ["crd.projectcalico.org", "operator.tigera.io"],
    "kube-prometheus-stack": (v, skip) => (skip || at(v, "crds.enabled") === false ? [] : ["monitoring.coreos.com"]),
    "secrets-store-csi-driver": (_, skip) => (skip ? [] : ["secrets-store.csi.x-k8s.io"]),
};

/** Every `<key>: { enabled: true }` anywhere in a release's values (subcharts included). */
function enabledKeys(values: unknown, into = new Set<string>()): Set<string> {
    if (!values || typeof values !== "object") return into;
    for (const [key, v] of Object.entries(values)) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            if ((v as Values).enabled === true) into.add(key);
            enabledKeys(v, into);
        }
    }
    return into;
}

/**
 * The custom-resource groups a release renders from its values: the tigera-operator chart's
 * Installation, APIServer, Goldmane and Whisker (operator.tigera.io), and any chart's
 * ServiceMonitor, PodMonitor or PrometheusRule (`serviceMonitor.enabled` and friends).
 */
export function renderedGroups(chart: string, values: Values): string[] {
    const groups = new Set<string>();
    if (chart === "tigera-operator") {
        if (at(values, "installation.enabled") !== false) groups.add("operator.tigera.io");
        for (const key of ["apiServer", "goldmane", "whisker"]) if (at(values, `${key}.enabled`) === true) groups.add("operator.tigera.io");
        if (at(values, "defaultFelixConfiguration.enabled") === true) groups.add("crd.projectcalico.org");
    }
    const enabled = enabledKeys(values);
    if (["serviceMonitor", "podMonitor", "prometheusRule"].some((k) => enabled.has(k))) groups.add("monitoring.coreos.com");
    return [...groups];
}

/** What a resource creates in the cluster, as (group, kind) pairs. */
export interface Creates { group: string; kind: string }

/** Charts that render no Service (CRD-only charts; the tigera-operator chart deploys only the operator). */
export const CHARTS_WITHOUT_SERVICE = new Set(["karpenter-crd", "crd.projectcalico.org.v1", "tigera-operator"]);

/** A fail-closed admission webhook a chart installs, and what it intercepts on create. */
export interface Webhook { name: string; intercepts: (o: Creates) => boolean }

/**
 * Fail-closed (failurePolicy Fail) webhooks of the charts the platform installs, from each chart's
 * values at the pinned version.
 */
export const CHART_WEBHOOKS: Record<string, (values: Values) => Webhook[]> = {
    "aws-load-balancer-controller": (v) => [
        ...(at(v, "enableServiceMutatorWebhook") !== false && at(v, "serviceMutatorWebhookConfig.failurePolicy") !== "Ignore"
            ? [{ name: "the Service mutating webhook (mservice.elbv2.k8s.aws)", intercepts: (o: Creates) => o.group === "" && o.kind === "Service" }]
            : []),
        ...(at(v, "webhookConfig.disableIngressValidation") !== true && at(v, "webhookConfig.ingressValdationFailurePolicy") !== "Ignore"
            ? [{ name: "the Ingress validating webhook (vingress.elbv2.k8s.aws)", intercepts: (o: Creates) => o.group === "networking.k8s.io" && o.kind === "Ingress" }]
            : []),
        { name: "the TargetGroupBinding webhooks", intercepts: (o: Creates) => o.group === "elbv2.k8s.aws" },
    ],
    "ingress-nginx": (v) =>
        at(v, "controller.admissionWebhooks.enabled") !== false && at(v, "controller.admissionWebhooks.failurePolicy") !== "Ignore"
            ? [{ name: "the Ingress validating webhook (validate.nginx.ingress.kubernetes.io)", intercepts: (o: Creates) => o.group === "networking.k8s.io" && o.kind === "Ingress" }]
            : [],
};
