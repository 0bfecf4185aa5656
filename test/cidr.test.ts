import { strict as assert } from "assert";
import { AWS_RESERVED_PER_SUBNET, planSubnets, usableAddresses } from "../lib/cidr";

describe("cidr: planSubnets", () => {
    it("lays the private subnets out first, from the start of the VPC, in zone order", () => {
        assert.deepEqual(planSubnets("10.20.0.0/16", 3, 19, undefined), {
            private: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
            public: [],
        });
    });

    it("puts the public subnets in the first free blocks after the private ones", () => {
        assert.deepEqual(planSubnets("10.20.0.0/16", 3, 19, 24), {
            private: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
            public: ["10.20.96.0/24", "10.20.97.0/24", "10.20.98.0/24"],
        });
    });

    it("skips every block a private subnet overlaps, even when the public subnets are larger", () => {
        assert.deepEqual(planSubnets("10.0.0.0/16", 2, 24, 20), {
            private: ["10.0.0.0/24", "10.0.1.0/24"],
            public: ["10.0.16.0/20", "10.0.32.0/20"],
        });
    });

    it("never overlaps a private and a public subnet", () => {
        const plan = planSubnets("10.0.0.0/20", 6, 23, 26);
        assert.ok(typeof plan !== "string", String(plan));
        assert.deepEqual(plan.private, ["10.0.0.0/23", "10.0.2.0/23", "10.0.4.0/23", "10.0.6.0/23", "10.0.8.0/23", "10.0.10.0/23"]);
        assert.deepEqual(plan.public, ["10.0.12.0/26", "10.0.12.64/26", "10.0.12.128/26", "10.0.12.192/26", "10.0.13.0/26", "10.0.13.64/26"]);
    });

    it("returns an error when the private subnets do not fit", () => {
        assert.equal(planSubnets("10.0.0.0/24", 3, 25, undefined), "3 private /25 subnets do not fit in the VPC 10.0.0.0/24");
    });

    it("returns an error when the public subnets do not fit after the private ones", () => {
        assert.equal(
            planSubnets("10.0.0.0/22", 2, 23, 24),
            "2 private /23 and 2 public /24 subnets do not fit in the VPC 10.0.0.0/22",
        );
    });

    it("returns an error when a subnet prefix is larger than the VPC", () => {
        assert.equal(planSubnets("10.0.0.0/24", 2, 20, 26), "the private subnet prefix /20 is larger than the VPC 10.0.0.0/24");
        assert.equal(planSubnets("10.0.0.0/24", 2, 26, 22), "the public subnet prefix /22 is larger than the VPC 10.0.0.0/24");
    });

    it("a subnet as large as the VPC fits exactly one zone", () => {
        assert.deepEqual(planSubnets("10.0.0.0/24", 1, 24, undefined), { private: ["10.0.0.0/24"], public: [] });
        assert.equal(planSubnets("10.0.0.0/24", 2, 24, undefined), "2 private /24 subnets do not fit in the VPC 10.0.0.0/24");
    });
});

describe("cidr: usableAddresses", () => {
    it("AWS keeps five addresses of every subnet", () => {
        assert.equal(AWS_RESERVED_PER_SUBNET, 5);
        assert.equal(usableAddresses("10.0.0.0/24"), 251);
        assert.equal(usableAddresses("10.0.0.0/19"), 8187);
        assert.equal(usableAddresses("10.0.0.0/28"), 11);
    });
});
