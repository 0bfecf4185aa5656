// platform:addons:AccessLogs: the one bucket the platform's access logs go to: the load balancers'
// (ALBs through the `alb` IngressClass's parameters, NLBs through their Service's attributes) and
// the S3 server access logs of the platform's buckets (Loki's). SSE-S3, because neither Elastic
// Load Balancing nor S3 server access logging can write to a bucket encrypted with a KMS key;
// private, TLS-only, owner-enforced, protected in production, expiring after the retention.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, type PolicyDocument, type Statement } from "../lib/iam";

/**
 * Elastic Load Balancing's log-delivery accounts in the regions that opened before August 2022;
 * newer regions deliver as the `logdelivery.elasticloadbalancing.amazonaws.com` service.
 */
const ELB_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-central-1": "054676820928",
    "eu-north-1": "897822967062", "ap-northeast-1": "582318560864", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
};

/** Prefixes of the bucket: one per source. */
export const ACCESS_LOG_PREFIXES = { alb: "alb", nlb: "nlb", s3: "s3" } as const;

/** Who may write where: ELB (ALB and NLB prefixes), S3 server access logging (the s3 prefix), TLS only. */
export function accessLogBucketPolicy(bucket: string, region: string, accountId: string): PolicyDocument {
    const arn = `arn:aws:s3:::${bucket}`;
    const elbAccount = ELB_ACCOUNTS[region];
    const elbPrincipal: Statement["Principal"] = elbAccount ? { AWS: `arn:aws:iam::${elbAccount}:root` } : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
    const fromAccount = { StringEquals: { "aws:SourceAccount": accountId } };
    return policy(
        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Sid: "LoadBalancerLogs", Effect: "Allow", Principal: elbPrincipal, Action: "s3:PutObject", Resource: [`${arn}/${ACCESS_LOG_PREFIXES.alb}/AWSLogs/${accountId}/*`, `${arn}/${ACCESS_LOG_PREFIXES.nlb}/AWSLogs/${accountId}/*`] },
        // NLB (TLS listeners) logs arrive through the log delivery service.
        { Sid: "LogDeliveryWrite", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/${ACCESS_LOG_PREFIXES.nlb}/AWSLogs/${accountId}/*`, Condition: fromAccount },
        { Sid: "LogDeliveryAcl", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: arn, Condition: fromAccount },
        { Sid: "S3ServerAccessLogs", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/${ACCESS_LOG_PREFIXES.s3}/*`, Condition: fromAccount },
    );
}

/** The access-log bucket for an add-on that logs there; the layer creates it whenever such an add-on is enabled. */
export function accessLogBucketFor(ctx: { accessLogBucket?: pulumi.Output<string> }, addon: string): pulumi.Output<string> {
    if (!ctx.accessLogBucket) throw new Error(`${addon} logs to the platform's access-log bucket, but the add-ons layer created none (addons/layer.ts: logged)`);
    return ctx.accessLogBucket;
}

export interface AccessLogsArgs {
    clusterName: string;
    region: string;
    accountId: pulumi.Output<string>;
    production: boolean;
    retentionDays: number;
}

export class AccessLogs extends pulumi.ComponentResource {
    readonly bucket: pulumi.Output<string>;

    constructor(name: string, args: AccessLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:AccessLogs", name, {}, opts);
        const child = { parent: this };
        const bucket = new aws.s3.Bucket(name, { bucket: pulumi.interpolate`${name}-${args.accountId}`, forceDestroy: !args.production }, { ...child, protect: args.production });
        new aws.s3.BucketServerSideEncryptionConfiguration(name, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, child);
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, child);
        const writable = new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.all([bucket.bucket, args.accountId]).apply(([b, account]) => JSON.stringify(accessLogBucketPolicy(b, args.region, account))),
        }, { ...child, dependsOn: [publicAccess] });
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [{ id: "expire", status: "Enabled", filter: {}, expiration: { days: args.retentionDays }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
        }, child);
        // Writers wait for the policy that lets them write.
        this.bucket = pulumi.all([bucket.bucket, writable.id]).apply(([b]) => b);
        this.registerOutputs({ bucket: this.bucket });
    }
}
