// Chart truth (plays/charts.ts): every release's chart version has a snapshot in ../shared/charts,
// comes from where the chart is published, and sets only values the chart reads (its defaults, its
// subcharts', free-form keys) that validate against its values.schema.json. Also the add-ons'
// declarations, which the pins, the registry map and the config schema are built from.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ADDON_CHARTS, ADDON_LIST, CHARTS, installOrder } from "../lib/addons";
import { crdProblems } from "../lib/crds";
import { CHART_IMAGES } from "../lib/images";
import { addonsSchema } from "../lib/config/addons";
import { chartCheckNotice, charts, chartsPlay, CHARTS_ROOT, publishedLocations, readSnapshot } from "../plays/charts";
import { formatProblem } from "../plays/play";
import { PlanView } from "../plays/view";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { envConfig, synthEnv } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const problemsOf = (plan: Plan) => charts.run(new PlanView(plan)).map(formatProblem);
/** A copy of the plan with one release (by release name) changed. */
function withRelease(plan: Plan, name: string, change: (inputs: Values) => void): Plan {
    const copy = structuredClone(plan);
    const r = copy.layers.flatMap((l) => l.resources).find((x) => x.type === RELEASE && x.inputs.name === name) ?? assert.fail(`no release ${name}`);
    change(r.inputs as Values);
    return copy;
}

