// platform:cluster:ImageCache: the ECR pull-through cache of a private environment. One rule per
// upstream registry the platform uses (credentials from Secrets Manager where ECR needs them), a
// repository creation template that encrypts every cached repository with the platform's KMS key
// and expires untagged images, scan on push for the cached repositories, and the permission to
// fill the cache that the nodes' and Fargate's roles get.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, serviceTrust, type PolicyDocument } from "../../lib/iam";
import { cachedUpstreams, imageCacheOn } from "../../lib/config/registries";
import type { PlatformConfig } from "../../lib/config/schema";
import { clusterName } from "../../lib/naming";
import { CREDENTIAL_KEYS, UPSTREAMS, ecrRegistry, type ImageCache as ImageCacheOutputs, type UpstreamRegistry } from "../../lib/images";

export interface ImageCacheArgs {
    /** Root of the cached repositories: `<prefix>/<upstream prefix>/<repository>`. */
    prefix: string;
    upstreams: UpstreamRegistry[];
    /** Secrets Manager ARNs by the config key that names them (`dockerHubCredentialArn`, `ghcrCredentialArn`). */
    credentials: Partial<Record<(typeof CREDENTIAL_KEYS)[keyof typeof CREDENTIAL_KEYS], string>>;
    untaggedExpiryDays: number;
    /** Replace the registry's scanning configuration with scan on push of the cached repositories. */
    manageRegistryScanning: boolean;
    kmsKeyArn: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    region: string;
    /** Tags ECR puts on the repositories it creates from the template (not Pulumi resources: no defaultTags). */
    repositoryTags: Record<string, string>;
}

/** `<root>/<upstream's prefix>`, the prefix of one rule. */
export const rulePrefix = (root: string, upstream: UpstreamRegistry): string => `${root}/${UPSTREAMS[upstream].prefix}`;

const repositories = (region: string, accountId: string, prefix: string) => `arn:aws:ecr:${region}:${accountId}:repository/${prefix}/*`;

/** Untagged images (layers of replaced tags) expire; tagged ones stay while the cache serves them. */
export function lifecyclePolicy(untaggedExpiryDays: number) {
    return {
        rules: [{
            rulePriority: 1,
            description: `Expire untagged images after ${untaggedExpiryDays} days`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
            action: { type: "expire" },
        }],
    };
}

/**
 * The role ECR assumes to create cached repositories from the template: a template with KMS
 * encryption or tags needs one (ECR user guide, repository creation templates). It creates and
 * tags repositories below the cache's prefix only, and uses the platform key only through ECR.
 */
export function templateRolePolicy(region: string, accountId: string, prefix: string, kmsKeyArn: string): PolicyDocument {
    return policy(
        { Sid: "CreateCachedRepositories", Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:TagResource"], Resource: repositories(region, accountId, prefix) },
        {
            Sid: "EncryptWithPlatformKey",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"],
            Resource: kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `ecr.${region}.amazonaws.com` } },
        },
    );
}

/** What a node (or Fargate) needs beyond pulling to fill the cache on a first pull (ECR user guide, pull through cache IAM). */
export function cachePullPolicy(region: string, accountId: string, prefix: string): PolicyDocument {
    return policy({
        Sid: "FillPullThroughCache",
        Effect: "Allow",
        Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        Resource: repositories(region, accountId, prefix),
    });
}

export class ImageCache extends pulumi.ComponentResource {
    /** The registry and prefixes the add-ons and workloads layers point their images at. */
    readonly cache: pulumi.Output<ImageCacheOutputs>;
    /** A managed policy for the roles that pull images (nodes, Fargate). */
    readonly pullPolicyArn: pulumi.Output<string>;

