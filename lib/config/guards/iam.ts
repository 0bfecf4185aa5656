// Applications' IAM judged by effect: what each statement and managed policy allows, expanded
// against the IAM catalogue, never a privilege escalation, and only the team's own buckets and
// secrets (lib/iamEffect.ts does the expanding).
import { escalations, expandAction, managedPolicyStatements, resourcesOf, scopable, unknownActions, type IamStatement } from "../../iamEffect";
import type { GuardContext, PartialConfig, Problem } from "./types";
import { teamBucketPrefix, teamSecretPrefix } from "./tenancy";

type Path = (string | number)[];

const s3Bucket = (arn: string): string | undefined => /^arn:aws[a-z-]*:s3:::([^/]+)/.exec(arn)?.[1];
const secretName = (arn: string): string | undefined => /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(arn)?.[1];

/** The actions a statement names, expanded (a service wildcard to the service's actions). */
const actionsOf = (s: IamStatement): string[] => (Array.isArray(s.Action) ? s.Action.map(String) : []).flatMap(expandAction);

/** Why a statement of a team's application reaches beyond the team, or nothing. */
function scopeProblems(s: IamStatement, team: string, c: PartialConfig, env: string | undefined): string[] {
    if (s.Effect !== "Allow") return [];
    const actions = actionsOf(s);
    const resources = resourcesOf(s);
    const problems: string[] = [];
    const wideScoped = actions.filter(scopable);
    if (resources.includes("*") && wideScoped.length) {
        problems.push(`allows ${wideScoped.length > 3 ? `${wideScoped.slice(0, 3).join(", ")} and ${wideScoped.length - 3} more` : wideScoped.join(", ")} on every resource: name the team's resources (ARNs)`);
    }
    if (!c.name || !env) return problems;
    const bucketPrefix = teamBucketPrefix(c.name, env, team);
    if (actions.some((a) => a.startsWith("s3:") && scopable(a))) {
        const own = (b: string) => b === bucketPrefix || b.startsWith(`${bucketPrefix}-`);
        const foreign = resources.filter((r) => s3Bucket(r) !== undefined && !own(s3Bucket(r) as string));
        if (foreign.length) problems.push(`reaches S3 buckets outside the prefix of team ${team} "${bucketPrefix}-": ${foreign.join(", ")}`);
    }
    const secretPrefix = teamSecretPrefix(env, team);
    if (actions.some((a) => a.startsWith("secretsmanager:") && scopable(a))) {
        const foreign = resources.filter((r) => r !== "*" && secretName(r) !== undefined && !secretName(r)!.startsWith(secretPrefix));
        if (foreign.length) problems.push(`reaches secrets outside the prefix of team ${team} "${secretPrefix}": ${foreign.join(", ")}`);
    }
    return problems;
}

/** Why statements are refused for a pod's role: unknown actions, escalation. */
export function effectProblems(statements: readonly IamStatement[]): string[] {
    const unknown = unknownActions(statements);
    const escalating = escalations(statements);
    return [
        ...unknown,
        ...(escalating.length ? [`allows ${escalating.join(", ")}: privilege escalation (a pod could give itself or others more than this role has)`] : []),
    ];
}

/** `platform:applications[i].serviceAccount`: inline statements and managed policies, by what they allow. */
export const applicationIam = (c: PartialConfig, { env }: GuardContext): Problem[] =>
    (c.applications ?? []).flatMap((app, i): Problem[] => {
        const at = (...p: Path): Path => ["applications", i, "serviceAccount", ...p];
        const statements = app.serviceAccount.iamStatements.map((s, j) => ({ j, s: { Effect: s.effect, Action: s.actions, Resource: s.resources } as IamStatement }));
        const inline = statements.flatMap(({ j, s }) =>
            [...effectProblems([s]), ...scopeProblems(s, app.team, c, env)].map((message) => ({ path: at("iamStatements", j), message: `team ${app.team}: ${message}` })));
        const managed = app.serviceAccount.iamPolicyArns.flatMap((arn, k): Problem[] => {
            const granted = managedPolicyStatements(arn);
            if (!granted) {
                return [{ path: at("iamPolicyArns", k), message: `team ${app.team}: "${arn}" cannot be judged offline (not an AWS managed policy the platform knows): write what the application needs in serviceAccount.iamStatements` }];
            }
            const problems = [...effectProblems(granted), ...granted.flatMap((s) => scopeProblems(s, app.team, c, env))];
            return problems.map((message) => ({ path: at("iamPolicyArns", k), message: `team ${app.team}: "${arn}" ${message}` }));
        });
        return [...inline, ...managed];
    });
