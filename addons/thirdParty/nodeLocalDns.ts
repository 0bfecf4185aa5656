// NodeLocal DNSCache: a DNS cache on every node (host network, link-local address), so pods' DNS
// queries do not hit CoreDNS's conntrack entries and the VPC resolver's per-ENI limit. In
// iptables mode (EKS's kube-proxy default) it also answers on the kube-dns ClusterIP, so kubelet
// settings stay as they are.
import type { Addon } from "../addon";
import { LOCAL_DNS_ADDRESS, kubeDnsAddress } from "../../lib/dns";
import { everyNode } from "../../lib/placement";
import { nodeLocalDns as declaration } from "../../lib/addons/nodeLocalDns";
import { addonRelease } from "./common";

export function nodeLocalDnsValues(serviceCidr: string) {
    return {
        config: { dnsServer: kubeDnsAddress(serviceCidr), localDns: LOCAL_DNS_ADDRESS },
        ...everyNode(),
    };
}

export const nodeLocalDns: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-node-local-dns`, {
            key: "nodeLocalDns",
            pin: declaration.charts.nodeLocalDns,
            releaseName: "node-local-dns",
            // The chart's DaemonSet is hard-coded to kube-system.
            namespace: "kube-system",
            values: (up) => nodeLocalDnsValues(up.serviceCidr),
        }, opts),
};
