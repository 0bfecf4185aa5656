// The third-party add-ons in install order (each also names what it waits for).
import type { Addon } from "../addon";
import { ingressNginx } from "./ingressNginx";
import { kubecost } from "./kubecost";
import { loadBalancerController } from "./loadBalancerController";
import { loki } from "./loki";
import { metricsServer } from "./metricsServer";
import { monitoring } from "./monitoring";
import { nodeLocalDns } from "./nodeLocalDns";
import { replicator } from "./replicator";
import { secretsStore } from "./secretsStore";
import { vpa } from "./vpa";

export const THIRD_PARTY: Addon[] = [
    loadBalancerController,
    ingressNginx,
    metricsServer,
    nodeLocalDns,
    secretsStore,
    replicator,
    monitoring,
    loki,
    kubecost,
    vpa,
];
