// A pod's AWS identity is built one way: every IAM role a pod can assume (its trust names EKS Pod
// Identity's `pods.eks.amazonaws.com`, or an OIDC provider for IRSA) and every Pod Identity
// association is a child of a `platform:lib:PodAwsIdentity` (lib/podIdentity.ts), which scopes the
// trust to one cluster, namespace and service account. And where anything uses Pod Identity (an
// association, or an EKS add-on's `podIdentityAssociations`), the agent add-on that hands out the
// credentials on each node is in the plan (EKS user guide, pod-id-agent-setup).
import { POD_IDENTITY_PRINCIPAL } from "../lib/podIdentity";
import { play } from "./play";
import type { PlanView, ViewResource } from "./view";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const POD_AWS_IDENTITY = "platform:lib:PodAwsIdentity";
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";

const statementsOf = (policy: unknown): AnyObject[] => {
    const doc = typeof policy === "string" ? (JSON.parse(policy) as AnyObject) : (policy as AnyObject | undefined);
    return [doc?.Statement ?? []].flat() as AnyObject[];
};

/** How a role's trust lets a pod assume it, or undefined when no pod can. */
export function podTrust(role: ViewResource): "pod-identity" | "irsa" | undefined {
    const statements = statementsOf(role.inputs.assumeRolePolicy);
    if (statements.some((s) => [s.Principal?.Service ?? []].flat().includes(POD_IDENTITY_PRINCIPAL))) return "pod-identity";
    if (statements.some((s) => s.Principal?.Federated !== undefined || [s.Action].flat().includes("sts:AssumeRoleWithWebIdentity"))) return "irsa";
    return undefined;
}

const underPodAwsIdentity = (view: PlanView, r: ViewResource): boolean => r.parent !== undefined && view.byUrn.get(r.parent)?.type === POD_AWS_IDENTITY;

export const podIdentity = play(
    {
        id: "pod-identity",
        description: "Every role a pod can assume and every Pod Identity association comes from PodAwsIdentity (lib/podIdentity.ts); the Pod Identity agent runs wherever something uses it",
    },
    (view, problem) => {
        const problems = [];
        for (const role of view.ofType("aws:iam/role:Role")) {
            const trust = podTrust(role);
            if (trust && !underPodAwsIdentity(view, role)) {
                problems.push(problem(`a pod's role (its trust names ${trust === "irsa" ? "an OIDC provider (IRSA)" : POD_IDENTITY_PRINCIPAL}) built outside ${POD_AWS_IDENTITY}: build it with PodAwsIdentity (lib/podIdentity.ts), which scopes it to one cluster, namespace and service account and picks Pod Identity or IRSA from where the pods run`, role.urn));
            }
        }
        const associations = view.ofType(ASSOCIATION);
        for (const a of associations.filter((x) => !underPodAwsIdentity(view, x))) {
            problems.push(problem(`a Pod Identity association built outside ${POD_AWS_IDENTITY}: build it with PodAwsIdentity (lib/podIdentity.ts)`, a.urn));
        }
        const addons = view.ofType("aws:eks/addon:Addon");
        const users = [...associations, ...addons.filter((a) => [a.inputs.podIdentityAssociations ?? []].flat().length > 0)];
        if (users.length > 0 && !addons.some((a) => a.inputs.addonName === POD_IDENTITY_AGENT_ADDON)) {
            problems.push(problem(`${users.length} service account(s) get their credentials through EKS Pod Identity, but the ${POD_IDENTITY_AGENT_ADDON} add-on is not in the plan: no node could hand them out (platform:addons.podIdentityAgent)`, users[0].urn));
        }
        return problems;
    },
);
