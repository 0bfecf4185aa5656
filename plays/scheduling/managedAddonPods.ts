// The EKS managed add-ons' pods, from their configuration values and published defaults.
import type { Toleration } from "./match";
import { at, listAt, NOT_ON_FARGATE, numberAt, objectAt, placementOf, podOf, type HostPort, type PodModel, type Release, type Values } from "./pods";

export interface ManagedAddon { resource: string; addonName: string; configuration: Values }

/**
 * The pods of the EKS managed add-ons, from their configuration and the add-ons' published
 * defaults (`aws eks describe-addon-configuration`): their node agents exclude Fargate by node
 * affinity, their controllers tolerate CriticalAddonsOnly and NoExecute taints for 300 s.
 */
export function managedAddonPods(a: ManagedAddon): PodModel[] {
    const c = a.configuration;
    const release: Release = { resource: a.resource, name: a.addonName, namespace: "kube-system", chart: `EKS add-on ${a.addonName}`, values: c };
    const controllerDefaults: Toleration[] = [{ key: "CriticalAddonsOnly", operator: "Exists" }, { operator: "Exists", effect: "NoExecute" }];
    const agent = (name: string, ports: HostPort[], hostNetwork: boolean, tolerations: Toleration[] = [{ operator: "Exists" }]): PodModel =>
        podOf(release, name, "DaemonSet", { hostNetwork, hostPorts: ports, placement: { tolerations, nodeSelector: {}, affinity: NOT_ON_FARGATE, oneNodeEach: false } });
    const controller = (name: string, path: string[], replicas: number): PodModel => {
        const p = placementOf(at(c, ...path));
        return podOf(release, name, "Deployment", { replicas, placement: { ...p, tolerations: "tolerations" in objectAt(c, ...path) ? p.tolerations : controllerDefaults } });
    };
    switch (a.addonName) {
        case "coredns":
            return [podOf(release, "coredns", "Deployment", {
                labels: { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" },
                replicas: numberAt(c, 2, "autoScaling", "minReplicas"),
                placement: { tolerations: controllerDefaults, nodeSelector: {}, oneNodeEach: false },
            })];
        case "kube-proxy":
            return [agent("kube-proxy", [{ port: 10249, ip: "127.0.0.1" }, { port: 10256 }], true)];
        case "vpc-cni":
            return [agent("aws-node", [{ port: 61678, ip: "127.0.0.1" }, { port: 61679, ip: "127.0.0.1" }], true)];
        case "eks-pod-identity-agent":
            // The agent answers on 169.254.170.23:80 and probes on 2703 (its DaemonSet, host network).
            return [agent("eks-pod-identity-agent", [{ port: 80, ip: "169.254.170.23" }, { port: 2703 }], true)];
        case "aws-ebs-csi-driver":
            return [
                controller("ebs-csi-controller", ["controller"], 2),
                agent("ebs-csi-node", [], false, at(c, "node", "tolerateAllTaints") === true ? [{ operator: "Exists" }] : listAt<Toleration>(c, "node", "tolerations")),
            ];
        case "aws-efs-csi-driver":
            // efs-csi-node runs on the host network with its health port 9809.
            return [controller("efs-csi-controller", ["controller"], 2), agent("efs-csi-node", [{ port: 9809 }], true)];
        default:
            return [];
    }
}
