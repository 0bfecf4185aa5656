// eks:index:ManagedNodeGroup as pulumi-eks v4.3.0 builds it for the inputs this platform passes
// (the types and the cluster's model: remoteComponents.ts).
import type * as pulumi from "@pulumi/pulumi";
import { uuidOf } from "./ids";
import { PULUMI_EKS, UnmodeledInputError, type ComponentModel, type ModelContext } from "./remoteComponents";

type State = Record<string, unknown>;

const NODEGROUP_TS = `${PULUMI_EKS} nodejs/eks/nodes/nodegroup.ts createManagedNodeGroup`;

/**
 * eks:index:ManagedNodeGroup (pulumi-eks v4.3.0, `createManagedNodeGroup` in nodejs/eks/nodes/nodegroup.ts):
 * an aws.eks.NodeGroup; its own launch template only for options this platform does not pass
 * (userData, amiId, kubeletExtraArgs, ...: it brings its own launch template).
 */
export function eksManagedNodeGroup(args: pulumi.runtime.MockResourceArgs, ctx: ModelContext): ComponentModel {
    const i = args.inputs as State;
    for (const key of ["userData", "amiId", "kubeletExtraArgs", "bootstrapExtraArgs", "bottlerocketSettings", "nodeadmExtraOptions", "enableIMDSv2", "enableEfaSupport", "gpu", "operatingSystem", "nodeRole"]) {
        if (i[key] !== undefined) throw new UnmodeledInputError(`eks:index:ManagedNodeGroup "${args.name}": the fixture does not model the input "${key}" (synth/eksManagedNodeGroup.ts)`);
    }
    const lt = i.launchTemplate as { id?: string; version?: string } | undefined;
    if (lt && (!lt.id || !/^\d+$/.test(String(lt.version)))) {
        throw new UnmodeledInputError(`eks:index:ManagedNodeGroup "${args.name}": launchTemplate ${JSON.stringify(lt)} needs an id and a version number`);
    }
    const clusterName = String(i.clusterName ?? (i.cluster as State | undefined)?.name ?? "");
    const nodeGroupName = String(i.nodeGroupName ?? args.name);
    const scaling = (i.scalingConfig as State | undefined) ?? {};
    const arn = `arn:aws:eks:${ctx.region}:${ctx.accountId}:nodegroup/${clusterName}/${nodeGroupName}/${uuidOf(args.name)}`;
    const inputs: State = {
        clusterName,
        nodeGroupName,
        nodeRoleArn: i.nodeRoleArn,
        subnetIds: i.subnetIds,
        amiType: i.amiType,
        instanceTypes: i.instanceTypes,
        capacityType: i.capacityType,
        version: i.version,
        forceUpdateVersion: i.forceUpdateVersion,
        labels: i.labels,
        taints: i.taints,
        launchTemplate: lt,
        scalingConfig: { desiredSize: scaling.desiredSize ?? 2, minSize: scaling.minSize ?? 1, maxSize: scaling.maxSize ?? 2 },
        tags: i.tags,
    };
    return {
        state: { nodeGroupName, nodeGroupArn: arn, nodeGroup: { arn, nodeGroupName, clusterName } },
        children: [{ type: "aws:eks/nodeGroup:NodeGroup", name: args.name, source: NODEGROUP_TS, id: `${clusterName}:${nodeGroupName}`, inputs, outputs: { arn, status: "ACTIVE" } }],
    };
}
