// The access-logs play: every access-log bucket a load balancer or S3 server access logging names is a
// non-empty bucket of the plan that its writer may write to; on the real plans, on plans mutated to
// break one rule each, and on an environment where nothing logs (no load balancer controller, no Loki).
import { strict as assert } from "assert";
import { accessLogs, logTargets } from "../plays/accessLogs";
import { PlanView } from "../plays/view";
import { synthesize, type Plan } from "../synth/synth";
import { nlbAnnotations } from "../workloads/application/traffic";
import { envConfig, layerOf, synthEnv } from "./helpers";
import { playSays, withResource, type AnyObject } from "./planEdits";

const said = playSays(accessLogs);
const mutate = withResource;

const lbc = (r: AnyObject) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "aws-load-balancer-controller";
const nlb = (r: AnyObject) => r.inputs.kind === "Service" && r.inputs.spec?.type === "LoadBalancer";
const ATTRIBUTES = "service.beta.kubernetes.io/aws-load-balancer-attributes";

describe("plays: access-logs", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("passes the reference environments, whose ALB class, NLBs and Loki buckets all log", () => {
        assert.equal(said(dev), "");
        assert.equal(said(prod), "");
        const sources = logTargets(new PlanView(prod)).map((t) => t.source).join("\n");
        assert.match(sources, /release aws-load-balancer-controller values ingressClassParams/);
        assert.match(sources, /Service payments\/.* annotation service\.beta\.kubernetes\.io\/aws-load-balancer-attributes/);
        assert.match(sources, /BucketLogging .*loki.* targetBucket/);
    });

    it("refuses access logging to an empty bucket (the ALB class, an NLB, S3 server access logging)", () => {
        const emptyAlb = mutate(prod, "addons", lbc, (i) => (i.values.ingressClassParams.spec.loadBalancerAttributes[1].value = ""));
        assert.match(said(emptyAlb), /ingressClassParams\.spec\.loadBalancerAttributes: access logging is on with an empty \(""\) bucket/);
        const emptyNlb = mutate(prod, "workloads", nlb, (i) => (i.metadata.annotations[ATTRIBUTES] = "access_logs.s3.enabled=true,access_logs.s3.bucket=,access_logs.s3.prefix=nlb"));
        assert.match(said(emptyNlb), /annotation service\.beta\.kubernetes\.io\/aws-load-balancer-attributes: access logging is on with an empty/);
        const noBucket = mutate(prod, "workloads", nlb, (i) => (i.metadata.annotations[ATTRIBUTES] = "access_logs.s3.enabled=true"));
        assert.match(said(noBucket), /access logging is on with no bucket/);
        const emptyTarget = mutate(prod, "addons", (r) => r.type === "aws:s3/bucketLogging:BucketLogging", (i) => (i.targetBucket = ""));
        assert.match(said(emptyTarget), /BucketLogging .* targetBucket: access logging is on with an empty/);
    });

    it("refuses a bucket the plan does not create, or whose policy does not let the writer write there", () => {
        const elsewhere = mutate(prod, "workloads", nlb, (i) => (i.metadata.annotations[ATTRIBUTES] = "access_logs.s3.enabled=true,access_logs.s3.bucket=someone-elses-logs,access_logs.s3.prefix=nlb"));
        assert.match(said(elsewhere), /logs to bucket "someone-elses-logs", which is no bucket of the plan/);
        const otherPrefix = mutate(prod, "workloads", nlb, (i) => (i.metadata.annotations[ATTRIBUTES] = i.metadata.annotations[ATTRIBUTES].replace("prefix=nlb", "prefix=elsewhere")));
        assert.match(said(otherPrefix), /has no policy letting Elastic Load Balancing put arn:aws:s3:::acme-prod-access-logs-111122223333\/elsewhere\/AWSLogs\/111122223333\/\*/);
        const noElb = mutate(prod, "addons", (r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "acme-prod-access-logs", (i) => {
            const doc = JSON.parse(i.policy);
            doc.Statement = doc.Statement.filter((s: AnyObject) => s.Sid !== "LoadBalancerLogs" && s.Sid !== "LogDeliveryWrite");
            i.policy = JSON.stringify(doc);
        });
        assert.match(said(noElb), /ingressClassParams.*bucket "acme-prod-access-logs-111122223333" has no policy letting Elastic Load Balancing put .*\/alb\/AWSLogs\//);
    });

    it("with neither the load balancer controller nor Loki: no bucket, no access-log output, nothing that logs", async () => {
        const c = envConfig("dev");
        const config = {
            ...c,
            addons: { ...c.addons, loadBalancerController: { ...c.addons.loadBalancerController, enabled: false }, loki: { ...c.addons.loki, enabled: false } },
            // What needs the controller (config rule addonNeeds): NLB services and ALB ingresses.
            applications: c.applications.filter((a) => !(a.kind === "service" && a.service.type === "nlb") && a.ingress === undefined),
        };
        const { plan } = await synthesize(config);
        const addons = layerOf(plan, "addons");
        assert.equal(addons.outputs.accessLogBucket, undefined, "no bucket is an absent output, never \"\"");
        assert.equal(addons.resources.filter((r) => r.type === "platform:addons:AccessLogs").length, 0);
        assert.deepEqual(logTargets(new PlanView(plan)), []);
    });

    it("refuses an NLB when the add-ons layer has no access-log bucket, naming the application", () => {
        const app = envConfig("prod").applications.find((a) => a.kind === "service" && a.service.type === "nlb") ?? assert.fail("prod has no nlb service");
        assert.throws(() => nlbAnnotations(app, { podNetwork: "vpc-cni", accessLogBucket: undefined }), new RegExp(`application ${app.name}: is an nlb service, but the add-ons layer has no access-log bucket`));
        assert.throws(() => nlbAnnotations(app, { podNetwork: "vpc-cni", accessLogBucket: "" }), /no access-log bucket/);
        assert.match(String(nlbAnnotations(app, { podNetwork: "vpc-cni", accessLogBucket: "b" })[ATTRIBUTES]), /access_logs\.s3\.bucket=b,/);
    });
});
