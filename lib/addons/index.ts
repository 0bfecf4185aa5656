// Every add-on's declaration (one module each, lib/addons/<add-on>.ts) and the tables built from
// them: the chart pins (`CHARTS`), every chart with its images (the registry map's source), the
// host ports, the add-ons config schema, and the install order.
import { z } from "zod";
import { calico } from "./calico";
import { ADDON_KEYS, type AddonDeclaration, type AddonKey, type ChartDeclaration, type Foundation } from "./declaration";
import { ebsCsi } from "./ebsCsi";
import { efsCsi } from "./efsCsi";
import { ingressNginx } from "./ingressNginx";
import { KARPENTER_CHARTS } from "./karpenter";
import { kubecost } from "./kubecost";
import { loadBalancerController } from "./loadBalancerController";
import { loki } from "./loki";
import { metricsServer } from "./metricsServer";
import { monitoring } from "./monitoring";
import { nodeLocalDns } from "./nodeLocalDns";
import { podIdentityAgent } from "./podIdentityAgent";
import { replicator } from "./replicator";
import { secretsStore } from "./secretsStore";
import { vpa } from "./vpa";

export * from "./declaration";
export { KARPENTER_CHARTS, KARPENTER_REPOSITORY, KARPENTER_VERSION } from "./karpenter";

/** Every add-on under `platform:addons`, by key, in the config reference's order. */
export const ADDONS = {
    calico, ebsCsi, efsCsi, podIdentityAgent, loadBalancerController, ingressNginx, replicator, kubecost,
    metricsServer, monitoring, loki, secretsStore, nodeLocalDns, vpa,
} as const satisfies { [K in AddonKey]: AddonDeclaration<K> };

export const ADDON_LIST: AddonDeclaration[] = ADDON_KEYS.map((k) => ADDONS[k]);

/** The chart of every Helm add-on, pinned (`platform:addons.<key>.version` overrides a pin), from the declarations. */
export const CHARTS = {
    ...calico.charts, ...loadBalancerController.charts, ...ingressNginx.charts, ...replicator.charts, ...kubecost.charts,
    ...metricsServer.charts, ...monitoring.charts, ...loki.charts, ...secretsStore.charts, ...nodeLocalDns.charts, ...vpa.charts,
};

/** Every chart the platform can install (Karpenter's included), with its images. */
export const ADDON_CHARTS: ChartDeclaration[] = [...Object.values(KARPENTER_CHARTS), ...ADDON_LIST.flatMap((d) => Object.values(d.charts))];

/** The add-on that declares a chart (by chart name), or undefined for Karpenter's. */
export const addonOfChart = (chart: string): AddonDeclaration | undefined => ADDON_LIST.find((d) => Object.values(d.charts).some((c) => c.chart === chart));

/** Host ports by `<add-on>.<use>` (only taken where the pod runs on the host network). */
export const HOST_PORTS: Record<string, number> = Object.fromEntries(
    ADDON_LIST.flatMap((d) => Object.entries(d.hostPorts).map(([use, port]) => [`${d.key}.${use}`, port])),
);

type ConfigShape = { [K in keyof typeof ADDONS]: (typeof ADDONS)[K]["config"] };
const configShape = Object.fromEntries(ADDON_KEYS.map((k) => [k, ADDONS[k].config])) as ConfigShape;

export const addonsSchema = z
    .strictObject(configShape)
    .prefault({})
    .describe("Add-ons of the cluster, each with an enable flag, a pinned version and value overrides.");

export type AddonsConfig = z.output<typeof addonsSchema>;

/**
 * Add-on keys in an order where each comes after everything it runs `after` (a topological order;
 * ties keep the declaration order). A cycle is a programming error and fails here, naming it.
 */
export function installOrder(keys: readonly AddonKey[] = ADDON_KEYS): AddonKey[] {
    const order: AddonKey[] = [];
    const visiting = new Set<AddonKey>();
    const visit = (k: AddonKey, path: AddonKey[]) => {
        if (order.includes(k)) return;
        if (visiting.has(k)) throw new Error(`add-ons run after each other in a cycle: ${[...path, k].join(" -> ")}`);
        visiting.add(k);
        for (const d of ADDONS[k].after) if (!isFoundation(d) && keys.includes(d)) visit(d, [...path, k]);
        visiting.delete(k);
        order.push(k);
    };
    for (const k of keys) visit(k, []);
    return order;
}

const FOUNDATIONS: readonly Foundation[] = ["karpenter", "calico", "storage"];
export const isFoundation = (d: string): d is Foundation => (FOUNDATIONS as readonly string[]).includes(d);
