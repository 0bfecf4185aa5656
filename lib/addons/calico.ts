// Calico through its operator (tigera-operator): the pod overlay in `calico-overlay` mode, network
// policy in both modes. From v3.32 the operator chart no longer ships the CRDs: the
// crd.projectcalico.org.v1 chart of the same release installs them first (charts/tigera-operator/README.md at v3.32.1).
import { z } from "zod";
import { bool } from "../config/fields";
import { reg } from "../registries";
import { defineAddon, helmAddon, optionalAddon } from "./declaration";

const DESCRIPTION = "Calico (tigera-operator): the pod overlay in `calico-overlay` mode, network policy in both modes";
const REPOSITORY = "https://docs.tigera.io/calico/charts";
/** One Calico release: the operator chart and its CRDs chart share the version (v3.32.1: operator v1.42.3). */
export const CALICO_VERSION = "v3.32.1";

export const calico = defineAddon({
    key: "calico",
    description: DESCRIPTION,
    charts: {
        /** The crd.projectcalico.org and operator.tigera.io CRDs (templates, so Helm upgrades them with the release). */
        calicoCrds: { chart: "crd.projectcalico.org.v1", repository: REPOSITORY, version: CALICO_VERSION, images: [] },
        calico: {
            chart: "tigera-operator",
            repository: REPOSITORY,
            version: CALICO_VERSION,
            // Operator v1.42: Calico's images come from quay.io/calico; `installation.registry` must end with "/".
            images: [
                { upstream: "quay.io", repository: "calico", registryKey: "installation.registry", trailingSlash: true },
                reg("quay.io", "tigera/operator", "tigeraOperator.registry"),
            ],
        },
    },
    config: optionalAddon(helmAddon(true, DESCRIPTION).extend({
        apiServer: bool().default(true).describe("Run the Calico API server (Calico resources through the Kubernetes API)."),
    }), DESCRIPTION) satisfies z.ZodType,
    requires: [],
    after: ["karpenter"],
    hostPorts: { apiServer: 5443 },
    iam: [],
});
