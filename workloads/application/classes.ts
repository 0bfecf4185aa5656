// The classes an application uses from the add-ons layer (storage, ingress, the secrets store):
// resolved once, failing naming what the add-ons layer lacks.
import type { AddonsOutputs } from "../../addons/contract";
import type { ApplicationSpec } from "../../lib/config/applications";
import { ALB_INGRESS_CLASS } from "../../lib/loadBalancers";
import { fail } from "./manifest";

export type AddonsOffer = Pick<AddonsOutputs, "secretsStore" | "ingressClasses" | "defaultIngressClass" | "storageClasses" | "defaultStorageClass">;

/** The storage and ingress classes the application uses ("" when it uses none). */
export function resolveClasses(app: ApplicationSpec, addons: AddonsOffer): { storageClass: string; ingressClass: string } {
    if (app.secrets.length > 0 && !addons.secretsStore) {
        fail(app, "asks for secrets, but the Secrets Store CSI driver is not installed (platform:addons.secretsStore.enabled)");
    }
    let ingressClass = "";
    if (app.ingress) {
        if (!addons.ingressClasses.includes(ALB_INGRESS_CLASS)) {
            fail(app, `asks for an ingress, but the "${ALB_INGRESS_CLASS}" IngressClass does not exist (platform:addons.loadBalancerController.enabled); classes: ${addons.ingressClasses.join(", ") || "none"}`);
        }
        ingressClass = ALB_INGRESS_CLASS;
    }
    let storageClass = "";
    if (app.storage) {
        storageClass = app.storage.storageClass ?? addons.defaultStorageClass ?? fail(app, "asks for storage, but the cluster has no default StorageClass: set storage.storageClass");
        if (!addons.storageClasses.includes(storageClass)) {
            fail(app, `storage.storageClass "${storageClass}" does not exist (classes: ${addons.storageClasses.join(", ") || "none"})`);
        }
    }
    return { storageClass, ingressClass };
}
