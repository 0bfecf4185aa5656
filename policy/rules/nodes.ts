// Worker nodes (managed node groups, launch templates, Karpenter node classes) and Fargate profiles.
import { asArray, asRecord, at, isTrue, ofType, rule, verdict, type PolicyResource, type PolicyStack } from "../rule";
import { NODE_CLASS_TYPE } from "../../lib/karpenterNodes";

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const NODE_CLASS = NODE_CLASS_TYPE;
export const NODE_GROUP_TYPES = ["eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup"];
export const FARGATE_PROFILE = "aws:eks/fargateProfile:FargateProfile";

/** Node group types that take a launch template; without one a node gets EKS's defaults (IMDSv1 allowed, hop limit 2). */
const withoutLaunchTemplate = (stack: PolicyStack) => ofType(stack, ...NODE_GROUP_TYPES).filter((r) => !r.props.launchTemplate);

function imdsProblem(options: unknown): string | undefined {
    const o = asRecord(options);
    const problems = [
        o.httpTokens !== "required" && `httpTokens is ${String(o.httpTokens ?? "optional (default)")}, not required`,
        Number(o.httpPutResponseHopLimit) !== 1 && `hop limit is ${String(o.httpPutResponseHopLimit ?? "the default")}, not 1 (pods could reach the node's credentials)`,
    ].filter(Boolean);
    return problems.length ? `IMDSv2: ${problems.join("; ")}` : undefined;
}

export const nodeImdsV2 = rule(
    {
        id: "node-imdsv2",
        description: "Nodes require IMDSv2 tokens with a hop limit of 1, so pods cannot take the node role's credentials.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Identity and Access Management (restrict access to the instance profile assigned to the worker node)",
    },
    (stack) => [
        ...ofType(stack, LAUNCH_TEMPLATE).map((r) => verdict(r, imdsProblem(r.props.metadataOptions), "IMDSv2 required, hop limit 1")),
        ...ofType(stack, NODE_CLASS).map((r) => verdict(r, imdsProblem(at(r.props, "spec.metadataOptions")), "IMDSv2 required, hop limit 1")),
        ...withoutLaunchTemplate(stack).map((r) => verdict(r, "a node group without a launch template gets IMDSv1 and hop limit 2: give it a launch template", "")),
    ],
);

function volumesProblem(mappings: unknown, what: string): string | undefined {
    const list = asArray(mappings);
    if (!list.length) return `${what} declares no block devices: the AMI's defaults are not encrypted unless the account says so; declare encrypted volumes`;
    const plain = list.filter((m) => !isTrue(at(m, "ebs.encrypted"))).map((m) => String(at(m, "deviceName") ?? "?"));
    return plain.length ? `unencrypted volumes: ${plain.join(", ")}` : undefined;
}

export const nodeEncryptedVolumes = rule(
    {
        id: "node-encrypted-volumes",
        description: "Every node volume is encrypted.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Data encryption and secrets management (encryption at rest)",
    },
    (stack) => [
        ...ofType(stack, LAUNCH_TEMPLATE).map((r) => verdict(r, volumesProblem(r.props.blockDeviceMappings, "the launch template"), "volumes encrypted")),
        ...ofType(stack, NODE_CLASS).map((r) => verdict(r, volumesProblem(at(r.props, "spec.blockDeviceMappings"), "the node class"), "volumes encrypted")),
        ...withoutLaunchTemplate(stack).map((r) => verdict(r, "a node group without a launch template gets an unencrypted default disk", "")),
    ],
);

export const NODE_OS_PREFIXES = ["BOTTLEROCKET_", "AL2023_"];
export const NODE_CLASS_ALIASES = ["bottlerocket@", "al2023@"];

