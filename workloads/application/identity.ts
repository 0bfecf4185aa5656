// Who an application is: its service account, and the statements of the IAM role it assumes when it
// needs AWS (the role itself is a lib/podIdentity.ts PodAwsIdentity: EKS Pod Identity on EC2 nodes, IRSA on Fargate).
import type { ApplicationSpec } from "../../lib/config/applications";
import type { Statement } from "../../lib/iam";
import { metadataOf, type PodIdentityContext, type ServiceAccountObject } from "./manifest";

export { needsRole } from "../../lib/applicationIdentity";

export function serviceAccountManifest(app: ApplicationSpec, identity?: PodIdentityContext): ServiceAccountObject {
    const annotations = identity?.serviceAccountAnnotations ?? {};
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: metadataOf(app, Object.keys(annotations).length > 0 ? annotations : undefined),
        automountServiceAccountToken: app.serviceAccount.automountToken,
    };
}

/** The Secrets Manager ARN pattern of a secret name (Secrets Manager appends 6 random characters). */
export function secretArn(nameOrArn: string, region: string, accountId: string): string {
    return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:aws:secretsmanager:${region}:${accountId}:secret:${nameOrArn}-??????`;
}

/** The inline statements of the application's role: config's own, and reading its secrets. */
export function roleStatements(app: ApplicationSpec, region: string, accountId: string): Statement[] {
    const own: Statement[] = app.serviceAccount.iamStatements.map((s) => ({ Effect: s.effect, Action: s.actions, Resource: s.resources }));
    const secrets: Statement[] = app.secrets.length > 0
        ? [{ Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: app.secrets.map((s) => secretArn(s.secretsManagerName, region, accountId)) }]
        : [];
    return [...own, ...secrets];
}
