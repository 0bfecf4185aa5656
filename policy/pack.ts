// The rules as a Pulumi policy pack: each rule a stack validation policy, run by
// `pulumi preview --policy-pack policy/` over the stack being previewed.
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource as PulumiPolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { loadConfigFile } from "../lib/config/load";
import { REPO_ROOT } from "../lib/layers";
import type { PolicyResource, PolicyStack, Rule } from "./rule";
import { RULES } from "./rules";

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the stack is the environment. */
export const stackOfUrn = (urn: string): string => urn.split("::")[0].replace(/^urn:pulumi:/, "");

/**
 * Whether an environment is production, from its root `Pulumi.<env>.yaml` (`platform:tier`).
 * An environment whose file cannot be read or validated is judged as production: strict by default.
 */
export function isProduction(environment: string, root = REPO_ROOT): boolean {
    return environmentFacts(environment, root).production;
}

/**
 * What the rules need from an environment's root `Pulumi.<env>.yaml`: its tier and the service-linked
 * roles it says the account has. Unreadable: production, and no service-linked role (strict by default).
 */
export function environmentFacts(environment: string, root = REPO_ROOT): { production: boolean; serviceLinkedRoles: string[] } {
    const file = path.join(root, `Pulumi.${environment}.yaml`);
    if (!fs.existsSync(file)) return { production: true, serviceLinkedRoles: [] };
    try {
        const config = loadConfigFile(file);
        return { production: config.tier === "production", serviceLinkedRoles: config.serviceLinkedRoles };
    } catch {
        return { production: true, serviceLinkedRoles: [] };
    }
}

function fromPulumi(r: PulumiPolicyResource): PolicyResource {
    const propertyDependencies = Object.values(r.propertyDependencies ?? {}).flat();
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: r.props,
        protect: r.opts.protect,
        parent: r.parent?.urn,
        dependencies: [...new Set([...r.dependencies, ...propertyDependencies].map((d) => d.urn))],
    };
}

export function stackOfArgs(args: Pick<StackValidationArgs, "resources">, today = new Date()): PolicyStack {
    const environment = args.resources.length ? stackOfUrn(args.resources[0].urn) : "";
    const facts = environmentFacts(environment);
    return { environment, production: facts.production, serviceLinkedRoles: facts.serviceLinkedRoles, today, resources: args.resources.map(fromPulumi) };
}

export function toStackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.id,
        description: `${rule.description} (${rule.reference})`,
        enforcementLevel: rule.severity,
        validateStack: (args, reportViolation) => {
            for (const finding of rule(stackOfArgs(args))) {
                if (!finding.ok) reportViolation(finding.message, finding.urn);
            }
        },
    };
}

export const POLICIES: StackValidationPolicy[] = RULES.map(toStackPolicy);
