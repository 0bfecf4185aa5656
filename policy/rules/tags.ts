// Tags: every taggable AWS resource carries the platform's common tags once the provider's default
// tags are applied (`tagsAll`, as the AWS provider computes it in its Check: a preview, the policy
// pack and the synth's plan all show it), and every tag is one AWS accepts.
import { COMMON_TAG_KEYS } from "../../lib/naming";
import { tagProblem } from "../../lib/config/guards/early";
import { asRecord, rule, verdict, type Finding, type PolicyResource } from "../rule";

const hasTagsAll = (r: PolicyResource): boolean => r.type.startsWith("aws:") && typeof r.props.tagsAll === "object" && r.props.tagsAll !== null;

export const tagsCommon = rule(
    {
        id: "aws-tags-common",
        description: `Every taggable AWS resource carries the platform's common tags in tagsAll (${COMMON_TAG_KEYS.join(", ")}), from its layer's AWS provider (defaultTags) or its own tags.`,
        severity: "mandatory",
        reference: "AWS Well-Architected Framework, Cost Optimization COST03-BP02 (add organization information using tags); AWS Tagging Best Practices",
    },
    (stack): Finding[] =>
        stack.resources.filter(hasTagsAll).map((r) => {
            const tags = asRecord(r.props.tagsAll);
            const missing = COMMON_TAG_KEYS.filter((k) => typeof tags[k] !== "string" || tags[k] === "");
            const wrongEnv = tags["platform:environment"] !== undefined && tags["platform:environment"] !== stack.environment;
            const problem = missing.length > 0
                ? `${r.name} (${r.type}) lacks ${missing.join(", ")} in tagsAll: create it through its layer's AWS provider (lib/awsProvider.ts: a component's \`providers\` option, or \`parent: this\` inside one), whose defaultTags carry the common tags`
                : wrongEnv
                    ? `${r.name} (${r.type}) is tagged platform:environment=${String(tags["platform:environment"])} in the ${stack.environment} environment`
                    : undefined;
            return verdict(r, problem, "common tags present");
        }),
);

export const tagsValid = rule(
    {
        id: "aws-tags-valid",
        description: "Tags AWS accepts (the resource's own and its provider's default tags): keys up to 128 and values up to 256 characters, allowed characters only (aws: keys are AWS's own; platform:tags refuses them).",
        severity: "mandatory",
        reference: "AWS General Reference: tagging AWS resources (tag naming limits and requirements)",
    },
    (stack): Finding[] =>
        stack.resources
            .filter((r) => r.type.startsWith("aws:") && ((r.props.tags && typeof r.props.tags === "object") || hasTagsAll(r)))
            .map((r) => {
                // aws: keys are AWS's own (the EKS cluster security group carries aws:eks:cluster-name); the config refuses them in platform:tags.
                const tags = { ...asRecord(r.props.tagsAll), ...asRecord(r.props.tags) };
                const problems = Object.entries(tags).filter(([k]) => !/^aws:/i.test(k)).map(([k, v]) => {
                    const p = tagProblem(k, String(v));
                    return p && `${k.slice(0, 40)}: ${p}`;
                }).filter(Boolean);
                return verdict(r, problems.length ? problems.join("; ") : undefined, "tags valid");
            }),
);

export const TAG_RULES = [tagsCommon, tagsValid];
