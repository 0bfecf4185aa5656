// No "none" passed as "": an output that can be empty (a bucket, a role ARN, an ID of something not
// created) flowing into a cloud resource's input or into an annotation an AWS controller reads turns
// "nothing" into a value. AWS refuses an empty name or ARN (or the provider quietly takes it for
// unset), and the load balancer controller or the Pod Identity / IRSA webhooks act on the empty
// annotation: the deploy fails, or worse, half-succeeds.
import { play } from "./play";

type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Annotation domains AWS controllers and webhooks read (load balancers, IAM roles for service accounts). */
const AWS_ANNOTATION = /^(service\.beta\.kubernetes\.io\/aws-|alb\.ingress\.kubernetes\.io\/|eks\.amazonaws\.com\/|service\.kubernetes\.io\/aws-)/;

/** Paths (`a.b[0].c`) of empty strings in a value; with `keys`, only under object keys that match. */
export function emptyStrings(value: unknown, keys?: RegExp, path = ""): string[] {
    if (value === "") return keys ? [] : [path || "(value)"];
    if (Array.isArray(value)) return value.flatMap((v, i) => emptyStrings(v, keys, `${path}[${i}]`));
    if (value && typeof value === "object") {
        return Object.entries(value as AnyObject).flatMap(([k, v]) => {
            const at = path ? `${path}.${k}` : k;
            if (keys && keys.test(k)) return v === "" ? [at] : [];
            return emptyStrings(v, keys, at);
        });
    }
    return [];
}

export const emptyValues = play(
    { id: "empty-values", description: "No empty string in an AWS resource's inputs or in an annotation an AWS controller reads (manifests and chart values)" },
    (view, problem) => [
        ...view.resources
            .filter((r) => r.custom && r.type.startsWith("aws:"))
            .flatMap((r) => emptyStrings(r.inputs).map((p) => problem(`input ${p} is "": an empty name, ARN or ID is "nothing" passed as a value (AWS refuses it, or the provider takes it for unset); pass the real value or leave the input out`, r.urn))),
        ...view.manifests()
            .flatMap(({ resource, manifest }) => emptyStrings(manifest.metadata.annotations ?? {}, AWS_ANNOTATION)
                .map((p) => problem(`${manifest.kind} ${manifest.metadata.namespace ?? ""}/${manifest.metadata.name}: annotation ${p} is "": the AWS controller reads it as set; leave it out instead`, resource.urn))),
        ...view.releases()
            .flatMap((r) => emptyStrings(r.values, AWS_ANNOTATION)
                .map((p) => problem(`release ${r.name} values ${p} is "": the annotation reaches the chart's objects and the AWS controller reads it as set; leave it out instead`, r.resource.urn))),
    ],
);
