// Replacements between two plans: which stateful resources a change would delete and recreate.
// The inputs below force a replacement (the AWS provider marks them ForceNew; for eks:index:Cluster,
// the inputs that reach the cluster's ForceNew arguments). A changed URN is a replacement too.
import { asRecord, type PolicyResource } from "./rule";

export const FORCE_NEW: Record<string, string[]> = {
    "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId", "bypassPolicyLockoutSafetyCheck"],
    "eks:index:Cluster": ["name", "serviceRole", "roleArn", "vpcId", "privateSubnetIds", "publicSubnetIds", "subnetIds", "kubernetesServiceIpAddressRange", "ipFamily", "encryptionConfigKeyArn", "bootstrapSelfManagedAddons"],
    "aws:eks/cluster:Cluster": ["name", "roleArn", "kubernetesNetworkConfig", "encryptionConfig", "bootstrapSelfManagedAddons", "outpostConfig"],
    "aws:efs/fileSystem:FileSystem": ["encrypted", "kmsKeyId", "performanceMode", "creationToken", "availabilityZoneName"],
};

export interface Replacement {
    urn: string;
    reason: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The stateful resources of `before` that `after` would replace: gone from the plan, or a ForceNew input changed. */
export function replacements(before: PolicyResource[], after: PolicyResource[], types = Object.keys(FORCE_NEW)): Replacement[] {
    const next = new Map(after.map((r) => [r.urn, r]));
    return before
        .filter((r) => types.includes(r.type))
        .flatMap((r): Replacement[] => {
            const now = next.get(r.urn);
            if (!now) return [{ urn: r.urn, reason: "no longer in the plan under this URN: it would be deleted (add an alias if it was renamed)" }];
            const changed = FORCE_NEW[r.type].filter((k) => !same(asRecord(r.props)[k], asRecord(now.props)[k]));
            return changed.length ? [{ urn: r.urn, reason: `${changed.join(", ")} changed: the provider replaces it` }] : [];
        });
}
