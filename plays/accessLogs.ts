// Access logs that arrive: every load balancer told to log to S3 (an NLB's or ALB's
// `load-balancer-attributes` annotation, the `alb` IngressClass's parameters in the load balancer
// controller's values or an IngressClassParams object) and every S3 server access logging names a
// bucket of the plan whose policy lets the log writer put objects where it writes. Elastic Load
// Balancing refuses to turn logging on for an empty, missing or unwritable bucket (ValidationError,
// "Access Denied for bucket"): the controller would never finish reconciling the load balancer.
import { actionMatches } from "../lib/iamEffect";
import { play } from "./play";
import type { PlanView, ViewResource } from "./view";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET_LOGGING = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];
const LBC_CHART = "aws-load-balancer-controller";
/** Annotations whose value is `key=value,...` load balancer attributes (NLB Service, ALB Ingress). */
const ATTRIBUTE_ANNOTATIONS = ["service.beta.kubernetes.io/aws-load-balancer-attributes", "alb.ingress.kubernetes.io/load-balancer-attributes"];
/** The legacy NLB annotations of the same setting. */
const LEGACY = {
    enabled: "service.beta.kubernetes.io/aws-load-balancer-access-log-enabled",
    bucket: "service.beta.kubernetes.io/aws-load-balancer-access-log-s3-bucket-name",
    prefix: "service.beta.kubernetes.io/aws-load-balancer-access-log-s3-bucket-prefix",
};

/** Where something sends its logs: the bucket as written (maybe empty) and the key prefix. */
export interface LogTarget {
    source: string;
    resource: string;
    bucket: unknown;
    prefix: string;
    /** Load balancer logs land under `<prefix>/AWSLogs/<account>/`; S3 server access logs under the prefix. */
    writer: "elb" | "s3";
}

/** `access_logs.s3.*` of an attribute list, when logging is on. */
function fromAttributes(attributes: Record<string, unknown>, source: string, resource: string): LogTarget[] {
    if (String(attributes["access_logs.s3.enabled"]) !== "true") return [];
    return [{ source, resource, bucket: attributes["access_logs.s3.bucket"], prefix: String(attributes["access_logs.s3.prefix"] ?? ""), writer: "elb" }];
}

const parseAttributes = (text: string): Record<string, string> =>
    Object.fromEntries(text.split(",").map((kv) => kv.trim()).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")).trim(), kv.slice(kv.indexOf("=") + 1).trim()]));

const listAttributes = (list: unknown): Record<string, unknown> =>
    Object.fromEntries((Array.isArray(list) ? list : []).map((a: AnyObject) => [String(a?.key), a?.value]));

/** Every place of the plan that sends logs to a bucket. */
export function logTargets(view: PlanView): LogTarget[] {
    const targets: LogTarget[] = [];
    for (const { resource, manifest } of view.manifests()) {
        const id = `${manifest.kind} ${manifest.metadata.namespace ?? ""}/${manifest.metadata.name}`;
        const annotations = manifest.metadata.annotations ?? {};
        for (const key of ATTRIBUTE_ANNOTATIONS) {
            if (key in annotations) targets.push(...fromAttributes(parseAttributes(String(annotations[key])), `${id} annotation ${key}`, resource.urn));
        }
        if (String(annotations[LEGACY.enabled]) === "true") {
            targets.push({ source: `${id} annotation ${LEGACY.bucket}`, resource: resource.urn, bucket: annotations[LEGACY.bucket], prefix: String(annotations[LEGACY.prefix] ?? ""), writer: "elb" });
        }
        if (manifest.kind === "IngressClassParams") {
            targets.push(...fromAttributes(listAttributes((manifest.spec as AnyObject | undefined)?.loadBalancerAttributes), `${id} spec.loadBalancerAttributes`, resource.urn));
        }
    }
    for (const release of view.releases().filter((r) => r.chart.endsWith(LBC_CHART))) {
        const params = (release.values.ingressClassParams ?? {}) as AnyObject;
        if (params.create === false) continue;
        targets.push(...fromAttributes(listAttributes(params.spec?.loadBalancerAttributes), `release ${release.name} values ingressClassParams.spec.loadBalancerAttributes`, release.resource.urn));
    }
    for (const r of view.ofType(...BUCKET_LOGGING)) {
        targets.push({ source: `${r.type} ${r.name} targetBucket`, resource: r.urn, bucket: view.value(r, "targetBucket"), prefix: String(r.inputs.targetPrefix ?? ""), writer: "s3" });
    }
    return targets;
}

const nameOf = (view: PlanView, b: ViewResource): unknown => view.value(b, "bucket");

/** The Allow statements of the bucket's policies (the policy's `bucket` is the bucket's id or name). */
function policyStatements(view: PlanView, bucket: ViewResource, name: string): AnyObject[] {
    return view.ofType(BUCKET_POLICY)
        .filter((p) => view.resolve(p.inputs.bucket) === bucket || p.inputs.bucket === name)
        .flatMap((p) => {
            try {
                const doc = JSON.parse(String(view.value(p, "policy")));
                return [doc.Statement ?? []].flat() as AnyObject[];
            } catch {
                return [];
            }
        })
        .filter((s) => s.Effect === "Allow");
}

const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));
const principalIsNamed = (p: unknown): boolean => p !== undefined && p !== "*" && !(typeof p === "object" && p !== null && list((p as AnyObject).AWS).includes("*"));

export const accessLogs = play(
    { id: "access-logs", description: "Every access-log bucket named by a load balancer or S3 server access logging is a non-empty bucket of the plan whose policy lets its writer put objects there" },
    (view, problem) => {
        const buckets = view.ofType(BUCKET, BUCKET_V2);
        return logTargets(view).flatMap((t) => {
            if (typeof t.bucket !== "string" || t.bucket.trim() === "") {
                return [problem(`${t.source}: access logging is on with ${t.bucket === undefined ? "no" : `an empty (${JSON.stringify(t.bucket)})`} bucket: Elastic Load Balancing and S3 refuse it, so the load balancer or bucket never reconciles; name the platform's access-log bucket or leave logging off`, t.resource)];
            }
            const name = t.bucket;
            const bucket = buckets.find((b) => nameOf(view, b) === name || b.id === name);
            if (!bucket) return [problem(`${t.source}: logs to bucket "${name}", which is no bucket of the plan: nothing creates it or grants its writers`, t.resource)];
            const key = t.writer === "elb"
                ? `arn:aws:s3:::${name}/${t.prefix ? `${t.prefix}/` : ""}AWSLogs/${view.plan.accountId}/example.log.gz`
                : `arn:aws:s3:::${name}/${t.prefix}example`;
            const writable = policyStatements(view, bucket, name).some((s) =>
                principalIsNamed(s.Principal) && list(s.Action).some((a) => actionMatches(a, "s3:PutObject")) && list(s.Resource).some((r) => actionMatches(r, key)));
            return writable ? [] : [problem(`${t.source}: bucket "${name}" has no policy letting ${t.writer === "elb" ? "Elastic Load Balancing" : "S3 server access logging"} put ${key.replace(/example.*$/, "*")}: delivery fails`, t.resource)];
        });
    },
);
