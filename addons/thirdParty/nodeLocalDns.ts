// NodeLocal DNSCache: a DNS cache on every node (host network, link-local address), so pods' DNS
// queries do not hit CoreDNS's conntrack entries and the VPC resolver's per-ENI limit. In
// iptables mode (EKS's kube-proxy default) it also answers on the kube-dns ClusterIP, so kubelet
// settings stay as they are.
import { IPv4, IPv4CidrRange } from "ip-num";
import type { Addon } from "../catalog";
import { everyNode } from "../placement";
import { CHARTS } from "../../lib/versions";
import { addonRelease } from "./common";

/** The upstream convention (the chart's own default is 169.254.20.25). */
export const LOCAL_DNS_ADDRESS = "169.254.20.10";

/** EKS gives kube-dns the tenth address of the service CIDR. */
export function kubeDnsAddress(serviceCidr: string): string {
    return IPv4.fromNumber(IPv4CidrRange.fromCidr(serviceCidr).getFirst().getValue() + 10n).toString();
}

export function nodeLocalDnsValues(serviceCidr: string) {
    return {
        config: { dnsServer: kubeDnsAddress(serviceCidr), localDns: LOCAL_DNS_ADDRESS },
        ...everyNode(),
    };
}

export const nodeLocalDns: Addon = {
    key: "nodeLocalDns",
    after: ["karpenter"],
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-node-local-dns`, {
            key: "nodeLocalDns",
            pin: CHARTS.nodeLocalDns,
            releaseName: "node-local-dns",
            // The chart's DaemonSet is hard-coded to kube-system.
            namespace: "kube-system",
            values: (up) => nodeLocalDnsValues(up.serviceCidr),
        }, opts),
};
