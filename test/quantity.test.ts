// Kubernetes quantities by their real grammar (issue 20): what the API server accepts, the config
// accepts, and compares by value.
import { strict as assert } from "assert";
import { QUANTITY, isBinary, isQuantity, quantityValue } from "../lib/quantity";
import { configWith, entriesWith, problemsOf } from "./helpers";

/** The pattern the upstream CRDs carry for quantities (int-or-string fields), e.g. Karpenter's. */
const CRD_PATTERN = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

const VALID = ["0", "1", "250m", "1.5", ".5", "5.", "2Ti", "1G", "500M", "1Gi", "512Mi", "100Ki", "1k", "1E", "1Ei", "1e3", "1.5e-3", "2E6", "+1", "10n", "3u", "1P", "1Pi"];
const INVALID = ["", "1K", "1gi", "1 Gi", "Gi", "1.2.3", "1e", "1Gb", "m", "1mi", "--1", "1ee3", "0x10", "1,5"];

describe("Kubernetes quantities", () => {
    it("accepts what the Kubernetes grammar accepts, and only that (the upstream CRDs' pattern agrees)", () => {
        for (const q of VALID) {
            assert.ok(isQuantity(q), `${q} is a quantity`);
            assert.ok(CRD_PATTERN.test(q), `${q}: the CRD pattern agrees`);
        }
        for (const q of INVALID) {
            assert.ok(!isQuantity(q), `${q} is not a quantity`);
            assert.ok(!CRD_PATTERN.test(q), `${q}: the CRD pattern agrees`);
        }
        assert.ok(QUANTITY.test("1E"), "a suffix wins over an exponent: 1E is one exa");
    });

    it("values: decimal and binary suffixes, exponents, millis", () => {
        assert.equal(quantityValue("250m"), 0.25);
        assert.equal(quantityValue("1G"), 1e9);
        assert.equal(quantityValue("500M"), 5e8);
        assert.equal(quantityValue("2Ti"), 2 * 2 ** 40);
        assert.equal(quantityValue("1.5Gi"), 1.5 * 2 ** 30);
        assert.equal(quantityValue("1e3"), 1000);
        assert.equal(quantityValue("1E"), 1e18);
        assert.ok(quantityValue("1Gi") > quantityValue("1G"));
        assert.ok(isBinary("2Ti") && !isBinary("2T") && !isBinary("2"));
        assert.throws(() => quantityValue("1K"), /"1K" is not a Kubernetes quantity/);
    });

    it("the config takes 2Ti, 1G and 500M, compares them by value, and refuses what Kubernetes refuses", () => {
        const team = (quota: Record<string, string>, limits: Record<string, unknown> = {}) => ({
            "platform:access": { teams: [{ name: "shop", roleArn: "arn:aws:iam::111122223333:role/shop", namespaces: ["shop"] }] },
            "platform:teams": [{ name: "shop", quota, limits }],
        });
        const c = configWith(team({ storage: "2Ti", requestsMemory: "1G", limitsMemory: "2G" }, { default: { cpu: "500m", memory: "500M" } }));
        assert.equal(c.teams[0].quota.storage, "2Ti");
        assert.equal(c.teams[0].limits.default.memory, "500M");
        // 1Gi is more than 1G: the LimitRange order is judged by value.
        assert.deepEqual(problemsOf(entriesWith(team({}, { defaultRequest: { cpu: "100m", memory: "1Gi" }, default: { cpu: "500m", memory: "1G" } }))), [
            'platform:teams[0].limits.defaultRequest.memory: "1Gi" is above limits.default.memory ("1G")',
        ]);
        assert.match(problemsOf(entriesWith(team({ storage: "2TB" }))).join("\n"), /"2TB" is not a Kubernetes quantity such as "100m", "512Mi" or "2G"/);
        assert.match(problemsOf(entriesWith(team({ storage: "-1Gi" }))).join("\n"), /"-1Gi" is not a Kubernetes quantity/);
    });
});
