// Private images (issue #9): the ECR pull-through cache, the registry map and the overrides every
// release gets without internet egress, the chart mirror, application images, the pre-warm list.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { foreignApplicationImages } from "../lib/config/registries";
import { parseConfig } from "../lib/config/load";
import { CHART_IMAGES, CHART_UPSTREAMS, UPSTREAMS, type ImageCache } from "../lib/images";
import { cachePullPolicy, lifecyclePolicy } from "../infra/cluster/imageCache";
import { prewarmOf, prewarmScript } from "../synth/prewarm";
import { synthesize, type Plan } from "../synth/synth";
import { availableLayers } from "../lib/layers";
import { configWith, DOCKER_HUB_CREDENTIAL, envConfig, problemsOf, entriesWith, layerOf, REPO_ROOT, resourcesOf, synthEnv, TEST_DAY } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const RULE = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule";
const TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate";
const REGISTRY = "111122223333.dkr.ecr.eu-west-1.amazonaws.com";
type Values = Record<string, unknown>;

const releasesOf = (plan: Plan) => resourcesOf(plan, "addons", RELEASE).map((r) => r.inputs as { name: string; chart: string; repositoryOpts?: unknown; values: Values });
const chartName = (chart: string) => chart.slice(chart.lastIndexOf("/") + 1);
const at = (values: Values, key: string): unknown => key.split(".").reduce<unknown>((v, k) => (v as Values | undefined)?.[k], values);
const cacheOf = (plan: Plan) => layerOf(plan, "cluster").outputs.imageCache as ImageCache | undefined;

/** Every `registry`, `imageRegistry` and host-qualified `repository`/`image` string in a values tree, with its path. */
function imageReferences(node: unknown, trail = ""): { key: string; value: string }[] {
    if (Array.isArray(node)) return node.flatMap((n, i) => imageReferences(n, `${trail}[${i}]`));
    if (!node || typeof node !== "object") return [];
    return Object.entries(node as Values).flatMap(([k, v]) => {
        const key = trail ? `${trail}.${k}` : k;
        if (typeof v !== "string") return imageReferences(v, key);
        const isRegistry = k === "registry" || k === "imageRegistry";
        const hostQualified = (k === "repository" || k === "image") && /^[^/]+\.[^/]+\//.test(v);
        return isRegistry || hostQualified ? [{ key, value: v }] : [];
    });
}

/** Prod's entries with some keys replaced: the same environment, another setting. */
function prodWith(overrides: Record<string, unknown>) {
    const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    return parseConfig({ ...doc.config, ...overrides }, "prod", "Pulumi.prod.yaml", TEST_DAY);
}

