// The deploy path (issue 15, item 5): what a deploy machine needs for an environment, derived from
// the plan and the installed packages. A private API names where the machine must sit; every chart
// repository, AWS service and provider plugin of the plan is listed with exact versions; a changed
// plan changes it; what it cannot describe fails.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PlanView } from "../plays/view";
import { DeployPathError, deployPath, deployPathMarkdown, installed, type DeployPath } from "../synth/deployPath";
import type { Plan, PlannedResource } from "../synth/plan";
import { PULUMI_EKS_RUNTIME } from "../synth/remoteComponents";
import { REPO_ROOT, synthEnv } from "./helpers";

const clone = (plan: Plan): Plan => JSON.parse(JSON.stringify(plan)) as Plan;
const hosts = (d: DeployPath) => d.endpoints.map((e) => e.host);
const pluginVersion = (pkg: string): string =>
    (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", pkg, "package.json"), "utf8")) as { pulumi: { version: string } }).pulumi.version;

function resource(plan: Plan, layer: string, r: Partial<PlannedResource> & { type: string; name: string }): void {
    const target = plan.layers.find((l) => l.name === layer) ?? assert.fail(layer);
    target.resources.push({ urn: `urn:pulumi:${plan.environment}::test::${r.type}::${r.name}`, dependsOn: [], inputs: {}, custom: true, remote: false, protect: false, retainOnDelete: false, ...r });
}

describe("the deploy path (out/<env>/deploy-path.md and .json)", function () {
    this.timeout(120_000);
    let prod: Plan;
    let dev: Plan;
    let path_: DeployPath;
    before(async () => {
        // One synth at a time: the mock runtime is global.
        prod = await synthEnv("prod");
        dev = await synthEnv("dev");
        path_ = deployPath(prod);
    });

    describe("the Kubernetes API", () => {
        it("prod's private endpoint: the machine sits in the VPC, the peered tooling VPC or on the VPN, never a GitHub-hosted runner", () => {
            const api = path_.kubernetesApi ?? assert.fail("no API");
            assert.equal(api.access, "private only");
            assert.deepEqual(api.publicAccessCidrs, []);
            assert.deepEqual(api.reachableFrom.map((r) => r.cidr).sort(), ["10.100.0.0/16", "10.200.0.0/16"]);
            assert.match(api.reachableFrom.find((r) => r.cidr === "10.100.0.0/16")?.via ?? "", /^peered VPC vpc-0a1b2c3d4e5f60718/);
            assert.match(api.reachableFrom.find((r) => r.cidr === "10.200.0.0/16")?.via ?? "", /^VPN through transit gateway tgw-/);
            assert.match(api.deployMachine, /inside the environment's VPC \(10\.30\.0\.0\/16\)/);
            assert.match(api.deployMachine, /peered VPC vpc-0a1b2c3d4e5f60718 .*\(10\.100\.0\.0\/16\)/);
            assert.match(api.deployMachine, /VPN .*\(10\.200\.0\.0\/16\)/);
            assert.match(api.deployMachine, /GitHub-hosted runners cannot reach it/);
            // Every layer with Kubernetes objects talks to it; the network layer does not.
            assert.deepEqual(api.layers.map((l) => l.layer), ["cluster", "addons", "workloads"]);
            const endpoint = path_.endpoints.find((e) => e.host === new URL(api.endpoint).host) ?? assert.fail("the API is no endpoint");
            assert.deepEqual(endpoint.layers, ["cluster", "addons", "workloads"]);
        });

        it("dev is private only too; a public endpoint says where the machine must connect from, and pulumi-eks's health poll joins the API's users", () => {
            assert.equal(deployPath(dev).kubernetesApi?.access, "private only");
            const plan = clone(prod);
            const cluster = new PlanView(plan).ofType("aws:eks/cluster:Cluster")[0];
            const raw = plan.layers.flatMap((l) => l.resources).find((r) => r.urn === cluster.urn) as PlannedResource;
            Object.assign(raw.inputs.vpcConfig as object, { endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"] });
            const component = plan.layers.flatMap((l) => l.resources).find((r) => r.type === "eks:index:Cluster") as PlannedResource;
            component.inputs.endpointPublicAccess = true;
            const api = deployPath(plan).kubernetesApi ?? assert.fail("no API");
            assert.equal(api.access, "public and private");
            assert.deepEqual(api.publicAccessCidrs, ["198.51.100.0/24"]);
            assert.match(api.deployMachine, /198\.51\.100\.0\/24/);
            assert.equal(api.layers.find((l) => l.layer === "cluster")?.resources, (path_.kubernetesApi?.layers.find((l) => l.layer === "cluster")?.resources ?? 0) + 1);
        });
    });

    describe("the endpoints", () => {
        it("every chart repository of the plan, with its release", () => {
            const releases = new PlanView(prod).releases();
            assert.ok(releases.length >= 10);
            for (const r of releases) {
                const source = r.repository ?? r.chart;
                const host = new URL(source.replace(/^oci:\/\//, "https://")).host;
                assert.ok(path_.charts.some((c) => c.release === r.name && c.version === r.version && c.from === source && c.host === host), `${r.name} from ${source}`);
                assert.ok(hosts(path_).includes(host), `${host} is an endpoint`);
            }
        });

        it("a release from another repository adds its host; a chart mirror in ECR replaces the upstreams and needs the ECR API", () => {
            const plan = clone(prod);
            const release = plan.layers.flatMap((l) => l.resources).find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "metrics-server") as PlannedResource;
            release.inputs.repositoryOpts = { repo: "https://charts.example.org/stable" };
            assert.ok(!hosts(path_).includes("charts.example.org"));
            assert.ok(hosts(deployPath(plan)).includes("charts.example.org"));

            const mirror = "oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts";
            const mirrored = clone(prod);
            for (const r of mirrored.layers.flatMap((l) => l.resources)) {
                if (r.type === "platform:addons:HelmRelease") r.inputs.chartMirror = mirror;
                if (r.type === "kubernetes:helm.sh/v3:Release") {
                    r.inputs.chart = `${mirror}/${String(r.inputs.chart).split("/").pop()}`;
                    delete r.inputs.repositoryOpts;
                }
            }
            const d = deployPath(mirrored);
            assert.ok(d.charts.every((c) => c.mirrored && c.host === "111122223333.dkr.ecr.eu-west-1.amazonaws.com"));
            assert.ok(!hosts(d).includes("docs.tigera.io") && !hosts(d).includes("public.ecr.aws"), "no upstream chart host");
            assert.ok(d.endpoints.some((e) => e.host === "api.ecr.eu-west-1.amazonaws.com" && e.layers.includes("addons")));
            // The Release passes no OCI credentials: the machine logs Helm in to the mirror first.
            assert.match(d.clis.find((c) => c.name === "helm")?.why ?? "", /aws ecr get-login-password --region eu-west-1 \| helm registry login --username AWS --password-stdin 111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
            assert.ok(!path_.clis.some((c) => c.name === "helm"), "no mirror, no login");
        });

        it("the AWS API of every service the plan's resources and data sources use, STS in every layer, IAM's global endpoint", () => {
            const byHost = new Map(path_.endpoints.map((e) => [e.host, e]));
            for (const host of ["ec2", "eks", "kms", "logs", "events", "sqs", "elasticfilesystem", "s3", "api.ecr"]) assert.ok(byHost.has(`${host}.eu-west-1.amazonaws.com`), host);
            assert.deepEqual(byHost.get("sts.eu-west-1.amazonaws.com")?.layers, ["network", "cluster", "addons", "workloads"]);
            assert.match(byHost.get("sts.eu-west-1.amazonaws.com")?.purpose ?? "", /getCallerIdentity/);
            assert.equal(byHost.get("iam.amazonaws.com")?.privateLink, undefined);
            assert.equal(byHost.get("kms.eu-west-1.amazonaws.com")?.privateLink, "com.amazonaws.eu-west-1.kms");
            // getManagedPrefixList is a data source of the workloads layer (EC2).
            assert.ok(byHost.get("ec2.eu-west-1.amazonaws.com")?.layers.includes("workloads"));
        });

        it("a resource of a new AWS service adds its endpoint; a module no table knows fails, naming the type", () => {
            const plan = clone(prod);
            resource(plan, "workloads", { type: "aws:secretsmanager/secret:Secret", name: "extra" });
            const added = deployPath(plan).endpoints.find((e) => e.host === "secretsmanager.eu-west-1.amazonaws.com");
            assert.deepEqual(added?.layers, ["workloads"]);
            assert.ok(!hosts(path_).includes("secretsmanager.eu-west-1.amazonaws.com"));

            resource(plan, "workloads", { type: "aws:bedrock/agent:Agent", name: "unknown" });
            assert.throws(() => deployPath(plan), (err: Error) => err instanceof DeployPathError && /aws:bedrock\/agent:Agent: which AWS API endpoint it calls is not known/.test(err.message));
        });
    });

    describe("the CLIs and plugins", () => {
        it("the provider plugins are the installed packages' exact versions, and the eks plugin's own aws and kubernetes", () => {
            const listed = path_.plugins.map((p) => `${p.name}@${p.version}`).sort();
            const expected = [
                ...["aws", "eks", "kubernetes", "random"].map((pkg) => `${pkg}@${pluginVersion(pkg)}`),
                ...Object.entries(PULUMI_EKS_RUNTIME.plugins).map(([pkg, version]) => `${pkg}@${version}`),
            ].sort();
            assert.deepEqual(listed, expected);
            for (const p of path_.plugins) assert.equal(p.install, `pulumi plugin install resource ${p.name} ${p.version} --exact`);
            assert.deepEqual(path_.plugins.find((p) => p.name === "random")?.layers, ["addons"]);
        });

        it("another installed version changes the plugin; an @pulumi/eks the runtime model was not read for fails", () => {
            const have = installed();
            const newer = { ...have, pulumiPackages: { ...have.pulumiPackages, kubernetes: { sdk: "4.35.0", plugin: "4.35.0" } } };
            assert.ok(deployPath(prod, newer).plugins.some((p) => p.name === "kubernetes" && p.version === "4.35.0"));
            const eks = { ...have, pulumiPackages: { ...have.pulumiPackages, eks: { sdk: "4.4.0", plugin: "4.4.0" } } };
            assert.throws(() => deployPath(prod, eks), /@pulumi\/eks 4\.4\.0 is installed, but what its plugin needs was read at v4\.3\.0/);
        });

        it("the CLIs: aws >= 2.7 for pulumi-eks and its kubeconfig, node from the strictest engines, pulumi 3", () => {
            const cli = Object.fromEntries(path_.clis.map((c) => [c.name, c]));
            assert.match(cli.aws.version, /^>=2\.7\.0 /);
            assert.match(cli.aws.why, /aws --region eu-west-1 eks get-token --cluster-name acme-prod --output json/);
            assert.match(cli.aws.why, /client\.authentication\.k8s\.io\/v1beta1/);
            assert.equal(cli.node.version, ">=22.0.0");
            assert.match(cli.pulumi.version, /^>=3\.151\.0 <4\.0\.0/, "the layers' own AWS providers need 3.151.0 to take over existing resources in place");
        });
    });

    it("the markdown holds everything the JSON says", () => {
        const md = deployPathMarkdown(path_);
        const leaves = (v: unknown): string[] => (v && typeof v === "object" ? Object.values(v).flatMap(leaves) : typeof v === "boolean" ? [] : [String(v)]);
        for (const leaf of leaves(path_)) assert.ok(md.includes(leaf.replace(/\|/g, "\\|")), `the markdown lacks ${JSON.stringify(leaf)}`);
    });
});
