// platform:lib:PodAwsIdentity: the AWS identity of one Kubernetes service account, the one place
// that builds a pod's IAM role (add-ons and applications alike). Pods on EC2 nodes get EKS Pod
// Identity: a role that trusts `pods.eks.amazonaws.com` for this cluster, namespace and service
// account only, and an association (the Pod Identity agent on each node hands out its
// credentials). Pods on Fargate get IRSA instead: Fargate runs no DaemonSet, so no agent reaches
// them (EKS user guide, "EKS Pod Identity": "Pod Identity isn't available on Fargate").
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mechanismFor, type IdentityMechanism, type PodCompute } from "./applicationIdentity";
import { attachManagedPolicies, awsManagedPolicy, irsaServiceAccountAnnotations, policy, serviceAccountTrust, type ManagedPolicyAttachment, type PolicyDocument } from "./iam";

export { mechanismFor, type IdentityMechanism, type PodCompute };

/** The service principal EKS Pod Identity assumes roles as. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/**
 * A role only this cluster's Pod Identity may assume, for one namespace and service account: the
 * session tags EKS Pod Identity sets (EKS user guide, pod-id-role and pod-id-abac) must match.
 */
export function podIdentityTrust(clusterName: string, namespace: string, serviceAccount: string): PolicyDocument {
    return policy({
        Sid: "EksPodIdentity",
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:RequestTag/eks-cluster-name": clusterName,
                "aws:RequestTag/kubernetes-namespace": namespace,
                "aws:RequestTag/kubernetes-service-account": serviceAccount,
            },
        },
    });
}

export interface OidcProvider {
    oidcProviderArn: pulumi.Input<string>;
    oidcProviderUrl: pulumi.Input<string>;
}

export interface PodAwsIdentityArgs {
    clusterName: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
    /** Where its pods run: `fargate` takes IRSA, `ec2` Pod Identity. */
    compute: PodCompute;
    /** The cluster's OIDC provider; required for IRSA. */
    oidc?: OidcProvider;
    /** What the role is for, in its description. */
    purpose: string;
    /** Inline policies by name. */
    policies?: Record<string, pulumi.Input<PolicyDocument>>;
    /** AWS managed policies by name, e.g. `service-role/AmazonEBSCSIDriverPolicy`. */
    managedPolicies?: string[];
    /** Other managed policies by ARN (e.g. an application's customer managed policies), each with its attachment's key. */
    policyArns?: ManagedPolicyAttachment[];
    /**
     * Pod Identity only: create the association here (default), or leave it to the owner (an EKS
     * managed add-on associates its own service account through `podIdentityAssociations`).
     */
    associate?: boolean;
    /** Tags beyond the provider's default tags (e.g. the application and team), on the role and the association. */
    tags?: Record<string, string>;
}

export class PodAwsIdentity extends pulumi.ComponentResource {
    readonly mechanism: IdentityMechanism;
    readonly role: aws.iam.Role;
    readonly roleArn: pulumi.Output<string>;
    /** The service account's annotations: the IRSA role; none with Pod Identity. */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /** The same annotations as a plain record (keys known now), for a service account built here. */
    readonly annotations: Record<string, pulumi.Input<string>>;
    /** What must exist before the pods ask for credentials: the role's policies and the association. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: PodAwsIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:lib:PodAwsIdentity", name, {}, opts);
        // Its children keep the URNs they had as children of the owner (IRSA roles before this component).
        const child: pulumi.CustomResourceOptions = { parent: this, aliases: opts?.parent ? [{ parent: opts.parent }] : [] };
        this.mechanism = mechanismFor(args.compute);
        const who = `${args.namespace}/${args.serviceAccount}`;
        let trust: pulumi.Output<string>;
        if (this.mechanism === "irsa") {
            const oidc = args.oidc ?? fail(`${name}: ${who} runs on Fargate, where only IRSA works, and needs the cluster's OIDC provider`);
            trust = pulumi.all([oidc.oidcProviderArn, oidc.oidcProviderUrl]).apply(([arn, url]) => JSON.stringify(serviceAccountTrust(arn, url, args.namespace, args.serviceAccount)));
        } else {
            trust = pulumi.output(args.clusterName).apply((cluster) => JSON.stringify(podIdentityTrust(cluster, args.namespace, args.serviceAccount)));
        }
        this.role = new aws.iam.Role(name, {
            description: `${args.purpose} (${who}) through ${this.mechanism === "irsa" ? "IRSA" : "EKS Pod Identity"}`,
            assumeRolePolicy: trust,
            ...(args.tags ? { tags: args.tags } : {}),
        }, child);
        const ready: pulumi.Resource[] = [this.role];
        for (const [policyName, doc] of Object.entries(args.policies ?? {})) {
            ready.push(new aws.iam.RolePolicy(`${name}-${policyName}`, { role: this.role.id, name: policyName, policy: pulumi.output(doc).apply((p) => JSON.stringify(p)) }, child));
        }
        ready.push(...attachManagedPolicies(name, this.role.name, [...(args.managedPolicies ?? []).map(awsManagedPolicy), ...(args.policyArns ?? [])], child));
        if (this.mechanism === "pod-identity" && (args.associate ?? true)) {
            ready.push(new aws.eks.PodIdentityAssociation(name, {
                clusterName: args.clusterName,
                namespace: args.namespace,
                serviceAccount: args.serviceAccount,
                roleArn: this.role.arn,
                ...(args.tags ? { tags: args.tags } : {}),
            }, { ...child, dependsOn: ready.slice() }));
        }
        this.ready = ready;
        this.roleArn = this.role.arn;
        this.serviceAccountAnnotations = this.mechanism === "irsa" ? this.role.arn.apply(irsaServiceAccountAnnotations) : pulumi.output<Record<string, string>>({});
        this.annotations = this.mechanism === "irsa" ? irsaServiceAccountAnnotations<pulumi.Input<string>>(this.role.arn) : {};
        this.registerOutputs({ roleArn: this.roleArn, mechanism: this.mechanism });
    }
}

function fail(message: string): never {
    throw new Error(message);
}
