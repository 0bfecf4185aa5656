// platform:addons:Loki: logs in S3. Two buckets (chunks and index; ruler), each encrypted with the
// platform's KMS key, versioned, private and TLS-only; chunks expire after the retention. Loki's
// service account reaches only its buckets (EKS Pod Identity). Fluent Bit on every EC2 node ships
// containers' logs to it. One binary in development, the simple
// scalable deployment (read, write, backend) in production.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, type PolicyDocument } from "../../lib/iam";
import { loki as declaration, LOKI_NAMESPACE, LOKI_SERVICE_ACCOUNT, lokiS3Policy, bucketArn } from "../../lib/addons/loki";
import { ACCESS_LOG_PREFIXES, accessLogBucketFor } from "../accessLogs";
import type { Addon, AddonContext } from "../addon";
import { everyNode, onAddonsPool } from "../../lib/placement";
import { GP3_CLASS } from "../storage";
import { addonRelease, AddonGroup, isProduction, type ValuesContext } from "./common";

export { LOKI_NAMESPACE, LOKI_SERVICE_ACCOUNT, lokiS3Policy };
/** The chart's gateway Service (release `loki`, `gateway.service.port` 80): where Grafana and the log collector reach Loki. */
export const LOKI_GATEWAY_URL = `http://loki-gateway.${LOKI_NAMESPACE}.svc.cluster.local`;

export type LokiBucketPurpose = "chunks" | "ruler";

