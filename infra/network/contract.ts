// The network layer's outputs: what the cluster and add-ons layers may rely on.
import { z } from "zod";
import { EGRESS_MODES } from "../../lib/config/schema";

export const networkContract = z.object({
    vpcId: z.string().startsWith("vpc-"),
    vpcCidr: z.string(),
    availabilityZones: z.array(z.string()).min(2),
    /** Nodes, Fargate pods, the control plane's ENIs and the interface endpoints live here. */
    privateSubnetIds: z.array(z.string().startsWith("subnet-")).min(2),
    privateSubnetCidrs: z.array(z.string()).min(2),
    /** Internet-facing load balancers; empty without egress. */
    publicSubnetIds: z.array(z.string().startsWith("subnet-")),
    privateRouteTableIds: z.array(z.string().startsWith("rtb-")),
    egress: z.enum(EGRESS_MODES),
    /** Interface endpoint services created in the private subnets (empty when off). */
    interfaceEndpoints: z.array(z.string()),
    endpointSecurityGroupId: z.string().startsWith("sg-"),
    /** CIDRs of peered VPCs: the cluster opens its API to them. */
    peerCidrs: z.array(z.string()),
    peeringConnectionIds: z.array(z.string().startsWith("pcx-")),
    flowLogGroupName: z.string(),
});

export type NetworkOutputs = z.output<typeof networkContract>;
