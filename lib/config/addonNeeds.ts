// What add-ons need of each other, and what applications need of the add-ons, decided from config
// alone: an add-on switched on while one it requires is off, or an application asking for secrets,
// an ingress, a load balancer, autoscaling or a volume that no enabled add-on provides, is a config
// error naming the key, reported with every other problem before anything is registered (instead
// of a check deep inside the layers that could only fail halfway through a deploy).
import { ADDON_LIST } from "../addons";
import { ALB_INGRESS_CLASS } from "../loadBalancers";
import type { AddonsConfig } from "./addons";
import type { ApplicationSpec } from "./applications";
import type { Problem } from "./problem";

type AddonKey = keyof AddonsConfig;

/** The StorageClasses the add-ons layer creates: `gp3` (the default) with the EBS CSI driver, `efs` with the EFS CSI driver. */
export const GP3_CLASS = "gp3";
export const EFS_CLASS = "efs";
/** The IngressClasses: `alb` (the load balancer controller, the platform's ingress path) and `nginx` (ingress-nginx). */
export { ALB_INGRESS_CLASS };
export const NGINX_INGRESS_CLASS = "nginx";

/**
 * Add-ons that must be enabled with an add-on, as each declares (`requires` in lib/addons/<add-on>.ts):
 * it cannot work without them. This is apart from the order it installs in (its `after`), which
 * only waits for what is enabled.
 */
export const ADDON_REQUIRES: { readonly [K in AddonKey]?: readonly AddonKey[] } = Object.fromEntries(
    ADDON_LIST.filter((d) => d.requires.length > 0).map((d) => [d.key, d.requires]),
);

/** What the add-ons layer will offer applications, from the config alone (its outputs must agree: test/addonNeeds.test.ts). */
export interface AddonsOffer {
    secretsStore: boolean;
    ingressClasses: string[];
    storageClasses: string[];
    defaultStorageClass: string | undefined;
    /** Resource metrics (metrics-server): what a HorizontalPodAutoscaler scales on. */
    resourceMetrics: boolean;
    /** NLBs for Services of type LoadBalancer (the load balancer controller). */
    loadBalancers: boolean;
}

export function addonsOffer(addons: AddonsConfig): AddonsOffer {
    const storageClasses = [...(addons.ebsCsi.enabled ? [GP3_CLASS] : []), ...(addons.efsCsi.enabled ? [EFS_CLASS] : [])];
    return {
        secretsStore: addons.secretsStore.enabled,
        ingressClasses: [...(addons.loadBalancerController.enabled ? [ALB_INGRESS_CLASS] : []), ...(addons.ingressNginx.enabled ? [NGINX_INGRESS_CLASS] : [])],
        storageClasses,
        defaultStorageClass: storageClasses.includes(GP3_CLASS) ? GP3_CLASS : undefined,
        resourceMetrics: addons.metricsServer.enabled,
        loadBalancers: addons.loadBalancerController.enabled,
    };
}

/** What these rules read of the config (a shape, not the schema's type: the rules import this file). */
export interface AddonNeedsInput {
    addons?: AddonsConfig;
    applications?: ApplicationSpec[];
}

/** `requiredAddons`: every enabled add-on's required add-ons are enabled too. */
export function requiredAddonProblems({ addons }: AddonNeedsInput): Problem[] {
    if (!addons) return [];
    return (Object.entries(ADDON_REQUIRES) as [AddonKey, readonly AddonKey[]][]).flatMap(([key, requires]) =>
        addons[key].enabled
            ? requires.filter((r) => !addons[r].enabled).map((r): Problem => ({
                    path: ["addons", r, "enabled"],
                    message: `is false, but platform:addons.${key} (enabled) requires ${r}: enable it or disable ${key}`,
                }))
            : [],
    );
}

const enable = (key: AddonKey) => `enable platform:addons.${key}`;

/** What one application asks of the add-ons, against what they offer. */
function applicationNeeds(app: ApplicationSpec, at: (key: string) => (string | number)[], offer: AddonsOffer): Problem[] {
    const problems: Problem[] = [];
    if (app.secrets.length > 0 && !offer.secretsStore) {
        problems.push({ path: at("secrets"), message: `are mounted by the Secrets Store CSI driver, which is not installed (${enable("secretsStore")} or drop the secrets)` });
    }
    if (app.ingress && !offer.ingressClasses.includes(ALB_INGRESS_CLASS)) {
        problems.push({ path: at("ingress"), message: `needs the "${ALB_INGRESS_CLASS}" IngressClass of the load balancer controller, which is not installed (${enable("loadBalancerController")})` });
    }
    if (app.kind === "service" && app.service.type === "nlb" && !offer.loadBalancers) {
        problems.push({ path: [...at("service"), "type"], message: `"nlb" is created by the load balancer controller, which is not installed (${enable("loadBalancerController")})` });
    }
    if (app.kind === "service" && !offer.resourceMetrics) {
        problems.push({ path: at("autoscaling"), message: `the application's HorizontalPodAutoscaler scales on resource metrics, which metrics-server serves, and it is not installed (${enable("metricsServer")})` });
    }
    if (app.storage) {
        const classes = offer.storageClasses.join(", ") || "none: enable platform:addons.ebsCsi or efsCsi";
        if (app.storage.storageClass === undefined && offer.defaultStorageClass === undefined) {
            problems.push({ path: at("storage"), message: `asks for a volume of the default StorageClass, and there is none (${enable("ebsCsi")} for "${GP3_CLASS}", or set storage.storageClass; classes: ${classes})` });
        } else if (app.storage.storageClass !== undefined && !offer.storageClasses.includes(app.storage.storageClass)) {
            problems.push({ path: [...at("storage"), "storageClass"], message: `"${app.storage.storageClass}" is not a StorageClass of the cluster (classes: ${classes})` });
        }
    }
    return problems;
}

/** `applicationAddons`: every application's secrets, ingress, load balancer, autoscaler and volume have the add-on that provides them. */
export function applicationAddonProblems({ addons, applications }: AddonNeedsInput): Problem[] {
    if (!addons || !applications) return [];
    const offer = addonsOffer(addons);
    return applications.flatMap((app, i) => applicationNeeds(app, (key) => ["applications", i, key], offer));
}
