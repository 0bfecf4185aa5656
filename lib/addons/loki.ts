// Loki: logs in S3 (two encrypted, versioned, private, TLS-only buckets), its service account
// reaching only them. One binary in development, the simple scalable deployment in production.
import { int } from "../config/fields";
import { policy, type PolicyDocument } from "../policyDocument";
import { reg, repo } from "../registries";
import { defineAddon, helmAddon, optionalAddon } from "./declaration";

const DESCRIPTION = "Loki (logs), storing in an encrypted S3 bucket";
export const LOKI_NAMESPACE = "loki";
export const LOKI_SERVICE_ACCOUNT = "loki";

export const loki = defineAddon({
    key: "loki",
    description: DESCRIPTION,
    charts: {
        /** Loki 3.6.7; the chart moved to grafana-community on 2026-03-16 and was renumbered (8.x; tags go loki-8.1.3 -> loki-9.0.0). */
        loki: {
            chart: "loki",
            repository: "https://grafana-community.github.io/helm-charts",
            version: "8.1.3",
            images: [
                reg("docker.io", "grafana/loki", "loki.image.registry"),
                reg("docker.io", "nginxinc/nginx-unprivileged", "gateway.image.registry"),
                // 8.x: the memcached images have no registry key, only a repository (Docker Hub's by default).
                repo("docker.io", "library/memcached", "memcached.image.repository"),
                repo("docker.io", "prom/memcached-exporter", "memcachedExporter.image.repository"),
                reg("docker.io", "kiwigrid/k8s-sidecar", "sidecar.image.registry"),
                reg("docker.io", "grafana/loki-canary", "lokiCanary.image.registry"),
            ],
        },
        /** Fluent Bit: the log collector on every EC2 node, shipping containers' logs to Loki. */
        fluentBit: {
            chart: "fluent-bit",
            repository: "https://fluent.github.io/helm-charts/",
            version: "0.58.1",
            // Published at cr.fluentbit.io (which ECR cannot cache) and, the same builds, on Docker Hub.
            images: [{ upstream: "docker.io", repository: "fluent/fluent-bit", repositoryKey: "image.repository" }],
        },
    },
    config: optionalAddon(helmAddon(true, DESCRIPTION).extend({
        retentionDays: int(1, 3650).default(30).describe("Days Loki keeps logs."),
    }), DESCRIPTION),
    requires: ["ebsCsi"],
    // After monitoring: Loki's and the collector's ServiceMonitors need the Prometheus operator's CRDs.
    after: ["karpenter", "calico", "storage", "loadBalancerController", "monitoring"],
    hostPorts: {},
    iam: [{ namespace: LOKI_NAMESPACE, serviceAccount: LOKI_SERVICE_ACCOUNT, inline: "its buckets and the key that encrypts them (lokiS3Policy)" }],
});

/** S3 ARNs of the `aws` partition (as lib/iam's managed policies). */
export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** What the Loki guide's `LokiS3AccessPolicy` grants, on these buckets only, and the key that encrypts them. */
export function lokiS3Policy(buckets: string[], kmsKeyArn: string): PolicyDocument {
    return policy(
        {
            Sid: "LokiStorage",
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
            Resource: buckets.flatMap((b) => [bucketArn(b), `${bucketArn(b)}/*`]),
        },
        { Sid: "LokiStorageKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn },
    );
}
