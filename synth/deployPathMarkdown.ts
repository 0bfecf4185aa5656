// Writing the deploy path: the markdown shows every field of the JSON.
import * as fs from "fs";
import * as path from "path";
import type { DeployPath } from "./deployPathTypes";

const cell = (s: string | number | boolean | undefined) => String(s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (head: string[], rows: (string | number | boolean | undefined)[][]) =>
    [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");

export function deployPathMarkdown(d: DeployPath): string {
    const out = [
        `# Deploy path of ${d.environment} (${d.mode})`,
        "",
        `What a machine that runs \`pulumi preview\` and \`pulumi up\` for ${d.environment} (account ${d.accountId}, region ${d.region}) needs, derived from the synthesized plan and the installed packages by \`npm run synth -- ${d.environment}${d.mode === "single" ? " --single" : ""}\`. The same content: deploy-path.json.`,
    ];
    if (d.kubernetesApi) {
        const a = d.kubernetesApi;
        out.push("", "## Kubernetes API", "", a.deployMachine, "");
        out.push(table(["endpoint", "access", "public access CIDRs"], [[a.endpoint, a.access, a.publicAccessCidrs.join(", ") || "none"]]));
        out.push("", "Networks outside the VPC the API admits (tcp 443):", "", table(["CIDR", "via"], a.reachableFrom.map((r) => [r.cidr, r.via])));
        out.push("", "Layers that talk to the API from the deploy machine:", "", table(["layer", "resources"], a.layers.map((l) => [l.layer, l.resources])));
        out.push("", "The endpoint shown offline is the mock engine's; the real one is the cluster stack's `endpoint` output.");
    }
    out.push("", "## Endpoints it must reach", "", table(["host", "port", "for", "layers", "PrivateLink service"], d.endpoints.map((e) => [e.host, e.port, e.purpose, e.layers.join(", "), e.privateLink ?? ""])));
    out.push("", "An AWS API is reached through the deploy machine's egress, or through the interface endpoint of its own VPC (the PrivateLink service named; the environment's VPC endpoints serve the nodes, not a peered VPC).");
    out.push("", "## Helm charts", "", table(["layer", "release", "chart", "version", "from", "host", "mirrored"], d.charts.map((c) => [c.layer, c.release, c.chart, c.version, c.from, c.host, c.mirrored ? "yes" : "no"])));
    out.push("", "Without internet, set `platform:charts.mirror` (an OCI registry, e.g. the account's ECR): every release then pulls `<mirror>/<chart>` ([runbook](../../docs/runbooks/private-images.md)).");
    out.push("", "## CLIs", "", table(["CLI", "version", "why", "source"], d.clis.map((c) => [c.name, c.version, c.why, c.source])));
    out.push("", "## Provider plugins", "", table(["plugin", "version", "why", "layers", "source", "install"], d.plugins.map((p) => [p.name, p.version, p.why, p.layers.join(", "), p.source, `\`${p.install}\``])));
    out.push("", "An air-gapped deploy machine installs each before the first preview (add `--file <archive>` for a downloaded archive). `--exact`: without it the CLI accepts any installed newer version, but the engine loads only the exact version a resource asks for.");
    out.push("", "## Not needed on the deploy machine", "", ...d.notNeeded.map((n) => `- ${n}`), "");
    return out.join("\n");
}

/** Writes `<dir>/deploy-path.md` and `<dir>/deploy-path.json`; returns the files. */
export function writeDeployPath(d: DeployPath, dir: string): string[] {
    const md = path.join(dir, "deploy-path.md");
    const json = path.join(dir, "deploy-path.json");
    fs.writeFileSync(md, deployPathMarkdown(d));
    fs.writeFileSync(json, JSON.stringify(d, null, 2) + "\n");
    return [md, json];
}
