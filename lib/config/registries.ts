// The config of image and chart sources (`platform:imageCache`, `platform:charts`): the ECR
// pull-through cache of a private environment and the OCI mirror of the charts, with their rules.
import { z } from "zod";
import { bool, int } from "./fields";
import type { Problem } from "./problem";
import { CHART_UPSTREAMS, CREDENTIAL_KEYS, UPSTREAMS, UPSTREAM_NAMES, ecrImageLocation, type UpstreamRegistry } from "../images";

/** ECR requires the credential of a pull-through cache rule to be a Secrets Manager secret named `ecr-pullthroughcache/...` (API PullThroughCacheRule.credentialArn). */
const PULL_THROUGH_SECRET = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:secret:ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+$/;

const credentialArn = (registry: string) =>
    z
        .string()
        .regex(PULL_THROUGH_SECRET, {
            error: (iss) => `${JSON.stringify(iss.input)} is not the ARN of a Secrets Manager secret named "ecr-pullthroughcache/..." (ECR's rule for ${registry} credentials)`,
        })
        .describe(`ARN of the Secrets Manager secret (name \`ecr-pullthroughcache/...\`, same account and region) with the ${registry} credentials (\`username\`, \`accessToken\`). Only the ARN is config; the secret is created outside the platform.`);

/** ECR repository names: lowercase path segments. */
const REPOSITORY_PREFIX = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
/** ECR allows pull-through cache prefixes of 2 to 30 characters (API PullThroughCacheRule.ecrRepositoryPrefix). */
export const MAX_RULE_PREFIX = 30;
const LONGEST_UPSTREAM_PREFIX = Math.max(...Object.values(UPSTREAMS).map((u) => u.prefix.length));

export const imageCacheSchema = z
    .strictObject({
        enabled: bool().optional().describe("Create the ECR pull-through cache and point every image at it. Default: on when `platform:egress` is `none` (nodes cannot reach public registries there)."),
        prefix: z
            .string()
            .regex(REPOSITORY_PREFIX, { error: (iss) => `${JSON.stringify(iss.input)} is not an ECR repository prefix such as "acme-prod"` })
            .optional()
            .describe("Root of the cached repositories (`<prefix>/<upstream>/...`). Default: the cluster name `<name>-<stack>`."),
        extraUpstreams: z
            .array(z.enum(UPSTREAM_NAMES as [UpstreamRegistry, ...UpstreamRegistry[]], { error: (iss) => `${JSON.stringify(iss.input)} is not a registry ECR caches here (${UPSTREAM_NAMES.join(", ")})` }))
            .default([])
            .describe(`Registries to cache beyond those the platform's charts use (${CHART_UPSTREAMS.join(", ")}), for applications' images.`),
        dockerHubCredentialArn: credentialArn("Docker Hub").optional(),
        ghcrCredentialArn: credentialArn("GitHub Container Registry").optional(),
        untaggedExpiryDays: int(1, 365).default(7).describe("Cached images without a tag expire after this many days."),
        manageRegistryScanning: bool()
            .default(false)
            .describe("Set the registry's scanning configuration (basic scan on push of the cached repositories). Off by default: it replaces the account's whole scanning configuration in the region (it can turn ENHANCED into BASIC, and two environments in one account overwrite each other), and the provider cannot read the current one to merge with it."),
    })
    .prefault({})
    .describe("ECR pull-through cache of the upstream registries (private environments): every image of the platform is pulled through the account's ECR.");