    constructor(name: string, args: ImageCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:ImageCache", name, {}, opts);
        const parent = { parent: this };
        const { prefix, region } = args;

        const rules = args.upstreams.map((upstream) => {
            const key = CREDENTIAL_KEYS[upstream as keyof typeof CREDENTIAL_KEYS] as (typeof CREDENTIAL_KEYS)[keyof typeof CREDENTIAL_KEYS] | undefined;
            const credentialArn = key ? args.credentials[key] : undefined;
            if (UPSTREAMS[upstream].credentials && !credentialArn) throw new Error(`platform:imageCache.${key}: ECR caches ${upstream} only with credentials`);
            return new aws.ecr.PullThroughCacheRule(`${name}-${UPSTREAMS[upstream].prefix}`, {
                ecrRepositoryPrefix: rulePrefix(prefix, upstream),
                upstreamRegistryUrl: UPSTREAMS[upstream].url,
                ...(credentialArn ? { credentialArn } : {}),
            }, parent);
        });

        const role = new aws.iam.Role(`${name}-templates`, {
            description: `ECR creates the cached repositories below ${prefix}/ with the platform key`,
            assumeRolePolicy: pulumi.output(args.accountId).apply((account) => JSON.stringify(serviceTrust("ecr.amazonaws.com", { StringEquals: { "aws:SourceAccount": account } }))),
        }, parent);
        const rolePolicy = new aws.iam.RolePolicy(`${name}-templates`, {
            role: role.id,
            policy: pulumi.all([args.accountId, args.kmsKeyArn]).apply(([account, key]) => JSON.stringify(templateRolePolicy(region, account, prefix, key))),
        }, parent);

        // One template for every repository below the root: the cache creates them on first pull.
        const template = new aws.ecr.RepositoryCreationTemplate(name, {
            prefix,
            description: `Repositories of the pull-through cache below ${prefix}/`,
            appliedFors: ["PULL_THROUGH_CACHE"],
            customRoleArn: role.arn,
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
            // The cache updates a tag when its upstream moves it.
            imageTagMutability: "MUTABLE",
            lifecyclePolicy: JSON.stringify(lifecyclePolicy(args.untaggedExpiryDays)),
            resourceTags: args.repositoryTags,
        }, { parent: this, dependsOn: [rolePolicy] });

        // The template has no scan setting: scan on push is the registry's scanning configuration,
        // one per registry and region, which this resource replaces whole: only where config says
        // this environment owns it.
        if (args.manageRegistryScanning) {
            new aws.ecr.RegistryScanningConfiguration(name, {
                scanType: "BASIC",
                rules: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: `${prefix}/*`, filterType: "WILDCARD" }] }],
            }, parent);
        }

        const pullPolicy = new aws.iam.Policy(`${name}-pull`, {
            description: `Fill the pull-through cache below ${prefix}/ on a first pull`,
            policy: pulumi.output(args.accountId).apply((account) => JSON.stringify(cachePullPolicy(region, account, prefix))),
        }, parent);

        // The cache is usable once its rules and template exist.
        this.cache = pulumi.all([args.accountId, ...rules.map((r) => r.ecrRepositoryPrefix), template.prefix]).apply(([account]) => ({
            registry: ecrRegistry(account, region),
            prefixes: Object.fromEntries(args.upstreams.map((u) => [u, rulePrefix(prefix, u)])),
        }));
        this.pullPolicyArn = pullPolicy.arn;
        this.registerOutputs({ cache: this.cache, pullPolicyArn: this.pullPolicyArn });
    }
}

/** The cache of an environment from its config, or undefined where images come straight from their registries. */
export function cacheRoots(c: PlatformConfig): Pick<ImageCacheArgs, "prefix" | "upstreams" | "credentials" | "untaggedExpiryDays" | "manageRegistryScanning"> | undefined {
    if (!imageCacheOn(c.imageCache, c.egress)) return undefined;
    return {
        prefix: c.imageCache.prefix ?? clusterName(c),
        upstreams: cachedUpstreams(c.imageCache),
        credentials: { dockerHubCredentialArn: c.imageCache.dockerHubCredentialArn, ghcrCredentialArn: c.imageCache.ghcrCredentialArn },
        untaggedExpiryDays: c.imageCache.untaggedExpiryDays,
        manageRegistryScanning: c.imageCache.manageRegistryScanning,
    };
}
