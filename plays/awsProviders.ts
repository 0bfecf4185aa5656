// Every AWS resource the platform creates goes through its layer's AWS provider: an explicit
// `pulumi:providers:aws` whose defaultTags carry the common tags (lib/awsProvider.ts). A resource
// left on the stack's default provider gets neither those tags nor the layer's provider settings,
// and a provider without the common tags in defaultTags tags nothing. What AWS creates itself (the
// EKS cluster security group) is no provider's.
import { COMMON_TAG_KEYS } from "../lib/naming";
import { AWS_PROVIDER } from "../synth/awsProviders";
import { play, type PlayProblem } from "./play";

const defaultTagsOf = (raw: unknown): Record<string, unknown> => {
    try {
        const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as { tags?: Record<string, unknown> } | undefined;
        return parsed?.tags ?? {};
    } catch {
        return {};
    }
};

export const awsProviders = play(
    { id: "aws-provider", description: "every AWS resource is served by its layer's explicit AWS provider, whose defaultTags carry the common tags" },
    (view, problem) => {
        const problems: PlayProblem[] = [];
        for (const p of view.ofType(AWS_PROVIDER)) {
            const tags = defaultTagsOf(p.inputs.defaultTags);
            const missing = COMMON_TAG_KEYS.filter((k) => typeof tags[k] !== "string");
            if (missing.length > 0) problems.push(problem(`the AWS provider ${p.name} has no ${missing.join(", ")} in defaultTags: build it with lib/awsProvider.ts (awsProviderArgs), so what it creates carries the common tags`, p.urn));
        }
        for (const r of view.resources) {
            if (!r.custom || !r.type.startsWith("aws:") || r.modeledFrom?.startsWith("AWS:")) continue;
            if (r.provider === undefined) {
                problems.push(problem(`${r.name} (${r.type}) is created through the stack's default AWS provider, without the ${r.layer} layer's provider (lib/awsProvider.ts) and so without its defaultTags and settings: create it inside a component given \`providers\`, with \`parent: this\``, r.urn));
            } else if (view.byUrn.get(r.provider)?.type !== AWS_PROVIDER) {
                problems.push(problem(`${r.name} (${r.type}) names the provider ${r.provider}, which is no AWS provider of the plan`, r.urn));
            }
        }
        return problems;
    },
);
