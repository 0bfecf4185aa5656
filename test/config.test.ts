import { strict as assert } from "assert";
import { loadPulumiConfig } from "../lib/config/load";
import { configWith, entriesWith, envConfig, problemsOf } from "./helpers";

/** The problems of the base entries with some keys replaced. */
const problems = (overrides: Record<string, unknown>) => problemsOf(entriesWith(overrides));

describe("config: the schema", () => {
    it("accepts the minimal entries and fills in the defaults", () => {
        const c = configWith({});
        assert.equal(c.env, "test");
        assert.equal(c.organization, "organization");
        assert.deepEqual(c.subnets, { privatePrefixLength: 19, publicPrefixLength: 24 });
        assert.deepEqual(c.podNetwork, { mode: "vpc-cni", podCidr: "100.64.0.0/16", blockSize: 26 });
        assert.equal(c.serviceCidr, "172.20.0.0/16");
        assert.deepEqual(c.flowLogs, { retentionDays: 90, trafficType: "ALL" });
        assert.deepEqual(c.endpoint, { publicAccess: false, publicAccessCidrs: [], vpnCidrs: [] });
        assert.deepEqual(c.peerings, []);
    });

    it("cidr: rejects a prefix beyond /32 as not a valid IPv4 CIDR", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "10.0.0.0/33" }), [
            'platform:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR',
        ]);
    });

    it("cidr: rejects a CIDR with host bits set (10.0.0.1/16)", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "10.0.0.1/16" }), [
            'platform:vpcCidr: "10.0.0.1/16" is not a valid IPv4 CIDR',
        ]);
    });

    it("cidr: checks CIDRs inside lists and nested objects with their full key", () => {
        assert.deepEqual(
            problems({ "platform:endpoint": { vpnCidrs: ["10.200.0.0/16", "10.201.0.9/16"] } }),
            ['platform:endpoint.vpnCidrs[1]: "10.201.0.9/16" is not a valid IPv4 CIDR'],
        );
    });

    it("availabilityZones: 1 zone is too few", () => {
        assert.deepEqual(problems({ "platform:availabilityZones": ["eu-west-1a"] }), [
            "platform:availabilityZones: needs at least 2 availability zones",
        ]);
    });

    it("availabilityZones: 7 zones are too many", () => {
        const zones = ["a", "b", "c", "d", "e", "f", "g"].map((z) => `eu-west-1${z}`);
        assert.deepEqual(problems({ "platform:availabilityZones": zones }), [
            "platform:availabilityZones: takes at most 6 availability zones",
        ]);
    });

    it("required keys: a missing key is reported as required, with its full name", () => {
        assert.deepEqual(problems({ "aws:region": undefined, "platform:vpcCidr": undefined }), [
            "aws:region: is required",
            "platform:vpcCidr: is required",
        ]);
    });

    it("unknown keys: an unknown top-level platform: key is rejected", () => {
        assert.deepEqual(problems({ "platform:vpcCird": "10.1.0.0/16" }), [
            "platform:vpcCird: is not a known setting (see the config reference in README.md)",
        ]);
    });

    it("unknown keys: platform:region is not a setting (the region is aws:region)", () => {
        assert.deepEqual(problems({ "platform:region": "eu-west-1" }), [
            "platform:region: is not a known setting (see the config reference in README.md)",
        ]);
    });

    it("unknown keys: an unknown nested key is rejected with its path", () => {
        assert.deepEqual(problems({ "platform:subnets": { privatePrefixLength: 20, publicPrefix: 24 } }), [
            "platform:subnets.publicPrefix: is not a known setting",
        ]);
    });

    it("unknown keys: other namespaces (provider settings) are left alone", () => {
        assert.equal(configWith({ "aws:profile": "platform-admin" }).region, "eu-west-1");
    });

    it("secrets: a { secure: ... } value is rejected as a secret", () => {
        const found = problems({ "platform:tags": { Owner: { secure: "v1:abc" } } });
        assert.ok(
            found.includes("platform:tags.Owner: holds a secret, but environment files hold no secrets (several stacks read them); generate it or read it from AWS Secrets Manager"),
            found.join("\n"),
        );
    });

    // BUG (lib/config/load.ts, parseConfig, the findSecrets loop): the key of a secret is built with
    // keyName([key.replace(/^platform:/, ""), ...]), which prefixes every non-platform key with
    // "platform:": a secret aws:region is reported as "platform:aws:region" (and aws:profile as
    // "platform:aws:profile"). Enable when the key keeps its own namespace.
    it("secrets: a secret outside the platform namespace is reported under its own key", () => {
        const found = problems({ "aws:profile": { secure: "v1:abc" } });
        assert.deepEqual(found, [
            "aws:profile: holds a secret, but environment files hold no secrets (several stacks read them); generate it or read it from AWS Secrets Manager",
        ]);
    });

    it("enums: an unknown egress mode lists the allowed ones", () => {
        assert.deepEqual(problems({ "platform:egress": "nat" }), [
            'platform:egress: "nat" is not one of none, nat-per-az, single-nat',
        ]);
    });

    it("numbers: nested integers are bounded (subnets.privatePrefixLength 16 to 28)", () => {
        assert.deepEqual(problems({ "platform:subnets": { privatePrefixLength: 29 } }), [
            "platform:subnets.privatePrefixLength: 29 is above the maximum 28",
        ]);
    });

    it("flowLogs.retentionDays: only CloudWatch Logs retention periods", () => {
        const found = problems({ "platform:flowLogs": { retentionDays: 45 } });
        assert.equal(found.length, 1);
        assert.match(found[0], /^platform:flowLogs\.retentionDays: 45 is not a CloudWatch Logs retention period \(1, 3, 5, .*3653\)$/);
    });

    it("reports several problems at once in one error", () => {
        const found = problems({
            "platform:name": "Acme",
            "platform:vpcCidr": "10.0.0.0/33",
            "platform:egress": "nat",
            "platform:unknown": true,
            "platform:serviceCidr": "100.64.0.0/16",
        });
        assert.deepEqual([...found].sort(), [
            'platform:egress: "nat" is not one of none, nat-per-az, single-nat',
            'platform:name: "Acme" must be 2-20 lowercase letters, digits or hyphens, starting with a letter',
            'platform:serviceCidr: "100.64.0.0/16" must lie within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (EKS rule)',
            "platform:unknown: is not a known setting (see the config reference in README.md)",
            'platform:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR',
        ]);
    });

    it("the error message names the source file and lists every problem", () => {
        assert.throws(
            () => configWith({ "platform:vpcCidr": "10.0.0.1/16", "platform:availabilityZones": ["eu-west-1a"] }),
            (err: Error) => {
                assert.equal(err.name, "ConfigError");
                assert.equal(
                    err.message,
                    "invalid config in Pulumi.test.yaml:\n" +
                        "  - platform:availabilityZones: needs at least 2 availability zones\n" +
                        '  - platform:vpcCidr: "10.0.0.1/16" is not a valid IPv4 CIDR',
                );
                return true;
            },
        );
    });
});

