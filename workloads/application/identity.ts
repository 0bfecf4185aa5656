// Who an application is: its service account, and the IAM role (IRSA) it assumes when it needs AWS.
import type { ApplicationSpec } from "../../lib/config/applications";
import { irsaServiceAccountAnnotations, type Statement } from "../../lib/iam";
import type * as pulumi from "@pulumi/pulumi";
import { metadataOf, type ServiceAccountObject } from "./manifest";

export function serviceAccountManifest(app: ApplicationSpec, roleArn?: pulumi.Input<string>): ServiceAccountObject {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: metadataOf(app, roleArn === undefined ? undefined : irsaServiceAccountAnnotations(roleArn)),
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

export const needsRole = (app: ApplicationSpec): boolean =>
    app.serviceAccount.iamPolicyArns.length > 0 || app.serviceAccount.iamStatements.length > 0 || app.secrets.length > 0;