describe("chart truth (plays/charts.ts)", () => {
    let prod: Plan;
    let dev: Plan;
    before(async () => {
        prod = await synthEnv("prod");
        dev = await synthEnv("dev");
    });

    it("passes dev and prod: every release pinned to a version with a snapshot, from where it is published, with the chart's values", () => {
        assert.deepEqual(problemsOf(prod), []);
        assert.deepEqual(problemsOf(dev), []);
        const releases = new PlanView(prod).releases();
        assert.ok(releases.length >= 12, `${releases.length} releases`);
        for (const r of releases) assert.ok(readSnapshot(CHARTS_ROOT, r.chart.slice(r.chart.lastIndexOf("/") + 1), r.version!), `${r.name}: ${r.chart} ${r.version} has a snapshot`);
    });

    it("fails a version without a snapshot, naming the release and the version (loki 8.2.0 does not exist)", () => {
        const problems = problemsOf(withRelease(prod, "loki", (i) => (i.version = "8.2.0")));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /loki\/loki: chart loki 8\.2\.0 has no snapshot/);
    });

    it("fails a values key the chart does not have, naming the release and the path", () => {
        const misspelt = problemsOf(withRelease(prod, "metrics-server", (i) => (i.values.replicaz = 2)));
        assert.equal(misspelt.length, 1, misspelt.join("\n"));
        assert.match(misspelt[0], /kube-system\/metrics-server: values path replicaz: "replicaz" is not a key/);
        // kubecost 3.2.1 has no mcp component: the key Helm would silently ignore.
        const mcp = problemsOf(withRelease(prod, "kubecost", (i) => (i.values.mcp = { image: { repository: "x/kubecost/mcp" } })));
        assert.match(mcp.join("\n"), /kubecost\/kubecost: values path mcp\.image\.repository/);
        // A nested misspelling names the whole path and what the chart has there.
        const nested = problemsOf(withRelease(prod, "aws-load-balancer-controller", (i) => (i.values.serviceAccount.anotations = {})));
        assert.match(nested.join("\n"), /values path serviceAccount\.anotations: .*serviceAccount has .*annotations/);
    });

    it("accepts free-form keys, subcharts' keys, keys a chart documents in a comment, and paths it passes through", () => {
        const ok = withRelease(prod, "kube-prometheus-stack", (i) => {
            i.values.grafana.podAnnotations = { "a/b": "c" };
            i.values["prometheus-node-exporter"].extraArgs = ["--x"];
        });
        assert.deepEqual(problemsOf(ok), []);
        const loki = withRelease(prod, "loki", (i) => (i.values.loki.limits_config.max_streams_per_user = 0));
        assert.deepEqual(problemsOf(loki), [], "loki.limits_config is Loki's own configuration, rendered as it is");
    });

    it("validates values against the chart's values.schema.json (loki), as Helm does", () => {
        const problems = problemsOf(withRelease(prod, "loki", (i) => (i.values.deploymentMode = "Monolith")));
        assert.match(problems.join("\n"), /values \/deploymentMode must be equal to one of the allowed values \(values\.schema\.json of loki 8\.1\.3/);
    });

    it("validates tigera-operator's installation and apiServer values against the Installation and APIServer CRDs", () => {
        const problems = problemsOf(withRelease(prod, "calico", (i) => (i.values.installation.cni.type = "Flannel")));
        assert.match(problems.join("\n"), /values installation are the Installation spec .*spec\/cni\/type must be equal to one of the allowed values/);
    });

    it("fails a repository the chart is not published at (node-local-dns left charts.deliveryhero.io for GHCR)", () => {
        const old = withRelease(prod, "node-local-dns", (i) => {
            i.chart = "node-local-dns";
            i.repositoryOpts = { repo: "https://charts.deliveryhero.io" };
        });
        assert.match(problemsOf(old).join("\n"), /node-local-dns from https:\/\/charts\.deliveryhero\.io is not where node-local-dns is published \(oci:\/\/ghcr\.io\/deliveryhero\/helm-charts\/node-local-dns:2\.1\.3/);
        const source = fs.readFileSync(path.join(CHARTS_ROOT, "node-local-dns-2.1.3", "SOURCE"), "utf8");
        assert.ok(!publishedLocations(source).some((l) => l.includes("charts.deliveryhero.io")), "a location SOURCE says was dropped is not a published one");
    });

    it("accepts the configured chart mirror, and nothing else beside the published locations", async () => {
        const config = structuredClone(envConfig("dev"));
        config.charts.mirror = "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts";
        const { plan } = await synthesize(config);
        assert.ok(new PlanView(plan).releases().every((r) => r.chart.startsWith(`${config.charts.mirror}/`)));
        assert.deepEqual(problemsOf(plan), []);
        const elsewhere = withRelease(plan, "loki", (i) => (i.chart = "oci://registry.example.com/charts/loki"));
        assert.match(problemsOf(elsewhere).join("\n"), /loki\/loki: chart oci:\/\/registry\.example\.com\/charts\/loki is not where loki is published/);
    });

    it("fails the synth (and so npm test) on a misspelt values key in the config, naming the release and the path", async () => {
        const config = structuredClone(envConfig("dev"));
        config.addons.metricsServer.values = { hostNetwork: { enabeld: true } };
        const err = await synthesize(config).then(() => assert.fail("the synth passed"), (e: Error) => e);
        assert.ok(err instanceof SynthError);
        assert.match(err.message, /\[chart-truth\] Helm release kube-system\/metrics-server: values path hostNetwork\.enabeld/);
    });

    it("without ../shared/charts checks nothing and says so, with how to get snapshots", () => {
        const missing = path.join(os.tmpdir(), "no-such-charts");
        assert.deepEqual(chartsPlay({ root: missing }).run(new PlanView(prod)), []);
        assert.match(chartCheckNotice(missing) ?? "", /the chart check was skipped: no chart snapshots in .*no-such-charts\. Get them with bash scripts\/chart-snapshots\.sh/);
        assert.equal(chartCheckNotice(), undefined, "CI has ../shared/charts");
    });
});

describe("add-on declarations (lib/addons): one module per add-on, the tables built from them", () => {
    it("every chart of CHARTS and of the registry map comes from a declaration", () => {
        const declared = new Set(ADDON_CHARTS.map((c) => c.chart));
        for (const pin of Object.values(CHARTS)) assert.ok(declared.has(pin.chart), pin.chart);
        assert.deepEqual(new Set(Object.keys(CHART_IMAGES)), declared);
    });

    it("every add-on's config schema is the add-ons config schema's entry", () => {
        for (const d of ADDON_LIST) assert.equal(addonsSchema.unwrap().shape[d.key], d.config, d.key);
    });

    it("installs each add-on after what it runs after, and requires only add-ons it also runs after", () => {
        const order = installOrder();
        for (const d of ADDON_LIST) {
            for (const a of d.after) if (order.includes(a as never) && a !== "calico") assert.ok(order.indexOf(a as never) < order.indexOf(d.key), `${d.key} after ${a}`);
            for (const r of d.requires) assert.ok(d.after.includes(r) || ["ebsCsi", "efsCsi"].includes(r), `${d.key} requires ${r}, so runs after it`);
        }
    });
});

describe("custom resources the program declares, against their upstream CRDs (../shared/crds)", () => {
    const FOLDERS: Record<string, string> = {
        "monitoring.coreos.com/v1": "prometheus-operator-kube-prometheus-stack-88.5.3",
        "secrets-store.csi.x-k8s.io/v1": "secrets-store-csi-driver-1.6.0",
        "karpenter.sh/v1": "karpenter-1.14.1",
        "karpenter.k8s.aws/v1": "karpenter-1.14.1",
        "operator.tigera.io/v1": "calico-3.32",
        "crd.projectcalico.org/v1": "calico-3.32",
    };

    for (const env of ["dev", "prod"]) {
        it(`${env}: every ServiceMonitor, PodMonitor, PrometheusRule, SecretProviderClass (and Karpenter, Calico object) is valid`, async () => {
            const manifests = new PlanView(await synthEnv(env)).manifests().filter(({ manifest }) => manifest.apiVersion in FOLDERS);
            assert.ok(manifests.some(({ manifest }) => manifest.kind === "SecretProviderClass"), `${env} declares a SecretProviderClass`);
            for (const { manifest } of manifests) {
                assert.deepEqual(crdProblems(FOLDERS[manifest.apiVersion], manifest), [], `${manifest.kind} ${manifest.metadata.namespace ?? ""}/${manifest.metadata.name ?? ""}`);
            }
        });
    }

    it("refuses an invalid ServiceMonitor and SecretProviderClass (the check can fail)", () => {
        assert.notDeepEqual(crdProblems(FOLDERS["monitoring.coreos.com/v1"], { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", spec: { endpoints: [{ port: 8080 }] } }), []);
        assert.notDeepEqual(crdProblems(FOLDERS["secrets-store.csi.x-k8s.io/v1"], { apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: "SecretProviderClass", spec: { provider: 3 } }), []);
    });
});
