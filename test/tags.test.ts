// The platform's common tags come from each layer's AWS provider (defaultTags), not by hand: the
// mock engine plays what the AWS provider does (tagsAll = the provider's default tags under the
// resource's own), and rule aws-tags-common fails a taggable resource that misses them, naming it.
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { awsProviderName } from "../lib/awsProvider";
import { COMMON_TAG_KEYS, baseTags } from "../lib/naming";
import { stacksOfPlan } from "../policy/plan";
import type { PolicyStack } from "../policy/rule";
import { tagsCommon } from "../policy/rules/tags";
import { AWS_PROVIDER, isTaggable } from "../synth/awsProviders";
import { MockEngine } from "../synth/engine";
import type { Plan } from "../synth/plan";
import { runPlays } from "../plays";
import { awsProviders } from "../plays/awsProviders";
import { formatProblem } from "../plays/play";
import type { LayerName } from "../lib/layer";
import { configWith, envConfig, synthEnv } from "./helpers";

const violations = (stack: PolicyStack): string[] => tagsCommon(stack).filter((f) => !f.ok).map((f) => f.message);

/** Runs a small program on the mock engine and returns its plan resources. */
async function planOf(program: () => void) {
    const engine = new MockEngine("eu-west-1");
    await engine.install("platform-network", "qa", "organization");
    await engine.run(async () => program());
    return engine.resources;
}

describe("tags: the common tags come from each layer's AWS provider (defaultTags)", () => {
    it("reads which types take default tags from the pinned @pulumi/aws (tagsAll), not from a list", () => {
        for (const type of ["aws:iam/role:Role", "aws:ec2/vpc:Vpc", "aws:kms/key:Key", "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/cluster:Cluster", "aws:s3/bucketV2:BucketV2"]) {
            assert.ok(isTaggable(type), type);
        }
        // An Auto Scaling group's tags are blocks of their own; routes and attachments have none.
        for (const type of ["aws:autoscaling/group:Group", "aws:ec2/route:Route", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:nothing/such:Thing"]) {
            assert.ok(!isTaggable(type), type);
        }
    });

    for (const env of ["dev", "prod"]) {
        it(`${env}: every AWS resource is served by its layer's provider, and every taggable one carries the common tags in tagsAll`, async () => {
            const plan = await synthEnv(env);
            const config = envConfig(env);
            let checked = 0;
            for (const layer of plan.layers) {
                const provider = layer.resources.filter((r) => r.type === AWS_PROVIDER);
                assert.deepEqual(provider.map((p) => p.name), [awsProviderName(layer.name as LayerName)], `${layer.name}: one AWS provider`);
                const expected = baseTags(config, layer.name as LayerName);
                assert.deepEqual(JSON.parse(String(provider[0].inputs.defaultTags)), { tags: expected });
                assert.equal(provider[0].inputs.region, config.region);
                for (const r of layer.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
                    // What AWS creates itself (the EKS cluster security group) is not ours to tag.
                    if (r.modeledFrom?.startsWith("AWS:")) continue;
                    assert.equal(r.provider, provider[0].urn, `${r.urn} is served by ${awsProviderName(layer.name as LayerName)}`);
                    if (!isTaggable(r.type)) continue;
                    const tagsAll = r.inputs.tagsAll as Record<string, string>;
                    for (const [k, v] of Object.entries(expected)) assert.equal(tagsAll?.[k], v, `${r.urn}: tagsAll.${k}`);
                    checked++;
                }
            }
            assert.ok(checked > 50, `checked ${checked} taggable resources`);
            for (const { stack } of stacksOfPlan(plan, env === "prod")) assert.deepEqual(violations(stack), []);
        });
    }

    it("keeps explicit only the tags whose value differs: a Name, never a common tag", async () => {
        const plan = await synthEnv("prod");
        const common = new Set<string>([...COMMON_TAG_KEYS, ...Object.keys(envConfig("prod").tags)]);
        for (const layer of plan.layers) {
            for (const r of layer.resources.filter((x) => x.custom && x.type.startsWith("aws:") && !x.modeled)) {
                const own = Object.keys((r.inputs.tags as Record<string, string> | undefined) ?? {}).filter((k) => common.has(k));
                assert.deepEqual(own, [], `${r.urn} passes common tags by hand`);
            }
        }
    });

    it("fails a resource created without the layer's provider, or through a provider without defaultTags, naming it", async () => {
        const resources = await planOf(() => {
            const bare = new aws.Provider("bare", { region: "eu-west-1" });
            new aws.iam.Role("stray-role", { assumeRolePolicy: "{}", tags: { Name: "stray" } });
            new aws.sqs.Queue("bare-queue", {}, { provider: bare });
        });
        const stack: PolicyStack = { environment: "qa", production: false, today: new Date(), resources: resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect, dependencies: r.dependsOn })) };
        const found = violations(stack);
        assert.equal(found.length, 2);
        assert.match(found[0], /^stray-role \(aws:iam\/role:Role\) lacks platform:name, platform:environment, platform:layer, platform:managed-by in tagsAll/);
        assert.match(found[1], /^bare-queue \(aws:sqs\/queue:Queue\) lacks platform:name/);
    });

    it("merges the provider's default tags under the resource's own, as the AWS provider does", async () => {
        const resources = await planOf(() => {
            const p = new aws.Provider("tagged", { region: "eu-west-1", defaultTags: { tags: { Team: "platform", Name: "default" } } });
            new aws.sqs.Queue("q", { tags: { Name: "mine" } }, { provider: p });
        });
        const queue = resources.find((r) => r.name === "q")!;
        assert.deepEqual(queue.inputs.tagsAll, { Team: "platform", Name: "mine" });
        assert.match(String(queue.provider), /pulumi:providers:aws::tagged$/);
    });

    it("passes the environment file's other AWS provider settings to every layer's provider", () => {
        const config = configWith({ "aws:defaultTags": { tags: { Owner: "sre" } }, "aws:maxRetries": "10" });
        assert.deepEqual(config.awsSettings, { defaultTags: { tags: { Owner: "sre" } }, maxRetries: "10" });
    });
});

describe("plays/aws-provider: every AWS resource through its layer's provider", () => {
    const problemsOf = (plan: Plan): string[] => runPlays(plan, [awsProviders]).map(formatProblem);

    it("passes dev and prod", async () => {
        for (const env of ["dev", "prod"]) assert.deepEqual(problemsOf(await synthEnv(env)), [], env);
    });

    it("fails a resource left on the default provider, and a provider without the common tags, naming them", async () => {
        const plan = structuredClone(await synthEnv("prod"));
        const addons = plan.layers.find((l) => l.name === "addons")!;
        const efs = addons.resources.find((r) => r.type === "aws:efs/fileSystem:FileSystem")!;
        delete efs.provider;
        const provider = plan.layers.find((l) => l.name === "network")!.resources.find((r) => r.type === AWS_PROVIDER)!;
        provider.inputs.defaultTags = JSON.stringify({ tags: { Name: "x" } });
        const found = problemsOf(plan);
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /aws-network: the AWS provider aws-network has no platform:name, platform:environment, platform:layer, platform:managed-by in defaultTags/);
        assert.match(found[1], new RegExp(`${efs.name} \\(aws:efs/fileSystem:FileSystem\\) is created through the stack's default AWS provider, without the addons layer's provider`));
    });
});
