// The EKS Pod Identity agent as an EKS managed add-on (a DaemonSet on the host network).
import { defineAddon, eksAddon } from "./declaration";

export const podIdentityAgent = defineAddon({
    key: "podIdentityAgent",
    description: "the EKS Pod Identity agent (EKS add-on)",
    charts: {},
    config: eksAddon("the EKS Pod Identity agent (EKS add-on)"),
    requires: [],
    after: ["karpenter"],
    // The agent answers on the node's link-local address 169.254.170.23, port 80.
    hostPorts: { agent: 80 },
    iam: [],
});
