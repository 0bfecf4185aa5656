// What an application reads: its ConfigMap (as environment variables) and its Secrets Manager
// secrets (as files, through the Secrets Store CSI driver's AWS provider and the pod's role: the AWS
// provider (ASCP) takes it through EKS Pod Identity with `usePodIdentity: "true"`, through IRSA otherwise).
import * as YAML from "yaml";
import type { ApplicationSpec } from "../../lib/config/applications";
import { metadataOf, type ConfigMapObject, type CustomObject, type PodIdentityContext } from "./manifest";
import { configMapName } from "./pod";

export const SECRET_PROVIDER_CLASS_API = "secrets-store.csi.x-k8s.io/v1";

export function configMapManifest(app: ApplicationSpec): ConfigMapObject {
    return { apiVersion: "v1", kind: "ConfigMap", metadata: metadataOf(app, undefined, configMapName(app)), data: app.config };
}

export function secretProviderClassManifest(app: ApplicationSpec, identity?: PodIdentityContext): CustomObject<"SecretProviderClass"> {
    const objects = app.secrets.map((s) => ({ objectName: s.secretsManagerName, objectType: "secretsmanager", objectAlias: s.name }));
    return {
        apiVersion: SECRET_PROVIDER_CLASS_API,
        kind: "SecretProviderClass",
        metadata: metadataOf(app),
        spec: { provider: "aws", parameters: { objects: YAML.stringify(objects), usePodIdentity: String(identity?.mechanism === "pod-identity") } },
    };
}