/** Refuses every request to the bucket that does not use TLS. */
export function tlsOnlyPolicy(bucket: string): PolicyDocument {
    return policy({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

export interface LokiSettings {
    production: boolean;
    region: string;
    retentionDays: number;
    buckets: Record<LokiBucketPurpose, string>;
}

/**
 * Fluent Bit on every EC2 node (never Fargate, whose own log router ships to CloudWatch): it tails
 * the containers' logs under /var/log, adds their pod's metadata and pushes them to Loki's
 * gateway. Bottlerocket runs containerd (no /var/lib/docker) and its journal is not read here.
 */
export function collectorValues(lokiHost: string, scrape: boolean) {
    return {
        kind: "DaemonSet",
        ...everyNode(),
        testFramework: { enabled: false },
        serviceMonitor: { enabled: scrape },
        daemonSetVolumes: [{ name: "varlog", hostPath: { path: "/var/log" } }],
        daemonSetVolumeMounts: [{ name: "varlog", mountPath: "/var/log" }],
        config: {
            inputs: `[INPUT]
    Name tail
    Path /var/log/containers/*.log
    multiline.parser cri, docker
    Tag kube.*
    DB /var/log/fluent-bit-kube.db
    Mem_Buf_Limit 5MB
    Skip_Long_Lines On
`,
            filters: `[FILTER]
    Name kubernetes
    Match kube.*
    Merge_Log On
    Keep_Log Off
    K8S-Logging.Parser On
    K8S-Logging.Exclude On
`,
            outputs: `[OUTPUT]
    Name loki
    Match kube.*
    Host ${lokiHost}
    Port 80
    Labels job=fluent-bit
    Label_keys $kubernetes['namespace_name'],$kubernetes['pod_name'],$kubernetes['container_name'],$kubernetes['host']
    Remove_keys kubernetes,stream
    Line_format json
    Retry_Limit False
`,
        },
    };
}

export function lokiValues(s: LokiSettings, up: ValuesContext) {
    const pool = onAddonsPool();
    const persistence = { storageClass: GP3_CLASS };
    // Simple scalable in production: writes are replicated three times (a quorum of two survives a lost pod).
    const scalable = s.production;
    return {
        deploymentMode: scalable ? "SimpleScalable" : "SingleBinary",
        loki: {
            auth_enabled: false,
            commonConfig: { replication_factor: scalable ? 3 : 1 },
            schemaConfig: {
                configs: [{ from: "2024-04-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }],
            },
            storage: { type: "s3", bucketNames: { chunks: s.buckets.chunks, ruler: s.buckets.ruler }, s3: { region: s.region } },
            limits_config: { retention_period: `${s.retentionDays * 24}h` },
            compactor: { retention_enabled: true, delete_request_store: "s3" },
        },
        serviceAccount: { create: true, name: LOKI_SERVICE_ACCOUNT, annotations: up.serviceAccountAnnotations },
        singleBinary: { replicas: scalable ? 0 : 1, ...pool, persistence },
        write: { replicas: scalable ? 3 : 0, ...pool, persistence },
        read: { replicas: scalable ? 2 : 0, ...pool },
        backend: { replicas: scalable ? 2 : 0, ...pool, persistence },
        gateway: { replicas: scalable ? 2 : 1, ...pool },
        chunksCache: { enabled: scalable, ...pool, allocatedMemory: 2048 },
        resultsCache: { enabled: scalable, ...pool },
        lokiCanary: { ...everyNode() },
        // Loki comes after monitoring: its own ServiceMonitors.
        monitoring: { serviceMonitor: { enabled: up.monitored } },
        minio: { enabled: false },
    };
}

class Loki extends AddonGroup {
    constructor(ctx: AddonContext, opts: Parameters<Addon["install"]>[1]) {
        const name = `${ctx.clusterName}-loki`;
        super("Loki", name, opts);
        const config = ctx.config.addons.loki;
        const production = isProduction(ctx);
        const chunks = this.bucket(ctx, `${name}-chunks`, production, config.retentionDays);
        const ruler = this.bucket(ctx, `${name}-ruler`, production);
        const release = addonRelease(ctx, name, {
            key: "loki",
            pin: declaration.charts.loki,
            releaseName: "loki",
            namespace: LOKI_NAMESPACE,
            serviceAccountRole: {
                serviceAccount: LOKI_SERVICE_ACCOUNT,
                compute: "ec2",
                policy: pulumi.all([chunks.bucket, ruler.bucket, ctx.cluster.kmsKeyArn]).apply(([c, r, key]) => lokiS3Policy([c, r], key)),
            },
            values: (up) =>
                pulumi.all([chunks.bucket, ruler.bucket]).apply(([c, r]) =>
                    lokiValues({ production, region: ctx.config.region, retentionDays: config.retentionDays, buckets: { chunks: c, ruler: r } }, up)),
        }, this.child(opts, [chunks.ready, ruler.ready]));
        // Logs from every node reach Loki: the collector waits for Loki (its first pushes would fail).
        addonRelease(ctx, `${name}-fluent-bit`, {
            key: "loki",
            pin: declaration.charts.fluentBit,
            version: declaration.charts.fluentBit.version,
            overrides: {},
            releaseName: "fluent-bit",
            namespace: LOKI_NAMESPACE,
            values: () => collectorValues(new URL(LOKI_GATEWAY_URL).hostname, ctx.config.addons.monitoring.enabled),
        }, this.child(opts, [release]));
    }

    /** An encrypted, versioned, private, TLS-only bucket; its objects expire after `expireDays` when given. */
    private bucket(ctx: AddonContext, name: string, production: boolean, expireDays?: number) {
        const child = { parent: this };
        // Bucket names are global: the account makes them unique.
        const bucket = new aws.s3.Bucket(name, { bucket: pulumi.interpolate`${name}-${ctx.accountId}`, forceDestroy: !production }, { ...child, protect: production });
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ctx.cluster.kmsKeyArn }, bucketKeyEnabled: true }],
        }, child);
        new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
        // Who read and wrote what: S3 server access logs to the platform's access-log bucket.
        new aws.s3.BucketLogging(name, { bucket: bucket.id, targetBucket: accessLogBucketFor(ctx, "loki"), targetPrefix: `${ACCESS_LOG_PREFIXES.s3}/${name}/` }, child);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, child);
        const tlsOnly = new aws.s3.BucketPolicy(name, { bucket: bucket.id, policy: bucket.bucket.apply((b) => JSON.stringify(tlsOnlyPolicy(b))) }, { ...child, dependsOn: [publicAccess] });
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [{
                id: "expire",
                status: "Enabled",
                filter: {},
                ...(expireDays ? { expiration: { days: expireDays } } : {}),
                // Versioning keeps what Loki deletes (compactor retention): drop old versions after a week.
                noncurrentVersionExpiration: { noncurrentDays: 7 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, child);
        return { bucket: bucket.bucket, ready: tlsOnly };
    }
}

export const loki: Addon = {
    declaration,
    install: (ctx, opts) => new Loki(ctx, opts),
};