describe("config: tier defaults", () => {
    it("production: egress none and interface endpoints on", () => {
        const c = configWith({ "platform:tier": "production" });
        assert.equal(c.egress, "none");
        assert.equal(c.vpcEndpoints.interface, true);
    });

    it("development: a single NAT gateway and interface endpoints off", () => {
        const c = configWith({});
        assert.equal(c.egress, "single-nat");
        assert.equal(c.vpcEndpoints.interface, false);
    });

    it("an explicit egress wins over the tier, and the endpoint default follows it", () => {
        const c = configWith({ "platform:tier": "production", "platform:egress": "nat-per-az", "platform:productionExceptions": { internetEgress: { reason: "the payment processor is only on the internet (PAY-9)" } } });
        assert.equal(c.egress, "nat-per-az");
        assert.equal(c.vpcEndpoints.interface, false);
        const d = configWith({ "platform:egress": "none" });
        assert.equal(d.vpcEndpoints.interface, true);
    });
});

describe("config: cross-field rules", () => {
    it("vpcSize: a VPC larger than /16 is rejected", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "10.0.0.0/15" }), [
            'platform:vpcCidr: "10.0.0.0/15" must be a /16 to /24 (AWS allows /16 to /28; smaller cannot hold a cluster)',
        ]);
    });

    it("vpcSize: a VPC smaller than /24 is rejected", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "10.0.0.0/25" }), [
            'platform:vpcCidr: "10.0.0.0/25" must be a /16 to /24 (AWS allows /16 to /28; smaller cannot hold a cluster)',
        ]);
    });

    it("vpcSize: /16 and /24 are accepted", () => {
        assert.equal(configWith({ "platform:vpcCidr": "10.0.0.0/16" }).vpcCidr, "10.0.0.0/16");
        const small = configWith({
            "platform:vpcCidr": "10.0.0.0/24",
            "platform:subnets": { privatePrefixLength: 26, publicPrefixLength: 28 },
            "platform:capacity": { maxNodes: 4, maxPods: 40 },
            // Karpenter's limits fit the 4 planned nodes.
            "platform:karpenter": { nodePools: [{ name: "default", instanceFamilies: ["m6a"], instanceSizes: ["large"], limits: { cpu: 8, memoryGiB: 32 } }] },
        });
        assert.equal(small.vpcCidr, "10.0.0.0/24");
    });

    it("vpcSize: a /0 VPC is reported by the size check alone (the subnets are not laid out)", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "0.0.0.0/0" }), [
            'platform:vpcCidr: "0.0.0.0/0" must be a /16 to /24 (AWS allows /16 to /28; smaller cannot hold a cluster)',
        ]);
    });

    it("zonesInRegion: a zone outside aws:region is rejected with its index", () => {
        assert.deepEqual(problems({ "platform:availabilityZones": ["eu-west-1a", "eu-central-1b"] }), [
            'platform:availabilityZones[1]: "eu-central-1b" is not a zone of eu-west-1 (aws:region)',
        ]);
    });

    it("zonesInRegion: duplicate zones are rejected", () => {
        assert.deepEqual(problems({ "platform:availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1a"] }), [
            "platform:availabilityZones: lists eu-west-1a more than once",
        ]);
    });

    // BUG (lib/config/rules.ts, zonesInRegion): the duplicates are every repeated occurrence, not
    // every repeated zone, so a zone listed three times is named twice ("lists eu-west-1a,
    // eu-west-1a more than once"). Enable when the names are deduplicated ([...new Set(duplicates)]).
    it("zonesInRegion: a zone listed three times is named once", () => {
        assert.deepEqual(problems({ "platform:availabilityZones": ["eu-west-1a", "eu-west-1a", "eu-west-1a"] }), [
            "platform:availabilityZones: lists eu-west-1a more than once",
        ]);
    });

    it("noOverlaps: the service CIDR may not overlap the VPC", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "172.20.0.0/16" }), [
            'platform:serviceCidr: "172.20.0.0/16" overlaps platform:vpcCidr "172.20.0.0/16"',
        ]);
    });

    it("noOverlaps: a peer CIDR may not overlap the VPC", () => {
        const peerings = [{ name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidr: "10.0.128.0/17" }];
        assert.deepEqual(problems({ "platform:peerings": peerings }), [
            'platform:peerings[0].peerCidr: "10.0.128.0/17" overlaps platform:vpcCidr "10.0.0.0/16"',
        ]);
    });

    it("noOverlaps: two peer CIDRs may not overlap each other", () => {
        const peerings = [
            { name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidr: "10.100.0.0/16" },
            { name: "ci", peerVpcId: "vpc-0a1b2c3d4e5f60719", peerCidr: "10.100.64.0/18" },
        ];
        assert.deepEqual(problems({ "platform:peerings": peerings }), [
            'platform:peerings[1].peerCidr: "10.100.64.0/18" overlaps platform:peerings[0].peerCidr "10.100.0.0/16"',
        ]);
    });

    it("noOverlaps: the pod CIDR may not overlap the VPC in calico-overlay mode", () => {
        assert.deepEqual(
            problems({ "platform:vpcCidr": "100.64.0.0/16", "platform:podNetwork": { mode: "calico-overlay" } }),
            ['platform:podNetwork.podCidr: "100.64.0.0/16" overlaps platform:vpcCidr "100.64.0.0/16"'],
        );
    });

    it("noOverlaps: the pod CIDR is not checked in vpc-cni mode (pods take VPC addresses)", () => {
        const c = configWith({ "platform:vpcCidr": "100.64.0.0/16", "platform:podNetwork": { mode: "vpc-cni" } });
        assert.equal(c.podNetwork.podCidr, "100.64.0.0/16");
    });

    it("serviceCidrRange: a service CIDR outside the EKS ranges is rejected", () => {
        assert.deepEqual(problems({ "platform:serviceCidr": "100.64.0.0/16" }), [
            'platform:serviceCidr: "100.64.0.0/16" must lie within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (EKS rule)',
        ]);
    });

    it("serviceCidrRange: a service CIDR larger than /12 is rejected", () => {
        assert.deepEqual(problems({ "platform:vpcCidr": "192.168.0.0/16", "platform:serviceCidr": "10.0.0.0/8" }), [
            'platform:serviceCidr: "10.0.0.0/8" must be a /12 to /24 (EKS rule)',
        ]);
    });

    it("subnetPlan: 3 private /25 subnets do not fit in a /24", () => {
        assert.deepEqual(
            problems({
                "platform:vpcCidr": "10.0.0.0/24",
                "platform:availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                "platform:egress": "none",
                "platform:subnets": { privatePrefixLength: 25 },
            }),
            ["platform:subnets: 3 private /25 subnets do not fit in the VPC 10.0.0.0/24"],
        );
    });

    it("subnetPlan: the public subnets must fit after the private ones", () => {
        assert.deepEqual(
            problems({ "platform:vpcCidr": "10.0.0.0/22", "platform:subnets": { privatePrefixLength: 23, publicPrefixLength: 24 } }),
            ["platform:subnets: 2 private /23 and 2 public /24 subnets do not fit in the VPC 10.0.0.0/22"],
        );
    });

    it("subnetPlan: the public subnets are not planned without egress", () => {
        const c = configWith({
            "platform:vpcCidr": "10.0.0.0/22",
            "platform:egress": "none",
            "platform:subnets": { privatePrefixLength: 23, publicPrefixLength: 24 },
            "platform:capacity": { maxNodes: 50, maxPods: 400 },
        });
        assert.equal(c.egress, "none");
    });

    it("subnetPlan: vpc-cni counts nodes and pods against the private subnets", () => {
        assert.deepEqual(
            problems({ "platform:subnets": { privatePrefixLength: 24 }, "platform:capacity": { maxNodes: 50, maxPods: 1500 } }),
            ["platform:subnets.privatePrefixLength: /24 private subnets hold 251 addresses each, but 50 nodes and 1500 pods over 2 zones need 775 per zone (platform:capacity)"],
        );
    });

    it("subnetPlan: calico-overlay counts only the nodes against the private subnets", () => {
        const c = configWith({
            "platform:subnets": { privatePrefixLength: 24 },
            "platform:capacity": { maxNodes: 50, maxPods: 1500 },
            "platform:podNetwork": { mode: "calico-overlay" },
        });
        assert.equal(c.podNetwork.mode, "calico-overlay");
        assert.deepEqual(
            problems({
                "platform:subnets": { privatePrefixLength: 24 },
                "platform:capacity": { maxNodes: 600, maxPods: 1500 },
                "platform:podNetwork": { mode: "calico-overlay", podCidr: "100.64.0.0/14", blockSize: 26 },
            }),
            ["platform:subnets.privatePrefixLength: /24 private subnets hold 251 addresses each, but 600 nodes over 2 zones need 300 per zone (platform:capacity)"],
        );
    });

    it("overlayCapacity: a pod CIDR smaller than maxPods is rejected", () => {
        assert.deepEqual(
            problems({
                "platform:podNetwork": { mode: "calico-overlay", podCidr: "100.64.0.0/22", blockSize: 28 },
                "platform:capacity": { maxNodes: 50, maxPods: 1500 },
            }),
            ['platform:podNetwork.podCidr: "100.64.0.0/22" holds 1024 pods, fewer than platform:capacity.maxPods (1500)'],
        );
    });

    it("overlayCapacity: too few IPAM blocks for maxNodes is rejected", () => {
        assert.deepEqual(
            problems({
                "platform:podNetwork": { mode: "calico-overlay", podCidr: "100.64.0.0/16", blockSize: 20 },
                "platform:capacity": { maxNodes: 50, maxPods: 1500 },
            }),
            ["platform:podNetwork.blockSize: /20 blocks give 16 nodes a block each, fewer than platform:capacity.maxNodes (50)"],
        );
    });

    it("overlayCapacity: blocks larger than the pod CIDR are rejected", () => {
        assert.deepEqual(
            problems({ "platform:podNetwork": { mode: "calico-overlay", podCidr: "100.64.0.0/24", blockSize: 22 } }),
            ["platform:podNetwork.blockSize: /22 blocks are larger than the pod CIDR 100.64.0.0/24"],
        );
    });

    it("overlayCapacity: not checked in vpc-cni mode", () => {
        const c = configWith({ "platform:podNetwork": { mode: "vpc-cni", podCidr: "100.64.0.0/28" } });
        assert.equal(c.podNetwork.mode, "vpc-cni");
    });

    it("endpointAccess: a public endpoint needs a CIDR allow list", () => {
        assert.deepEqual(problems({ "platform:endpoint": { publicAccess: true } }), [
            "platform:endpoint.publicAccessCidrs: must list the allowed CIDRs when endpoint.publicAccess is true (an empty list opens the API to 0.0.0.0/0)",
        ]);
    });

    it("endpointAccess: production never opens the API to 0.0.0.0/0", () => {
        assert.deepEqual(
            problems({
                "platform:tier": "production",
                "platform:subnets": { privatePrefixLength: 18 },
                "platform:productionExceptions": { publicEndpoint: { reason: "break-glass access while the VPN is rebuilt (OPS-1)" } },
                "platform:endpoint": { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] },
            }),
            ['platform:endpoint.publicAccessCidrs[1]: "0.0.0.0/0" opens the API to the internet, which production never does'],
        );
    });

    it("endpointAccess: development may open the API to 0.0.0.0/0", () => {
        const c = configWith({ "platform:endpoint": { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } });
        assert.deepEqual(c.endpoint.publicAccessCidrs, ["0.0.0.0/0"]);
    });

    it("endpointsWithoutEgress: interface endpoints cannot be off with egress none", () => {
        const message =
            "platform:vpcEndpoints.interface: cannot be false when platform:egress is none: a VPC without egress reaches AWS only through interface endpoints";
        assert.deepEqual(problems({ "platform:egress": "none", "platform:vpcEndpoints": { interface: false } }), [message]);
        // ... nor with the production default egress
        assert.deepEqual(
            problems({ "platform:tier": "production", "platform:subnets": { privatePrefixLength: 18 }, "platform:vpcEndpoints": { interface: false } }),
            [message],
        );
    });

    it("endpointsWithoutEgress: interface endpoints may be off with a NAT gateway", () => {
        assert.equal(configWith({ "platform:vpcEndpoints": { interface: false } }).vpcEndpoints.interface, false);
    });

    it("uniquePeeringNames: two peerings may not share a name", () => {
        const peerings = [
            { name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidr: "10.100.0.0/16" },
            { name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60719", peerCidr: "10.101.0.0/16" },
        ];
        assert.deepEqual(problems({ "platform:peerings": peerings }), [
            'platform:peerings[1].name: "tooling" is used by another peering',
        ]);
    });
});

