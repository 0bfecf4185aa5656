// What add-ons need of each other and what applications need of the add-ons, as config rules
// (lib/config/addonNeeds.ts): each missing piece is a config error naming the key, before anything
// is registered, instead of an object that silently never gets registered.
import { strict as assert } from "assert";
import { ADDON_REQUIRES, addonsOffer } from "../lib/config/addonNeeds";
import { layerOf, problemsOf, synthEnv, envConfig, baseEntries } from "./helpers";

/** An application of the base config's team, with the given settings. */
const app = (settings: Record<string, unknown>) => ({
    name: "web",
    team: "shop",
    namespace: "shop",
    kind: "service",
    image: "public.ecr.aws/nginx/nginx-unprivileged:1.27.3",
    port: 8080,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ...settings,
});

const entries = (addons: Record<string, unknown>, apps: Record<string, unknown>[] = []) => ({
    ...baseEntries(),
    "platform:access": { teams: [{ name: "shop", roleArn: "arn:aws:iam::111122223333:role/team-shop", namespaces: ["shop"] }] },
    "platform:addons": addons,
    "platform:applications": apps,
});

const off = { enabled: false };

describe("config rule requiredAddons: an add-on's required add-ons are enabled", () => {
    it("ingress-nginx without the load balancer controller (its NLB)", () => {
        assert.deepEqual(problemsOf(entries({ ingressNginx: { enabled: true }, loadBalancerController: off })), [
            "platform:addons.loadBalancerController.enabled: is false, but platform:addons.ingressNginx (enabled) requires loadBalancerController: enable it or disable ingressNginx",
        ]);
    });

    it("VPA without metrics-server; monitoring, Loki and Kubecost without the EBS CSI driver (their gp3 volumes)", () => {
        const problems = problemsOf(entries({ vpa: { enabled: true }, metricsServer: off, ebsCsi: off }));
        assert.ok(problems.includes("platform:addons.metricsServer.enabled: is false, but platform:addons.vpa (enabled) requires metricsServer: enable it or disable vpa"), problems.join("\n"));
        for (const key of ["monitoring", "loki", "kubecost"]) {
            assert.ok(problems.includes(`platform:addons.ebsCsi.enabled: is false, but platform:addons.${key} (enabled) requires ebsCsi: enable it or disable ${key}`), problems.join("\n"));
        }
    });

    it("a disabled add-on requires nothing", () => {
        assert.throws(() => problemsOf(entries({ ingressNginx: off, loadBalancerController: off, vpa: off, metricsServer: off })), /expected the config to be rejected/);
    });

    it("no add-on requires itself or a missing key", () => {
        const keys = Object.keys(envConfig("dev").addons);
        for (const [key, requires] of Object.entries(ADDON_REQUIRES)) {
            assert.ok(keys.includes(key), key);
            for (const r of requires ?? []) assert.ok(keys.includes(r) && r !== key, `${key} requires ${r}`);
        }
    });
});

describe("config rule applicationAddons: what an application asks for has its add-on", () => {
    it("secrets without the Secrets Store CSI driver", () => {
        const problems = problemsOf(entries({ secretsStore: off }, [app({ secrets: [{ name: "db", secretsManagerName: "test/shop/db" }] })]));
        assert.deepEqual(problems, ["platform:applications[0].secrets: are mounted by the Secrets Store CSI driver, which is not installed (enable platform:addons.secretsStore or drop the secrets)"]);
    });

    it("an ingress without the load balancer controller (ingress-nginx's class does not count: the platform's ingress is an ALB)", () => {
        const problems = problemsOf(entries({ loadBalancerController: off }, [app({ ingress: { host: "web.example.com" } })]));
        assert.ok(problems.includes('platform:applications[0].ingress: needs the "alb" IngressClass of the load balancer controller, which is not installed (enable platform:addons.loadBalancerController)'), problems.join("\n"));
    });

    it("an NLB Service without the load balancer controller", () => {
        const problems = problemsOf(entries({ loadBalancerController: off }, [app({ service: { type: "nlb" } })]));
        assert.deepEqual(problems, ['platform:applications[0].service.type: "nlb" is created by the load balancer controller, which is not installed (enable platform:addons.loadBalancerController)']);
    });

    it("a service's autoscaler without metrics-server", () => {
        const problems = problemsOf(entries({ metricsServer: off }, [app({})]));
        assert.deepEqual(problems, ["platform:applications[0].autoscaling: the application's HorizontalPodAutoscaler scales on resource metrics, which metrics-server serves, and it is not installed (enable platform:addons.metricsServer)"]);
    });

    it("a storage class that does not exist, and a volume of the default class without the EBS CSI driver", () => {
        const stateful = (storage: Record<string, unknown>) => app({ kind: "stateful", storage: { sizeGiB: 10, mountPath: "/data", ...storage } });
        assert.deepEqual(problemsOf(entries({}, [stateful({ storageClass: "fast" })])), [
            'platform:applications[0].storage.storageClass: "fast" is not a StorageClass of the cluster (classes: gp3, efs)',
        ]);
        assert.deepEqual(problemsOf(entries({ efsCsi: off }, [stateful({ storageClass: "efs" })])), [
            'platform:applications[0].storage.storageClass: "efs" is not a StorageClass of the cluster (classes: gp3)',
        ]);
        const problems = problemsOf(entries({ ebsCsi: off, monitoring: off, loki: off, kubecost: off }, [stateful({})]));
        assert.deepEqual(problems, ['platform:applications[0].storage: asks for a volume of the default StorageClass, and there is none (enable platform:addons.ebsCsi for "gp3", or set storage.storageClass; classes: efs)']);
        assert.throws(() => problemsOf(entries({ ebsCsi: off, monitoring: off, loki: off, kubecost: off }, [stateful({ storageClass: "efs" })])), /expected the config to be rejected/);
    });
});

describe("addonsOffer: config's view of the add-ons layer agrees with what the layer exports", () => {
    for (const env of ["dev", "prod"]) {
        it(env, async () => {
            const outputs = layerOf(await synthEnv(env), "addons").outputs;
            const offer = addonsOffer(envConfig(env).addons);
            assert.deepEqual(
                { secretsStore: outputs.secretsStore, ingressClasses: outputs.ingressClasses, storageClasses: outputs.storageClasses, defaultStorageClass: outputs.defaultStorageClass },
                { secretsStore: offer.secretsStore, ingressClasses: offer.ingressClasses, storageClasses: offer.storageClasses, defaultStorageClass: offer.defaultStorageClass },
            );
        });
    }
});