export const nodeOperatingSystem = rule(
    {
        id: "node-operating-system",
        description: "Nodes run Bottlerocket or Amazon Linux 2023 (container-optimized, supported AMIs).",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Infrastructure security (use an OS optimized for running containers)",
    },
    (stack) => [
        ...ofType(stack, ...NODE_GROUP_TYPES).map((r) => {
            const ami = String(r.props.amiType ?? "AL2_x86_64 (default)");
            return verdict(r, NODE_OS_PREFIXES.some((p) => ami.startsWith(p)) ? undefined : `AMI type ${ami} is neither Bottlerocket nor AL2023`, `AMI type ${ami}`);
        }),
        ...ofType(stack, NODE_CLASS).map((r) => {
            const aliases = asArray(at(r.props, "spec.amiSelectorTerms")).map((t) => String(at(t, "alias") ?? ""));
            const ok = aliases.length > 0 && aliases.every((a) => NODE_CLASS_ALIASES.some((p) => a.startsWith(p)));
            return verdict(r, ok ? undefined : `AMI selector ${JSON.stringify(at(r.props, "spec.amiSelectorTerms"))} does not pin a Bottlerocket or AL2023 alias`, `AMI ${aliases.join(", ")}`);
        }),
    ],
);

/** The subnets the stack knows as private and public: from its StackReferences' network outputs. */
export function knownSubnets(stack: PolicyStack): { private: Set<string>; public: Set<string> } {
    const refs = ofType(stack, "pulumi:pulumi:StackReference").map((r) => asRecord(r.props.outputs));
    const ids = (key: string) => new Set(refs.flatMap((o) => asArray(o[key]).map(String)));
    return { private: ids("privateSubnetIds"), public: ids("publicSubnetIds") };
}

function subnetsProblem(stack: PolicyStack, subnetIds: unknown): string | undefined {
    const ids = asArray(subnetIds).map(String);
    const known = knownSubnets(stack);
    if (!ids.length) return "no subnets given";
    const publicOnes = ids.filter((id) => known.public.has(id));
    if (publicOnes.length) return `public subnets: ${publicOnes.join(", ")}`;
    const unknown = known.private.size ? ids.filter((id) => !known.private.has(id)) : [];
    return unknown.length ? `subnets not among the network layer's private subnets: ${unknown.join(", ")}` : undefined;
}

/** A subnet selector that only private subnets match: by ID, or by a tag the network layer puts on private subnets only. */
export const PRIVATE_SUBNET_TAGS = ["karpenter.sh/discovery", "kubernetes.io/role/internal-elb"];

function selectorProblem(stack: PolicyStack, terms: unknown): string | undefined {
    const list = asArray(terms);
    if (!list.length) return "no subnetSelectorTerms";
    for (const term of list) {
        const id = at(term, "id");
        if (id) {
            const p = subnetsProblem(stack, [id]);
            if (p) return p;
        } else if (!Object.keys(asRecord(at(term, "tags"))).some((t) => PRIVATE_SUBNET_TAGS.includes(t))) {
            return `subnet selector ${JSON.stringify(term)} may match public subnets: select by ID or by a private-only tag (${PRIVATE_SUBNET_TAGS.join(", ")})`;
        }
    }
    return undefined;
}

export const nodePrivateSubnets = rule(
    {
        id: "node-private-subnets",
        description: "Nodes run in private subnets and get no public IP address.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.4.3 (deploy private nodes); EKS Best Practices: Security, Network security",
    },
    (stack) => [
        ...ofType(stack, ...NODE_GROUP_TYPES).map((r) => verdict(r, subnetsProblem(stack, r.props.subnetIds), "private subnets")),
        ...ofType(stack, LAUNCH_TEMPLATE).map((r) => {
            const publicIp = asArray(r.props.networkInterfaces).some((n) => isTrue(at(n, "associatePublicIpAddress")));
            return verdict(r, publicIp ? "a network interface asks for a public IP address" : undefined, "no public IP address");
        }),
        ...ofType(stack, NODE_CLASS).map((r) => {
            if (isTrue(at(r.props, "spec.associatePublicIPAddress"))) return verdict(r, "associatePublicIPAddress is true", "");
            return verdict(r, selectorProblem(stack, at(r.props, "spec.subnetSelectorTerms")), "selects private subnets only");
        }),
    ],
);

export const fargatePrivateSubnets = rule(
    {
        id: "fargate-private-subnets",
        description: "Fargate profiles place pods in private subnets only.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Network security; Amazon EKS Fargate profiles (private subnets)",
    },
    (stack) => ofType(stack, FARGATE_PROFILE).map((r: PolicyResource) => verdict(r, subnetsProblem(stack, r.props.subnetIds), "private subnets")),
);

export const NODE_RULES = [nodeImdsV2, nodeEncryptedVolumes, nodeOperatingSystem, nodePrivateSubnets, fargatePrivateSubnets];
