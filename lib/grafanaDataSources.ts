// What Grafana reads from a provisioned data source, for the kinds the platform provisions: Grafana
// ignores a jsonData key it does not know and falls back to "default" for an unknown AWS authType, so
// a misspelt key or value would only show as a data source that silently does something else.
// Derived from Grafana 13.2 (the kube-prometheus-stack grafana subchart's appVersion):
// docs "Configure CloudWatch" (provisioning examples), public/app/plugins/datasource/cloudwatch/types.ts
// CloudWatchJsonData (with @grafana/aws-sdk's AwsAuthDataSourceJsonData), pkg/tsdb/cloudwatch/models/settings.go;
// docs "Configure the Loki data source" (provisioning: maxLines, timeout, derivedFields).
import { z } from "zod";

/** The AWS credential providers Grafana's AWS SDK offers (`[aws] allowed_auth_providers`). */
export const GRAFANA_AWS_AUTH_TYPES = ["default", "keys", "credentials", "ec2_iam_role", "grafana_assume_role"] as const;

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "is not an AWS region such as eu-west-1" });
const logGroupArn = z.string().regex(/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^*]+$/, { error: "is not a CloudWatch log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)" });

const cloudWatchJsonData = z.strictObject({
    authType: z.enum(GRAFANA_AWS_AUTH_TYPES),
    defaultRegion: region,
    assumeRoleArn: z.string().startsWith("arn:").optional(),
    externalId: z.string().min(1).optional(),
    profile: z.string().min(1).optional(),
    endpoint: z.url().optional(),
    customMetricsNamespaces: z.string().min(1).optional(),
    logsTimeout: z.string().regex(/^\d+(ms|s|m|h)$/).optional(),
    tracingDatasourceUid: z.string().min(1).optional(),
    /** Default log groups of new logs queries (Grafana 10+; `defaultLogGroups` is the deprecated form). */
    logGroups: z.array(z.strictObject({ arn: logGroupArn, name: z.string().min(1), accountId: z.string().optional() })).min(1).optional(),
}).superRefine((d, ctx) => {
    for (const [i, g] of (d.logGroups ?? []).entries()) {
        if (!g.arn.endsWith(`:log-group:${g.name}`)) ctx.addIssue({ code: "custom", path: ["logGroups", i, "name"], message: `"${g.name}" is not the name in its ARN ${g.arn}` });
    }
    if (d.authType === "credentials" && !d.profile) ctx.addIssue({ code: "custom", path: ["profile"], message: "authType credentials reads a profile" });
});

const lokiJsonData = z.strictObject({
    maxLines: z.number().int().positive().optional(),
    timeout: z.number().int().positive().optional(),
    derivedFields: z.array(z.record(z.string(), z.unknown())).optional(),
});

const entry = z.object({
    name: z.string().min(1),
    uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
    access: z.literal("proxy"),
    editable: z.boolean().optional(),
    isDefault: z.boolean().optional(),
});

/** A provisioned data source of a kind the platform provisions (what Grafana would read of it). */
export const grafanaDataSource = z.discriminatedUnion("type", [
    entry.extend({ type: z.literal("cloudwatch"), jsonData: cloudWatchJsonData }).strict(),
    entry.extend({ type: z.literal("loki"), url: z.url(), jsonData: lokiJsonData.optional() }).strict(),
]);

/** Why Grafana would not read a data source as written, one line per problem, naming the data source and key. */
export function dataSourceProblems(source: unknown): string[] {
    const parsed = grafanaDataSource.safeParse(source);
    if (parsed.success) return [];
    const name = (source as { name?: unknown })?.name;
    return parsed.error.issues.map((i) => `Grafana data source ${JSON.stringify(name)}: ${i.path.join(".") || "(entry)"}: ${i.message}`);
}