export const chartsSchema = z
    .strictObject({
        mirror: z
            .string()
            .regex(/^oci:\/\/[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/?$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an OCI registry path such as "oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts"` })
            .optional()
            .describe("OCI registry every chart is pulled from instead of its upstream repository (`<mirror>/<chart>`, same version), for deploy machines without internet, e.g. `oci://<account>.dkr.ecr.<region>.amazonaws.com/charts`."),
    })
    .prefault({})
    .describe("Where the machine that runs `pulumi up` pulls the Helm charts from.");

export type ImageCacheConfig = z.output<typeof imageCacheSchema>;

/** What the image rules read of the config (a shape, not the schema's type: the schema imports this file). */
export interface ImagesInput {
    imageCache?: ImageCacheConfig;
    applications?: { image: string }[];
    region?: string;
}

/** Whether the environment caches images: asked for, or no internet egress. */
export const imageCacheOn = (cache: Pick<ImageCacheConfig, "enabled">, egress: string): boolean => cache.enabled ?? egress === "none";

/** The upstreams the cache serves: those of the platform's charts, and the config's extra ones. */
export const cachedUpstreams = (cache: Pick<ImageCacheConfig, "extraUpstreams">): UpstreamRegistry[] =>
    UPSTREAM_NAMES.filter((u) => CHART_UPSTREAMS.includes(u) || cache.extraUpstreams.includes(u));

/** The cache's rules need a credential for each upstream that requires one; the prefix fits ECR's limit. */
export function imageCacheProblems(c: ImagesInput, egress: string | undefined, clusterName: string | undefined): Problem[] {
    const cache = c.imageCache;
    if (cache && egress === "none" && cache.enabled === false) {
        return [{ path: ["imageCache", "enabled"], message: "cannot be false when platform:egress is none: nodes there pull every image through the cache" }];
    }
    if (!cache || !egress || !imageCacheOn(cache, egress)) return [];
    const problems: Problem[] = [];
    for (const upstream of cachedUpstreams(cache)) {
        const key = CREDENTIAL_KEYS[upstream as keyof typeof CREDENTIAL_KEYS];
        if (key && !cache[key]) {
            problems.push({ path: ["imageCache", key], message: `is required: ECR caches ${upstream} only with credentials from a Secrets Manager secret (the cache is on because ${cache.enabled ? "platform:imageCache.enabled is true" : "platform:egress is none"})` });
        }
    }
    const prefix = cache.prefix ?? clusterName;
    if (prefix && prefix.length + 1 + LONGEST_UPSTREAM_PREFIX > MAX_RULE_PREFIX) {
        problems.push({
            path: ["imageCache", "prefix"],
            message: `"${prefix}" is too long: "${prefix}/<upstream>" must fit ECR's ${MAX_RULE_PREFIX} characters, so at most ${MAX_RULE_PREFIX - 1 - LONGEST_UPSTREAM_PREFIX}${cache.prefix ? "" : " (the default is the cluster name: set platform:imageCache.prefix)"}`,
        });
    }
    return problems;
}

/** In a private environment every application image comes from a private ECR registry in the environment's region. */
export function applicationImageProblems(c: ImagesInput, egress: string | undefined): Problem[] {
    if (!c.imageCache || !egress || !c.region || !imageCacheOn(c.imageCache, egress)) return [];
    return (c.applications ?? []).flatMap((app, i): Problem[] => {
        const location = ecrImageLocation(app.image);
        if (location?.region === c.region) return [];
        return [{
            path: ["applications", i, "image"],
            message: `"${app.image}" is not in the account's ECR in ${c.region}: without internet egress images come from <account>.dkr.ecr.${c.region}.amazonaws.com/... (push it there, or pull it through the cache: <account>.dkr.ecr.${c.region}.amazonaws.com/<cache prefix>/<upstream>/...)`,
        }];
    });
}

/** ECR images of applications, and the cache's credentials, in another account than `platform:accountId`: the nodes could not read them. */
export function foreignAccountProblems(c: ImagesInput & { accountId?: string }): Problem[] {
    const { accountId } = c;
    if (!accountId) return [];
    const images = (c.applications ?? []).flatMap((app, i): Problem[] => {
        const location = ecrImageLocation(app.image);
        return location && location.accountId !== accountId
            ? [{ path: ["applications", i, "image"], message: `"${app.image}" is in the ECR of account ${location.accountId}, not of this environment's account ${accountId} (platform:accountId)` }]
            : [];
    });
    const credentials = Object.values(CREDENTIAL_KEYS).flatMap((key): Problem[] => {
        const arn = c.imageCache?.[key];
        const owner = arn?.split(":")[4];
        return arn && owner !== accountId
            ? [{ path: ["imageCache", key], message: `"${arn}" is a secret of account ${owner}, not of this environment's account ${accountId} (platform:accountId): ECR reads the credentials of its own account` }]
            : [];
    });
    return [...images, ...credentials];
}

/** Application images in another account's ECR than the environment's (checked against the cluster layer's cache registry). */
export function foreignApplicationImages(apps: { image: string }[], accountId: string): string[] {
    return apps.flatMap((app, i) => {
        const location = ecrImageLocation(app.image);
        return location && location.accountId !== accountId
            ? [`platform:applications[${i}].image: "${app.image}" is in the ECR of account ${location.accountId}, not of this environment's account ${accountId}`]
            : [];
    });
}
