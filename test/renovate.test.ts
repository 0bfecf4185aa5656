// Renovate (issue 20): the custom managers of renovate.json find every pin the platform keeps
// outside package.json: each chart of CHARTS, Karpenter, Bottlerocket and the EKS managed add-ons.
// A pin written in a shape no manager reads fails here, not silently in a bot that never updates it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { karpenterSchema } from "../lib/config/addons";
import { CHARTS, EKS_ADDON_VERSIONS } from "../lib/versions";
import { REPO_ROOT } from "./helpers";

interface Manager {
    customType: "regex";
    managerFilePatterns: string[];
    matchStrings: string[];
    datasourceTemplate: string;
    depNameTemplate?: string;
    packageNameTemplate?: string;
}
interface Found {
    datasource: string;
    depName: string;
    packageName: string;
    currentValue: string;
    file: string;
}

const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "renovate.json"), "utf8")) as { customManagers: Manager[] };

function filesOf(dir = REPO_ROOT, rel = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (["node_modules", "out", ".git"].includes(e.name)) return [];
        const r = rel ? `${rel}/${e.name}` : e.name;
        return e.isDirectory() ? filesOf(path.join(dir, e.name), r) : [r];
    });
}

/** Renovate's `{{{field}}}` templates over the match's named groups. */
const render = (template: string, groups: Record<string, string>) => template.replace(/\{\{\{(\w+)\}\}\}/g, (_, k: string) => groups[k] ?? "");

/** What Renovate's regex managers would extract from the repository. */
function extract(): Found[] {
    const files = filesOf();
    return config.customManagers.flatMap((m) => {
        const patterns = m.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1)));
        return files
            .filter((f) => patterns.some((p) => p.test(f)))
            .flatMap((file) => {
                const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
                return m.matchStrings.flatMap((s) =>
                    [...text.matchAll(new RegExp(s, "g"))].map((match) => {
                        const groups = match.groups as Record<string, string>;
                        const depName = m.depNameTemplate ? render(m.depNameTemplate, groups) : groups.depName;
                        return { datasource: m.datasourceTemplate, depName, packageName: m.packageNameTemplate ? render(m.packageNameTemplate, groups) : depName, currentValue: groups.currentValue, file };
                    }),
                );
            });
    });
}

describe("Renovate: every pin has a manager", () => {
    const found = extract();
    const has = (pred: (f: Found) => boolean, what: string) => assert.ok(found.some(pred), `no Renovate manager finds ${what}`);

    /** Charts whose version is another chart's (one constant for both): the manager finds the leader. */
    const FOLLOWERS: Record<string, string> = { "crd.projectcalico.org.v1": "tigera-operator", "karpenter-crd": "karpenter" };

    it("every chart of CHARTS, with its repository's datasource", () => {
        const pins = Object.values(CHARTS) as { chart: string; repository: string; version: string }[];
        for (const pin of pins) {
            const leader = FOLLOWERS[pin.chart];
            if (leader) {
                assert.equal(pin.version, pins.find((p) => p.chart === leader)?.version, `${pin.chart} moves with ${leader}`);
                continue;
            }
            if (pin.repository.startsWith("oci://")) {
                has((f) => f.datasource === "docker" && f.packageName === `${pin.repository.slice("oci://".length)}/${pin.chart}` && f.currentValue === pin.version, `${pin.chart} ${pin.version} (OCI)`);
            } else {
                has((f) => f.datasource === "helm" && f.depName === pin.chart && f.currentValue === pin.version, `${pin.chart} ${pin.version} (${pin.repository})`);
            }
        }
    });

    it("Karpenter's default and every environment's platform:karpenter.version", () => {
        const karpenter = found.filter((f) => f.depName === "karpenter");
        assert.ok(karpenter.every((f) => f.packageName === "public.ecr.aws/karpenter/karpenter"));
        const defaults = karpenterSchema.parse({});
        assert.ok(karpenter.some((f) => f.file.startsWith("lib/") && f.currentValue === defaults.version), `the default ${defaults.version}`);
        const bottlerocket = found.filter((f) => f.depName === "bottlerocket");
        assert.ok(bottlerocket.some((f) => f.file === "lib/config/addons.ts" && f.currentValue === defaults.bottlerocketVersion), `Bottlerocket's default ${defaults.bottlerocketVersion}`);
        for (const file of filesOf().filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
            const set = (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config?: Record<string, { version?: string; bottlerocketVersion?: string }> }).config?.["platform:karpenter"];
            if (set?.version) assert.ok(karpenter.some((f) => f.file === file && f.currentValue === set.version), `${file}: karpenter ${set.version}`);
            if (set?.bottlerocketVersion) assert.ok(bottlerocket.some((f) => f.file === file && f.currentValue === set.bottlerocketVersion), `${file}: bottlerocket ${set.bottlerocketVersion}`);
        }
    });

    it("every EKS managed add-on version, by Kubernetes version where it differs", () => {
        const names = { coredns: "coredns", kubeProxy: "kube-proxy", vpcCni: "vpc-cni", ebsCsi: "aws-ebs-csi-driver", efsCsi: "aws-efs-csi-driver", podIdentityAgent: "eks-pod-identity-agent" } as const;
        for (const [kubernetes, row] of Object.entries(EKS_ADDON_VERSIONS)) {
            for (const [key, version] of Object.entries(row) as [keyof typeof names, string][]) {
                has((f) => {
                    if (f.datasource !== "aws-eks-addon" || f.currentValue !== version) return false;
                    const filter = JSON.parse(f.packageName) as { addonName: string; kubernetesVersion?: string };
                    return filter.addonName === names[key] && (filter.kubernetesVersion === undefined || filter.kubernetesVersion === kubernetes);
                }, `${names[key]} ${version} for Kubernetes ${kubernetes}`);
            }
        }
    });
});
