// Layer 3, the add-ons: Karpenter (every EC2 node), Calico, storage, and the third-party add-ons,
// each behind an enable flag with a pinned version, in the order they need each other.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterContract } from "../infra/cluster/contract";
import { networkContract } from "../infra/network/contract";
import { DEDICATED_TAINT_KEY } from "../lib/config/addons";
import type { ImageCache } from "../lib/images";
import { layerAwsProvider } from "../lib/awsProvider";
import { defineLayer } from "../lib/layer";
import { baseTags, clusterName } from "../lib/naming";
import { Calico, isOverlay } from "./calico";
import { installOrder, isFoundation } from "../lib/addons";
import type { AddonContext, Foundation } from "./addon";
import { addonsContract } from "./contract";
import { Karpenter } from "./karpenter";
import { AccessLogs } from "./accessLogs";
import { Storage } from "./storage";
import { THIRD_PARTY } from "./thirdParty";
import { ALB_INGRESS_CLASS } from "../lib/loadBalancers";

export const layer = defineLayer({
    name: "addons",
    contract: addonsContract,
    upstream: { network: networkContract, cluster: clusterContract },
    run({ config: c, upstream: { network, cluster } }) {
        const name = clusterName(c);
        const tags = baseTags(c, "addons");
        // Every AWS resource of the layer is created through its provider (region, account, common tags).
        const providers = [layerAwsProvider(c, "addons")];
        const provider = new k8s.Provider(`${name}-addons`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
        const sources = { chartMirror: c.charts.mirror, imageCache: cluster.imageCache.apply((cache) => cache as ImageCache | undefined) };
        const accountId = aws.getCallerIdentityOutput().accountId;
        const production = c.tier === "production";
        // The log bucket of what logs to S3 (the load balancers, Loki's buckets); none when nothing does.
        const logged = c.addons.loadBalancerController.enabled || c.addons.loki.enabled;
        const accessLogs = logged ? new AccessLogs(`${name}-access-logs`, { clusterName: name, region: c.region, accountId, production, retentionDays: production ? 365 : 30 }, { providers }) : undefined;
        const accessLogBucket = accessLogs?.bucket;
        const ctx: AddonContext = { config: c, clusterName: name, cluster, network, accountId, provider, sources, tags, accessLogBucket };

        // Karpenter launches every EC2 node; every other add-on's pods run on them. In calico-overlay
        // mode Calico is the network plugin: it comes first (without waiting: its operator needs a node)
        // and Karpenter's node pools after it, so no node comes up without its network. In vpc-cni mode
        // Calico only enforces network policy: it comes after the nodes its pods run on.
        let calico: Calico | undefined;
        let karpenter: Karpenter;
        if (isOverlay(c)) {
            calico = new Calico(name, ctx, { providers });
            karpenter = new Karpenter(name, ctx, { providers }, [calico]);
        } else {
            karpenter = new Karpenter(name, ctx, { providers });
            calico = c.addons.calico.enabled ? new Calico(name, ctx, { dependsOn: [karpenter], providers }) : undefined;
        }
        const storage = new Storage(name, ctx, { dependsOn: [karpenter, ...(calico ? [calico] : [])], providers });

        const installed = new Map<string, pulumi.Resource>();
        const foundations: Record<Foundation, pulumi.Resource | undefined> = { karpenter, calico, storage };
        // Each after what it runs after (its declaration), whatever the list's order.
        const enabled = THIRD_PARTY.filter((a) => c.addons[a.declaration.key].enabled);
        for (const key of installOrder(enabled.map((a) => a.declaration.key))) {
            const addon = enabled.find((a) => a.declaration.key === key)!;
            const dependsOn = addon.declaration.after.flatMap((d) => {
                const r = isFoundation(d) ? foundations[d] : installed.get(d);
                return r ? [r] : [];
            });
            installed.set(key, addon.install(ctx, { dependsOn, providers }));
        }

        const ingressClasses = [
            ...(c.addons.loadBalancerController.enabled ? [ALB_INGRESS_CLASS] : []),
            ...(c.addons.ingressNginx.enabled ? ["nginx"] : []),
        ];
        return {
            nodeClassName: karpenter.nodeClassName,
            nodePools: karpenter.nodePoolNames,
            dedicatedTaintKey: pulumi.output(DEDICATED_TAINT_KEY),
            ingressClasses: pulumi.output(ingressClasses),
            defaultIngressClass: pulumi.output(ingressClasses[0]),
            storageClasses: storage.storageClassNames,
            defaultStorageClass: storage.defaultStorageClass,
            networkPolicy: pulumi.output(c.addons.calico.enabled),
            secretsStore: pulumi.output(c.addons.secretsStore.enabled),
            monitoring: pulumi.output(c.addons.monitoring.enabled),
            // Absent (never "") when nothing logs: a consumer cannot mistake "no bucket" for a bucket name.
            accessLogBucket: accessLogBucket ?? pulumi.output(undefined),
        };
    },
});