describe("private images", () => {
    let prod: Plan;
    let prodWithEgress: Plan;
    before(async () => {
        prod = await synthEnv("prod");
        prodWithEgress = (await synthesize(prodWith({ "platform:egress": "single-nat", "platform:productionExceptions": { internetEgress: { reason: "a test of the cache where egress exists" } } }))).plan;
    });

    describe("the pull-through cache (prod, egress none)", () => {
        it("has a rule for every upstream registry the prod releases pull from, below the cache root", () => {
            const rules = new Map(resourcesOf(prod, "cluster", RULE).map((r) => [r.inputs.upstreamRegistryUrl as string, r.inputs.ecrRepositoryPrefix as string]));
            const used = new Set(releasesOf(prod).flatMap((r) => (CHART_IMAGES[chartName(r.chart)] ?? []).map((i) => i.upstream)));
            assert.ok(used.size >= 4, "prod's releases pull from ECR Public, Quay, registry.k8s.io and Docker Hub");
            for (const upstream of used) assert.equal(rules.get(UPSTREAMS[upstream].url), `acme-prod/${UPSTREAMS[upstream].prefix}`, upstream);
            assert.equal(rules.get("ghcr.io"), "acme-prod/ghcr", "the config's extra upstream (applications)");
            assert.deepEqual(cacheOf(prod)?.registry, REGISTRY);
        });

        it("authenticates Docker Hub and GHCR with Secrets Manager secrets named ecr-pullthroughcache/ (ECR's rule)", () => {
            const rule = (url: string) => resourcesOf(prod, "cluster", RULE).find((r) => r.inputs.upstreamRegistryUrl === url)?.inputs;
            assert.match(String(rule("registry-1.docker.io")?.credentialArn), /^arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache\//);
            assert.match(String(rule("ghcr.io")?.credentialArn), /^arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache\//);
            assert.equal(rule("quay.io")?.credentialArn, undefined, "Quay needs no credentials");
        });

        it("creates cached repositories encrypted with the platform key, through a role limited to the cache, expiring untagged images", () => {
            const [template] = resourcesOf(prod, "cluster", TEMPLATE).map((r) => r.inputs as Values & { encryptionConfigurations: Values[] });
            assert.equal(template.prefix, "acme-prod");
            assert.deepEqual(template.appliedFors, ["PULL_THROUGH_CACHE"]);
            assert.deepEqual(template.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: layerOf(prod, "cluster").outputs.kmsKeyArn }]);
            assert.match(String(template.customRoleArn), /acme-prod-image-cache-templates/, "KMS in a template needs a custom role");
            assert.deepEqual(JSON.parse(String(template.lifecyclePolicy)), lifecyclePolicy(14));
            assert.equal(lifecyclePolicy(14).rules[0].selection.tagStatus, "untagged");
            const rolePolicy = JSON.parse(String(resourcesOf(prod, "cluster", "aws:iam/rolePolicy:RolePolicy").find((r) => r.name.includes("image-cache-templates"))?.inputs.policy));
            assert.equal(rolePolicy.Statement[0].Resource, "arn:aws:ecr:eu-west-1:111122223333:repository/acme-prod/*");
            assert.equal(rolePolicy.Statement[1].Condition.StringEquals["kms:ViaService"], "ecr.eu-west-1.amazonaws.com");
        });

        it("leaves the registry's scanning configuration alone unless config opts in (it replaces the account's whole configuration)", async () => {
            const SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";
            assert.deepEqual(resourcesOf(prod, "cluster", SCANNING), []);
            const config = configWith({ "platform:egress": "none", "platform:imageCache": { dockerHubCredentialArn: DOCKER_HUB_CREDENTIAL, manageRegistryScanning: true } });
            // Network and cluster layers only: the plays (which need the add-ons' nodes) judge whole plans elsewhere.
            const plan = (await synthesize(config, "layered", availableLayers().slice(0, 2), undefined, [])).plan;
            const [scanning] = resourcesOf(plan, "cluster", SCANNING);
            assert.deepEqual(scanning.inputs.rules, [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "acme-test/*", filterType: "WILDCARD" }] }]);
        });

        it("lets Fargate and every node role fill the cache, below its prefix only", () => {
            const attachments = resourcesOf(prod, "cluster", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.includes("image-cache"));
            // prod's EC2 nodes are Karpenter's: their role carries the fill policy in the add-ons layer.
            assert.deepEqual(attachments.map((a) => a.name).sort(), ["acme-prod-image-cache-fargate"]);
            const karpenterNode = resourcesOf(prod, "addons", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.includes("-karpenter-node-"));
            assert.ok(karpenterNode.some((a) => a.inputs.policyArn === String(layerOf(prod, "cluster").outputs.imageCachePullPolicyArn)));
            assert.deepEqual(cachePullPolicy("eu-west-1", "111122223333", "acme-prod").Statement[0].Resource, "arn:aws:ecr:eu-west-1:111122223333:repository/acme-prod/*");
        });
    });

    describe("registry overrides", () => {
        it("the registry map covers every chart the platform installs", () => {
            for (const r of [...releasesOf(prod), ...releasesOf(prodWithEgress)]) assert.ok(CHART_IMAGES[chartName(r.chart)], `${r.chart} is in lib/images.ts`);
            assert.deepEqual([...CHART_UPSTREAMS].sort(), ["docker.io", "public.ecr.aws", "quay.io", "registry.k8s.io"]);
        });

        it("prod: every release sets each of its images' registry keys to the cache prefix of the image's upstream", () => {
            const cache = cacheOf(prod) ?? assert.fail("prod has a cache");
            for (const r of releasesOf(prod)) {
                for (const image of CHART_IMAGES[chartName(r.chart)]) {
                    const base = `${REGISTRY}/${cache.prefixes[image.upstream]}`;
                    const key = image.registryKey ?? image.repositoryKey ?? assert.fail("an image has a key");
                    const expected = image.registryKey ? `${base}${image.trailingSlash ? "/" : ""}` : `${base}/${image.repository}`;
                    assert.equal(at(r.values, key), expected, `${r.name}: ${key}`);
                }
            }
        });

        it("prod: no registry or image in any release's values or workload manifest is outside the account's ECR", () => {
            for (const r of releasesOf(prod)) {
                for (const ref of imageReferences(r.values)) assert.ok(ref.value.startsWith(`${REGISTRY}/`), `${r.name}: ${ref.key} = ${ref.value}`);
            }
            const containers = layerOf(prod, "workloads").resources.flatMap((res) => JSON.stringify(res.inputs).match(/"image":"[^"]+"/g) ?? []);
            assert.ok(containers.length >= 5);
            for (const c of containers) assert.ok(c.startsWith(`"image":"${REGISTRY}/acme-prod/`), c);
        });

        it("the same environment with internet egress has no cache and no overrides", () => {
            assert.equal(resourcesOf(prodWithEgress, "cluster", RULE).length, 0);
            assert.equal(resourcesOf(prodWithEgress, "cluster", TEMPLATE).length, 0);
            assert.equal(cacheOf(prodWithEgress), undefined);
            for (const r of releasesOf(prodWithEgress)) {
                for (const image of CHART_IMAGES[chartName(r.chart)]) {
                    assert.equal(at(r.values, image.registryKey ?? image.repositoryKey ?? ""), undefined, `${r.name}: ${image.registryKey ?? image.repositoryKey}`);
                }
            }
        });

        it("karpenter runs isolated without egress; the load balancer controller skips Shield and WAF there", () => {
            const values = (plan: Plan, name: string) => releasesOf(plan).find((r) => r.name === name)?.values ?? assert.fail(name);
            assert.equal(at(values(prod, "karpenter"), "settings.isolatedVPC"), true);
            assert.equal(at(values(prodWithEgress, "karpenter"), "settings.isolatedVPC"), false);
            for (const key of ["enableShield", "enableWaf", "enableWafv2"]) assert.equal(at(values(prod, "aws-load-balancer-controller"), key), false, key);
        });

        it("IRSA service accounts use regional STS (the VPC's sts endpoint)", () => {
            // Karpenter's controller is the one IRSA user (Fargate); the other add-ons use EKS Pod Identity.
            for (const name of ["karpenter"]) {
                const annotations = at(releasesOf(prod).find((r) => r.name === name)?.values ?? {}, "serviceAccount.annotations") as Values;
                assert.equal(annotations["eks.amazonaws.com/sts-regional-endpoints"], "true", name);
            }
        });
    });

    describe("chart mirror", () => {
        it("when set, every release pulls its chart from <mirror>/<chart> and no upstream repository", async () => {
            const mirror = "oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts";
            const { plan } = await synthesize(configWith({ "platform:charts": { mirror } }));
            const releases = releasesOf(plan);
            assert.ok(releases.length >= 8);
            for (const r of releases) {
                assert.ok(r.chart.startsWith(`${mirror}/`), r.chart);
                assert.equal(r.repositoryOpts, undefined, r.name);
            }
        });
    });

    describe("config", () => {
        const privateEnv = { "platform:tier": "production" };
        it("rejects a Docker Hub credential that is not an ecr-pullthroughcache/ secret ARN, naming the key", () => {
            const problems = problemsOf(entriesWith({ ...privateEnv, "platform:imageCache": { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:docker-hub-AbCdEf" } }));
            assert.equal(problems.length, 1);
            assert.match(problems[0], /^platform:imageCache\.dockerHubCredentialArn: .* is not the ARN of a Secrets Manager secret named "ecr-pullthroughcache\/\.\.\."/);
        });

        it("requires the Docker Hub credential when the cache is on, and a GHCR one when GHCR is cached", () => {
            assert.match(problemsOf(entriesWith({ ...privateEnv, "platform:imageCache": {} })).join("\n"), /^platform:imageCache\.dockerHubCredentialArn: is required/);
            assert.deepEqual(configWith({ "platform:imageCache": {} }).imageCache.enabled, undefined, "no cache, no credential needed (egress single-nat)");
            const ghcr = problemsOf(entriesWith({ ...privateEnv, "platform:imageCache": { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/d-AbCdEf", extraUpstreams: ["ghcr.io"] } }));
            assert.match(ghcr.join("\n"), /^platform:imageCache\.ghcrCredentialArn: is required/);
        });

        it("refuses a cache prefix that would not fit ECR's 30 characters, and turning the cache off without egress", () => {
            const long = problemsOf(entriesWith({ ...privateEnv, "platform:name": "a-rather-long-name", "platform:imageCache": { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/d-AbCdEf" } }));
            assert.match(long.join("\n"), /^platform:imageCache\.prefix: "a-rather-long-name-test" is too long/);
            assert.match(problemsOf(entriesWith({ ...privateEnv, "platform:imageCache": { enabled: false } })).join("\n"), /platform:imageCache\.enabled: cannot be false when platform:egress is none/);
        });

        it("in a private environment, application images come from the account's ECR in the environment's region", () => {
            const prodConfig = envConfig("prod");
            assert.ok(prodConfig.applications.every((a) => a.image.startsWith(`${REGISTRY}/`)));
            const problems = (() => {
                try {
                    prodWith({ "platform:applications": [{ ...prodConfig.applications[0], image: "public.ecr.aws/nginx/nginx-unprivileged:1.27.3" }] });
                } catch (err) {
                    return String(err);
                }
                return "";
            })();
            assert.match(problems, /platform:applications\[0\]\.image: "public\.ecr\.aws\/nginx\/nginx-unprivileged:1\.27\.3" is not in the account's ECR in eu-west-1/);
            assert.deepEqual(foreignApplicationImages([{ image: `${REGISTRY}/x/y:1` }, { image: "444455556666.dkr.ecr.eu-west-1.amazonaws.com/x/y:1" }], "111122223333").length, 1);
        });
    });

    describe("npm run images", () => {
        it("lists every cached image of prod's releases and writes a pre-warm script that renders each release and pulls through the cache", () => {
            const config = envConfig("prod");
            const prewarm = prewarmOf(prod, config);
            assert.ok(prewarm.images.length >= 30);
            for (const image of prewarm.images) assert.ok(image.cached.startsWith(`${REGISTRY}/acme-prod/`), image.cached);
            const script = prewarmScript(prewarm, config.region);
            assert.match(script, /docker login --username AWS --password-stdin 111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
            // Portable: the values files are found beside the script, wherever it is copied; no path of the machine that wrote it.
            assert.ok(!script.includes(REPO_ROOT) && !/ \/(tmp|home|work|Users)\//.test(script), script);
            for (const r of prewarm.releases) assert.ok(script.includes(`--values "$here/${r.release}.values.json"`), r.release);
            for (const r of prewarm.releases) assert.ok(script.includes(`helm template ${r.release} `), r.release);
            for (const app of config.applications) assert.ok(script.includes(`docker pull ${app.image}`), app.image);
            assert.throws(() => prewarmOf(prodWithEgress, prodWith({ "platform:egress": "single-nat", "platform:productionExceptions": { internetEgress: { reason: "a test of the cache where egress exists" } } })), /has no image cache/);
        });
    });
});
