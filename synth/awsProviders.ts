// What the AWS provider does with tags, played offline: each AWS resource is served by a provider
// (an explicit `pulumi:providers:aws`, or the stack's default provider when none is given), and a
// taggable resource's `tagsAll` is that provider's `defaultTags` merged under the resource's own
// `tags` (@pulumi/aws 7.x: the provider's Check computes it, so a preview and the policy pack see
// it among the inputs). Which types are taggable is read from the pinned @pulumi/aws itself: a
// resource class that declares the output `tagsAll` takes defaultTags; one without (an Auto
// Scaling group's `tags` blocks, a route, an attachment) takes none.
import * as fs from "fs";
import * as path from "path";

export const AWS_PROVIDER = "pulumi:providers:aws";

const AWS_SDK = path.dirname(require.resolve("@pulumi/aws/package.json"));
const taggable = new Map<string, boolean>();

/** Whether the AWS resource type has `tagsAll` (so takes the provider's default tags), per the installed @pulumi/aws. */
export function isTaggable(type: string): boolean {
    const known = taggable.get(type);
    if (known !== undefined) return known;
    // `aws:iam/role:Role` is the class in iam/role.js.
    const match = /^aws:([^/]+)\/([^:]+):/.exec(type);
    const file = match ? path.join(AWS_SDK, match[1], `${match[2]}.js`) : undefined;
    const result = file !== undefined && fs.existsSync(file) && fs.readFileSync(file, "utf8").includes(`resourceInputs["tagsAll"] = state?.tagsAll`);
    taggable.set(type, result);
    return result;
}

/** `urn::id` (a provider reference) -> the provider's URN. */
export const providerUrnOf = (ref: string): string => ref.slice(0, ref.lastIndexOf("::"));

const asTags = (v: unknown): Record<string, string> =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};

/** The default tags of the AWS providers of a run, by provider URN; the default provider's from the environment file. */
export class AwsProviders {
    private readonly defaults = new Map<string, Record<string, string>>();

    /** `aws:defaultTags.tags` of the environment file: what the stack's default provider applies. */
    constructor(private readonly defaultProviderTags: Record<string, string> = {}) {}

    /** A registered `pulumi:providers:aws`: its `defaultTags` input (a JSON string on the wire). */
    record(urn: string, inputs: Record<string, unknown>): void {
        const raw = inputs.defaultTags;
        let parsed: unknown = raw;
        if (typeof raw === "string") {
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
        }
        this.defaults.set(urn, asTags((parsed as { tags?: unknown } | undefined)?.tags));
    }

    /**
     * The inputs the AWS provider would check: `tagsAll` added to a taggable AWS resource, its
     * provider's default tags under its own tags. Other resources are returned as they are.
     */
    checked(type: string, providerUrn: string | undefined, inputs: Record<string, unknown>): Record<string, unknown> {
        if (!type.startsWith("aws:") || !isTaggable(type)) return inputs;
        const defaults = providerUrn === undefined ? this.defaultProviderTags : this.defaults.get(providerUrn) ?? {};
        return { ...inputs, tagsAll: { ...defaults, ...asTags(inputs.tags) } };
    }
}
