// What a guard rail is: a plain function over one stack's resources, with the metadata the
// report and the policy pack need. The same functions run over the offline synth's plan
// (`npm run policy`, tests) and inside `pulumi preview --policy-pack policy/`.

export type Severity = "mandatory" | "advisory";

/** One resource of a stack, in the shape both the synth plan and the policy pack can give. */
export interface PolicyResource {
    urn: string;
    type: string;
    name: string;
    /** The resource's inputs (synth) or properties (policy pack); unknown values are absent. */
    props: Record<string, unknown>;
    protect: boolean;
    /** Absent where the source cannot tell (the policy pack does not see it). */
    retainOnDelete?: boolean;
    parent?: string;
    /** URNs this resource depends on (explicit `dependsOn`, parents' and inputs' dependencies). */
    dependencies: string[];
    /** The synth modeled it (a remote component's child, or what AWS itself creates): not the platform's own inputs. */
    modeled?: boolean;
}

export interface PolicyStack {
    /** The stack (environment) name, e.g. `prod`. */
    environment: string;
    /** `platform:tier` is `production`: the strict rules apply. */
    production: boolean;
    resources: PolicyResource[];
    /** The day support windows are judged on. */
    today: Date;
    /** Reasons of `platform:productionExceptions` (publicEndpoint, internetEgress) the rules and the report show. */
    exceptions?: Record<string, string>;
    /** Service-linked roles the account has (`platform:serviceLinkedRoles`): the only ones a policy may name. */
    serviceLinkedRoles?: readonly string[];
}

/** A rule's verdict on one resource it applies to. */
export interface Finding {
    urn: string;
    ok: boolean;
    /** What was checked (ok) or what is wrong and how to fix it (violation). */
    message: string;
}

export interface RuleInfo {
    /** Stable id, e.g. `cluster-private-endpoint`. */
    id: string;
    description: string;
    severity: Severity;
    /** The CIS Amazon EKS Benchmark item or EKS Best Practices Guide section it comes from. */
    reference: string;
}

export type Rule = RuleInfo & ((stack: PolicyStack) => Finding[]);

/** Builds a rule: the check, callable directly, carrying its metadata. */
export function rule(info: RuleInfo, check: (stack: PolicyStack) => Finding[]): Rule {
    return Object.assign((stack: PolicyStack) => check(stack), info);
}

export const pass = (r: PolicyResource, message: string): Finding => ({ urn: r.urn, ok: true, message });
export const fail = (r: PolicyResource, message: string): Finding => ({ urn: r.urn, ok: false, message });
/** A pass or a violation on one resource. */
export const verdict = (r: PolicyResource, problem: string | undefined, ok: string): Finding =>
    problem ? fail(r, problem) : pass(r, ok);

export const ofType = (stack: PolicyStack, ...types: string[]): PolicyResource[] =>
    stack.resources.filter((r) => types.includes(r.type));

/** A value at a dotted path (`spec.template.spec`), or undefined. */
export function at(value: unknown, path: string): unknown {
    let cur = value;
    for (const key of path.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
}

/** Providers give some booleans as strings (`encrypted: "true"`). */
export const isTrue = (v: unknown): boolean => v === true || v === "true";
export const isFalse = (v: unknown): boolean => v === false || v === "false";

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const asRecord = (v: unknown): Record<string, unknown> =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A JSON document given as a string (IAM policies) or an object; undefined when unreadable or unknown. */
export function jsonOf(v: unknown): Record<string, unknown> | undefined {
    if (typeof v === "string") {
        try {
            return asRecord(JSON.parse(v));
        } catch {
            return undefined;
        }
    }
    return v && typeof v === "object" ? asRecord(v) : undefined;
}