describe("config: Pulumi's config map (loadPulumiConfig)", () => {
    const pulumiEntries = (): Record<string, string> => ({
        "aws:region": "eu-west-1",
        "platform:name": "acme",
        "platform:tier": "development",
        "platform:availabilityZones": '["eu-west-1a","eu-west-1b"]',
        "platform:vpcCidr": "10.0.0.0/16",
    });

    it("parses objects and lists passed as JSON strings, with numbers and booleans as strings", () => {
        const c = loadPulumiConfig(
            {
                ...pulumiEntries(),
                "platform:subnets": '{"privatePrefixLength":"20","publicPrefixLength":26}',
                "platform:capacity": '{"maxNodes":"30","maxPods":"300"}',
                "platform:endpoint": '{"publicAccess":"true","publicAccessCidrs":["203.0.113.0/24"]}',
                "platform:vpcEndpoints": '{"interface":"false"}',
                "platform:flowLogs": '{"retentionDays":"30"}',
            },
            "staging",
            () => false,
        );
        assert.equal(c.env, "staging");
        assert.deepEqual(c.availabilityZones, ["eu-west-1a", "eu-west-1b"]);
        assert.deepEqual(c.subnets, { privatePrefixLength: 20, publicPrefixLength: 26 });
        assert.deepEqual(c.capacity, { maxNodes: 30, maxPods: 300 });
        assert.equal(c.endpoint.publicAccess, true);
        assert.equal(c.vpcEndpoints.interface, false);
        assert.equal(c.flowLogs.retentionDays, 30);
    });

    it("rejects a value Pulumi holds as a secret", () => {
        assert.throws(
            () => loadPulumiConfig({ ...pulumiEntries(), "platform:vpcCidr": "[secret]" }, "staging", (key) => key === "platform:vpcCidr"),
            (err: Error & { problems?: string[] }) => {
                assert.ok(err.problems?.some((p) => p.startsWith("platform:vpcCidr: holds a secret")), err.message);
                assert.match(err.message, /^invalid config in stack staging:/);
                return true;
            },
        );
    });

    it("rejects a string that is not a number where a number is expected", () => {
        assert.throws(
            () => loadPulumiConfig({ ...pulumiEntries(), "platform:capacity": '{"maxNodes":"ten"}' }, "staging", () => false),
            /platform:capacity\.maxNodes: "ten" is not a number/,
        );
    });
});

describe("config: the environment files", () => {
    it("Pulumi.dev.yaml loads: development with a single NAT gateway and a private-only endpoint (reached from the tooling VPC and the VPN)", () => {
        const c = envConfig("dev");
        assert.equal(c.env, "dev");
        assert.equal(c.tier, "development");
        assert.equal(c.egress, "single-nat");
        assert.equal(c.vpcEndpoints.interface, false);
        assert.equal(c.endpoint.publicAccess, false);
        assert.equal(c.endpoint.vpnGateway, "tgw-0a1b2c3d4e5f60718");
    });

    it("Pulumi.prod.yaml loads: production, fully private, calico overlay", () => {
        const c = envConfig("prod");
        assert.equal(c.env, "prod");
        assert.equal(c.tier, "production");
        assert.equal(c.egress, "none");
        assert.equal(c.vpcEndpoints.interface, true);
        assert.equal(c.endpoint.publicAccess, false);
        assert.equal(c.podNetwork.mode, "calico-overlay");
        assert.deepEqual(c.subnets, { privatePrefixLength: 18, publicPrefixLength: 24 });
    });
});
