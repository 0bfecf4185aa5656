// Data safety: what holds data is protected, volumes outlive their claims in production, aws-auth is
// only ever patched, and Karpenter's nodes go before the controller and the access it runs with.
import { at, ofType, rule, verdict, type Finding, type PolicyResource, type PolicyStack } from "../rule";
import { chartName, HELM_RELEASE_TYPES } from "./kubernetes";
import { NODE_CLASS_TYPE, NODE_POOL_TYPE } from "../../lib/karpenterNodes";

/** Stateful types that must be protected (or retained on delete) everywhere, and in production only. */
export const STATEFUL_TYPES = ["aws:kms/key:Key", "aws:efs/fileSystem:FileSystem"];
export const PRODUCTION_STATEFUL_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:dynamodb/table:Table", "aws:rds/instance:Instance"];

export const dataStatefulProtected = rule(
    {
        id: "data-stateful-protected",
        description: "KMS keys and EFS file systems (and in production S3 buckets and databases) are protected or retained on delete. The production cluster: see cluster-deletion-protection.",
        severity: "mandatory",
        reference: "EKS Best Practices: Reliability (back up and protect stateful data); Pulumi protect / retainOnDelete resource options",
    },
    (stack) =>
        ofType(stack, ...STATEFUL_TYPES, ...(stack.production ? PRODUCTION_STATEFUL_TYPES : [])).map((r) =>
            verdict(r, r.protect || r.retainOnDelete ? undefined : "holds data but is neither protected nor retained on delete: a destroy or replacement would lose it", r.protect ? "protected" : "retained on delete"),
        ),
);

export const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

export const dataRetainedVolumes = rule(
    {
        id: "data-retained-volumes",
        description: "In production, storage classes retain their volumes when a claim is deleted (reclaimPolicy: Retain).",
        severity: "mandatory",
        reference: "EKS Best Practices: Reliability, Data plane (persistent storage); Kubernetes persistent volume reclaim policy",
    },
    (stack) =>
        stack.production
            ? ofType(stack, STORAGE_CLASS).map((r) =>
                    verdict(r, r.props.reclaimPolicy === "Retain" ? undefined : `reclaimPolicy is ${String(r.props.reclaimPolicy ?? "Delete (default)")}: a deleted claim deletes its volume`, "reclaimPolicy Retain"),
                )
            : [],
);

const isAwsAuth = (r: PolicyResource) => at(r.props, "metadata.name") === "aws-auth" && at(r.props, "metadata.namespace") === "kube-system";

export const dataAwsAuthPatched = rule(
    {
        id: "data-aws-auth-patched",
        description: "aws-auth is never created or replaced wholesale (that drops the node and admin mappings EKS wrote); it is patched in place and the patch is retained on delete.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Identity and Access Management (aws-auth ConfigMap; prefer access entries)",
    },
    (stack) => [
        ...ofType(stack, "kubernetes:core/v1:ConfigMap").filter(isAwsAuth).map((r) => verdict(r, "declares the whole aws-auth ConfigMap: patch it (ConfigMapPatch) or use access entries", "")),
        ...ofType(stack, "kubernetes:core/v1:ConfigMapPatch").filter(isAwsAuth).map((r) =>
            verdict(r, r.retainOnDelete === false ? "a patch of aws-auth that is not retained on delete would remove the mappings on destroy" : undefined, "patched in place"),
        ),
    ],
);

/** What a resource waits for, transitively: dependencies and its parents (Pulumi deletes in the reverse order). */
export function dependsOnAll(stack: PolicyStack, r: PolicyResource): Set<string> {
    const byUrn = new Map(stack.resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const visit = (x: PolicyResource | undefined) => {
        for (const d of [...(x?.dependencies ?? []), ...(x?.parent ? [x.parent] : [])]) {
            if (seen.has(d)) continue;
            seen.add(d);
            visit(byUrn.get(d));
        }
    };
    visit(r);
    return seen;
}

export const KARPENTER_RESOURCES = [NODE_POOL_TYPE, NODE_CLASS_TYPE];

export const dataKarpenterTeardown = rule(
    {
        id: "data-karpenter-teardown-order",
        description: "Karpenter's node pools and node classes depend on the Karpenter controller, and the controller on its IAM role and the nodes' access entry, so a destroy removes the nodes first, then Karpenter, then its access.",
        severity: "mandatory",
        reference: "Karpenter docs: uninstall (delete node pools before the controller); EKS Best Practices: Karpenter",
    },
    (stack): Finding[] => {
        const controllers = ofType(stack, ...HELM_RELEASE_TYPES).filter((r) => chartName(r) === "karpenter");
        if (!controllers.length) return [];
        const access = ofType(stack, "aws:iam/role:Role", "aws:eks/accessEntry:AccessEntry");
        return [
            ...ofType(stack, ...KARPENTER_RESOURCES).map((r) => {
                const deps = dependsOnAll(stack, r);
                return verdict(r, controllers.some((c) => deps.has(c.urn)) ? undefined : "does not depend on the Karpenter controller: a destroy could remove the controller while its nodes still run", "removed before the controller");
            }),
            ...controllers.map((c) => {
                const deps = dependsOnAll(stack, c);
                const missing = ["aws:iam/role:Role", "aws:eks/accessEntry:AccessEntry"].filter((t) => access.some((a) => a.type === t) && !access.some((a) => a.type === t && deps.has(a.urn)));
                return verdict(c, missing.length ? `does not depend on its ${missing.join(" and ")}: a destroy could remove Karpenter's access while it still drains nodes` : undefined, "removed before its role and access entry");
            }),
        ];
    },
);

export const DATA_SAFETY_RULES = [dataStatefulProtected, dataRetainedVolumes, dataAwsAuthPatched, dataKarpenterTeardown];
