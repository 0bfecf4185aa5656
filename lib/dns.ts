// The cluster's DNS addresses: NodeLocal DNSCache (addons layer) answers on them, and the teams'
// network policies (workloads layer) allow them.
import { IPv4, IPv4CidrRange } from "ip-num";

/** NodeLocal DNSCache's link-local address: the upstream convention (the chart's own default is 169.254.20.25). */
export const LOCAL_DNS_ADDRESS = "169.254.20.10";

/** EKS gives kube-dns the tenth address of the service CIDR. */
export function kubeDnsAddress(serviceCidr: string): string {
    return IPv4.fromNumber(IPv4CidrRange.fromCidr(serviceCidr).getFirst().getValue() + 10n).toString();
}
