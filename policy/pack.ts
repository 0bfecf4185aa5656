// The rules as a Pulumi policy pack: each rule a stack validation policy, run by
// `pulumi preview --policy-pack policy/` over the stack being previewed.
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource as PulumiPolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { loadConfigFile } from "../lib/config/load";
import type { PlatformConfig } from "../lib/config/schema";
import { REPO_ROOT } from "../lib/layers";
import type { PolicyResource, PolicyStack, Rule } from "./rule";
import { RULES } from "./rules";
import { exceptionsOf } from "../lib/config/exceptions";
import { productionSignal } from "../lib/config/guards/production";

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the stack is the environment. */
export const stackOfUrn = (urn: string): string => urn.split("::")[0].replace(/^urn:pulumi:/, "");

/**
 * The environment's root `Pulumi.<env>.yaml`, loaded once per version of the file: the pack runs
 * every rule of every stack against the same file, and loading (YAML, schema, rules) is what costs.
 */
const loaded = new Map<string, { version: string; config?: PlatformConfig }>();

function environmentConfig(environment: string, root: string): PlatformConfig | undefined {
    const file = path.join(root, `Pulumi.${environment}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    const { mtimeMs, size } = fs.statSync(file);
    const version = `${mtimeMs}|${size}`;
    const cached = loaded.get(file);
    if (cached?.version === version) return cached.config;
    let config: PlatformConfig | undefined;
    try {
        config = loadConfigFile(file);
    } catch {
        config = undefined;
    }
    loaded.set(file, { version, config });
    return config;
}

/**
 * Whether an environment is production: its name says so, or its root `Pulumi.<env>.yaml` does
 * (`platform:tier`). An environment whose file cannot be read or validated is judged as
 * production: strict by default.
 */
export function isProduction(environment: string, root = REPO_ROOT): boolean {
    if (productionSignal(environment, {})) return true;
    const config = environmentConfig(environment, root);
    return config === undefined || config.tier === "production";
}

/** The environment's production exceptions with their reasons (none when its file cannot be read). */
export function exceptionsOfEnvironment(environment: string, root = REPO_ROOT): Record<string, string> {
    const config = environmentConfig(environment, root);
    return config ? exceptionsOf(config) : {};
}

/**
 * The service-linked roles the environment's file says the account has (`platform:serviceLinkedRoles`):
 * none when its file cannot be read (strict by default).
 */
export function serviceLinkedRolesOfEnvironment(environment: string, root = REPO_ROOT): string[] {
    return environmentConfig(environment, root)?.serviceLinkedRoles ?? [];
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
    return {
        environment,
        production: isProduction(environment),
        exceptions: exceptionsOfEnvironment(environment),
        serviceLinkedRoles: serviceLinkedRolesOfEnvironment(environment),
        today,
        resources: args.resources.map(fromPulumi),
    };
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
