// Pulumi children do not inherit their component's dependsOn: components pass it on explicitly.
import type * as pulumi from "@pulumi/pulumi";

/** The `dependsOn` of options as a list. */
export function dependenciesOf(opts: pulumi.ResourceOptions | undefined): pulumi.Input<pulumi.Resource>[] {
    const d = opts?.dependsOn;
    if (d === undefined) return [];
    return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}
