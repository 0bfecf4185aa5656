// The empty-values play: no "" in an AWS resource's inputs or in an annotation an AWS controller reads;
// on the real plans and on plans mutated to pass "nothing" as "" in each place.
import { strict as assert } from "assert";
import { emptyStrings, emptyValues } from "../plays/emptyValues";
import type { Plan } from "../synth/synth";
import { synthEnv } from "./helpers";
import { playSays, withResource } from "./planEdits";

const said = playSays(emptyValues);
const mutate = withResource;

describe("plays: empty-values", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("passes the reference environments", () => {
        assert.equal(said(dev), "");
        assert.equal(said(prod), "");
    });

    it("finds empty strings at any depth, or only under the keys asked for", () => {
        assert.deepEqual(emptyStrings({ a: "", b: [{ c: "" }, "x"], d: { e: "y" } }), ["a", "b[0].c"]);
        assert.deepEqual(emptyStrings({ "eks.amazonaws.com/role-arn": "", other: "", n: { "alb.ingress.kubernetes.io/scheme": "" } }, /^(eks\.amazonaws\.com|alb\.ingress\.kubernetes\.io)\//), ["eks.amazonaws.com/role-arn", "n.alb.ingress.kubernetes.io/scheme"]);
    });

    it("refuses \"\" in an AWS resource's input, a load balancer annotation, and a role annotation in chart values", () => {
        const bucketLogging = mutate(prod, "addons", (r) => r.type === "aws:s3/bucketLogging:BucketLogging", (i) => (i.targetBucket = ""));
        assert.match(said(bucketLogging), /input targetBucket is "": an empty name, ARN or ID/);
        const nested = mutate(prod, "addons", (r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", (i) => (i.rules[0].id = ""));
        assert.match(said(nested), /input rules\[0\]\.id is ""/);
        const annotation = mutate(prod, "workloads", (r) => r.inputs.kind === "Service" && r.inputs.spec?.type === "LoadBalancer", (i) => (i.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"] = ""));
        assert.match(said(annotation), /Service payments\/.*: annotation service\.beta\.kubernetes\.io\/aws-load-balancer-ssl-cert is ""/);
        const values = mutate(prod, "addons", (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "aws-load-balancer-controller", (i) => (i.values.serviceAccount.annotations = { "eks.amazonaws.com/role-arn": "" }));
        assert.match(said(values), /release aws-load-balancer-controller values serviceAccount\.annotations\.eks\.amazonaws\.com\/role-arn is ""/);
    });
});
