import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { networkContract, type NetworkOutputs } from "../infra/network/contract";
import { ContractError, defineLayer, runFromStacks, type WiredContract } from "../lib/layer";
import { MockEngine } from "../synth/engine";
import { configWith, rejectionOf } from "./helpers";

const ORG = "organization";
const ENV = "qa";
const NETWORK_STACK = `${ORG}/platform-network/${ENV}`;

/** A complete, valid network stack. */
function networkOutputs(): NetworkOutputs {
    return {
        vpcId: "vpc-0123456789abcdef0",
        vpcCidr: "10.0.0.0/16",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        privateSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
        privateSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19"],
        publicSubnetIds: [],
        privateRouteTableIds: ["rtb-0000000000000000a", "rtb-0000000000000000b"],
        egress: "none",
        interfaceEndpoints: ["sts"],
        endpointSecurityGroupId: "sg-0000000000000000a",
        peerCidrs: [],
        peeringConnectionIds: [],
        flowLogGroupName: "/aws/vpc/flow-logs/acme-qa",
    };
}

/** A downstream layer that reads the network stack and hands every output through. */
const probe = defineLayer({
    name: "cluster",
    contract: networkContract,
    upstream: { network: networkContract },
    run: ({ upstream }) => upstream.network,
});

/** Runs the probe layer against the given network stack (undefined: no stack at all). */
async function readNetwork(outputs: Record<string, unknown> | undefined, secretNames: string[] = []) {
    const engine = new MockEngine("eu-west-1");
    if (outputs) engine.stacks.set(NETWORK_STACK, { outputs, secretNames });
    await engine.install("platform-cluster", ENV, ORG);
    const config = configWith({}, ENV);
    const run = engine.run(() => Promise.resolve(runFromStacks(probe, config)));
    return { engine, run };
}

const resolved = <T>(out: pulumi.Output<T>): Promise<T> => new Promise((resolve) => out.apply((v) => { resolve(v); return v; }));

describe("contract: reading an upstream stack (readStack / runFromStacks)", () => {
    it("a complete stack arrives as Pulumi outputs with its values", async () => {
        const { run } = await readNetwork(networkOutputs());
        const result = await run;
        const wired = result as WiredContract<typeof networkContract>;
        assert.ok(pulumi.Output.isInstance(wired.vpcId));
        assert.equal(await resolved(wired.vpcId), "vpc-0123456789abcdef0");
        assert.deepEqual(await resolved(wired.privateSubnetIds), ["subnet-0000000000000000a", "subnet-0000000000000000b"]);
        assert.equal(await pulumi.isSecret(wired.vpcId), false);
    });

    it("a missing output: names the stack and the output, and says to deploy the layer first", async () => {
        const { privateSubnetIds: _, ...partial } = networkOutputs();
        const { run } = await readNetwork(partial);
        const err = await rejectionOf(run);
        assert.ok(err instanceof ContractError, String(err));
        assert.deepEqual(err.problems, [`platform-network/${ENV} has no output "privateSubnetIds": deploy the network layer first`]);
        assert.equal(err.message, `platform-network/${ENV} has no output "privateSubnetIds": deploy the network layer first`);
    });

    it("a partial stack: every missing output is listed", async () => {
        const { run } = await readNetwork({ vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.0.0.0/16" });
        const err = await rejectionOf(run);
        assert.ok(err instanceof ContractError, String(err));
        assert.equal(err.problems.length, Object.keys(networkContract.shape).length - 2);
        assert.ok(err.problems.includes(`platform-network/${ENV} has no output "flowLogGroupName": deploy the network layer first`));
    });

    it("a wrong-typed output: the message names the output", async () => {
        const { run } = await readNetwork({ ...networkOutputs(), privateSubnetIds: "subnet-0000000000000000a" });
        const err = await rejectionOf(run);
        assert.ok(err instanceof ContractError, String(err));
        assert.equal(err.problems.length, 1);
        assert.match(err.problems[0], new RegExp(`^platform-network/${ENV} output "privateSubnetIds": .*expected array`));
    });

    it("an output breaking a rule of the contract (a VPC id without vpc-): the message names the output", async () => {
        const { run } = await readNetwork({ ...networkOutputs(), vpcId: "0123456789abcdef0" });
        const err = await rejectionOf(run);
        assert.ok(err instanceof ContractError, String(err));
        assert.equal(err.problems.length, 1);
        assert.match(err.problems[0], new RegExp(`^platform-network/${ENV} output "vpcId": `));
    });

    it("a secret output arrives as a secret, the others do not", async () => {
        const { run } = await readNetwork(networkOutputs(), ["flowLogGroupName"]);
        const result = await run;
        const wired = result as WiredContract<typeof networkContract>;
        assert.equal(await pulumi.isSecret(wired.flowLogGroupName), true);
        assert.equal(await resolved(wired.flowLogGroupName), "/aws/vpc/flow-logs/acme-qa");
        assert.equal(await pulumi.isSecret(wired.vpcId), false);
    });

    it("an absent stack fails, naming the stack", async () => {
        const { engine, run } = await readNetwork(undefined);
        const err = await rejectionOf(run);
        assert.match(err.message, new RegExp(`stack ${NETWORK_STACK} does not exist: deploy it first`));
        assert.ok(engine.errors.includes(`stack ${NETWORK_STACK} does not exist: deploy it first (the synth runs the layers in order)`), engine.errors.join("\n"));
    });
});
