// Encrypted and logged: one protected access-log bucket that the load balancers and S3 server access
// logging may write to, the alb IngressClass's parameters and every NLB logging there, and Loki's
// buckets logging their access; the load balancer controller's default targets follow the pod network.
import { strict as assert } from "assert";
import { accessLogBucketPolicy } from "../addons/accessLogs";
import type { Plan } from "../synth/synth";
import { layerOf, resourceOf, resourcesOf, synthEnv } from "./helpers";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("access logs", () => {
    let prod: Plan;
    let dev: Plan;
    before(async () => {
        prod = await synthEnv("prod");
        dev = await synthEnv("dev");
    });

    it("keeps one protected, private, SSE-S3 bucket that only the log writers may write to, over TLS", () => {
        const bucket = resourceOf(prod, "addons", "aws:s3/bucket:Bucket", "acme-prod-access-logs");
        assert.equal(bucket.protect, true);
        const sse = resourceOf(prod, "addons", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "acme-prod-access-logs");
        assert.equal((sse.inputs.rules as AnyObject[])[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256", "ELB and S3 server access logging cannot write with a KMS key");
        const doc = JSON.parse(String(resourceOf(prod, "addons", "aws:s3/bucketPolicy:BucketPolicy", "acme-prod-access-logs").inputs.policy));
        const sid = (id: string) => doc.Statement.find((s: AnyObject) => s.Sid === id);
        assert.equal(sid("DenyInsecureTransport").Effect, "Deny");
        assert.deepEqual(sid("LoadBalancerLogs").Principal, { AWS: "arn:aws:iam::156460612806:root" }, "eu-west-1's ELB log-delivery account");
        assert.ok(sid("LoadBalancerLogs").Resource.every((r: string) => /\/(alb|nlb)\/AWSLogs\/111122223333\/\*$/.test(r)));
        assert.equal(sid("S3ServerAccessLogs").Principal.Service, "logging.s3.amazonaws.com");
        // A region opened after August 2022 delivers as the ELB service.
        assert.deepEqual(accessLogBucketPolicy("b", "ap-southeast-5", "111122223333").Statement[1].Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    });

    it("logs every ALB of the alb class and every NLB there, and Loki's buckets' access", () => {
        const bucket = layerOf(prod, "addons").outputs.accessLogBucket as string;
        assert.match(bucket, /^acme-prod-access-logs-111122223333$/);
        const lbc = resourcesOf(prod, "addons", "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller") ?? assert.fail("no controller");
        const values = lbc.inputs.values as AnyObject;
        assert.deepEqual(values.ingressClassParams.spec.loadBalancerAttributes, [
            { key: "access_logs.s3.enabled", value: "true" },
            { key: "access_logs.s3.bucket", value: bucket },
            { key: "access_logs.s3.prefix", value: "alb" },
        ]);
        assert.equal(values.ingressClassParams.name, "alb");
        assert.equal(values.defaultTargetType, "instance", "prod's pods are on the overlay");
        const devLbc = resourcesOf(dev, "addons", "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller") ?? assert.fail("no controller");
        assert.equal((devLbc.inputs.values as AnyObject).defaultTargetType, "ip");
        const nlb = layerOf(prod, "workloads").resources.find((r) => r.inputs.kind === "Service" && (r.inputs.spec as AnyObject).type === "LoadBalancer") ?? assert.fail("no NLB");
        assert.equal((nlb.inputs.metadata as AnyObject).annotations["service.beta.kubernetes.io/aws-load-balancer-attributes"], `access_logs.s3.enabled=true,access_logs.s3.bucket=${bucket},access_logs.s3.prefix=nlb`);
        const lokiBuckets = resourcesOf(prod, "addons", "aws:s3/bucket:Bucket").filter((r) => r.name.includes("-loki-"));
        assert.ok(lokiBuckets.length > 0);
        const logging = resourcesOf(prod, "addons", "aws:s3/bucketLogging:BucketLogging");
        for (const b of lokiBuckets) {
            const l = logging.find((x) => x.name === b.name) ?? assert.fail(`${b.name} has no access logging`);
            assert.equal(l.inputs.targetBucket, bucket);
            assert.equal(l.inputs.targetPrefix, `s3/${b.name}/`);
        }
    });
});
